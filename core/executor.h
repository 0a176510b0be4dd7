#pragma once

#include "attemptcontrol.h"
#include "attemptrecord.h"
#include "jobspec.h"

#include <QDeadlineTimer>
#include <QList>
#include <QString>

#include <chrono>
#include <memory>

namespace requeue {

// Everything needed to run one attempt, wherever it runs. A value type.
struct AttemptTicket
{
    JobId jobId = 0;
    int attempt = 1;                         // 1-based, over the whole life of the job
    int maxAttempts = 0;                     // of the current budget, for REQUEUE_MAX_ATTEMPTS
    std::shared_ptr<const JobSpec> spec;     // immutable
    std::shared_ptr<AttemptControl> control; // shared with the runner
    QString stdoutPath;                      // process jobs only
    QString stderrPath;
    std::chrono::milliseconds killGrace {2000};
    // Set when the thread that hands the ticket over has nothing left to do
    // but return (no finish hook, no observer to wake): an executor may then
    // run the attempt on that thread once it returns instead of on another.
    bool callerIsDone = false;
};

// An attempt that an earlier process of the same run handed to a cluster
// scheduler and never saw end, as the run's journal recorded it: it may
// still be pending or running there. A value type.
struct AdoptedAttempt
{
    int seq = 0;     // the job's JobSpec::seq
    int attempt = 0; // its attempt number
    // The scheduler's id for it. Empty: the process may have submitted it
    // and been killed before it recorded the id; an executor that can find
    // it by what it submitted looks, and otherwise starts the attempt as usual.
    QString clusterJobId;
    qint64 startedUs = 0; // when it was submitted, µs since the epoch
};

// Receives what executors report. Implemented by the runner; called from any
// thread, must not block.
class AttemptSink
{
public:
    virtual ~AttemptSink() = default;
    // The attempt is about to execute (on `ticket`'s worker).
    virtual void attemptStarted(const AttemptTicket &ticket, qint64 startedUs) = 0;
    // A process attempt's process was spawned (after attemptStarted()), for
    // records that name it. Not called for callables or for a failed spawn.
    virtual void attemptSpawned(const AttemptTicket &ticket, qint64 pid)
    {
        Q_UNUSED(ticket);
        Q_UNUSED(pid);
    }
    // The attempt is over; called exactly once per executed ticket.
    virtual void attemptFinished(const AttemptTicket &ticket, const AttemptRecord &record) = 0;
    // The executor changed what `ticket`'s control says about it (its
    // cluster status); views may want to show it.
    virtual void attemptStatusChanged(const AttemptTicket &ticket) { Q_UNUSED(ticket) }
};

// Where attempts run. The runner decides what runs and when (retry policy,
// concurrency); an executor only runs what it is handed and reports back. The
// local thread pool is one implementation; a cluster backend would be another.
// Methods are called from any thread.
class Executor
{
public:
    virtual ~Executor() = default;
    // Called once by the runner before the first execute(). Not owning.
    virtual void setSink(AttemptSink *sink) = 0;
    // Starts the attempt without blocking. The runner never hands over more
    // than maxConcurrency() tickets at once.
    virtual void execute(AttemptTicket ticket) = 0;
    virtual void setMaxConcurrency(int count) = 0;
    virtual int maxConcurrency() const = 0;
    // Blocks until every executed ticket has been reported, or the deadline passes.
    virtual bool waitForDone(QDeadlineTimer deadline) = 0;
    // Reattach (`requeue resume`): when the runner executes the ticket of
    // one of `attempts` (same seq, same attempt number), the executor follows
    // the job already in the scheduler instead of starting it again, and
    // reports it like any other. Call before the first execute(). Returns
    // false, taking none, if this executor cannot follow what another
    // process started (the default: a local process dies with its parent).
    virtual bool adopt(const QList<AdoptedAttempt> &attempts)
    {
        Q_UNUSED(attempts);
        return false;
    }
};

} // namespace requeue
