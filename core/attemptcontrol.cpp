#include "attemptcontrol.h"

#include <QMutexLocker>

#include <cstdint>
#include <unistd.h>

namespace requeue {

void AttemptControl::requestCancel()
{
    m_cancelled.store(true, std::memory_order_release);
    wake();
}

void AttemptControl::requestKill()
{
    m_kill.store(true, std::memory_order_release);
    m_cancelled.store(true, std::memory_order_release);
    wake();
}

void AttemptControl::wake()
{
    QMutexLocker locker(&m_mutex);
    if (m_wakeFd >= 0) {
        const std::uint64_t one = 1;
        // An eventfd write only fails when the counter would overflow, which
        // still leaves it readable: the attempt wakes up either way.
        [[maybe_unused]] const auto written = ::write(m_wakeFd, &one, sizeof one);
    }
}

bool AttemptControl::attachWakeFd(int fd)
{
    QMutexLocker locker(&m_mutex);
    m_wakeFd = fd;
    return !isCancelRequested();
}

void AttemptControl::detachWakeFd()
{
    QMutexLocker locker(&m_mutex);
    m_wakeFd = -1;
}

void AttemptControl::setClusterStatus(const QString &jobId, const QString &state,
                                      const QString &node)
{
    QMutexLocker locker(&m_mutex);
    m_clusterJobId = jobId;
    m_clusterState = state;
    m_clusterNode = node;
}

QString AttemptControl::clusterNode() const
{
    QMutexLocker locker(&m_mutex);
    return m_clusterNode;
}

QString AttemptControl::clusterJobId() const
{
    QMutexLocker locker(&m_mutex);
    return m_clusterJobId;
}

QString AttemptControl::clusterState() const
{
    QMutexLocker locker(&m_mutex);
    return m_clusterState;
}

} // namespace requeue
