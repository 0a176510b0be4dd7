#include "processguard.h"

#include "requeuelogging.h"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <pthread.h>
#include <sys/prctl.h>
#include <sys/resource.h>
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

// Closes [first, last] (last -1: every descriptor from first on). In the
// forked guard: a kernel older than close_range() (Linux 5.9) gets a loop.
void closeRange(int first, int last)
{
    if (::syscall(SYS_close_range, unsigned(first), unsigned(last), 0u) == 0)
        return;
    rlimit limit {};
    const int end = last >= 0 ? last
        : ::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY
        ? int(std::min<rlim_t>(limit.rlim_cur, 1 << 20)) - 1
        : (1 << 16) - 1;
    for (int fd = first; fd <= end; ++fd)
        ::close(fd);
}

// Runs in the forked guard: async-signal-safe calls only, no allocation.
[[noreturn]] void guardMain(int socket)
{
    // Hold nothing of Requeue's open: no output file, pipe or socket but ours.
    if (socket > 0)
        closeRange(0, socket - 1);
    closeRange(socket + 1, -1);
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
    // Tells Requeue that it holds nothing of Requeue's any more (see the
    // constructor).
    const char ready = 1;
    ::send(socket, &ready, 1, MSG_NOSIGNAL);
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
    if (!awaitReady(fds[0])) {
        qCWarning(lcCore, "no process guard (it did not start): jobs may outlive a crash");
        ::close(fds[0]);
        return;
    }
    m_socket = fds[0];
    m_guardPid = pid;
}

// Until the guard has closed what it inherited, it holds every descriptor
// that was open at fork(): a run directory's lock among them, which keeps
// the run reading as live after its recorder has gone (a guard not yet
// scheduled on a loaded machine held one for as long as the test ran). So
// the first job waits for the guard's word that it holds nothing; it comes
// within microseconds on an idle machine.
bool ProcessGuard::awaitReady(int socket)
{
    char ready = 0;
    for (;;) {
        const ssize_t got = ::recv(socket, &ready, 1, 0);
        if (got == 1)
            return true;
        if (got == 0 || errno != EINTR)
            return false;
    }
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
