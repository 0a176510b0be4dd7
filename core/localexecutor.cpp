#include "localexecutor.h"

#include "attemptrunnable.h"
#include "threadsanitizer.h"

namespace requeue {

LocalExecutor::LocalExecutor()
{
    m_pool.setObjectName(QStringLiteral("requeue-workers"));
}

LocalExecutor::~LocalExecutor()
{
    m_pool.waitForDone();
    tsanAcquireHandover(m_sink); // pairs with AttemptRunnable::run()
}

void LocalExecutor::execute(AttemptTicket ticket)
{
    Q_ASSERT(m_sink);
    if (ticket.callerIsDone && AttemptRunnable::takeOver(ticket, m_sink))
        return; // this worker runs it next, with no trip through the pool
    auto *runnable = new AttemptRunnable(std::move(ticket), m_sink);
    tsanReleaseHandover(runnable); // pairs with AttemptRunnable::run()
    m_pool.start(runnable);
}

void LocalExecutor::setMaxConcurrency(int count)
{
    m_pool.setMaxThreadCount(qMax(1, count));
}

int LocalExecutor::maxConcurrency() const
{
    return m_pool.maxThreadCount();
}

bool LocalExecutor::waitForDone(QDeadlineTimer deadline)
{
    if (!m_pool.waitForDone(int(qMin<qint64>(deadline.remainingTime(), INT_MAX))))
        return false;
    tsanAcquireHandover(m_sink); // pairs with AttemptRunnable::run()
    return true;
}

} // namespace requeue
