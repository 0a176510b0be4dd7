#pragma once

#include "attemptrecord.h"
#include "executor.h"
#include "jobsnapshot.h"
#include "jobspec.h"
#include "recordedjob.h"
#include "statecounts.h"

#include <QDeadlineTimer>
#include <QList>
#include <QObject>

#include <chrono>
#include <functional>
#include <memory>

namespace requeue {

class JobRunnerPrivate;

enum class OutputStream { Stdout, Stderr };

// Runs jobs on an executor (a thread pool by default) and retries every failed
// attempt the moment it fails, from the worker's side, without going through
// any event loop. Policy lives here; executors only run attempts.
//
// Two ways to follow it. Views follow the change feed (jobsChanged,
// countsChanged, pausedChanged): coalesced, at most about 30 times a second,
// always in the runner's thread, and any number of observers get the same
// changes. Tools that need every event (the joblog) connect to the event
// signals (jobStateChanged ... idle), which come from an emitter thread.
//
// Thread affinity: the object lives in the thread that created it; its feed
// needs that thread's event loop. Every public method is thread-safe and
// non-blocking, except the destructor, waitForIdle() and flushChanges().
class JobRunner : public QObject
{
    Q_OBJECT
public:
    // Uses a local thread pool with QThread::idealThreadCount() workers.
    explicit JobRunner(QObject *parent = nullptr);
    explicit JobRunner(std::unique_ptr<Executor> executor, QObject *parent = nullptr);
    // Cancels everything and waits for the running attempts to end.
    ~JobRunner() override;

    // Process-wide and opt-in: job processes that leave their process group
    // (setsid) and outlive their job are adopted and killed as attempts end.
    // Other children are adopted too but never killed, so a program whose
    // libraries start helpers (a window) should not call it. Returns false
    // if the system does not allow it.
    static bool adoptOrphanedProcesses();

    // --- settings
    // Runs attempts on `executor` from now on (the window's "Run on" choice).
    // Only while no attempt is in flight: returns false then, keeping the
    // executor it has. The old executor is destroyed before this returns.
    bool setExecutor(std::unique_ptr<Executor> executor);
    void setMaxWorkers(int count); // takes effect at once, also while running
    int maxWorkers() const;
    // Where process jobs write `<dir>/<seq>/<attempt>/stdout|stderr`; a job
    // without a seq, or whose seq an earlier job of this runner took, uses
    // `id-<id>` instead of `<seq>`.
    // Empty (default): a fresh private directory in the temp folder, made
    // when the first process job is added, and removed with the runner if
    // no attempt wrote anything in it.
    void setOutputDirectory(const QString &dir);
    QString outputDirectory() const;
    // SIGTERM first, SIGKILL after this long (timeouts and cancels).
    void setKillGracePeriod(std::chrono::milliseconds grace);
    // Attempts kept per job (the count of attempts is kept regardless). >= 1.
    void setHistoryLimit(int limit);

    // --- jobs
    // Adds queued jobs; they run once the runner is started and not paused.
    // A list's jobs keep their specs in the list (shared, not copied), which
    // is freed once its last job is removed. A long list is added in chunks:
    // a running runner may start its first jobs before the last are in.
    JobId addJob(const JobSpec &spec);
    JobId addJob(JobSpec &&spec); // moves the spec in
    QList<JobId> addJobs(const QList<JobSpec> &specs);
    QList<JobId> addJobs(QList<JobSpec> &&specs);
    // How addRecordedJobs() takes a recorded run's jobs.
    enum class Recorded {
        // To go on with the run in this runner: a finished job stays as it
        // was until retry(); any other (one a crash left queued, running or
        // waiting) is queued, its attempts numbered on from the record's.
        Resumable,
        // To follow a run another process runs: every job keeps the state
        // recorded, updateRecordedJob() keeps it current, and this runner
        // never starts, cancels or retries it.
        Mirrored,
    };
    // Adds jobs as a recorded run left them: state, attempts, history, and
    // the folder their output went to. The change feed reports them as for
    // addJobs(); no other signal is emitted for what happened before.
    QList<JobId> addRecordedJobs(QList<RecordedJob> &&jobs, Recorded how);
    // Brings a job added with Recorded::Mirrored up to date with `job` (the
    // same job, recorded later). Returns false for any other job.
    bool updateRecordedJob(JobId id, RecordedJob &&job);
    // Reattach (the resume of a run whose process was killed): offers the
    // executor `attempts` (Executor::adopt()). A queued job with the seq of
    // one that names a cluster job, whose attempts end at that one, starts
    // that attempt again instead of a new one: the executor follows the job
    // already in the cluster, and the attempt is counted once. Those jobs
    // are handed out before the other queued ones, so that they count
    // against the workers first. Call before start(). Returns their ids;
    // none if the executor cannot follow what another process started.
    QList<JobId> adopt(const QList<AdoptedAttempt> &attempts);
    // Forgets finished jobs, and mirrored ones in any state; returns how
    // many were removed. Others are kept.
    int removeFinishedJobs(const QList<JobId> &ids);
    QList<JobId> jobIds() const; // in the order they were added
    int jobCount() const;
    // An invalid snapshot for an unknown id.
    JobSnapshot snapshot(JobId id, bool withHistory = false) const;
    // The same without the name, the command and the last attempt's record:
    // no string is built. For observers that follow every change (a journal).
    JobSnapshot briefSnapshot(JobId id) const;
    QList<JobSnapshot> snapshots(const QList<JobId> &ids) const;
    StateCounts stateCounts() const;
    int totalAttempts() const; // every attempt started, all jobs
    QString outputPath(JobId id, int attempt, OutputStream stream) const;
    // Emits what the change feed holds now instead of at its next tick.
    // Runner's thread only; every observer gets it.
    void flushChanges();
    // Calls `call` later in the runner's thread, once every event signal of
    // the changes made so far has been emitted and its direct observers
    // have returned (bar attemptStarted and attemptSpawned, which attempts
    // emit themselves): a fence in the events' order, after which a journal
    // that follows them may end. Not if `context` (an object of this thread)
    // or the runner goes first. Runner's thread only.
    void afterEvents(QObject *context, std::function<void()> call);

    // --- control
    // A new runner is paused: start() begins dispatching; pause() stops
    // handing out new attempts (running ones go on).
    void start();
    void pause();
    bool isPaused() const;
    // Cancels a queued, waiting or running job. Returns whether it was active.
    bool cancel(JobId id);
    int cancel(const QList<JobId> &ids);
    int cancelAll();
    // Kill: running process groups get SIGKILL at once, no grace period
    // (a second Ctrl-C). Graceful is cancelAll().
    enum class CancelMode { Graceful, Kill };
    int cancelAll(CancelMode mode);
    // Gives a finished job (failed, cancelled or succeeded) a fresh attempt
    // budget and queues it. Returns false for an unknown or active job.
    bool retry(JobId id);
    int retry(const QList<JobId> &ids);
    int retryAllFailed();
    // True when no job is queued, waiting or running.
    bool isIdle() const;
    // Blocks until idle or the deadline passes. For tools without an event loop.
    // Snapshots are final then; the signals of the last attempts may still be
    // on their way from the workers.
    bool waitForIdle(QDeadlineTimer deadline = QDeadlineTimer(QDeadlineTimer::Forever));

Q_SIGNALS:
    // --- the change feed: in the runner's thread, at most every FeedIntervalMs
    // Jobs whose snapshot changed (added, removed, state, attempt started or
    // finished), ascending, each once. A removed job's snapshot is invalid.
    void jobsChanged(const QList<requeue::JobId> &ids);
    // The counts or the number of attempts changed.
    void countsChanged(const requeue::StateCounts &counts, int totalAttempts);
    void pausedChanged(bool paused);

    // --- every event, in the order of the changes that made them, from the
    // runner's own emitter thread (started when the first observer
    // connects; connect before start()). A direct-connected observer runs
    // there, one event at a time, never on a worker: a slow one falls behind
    // but never delays an attempt or a retry. attemptStarted is the
    // exception: the attempt's own thread emits it as it begins, possibly
    // before the jobStateChanged(Running) that handed it out.
    void jobStateChanged(requeue::JobId id, requeue::JobState state);
    void attemptStarted(requeue::JobId id, int attempt);
    // A process job's attempt has its process (after attemptStarted).
    void attemptSpawned(requeue::JobId id, int attempt, qint64 pid);
    void attemptFinished(requeue::JobId id, const requeue::AttemptRecord &record);
    // Exactly once each time a job reaches a terminal state.
    void jobFinished(requeue::JobId id, requeue::JobState state);
    // The last active job reached a terminal state.
    void idle();

public:
    static constexpr int FeedIntervalMs = 33;

protected:
    void connectNotify(const QMetaMethod &signal) override;

private:
    friend class JobRunnerPrivate;
    std::unique_ptr<JobRunnerPrivate> d; // Owning.
};

} // namespace requeue
