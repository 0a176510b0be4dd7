#include "jobrunner.h"

#include "blockreserve.h"
#include "futurerelay.h"
#include "localexecutor.h"
#include "orphanreaper.h"
#include "requeuelogging.h"
#include "retrytimer.h"
#include "spinningmutex.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QHash>
#include <QMetaMethod>
#include <QMutex>
#include <QPointer>
#include <QSemaphore>
#include <QSet>
#include <QThread>
#include <QTimer>
#include <QVarLengthArray>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <stdlib.h>
#include <thread>
#include <unistd.h>
#include <utility>
#include <vector>

namespace requeue {

namespace {

// A job as the runner keeps it. Guarded by JobRunnerPrivate::mutex.
struct JobEntry
{
    JobEntry(const JobSpec &spec, std::shared_ptr<const void> specOwner)
        : spec(spec)
        , specOwner(std::move(specOwner))
        , attempts(qMax(0, spec.attemptsBefore))
        , budgetStart(attempts)
    { }
    Q_DISABLE_COPY_MOVE(JobEntry)

    // Immutable once added; attempts share it (see makeTicket). It stays where
    // it was: in the list addJobs() took (specOwner), or next to the entry.
    const JobSpec &spec;
    std::shared_ptr<const void> specOwner;
    QString outputFolder; // under the output directory; unique per runner
    JobId id = 0;
    JobState state = JobState::Queued;
    int attempts = 0;
    int budgetStart = 0;
    qint64 retryAtUs = 0;
    qint64 firstStartedUs = 0;
    qint64 finishedUs = 0;
    qint64 ranUs = 0; // time spent in finished attempts
    // Bumped whenever the job leaves the ready queue or the retry timer by
    // another way (cancel, retry), so that stale entries there are ignored.
    quint64 generation = 0;
    // The attempts kept (see historyLimit), oldest first: `earlier`, then
    // `last`. The last one lives here so that a job that runs once allocates
    // nothing for its record.
    QList<AttemptRecord> earlier;
    AttemptRecord last;
    bool hasLast = false;
    std::shared_ptr<AttemptControl> control; // of the attempt in flight, if any
    qint64 mirroredSinceUs = 0;              // a mirrored job's attempt in flight: its start
    bool cancelRequested = false;
    bool dirty = false;
    bool mirrored = false; // another process runs it (JobRunner::Recorded::Mirrored)
    bool recorded = false; // added by addRecordedJobs(): its attempts are in totalAttempts
};

// Something to tell observers once the lock is released.
struct Event
{
    enum Kind { StateChanged, AttemptFinished, JobFinished, Idle, Fence };
    Kind kind;
    JobId id = 0;
    JobState state = JobState::Queued;
    AttemptRecord record;
    // JobFinished of a job with a finish hook: the job, kept alive until the
    // hook has run (a shared pointer, not a copy of the hook: no allocation).
    // Taken out by takeHooks().
    std::shared_ptr<const JobEntry> hookOwner {};
};

using Events = QVarLengthArray<Event, 4>;

// The emitter's queue; its blocks come from JobRunnerPrivate::eventBlocks.
using EventQueue = std::deque<Event, ReserveAllocator<Event>>;

// Finish hooks to call once the lock is released, with how the job ended.
using Hooks = QVarLengthArray<std::pair<std::shared_ptr<const JobEntry>, JobState>, 2>;

using Tickets = QVarLengthArray<AttemptTicket, 2>;

} // namespace

class JobRunnerPrivate final : public AttemptSink
{
public:
    JobRunnerPrivate(JobRunner *q, std::unique_ptr<Executor> executor);
    void shutdown();

    void attemptStarted(const AttemptTicket &ticket, qint64 startedUs) override;
    void attemptSpawned(const AttemptTicket &ticket, qint64 pid) override;
    void attemptFinished(const AttemptTicket &ticket, const AttemptRecord &record) override;
    void attemptStatusChanged(const AttemptTicket &ticket) override;
    void retryDue(JobId id, quint64 generation);

    // Applies `change(Events *)` under the lock and hands out what it made
    // runnable; then, without the lock, tells observers and starts those
    // attempts. Returns what `change` returns. Every mutation goes through it.
    template<typename Change>
    auto update(Change change);

    // Everything below runs with `mutex` held.
    void reserveJobs(size_t count);
    JobId addLocked(std::shared_ptr<JobEntry> &&entry);
    JobEntry *registerLocked(std::shared_ptr<JobEntry> &&entry);
    void addRecordedLocked(std::shared_ptr<JobEntry> &&entry, RecordedJob &&recorded,
                           JobRunner::Recorded how);
    void takeRecordLocked(JobEntry *job, RecordedJob &&recorded);
    JobEntry *find(JobId id) const;
    // `atUs`: when it happened, if the caller knows (an attempt's end).
    void setState(JobEntry *job, JobState state, Events *events, qint64 atUs = 0);
    void markDirty(JobEntry *job);
    // Only with someone waiting: without, a run of short jobs would notify
    // every time the last one ends, under the lock the workers wait for.
    void notifyIdleLocked()
    {
        if (idleWaiters > 0)
            becameIdle.notify_all();
    }
    enum class Place { Back, Front };
    void enqueue(JobEntry *job, Place place, Events *events);
    void keepRecord(JobEntry *job, const AttemptRecord &record);
    void afterFailure(JobEntry *job, const AttemptRecord &record, Events *events);
    bool cancelLocked(JobEntry *job, bool kill, Events *events);
    bool retryLocked(JobEntry *job, Events *events);
    bool adoptLocked(JobEntry *job, int attempt);
    void dispatch(Tickets *tickets, Events *events);
    AttemptTicket makeTicket(JobEntry *job, Events *events);
    QString outputPathLocked(const JobEntry &job, int attempt, OutputStream stream);
    // Without the lock: makes the default output directory, once, before the
    // first process job is added.
    void ensureOutputDirectory();
    JobSnapshot briefSnapshotLocked(const JobEntry &job) const;
    JobSnapshot snapshotLocked(const JobEntry &job, bool withHistory) const;

    // Runs without the lock.
    template<typename Range>
    void emitAll(const Range &events);
    void emitOne(const Event &event);
    void execute(Tickets &tickets);
    // Hands `events` (and a Fence event's `fence`) to the emitter thread,
    // emptying `events`, unless it stopped or nobody observes. Returns whether
    // it must be woken: not if `napSuffices` and it naps. `mutex` held.
    bool queueForEmitterLocked(Events &events, bool napSuffices = false,
                               std::function<void()> *fence = nullptr);
    static void takeHooks(Events &events, Hooks *hooks);
    static void runHooks(const Hooks &hooks);
    void emitterLoop();
    void stopEmitter();
    void passFence();

    // The change feed. requestFeed() from any thread; the rest in q's thread.
    void requestFeed();
    void scheduleFeed();
    void flushFeed();
    void collectChangedLocked(QList<JobId> *ids);
    bool isEventSignal(const QMetaMethod &signal) const;
    // Whether events are worth making: an event nobody connected to costs
    // more to build and emit than the rest of an attempt's bookkeeping.
    bool isObserved() const { return eventsObserved.load(std::memory_order_relaxed); }

    JobRunner *const q; // Not owning.
    mutable SpinningMutex mutex;
    std::condition_variable_any becameIdle;      // not QWaitCondition: see waitForIdle()
    int idleWaiters = 0;                         // threads in becameIdle.wait()
    std::vector<std::shared_ptr<JobEntry>> jobs; // index: id - 1; null once removed
    std::deque<std::pair<JobId, quint64>> ready; // (id, generation), FIFO
    std::vector<JobId> changed;                  // for the feed; each id once (JobEntry::dirty)
    bool feedDirty = false;                      // the feed's observers have not seen everything
    bool feedScheduled = false;                  // a flush is on its way
    bool retriedAtOnce = false;                  // by the change update() is making
    // The emitter's own lock, taken inside `mutex` (never the other way
    // round): the emitter never waits for the runner's lock, nor a worker
    // for the emitter. Guards the emitter's state below.
    std::mutex emitMutex;
    // Events for observers, in the order of the changes that made them (they
    // are queued under `mutex`); the emitter thread emits them, so a slow
    // observer never holds a worker. A deque: a slow observer's backlog grows
    // without being copied under the lock, in blocks the emitter has written
    // before (see BlockReserve).
    BlockReserve eventBlocks {64};
    EventQueue emitQueue {ReserveAllocator<Event>(&eventBlocks)};
    // Asleep and not told yet: the first thread that queues events it must
    // hear of clears this and releases emitterWake once.
    bool emitterAsleep = false;
    // While attempts are in flight the emitter naps (wakes on its own after
    // `emitterNap`) instead of sleeping until told, so that a worker that
    // retries a failure at once need not wake it: the futex wake, and the
    // woken emitter taking the worker's core, would stand between the failure
    // and its retry. The nap doubles while there is nothing to emit. Any
    // other change wakes the emitter: a success is in the journal at once.
    bool attemptsInFlight = false; // as of the last events queued
    bool emitterNapping = false;
    std::chrono::milliseconds emitterNap {minEmitterNap};
    static constexpr std::chrono::milliseconds minEmitterNap {5};
    static constexpr std::chrono::milliseconds maxEmitterNap {64};
    bool emitterStopping = false;
    // What a sleeping emitter waits on, outside emitMutex. A semaphore, not
    // a condition variable: a nap that ends by itself costs one futex wait,
    // and a wake-up is remembered if it comes before the wait.
    QSemaphore emitterWake;
    // afterEvents() calls, one per Fence event in emitQueue, in its order.
    std::deque<std::function<void()>> fences;
    std::thread emitter;       // started with the first observed event; under `mutex`
    QSet<int> seqsWithFolders; // seqs whose folder name is taken (see addJobs)
    StateCounts counts {};
    int activeJobs = 0; // not in a terminal state
    int inFlight = 0;   // tickets handed to the executor, not yet reported
    int maxWorkers = 1;
    int totalAttempts = 0;
    int historyLimit = 50;
    bool paused = true;
    bool shuttingDown = false;
    std::chrono::milliseconds killGrace {2000};
    QString outputDir;
    QByteArray madeOutputDir; // the default directory, if this runner made it

    // Set without `mutex` by attempts as they begin; the next flush reads
    // their start from the control block.
    std::atomic_bool startPending {false};
    // Whether anyone ever connected to the event signals; if not, events
    // are not even made (bar the finish hooks) and no emitter thread is
    // started.
    std::atomic_bool eventsObserved {false};
    // The same for attemptStarted and attemptSpawned, which the attempt's
    // thread emits itself.
    std::atomic_bool attemptsObserved {false};

    // The feed's own state, touched only in q's thread.
    std::vector<JobId> awaitingStart; // running at the last flush, attempt not begun yet
    StateCounts feedCounts;
    int feedAttempts = 0;
    bool feedPaused = true;
    QElapsedTimer feedClock;
    qint64 lastFeedMs = -JobRunner::FeedIntervalMs;
    QTimer *feedTimer; // Owned by q, so that it follows q's thread.

    std::unique_ptr<Executor> executor; // Owning.
    RetryTimer timer;                   // last: it is stopped before anything it calls into dies
};

JobRunnerPrivate::JobRunnerPrivate(JobRunner *q, std::unique_ptr<Executor> executor)
    : q(q)
    , maxWorkers(qMax(1, QThread::idealThreadCount()))
    , feedTimer(new QTimer(q))
    , executor(std::move(executor))
    , timer([this](JobId id, quint64 generation) { retryDue(id, generation); })
{
    this->executor->setSink(this);
    this->executor->setMaxConcurrency(maxWorkers);
    feedClock.start();
    feedTimer->setSingleShot(true);
    QObject::connect(feedTimer, &QTimer::timeout, q, [this] { flushFeed(); });
}

void JobRunnerPrivate::shutdown()
{
    // Observers hear of the jobs cancelled here like of any other: each job
    // ends exactly once, also when the runner goes first (a joblog, a
    // window's counts).
    Events cancelled;
    Hooks hooks;
    {
        QMutexLocker locker(&mutex);
        shuttingDown = true;
        paused = true;
        for (auto &job : jobs) {
            if (job)
                cancelLocked(job.get(), false, &cancelled);
        }
        takeHooks(cancelled, &hooks);
        if (!cancelled.isEmpty() && queueForEmitterLocked(cancelled))
            emitterWake.release();
        // Another thread may hold a ticket between dispatch() and execute():
        // wait until every ticket has been reported, not only those the
        // executor already has.
        ++idleWaiters;
        becameIdle.wait(mutex, [this] { return inFlight == 0; });
        --idleWaiters;
    }
    if (!cancelled.isEmpty() && isObserved())
        emitAll(cancelled); // what the emitter did not take
    runHooks(hooks);
    executor->waitForDone(QDeadlineTimer(QDeadlineTimer::Forever));
    stopEmitter(); // after the last attempt reported: observers hear everything
    // Only if nothing was written in it: an attempt's output is the user's.
    if (!madeOutputDir.isEmpty())
        ::rmdir(madeOutputDir.constData());
}

JobEntry *JobRunnerPrivate::find(JobId id) const
{
    if (id == 0 || id > jobs.size())
        return nullptr;
    return jobs[id - 1].get();
}

void JobRunnerPrivate::markDirty(JobEntry *job)
{
    feedDirty = true;
    if (job->dirty)
        return;
    job->dirty = true;
    changed.push_back(job->id);
}

void JobRunnerPrivate::setState(JobEntry *job, JobState state, Events *events, qint64 atUs)
{
    markDirty(job);
    const JobState old = job->state;
    if (old == state)
        return;
    job->state = state;
    --counts[int(old)];
    ++counts[int(state)];
    const bool observed = isObserved();
    if (observed)
        events->append({Event::StateChanged, job->id, state, {}});
    if (isTerminal(old) && !isTerminal(state)) {
        ++activeJobs;
        job->finishedUs = 0;
    } else if (!isTerminal(old) && isTerminal(state)) {
        job->finishedUs = atUs > 0 ? atUs : nowUs();
        if (observed || job->spec.onFinished) {
            std::shared_ptr<const JobEntry> hookOwner;
            if (job->spec.onFinished)
                hookOwner = jobs[size_t(job->id - 1)];
            events->append({Event::JobFinished, job->id, state, {}, std::move(hookOwner)});
        }
        if (--activeJobs == 0) {
            if (observed)
                events->append({Event::Idle, 0, state, {}});
            notifyIdleLocked();
        }
    }
}

void JobRunnerPrivate::enqueue(JobEntry *job, Place place, Events *events)
{
    setState(job, JobState::Queued, events);
    if (place == Place::Front)
        ready.emplace_front(job->id, job->generation);
    else
        ready.emplace_back(job->id, job->generation);
}

JobSnapshot JobRunnerPrivate::briefSnapshotLocked(const JobEntry &job) const
{
    JobSnapshot s;
    s.id = job.id;
    s.seq = job.spec.seq;
    s.state = job.state;
    s.callable = job.spec.isCallable();
    s.attempts = job.attempts;
    s.budgetStart = job.budgetStart;
    s.maxAttempts = job.spec.retry.maxAttempts;
    s.retryAtUs = job.state == JobState::WaitingForRetry ? job.retryAtUs : 0;
    const qint64 runningSince = job.control ? job.control->startedUs() : job.mirroredSinceUs;
    s.firstStartedUs = job.firstStartedUs ? job.firstStartedUs : runningSince;
    s.finishedUs = job.finishedUs;
    s.ranUs = job.ranUs;
    s.runningSinceUs = job.state == JobState::Running ? runningSince : 0;
    if (job.control && job.state == JobState::Running) {
        s.clusterJobId = job.control->clusterJobId();
        s.clusterState = job.control->clusterState();
        s.clusterNode = job.control->clusterNode();
    }
    s.hasLastAttempt = job.hasLast;
    return s;
}

JobSnapshot JobRunnerPrivate::snapshotLocked(const JobEntry &job, bool withHistory) const
{
    JobSnapshot s = briefSnapshotLocked(job);
    s.name = job.spec.name;
    s.command = job.spec.displayCommand();
    if (s.hasLastAttempt)
        s.lastAttempt = job.last;
    if (withHistory && job.hasLast) {
        s.history.reserve(job.earlier.size() + 1);
        s.history << job.earlier << job.last;
    }
    return s;
}

template<typename Change>
auto JobRunnerPrivate::update(Change change)
{
    Events events;
    Tickets tickets;
    Hooks hooks;
    QMutexLocker locker(&mutex);
    auto result = change(&events);
    dispatch(&tickets, &events);
    takeHooks(events, &hooks);
    if (inFlight == 0)
        notifyIdleLocked(); // waitForIdle(), shutdown()
    const bool postFeed = feedDirty && !feedScheduled;
    feedScheduled = feedScheduled || feedDirty;
    // A napping emitter finds a failure's events by itself when this thread
    // goes on to start its retry.
    const bool retryStarts = std::exchange(retriedAtOnce, false) && !tickets.isEmpty();
    const bool wakeEmitter = !events.isEmpty() && queueForEmitterLocked(events, retryStarts);
    locker.unlock();
    if (postFeed)
        requestFeed();
    // A worker reporting its attempt may run the next one itself, after the
    // hooks below: through the pool it would wait for them just as long, as
    // the pool has no more threads than the runner has workers and this one
    // is still busy. Not when this thread must emit events itself (the
    // emitter stopped): observers would stand between a failure and its retry.
    const bool callerIsDone = events.isEmpty() || !eventsObserved.load();
    for (AttemptTicket &ticket : tickets)
        ticket.callerIsDone = callerIsDone;
    // Execute first, emit after: an observer never stands between a failed
    // attempt and its retry.
    execute(tickets);
    // On this thread, not the emitter's: a future completes as soon as its
    // job ends, and its continuations cannot hold up the runner's signals.
    runHooks(hooks);
    if (wakeEmitter)
        emitterWake.release();
    // What the emitter did not take: after it stopped (shutdown), or with no
    // observer at all, to whom nothing is emitted.
    if (!events.isEmpty() && isObserved())
        emitAll(events);
    return result;
}

// --- the hot path: workers report here and hand out the next attempt at once

void JobRunnerPrivate::attemptStarted(const AttemptTicket &ticket, qint64 startedUs)
{
    // No lock here: the start time travels in the ticket's control block,
    // which keeps the hot path to one lock per attempt. The feed's next flush
    // reads it from there.
    ticket.control->setStartedUs(startedUs);
    // Read first: between two flushes every attempt finds it set, and a load
    // does not take the cache line away from the other workers.
    if (!startPending.load(std::memory_order_relaxed)
        && !startPending.exchange(true, std::memory_order_acq_rel))
        requestFeed();
    if (attemptsObserved.load(std::memory_order_relaxed))
        Q_EMIT q->attemptStarted(ticket.jobId, ticket.attempt);
}

void JobRunnerPrivate::attemptSpawned(const AttemptTicket &ticket, qint64 pid)
{
    if (attemptsObserved.load(std::memory_order_relaxed))
        Q_EMIT q->attemptSpawned(ticket.jobId, ticket.attempt, pid);
}

void JobRunnerPrivate::attemptStatusChanged(const AttemptTicket &ticket)
{
    update([&](Events *) {
        JobEntry *job = find(ticket.jobId);
        if (job && job->control == ticket.control)
            markDirty(job);
        return true;
    });
}

void JobRunnerPrivate::attemptFinished(const AttemptTicket &ticket, const AttemptRecord &record)
{
    update([&](Events *events) {
        --inFlight;
        JobEntry *job = find(ticket.jobId);
        if (!job || job->control != ticket.control)
            return false;
        job->control.reset();
        if (job->firstStartedUs == 0)
            job->firstStartedUs = record.startedUs;
        job->ranUs += record.durationUs();
        keepRecord(job, record);
        if (isObserved())
            events->append({Event::AttemptFinished, job->id, job->state, record});
        if (record.succeeded())
            setState(job, JobState::Succeeded, events, record.finishedUs);
        else if (job->cancelRequested)
            setState(job, JobState::Cancelled, events, record.finishedUs);
        else
            afterFailure(job, record, events);
        return true;
    });
}

void JobRunnerPrivate::keepRecord(JobEntry *job, const AttemptRecord &record)
{
    if (job->hasLast && historyLimit > 1)
        job->earlier.append(std::move(job->last));
    while (job->earlier.size() > historyLimit - 1) // the limit may have been lowered
        job->earlier.removeFirst();
    job->last = record;
    job->hasLast = true;
}

void JobRunnerPrivate::afterFailure(JobEntry *job, const AttemptRecord &record, Events *events)
{
    const RetryDecision decision = job->spec.retry.decide(record, job->attempts - job->budgetStart);
    switch (decision.action) {
    case RetryDecision::Action::GiveUp:
        setState(job, JobState::Failed, events, record.finishedUs);
        return;
    case RetryDecision::Action::RetryNow:
        // A retry goes first in line, as GNU parallel does: the next free
        // worker takes it, whatever else is queued.
        enqueue(job, Place::Front, events);
        retriedAtOnce = true;
        return;
    case RetryDecision::Action::RetryLater:
        job->retryAtUs = nowUs() + decision.delay.count() * 1000;
        setState(job, JobState::WaitingForRetry, events);
        timer.schedule(RetryTimer::Clock::now() + decision.delay, job->id, job->generation);
        return;
    }
    Q_UNREACHABLE();
}

void JobRunnerPrivate::retryDue(JobId id, quint64 generation)
{
    update([&](Events *events) {
        JobEntry *job = find(id);
        if (!job || job->state != JobState::WaitingForRetry || job->generation != generation)
            return false; // cancelled or retried by hand meanwhile
        enqueue(job, Place::Front, events);
        return true;
    });
}

void JobRunnerPrivate::dispatch(Tickets *tickets, Events *events)
{
    while (!paused && inFlight < maxWorkers && !ready.empty()) {
        const auto [id, generation] = ready.front();
        ready.pop_front();
        JobEntry *job = find(id);
        if (!job || job->state != JobState::Queued || job->generation != generation)
            continue; // cancelled, retried or removed since it was queued
        tickets->append(makeTicket(job, events));
    }
}

AttemptTicket JobRunnerPrivate::makeTicket(JobEntry *job, Events *events)
{
    ++job->attempts;
    ++totalAttempts;
    ++inFlight;
    job->cancelRequested = false;
    job->control = std::make_shared<AttemptControl>();
    setState(job, JobState::Running, events);

    AttemptTicket ticket;
    ticket.jobId = job->id;
    ticket.attempt = job->attempts;
    ticket.maxAttempts = job->spec.retry.maxAttempts;
    // The ticket shares the entry's allocation but reads only its spec, which
    // never changes: one allocation per job instead of two.
    ticket.spec = std::shared_ptr<const JobSpec>(jobs[job->id - 1], &job->spec);
    ticket.control = job->control;
    ticket.killGrace = killGrace;
    if (!job->spec.isCallable()) {
        ticket.stdoutPath = outputPathLocked(*job, job->attempts, OutputStream::Stdout);
        ticket.stderrPath = outputPathLocked(*job, job->attempts, OutputStream::Stderr);
    }
    return ticket;
}

void JobRunnerPrivate::ensureOutputDirectory()
{
    {
        QMutexLocker locker(&mutex);
        if (!outputDir.isEmpty())
            return;
    }
    // Made without the lock: a slow file system must not stall every worker.
    const QString temp = QDir::tempPath().isEmpty() ? QStringLiteral("/tmp") : QDir::tempPath();
    QByteArray pattern = QFile::encodeName(temp) + "/requeue-run-XXXXXX";
    if (!::mkdtemp(pattern.data())) { // mode 0700
        // An empty path makes each attempt fail with a message naming it.
        qCWarning(lcCore, "cannot create a run directory in %s", qPrintable(temp));
        return;
    }
    QMutexLocker locker(&mutex);
    if (outputDir.isEmpty()) {
        outputDir = QFile::decodeName(pattern);
        madeOutputDir = pattern;
    } else {
        ::rmdir(pattern.constData()); // another thread was first
    }
}

QString JobRunnerPrivate::outputPathLocked(const JobEntry &job, int attempt, OutputStream stream)
{
    // A recorded job's folder is absolute: where its run put its output.
    const bool absolute = job.outputFolder.startsWith(QLatin1Char('/'));
    if (outputDir.isEmpty() && !absolute)
        return {};
    return (absolute ? job.outputFolder : outputDir + QLatin1Char('/') + job.outputFolder)
        + QLatin1Char('/') + QString::number(attempt)
        + (stream == OutputStream::Stdout ? QLatin1String("/stdout") : QLatin1String("/stderr"));
}

void JobRunnerPrivate::execute(Tickets &tickets)
{
    for (AttemptTicket &ticket : tickets)
        executor->execute(std::move(ticket));
}

bool JobRunnerPrivate::queueForEmitterLocked(Events &events, bool napSuffices,
                                             std::function<void()> *fence)
{
    if (!eventsObserved.load(std::memory_order_relaxed))
        return false;
    std::lock_guard emitLocker(emitMutex);
    if (emitterStopping)
        return false;
    for (Event &event : events)
        emitQueue.push_back(std::move(event));
    events.clear();
    if (fence)
        fences.push_back(std::move(*fence));
    attemptsInFlight = inFlight > 0;
    if (!emitter.joinable())
        emitter = std::thread([this] { emitterLoop(); });
    if (!emitterAsleep || (emitterNapping && napSuffices))
        return false;
    emitterAsleep = false; // told once
    return true;
}

void JobRunnerPrivate::emitterLoop()
{
    EventQueue batch {ReserveAllocator<Event>(&eventBlocks)};
    std::unique_lock locker(emitMutex);
    for (;;) {
        while (emitQueue.empty() && !emitterStopping) {
            emitterAsleep = true;
            emitterNapping = attemptsInFlight;
            locker.unlock();
            bool woken = true;
            if (emitterNapping)
                woken = emitterWake.tryAcquire(1, emitterNap);
            else
                emitterWake.acquire();
            locker.lock();
            if (!woken)
                emitterNap = std::min(2 * emitterNap, maxEmitterNap);
            emitterAsleep = false;
            emitterNapping = false;
        }
        emitterNap = minEmitterNap;
        if (emitQueue.empty())
            return; // stopping, and everything was told
        batch.swap(emitQueue);
        locker.unlock();
        for (const Event &event : batch) {
            emitOne(event);
            eventBlocks.refill(); // the queue grows meanwhile if `event` took long
        }
        batch.clear();
        locker.lock();
    }
}

void JobRunnerPrivate::stopEmitter()
{
    {
        std::lock_guard emitLocker(emitMutex);
        emitterStopping = true;
    }
    emitterWake.release(); // asleep or not: a spare wake-up is harmless at the end
    if (emitter.joinable())
        emitter.join();
}

void JobRunnerPrivate::passFence()
{
    std::function<void()> call;
    {
        std::lock_guard emitLocker(emitMutex);
        call = std::move(fences.front());
        fences.pop_front();
    }
    QMetaObject::invokeMethod(q, std::move(call), Qt::QueuedConnection);
}

void JobRunnerPrivate::takeHooks(Events &events, Hooks *hooks)
{
    for (Event &event : events) {
        if (event.kind == Event::JobFinished && event.hookOwner)
            hooks->append({std::move(event.hookOwner), event.state});
    }
}

void JobRunnerPrivate::runHooks(const Hooks &hooks)
{
    for (const auto &[job, state] : hooks)
        job->spec.onFinished(state); // the spec is immutable once added
}

template<typename Range>
void JobRunnerPrivate::emitAll(const Range &events)
{
    for (const Event &event : events)
        emitOne(event);
}

void JobRunnerPrivate::emitOne(const Event &event)
{
    switch (event.kind) {
    case Event::StateChanged:
        Q_EMIT q->jobStateChanged(event.id, event.state);
        break;
    case Event::AttemptFinished:
        Q_EMIT q->attemptFinished(event.id, event.record);
        break;
    case Event::JobFinished:
        Q_EMIT q->jobFinished(event.id, event.state);
        break;
    case Event::Idle:
        Q_EMIT q->idle();
        break;
    case Event::Fence:
        passFence();
        break;
    }
}

// --- the change feed

void JobRunnerPrivate::requestFeed()
{
    // From a worker this queues one call per flush at most (feedScheduled,
    // startPending); in q's thread it runs at once.
    QMetaObject::invokeMethod(
        q, [this] { scheduleFeed(); }, Qt::AutoConnection);
}

void JobRunnerPrivate::scheduleFeed()
{
    if (feedTimer->isActive())
        return;
    // The first change after a quiet spell goes out at once; a busy run
    // gives observers one batch per interval.
    const qint64 wait = lastFeedMs + JobRunner::FeedIntervalMs - feedClock.elapsed();
    feedTimer->start(int(std::clamp<qint64>(wait, 0, JobRunner::FeedIntervalMs)));
}

void JobRunnerPrivate::flushFeed()
{
    feedTimer->stop();
    lastFeedMs = feedClock.elapsed();
    // Cleared before reading: an attempt that begins meanwhile asks again.
    startPending.exchange(false, std::memory_order_acq_rel);
    QList<JobId> ids;
    StateCounts nowCounts;
    int nowAttempts = 0;
    bool nowPaused = true;
    {
        QMutexLocker locker(&mutex);
        feedDirty = false;
        feedScheduled = false;
        collectChangedLocked(&ids);
        nowCounts = counts;
        nowAttempts = totalAttempts;
        nowPaused = paused;
    }
    if (!ids.isEmpty())
        Q_EMIT q->jobsChanged(ids);
    if (nowCounts != feedCounts || nowAttempts != feedAttempts) {
        feedCounts = nowCounts;
        feedAttempts = nowAttempts;
        Q_EMIT q->countsChanged(nowCounts, nowAttempts);
    }
    if (nowPaused != feedPaused) {
        feedPaused = nowPaused;
        Q_EMIT q->pausedChanged(nowPaused);
    }
}

void JobRunnerPrivate::collectChangedLocked(QList<JobId> *ids)
{
    // A job handed to a worker whose attempt has not begun is watched until
    // it has: its start time (Started, Duration) is a change too.
    const auto notBegun = [](const JobEntry &job) {
        return job.state == JobState::Running && job.control && job.control->startedUs() == 0;
    };
    std::vector<JobId> stillWaiting;
    ids->reserve(qsizetype(changed.size() + awaitingStart.size()));
    for (JobId id : awaitingStart) {
        const JobEntry *job = find(id);
        if (job && notBegun(*job))
            stillWaiting.push_back(id);
        else if (job)
            ids->append(id);
    }
    for (JobId id : changed) {
        if (JobEntry *job = find(id)) {
            job->dirty = false;
            if (notBegun(*job))
                stillWaiting.push_back(id);
        }
        ids->append(id); // a removed job too: its snapshot is invalid now
    }
    changed.clear();
    awaitingStart.swap(stillWaiting);
    std::sort(ids->begin(), ids->end());
    ids->erase(std::unique(ids->begin(), ids->end()), ids->end());
}

bool JobRunnerPrivate::isEventSignal(const QMetaMethod &signal) const
{
    return signal == QMetaMethod::fromSignal(&JobRunner::jobStateChanged)
        || signal == QMetaMethod::fromSignal(&JobRunner::attemptFinished)
        || signal == QMetaMethod::fromSignal(&JobRunner::jobFinished)
        || signal == QMetaMethod::fromSignal(&JobRunner::idle);
}

// --- adding jobs

void JobRunnerPrivate::reserveJobs(size_t count)
{
    // Geometric growth: an exact reserve() would copy every job on each
    // addJob().
    const size_t needed = jobs.size() + count;
    if (needed > jobs.capacity())
        jobs.reserve(std::max(needed, 2 * jobs.capacity()));
}

namespace {

// A job added alone: its spec and entry in one allocation.
struct SpecAndEntry
{
    explicit SpecAndEntry(JobSpec &&spec)
        : spec(std::move(spec))
        , entry(this->spec, nullptr)
    { }

    JobSpec spec;
    JobEntry entry;
};

// Entries are made before the lock is taken: the lock is what workers
// reporting their attempts wait for.
std::shared_ptr<JobEntry> makeEntry(JobSpec &&spec)
{
    auto both = std::make_shared<SpecAndEntry>(std::move(spec));
    return std::shared_ptr<JobEntry>(both, &both->entry);
}

// Entries for `count` of a list's specs from `first`. The jobs keep their
// specs where the list has them: neither moved nor copied, which for a list
// of 100,000 jobs is most of the cost of adding it. The list goes when the
// last of its jobs is removed.
std::vector<std::shared_ptr<JobEntry>>
makeEntries(const std::shared_ptr<const QList<JobSpec>> &list, qsizetype first, qsizetype count)
{
    std::vector<std::shared_ptr<JobEntry>> entries;
    entries.reserve(size_t(count));
    for (qsizetype i = first; i < first + count; ++i) {
        entries.push_back(std::make_shared<JobEntry>(list->at(i), list));
    }
    return entries;
}

} // namespace

JobId JobRunnerPrivate::addLocked(std::shared_ptr<JobEntry> &&entry)
{
    JobEntry *job = registerLocked(std::move(entry));
    ++counts[int(JobState::Queued)];
    ++activeJobs;
    ready.emplace_back(job->id, job->generation);
    return job->id;
}

// Gives `entry` its id and folder: a queued job that is neither counted nor
// in the ready queue yet.
JobEntry *JobRunnerPrivate::registerLocked(std::shared_ptr<JobEntry> &&entry)
{
    JobEntry *job = entry.get();
    job->id = JobId(jobs.size() + 1);
    // A job list's seq names the folder, as --results documents; a second
    // list in the same runner (the window) must not share it.
    const int seq = job->spec.seq;
    const bool seqIsFree = seq > 0 && !seqsWithFolders.contains(seq);
    if (seqIsFree)
        seqsWithFolders.insert(seq);
    // Callables write no output: no folder name to format.
    if (!job->spec.isCallable())
        job->outputFolder = seqIsFree ? QString::number(seq) : QStringLiteral("id-%1").arg(job->id);
    markDirty(job);
    jobs.push_back(std::move(entry));
    return job;
}

void JobRunnerPrivate::addRecordedLocked(std::shared_ptr<JobEntry> &&entry, RecordedJob &&recorded,
                                         JobRunner::Recorded how)
{
    const bool mirrored = how == JobRunner::Recorded::Mirrored;
    const JobState state
        = mirrored || isTerminal(recorded.state) ? recorded.state : JobState::Queued;
    JobEntry *job = registerLocked(std::move(entry));
    // A job that goes on gets a fresh budget, as `requeue resume` gives it;
    // one that stays as recorded keeps the budget its attempts used.
    job->budgetStart = state == JobState::Queued ? recorded.attempts : 0;
    job->attempts = 0; // takeRecordLocked() counts them into totalAttempts
    job->mirrored = mirrored;
    job->recorded = true;
    job->state = state;
    ++counts[int(state)];
    if (!isTerminal(state))
        ++activeJobs;
    if (state == JobState::Queued && !mirrored)
        ready.emplace_back(job->id, job->generation);
    takeRecordLocked(job, std::move(recorded));
}

// What a record says of a job besides its state.
void JobRunnerPrivate::takeRecordLocked(JobEntry *job, RecordedJob &&recorded)
{
    if (!recorded.outputFolder.isEmpty() && !job->spec.isCallable())
        job->outputFolder = std::move(recorded.outputFolder);
    totalAttempts += recorded.attempts - job->attempts;
    job->attempts = recorded.attempts;
    job->firstStartedUs = recorded.firstStartedUs;
    job->finishedUs = isTerminal(job->state) ? recorded.finishedUs : 0;
    job->mirroredSinceUs = job->state == JobState::Running ? recorded.runningSinceUs : 0;
    job->ranUs = 0;
    for (const AttemptRecord &record : std::as_const(recorded.history))
        job->ranUs += record.durationUs();
    job->hasLast = !recorded.history.isEmpty();
    if (job->hasLast)
        job->last = recorded.history.takeLast();
    const qsizetype keep = qMax(0, historyLimit - 1);
    if (recorded.history.size() > keep)
        recorded.history.remove(0, recorded.history.size() - keep);
    job->earlier = std::move(recorded.history);
    markDirty(job);
}

// --- control

bool JobRunnerPrivate::cancelLocked(JobEntry *job, bool kill, Events *events)
{
    if (job->mirrored)
        return false; // its process steers it
    switch (job->state) {
    case JobState::Queued:
        ++job->generation;
        setState(job, JobState::Cancelled, events);
        return true;
    case JobState::WaitingForRetry:
        timer.cancel(job->id, job->generation);
        ++job->generation;
        setState(job, JobState::Cancelled, events);
        return true;
    case JobState::Running:
        // The state changes when the attempt reports back, once its process is gone.
        if (kill)
            job->control->requestKill();
        else if (!job->cancelRequested)
            job->control->requestCancel();
        job->cancelRequested = true;
        return true;
    case JobState::Succeeded:
    case JobState::Failed:
    case JobState::Cancelled:
        return false;
    }
    Q_UNREACHABLE();
    return false;
}

bool JobRunnerPrivate::retryLocked(JobEntry *job, Events *events)
{
    if (!isTerminal(job->state) || shuttingDown || job->mirrored)
        return false;
    job->budgetStart = job->attempts;
    ++job->generation;
    enqueue(job, Place::Back, events);
    return true;
}

// A queued job whose next attempt would be `attempt + 1` starts `attempt`
// again instead: the one a cluster still has. It is counted when handed out.
bool JobRunnerPrivate::adoptLocked(JobEntry *job, int attempt)
{
    if (attempt < 1 || job->mirrored || job->state != JobState::Queued || job->attempts != attempt)
        return false;
    --job->attempts;
    job->budgetStart = qMin(job->budgetStart, job->attempts);
    if (job->recorded)
        --totalAttempts;
    markDirty(job);
    return true;
}

// --- JobRunner

JobRunner::JobRunner(QObject *parent)
    : JobRunner(std::make_unique<LocalExecutor>(), parent)
{ }

JobRunner::JobRunner(std::unique_ptr<Executor> executor, QObject *parent)
    : QObject(parent)
    , d(std::make_unique<JobRunnerPrivate>(this, std::move(executor)))
{
    qRegisterMetaType<requeue::JobId>("requeue::JobId");
    qRegisterMetaType<requeue::JobState>("requeue::JobState");
    qRegisterMetaType<requeue::AttemptRecord>("requeue::AttemptRecord");
    qRegisterMetaType<requeue::StateCounts>("requeue::StateCounts");
    qRegisterMetaType<QList<requeue::JobId>>("QList<requeue::JobId>");
}

void JobRunner::connectNotify(const QMetaMethod &signal)
{
    // Sticky: disconnectNotify() cannot tell which connections went, and an
    // emitter thread without observers only costs a little.
    if (!d)
        return;
    if (d->isEventSignal(signal))
        d->eventsObserved.store(true, std::memory_order_relaxed);
    else if (signal == QMetaMethod::fromSignal(&JobRunner::attemptStarted)
             || signal == QMetaMethod::fromSignal(&JobRunner::attemptSpawned))
        d->attemptsObserved.store(true, std::memory_order_relaxed);
}

bool JobRunner::adoptOrphanedProcesses()
{
    return OrphanReaper::instance().enable();
}

JobRunner::~JobRunner()
{
    // First, so that no cancelled future reaches into a runner on its way out.
    detail::releaseFutureRelay(this);
    d->shutdown();
}

bool JobRunner::setExecutor(std::unique_ptr<Executor> executor)
{
    std::unique_ptr<Executor> old;
    {
        QMutexLocker locker(&d->mutex);
        // With nothing in flight no thread is between dispatch() and
        // execute(): the next dispatch reads the new executor under this lock.
        if (d->inFlight > 0 || d->shuttingDown)
            return false;
        executor->setSink(d.get());
        executor->setMaxConcurrency(d->maxWorkers);
        old = std::exchange(d->executor, std::move(executor));
    }
    old->waitForDone(QDeadlineTimer(QDeadlineTimer::Forever));
    return true;
}

void JobRunner::setMaxWorkers(int count)
{
    d->update([&](Events *) {
        d->maxWorkers = qMax(1, count);
        d->executor->setMaxConcurrency(d->maxWorkers);
        return d->maxWorkers;
    });
}

int JobRunner::maxWorkers() const
{
    QMutexLocker locker(&d->mutex);
    return d->maxWorkers;
}

void JobRunner::setOutputDirectory(const QString &dir)
{
    QMutexLocker locker(&d->mutex);
    d->outputDir = dir.isEmpty() ? QString() : QDir(dir).absolutePath();
}

QString JobRunner::outputDirectory() const
{
    QMutexLocker locker(&d->mutex);
    return d->outputDir;
}

void JobRunner::setKillGracePeriod(std::chrono::milliseconds grace)
{
    QMutexLocker locker(&d->mutex);
    d->killGrace = grace;
}

void JobRunner::setHistoryLimit(int limit)
{
    QMutexLocker locker(&d->mutex);
    d->historyLimit = qMax(1, limit);
}

JobId JobRunner::addJob(const JobSpec &spec)
{
    return addJob(JobSpec(spec));
}

JobId JobRunner::addJob(JobSpec &&spec)
{
    // No list on the way: requeue::run() adds its jobs one at a time.
    if (!spec.isCallable())
        d->ensureOutputDirectory();
    auto entry = makeEntry(std::move(spec));
    return d->update([&](Events *) {
        d->reserveJobs(1);
        return d->addLocked(std::move(entry));
    });
}

QList<JobId> JobRunner::addJobs(const QList<JobSpec> &specs)
{
    return addJobs(QList<JobSpec>(specs));
}

QList<JobId> JobRunner::addJobs(QList<JobSpec> &&specs)
{
    if (std::any_of(specs.cbegin(), specs.cend(), [](const JobSpec &s) { return !s.isCallable(); }))
        d->ensureOutputDirectory();
    const auto list = std::make_shared<const QList<JobSpec>>(std::move(specs));
    QList<JobId> ids;
    ids.reserve(list->size());
    // In chunks: each is made without the lock and added while its entries
    // are still in the cache, and workers report between two chunks.
    constexpr qsizetype ChunkSize = 512;
    for (qsizetype first = 0; first < list->size(); first += ChunkSize) {
        auto entries = makeEntries(list, first, qMin(ChunkSize, list->size() - first));
        d->update([&](Events *) {
            d->reserveJobs(size_t(list->size() - first));
            for (auto &entry : entries)
                ids.append(d->addLocked(std::move(entry)));
            return true;
        });
    }
    return ids;
}

QList<JobId> JobRunner::addRecordedJobs(QList<RecordedJob> &&jobs, Recorded how)
{
    if (std::any_of(jobs.cbegin(), jobs.cend(), [](const RecordedJob &job) {
            return job.outputFolder.isEmpty() && !job.spec.isCallable();
        }))
        d->ensureOutputDirectory();
    std::vector<std::shared_ptr<JobEntry>> entries;
    entries.reserve(size_t(jobs.size()));
    for (RecordedJob &job : jobs) // a shared list detaches here, not under the lock
        entries.push_back(makeEntry(std::move(job.spec)));
    return d->update([&](Events *) {
        QList<JobId> ids;
        ids.reserve(jobs.size());
        d->reserveJobs(entries.size());
        for (qsizetype i = 0; i < jobs.size(); ++i) {
            d->addRecordedLocked(std::move(entries[size_t(i)]), std::move(jobs[i]), how);
            ids.append(JobId(d->jobs.size()));
        }
        return ids;
    });
}

QList<JobId> JobRunner::adopt(const QList<AdoptedAttempt> &attempts)
{
    return d->update([&](Events *) {
        QList<JobId> adopted;
        if (attempts.isEmpty() || !d->executor->adopt(attempts))
            return adopted;
        QHash<int, int> inCluster; // seq -> the attempt a cluster has
        for (const AdoptedAttempt &attempt : attempts) {
            if (!attempt.clusterJobId.isEmpty())
                inCluster.insert(attempt.seq, attempt.attempt);
        }
        QSet<JobId> first;
        for (const std::shared_ptr<JobEntry> &job : d->jobs) {
            if (job && d->adoptLocked(job.get(), inCluster.take(job->spec.seq))) {
                first.insert(job->id);
                adopted.append(job->id);
            }
        }
        std::stable_partition(d->ready.begin(), d->ready.end(),
                              [&first](const auto &entry) { return first.contains(entry.first); });
        return adopted;
    });
}

bool JobRunner::updateRecordedJob(JobId id, RecordedJob &&recorded)
{
    return d->update([&](Events *events) {
        JobEntry *job = d->find(id);
        if (!job || !job->mirrored)
            return false;
        d->setState(job, recorded.state, events);
        d->takeRecordLocked(job, std::move(recorded));
        return true;
    });
}

int JobRunner::removeFinishedJobs(const QList<JobId> &ids)
{
    return d->update([&](Events *) {
        int removed = 0;
        for (JobId id : ids) {
            JobEntry *job = d->find(id);
            if (!job || !(isTerminal(job->state) || job->mirrored))
                continue;
            --d->counts[job->state];
            if (!isTerminal(job->state) && --d->activeJobs == 0)
                d->notifyIdleLocked(); // a mirrored job: nothing of it runs here
            d->markDirty(job);         // the feed reports it, with an invalid snapshot
            d->jobs[id - 1].reset();
            ++removed;
        }
        return removed;
    });
}

QList<JobId> JobRunner::jobIds() const
{
    QMutexLocker locker(&d->mutex);
    QList<JobId> ids;
    ids.reserve(int(d->jobs.size()));
    for (const auto &job : d->jobs) {
        if (job)
            ids.append(job->id);
    }
    return ids;
}

int JobRunner::jobCount() const
{
    QMutexLocker locker(&d->mutex);
    return d->counts.total();
}

JobSnapshot JobRunner::snapshot(JobId id, bool withHistory) const
{
    QMutexLocker locker(&d->mutex);
    const JobEntry *job = d->find(id);
    return job ? d->snapshotLocked(*job, withHistory) : JobSnapshot();
}

JobSnapshot JobRunner::briefSnapshot(JobId id) const
{
    QMutexLocker locker(&d->mutex);
    const JobEntry *job = d->find(id);
    return job ? d->briefSnapshotLocked(*job) : JobSnapshot();
}

QList<JobSnapshot> JobRunner::snapshots(const QList<JobId> &ids) const
{
    QList<JobSnapshot> result;
    result.reserve(ids.size());
    QMutexLocker locker(&d->mutex);
    for (JobId id : ids) {
        const JobEntry *job = d->find(id);
        result.append(job ? d->snapshotLocked(*job, false) : JobSnapshot());
    }
    return result;
}

StateCounts JobRunner::stateCounts() const
{
    QMutexLocker locker(&d->mutex);
    return d->counts;
}

int JobRunner::totalAttempts() const
{
    QMutexLocker locker(&d->mutex);
    return d->totalAttempts;
}

QString JobRunner::outputPath(JobId id, int attempt, OutputStream stream) const
{
    QMutexLocker locker(&d->mutex);
    const JobEntry *job = d->find(id);
    if (!job || job->spec.isCallable() || attempt < 1 || attempt > job->attempts)
        return {};
    return d->outputPathLocked(*job, attempt, stream);
}

void JobRunner::flushChanges()
{
    Q_ASSERT(QThread::currentThread() == thread());
    d->flushFeed();
}

void JobRunner::afterEvents(QObject *context, std::function<void()> call)
{
    Q_ASSERT(QThread::currentThread() == thread());
    QPointer<QObject> guard(context);
    std::function<void()> guarded = [guard, call = std::move(call)] {
        if (guard)
            call();
    };
    {
        QMutexLocker locker(&d->mutex);
        // Without an emitter every event has been emitted by the thread that
        // made it before that thread went on.
        Events events;
        events.append({Event::Fence, 0, JobState::Queued, {}});
        const bool wake = d->queueForEmitterLocked(events, false, &guarded);
        if (events.isEmpty()) { // the emitter has it
            locker.unlock();
            if (wake)
                d->emitterWake.release();
            return;
        }
    }
    QMetaObject::invokeMethod(this, std::move(guarded), Qt::QueuedConnection);
}

void JobRunner::start()
{
    d->update([&](Events *) {
        d->paused = d->shuttingDown; // a runner being destroyed stays paused
        d->feedDirty = true;
        return !d->paused;
    });
}

void JobRunner::pause()
{
    d->update([&](Events *) {
        d->paused = true;
        d->feedDirty = true;
        return true;
    });
}

bool JobRunner::isPaused() const
{
    QMutexLocker locker(&d->mutex);
    return d->paused;
}

bool JobRunner::cancel(JobId id)
{
    return cancel(QList<JobId> {id}) == 1;
}

int JobRunner::cancel(const QList<JobId> &ids)
{
    return d->update([&](Events *events) {
        int cancelled = 0;
        for (JobId id : ids) {
            if (JobEntry *job = d->find(id))
                cancelled += d->cancelLocked(job, false, events) ? 1 : 0;
        }
        return cancelled;
    });
}

int JobRunner::cancelAll()
{
    return cancelAll(CancelMode::Graceful);
}

int JobRunner::cancelAll(CancelMode mode)
{
    return d->update([&](Events *events) {
        int cancelled = 0;
        for (auto &job : d->jobs) {
            if (job)
                cancelled += d->cancelLocked(job.get(), mode == CancelMode::Kill, events) ? 1 : 0;
        }
        d->ready.clear();
        return cancelled;
    });
}

bool JobRunner::retry(JobId id)
{
    return retry(QList<JobId> {id}) == 1;
}

int JobRunner::retry(const QList<JobId> &ids)
{
    return d->update([&](Events *events) {
        int retried = 0;
        for (JobId id : ids) {
            if (JobEntry *job = d->find(id))
                retried += d->retryLocked(job, events) ? 1 : 0;
        }
        return retried;
    });
}

int JobRunner::retryAllFailed()
{
    return d->update([&](Events *events) {
        int retried = 0;
        for (auto &job : d->jobs) {
            if (job && job->state == JobState::Failed)
                retried += d->retryLocked(job.get(), events) ? 1 : 0;
        }
        return retried;
    });
}

bool JobRunner::isIdle() const
{
    QMutexLocker locker(&d->mutex);
    return d->activeJobs == 0 && d->inFlight == 0;
}

bool JobRunner::waitForIdle(QDeadlineTimer deadline)
{
    QMutexLocker locker(&d->mutex);
    const auto isIdle = [this] {
        return d->activeJobs == 0 && d->inFlight == 0;
    };
    ++d->idleWaiters;
    // std::condition_variable_any unlocks and relocks the QMutex through its
    // inline lock()/unlock(), which ThreadSanitizer sees; QWaitCondition does
    // it inside the uninstrumented QtCore library.
    if (deadline.isForever())
        d->becameIdle.wait(d->mutex, isIdle);
    else
        d->becameIdle.wait_until(d->mutex, deadline.deadline<std::chrono::steady_clock>(), isIdle);
    --d->idleWaiters;
    return isIdle();
}

} // namespace requeue
