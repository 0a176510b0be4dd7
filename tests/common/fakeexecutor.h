#pragma once

#include "executor.h"

#include <QMutex>
#include <QStringList>

#include <algorithm>
#include <condition_variable>
#include <optional>

namespace requeue::test {

// An Executor that runs nothing by itself: it holds each ticket until the
// test says that its attempt began or ended, so a test scripts every
// ordering. Logs "execute <job>#<attempt>" as tickets arrive. Adopts
// attempts (as a cluster backend) once told to, logging "adopt <seq>#<attempt>".
//
// Thread-safe; the runner calls it from any thread, the test from its own.
class FakeExecutor final : public Executor
{
public:
    void setSink(AttemptSink *sink) override { m_sink = sink; }
    void execute(AttemptTicket ticket) override
    {
        QMutexLocker locker(&m_mutex);
        m_log << QStringLiteral("execute %1#%2").arg(ticket.jobId).arg(ticket.attempt);
        m_tickets.append(std::move(ticket));
        m_changed.notify_all();
    }
    void setMaxConcurrency(int count) override
    {
        QMutexLocker locker(&m_mutex);
        m_max = count;
    }
    int maxConcurrency() const override
    {
        QMutexLocker locker(&m_mutex);
        return m_max;
    }
    bool adopt(const QList<AdoptedAttempt> &attempts) override
    {
        QMutexLocker locker(&m_mutex);
        if (!m_adopts)
            return false;
        for (const AdoptedAttempt &attempt : attempts)
            m_log << QStringLiteral("adopt %1#%2").arg(attempt.seq).arg(attempt.attempt);
        return true;
    }
    void setAdopts(bool adopts)
    {
        QMutexLocker locker(&m_mutex);
        m_adopts = adopts;
    }
    // Also waits for the reports on their way (finish(), cancelAll() on
    // another thread): the runner may be destroyed once this returns.
    bool waitForDone(QDeadlineTimer deadline) override
    {
        QMutexLocker locker(&m_mutex);
        return waitLocked(deadline, [this] { return m_tickets.isEmpty() && m_reporting == 0; });
    }

    // The attempt of `id` in flight begins now (or at `startedUs`); a
    // cluster backend names its job there first (`clusterJobId`).
    void begin(JobId id, qint64 startedUs = nowUs(), const QString &clusterJobId = {})
    {
        const std::optional<AttemptTicket> ticket = find(id, false);
        Q_ASSERT(ticket);
        if (!clusterJobId.isEmpty())
            ticket->control->setClusterStatus(clusterJobId, QStringLiteral("PENDING"));
        m_sink->attemptStarted(*ticket, startedUs);
    }
    // The attempt of `id` in flight, begun, has its process `pid` (what a
    // local process attempt reports right after begin()).
    void spawn(JobId id, qint64 pid)
    {
        const std::optional<AttemptTicket> ticket = find(id, false);
        Q_ASSERT(ticket);
        m_sink->attemptSpawned(*ticket, pid);
    }
    // The attempt of `id` in flight ends with `outcome` (on cluster node
    // `node`, if one is given).
    void finish(JobId id, AttemptOutcome outcome, int exitCode = 0, const QString &node = {})
    {
        const std::optional<AttemptTicket> ticket = find(id, true);
        Q_ASSERT(ticket);
        AttemptRecord record;
        record.number = ticket->attempt;
        record.startedUs = ticket->control->startedUs() ? ticket->control->startedUs() : nowUs();
        record.finishedUs = nowUs();
        record.outcome = outcome;
        record.exitCode = exitCode;
        record.node = node;
        m_sink->attemptFinished(*ticket, record);
        QMutexLocker locker(&m_mutex);
        --m_reporting; // counted by find()
        m_changed.notify_all();
    }
    // Ends every attempt in flight as cancelled (what a cancelled process
    // does), also those handed over meanwhile.
    void cancelAll()
    {
        QMutexLocker locker(&m_mutex);
        ++m_reporting; // the whole sweep: waitForDone() waits for its end
        while (!m_tickets.isEmpty()) {
            const AttemptTicket ticket = m_tickets.takeFirst();
            locker.unlock();
            AttemptRecord record;
            record.number = ticket.attempt;
            record.outcome = AttemptOutcome::Cancelled;
            m_sink->attemptFinished(ticket, record);
            locker.relock();
        }
        --m_reporting;
        m_changed.notify_all();
    }
    // For a thread that acts on this executor while its runner is being
    // destroyed: waitForDone() (so the runner's destructor) waits until the
    // thread calls release(), its last touch.
    void hold()
    {
        QMutexLocker locker(&m_mutex);
        ++m_reporting;
    }
    void release()
    {
        QMutexLocker locker(&m_mutex);
        --m_reporting;
        m_changed.notify_all();
    }
    bool isInFlight(JobId id) const { return find(id, false).has_value(); }
    int inFlight() const
    {
        QMutexLocker locker(&m_mutex);
        return int(m_tickets.size());
    }
    // Whether the runner asked every attempt in flight to stop (true for none).
    bool allCancelRequested() const
    {
        QMutexLocker locker(&m_mutex);
        return std::all_of(m_tickets.cbegin(), m_tickets.cend(),
                           [](const AttemptTicket &t) { return t.control->isCancelRequested(); });
    }
    QStringList takeLog()
    {
        QMutexLocker locker(&m_mutex);
        return std::exchange(m_log, {});
    }
    // The first `count` entries of the log, waiting for them until
    // `deadline` (fewer if it passes); later ones stay.
    QStringList takeLog(qsizetype count, QDeadlineTimer deadline)
    {
        QMutexLocker locker(&m_mutex);
        waitLocked(deadline, [&] { return m_log.size() >= count; });
        QStringList taken = m_log.mid(0, count);
        m_log.remove(0, taken.size());
        return taken;
    }

private:
    std::optional<AttemptTicket> find(JobId id, bool take) const
    {
        QMutexLocker locker(&m_mutex);
        for (qsizetype i = 0; i < m_tickets.size(); ++i) {
            if (m_tickets[i].jobId != id)
                continue;
            if (!take)
                return m_tickets[i];
            ++m_reporting; // until finish() has reported it
            return m_tickets.takeAt(i);
        }
        return std::nullopt;
    }
    template<typename Predicate>
    bool waitLocked(QDeadlineTimer deadline, Predicate done)
    {
        if (deadline.isForever()) {
            m_changed.wait(m_mutex, done);
            return true;
        }
        return m_changed.wait_until(m_mutex, deadline.deadline<std::chrono::steady_clock>(), done);
    }

    AttemptSink *m_sink = nullptr; // Not owning.
    mutable QMutex m_mutex;
    mutable QList<AttemptTicket> m_tickets; // guarded by m_mutex
    QStringList m_log;                      // guarded by m_mutex
    mutable int m_reporting = 0;            // reports under way; guarded by m_mutex
    std::condition_variable_any m_changed;  // a ticket or a log entry came or went
    int m_max = 1;
    bool m_adopts = false; // guarded by m_mutex
};

} // namespace requeue::test
