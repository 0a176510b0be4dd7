#pragma once

#include "attemptrecord.h"
#include "joblog.h"
#include "jobstate.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace requeue {

class JobRunner;
struct RunHistory;

// One job as a report shows it. A value type.
struct ReportJob
{
    int seq = 0;
    QString name;
    QString command;
    JobState state = JobState::Queued;
    QList<AttemptRecord> attempts; // in order
    QStringList stderrPaths;       // per attempt; empty or missing when unknown
};

// What a run report is made from. A value type.
struct ReportInput
{
    QString title; // the job list's or joblog's name
    QList<ReportJob> jobs;
};

// The numbers at the top of a report.
struct ReportSummary
{
    int jobs = 0;
    int succeeded = 0;
    int failed = 0;
    int cancelled = 0;
    int attempts = 0;
    int retries = 0;        // attempts beyond each job's first
    double wallSeconds = 0; // first attempt's start to last attempt's end
    double attemptsPerSecond = 0;
};

ReportSummary summarizeReport(const ReportInput &input);

// A self-contained XHTML-compatible HTML page (inline CSS and SVG, no
// external URL, no script): the summary, the timeline and its charts, a
// histogram of attempts per job and a table of the jobs that failed or were
// retried, with each attempt's result and the last lines of its stderr.
// Big runs are aggregated (per pixel column, at most a few hundred table
// rows), so 10,000 attempts stay well under 5 MB. Pure; any thread.
QByteArray renderRunReport(const ReportInput &input);
// Writes it atomically; false with "path: reason" in `error`.
bool writeRunReport(const ReportInput &input, const QString &path, QString *error);

// A report of what a joblog records. An attempt that Exitval -1 marks is
// shown as timed out (the joblog does not tell a timeout from a cancel).
// With `resultsDir` (as given to --results), stderr is looked up in
// `resultsDir/<seq>/<attempt>/stderr`.
ReportInput reportFromJoblog(const Joblog &log, const QString &resultsDir = {});
// A report of a recorded run (see runhistory.h): its jobs as run.json has
// them, its attempts as the journal has them, stderr where the journal says
// it went (or under `resultsDir/<seq>/<attempt>/` when given). An attempt
// left unfinished by a run that is no longer live is shown as lost.
ReportInput reportFromRunHistory(const RunHistory &history, const QString &resultsDir = {});
// A report of the runner's jobs as they are now.
ReportInput reportFromRunner(const JobRunner &runner, const QString &title);

} // namespace requeue
