#pragma once

#include "clusterresources.h"
#include "jobstate.h"
#include "retrypolicy.h"

#include <QDeadlineTimer>
#include <QMap>
#include <QString>
#include <QStringList>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>

namespace requeue {

// An external program to run. Either `shellCommand` (run as `/bin/sh -c`) or
// `program` + `arguments` (no shell).
struct ProcessSpec
{
    QString shellCommand;
    QString program;
    QStringList arguments;
    QString workingDirectory;           // empty: the runner's current directory
    QMap<QString, QString> environment; // added to (or overriding) the runner's environment

    bool usesShell() const { return program.isEmpty(); }
    // The command line as a person would type it (for tables and joblogs).
    QString displayCommand() const;
};

// What an in-process callable receives for one attempt. Lives on the worker
// thread that runs the attempt; not to be kept after the callable returns.
struct AttemptContext
{
    JobId jobId = 0;
    int attempt = 1;     // 1-based, counting every attempt of the job
    int maxAttempts = 0; // of the current budget; 0 = unlimited
    QDeadlineTimer deadline {QDeadlineTimer::Forever};
    const std::atomic_bool *cancelFlag = nullptr; // Not owning.

    bool isCancelled() const { return cancelFlag && cancelFlag->load(std::memory_order_relaxed); }
    // True once the callable should stop: cancelled, or its deadline passed.
    bool shouldStop() const { return isCancelled() || deadline.hasExpired(); }
};

// An in-process job: returns 0 for success, anything else is an exit code
// (permanent codes apply). An exception counts as a failed attempt.
// Called on a worker thread; must be safe to call from any thread.
using JobCallable = std::function<int(const AttemptContext &)>;

// Told each time a job reaches a terminal state (Succeeded, Failed or
// Cancelled), on the thread that ended it (a worker, or the one that called
// JobRunner::cancel()), once the runner's lock is released; not ordered with
// the runner's signals, which an emitter thread may deliver. A job retried by
// hand ends again and calls it again. Must not block; must be safe to call
// from any thread. requeue::run() completes its future from here.
using JobFinishedHook = std::function<void(JobState state)>;

// A job to run: a value type, copied into the runner.
struct JobSpec
{
    QString name;
    ProcessSpec process;  // used when `callable` is empty
    JobCallable callable; // when set, the job runs in-process
    JobFinishedHook onFinished;
    // Kept alive as long as the job is: what `callable` and `onFinished`
    // refer to. Lambdas that capture a plain pointer to it are stored in
    // their std::function without an allocation; one that captures a
    // std::shared_ptr is not.
    std::shared_ptr<const void> owner;
    RetryPolicy retry;
    // Per attempt; zero means no timeout.
    std::chrono::milliseconds timeout {0};
    // Position in the job list it came from (1-based), 0 if none. Names the
    // job's output folder when set; the job id does otherwise.
    int seq = 0;
    // Attempts made by an earlier run (a resumed joblog): numbering goes on
    // after them, so no earlier attempt's output is overwritten. The new run
    // still gets a full attempt budget.
    int attemptsBefore = 0;
    // What to ask a cluster scheduler for; the local backend ignores it.
    ClusterResources resources;

    bool isCallable() const { return bool(callable); }
    QString displayCommand() const;
};

} // namespace requeue
