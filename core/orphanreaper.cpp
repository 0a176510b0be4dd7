#include "orphanreaper.h"

#include "processguard.h"
#include "requeuelogging.h"

#include <QDir>
#include <QFile>

#include <csignal>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace requeue {

OrphanReaper &OrphanReaper::instance()
{
    // Never destroyed: its sweeper thread lives as long as the process.
    static auto *reaper = new OrphanReaper;
    return *reaper;
}

bool OrphanReaper::enable()
{
    const QString probe = QStringLiteral("/proc/self/task/%1/children").arg(::gettid());
    if (!QFile::exists(probe) || ::prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0) {
        qCWarning(lcCore,
                  "cannot adopt orphaned job processes; ones that leave their "
                  "process group will outlive their job");
        return false;
    }
    m_enabled.store(true, std::memory_order_release);
    return true;
}

std::shared_lock<std::shared_mutex> OrphanReaper::spawning()
{
    if (!isEnabled())
        return {};
    return std::shared_lock<std::shared_mutex>(m_spawnLock);
}

void OrphanReaper::leaderStarted(pid_t leader)
{
    if (!isEnabled())
        return;
    std::lock_guard lock(m_leadersMutex);
    ++m_leaders[leader];
}

void OrphanReaper::leaderReaped(pid_t leader)
{
    if (!isEnabled())
        return;
    std::lock_guard lock(m_leadersMutex);
    if (--m_leaders[leader] <= 0)
        m_leaders.remove(leader);
}

QList<pid_t> OrphanReaper::children() const
{
    // Orphans are re-parented to some thread of this process: ask each.
    QList<pid_t> pids;
    const QStringList tasks
        = QDir(QStringLiteral("/proc/self/task")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &task : tasks) {
        QFile file(QStringLiteral("/proc/self/task/%1/children").arg(task));
        if (!file.open(QIODevice::ReadOnly))
            continue;
        for (const QByteArray &pid : file.readAll().split(' ')) {
            if (const int value = pid.trimmed().toInt(); value > 0)
                pids.append(pid_t(value));
        }
    }
    return pids;
}

void OrphanReaper::attemptEnded()
{
    if (!isEnabled())
        return;
    {
        std::lock_guard lock(m_sweepMutex);
        m_sweepPending = true;
        if (!m_sweeperStarted) {
            m_sweeperStarted = true;
            std::thread([this] { sweepLoop(); }).detach();
        }
    }
    m_sweepWanted.notify_one();
}

void OrphanReaper::sweepLoop()
{
    using namespace std::chrono_literals;
    std::unique_lock lock(m_sweepMutex);
    for (;;) {
        m_sweepWanted.wait(lock, [this] { return m_sweepPending; });
        // Let attempts that end together share one sweep.
        lock.unlock();
        std::this_thread::sleep_for(50ms);
        lock.lock();
        m_sweepPending = false;
        lock.unlock();
        sweep();
        lock.lock();
    }
}

bool OrphanReaper::isJobDescendant(pid_t pid)
{
    // Every job starts with REQUEUE_JOB_ID in its environment, and what it
    // starts inherits it; a process Requeue did not start through a job (a
    // file dialog's helper) does not carry it and is never killed.
    QFile file(QStringLiteral("/proc/%1/environ").arg(pid));
    if (!file.open(QIODevice::ReadOnly))
        return false;
    const QByteArray environment = file.readAll();
    return environment.startsWith("REQUEUE_JOB_ID=")
        || environment.contains(QByteArrayLiteral("\0REQUEUE_JOB_ID="));
}

QList<pid_t> OrphanReaper::orphans()
{
    const pid_t guard = ProcessGuard::instance().guardPid();
    // Held only while listing: no leader is half-registered meanwhile.
    std::unique_lock spawnLock(m_spawnLock);
    QList<pid_t> pids = children();
    std::lock_guard lock(m_leadersMutex);
    pids.removeIf([&](pid_t pid) { return pid == guard || m_leaders.contains(pid); });
    return pids;
}

void OrphanReaper::sweep()
{
    if (!isEnabled())
        return;
    // Killing an orphan may orphan its own children in turn: a few rounds.
    // The spawn lock is not held here: kill() and waitpid() may block, and
    // attempts must not wait for them to start.
    for (int round = 0; round < 8; ++round) {
        QList<pid_t> found = orphans();
        found.removeIf([](pid_t pid) { return !isJobDescendant(pid); });
        if (found.isEmpty())
            return;
        for (pid_t pid : std::as_const(found)) {
            ::kill(-pid, SIGKILL); // its group, if it made one
            ::kill(pid, SIGKILL);
            ::waitpid(pid, nullptr, 0);
        }
    }
}

} // namespace requeue
