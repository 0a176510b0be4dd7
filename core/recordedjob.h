#pragma once

#include "attemptrecord.h"
#include "jobspec.h"
#include "jobstate.h"

#include <QList>
#include <QString>

namespace requeue {

// A job as a recorded run left it (see RunReader): what
// JobRunner::addRecordedJobs() shows again, to go on with it or to follow a
// run that another process runs. A value type.
struct RecordedJob
{
    JobSpec spec;
    JobState state = JobState::Queued;
    int attempts = 0;             // every attempt started, the one in flight too
    QList<AttemptRecord> history; // the finished attempts, oldest first
    qint64 firstStartedUs = 0;
    qint64 finishedUs = 0;     // when it last reached a terminal state, else 0
    qint64 runningSinceUs = 0; // the attempt in flight, if Running
    // Absolute: where its attempts' output is, `<attempt>/stdout|stderr`.
    // Empty: under the runner's output directory, as for a new job.
    QString outputFolder;
};

} // namespace requeue
