// requeue::run() and requeue::mapped(): results of every kind, exceptions of
// their own type, cancel in each state of a job, continuations, and a large
// map with random failures.
#include "future.h"

#include <QFutureWatcher>
#include <QRandomGenerator>
#include <QSemaphore>
#include <QTest>
#include <QThread>

#include <atomic>
#include <memory>
#include <stdexcept>
#include <vector>

using namespace requeue;
using namespace std::chrono_literals;

namespace {

struct DownloadError : std::runtime_error
{
    DownloadError(int code)
        : std::runtime_error("download failed")
        , code(code)
    { }
    int code;
};

RetryPolicy attempts(int maxAttempts)
{
    RetryPolicy policy;
    policy.maxAttempts = maxAttempts;
    return policy;
}

JobState stateOf(const JobRunner &runner, JobId id)
{
    return runner.snapshot(id).state;
}

JobId lastJob(const JobRunner &runner)
{
    return runner.jobIds().constLast();
}

// Waits without an event loop: a continuation releases `done`.
bool acquired(QSemaphore &done, int n = 1)
{
    return done.tryAcquire(n, 20'000);
}

// Runs until cancelled (bounded); tells `started` once running.
auto untilCancelled(QSemaphore *started)
{
    return [started](const AttemptContext &context) {
        started->release();
        QSemaphore never;
        for (int i = 0; i < 4000 && !context.isCancelled(); ++i)
            never.tryAcquire(1, 5);
        if (context.isCancelled())
            throw std::runtime_error("stopped");
        return 1;
    };
}

} // namespace

class tst_Future : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void valueOfTheAttemptThatSucceeded();
    void voidResult();
    void moveOnlyResult();
    void callableWithoutContext();
    void lastExceptionKeepsItsType();
    void nonStandardException();
    void cancelQueued();
    void cancelWaitingForRetry();
    void cancelRunning();
    void cancelInRunnerCancelsFuture();
    void cancelWithoutEventLoop();
    void runnerDestroyedCancelsFutures();
    void continuationsInOrder();
    void continuationAfterJobEnded();
    void onFailedAndOnCanceled();
    void continuationWithContext();
    void mappedInOrderWithProgress();
    void mappedMoveOnly();
    void mappedEmpty();
    void mappedFailureCancelsTheRest();
    void mappedCancel();
    void mappedTenThousandWithRandomFailures();
};

void tst_Future::valueOfTheAttemptThatSucceeded()
{
    JobRunner runner;
    runner.start();
    QFuture<int> future = requeue::run(&runner, attempts(5), [](const AttemptContext &context) {
        if (context.attempt < 3)
            throw std::runtime_error("flaky");
        return context.attempt * 10;
    });
    future.waitForFinished();
    QCOMPARE(future.result(), 30);
    QVERIFY(!future.isCanceled());
    QCOMPARE(runner.snapshot(lastJob(runner)).attempts, 3);
    QCOMPARE(stateOf(runner, lastJob(runner)), JobState::Succeeded);
}

void tst_Future::voidResult()
{
    JobRunner runner;
    runner.start();
    std::atomic_int calls {0};
    QFuture<void> future = requeue::run(&runner, attempts(3), [&calls] {
        if (++calls == 1)
            throw std::runtime_error("once");
    });
    future.waitForFinished();
    QVERIFY(!future.isCanceled());
    QCOMPARE(calls.load(), 2);
}

void tst_Future::moveOnlyResult()
{
    JobRunner runner;
    runner.start();
    auto payload = std::make_unique<int>(7); // a move-only callable too
    QFuture<std::unique_ptr<int>> future = requeue::run(
        &runner, attempts(3), [payload = std::move(payload)](const AttemptContext &context) {
            if (context.attempt == 1)
                throw std::runtime_error("flaky");
            return std::make_unique<int>(*payload * context.attempt);
        });
    QSemaphore done;
    int seen = 0;
    auto next = future.then([&](QFuture<std::unique_ptr<int>> f) {
        seen = *f.takeResult();
        done.release();
    });
    QVERIFY(acquired(done));
    QCOMPARE(seen, 14);
}

void tst_Future::callableWithoutContext()
{
    JobRunner runner;
    runner.start();
    QCOMPARE(requeue::run(&runner, attempts(1), [] { return QStringLiteral("ok"); }).result(),
             QStringLiteral("ok"));
}

void tst_Future::lastExceptionKeepsItsType()
{
    JobRunner runner;
    runner.start();
    QFuture<int> future = requeue::run(&runner, attempts(3), [](const AttemptContext &context) {
        throw DownloadError(context.attempt);
        return 0;
    });
    int code = 0;
    try {
        future.waitForFinished();
    } catch (const DownloadError &e) {
        code = e.code;
    }
    QCOMPARE(code, 3); // the last attempt's exception
    QCOMPARE(stateOf(runner, lastJob(runner)), JobState::Failed);
    QCOMPARE(runner.snapshot(lastJob(runner)).lastAttempt.outcome, AttemptOutcome::Exception);
    QCOMPARE(runner.snapshot(lastJob(runner)).lastAttempt.message,
             QStringLiteral("download failed"));
}

void tst_Future::nonStandardException()
{
    JobRunner runner;
    runner.start();
    QFuture<void> future = requeue::run(&runner, attempts(2), [] { throw 42; });
    QVERIFY_THROWS_EXCEPTION(int, future.waitForFinished());
}

void tst_Future::cancelQueued()
{
    JobRunner runner; // paused: the job stays queued
    std::atomic_int calls {0};
    QFuture<int> future = requeue::run(&runner, attempts(3), [&calls] { return ++calls; });
    const JobId id = lastJob(runner);
    QCOMPARE(stateOf(runner, id), JobState::Queued);
    future.cancel();
    QTRY_COMPARE(stateOf(runner, id), JobState::Cancelled);
    QTRY_VERIFY(future.isFinished());
    QVERIFY(future.isCanceled());
    runner.start();
    QVERIFY(runner.waitForIdle(QDeadlineTimer(20s)));
    QCOMPARE(calls.load(), 0);
}

void tst_Future::cancelWaitingForRetry()
{
    JobRunner runner;
    runner.start();
    RetryPolicy policy = attempts(3);
    policy.backoff = RetryPolicy::Backoff::Fixed;
    policy.initialDelay = 1h;
    QFuture<int> future
        = requeue::run(&runner, policy, []() -> int { throw std::runtime_error("fails"); });
    const JobId id = lastJob(runner);
    QTRY_COMPARE(stateOf(runner, id), JobState::WaitingForRetry);
    future.cancel();
    QTRY_COMPARE(stateOf(runner, id), JobState::Cancelled);
    QTRY_VERIFY(future.isFinished());
    QVERIFY(future.isCanceled());
    QCOMPARE(runner.snapshot(id).attempts, 1);
}

void tst_Future::cancelRunning()
{
    JobRunner runner;
    runner.start();
    QSemaphore started;
    QFuture<int> future = requeue::run(&runner, attempts(0), untilCancelled(&started));
    QVERIFY(started.tryAcquire(1, 20'000));
    const JobId id = lastJob(runner);
    future.cancel();
    QTRY_COMPARE(stateOf(runner, id), JobState::Cancelled);
    QTRY_VERIFY(future.isFinished());
    QVERIFY(future.isCanceled());
    QCOMPARE(runner.snapshot(id).attempts, 1); // never retried behind the user's back
}

void tst_Future::cancelInRunnerCancelsFuture()
{
    JobRunner runner;
    runner.start();
    QSemaphore started;
    QFuture<int> future = requeue::run(&runner, attempts(0), untilCancelled(&started));
    QVERIFY(started.tryAcquire(1, 20'000));
    runner.cancel(lastJob(runner)); // as a view's Cancel button does
    QTRY_VERIFY(future.isFinished());
    QVERIFY(future.isCanceled());
}

void tst_Future::cancelWithoutEventLoop()
{
    // This thread never spins an event loop here: the runner's relay thread
    // carries the cancel.
    JobRunner runner;
    runner.start();
    QSemaphore started;
    QSemaphore done;
    QFuture<int> future = requeue::run(&runner, attempts(0), untilCancelled(&started));
    auto next = future.onCanceled([&done] {
        done.release();
        return -1;
    });
    QVERIFY(started.tryAcquire(1, 20'000));
    future.cancel();
    QVERIFY(acquired(done));
    QCOMPARE(stateOf(runner, lastJob(runner)), JobState::Cancelled);
}

void tst_Future::runnerDestroyedCancelsFutures()
{
    auto runner = std::make_unique<JobRunner>(); // paused
    QFuture<int> queued = requeue::run(runner.get(), attempts(1), [] { return 1; });
    runner.reset();
    QVERIFY(queued.isFinished());
    QVERIFY(queued.isCanceled());
}

void tst_Future::continuationsInOrder()
{
    JobRunner runner;
    runner.start();
    QStringList log;
    QMutex mutex;
    auto note = [&](const QString &what) {
        QMutexLocker locker(&mutex);
        log.append(what);
    };
    QSemaphore done;
    requeue::run(&runner, attempts(2),
                 [&](const AttemptContext &context) {
                     note(QStringLiteral("attempt %1").arg(context.attempt));
                     if (context.attempt == 1)
                         throw std::runtime_error("flaky");
                     return 1;
                 })
        .then([&](int v) {
            note(QStringLiteral("then %1").arg(v));
            return v + 1;
        })
        .then([&](int v) {
            note(QStringLiteral("then %1").arg(v));
            done.release();
        });
    QVERIFY(acquired(done));
    QMutexLocker locker(&mutex);
    QCOMPARE(log,
             (QStringList {QStringLiteral("attempt 1"), QStringLiteral("attempt 2"),
                           QStringLiteral("then 1"), QStringLiteral("then 2")}));
}

void tst_Future::continuationAfterJobEnded()
{
    JobRunner runner;
    runner.start();
    QSemaphore done;
    std::atomic<JobState> seen {JobState::Queued};
    QFuture<int> future = requeue::run(&runner, attempts(1), [] { return 5; });
    const JobId id = lastJob(runner);
    auto next = future.then([&](int) {
        seen = stateOf(runner, id);
        done.release();
    });
    QVERIFY(acquired(done));
    QCOMPARE(seen.load(), JobState::Succeeded);
    // Attached after the end: runs at once.
    auto late = future.then([&](int v) { return v * 2; });
    QCOMPARE(late.result(), 10);
}

void tst_Future::onFailedAndOnCanceled()
{
    JobRunner runner;
    QFuture<int> failed
        = requeue::run(&runner, attempts(2), []() -> int { throw DownloadError(404); });
    QFuture<int> recovered = failed.then([](int v) { return v; })
                                 .onFailed([](const std::logic_error &) { return -2; })
                                 .onFailed([](const DownloadError &e) { return e.code; });
    QFuture<int> cancelled = requeue::run(&runner, attempts(2), [] { return 1; });
    QFuture<int> afterCancel
        = cancelled.then([](int v) { return v; }).onCanceled([] { return -1; });
    cancelled.cancel();
    QTRY_VERIFY(cancelled.isFinished()); // before start(): it never ran
    runner.start();
    QCOMPARE(recovered.result(), 404);
    QCOMPARE(afterCancel.result(), -1);
}

void tst_Future::continuationWithContext()
{
    JobRunner runner;
    runner.start();
    QObject receiver;
    QThread *where = nullptr;
    requeue::run(&runner, attempts(1), [] { return 1; }).then(&receiver, [&where](int) {
        where = QThread::currentThread();
    });
    QTRY_VERIFY(where);
    QCOMPARE(where, QThread::currentThread());
}

void tst_Future::mappedInOrderWithProgress()
{
    JobRunner runner;
    runner.setMaxWorkers(4);
    runner.start();
    const QList<int> input {5, 1, 4, 2, 3, 9, 0};
    QFuture<int> future
        = requeue::mapped(&runner, attempts(3), input, [](int x, const AttemptContext &context) {
              if (x % 2 && context.attempt == 1)
                  throw std::runtime_error("odd ones fail once");
              return x * x;
          });
    QCOMPARE(future.results(), (QList<int> {25, 1, 16, 4, 9, 81, 0}));
    QCOMPARE(future.progressMinimum(), 0);
    QCOMPARE(future.progressMaximum(), 7);
    QCOMPARE(future.progressValue(), 7);
    QCOMPARE(runner.jobCount(), 7);
    QCOMPARE(runner.totalAttempts(), 7 + 4);
    QCOMPARE(runner.snapshot(runner.jobIds().constFirst()).name, QStringLiteral("mapped [0]"));
}

void tst_Future::mappedMoveOnly()
{
    JobRunner runner;
    runner.start();
    std::vector<int> input {1, 2, 3};
    QFuture<std::unique_ptr<int>> future = requeue::mapped(
        &runner, attempts(1), input, [](int x) { return std::make_unique<int>(x + 1); });
    future.waitForFinished();
    QCOMPARE(future.resultCount(), 3);
    // Qt 6.4 has no takeResults(): move-only results are read in place.
    QList<int> values;
    for (const std::unique_ptr<int> &value : future)
        values.append(*value);
    QCOMPARE(values, (QList<int> {2, 3, 4}));
}

void tst_Future::mappedEmpty()
{
    JobRunner runner;
    QFuture<int> future
        = requeue::mapped(&runner, attempts(1), QList<int> {}, [](int x) { return x; });
    QVERIFY(future.isFinished());
    QCOMPARE(future.resultCount(), 0);
    QCOMPARE(runner.jobCount(), 0);
}

void tst_Future::mappedFailureCancelsTheRest()
{
    JobRunner runner;
    runner.setMaxWorkers(1);
    QList<int> input;
    for (int i = 0; i < 50; ++i)
        input.append(i);
    QFuture<int> future = requeue::mapped(&runner, attempts(2), input, [](int x) {
        if (x == 0)
            throw DownloadError(x);
        return x;
    });
    runner.start();
    QVERIFY_THROWS_EXCEPTION(DownloadError, future.waitForFinished());
    QVERIFY(future.isCanceled());
    QTRY_VERIFY(runner.isIdle());
    const StateCounts counts = runner.stateCounts();
    QCOMPARE(counts[int(JobState::Failed)], 1);
    QCOMPARE(counts[int(JobState::Failed)] + counts[int(JobState::Succeeded)]
                 + counts[int(JobState::Cancelled)],
             50);
}

void tst_Future::mappedCancel()
{
    JobRunner runner; // paused: every element is queued
    QFuture<int> future
        = requeue::mapped(&runner, attempts(1), QList<int> {1, 2, 3}, [](int x) { return x; });
    QFutureWatcher<int> watcher;
    watcher.setFuture(future);
    future.cancel();
    QTRY_COMPARE(runner.stateCounts()[int(JobState::Cancelled)], 3);
    QTRY_VERIFY(watcher.isFinished());
    QVERIFY(future.isCanceled());
    QCOMPARE(future.progressValue(), 0); // nothing counts after a cancel
}

void tst_Future::mappedTenThousandWithRandomFailures()
{
    constexpr int count = 10'000;
    JobRunner runner;
    runner.setMaxWorkers(4);
    runner.start();
    std::vector<int> input(count);
    for (int i = 0; i < count; ++i)
        input[size_t(i)] = i;
    auto successes = std::make_unique<std::atomic_int[]>(count);
    std::atomic_int failures {0};
    QFuture<qint64> future = requeue::mapped(&runner, attempts(0), input, [&](int x) {
        if (QRandomGenerator::global()->bounded(3) == 0) {
            ++failures;
            throw std::runtime_error("random");
        }
        ++successes[size_t(x)];
        return qint64(x) * 3;
    });
    QFutureWatcher<qint64> watcher;
    int shownProgress = -1; // what a progress bar would show
    connect(&watcher, &QFutureWatcherBase::progressValueChanged, this,
            [&shownProgress](int value) { shownProgress = value; });
    watcher.setFuture(future);
    const QList<qint64> results = future.results();
    QCOMPARE(results.size(), count);
    for (int i = 0; i < count; ++i) {
        QCOMPARE(results.at(i), qint64(i) * 3);
        QCOMPARE(successes[size_t(i)].load(), 1);
    }
    QVERIFY(!future.isCanceled());
    QCOMPARE(future.progressValue(), count);
    QVERIFY(failures.load() > 0);
    QCOMPARE(runner.totalAttempts(), count + failures.load());
    QCOMPARE(runner.stateCounts()[int(JobState::Succeeded)], count);
    QTRY_COMPARE(shownProgress, count);
}

QTEST_GUILESS_MAIN(tst_Future)
#include "tst_future.moc"
