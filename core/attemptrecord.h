#pragma once

#include "jobstate.h"

#include <QString>

namespace requeue {

// What happened in one attempt. A value type.
struct AttemptRecord
{
    int number = 0;        // 1-based, counting every attempt the job ever made
    qint64 startedUs = 0;  // microseconds since the epoch
    qint64 finishedUs = 0; // 0 while running
    // Not a success until an executor says so: a record nobody filled in
    // must never pass for one.
    AttemptOutcome outcome = AttemptOutcome::NotStarted;
    int exitCode = -1; // valid for Succeeded and ExitCode
    int signal = 0;    // valid for Signalled (and TimedOut/Cancelled if it took a signal)
    QString message;   // for a person: "not found: /usr/bin/foo", an exception's what()
    // The cluster node that ran it (Slurm's NodeList); empty for local
    // attempts and for those that never reached a node.
    QString node;

    bool succeeded() const { return outcome == AttemptOutcome::Succeeded; }
    qint64 durationUs() const { return finishedUs > startedUs ? finishedUs - startedUs : 0; }
    // One short line: "exit 3", "SIGKILL", "timed out", "not started: <reason>".
    QString summary() const;
};

// The name of a signal ("SIGTERM"), or "signal N" when it has none.
QString signalName(int signal);

// Microseconds since the epoch, from the system clock.
qint64 nowUs();

} // namespace requeue

Q_DECLARE_METATYPE(requeue::AttemptRecord)
