#pragma once

#include "executor.h"

#include <QMutex>
#include <QStringList>

#include <optional>

namespace requeue::test {

// An Executor that runs nothing by itself: it holds each ticket until the
// test says that its attempt began or ended, so a test scripts every
// ordering. Logs "execute <job>#<attempt>" as tickets arrive.
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
    bool waitForDone(QDeadlineTimer) override
    {
        QMutexLocker locker(&m_mutex);
        return m_tickets.isEmpty();
    }

    // The attempt of `id` in flight begins now (or at `startedUs`).
    void begin(JobId id, qint64 startedUs = nowUs())
    {
        const std::optional<AttemptTicket> ticket = find(id, false);
        Q_ASSERT(ticket);
        m_sink->attemptStarted(*ticket, startedUs);
    }
    // The attempt of `id` in flight ends with `outcome`.
    void finish(JobId id, AttemptOutcome outcome, int exitCode = 0)
    {
        const std::optional<AttemptTicket> ticket = find(id, true);
        Q_ASSERT(ticket);
        AttemptRecord record;
        record.number = ticket->attempt;
        record.startedUs = ticket->control->startedUs() ? ticket->control->startedUs() : nowUs();
        record.finishedUs = nowUs();
        record.outcome = outcome;
        record.exitCode = exitCode;
        m_sink->attemptFinished(*ticket, record);
    }
    // Ends every attempt in flight as cancelled (what a cancelled process does).
    void cancelAll()
    {
        for (;;) {
            std::optional<AttemptTicket> ticket;
            {
                QMutexLocker locker(&m_mutex);
                if (m_tickets.isEmpty())
                    return;
                ticket = m_tickets.takeFirst();
            }
            AttemptRecord record;
            record.number = ticket->attempt;
            record.outcome = AttemptOutcome::Cancelled;
            m_sink->attemptFinished(*ticket, record);
        }
    }
    bool isInFlight(JobId id) const { return find(id, false).has_value(); }
    int inFlight() const
    {
        QMutexLocker locker(&m_mutex);
        return int(m_tickets.size());
    }
    QStringList takeLog()
    {
        QMutexLocker locker(&m_mutex);
        return std::exchange(m_log, {});
    }

private:
    std::optional<AttemptTicket> find(JobId id, bool take) const
    {
        QMutexLocker locker(&m_mutex);
        for (qsizetype i = 0; i < m_tickets.size(); ++i) {
            if (m_tickets[i].jobId == id)
                return take ? m_tickets.takeAt(i) : m_tickets[i];
        }
        return std::nullopt;
    }

    AttemptSink *m_sink = nullptr; // Not owning.
    mutable QMutex m_mutex;
    mutable QList<AttemptTicket> m_tickets; // guarded by m_mutex
    QStringList m_log;                      // guarded by m_mutex
    int m_max = 1;
};

} // namespace requeue::test
