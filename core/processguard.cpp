#include "processguard.h"

#include "requeuelogging.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace requeue {

namespace {

// The groups to kill, in memory shared with the guard (mapped before the
// fork): watching a group is a store, not a message, so the guard sleeps
// until Requeue is gone instead of waking twice for every job. A group's
// slot is found by linear probing from `group % GuardCapacity`.
constexpr int GuardCapacity = 16384;
using GroupSlot = std::atomic<pid_t>;
static_assert(GroupSlot::is_always_lock_free, "shared between processes");

GroupSlot *mapSharedTable()
{
    void *table = ::mmap(nullptr, GuardCapacity * sizeof(GroupSlot), PROT_READ | PROT_WRITE,
                         MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    // Anonymous memory is zeroed: every slot starts free.
    return table == MAP_FAILED ? nullptr : static_cast<GroupSlot *>(table);
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
[[noreturn]] void guardMain(int socket, const GroupSlot *table)
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
    // Requeue sends nothing more: the socket ends when Requeue does.
    for (;;) {
        char ignored;
        const ssize_t got = ::recv(socket, &ignored, 1, 0);
        if (got == 0 || (got < 0 && errno != EINTR))
            break;
    }
    // Every thread of Requeue's is gone, so the table holds still.
    for (int i = 0; i < GuardCapacity; ++i) {
        const pid_t group = table[i].load(std::memory_order_relaxed);
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
    GroupSlot *table = mapSharedTable();
    if (!table) {
        qCWarning(lcCore, "no process guard (mmap: %s): jobs may outlive a crash", strerror(errno));
        return;
    }
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) != 0) {
        qCWarning(lcCore, "no process guard (socketpair: %s): jobs may outlive a crash",
                  strerror(errno));
        ::munmap(table, GuardCapacity * sizeof(GroupSlot));
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
        guardMain(fds[1], table);
    }
    pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    ::close(fds[1]);
    if (pid < 0) {
        qCWarning(lcCore, "no process guard (fork: %s): jobs may outlive a crash", strerror(errno));
        ::close(fds[0]);
        ::munmap(table, GuardCapacity * sizeof(GroupSlot));
        return;
    }
    if (!awaitReady(fds[0])) {
        qCWarning(lcCore, "no process guard (it did not start): jobs may outlive a crash");
        ::close(fds[0]);
        ::munmap(table, GuardCapacity * sizeof(GroupSlot));
        return;
    }
    // The socket stays open for as long as Requeue runs: its end is the
    // guard's signal.
    m_socket = fds[0];
    m_table = table;
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
    if (!m_table || group <= 0)
        return;
    for (int probe = 0; probe < GuardCapacity; ++probe) {
        pid_t free = 0;
        if (m_table[(group + probe) % GuardCapacity].compare_exchange_strong(
                free, group, std::memory_order_relaxed))
            return;
    }
    if (!m_warnedFull.exchange(true, std::memory_order_relaxed)) {
        qCWarning(lcCore, "more than %d jobs running at once: those beyond it may outlive a crash",
                  GuardCapacity);
    }
}

void ProcessGuard::unwatch(pid_t group)
{
    if (!m_table || group <= 0)
        return;
    // Slots before it may have been freed since: look on to the group itself.
    for (int probe = 0; probe < GuardCapacity; ++probe) {
        pid_t watched = group;
        if (m_table[(group + probe) % GuardCapacity].compare_exchange_strong(
                watched, 0, std::memory_order_relaxed))
            return;
    }
}

} // namespace requeue
