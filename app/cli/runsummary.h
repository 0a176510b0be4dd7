#pragma once

#include "jobsnapshot.h"

#include <QJsonObject>
#include <QList>
#include <QString>

namespace requeue {

// How one headless run ended, for the final line and --summary-json. A value
// type: made and printed on the main thread, safe to copy to any other.
struct RunSummary
{
    qint64 startedUs = 0;    // since the epoch
    qint64 finishedUs = 0;   // since the epoch
    QString resultsDir;      // empty if no process ever ran
    int attempts = 0;        // attempts started in this run
    int skipped = 0;         // jobs a resumed run left out
    int skippedFailed = 0;   // of those, jobs that had given up (failed)
    QList<JobSnapshot> jobs; // the jobs this run was given, in file order

    int count(JobState state) const;
    // Every job of the list succeeded, those a resumed run skipped included.
    bool succeeded() const;
    double wallSeconds() const;
    // The --summary-json document; times are seconds since `startedUs`.
    QJsonObject toJson() const;
    // "10 jobs: 8 succeeded, 1 failed, 1 cancelled; 14 attempts in 3.2 s; output in DIR"
    QString line() const;
};

} // namespace requeue
