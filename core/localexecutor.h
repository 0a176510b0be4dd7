#pragma once

#include "executor.h"

#include <QThreadPool>

#include <climits>

namespace requeue {

// Runs attempts on a private QThreadPool: a fresh AttemptRunnable each, or
// the worker that just reported an attempt's end (AttemptRunnable::takeOver).
// Thread-safe; execute() is called from worker threads as much as from the
// runner's owner, which is what makes retries immediate.
class LocalExecutor final : public Executor
{
public:
    LocalExecutor();
    ~LocalExecutor() override;

    void setSink(AttemptSink *sink) override { m_sink = sink; }
    void execute(AttemptTicket ticket) override;
    void setMaxConcurrency(int count) override;
    int maxConcurrency() const override;
    bool waitForDone(QDeadlineTimer deadline) override;

private:
    QThreadPool m_pool;
    AttemptSink *m_sink = nullptr; // Not owning.
};

} // namespace requeue
