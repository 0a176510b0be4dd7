#include "runsettings.h"

#include "jobfile.h"

#include <QSettings>
#include <QThread>

namespace requeue {

RunSettings RunSettings::load(const QSettings &settings)
{
    RunSettings s;
    s.workers = settings.value(QStringLiteral("run/workers"), QThread::idealThreadCount()).toInt();
    s.workers = qBound(1, s.workers, 1024);
    s.maxAttempts = qMax(0, settings.value(QStringLiteral("run/maxAttempts"), 3).toInt());
    const int backoff = settings.value(QStringLiteral("run/backoff"), 0).toInt();
    s.backoff = backoff >= 0 && backoff <= int(RetryPolicy::Backoff::Exponential)
        ? RetryPolicy::Backoff(backoff)
        : RetryPolicy::Backoff::None;
    s.delay = std::chrono::milliseconds(
        qMax<qint64>(0, settings.value(QStringLiteral("run/delayMs"), 1000).toLongLong()));
    s.timeout = std::chrono::milliseconds(
        qMax<qint64>(0, settings.value(QStringLiteral("run/timeoutMs"), 0).toLongLong()));
    s.slurmPoll = std::chrono::milliseconds(qBound<qint64>(
        MinSlurmPollMs, settings.value(QStringLiteral("run/slurmPollMs"), 5000).toLongLong(),
        MaxSlurmPollMs));
    s.keepRuns = qMax(0, settings.value(QStringLiteral("run/keepRuns"), 100).toInt());
    s.keepRunsMiB = qMax(0, settings.value(QStringLiteral("run/keepRunsMiB"), 0).toInt());
    s.backend = settings.value(QStringLiteral("run/backend")).toString() == QLatin1String("slurm")
        ? Backend::Slurm
        : Backend::Local;
    return s;
}

void RunSettings::save(QSettings &settings) const
{
    settings.setValue(QStringLiteral("run/workers"), workers);
    settings.setValue(QStringLiteral("run/maxAttempts"), maxAttempts);
    settings.setValue(QStringLiteral("run/backoff"), int(backoff));
    settings.setValue(QStringLiteral("run/delayMs"), qlonglong(delay.count()));
    settings.setValue(QStringLiteral("run/timeoutMs"), qlonglong(timeout.count()));
    settings.setValue(QStringLiteral("run/slurmPollMs"), qlonglong(slurmPoll.count()));
    settings.setValue(QStringLiteral("run/keepRuns"), keepRuns);
    settings.setValue(QStringLiteral("run/keepRunsMiB"), keepRunsMiB);
    settings.setValue(QStringLiteral("run/backend"),
                      backend == Backend::Slurm ? QStringLiteral("slurm")
                                                : QStringLiteral("local"));
}

JobDefaults RunSettings::jobDefaults() const
{
    JobDefaults defaults;
    defaults.maxAttempts = maxAttempts;
    defaults.timeout = timeout;
    RetryPolicy policy;
    policy.backoff = backoff;
    policy.initialDelay
        = backoff == RetryPolicy::Backoff::None ? std::chrono::milliseconds(0) : delay;
    defaults.backoff = policy;
    return defaults;
}

void RunSettings::applyTo(JobListEntry &entry) const
{
    entry.spec = entry.withDefaults(jobDefaults());
}

bool RunSettings::operator==(const RunSettings &other) const
{
    return backend == other.backend && workers == other.workers && maxAttempts == other.maxAttempts
        && backoff == other.backoff && delay == other.delay && timeout == other.timeout
        && slurmPoll == other.slurmPoll && keepRuns == other.keepRuns
        && keepRunsMiB == other.keepRunsMiB;
}

} // namespace requeue
