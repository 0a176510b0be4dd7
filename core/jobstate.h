#pragma once

#include <QMetaType>
#include <QString>

namespace requeue {

using JobId = quint64;

// Where a job is in its life. Succeeded, Failed and Cancelled are terminal.
enum class JobState : quint8 {
    Queued,          // waiting for a free worker (or for the runner to be resumed)
    Running,         // an attempt is executing
    WaitingForRetry, // a backoff delay is pending; no worker is held
    Succeeded,
    Failed, // gave up: attempt budget used, permanent exit code, or not startable
    Cancelled,
};
constexpr int JobStateCount = 6;

inline bool isTerminal(JobState state)
{
    return state == JobState::Succeeded || state == JobState::Failed
        || state == JobState::Cancelled;
}

// The word a person reads ("queued", "waiting", ...). Stable: used in files.
QString jobStateName(JobState state);

// How one attempt ended.
enum class AttemptOutcome : quint8 {
    Succeeded,  // exit code 0, or the callable returned 0
    ExitCode,   // a non-zero exit code (see AttemptRecord::exitCode)
    Signalled,  // killed by a signal (see AttemptRecord::signal)
    TimedOut,   // ran past its per-attempt timeout and was stopped
    Cancelled,  // stopped on request
    NotStarted, // could not be started: program missing, bad cwd, unwritable output...
    Exception,  // a callable threw; the message is kept
    Lost,       // the backend lost it: a cluster node failed, it was preempted or vanished
};

// A word for `outcome` ("exit code", "signal", ...). Stable: used in files.
QString attemptOutcomeName(AttemptOutcome outcome);

} // namespace requeue

Q_DECLARE_METATYPE(requeue::JobState)
Q_DECLARE_METATYPE(requeue::AttemptOutcome)
