#pragma once

#include "executor.h"

#include <QRunnable>

namespace requeue {

// Attempts, as a QRunnable: created for one ticket, run on a pool thread and
// deleted by the pool afterwards. Reports each attempt to the sink exactly
// once; nothing thrown by a job escapes run().
//
// While it reports an attempt's end, the sink may hand the next attempt to
// the executor from this very thread (an immediate retry, the next queued
// job). When the sink has nothing else to do after that (the ticket's
// callerIsDone), takeOver() keeps the ticket for this runnable, which runs it
// next on the same thread instead of queueing a new runnable in the pool:
// the thread was about to become free for it anyway.
class AttemptRunnable final : public QRunnable
{
public:
    AttemptRunnable(AttemptTicket ticket, AttemptSink *sink);
    void run() override;

    // Called by an executor on any thread: true if the calling thread is an
    // AttemptRunnable of `sink` reporting an attempt's end and has not taken
    // a ticket yet; `ticket` is then moved into it.
    static bool takeOver(AttemptTicket &ticket, const AttemptSink *sink);

    // Runs the attempt on the calling thread and returns what happened.
    static AttemptRecord execute(const AttemptTicket &ticket, AttemptSink *sink = nullptr);

private:
    void runAttempt();
    static AttemptRecord executeCallable(const AttemptTicket &ticket);

    AttemptTicket m_ticket;
    AttemptSink *m_sink; // Not owning.
};

} // namespace requeue
