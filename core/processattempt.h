#pragma once

#include "attemptoutput.h"
#include "attemptrecord.h"
#include "executor.h"

#include <QDeadlineTimer>

#include <csignal>
#include <sys/types.h>

namespace requeue {

// Runs one attempt of a process job to its end on the calling (worker)
// thread: spawns it in a process group of its own with stdin on /dev/null and
// stdout/stderr streamed to the ticket's files (made only for output that
// comes: see AttemptOutput), enforces the timeout, honours cancel (SIGTERM
// to the group, SIGKILL after the grace period) and kills whatever the job
// left behind in its group when the attempt ends.
class ProcessAttempt
{
public:
    // `sink`, if given, hears of the spawned process (attemptSpawned()).
    explicit ProcessAttempt(const AttemptTicket &ticket, AttemptSink *sink = nullptr);
    Q_DISABLE_COPY_MOVE(ProcessAttempt)
    ~ProcessAttempt();

    // Never throws. `record.number` and `record.startedUs` are left to the caller.
    AttemptRecord run();

private:
    bool checkOutputFolder(AttemptRecord *record) const;
    void removeStaleOutputs() const;
    QString outputErrorText() const;
    bool openOutputs(AttemptRecord *record);
    bool checkWorkingDirectory(AttemptRecord *record) const;
    bool spawn(AttemptRecord *record);
    // A shell command that needs no shell: the program, its words and the
    // environment sh would have given it. False when sh must run it.
    bool prepareWithoutShell(QByteArray *path, QList<QByteArray> *args, QList<QByteArray> *env,
                             const QByteArray &cwd) const;
    // posix_spawn into the job's own process group; returns an errno.
    int spawnProcess(const QByteArray &path, bool searchPath, QList<QByteArray> &args,
                     QList<QByteArray> &env, const QByteArray &cwd, pid_t *pid) const;
    bool leaderExited(siginfo_t *info) const;
    void waitForEvent(const QDeadlineTimer &until);
    void waitForExit(AttemptRecord *record);
    void signalGroup(int signal) const;

    const AttemptTicket &m_ticket;
    AttemptSink *m_sink = nullptr; // Not owning.
    AttemptOutput m_stdout;
    AttemptOutput m_stderr;
    int m_wakeFd = -1;
    int m_pidFd = -1;
    int m_pid = -1;
    bool m_withoutShell = false; // a shell command spawned as a plain program
};

} // namespace requeue
