#pragma once

#include "attemptrecord.h"
#include "executor.h"

#include <QDeadlineTimer>

#include <csignal>

namespace requeue {

// Runs one attempt of a process job to its end on the calling (worker)
// thread: spawns it in a process group of its own with stdin on /dev/null and
// stdout/stderr streamed to the ticket's files, enforces the timeout, honours
// cancel (SIGTERM to the group, SIGKILL after the grace period) and kills
// whatever the job left behind in its group when the attempt ends.
class ProcessAttempt
{
public:
    explicit ProcessAttempt(const AttemptTicket &ticket);
    Q_DISABLE_COPY_MOVE(ProcessAttempt)
    ~ProcessAttempt();

    // Never throws. `record.number` and `record.startedUs` are left to the caller.
    AttemptRecord run();

private:
    bool openOutputs(AttemptRecord *record);
    bool checkWorkingDirectory(AttemptRecord *record) const;
    bool spawn(AttemptRecord *record);
    bool leaderExited(siginfo_t *info) const;
    void waitForEvent(const QDeadlineTimer &until) const;
    void waitForExit(AttemptRecord *record);
    void signalGroup(int signal) const;

    const AttemptTicket &m_ticket;
    int m_stdoutFd = -1;
    int m_stderrFd = -1;
    int m_wakeFd = -1;
    int m_pidFd = -1;
    int m_pid = -1;
};

} // namespace requeue
