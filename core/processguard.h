#pragma once

#include <sys/types.h>

namespace requeue {

// Kills the process groups of running jobs if Requeue itself dies, even by
// SIGKILL. A small guard process, forked once, holds one end of a socket; it
// learns which groups are alive and, when the socket closes because Requeue
// is gone, kills them. PR_SET_PDEATHSIG would reach only each job's first
// process, not its children, and fires when the spawning thread ends.
// Once instance() has returned, the guard holds no descriptor of Requeue's
// but its end of the socket (no run directory's lock, no output file).
// Thread-safe: call from any thread.
class ProcessGuard
{
public:
    static ProcessGuard &instance();

    // Adds or removes a group to kill should Requeue die. Never blocks for
    // long and never raises SIGPIPE; harmless if the guard could not start.
    void watch(pid_t group);
    void unwatch(pid_t group);
    // The guard's pid, or -1 if it is not running.
    pid_t guardPid() const { return m_guardPid; }

private:
    ProcessGuard();
    void send(int op, pid_t group);
    static bool awaitReady(int socket);

    int m_socket = -1;
    pid_t m_guardPid = -1;
};

} // namespace requeue
