#pragma once

#include "executor.h"

#include <QRunnable>

namespace requeue {

// One attempt, as a QRunnable: created for a single run on a pool thread and
// deleted by the pool afterwards. Reports to the sink exactly once; nothing
// thrown by the job escapes run().
class AttemptRunnable final : public QRunnable
{
public:
    AttemptRunnable(AttemptTicket ticket, AttemptSink *sink);
    void run() override;

    // Runs the attempt on the calling thread and returns what happened.
    static AttemptRecord execute(const AttemptTicket &ticket, AttemptSink *sink = nullptr);

private:
    static AttemptRecord executeCallable(const AttemptTicket &ticket);

    AttemptTicket m_ticket;
    AttemptSink *m_sink; // Not owning.
};

} // namespace requeue
