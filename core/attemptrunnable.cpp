#include "attemptrunnable.h"

#include "processattempt.h"
#include "threadsanitizer.h"

#include <exception>
#include <optional>

namespace requeue {

AttemptRunnable::AttemptRunnable(AttemptTicket ticket, AttemptSink *sink)
    : m_ticket(std::move(ticket))
    , m_sink(sink)
{
    setAutoDelete(true);
}

namespace {

// The thread's runnable while it reports an attempt's end; see takeOver().
struct NextAttempt
{
    const AttemptSink *sink = nullptr; // Not owning; null: not reporting
    std::optional<AttemptTicket> ticket;
};
thread_local NextAttempt t_next;

} // namespace

bool AttemptRunnable::takeOver(AttemptTicket &ticket, const AttemptSink *sink)
{
    if (t_next.sink != sink || t_next.ticket)
        return false;
    t_next.ticket.emplace(std::move(ticket));
    return true;
}

void AttemptRunnable::run()
{
    tsanAcquireHandover(this); // pairs with LocalExecutor::execute()
    for (;;) {
        runAttempt();
        if (!t_next.ticket) {
            // The runner may go once the pool says this thread is done: its
            // last touch of the runner (a wake-up, a hook) comes before that.
            tsanReleaseHandover(m_sink); // pairs with LocalExecutor::waitForDone()
            return;
        }
        m_ticket = std::move(*t_next.ticket);
        t_next.ticket.reset();
    }
}

void AttemptRunnable::runAttempt()
{
    const qint64 startedUs = nowUs();
    m_sink->attemptStarted(m_ticket, startedUs);
    AttemptRecord record;
    try {
        record = execute(m_ticket, m_sink);
    } catch (const std::exception &e) {
        record.outcome = AttemptOutcome::Exception;
        record.message = QString::fromLocal8Bit(e.what());
    } catch (...) {
        record.outcome = AttemptOutcome::Exception;
        record.message = QStringLiteral("unknown exception");
    }
    record.number = m_ticket.attempt;
    record.startedUs = startedUs;
    record.finishedUs = nowUs();
    t_next.sink = m_sink;
    m_sink->attemptFinished(m_ticket, record);
    t_next.sink = nullptr;
}

AttemptRecord AttemptRunnable::execute(const AttemptTicket &ticket, AttemptSink *sink)
{
    if (ticket.control->isCancelRequested()) {
        AttemptRecord record;
        record.outcome = AttemptOutcome::Cancelled;
        record.message = QStringLiteral("cancelled before it started");
        return record;
    }
    if (ticket.spec->isCallable())
        return executeCallable(ticket);
    return ProcessAttempt(ticket, sink).run();
}

AttemptRecord AttemptRunnable::executeCallable(const AttemptTicket &ticket)
{
    AttemptContext context;
    context.jobId = ticket.jobId;
    context.attempt = ticket.attempt;
    context.maxAttempts = ticket.maxAttempts;
    if (ticket.spec->timeout.count() > 0)
        context.deadline = QDeadlineTimer(ticket.spec->timeout);
    context.cancelFlag = &ticket.control->cancelFlag();

    AttemptRecord record;
    try {
        record.exitCode = ticket.spec->callable(context);
        record.outcome
            = record.exitCode == 0 ? AttemptOutcome::Succeeded : AttemptOutcome::ExitCode;
    } catch (const std::exception &e) {
        record.outcome = AttemptOutcome::Exception;
        record.message = QString::fromLocal8Bit(e.what());
        return record;
    } catch (...) {
        record.outcome = AttemptOutcome::Exception;
        record.message = QStringLiteral("unknown exception");
        return record;
    }
    if (record.outcome != AttemptOutcome::Succeeded) {
        if (context.isCancelled())
            record.outcome = AttemptOutcome::Cancelled;
        else if (context.deadline.hasExpired())
            record.outcome = AttemptOutcome::TimedOut;
    }
    return record;
}

} // namespace requeue
