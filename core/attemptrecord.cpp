#include "attemptrecord.h"

#include <QDateTime>

#include <csignal>
#include <cstring>

namespace requeue {

QString jobStateName(JobState state)
{
    switch (state) {
    case JobState::Queued:
        return QStringLiteral("queued");
    case JobState::Running:
        return QStringLiteral("running");
    case JobState::WaitingForRetry:
        return QStringLiteral("waiting");
    case JobState::Succeeded:
        return QStringLiteral("succeeded");
    case JobState::Failed:
        return QStringLiteral("failed");
    case JobState::Cancelled:
        return QStringLiteral("cancelled");
    }
    Q_UNREACHABLE();
    return {};
}

QString attemptOutcomeName(AttemptOutcome outcome)
{
    switch (outcome) {
    case AttemptOutcome::Succeeded:
        return QStringLiteral("succeeded");
    case AttemptOutcome::ExitCode:
        return QStringLiteral("exit code");
    case AttemptOutcome::Signalled:
        return QStringLiteral("signal");
    case AttemptOutcome::TimedOut:
        return QStringLiteral("timed out");
    case AttemptOutcome::Cancelled:
        return QStringLiteral("cancelled");
    case AttemptOutcome::NotStarted:
        return QStringLiteral("not started");
    case AttemptOutcome::Exception:
        return QStringLiteral("exception");
    case AttemptOutcome::Lost:
        return QStringLiteral("lost");
    }
    Q_UNREACHABLE();
    return {};
}

QString signalName(int signal)
{
    const char *abbrev = sigabbrev_np(signal);
    if (!abbrev)
        return QStringLiteral("signal %1").arg(signal);
    return QLatin1String("SIG") + QLatin1String(abbrev);
}

QString AttemptRecord::summary() const
{
    switch (outcome) {
    case AttemptOutcome::Succeeded:
        return QStringLiteral("exit 0");
    case AttemptOutcome::ExitCode:
        return QStringLiteral("exit %1").arg(exitCode);
    case AttemptOutcome::Signalled:
        return signalName(signal);
    case AttemptOutcome::TimedOut:
        return QStringLiteral("timed out");
    case AttemptOutcome::Cancelled:
        return QStringLiteral("cancelled");
    case AttemptOutcome::NotStarted:
        return QStringLiteral("not started: ") + message;
    case AttemptOutcome::Exception:
        return QStringLiteral("exception: ") + message;
    case AttemptOutcome::Lost:
        return message.isEmpty() ? QStringLiteral("lost") : message;
    }
    Q_UNREACHABLE();
    return {};
}

qint64 nowUs()
{
    using namespace std::chrono;
    return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

} // namespace requeue
