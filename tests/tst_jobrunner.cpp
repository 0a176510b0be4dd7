// Behaviour of JobRunner with in-process callables: immediate retries, retry
// policy, cancel in every state, manual retry, pause, worker changes.
#include "common/fakeexecutor.h"
#include "common/runnerevents.h"
#include "jobrunner.h"
#include "localexecutor.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QScopeGuard>
#include <QSemaphore>
#include <QSignalSpy>
#include <QTest>
#include <QThread>

#include <atomic>
#include <stdexcept>

Q_DECLARE_METATYPE(requeue::JobCallable)

using namespace requeue;
using requeue::test::FakeExecutor;
using requeue::test::RunnerEvents;
using namespace std::chrono_literals;

namespace {

JobSpec callableJob(const QString &name, JobCallable callable, int maxAttempts = 3)
{
    JobSpec spec;
    spec.name = name;
    spec.callable = std::move(callable);
    spec.retry.maxAttempts = maxAttempts;
    return spec;
}

// A callable that fails until attempt `succeedOn`, each attempt taking `work`.
JobCallable flaky(int succeedOn, std::chrono::milliseconds work = 0ms)
{
    return [=](const AttemptContext &context) {
        if (work.count() > 0)
            QThread::msleep(ulong(work.count())); // the job's own work, not synchronisation
        return context.attempt >= succeedOn ? 0 : 1;
    };
}

// A callable that runs until `gate` is released (bounded) or it is cancelled.
JobCallable gated(QSemaphore *gate, std::atomic_int *running = nullptr)
{
    return [=](const AttemptContext &context) {
        if (running)
            ++*running;
        QElapsedTimer waited;
        waited.start();
        while (!gate->tryAcquire(1, 5) && !context.shouldStop() && waited.elapsed() < 20'000) { }
        if (running)
            --*running;
        return context.isCancelled() ? 1 : 0;
    };
}

int count(const JobRunner &runner, JobState state)
{
    return runner.stateCounts()[int(state)];
}

// Microseconds from each attempt's end to the next attempt's start.
QList<qint64> retryGaps(const JobSnapshot &snapshot)
{
    QList<qint64> gaps;
    for (int i = 1; i < snapshot.history.size(); ++i)
        gaps.append(snapshot.history[i].startedUs - snapshot.history[i - 1].finishedUs);
    return gaps;
}

} // namespace

class tst_JobRunner : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void defaultOutputDirectoryGoesWhenEmpty();
    void classicCase();
    void retriesNeverWaitForRounds();
    void blockedOwnerDoesNotDelayRetries();
    void attemptOutcomes_data();
    void attemptOutcomes();
    void permanentExitCodeFailsAtOnce();
    void unlimitedAttempts();
    void fixedBackoffWaitsWithoutAWorker();
    void exponentialBackoffWithJitterStaysInBounds();
    void cancelQueuedJobNeverStarts();
    void cancelWaitingJobKillsItsTimer();
    void cancelRunningCallableSeesItsFlag();
    void cancelRacingFailureNeverRetries();
    void manualRetryStartsAFreshBudget();
    void pauseStopsDispatching();
    void workerCountChangesWhileRunning();
    void deadlineReachesTheCallable();
    void terminalSignalsFireOnce();
    void historyIsBounded();
    void feedCoalescesChangesForEveryObserver();
    void feedCoversAddsRemovalsAndPause();
    void feedReportsTheStartOfAnAttempt();
    void observersNeverDelayARetry();
    void removeFinishedJobsKeepsActiveOnes();
    void resumedJobContinuesItsNumbering();
    void recordedJobsGoOnWhereTheRunStopped();
    void mirroredJobsFollowTheirRecord();
    void adoptedAttemptsGoOnFirst();
    void adoptedRecordedAttemptIsCountedOnce();
    void executorIsReplacedOnlyWhenNothingRuns();
    void afterEventsWaitsForSlowObservers();
};

// The default output directory is the runner's own: it leaves no empty
// folder behind in the temp folder, but never removes an attempt's output.
void tst_JobRunner::defaultOutputDirectoryGoesWhenEmpty()
{
    const auto runIn = [](const QString &command) {
        JobRunner runner;
        JobSpec spec;
        spec.process.shellCommand = command;
        runner.addJob(spec);
        runner.start();
        if (!runner.waitForIdle(QDeadlineTimer(10000)))
            return QString();
        return runner.outputDirectory();
    };
    const QString silent = runIn(QStringLiteral("true"));
    QVERIFY(!silent.isEmpty());
    QVERIFY(!QFileInfo::exists(silent));
    const QString talking = runIn(QStringLiteral("echo kept"));
    QVERIFY(!talking.isEmpty());
    QVERIFY(QFileInfo::exists(talking + QStringLiteral("/id-1/1/stdout")));
    QVERIFY(QDir(talking).removeRecursively());
}

void tst_JobRunner::classicCase()
{
    // 2 workers; A takes 20 ms and fails 9 times; B is long. A must be done,
    // after exactly 10 attempts, while B still runs.
    JobRunner runner;
    runner.setMaxWorkers(2);
    QSemaphore releaseB;
    std::atomic_int bRunning {0};
    const JobId b = runner.addJob(callableJob(QStringLiteral("B"), gated(&releaseB, &bRunning), 1));
    const JobId a = runner.addJob(callableJob(QStringLiteral("A"), flaky(10, 20ms), 10));
    runner.start();

    QTRY_COMPARE_WITH_TIMEOUT(runner.snapshot(a).state, JobState::Succeeded, 5000);
    QCOMPARE(runner.snapshot(a).attempts, 10);
    QCOMPARE(runner.snapshot(b).state, JobState::Running);
    QCOMPARE(bRunning.load(), 1);
    releaseB.release();
    QVERIFY(runner.waitForIdle(QDeadlineTimer(5000)));
    QCOMPARE(runner.snapshot(b).state, JobState::Succeeded);
}

void tst_JobRunner::retriesNeverWaitForRounds()
{
    // 4 workers, 3 long jobs, 1 flaky: each retry starts right after the failure.
    JobRunner runner;
    runner.setMaxWorkers(4);
    QSemaphore gate;
    for (int i = 0; i < 3; ++i)
        runner.addJob(callableJob(QStringLiteral("long"), gated(&gate), 1));
    const JobId flakyJob = runner.addJob(callableJob(QStringLiteral("flaky"), flaky(20, 2ms), 20));
    runner.start();
    QTRY_COMPARE_WITH_TIMEOUT(runner.snapshot(flakyJob).state, JobState::Succeeded, 5000);
    QCOMPARE(count(runner, JobState::Running), 3);

    const QList<qint64> gaps = retryGaps(runner.snapshot(flakyJob, true));
    QCOMPARE(gaps.size(), 19);
    for (qint64 gap : gaps)
        QVERIFY2(gap >= 0 && gap < 20'000, qPrintable(QStringLiteral("gap %1 us").arg(gap)));
    gate.release(3);
    QVERIFY(runner.waitForIdle(QDeadlineTimer(5000)));
}

void tst_JobRunner::blockedOwnerDoesNotDelayRetries()
{
    // The owner thread blocks without an event loop while the job fails 5
    // times; the 6th attempt (the 5th retry) still happens during the block.
    JobRunner runner;
    runner.setMaxWorkers(2);
    QSemaphore sixthAttempt;
    runner.addJob(callableJob(
        QStringLiteral("flaky"),
        [&](const AttemptContext &context) {
            if (context.attempt < 6)
                return 1;
            sixthAttempt.release();
            return 0;
        },
        6));
    QElapsedTimer blocked;
    blocked.start();
    runner.start();
    QVERIFY(sixthAttempt.tryAcquire(1, 500)); // blocks this thread, up to 500 ms
    QVERIFY(blocked.elapsed() < 500);
    QVERIFY(runner.waitForIdle(QDeadlineTimer(5000)));
    QCOMPARE(runner.snapshot(1).attempts, 6);
}

void tst_JobRunner::attemptOutcomes_data()
{
    QTest::addColumn<JobCallable>("callable");
    QTest::addColumn<int>("timeoutMs");
    QTest::addColumn<AttemptOutcome>("outcome");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("message");

    QTest::newRow("success") << JobCallable([](const AttemptContext &) { return 0; }) << 0
                             << AttemptOutcome::Succeeded << 0 << QString();
    QTest::newRow("exit code") << JobCallable([](const AttemptContext &) { return 42; }) << 0
                               << AttemptOutcome::ExitCode << 42 << QString();
    QTest::newRow("exception") << JobCallable([](const AttemptContext &) -> int {
        throw std::runtime_error("disk on fire");
    }) << 0 << AttemptOutcome::Exception
                               << -1 << QStringLiteral("disk on fire");
    QTest::newRow("unknown exception")
        << JobCallable([](const AttemptContext &) -> int { throw 42; }) << 0
        << AttemptOutcome::Exception << -1 << QStringLiteral("unknown exception");
    QTest::newRow("timeout") << JobCallable([](const AttemptContext &context) {
        while (!context.shouldStop())
            QThread::yieldCurrentThread();
        return 1;
    }) << 30 << AttemptOutcome::TimedOut
                             << 1 << QString();
}

void tst_JobRunner::attemptOutcomes()
{
    QFETCH(JobCallable, callable);
    QFETCH(int, timeoutMs);
    QFETCH(AttemptOutcome, outcome);
    QFETCH(int, exitCode);
    QFETCH(QString, message);

    JobRunner runner;
    JobSpec spec = callableJob(QStringLiteral("job"), callable, 2);
    spec.timeout = std::chrono::milliseconds(timeoutMs);
    const JobId id = runner.addJob(spec);
    RunnerEvents events(&runner);
    runner.start();
    QVERIFY(runner.waitForIdle(QDeadlineTimer(5000)));

    const JobSnapshot snapshot = runner.snapshot(id, true);
    const bool success = outcome == AttemptOutcome::Succeeded;
    QCOMPARE(snapshot.state, success ? JobState::Succeeded : JobState::Failed);
    QCOMPARE(snapshot.attempts, success ? 1 : 2); // failures are retried
    QCOMPARE(snapshot.lastAttempt.outcome, outcome);
    QCOMPARE(snapshot.lastAttempt.exitCode, exitCode);
    QCOMPARE(snapshot.lastAttempt.message, message);
    QTRY_COMPARE(events.count(RunnerEvents::AttemptFinished), snapshot.attempts);
}

void tst_JobRunner::permanentExitCodeFailsAtOnce()
{
    JobRunner runner;
    JobSpec spec = callableJob(
        QStringLiteral("usage error"), [](const AttemptContext &) { return 64; }, 10);
    spec.retry.permanentExitCodes = {2, 64};
    const JobId id = runner.addJob(spec);
    runner.start();
    QVERIFY(runner.waitForIdle(QDeadlineTimer(5000)));
    QCOMPARE(runner.snapshot(id).state, JobState::Failed);
    QCOMPARE(runner.snapshot(id).attempts, 1);
}

void tst_JobRunner::unlimitedAttempts()
{
    JobRunner runner;
    std::atomic_int maxSeen {-1};
    const JobId id = runner.addJob(callableJob(
        QStringLiteral("stubborn"),
        [&](const AttemptContext &context) {
            maxSeen = context.maxAttempts;
            return context.attempt >= 200 ? 0 : 1;
        },
        0));
    runner.start();
    QVERIFY(runner.waitForIdle(QDeadlineTimer(10'000)));
    QCOMPARE(runner.snapshot(id).state, JobState::Succeeded);
    QCOMPARE(runner.snapshot(id).attempts, 200);
    QCOMPARE(maxSeen.load(), 0);
}

void tst_JobRunner::fixedBackoffWaitsWithoutAWorker()
{
    // One worker: while A waits out its delay, B gets the worker.
    JobRunner runner;
    runner.setMaxWorkers(1);
    JobSpec a = callableJob(QStringLiteral("A"), flaky(3), 3);
    a.retry.backoff = RetryPolicy::Backoff::Fixed;
    a.retry.initialDelay = 150ms;
    const JobId idA = runner.addJob(a);
    QSemaphore gate;
    const JobId idB = runner.addJob(callableJob(QStringLiteral("B"), gated(&gate), 1));
    runner.start();

    QTRY_COMPARE_WITH_TIMEOUT(runner.snapshot(idA).state, JobState::WaitingForRetry, 5000);
    const JobSnapshot waiting = runner.snapshot(idA);
    QVERIFY(waiting.retryAtUs > waiting.lastAttempt.finishedUs);
    QTRY_COMPARE_WITH_TIMEOUT(runner.snapshot(idB).state, JobState::Running, 5000);
    gate.release();
    QVERIFY(runner.waitForIdle(QDeadlineTimer(5000)));

    const JobSnapshot done = runner.snapshot(idA, true);
    QCOMPARE(done.state, JobState::Succeeded);
    for (qint64 gap : retryGaps(done))
        QVERIFY2(gap >= 149'000, qPrintable(QStringLiteral("gap %1 us").arg(gap)));
}

void tst_JobRunner::exponentialBackoffWithJitterStaysInBounds()
{
    JobRunner runner;
    JobSpec spec = callableJob(QStringLiteral("jittery"), flaky(6), 6);
    spec.retry.backoff = RetryPolicy::Backoff::Exponential;
    spec.retry.initialDelay = 10ms;
    spec.retry.factor = 2.0;
    spec.retry.maxDelay = 40ms;
    spec.retry.jitter = true;
    const JobId id = runner.addJob(spec);
    runner.start();
    QVERIFY(runner.waitForIdle(QDeadlineTimer(5000)));
    const QList<qint64> gaps = retryGaps(runner.snapshot(id, true));
    QCOMPARE(gaps.size(), 5);
    const qint64 nominalUs[] = {10'000, 20'000, 40'000, 40'000, 40'000};
    for (int i = 0; i < gaps.size(); ++i) {
        // Full jitter: anywhere in [0, nominal], plus scheduling slack.
        QVERIFY2(gaps[i] >= 0 && gaps[i] <= nominalUs[i] + 30'000,
                 qPrintable(QStringLiteral("retry %1: %2 us").arg(i + 1).arg(gaps[i])));
    }
}

void tst_JobRunner::cancelQueuedJobNeverStarts()
{
    JobRunner runner;
    std::atomic_int calls {0};
    const JobId id
        = runner.addJob(callableJob(QStringLiteral("never"), [&](const AttemptContext &) {
              ++calls;
              return 0;
          }));
    RunnerEvents events(&runner);
    QVERIFY(runner.cancel(id));
    runner.start();
    QVERIFY(runner.waitForIdle(QDeadlineTimer(1000)));
    QCOMPARE(runner.snapshot(id).state, JobState::Cancelled);
    QCOMPARE(runner.snapshot(id).attempts, 0);
    QCOMPARE(calls.load(), 0);
    QTRY_COMPARE(events.count(RunnerEvents::JobFinished), 1);
    QVERIFY(!runner.cancel(id));
}

void tst_JobRunner::cancelWaitingJobKillsItsTimer()
{
    JobRunner runner;
    JobSpec spec = callableJob(QStringLiteral("waits"), flaky(99), 5);
    spec.retry.backoff = RetryPolicy::Backoff::Fixed;
    spec.retry.initialDelay = 200ms;
    const JobId id = runner.addJob(spec);
    runner.start();
    QTRY_COMPARE_WITH_TIMEOUT(runner.snapshot(id).state, JobState::WaitingForRetry, 5000);
    RunnerEvents events(&runner);
    QVERIFY(runner.cancel(id));
    QCOMPARE(runner.snapshot(id).state, JobState::Cancelled);
    // The 200 ms timer would have fired within this bounded watch.
    QVERIFY(!QTest::qWaitFor([&] { return events.count(RunnerEvents::AttemptStarted) > 0; }, 400));
    QCOMPARE(runner.snapshot(id).attempts, 1);
}

void tst_JobRunner::cancelRunningCallableSeesItsFlag()
{
    JobRunner runner;
    QSemaphore never;
    std::atomic_int running {0};
    const JobId id = runner.addJob(callableJob(QStringLiteral("long"), gated(&never, &running), 5));
    runner.start();
    QTRY_COMPARE_WITH_TIMEOUT(running.load(), 1, 5000);
    QElapsedTimer sinceCancel;
    sinceCancel.start();
    QVERIFY(runner.cancel(id));
    QTRY_COMPARE_WITH_TIMEOUT(runner.snapshot(id).state, JobState::Cancelled, 1000);
    QVERIFY(sinceCancel.elapsed() < 1000);
    QCOMPARE(runner.snapshot(id).attempts, 1); // never retried
    QCOMPARE(runner.snapshot(id).lastAttempt.outcome, AttemptOutcome::Cancelled);
}

void tst_JobRunner::cancelRacingFailureNeverRetries()
{
    // A job failing as fast as it can, cancelled at a random moment: once
    // cancel() returns, no further attempt may start.
    for (int round = 0; round < 200; ++round) {
        JobRunner runner;
        runner.setMaxWorkers(2);
        std::atomic_int calls {0};
        const JobId id = runner.addJob(callableJob(
            QStringLiteral("racer"),
            [&](const AttemptContext &) {
                ++calls;
                return 1;
            },
            0));
        runner.start();
        while (calls.load() < 1 + round % 7)
            QThread::yieldCurrentThread();
        QVERIFY(runner.cancel(id));
        const int attemptsAtCancel = runner.snapshot(id).attempts;
        QVERIFY(runner.waitForIdle(QDeadlineTimer(5000)));
        const JobSnapshot done = runner.snapshot(id);
        QCOMPARE(done.state, JobState::Cancelled);
        QCOMPARE(done.attempts, attemptsAtCancel);
        QVERIFY(calls.load() <= done.attempts);
    }
}

void tst_JobRunner::manualRetryStartsAFreshBudget()
{
    JobRunner runner;
    const JobId failing = runner.addJob(callableJob(QStringLiteral("fails"), flaky(99), 2));
    const JobId passing = runner.addJob(callableJob(QStringLiteral("passes"), flaky(1), 2));
    // Connected first: waitForIdle() may return while the last signals are
    // still being emitted on a worker.
    RunnerEvents events(&runner);
    runner.start();
    QVERIFY(runner.waitForIdle(QDeadlineTimer(5000)));
    QTRY_COMPARE(events.count(RunnerEvents::JobFinished), 2);
    QCOMPARE(runner.snapshot(failing).state, JobState::Failed);
    QCOMPARE(runner.snapshot(failing).attempts, 2);

    QCOMPARE(runner.retry({failing, passing}), 2);
    QVERIFY(runner.waitForIdle(QDeadlineTimer(5000)));
    const JobSnapshot again = runner.snapshot(failing);
    QCOMPARE(again.state, JobState::Failed);
    QCOMPARE(again.attempts, 4);
    QCOMPARE(again.budgetStart, 2);
    QCOMPARE(again.attemptsInBudget(), 2);
    QCOMPARE(runner.snapshot(passing).attempts, 2);
    QTRY_COMPARE(events.count(RunnerEvents::JobFinished), 4); // once each, per run
    QCOMPARE(runner.retryAllFailed(), 1);
    QVERIFY(runner.waitForIdle(QDeadlineTimer(5000)));
    QCOMPARE(runner.snapshot(failing).attempts, 6);
    QCOMPARE(runner.snapshot(passing).attempts, 2);
}

void tst_JobRunner::pauseStopsDispatching()
{
    JobRunner runner;
    runner.setMaxWorkers(1);
    QSemaphore gate;
    std::atomic_int running {0};
    for (int i = 0; i < 3; ++i)
        runner.addJob(callableJob(QStringLiteral("job"), gated(&gate, &running), 1));
    QCOMPARE(runner.isPaused(), true); // a new runner waits for start()
    runner.start();
    QTRY_COMPARE_WITH_TIMEOUT(running.load(), 1, 5000);
    runner.pause();
    RunnerEvents events(&runner);
    gate.release();
    QTRY_COMPARE_WITH_TIMEOUT(count(runner, JobState::Succeeded), 1, 5000);
    QVERIFY(!QTest::qWaitFor([&] { return events.count(RunnerEvents::AttemptStarted) > 0; }, 200));
    QCOMPARE(count(runner, JobState::Queued), 2);
    runner.start();
    gate.release(2);
    QVERIFY(runner.waitForIdle(QDeadlineTimer(5000)));
    QCOMPARE(count(runner, JobState::Succeeded), 3);
}

void tst_JobRunner::workerCountChangesWhileRunning()
{
    JobRunner runner;
    runner.setMaxWorkers(1);
    QSemaphore gate;
    std::atomic_int running {0};
    for (int i = 0; i < 6; ++i)
        runner.addJob(callableJob(QStringLiteral("job"), gated(&gate, &running), 1));
    runner.start();
    QTRY_COMPARE_WITH_TIMEOUT(running.load(), 1, 5000);
    runner.setMaxWorkers(4);
    QCOMPARE(runner.maxWorkers(), 4);
    QTRY_COMPARE_WITH_TIMEOUT(running.load(), 4, 5000);
    QCOMPARE(count(runner, JobState::Running), 4);
    runner.setMaxWorkers(2);
    gate.release(4);
    QTRY_COMPARE_WITH_TIMEOUT(count(runner, JobState::Succeeded), 4, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(running.load(), 2, 5000);
    QCOMPARE(count(runner, JobState::Running), 2);
    gate.release(2);
    QVERIFY(runner.waitForIdle(QDeadlineTimer(5000)));
}

void tst_JobRunner::deadlineReachesTheCallable()
{
    JobRunner runner;
    std::atomic<qint64> remaining {-2};
    JobSpec spec = callableJob(QStringLiteral("deadline"), [&](const AttemptContext &context) {
        remaining = context.deadline.remainingTime();
        return 0;
    });
    spec.timeout = 5s;
    runner.addJob(spec);
    runner.addJob(callableJob(QStringLiteral("no deadline"), [](const AttemptContext &context) {
        return context.deadline.isForever() ? 0 : 1;
    }));
    runner.start();
    QVERIFY(runner.waitForIdle(QDeadlineTimer(5000)));
    QVERIFY(remaining.load() > 4000 && remaining.load() <= 5000);
    QCOMPARE(count(runner, JobState::Succeeded), 2);
}

void tst_JobRunner::terminalSignalsFireOnce()
{
    JobRunner runner;
    runner.setMaxWorkers(4);
    for (int i = 0; i < 50; ++i)
        runner.addJob(callableJob(QStringLiteral("job"), flaky(1 + i % 4), 3));
    RunnerEvents events(&runner);
    runner.start();
    QTRY_COMPARE_WITH_TIMEOUT(events.count(RunnerEvents::Idle), 1, 5000);
    QTRY_COMPARE(events.count(RunnerEvents::JobFinished), 50);
    QSet<JobId> ids;
    for (const auto &event : events.events(RunnerEvents::JobFinished))
        ids.insert(event.id);
    QCOMPARE(ids.size(), 50);
    QCOMPARE(count(runner, JobState::Succeeded), 38); // attempts 1..3 succeed; 4 never does
    QCOMPARE(count(runner, JobState::Failed), 12);
}

void tst_JobRunner::historyIsBounded()
{
    JobRunner runner;
    runner.setHistoryLimit(50);
    const JobId id = runner.addJob(callableJob(QStringLiteral("many"), flaky(120), 0));
    runner.start();
    QVERIFY(runner.waitForIdle(QDeadlineTimer(5000)));
    const JobSnapshot snapshot = runner.snapshot(id, true);
    QCOMPARE(snapshot.attempts, 120);
    QCOMPARE(snapshot.history.size(), 50);
    QCOMPARE(snapshot.history.constFirst().number, 71);
    QCOMPARE(snapshot.history.constLast().number, 120);
    QCOMPARE(runner.totalAttempts(), 120);
}

void tst_JobRunner::feedCoalescesChangesForEveryObserver()
{
    JobRunner runner;
    QList<QList<JobId>> first, second;
    QList<qint64> at;
    QElapsedTimer clock;
    clock.start();
    connect(&runner, &JobRunner::jobsChanged, this, [&](const QList<JobId> &ids) {
        first.append(ids);
        at.append(clock.elapsed());
    });
    connect(&runner, &JobRunner::jobsChanged, this,
            [&](const QList<JobId> &ids) { second.append(ids); });
    QList<JobSpec> specs;
    for (int i = 0; i < 200; ++i)
        specs.append(callableJob(QString::number(i), flaky(3), 3));
    const QList<JobId> ids = runner.addJobs(specs);
    runner.start();
    QVERIFY(runner.waitForIdle(QDeadlineTimer(10'000)));
    QTRY_COMPARE(runner.stateCounts()[JobState::Succeeded], 200);
    QTRY_VERIFY(!first.isEmpty() && first.constLast().contains(ids.constLast()));
    // Two observers, the same changes: neither takes them from the other.
    QCOMPARE(second, first);
    QSet<JobId> seen;
    for (const QList<JobId> &batch : std::as_const(first)) {
        QVERIFY(std::is_sorted(batch.cbegin(), batch.cend()));
        QCOMPARE(QSet<JobId>(batch.cbegin(), batch.cend()).size(), batch.size()); // each once
        seen.unite(QSet<JobId>(batch.cbegin(), batch.cend()));
    }
    QCOMPARE(seen.size(), ids.size());
    // 1,200 state changes, a few batches: at most one every FeedIntervalMs
    // (a coarse timer may fire 5% early).
    for (int i = 1; i < at.size(); ++i)
        QVERIFY2(at[i] - at[i - 1] >= JobRunner::FeedIntervalMs * 9 / 10,
                 qPrintable(QStringLiteral("%1 ms apart").arg(at[i] - at[i - 1])));
}

void tst_JobRunner::feedCoversAddsRemovalsAndPause()
{
    JobRunner runner;
    QSignalSpy jobs(&runner, &JobRunner::jobsChanged);
    QSignalSpy counts(&runner, &JobRunner::countsChanged);
    QSignalSpy paused(&runner, &JobRunner::pausedChanged);
    const QList<JobId> ids = runner.addJobs(
        {callableJob(QStringLiteral("a"), flaky(1)), callableJob(QStringLiteral("b"), flaky(1))});
    QVERIFY(jobs.wait(5000));
    QCOMPARE(jobs.takeFirst().at(0).value<QList<JobId>>(), ids);
    QTRY_COMPARE(counts.size(), 1);
    QCOMPARE(counts.takeFirst().at(0).value<StateCounts>()[JobState::Queued], 2);

    runner.start();
    QVERIFY(paused.wait(5000));
    QCOMPARE(paused.takeFirst().at(0).toBool(), false);
    QVERIFY(runner.waitForIdle(QDeadlineTimer(5000)));
    QTRY_VERIFY(!counts.isEmpty()
                && counts.constLast().at(0).value<StateCounts>()[JobState::Succeeded] == 2);
    QCOMPARE(counts.constLast().at(1).toInt(), 2); // attempts

    runner.pause();
    QVERIFY(paused.wait(5000));
    QCOMPARE(paused.takeFirst().at(0).toBool(), true);

    jobs.clear();
    QCOMPARE(runner.removeFinishedJobs({ids[0]}), 1);
    QVERIFY(jobs.wait(5000));
    QCOMPARE(jobs.takeFirst().at(0).value<QList<JobId>>(), QList<JobId> {ids[0]});
    QVERIFY(!runner.snapshot(ids[0]).isValid());
    QTRY_COMPARE(counts.constLast().at(0).value<StateCounts>().total(), 1);
}

void tst_JobRunner::feedReportsTheStartOfAnAttempt()
{
    auto owned = std::make_unique<FakeExecutor>();
    FakeExecutor *executor = owned.get();
    JobRunner runner(std::move(owned));
    // A failed check must not leave the runner waiting for its attempt.
    const auto finishLeftovers = qScopeGuard([&] { executor->cancelAll(); });
    const JobId id = runner.addJob(callableJob(QStringLiteral("slow to start"), flaky(1)));
    runner.start();
    QVERIFY(executor->isInFlight(id));
    QSignalSpy jobs(&runner, &JobRunner::jobsChanged);
    runner.flushChanges(); // Running, handed over, not begun
    QCOMPARE(jobs.size(), 1);
    QCOMPARE(runner.snapshot(id).runningSinceUs, 0);

    // The worker begins it without the runner's lock; the feed must say so,
    // or Started and Duration stay blank in every view.
    const qint64 startedUs = nowUs();
    executor->begin(id, startedUs);
    QVERIFY(jobs.wait(5000));
    QCOMPARE(jobs.constLast().at(0).value<QList<JobId>>(), QList<JobId> {id});
    QCOMPARE(runner.snapshot(id).runningSinceUs, startedUs);
    QCOMPARE(runner.snapshot(id).firstStartedUs, startedUs);
    executor->finish(id, AttemptOutcome::Succeeded);
}

void tst_JobRunner::observersNeverDelayARetry()
{
    auto owned = std::make_unique<FakeExecutor>();
    FakeExecutor *executor = owned.get();
    JobRunner runner(std::move(owned));
    const auto finishLeftovers = qScopeGuard([&] { executor->cancelAll(); });
    QSemaphore entered, release;
    connect(
        &runner, &JobRunner::attemptFinished, this,
        [&](JobId, const AttemptRecord &) {
            entered.release();
            release.tryAcquire(1, 10'000); // a joblog on a disk that hangs
        },
        Qt::DirectConnection);
    const JobId id = runner.addJob(callableJob(QStringLiteral("flaky"), flaky(2), 3));
    runner.start();
    executor->finish(id, AttemptOutcome::ExitCode, 1); // returns while the observer hangs
    QVERIFY(entered.tryAcquire(1, 5000));
    // The retry was handed over and can end while the observer still hangs.
    QVERIFY(executor->isInFlight(id));
    executor->finish(id, AttemptOutcome::Succeeded);
    QCOMPARE(runner.snapshot(id).state, JobState::Succeeded);
    QCOMPARE(runner.snapshot(id).attempts, 2);
    release.release(2);
    QVERIFY(entered.tryAcquire(1, 5000)); // the second attempt's event, in order, later
}

void tst_JobRunner::removeFinishedJobsKeepsActiveOnes()
{
    JobRunner runner;
    QSemaphore gate;
    const JobId done = runner.addJob(callableJob(QStringLiteral("done"), flaky(1), 1));
    runner.start();
    QTRY_COMPARE_WITH_TIMEOUT(runner.snapshot(done).state, JobState::Succeeded, 5000);
    const JobId active = runner.addJob(callableJob(QStringLiteral("active"), gated(&gate), 1));
    QCOMPARE(runner.removeFinishedJobs({done, active}), 1);
    QCOMPARE(runner.jobIds(), QList<JobId> {active});
    QVERIFY(!runner.snapshot(done).isValid());
    QCOMPARE(runner.jobCount(), 1);
    gate.release();
    QVERIFY(runner.waitForIdle(QDeadlineTimer(5000)));
}

void tst_JobRunner::resumedJobContinuesItsNumbering()
{
    JobRunner runner;
    JobSpec spec = callableJob(QStringLiteral("resumed"), flaky(6), 3);
    spec.attemptsBefore = 3; // made by an earlier run
    const JobId id = runner.addJob(spec);
    runner.start();
    QVERIFY(runner.waitForIdle(QDeadlineTimer(5000)));
    const JobSnapshot done = runner.snapshot(id, true);
    QCOMPARE(done.state, JobState::Succeeded); // a full budget: attempts 4, 5, 6
    QCOMPARE(done.attempts, 6);
    QCOMPARE(done.history.constFirst().number, 4);
    QCOMPARE(done.attemptsInBudget(), 3);
}

namespace {

RecordedJob recorded(int seq, JobState state, int attempts, const QList<AttemptOutcome> &ended)
{
    RecordedJob job;
    job.spec = callableJob(QStringLiteral("job %1").arg(seq), flaky(1), 2);
    job.spec.seq = seq;
    job.state = state;
    job.attempts = attempts;
    for (int i = 0; i < ended.size(); ++i) {
        AttemptRecord record;
        record.number = i + 1;
        record.startedUs = 1000 * (i + 1);
        record.finishedUs = record.startedUs + 500;
        record.outcome = ended[i];
        record.exitCode = ended[i] == AttemptOutcome::Succeeded ? 0 : 1;
        job.history.append(record);
    }
    job.firstStartedUs = ended.isEmpty() ? 0 : 1000;
    job.finishedUs = isTerminal(state) ? 9000 : 0;
    return job;
}

} // namespace

// A crashed run shown again: finished jobs keep their history and stay as
// they were; the one the crash left running is queued and goes on with the
// next attempt number; a retry of a failed one does too.
void tst_JobRunner::recordedJobsGoOnWhereTheRunStopped()
{
    JobRunner runner;
    QList<RecordedJob> jobs {
        recorded(1, JobState::Succeeded, 1, {AttemptOutcome::Succeeded}),
        recorded(2, JobState::Failed, 2, {AttemptOutcome::ExitCode, AttemptOutcome::ExitCode}),
        recorded(3, JobState::Running, 2, {AttemptOutcome::ExitCode}),
    };
    jobs[2].runningSinceUs = 5000;
    const QList<JobId> ids
        = runner.addRecordedJobs(std::move(jobs), JobRunner::Recorded::Resumable);
    QCOMPARE(ids.size(), 3);
    QCOMPARE(runner.totalAttempts(), 5);
    QCOMPARE(runner.stateCounts()[int(JobState::Queued)], 1);
    const JobSnapshot failed = runner.snapshot(ids[1], true);
    QCOMPARE(failed.state, JobState::Failed);
    QCOMPARE(failed.history.size(), 2);
    QCOMPARE(failed.finishedUs, 9000);
    QCOMPARE(failed.ranUs, 1000);
    QCOMPARE(failed.attemptsInBudget(), 2);
    QVERIFY(runner.isPaused()); // nothing ran yet

    QCOMPARE(runner.retry(ids[1]), true);
    runner.start();
    QVERIFY(runner.waitForIdle(QDeadlineTimer(5000)));
    QCOMPARE(runner.snapshot(ids[0]).attempts, 1); // not run again
    const JobSnapshot crashed = runner.snapshot(ids[2], true);
    QCOMPARE(crashed.state, JobState::Succeeded);
    QCOMPARE(crashed.lastAttempt.number, 3);
    QCOMPARE(runner.snapshot(ids[1]).lastAttempt.number, 3);
}

// `requeue resume`: the attempt a killed process left in a cluster is
// handed out again with its own number, before the queued jobs, and the
// budget counts it once; a job whose next attempt is not in a cluster goes on
// as usual, and an executor that cannot adopt changes nothing.
void tst_JobRunner::adoptedAttemptsGoOnFirst()
{
    auto owned = std::make_unique<FakeExecutor>();
    FakeExecutor *executor = owned.get();
    JobRunner runner(std::move(owned));
    runner.setMaxWorkers(1);
    const auto finishLeftovers = qScopeGuard([&] { executor->cancelAll(); });
    QList<JobSpec> specs;
    for (int seq = 1; seq <= 3; ++seq) {
        specs.append(callableJob(QStringLiteral("job %1").arg(seq), flaky(1), 3));
        specs.last().seq = seq;
        specs.last().attemptsBefore = 2;
    }
    const QList<JobId> ids = runner.addJobs(specs);
    const QList<AdoptedAttempt> inCluster {{1, 3, QString(), 0}, {2, 2, QStringLiteral("101"), 0}};
    QCOMPARE(runner.adopt(inCluster), QList<JobId>());
    QCOMPARE(runner.snapshot(ids[1]).attempts, 2);

    executor->setAdopts(true);
    QCOMPARE(runner.adopt(inCluster), QList<JobId> {ids[1]});
    QCOMPARE(executor->takeLog().join(u'|'), QStringLiteral("adopt 1#3|adopt 2#2"));
    QCOMPARE(runner.snapshot(ids[1]).attempts, 1);
    QCOMPARE(runner.snapshot(ids[0]).attempts, 2);
    runner.start();
    QCOMPARE(executor->takeLog(1, QDeadlineTimer(5000)).join(u'|'), QStringLiteral("execute 2#2"));
    executor->finish(ids[1], AttemptOutcome::ExitCode, 1);
    QCOMPARE(executor->takeLog(1, QDeadlineTimer(5000)).join(u'|'), QStringLiteral("execute 2#3"));
    QCOMPARE(runner.snapshot(ids[1]).attemptsInBudget(), 2); // the adopted one, and this
    executor->finish(ids[1], AttemptOutcome::Succeeded);
    QCOMPARE(executor->takeLog(1, QDeadlineTimer(5000)).join(u'|'), QStringLiteral("execute 1#3"));
    executor->finish(ids[0], AttemptOutcome::Succeeded);
    QCOMPARE(executor->takeLog(1, QDeadlineTimer(5000)).join(u'|'), QStringLiteral("execute 3#3"));
}

// The window's Resume of a crashed run: the recorded attempt in the cluster
// is not counted a second time when it is followed.
void tst_JobRunner::adoptedRecordedAttemptIsCountedOnce()
{
    auto owned = std::make_unique<FakeExecutor>();
    FakeExecutor *executor = owned.get();
    executor->setAdopts(true);
    JobRunner runner(std::move(owned));
    const auto finishLeftovers = qScopeGuard([&] { executor->cancelAll(); });
    const QList<JobId> ids
        = runner.addRecordedJobs({recorded(1, JobState::Running, 2, {AttemptOutcome::ExitCode}),
                                  recorded(2, JobState::Failed, 1, {AttemptOutcome::ExitCode})},
                                 JobRunner::Recorded::Resumable);
    QCOMPARE(runner.totalAttempts(), 3);
    QCOMPARE(runner.adopt({{1, 2, QStringLiteral("7"), 0}, {2, 2, QString(), 0}}),
             QList<JobId> {ids[0]});
    QCOMPARE(runner.totalAttempts(), 2);
    runner.start();
    QCOMPARE(executor->takeLog(3, QDeadlineTimer(5000)).join(u'|'),
             QStringLiteral("adopt 1#2|adopt 2#2|execute 1#2"));
    QCOMPARE(runner.totalAttempts(), 3);
    executor->finish(ids[0], AttemptOutcome::Succeeded);
    const JobSnapshot done = runner.snapshot(ids[0], true);
    QCOMPARE(done.state, JobState::Succeeded);
    QCOMPARE(done.attempts, 2);
    QCOMPARE(done.lastAttempt.number, 2);
    QCOMPARE(done.history.size(), 2);
    QCOMPARE(runner.snapshot(ids[1]).state, JobState::Failed); // not retried by adopting
}

// Another process runs the jobs: this runner shows what the record says,
// follows it, and never runs, cancels or retries them itself.
void tst_JobRunner::mirroredJobsFollowTheirRecord()
{
    auto owned = std::make_unique<FakeExecutor>();
    FakeExecutor *executor = owned.get();
    JobRunner runner(std::move(owned));
    RecordedJob running = recorded(1, JobState::Running, 1, {});
    running.runningSinceUs = 4000;
    running.spec.callable = {}; // a command: it has output
    running.spec.process.shellCommand = QStringLiteral("true");
    running.outputFolder = QStringLiteral("/runs/r/out/1");
    const JobId id = runner.addRecordedJobs({running}, JobRunner::Recorded::Mirrored).value(0);
    runner.start();
    QCOMPARE(runner.snapshot(id).runningSinceUs, 4000);
    QCOMPARE(runner.outputPath(id, 1, OutputStream::Stderr),
             QStringLiteral("/runs/r/out/1/1/stderr"));
    QVERIFY(!runner.cancel(id));
    QVERIFY(!runner.isIdle());

    QVERIFY(runner.updateRecordedJob(
        id, recorded(1, JobState::Succeeded, 1, {AttemptOutcome::Succeeded})));
    const JobSnapshot done = runner.snapshot(id, true);
    QCOMPARE(done.state, JobState::Succeeded);
    QCOMPARE(done.history.size(), 1);
    QCOMPARE(done.runningSinceUs, 0);
    QVERIFY(!runner.retry(id));
    QVERIFY(runner.isIdle());
    QCOMPARE(executor->takeLog(), QStringList());
    runner.pause(); // the fake executor would hold the next job forever
    QVERIFY(!runner.updateRecordedJob(runner.addJob(callableJob(QStringLiteral("own"), flaky(1))),
                                      RecordedJob()));
}

void tst_JobRunner::executorIsReplacedOnlyWhenNothingRuns()
{
    JobRunner runner;
    QSemaphore gate;
    const JobId first = runner.addJob(callableJob(QStringLiteral("a"), gated(&gate)));
    runner.start();
    QTRY_COMPARE(runner.snapshot(first).state, JobState::Running);
    QVERIFY(!runner.setExecutor(std::make_unique<LocalExecutor>())); // an attempt is in flight
    gate.release();
    QVERIFY(runner.waitForIdle(QDeadlineTimer(10'000)));
    QTRY_VERIFY(runner.setExecutor(std::make_unique<LocalExecutor>()));
    const JobId second = runner.addJob(callableJob(QStringLiteral("b"), flaky(2)));
    QVERIFY(runner.waitForIdle(QDeadlineTimer(10'000)));
    QCOMPARE(runner.snapshot(second).state, JobState::Succeeded);
    QCOMPARE(runner.snapshot(second).attempts, 2);
}

// A fence comes after every event of the changes made before it, however
// far behind a direct observer is: a journal can end once it is heard.
void tst_JobRunner::afterEventsWaitsForSlowObservers()
{
    JobRunner runner;
    runner.setMaxWorkers(2);
    QSemaphore observerGoesOn;
    std::atomic_int heard {0};
    connect(
        &runner, &JobRunner::jobFinished, &runner,
        [&](JobId) {
            if (heard.fetch_add(1) == 0)
                observerGoesOn.tryAcquire(1, 20'000); // the first holds up the emitter
        },
        Qt::DirectConnection);
    for (int i = 0; i < 3; ++i)
        runner.addJob(callableJob(QStringLiteral("j%1").arg(i), flaky(1), 1));
    runner.start();
    QVERIFY(runner.waitForIdle(QDeadlineTimer(20'000)));
    bool fenced = false;
    int heardAtFence = -1;
    QObject context;
    runner.afterEvents(&context, [&] {
        fenced = true;
        heardAtFence = heard.load();
    });
    // Bounded: the fence must not pass while the observer is held up.
    QVERIFY(!QTest::qWaitFor([&] { return fenced; }, 100));
    observerGoesOn.release();
    QTRY_VERIFY_WITH_TIMEOUT(fenced, 20'000);
    QCOMPARE(heardAtFence, 3);

    // Not once the context has gone.
    bool called = false;
    {
        QObject gone;
        runner.afterEvents(&gone, [&] { called = true; });
    }
    bool after = false;
    runner.afterEvents(&context, [&] { after = true; });
    QTRY_VERIFY(after);
    QVERIFY(!called);
}

QTEST_GUILESS_MAIN(tst_JobRunner)
#include "tst_jobrunner.moc"
