#pragma once

#include <atomic>
#include <sys/types.h>

namespace requeue {

// Kills the process groups of running jobs if Requeue itself dies, even by
// SIGKILL. A small guard process, forked once, holds one end of a socket and
// shares a table of the live groups with Requeue; when the socket closes
// because Requeue is gone, it kills them. PR_SET_PDEATHSIG would reach only
// each job's first process, not its children, and fires when the spawning
// thread ends.
// Once instance() has returned, the guard holds no descriptor of Requeue's
// but its end of the socket (no run directory's lock, no output file).
// Thread-safe: call from any thread.
class ProcessGuard
{
public:
    static ProcessGuard &instance();

    // Adds or removes a group to kill should Requeue die: a store into the
    // shared table, no system call and no wake-up of the guard. Lock-free;
    // harmless if the guard could not start.
    void watch(pid_t group);
    void unwatch(pid_t group);
    // The guard's pid, or -1 if it is not running.
    pid_t guardPid() const { return m_guardPid; }

private:
    ProcessGuard();
    static bool awaitReady(int socket);

    int m_socket = -1;
    std::atomic<pid_t> *m_table = nullptr; // shared with the guard
    std::atomic_bool m_warnedFull {false};
    pid_t m_guardPid = -1;
};

} // namespace requeue
