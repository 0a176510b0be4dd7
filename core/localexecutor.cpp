#include "localexecutor.h"

#include "attemptrunnable.h"

namespace requeue {

LocalExecutor::LocalExecutor()
{
    m_pool.setObjectName(QStringLiteral("requeue-workers"));
}

LocalExecutor::~LocalExecutor()
{
    m_pool.waitForDone();
}

void LocalExecutor::execute(AttemptTicket ticket)
{
    Q_ASSERT(m_sink);
    m_pool.start(new AttemptRunnable(std::move(ticket), m_sink));
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
    return m_pool.waitForDone(int(qMin<qint64>(deadline.remainingTime(), INT_MAX)));
}

} // namespace requeue
