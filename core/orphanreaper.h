#pragma once

#include <QHash>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <shared_mutex>
#include <sys/types.h>

namespace requeue {

// Kills what a job leaves behind outside its process group: a child that
// called setsid() or setpgid() and outlived the job. Once enabled, Requeue is
// a child subreaper, so such orphans are re-parented to it instead of to init;
// after each attempt, every child of Requeue's that is not a running job's
// leader (nor the process guard) and carries a job's REQUEUE_JOB_ID in its
// environment is one of them, and is killed and reaped within about 50 ms.
// Other children are never touched.
//
// Process-wide and opt-in: only `requeue run` enables it (a window would
// become the parent of every orphan its platform helpers leave). Every
// method is thread-safe; the sweeper runs on a thread of its own.
class OrphanReaper
{
public:
    static OrphanReaper &instance();

    // Becomes a child subreaper. Returns false (and stays off) if the kernel
    // refuses or /proc cannot list children.
    bool enable();
    bool isEnabled() const { return m_enabled.load(std::memory_order_acquire); }

    // Brackets a spawn, so that sweep() never mistakes a leader that is being
    // registered for an orphan. Hold the returned lock until leaderStarted().
    std::shared_lock<std::shared_mutex> spawning();
    void leaderStarted(pid_t leader);
    // After the leader has been reaped.
    void leaderReaped(pid_t leader);
    // An attempt ended: sweep soon. Sweeps run on a thread of the reaper's
    // own, at most every 50 ms, so attempts never wait for one.
    void attemptEnded();
    // Kills and reaps adopted orphans now.
    void sweep();

private:
    OrphanReaper() = default;
    QList<pid_t> children() const;
    // Children that are neither job leaders nor the guard.
    QList<pid_t> orphans();
    static bool isJobDescendant(pid_t pid);
    [[noreturn]] void sweepLoop();

    std::atomic_bool m_enabled {false};
    std::shared_mutex m_spawnLock;
    std::mutex m_leadersMutex;
    QHash<pid_t, int> m_leaders; // a count: a pid may be reused

    std::mutex m_sweepMutex;
    std::condition_variable m_sweepWanted;
    bool m_sweepPending = false;
    bool m_sweeperStarted = false;
};

} // namespace requeue
