#pragma once

#include <QMutex>
#include <QString>

#include <atomic>

namespace requeue {

// The cancel switch of one attempt, shared by the runner (which flips it) and
// the attempt (which watches it). Every method is thread-safe.
class AttemptControl
{
public:
    AttemptControl() = default;
    Q_DISABLE_COPY_MOVE(AttemptControl)

    // Asks the attempt to stop. Idempotent; never blocks on the attempt.
    void requestCancel();
    bool isCancelRequested() const { return m_cancelled.load(std::memory_order_acquire); }
    // Cancel without a grace period: the process group gets SIGKILL at once.
    void requestKill();
    bool isKillRequested() const { return m_kill.load(std::memory_order_acquire); }
    const std::atomic_bool &cancelFlag() const { return m_cancelled; }

    // When the attempt began executing (µs since the epoch), 0 before. Set by
    // the executor without taking the runner's lock.
    void setStartedUs(qint64 us) { m_startedUs.store(us, std::memory_order_relaxed); }
    qint64 startedUs() const { return m_startedUs.load(std::memory_order_relaxed); }

    // Where the attempt is in a cluster scheduler, for views: its job id there,
    // a word on its state ("PENDING (Resources)", "RUNNING on node1") and the
    // node running it. Set by the executor; empty for local attempts.
    void setClusterStatus(const QString &jobId, const QString &state, const QString &node = {});
    QString clusterJobId() const;
    QString clusterState() const;
    QString clusterNode() const;

    // A process attempt registers an eventfd to be woken by requestCancel().
    // Returns false if cancel was already requested (the caller should stop).
    bool attachWakeFd(int fd);
    void detachWakeFd();

private:
    void wake();

    std::atomic_bool m_cancelled {false};
    std::atomic_bool m_kill {false};
    std::atomic<qint64> m_startedUs {0};
    mutable QMutex m_mutex; // guards m_wakeFd against a concurrent detach, and the cluster status
    int m_wakeFd = -1;
    QString m_clusterJobId;
    QString m_clusterState;
    QString m_clusterNode;
};

} // namespace requeue
