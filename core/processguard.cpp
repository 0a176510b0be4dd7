#include "processguard.h"

#include "requeuelogging.h"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <pthread.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace requeue {

namespace {

struct GuardMessage
{
    int op; // +1 watch, -1 unwatch
    pid_t group;
};

constexpr int GuardCapacity = 8192;
// The guard's table. It lives in static storage because the forked guard must
// not allocate: another thread may have held the allocator's lock at fork().
pid_t g_groups[GuardCapacity];

void remember(pid_t group)
{
    for (pid_t &slot : g_groups) {
        if (slot == 0) {
            slot = group;
            return;
        }
    }
}

void forget(pid_t group)
{
    for (pid_t &slot : g_groups) {
        if (slot == group) {
            slot = 0;
            return;
        }
    }
}

// Runs in the forked guard: async-signal-safe calls only, no allocation.
[[noreturn]] void guardMain(int socket)
{
    // Hold nothing of Requeue's open: no output file, pipe or socket but ours.
    if (socket > 0)
        ::syscall(SYS_close_range, 0u, unsigned(socket - 1), 0u);
    ::syscall(SYS_close_range, unsigned(socket + 1), ~0u, 0u);
    // Ctrl-C in a terminal reaches the whole foreground group: the guard must
    // outlive Requeue to do its work, so only EOF on the socket ends it.
    ::signal(SIGINT, SIG_IGN);
    ::signal(SIGTERM, SIG_IGN);
    ::signal(SIGHUP, SIG_IGN);
    ::signal(SIGQUIT, SIG_IGN);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::prctl(PR_SET_NAME, "requeue-guard", 0, 0, 0);
    for (;;) {
        GuardMessage message;
        const ssize_t got = ::recv(socket, &message, sizeof message, 0);
        if (got == ssize_t(sizeof message)) {
            if (message.op > 0)
                remember(message.group);
            else
                forget(message.group);
        } else if (got == 0 || errno != EINTR) {
            break; // Requeue is gone
        }
    }
    for (pid_t group : g_groups) {
        if (group > 0)
            ::kill(-group, SIGKILL);
    }
    _exit(0);
}

} // namespace

ProcessGuard &ProcessGuard::instance()
{
    static ProcessGuard guard;
    return guard;
}

ProcessGuard::ProcessGuard()
{
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) != 0) {
        qCWarning(lcCore, "no process guard (socketpair: %s): jobs may outlive a crash",
                  strerror(errno));
        return;
    }
    // Signals stay blocked until the guard has set them to be ignored: a
    // Ctrl-C right after the fork must not take it down.
    sigset_t all, previous;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &previous);
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::close(fds[0]);
        guardMain(fds[1]);
    }
    pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    ::close(fds[1]);
    if (pid < 0) {
        qCWarning(lcCore, "no process guard (fork: %s): jobs may outlive a crash", strerror(errno));
        ::close(fds[0]);
        return;
    }
    m_socket = fds[0];
    m_guardPid = pid;
}

void ProcessGuard::watch(pid_t group)
{
    send(+1, group);
}

void ProcessGuard::unwatch(pid_t group)
{
    send(-1, group);
}

void ProcessGuard::send(int op, pid_t group)
{
    if (m_socket < 0)
        return;
    const GuardMessage message {op, group};
    if (::send(m_socket, &message, sizeof message, MSG_NOSIGNAL) != sizeof message)
        qCWarning(lcCore, "process guard unreachable: %s", strerror(errno));
}

} // namespace requeue
