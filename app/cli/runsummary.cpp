#include "runsummary.h"

#include <QJsonArray>

namespace requeue {

namespace {

QJsonValue secondsSince(qint64 startUs, qint64 us)
{
    if (us == 0)
        return QJsonValue(QJsonValue::Null);
    return double(us - startUs) / 1e6;
}

QJsonValue exitCodeOf(const JobSnapshot &job)
{
    if (!job.hasLastAttempt)
        return QJsonValue(QJsonValue::Null);
    switch (job.lastAttempt.outcome) {
    case AttemptOutcome::Succeeded:
    case AttemptOutcome::ExitCode:
        return job.lastAttempt.exitCode;
    case AttemptOutcome::TimedOut:
        return -1; // as in the joblog
    case AttemptOutcome::Signalled:
    case AttemptOutcome::Cancelled:
    case AttemptOutcome::NotStarted:
    case AttemptOutcome::Exception:
    case AttemptOutcome::Lost:
        return QJsonValue(QJsonValue::Null);
    }
    Q_UNREACHABLE();
    return QJsonValue(QJsonValue::Null);
}

} // namespace

int RunSummary::count(JobState state) const
{
    return int(std::count_if(jobs.cbegin(), jobs.cend(),
                             [state](const JobSnapshot &job) { return job.state == state; }));
}

double RunSummary::wallSeconds() const
{
    return finishedUs > startedUs ? double(finishedUs - startedUs) / 1e6 : 0.0;
}

QJsonObject RunSummary::toJson() const
{
    QJsonArray perJob;
    for (const JobSnapshot &job : jobs) {
        QJsonObject entry;
        entry.insert(QStringLiteral("seq"), job.seq);
        entry.insert(QStringLiteral("name"), job.name);
        entry.insert(QStringLiteral("state"), jobStateName(job.state));
        entry.insert(QStringLiteral("attempts"), job.attempts);
        entry.insert(QStringLiteral("exit_code"), exitCodeOf(job));
        entry.insert(QStringLiteral("signal"), job.hasLastAttempt ? job.lastAttempt.signal : 0);
        entry.insert(QStringLiteral("first_start"), secondsSince(startedUs, job.firstStartedUs));
        entry.insert(QStringLiteral("finished"),
                     isTerminal(job.state) ? secondsSince(startedUs, job.finishedUs)
                                           : QJsonValue(QJsonValue::Null));
        perJob.append(entry);
    }
    QJsonObject root;
    root.insert(QStringLiteral("jobs"), int(jobs.size()));
    root.insert(QStringLiteral("succeeded"), count(JobState::Succeeded));
    root.insert(QStringLiteral("failed"), count(JobState::Failed));
    root.insert(QStringLiteral("cancelled"), count(JobState::Cancelled));
    root.insert(QStringLiteral("skipped"), skipped);
    root.insert(QStringLiteral("skipped_failed"), skippedFailed);
    root.insert(QStringLiteral("attempts"), attempts);
    root.insert(QStringLiteral("wall_seconds"), wallSeconds());
    root.insert(QStringLiteral("results_dir"),
                resultsDir.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(resultsDir));
    root.insert(QStringLiteral("per_job"), perJob);
    return root;
}

bool RunSummary::succeeded() const
{
    return skippedFailed == 0 && count(JobState::Succeeded) == jobs.size();
}

QString RunSummary::line() const
{
    QStringList parts;
    parts.append(QStringLiteral("%1 succeeded").arg(count(JobState::Succeeded)));
    parts.append(QStringLiteral("%1 failed").arg(count(JobState::Failed)));
    if (const int cancelled = count(JobState::Cancelled))
        parts.append(QStringLiteral("%1 cancelled").arg(cancelled));
    if (const int unfinished = int(jobs.size()) - count(JobState::Succeeded)
            - count(JobState::Failed) - count(JobState::Cancelled))
        parts.append(QStringLiteral("%1 unfinished").arg(unfinished));
    if (skippedFailed > 0)
        parts.append(QStringLiteral("%1 skipped (%2 of them failed before)")
                         .arg(skipped)
                         .arg(skippedFailed));
    else if (skipped > 0)
        parts.append(QStringLiteral("%1 skipped").arg(skipped));
    QString text = QStringLiteral("%1 %2: %3; %4 %5 in %6 s")
                       .arg(jobs.size())
                       .arg(jobs.size() == 1 ? QStringLiteral("job") : QStringLiteral("jobs"))
                       .arg(parts.join(QStringLiteral(", ")))
                       .arg(attempts)
                       .arg(attempts == 1 ? QStringLiteral("attempt") : QStringLiteral("attempts"))
                       .arg(wallSeconds(), 0, 'f', 1);
    if (!resultsDir.isEmpty())
        text += QLatin1String("; output in ") + resultsDir;
    return text;
}

} // namespace requeue
