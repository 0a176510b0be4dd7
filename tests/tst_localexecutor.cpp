// LocalExecutor without a runner: what it reports to its sink for callables
// and processes, cancels, its concurrency bound, and waitForDone().
#include "localexecutor.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QSemaphore>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <stdexcept>

using namespace requeue;
using namespace std::chrono_literals;

namespace {

// What the executor reported. Thread-safe: workers report.
class RecordingSink final : public AttemptSink
{
public:
    struct Report
    {
        qint64 startedUs = 0; // from attemptStarted
        qint64 pid = 0;       // from attemptSpawned
        QThread *thread = nullptr;
        int finishedCalls = 0;
        AttemptRecord record;
    };

    void attemptStarted(const AttemptTicket &ticket, qint64 startedUs) override
    {
        std::lock_guard lock(m_mutex);
        m_reports[ticket.jobId].startedUs = startedUs;
        m_reports[ticket.jobId].thread = QThread::currentThread();
        ++m_started;
        m_changed.notify_all();
    }
    void attemptSpawned(const AttemptTicket &ticket, qint64 pid) override
    {
        std::lock_guard lock(m_mutex);
        m_reports[ticket.jobId].pid = pid;
    }
    void attemptFinished(const AttemptTicket &ticket, const AttemptRecord &record) override
    {
        // All under the lock, the handler included: the test, which reads
        // under it, then sees everything the worker did (Qt's pool hands
        // over through futexes ThreadSanitizer cannot see).
        std::lock_guard lock(m_mutex);
        Report &report = m_reports[ticket.jobId];
        ++report.finishedCalls;
        report.record = record;
        if (m_onFinished)
            m_onFinished(ticket); // what a runner does: hand out the next attempt
        ++m_finished;
        m_changed.notify_all();
    }
    // Set before the first execute(). Must not call into the sink.
    void setOnFinished(std::function<void(const AttemptTicket &)> onFinished)
    {
        m_onFinished = std::move(onFinished);
    }

    bool waitForStarted(int count) { return waitFor(m_started, count); }
    bool waitForFinished(int count) { return waitFor(m_finished, count); }
    int finished() const
    {
        std::lock_guard lock(m_mutex);
        return m_finished;
    }
    Report report(JobId id) const
    {
        std::lock_guard lock(m_mutex);
        const auto it = m_reports.find(id);
        return it == m_reports.end() ? Report() : it->second;
    }

private:
    bool waitFor(const int &counter, int count)
    {
        std::unique_lock lock(m_mutex);
        return m_changed.wait_for(lock, 10s, [&] { return counter >= count; });
    }

    std::function<void(const AttemptTicket &)> m_onFinished;
    mutable std::mutex m_mutex;
    std::condition_variable m_changed;
    std::map<JobId, Report> m_reports; // guarded by m_mutex
    int m_started = 0;                 // guarded by m_mutex
    int m_finished = 0;                // guarded by m_mutex
};

AttemptTicket ticketFor(JobId id, JobSpec spec, int attempt = 1)
{
    AttemptTicket ticket;
    ticket.jobId = id;
    ticket.attempt = attempt;
    ticket.maxAttempts = spec.retry.maxAttempts;
    ticket.spec = std::make_shared<const JobSpec>(std::move(spec));
    ticket.control = std::make_shared<AttemptControl>();
    return ticket;
}

AttemptTicket callableTicket(JobId id, JobCallable callable, int attempt = 1)
{
    JobSpec spec;
    spec.callable = std::move(callable);
    return ticketFor(id, std::move(spec), attempt);
}

// Blocks until `gate` is released or the attempt is cancelled (bounded).
JobCallable gated(QSemaphore *gate, std::atomic_int *running = nullptr,
                  std::atomic_int *mostAtOnce = nullptr)
{
    return [=](const AttemptContext &context) {
        if (running) {
            const int now = ++*running;
            int most = mostAtOnce->load();
            while (now > most && !mostAtOnce->compare_exchange_weak(most, now)) { }
        }
        const QDeadlineTimer limit(20'000);
        while (!context.isCancelled() && !gate->tryAcquire(1, 5) && !limit.hasExpired()) { }
        if (running)
            --*running;
        return context.isCancelled() ? 1 : 0;
    };
}

} // namespace

class tst_LocalExecutor : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void reportsACallableOnce();
    void exitCodeOfACallable();
    void exceptionIsAFailedAttempt();
    void cancelledBeforeItStartsNeverRuns();
    void cancelReachesARunningCallable();
    void concurrencyIsBounded();
    void concurrencyIsAtLeastOne();
    void waitForDoneWaitsForTheReport();
    void reportingWorkerRunsTheNextAttempt();
    void busyReporterLeavesTheNextAttemptToThePool();
    void runsAProcessIntoItsFiles();
    void destructorWaitsForAttempts();
};

void tst_LocalExecutor::reportsACallableOnce()
{
    RecordingSink sink;
    LocalExecutor executor;
    executor.setSink(&sink);
    std::atomic_int seenAttempt {0};
    const qint64 before = nowUs();
    executor.execute(callableTicket(
        4,
        [&](const AttemptContext &context) {
            seenAttempt = context.attempt;
            return 0;
        },
        2));
    QVERIFY(executor.waitForDone(QDeadlineTimer(10'000)));
    const RecordingSink::Report report = sink.report(4);
    QCOMPARE(report.finishedCalls, 1);
    QCOMPARE(seenAttempt.load(), 2);
    QCOMPARE(report.record.outcome, AttemptOutcome::Succeeded);
    QCOMPARE(report.record.number, 2);
    QCOMPARE(report.record.exitCode, 0);
    QCOMPARE(report.record.startedUs, report.startedUs); // one start, told twice
    QVERIFY(report.startedUs >= before);
    QVERIFY(report.record.finishedUs >= report.record.startedUs);
    QCOMPARE(report.pid, 0); // callables spawn nothing
}

void tst_LocalExecutor::exitCodeOfACallable()
{
    RecordingSink sink;
    LocalExecutor executor;
    executor.setSink(&sink);
    executor.execute(callableTicket(1, [](const AttemptContext &) { return 3; }));
    QVERIFY(sink.waitForFinished(1));
    QCOMPARE(sink.report(1).record.outcome, AttemptOutcome::ExitCode);
    QCOMPARE(sink.report(1).record.exitCode, 3);
}

void tst_LocalExecutor::exceptionIsAFailedAttempt()
{
    RecordingSink sink;
    LocalExecutor executor;
    executor.setSink(&sink);
    executor.execute(callableTicket(
        1, [](const AttemptContext &) -> int { throw std::runtime_error("disk on fire"); }));
    executor.execute(callableTicket(2, [](const AttemptContext &) -> int { throw 42; }));
    QVERIFY(sink.waitForFinished(2));
    QCOMPARE(sink.report(1).record.outcome, AttemptOutcome::Exception);
    QCOMPARE(sink.report(1).record.message, QStringLiteral("disk on fire"));
    QCOMPARE(sink.report(2).record.outcome, AttemptOutcome::Exception);
    QVERIFY(!sink.report(2).record.message.isEmpty());
}

void tst_LocalExecutor::cancelledBeforeItStartsNeverRuns()
{
    RecordingSink sink;
    LocalExecutor executor;
    executor.setSink(&sink);
    std::atomic_bool ran {false};
    AttemptTicket ticket = callableTicket(1, [&](const AttemptContext &) {
        ran = true;
        return 0;
    });
    ticket.control->requestCancel();
    executor.execute(std::move(ticket));
    QVERIFY(sink.waitForFinished(1));
    QVERIFY(!ran);
    QCOMPARE(sink.report(1).record.outcome, AttemptOutcome::Cancelled);
}

void tst_LocalExecutor::cancelReachesARunningCallable()
{
    RecordingSink sink;
    LocalExecutor executor;
    executor.setSink(&sink);
    QSemaphore never;
    AttemptTicket ticket = callableTicket(1, gated(&never));
    const std::shared_ptr<AttemptControl> control = ticket.control;
    executor.execute(std::move(ticket));
    QVERIFY(sink.waitForStarted(1));
    control->requestCancel();
    QVERIFY(sink.waitForFinished(1));
    QCOMPARE(sink.report(1).record.outcome, AttemptOutcome::Cancelled);
}

void tst_LocalExecutor::concurrencyIsBounded()
{
    RecordingSink sink;
    LocalExecutor executor;
    executor.setSink(&sink);
    executor.setMaxConcurrency(2);
    QCOMPARE(executor.maxConcurrency(), 2);
    QSemaphore gate;
    std::atomic_int running {0};
    std::atomic_int mostAtOnce {0};
    for (JobId id = 1; id <= 6; ++id)
        executor.execute(callableTicket(id, gated(&gate, &running, &mostAtOnce)));
    QTRY_COMPARE(running.load(), 2); // both workers inside their callables
    for (int done = 1; done <= 6; ++done) {
        gate.release(); // one at a time: each frees the worker of the next
        QVERIFY(sink.waitForFinished(done));
    }
    QCOMPARE(mostAtOnce.load(), 2);
    QVERIFY(executor.waitForDone(QDeadlineTimer(10'000)));
}

void tst_LocalExecutor::concurrencyIsAtLeastOne()
{
    LocalExecutor executor;
    executor.setMaxConcurrency(0);
    QCOMPARE(executor.maxConcurrency(), 1);
    executor.setMaxConcurrency(-3);
    QCOMPARE(executor.maxConcurrency(), 1);
}

void tst_LocalExecutor::waitForDoneWaitsForTheReport()
{
    RecordingSink sink;
    LocalExecutor executor;
    executor.setSink(&sink);
    QSemaphore gate;
    executor.execute(callableTicket(1, gated(&gate)));
    QVERIFY(sink.waitForStarted(1));
    QVERIFY(!executor.waitForDone(QDeadlineTimer(20))); // the gate holds it
    QCOMPARE(sink.finished(), 0);
    gate.release();
    QVERIFY(executor.waitForDone(QDeadlineTimer(10'000)));
    // The runner's destructor relies on this: done means reported.
    QCOMPARE(sink.finished(), 1);
}

void tst_LocalExecutor::reportingWorkerRunsTheNextAttempt()
{
    // A sink that hands out attempts while a worker reports (an immediate
    // retry, the next queued job): the reporting worker runs the first one
    // itself, the pool gets the rest. Each runs and reports once.
    RecordingSink sink;
    LocalExecutor executor;
    executor.setMaxConcurrency(2);
    QSemaphore gate;
    const auto quick = [](const AttemptContext &) {
        return 0;
    };
    const auto handedOver = [](AttemptTicket ticket) {
        ticket.callerIsDone = true; // the sink returns right after
        return ticket;
    };
    sink.setOnFinished([&](const AttemptTicket &ticket) {
        if (ticket.jobId == 1) {
            executor.execute(handedOver(callableTicket(2, quick)));
            executor.execute(handedOver(callableTicket(3, gated(&gate))));
        }
    });
    executor.setSink(&sink);
    executor.execute(callableTicket(1, quick));
    QVERIFY(sink.waitForFinished(2)); // 1, then 2 while 3 holds its own worker
    QCOMPARE(sink.report(2).thread, sink.report(1).thread);
    QVERIFY(sink.waitForStarted(3));
    QVERIFY(sink.report(3).thread != sink.report(1).thread);
    gate.release();
    QVERIFY(executor.waitForDone(QDeadlineTimer(10'000)));
    for (JobId id = 1; id <= 3; ++id)
        QCOMPARE(sink.report(id).finishedCalls, 1);
}

void tst_LocalExecutor::busyReporterLeavesTheNextAttemptToThePool()
{
    // A sink with more to do after handing out an attempt (a finish hook, an
    // observer to wake) leaves callerIsDone unset: the attempt must not wait
    // for the reporting worker, another thread of the pool runs it.
    RecordingSink sink;
    LocalExecutor executor;
    executor.setMaxConcurrency(2);
    const auto quick = [](const AttemptContext &) {
        return 0;
    };
    sink.setOnFinished([&](const AttemptTicket &ticket) {
        if (ticket.jobId == 1)
            executor.execute(callableTicket(2, quick));
    });
    executor.setSink(&sink);
    executor.execute(callableTicket(1, quick));
    QVERIFY(sink.waitForFinished(2));
    QVERIFY(sink.report(2).thread != sink.report(1).thread);
    QVERIFY(executor.waitForDone(QDeadlineTimer(10'000)));
}

void tst_LocalExecutor::runsAProcessIntoItsFiles()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    RecordingSink sink;
    LocalExecutor executor;
    executor.setSink(&sink);
    JobSpec spec;
    spec.process.shellCommand = QStringLiteral("echo out; echo err >&2; exit 4");
    AttemptTicket ticket = ticketFor(1, spec);
    ticket.stdoutPath = dir.filePath(QStringLiteral("1/stdout"));
    ticket.stderrPath = dir.filePath(QStringLiteral("1/stderr"));
    executor.execute(ticket);
    QVERIFY(sink.waitForFinished(1));
    const RecordingSink::Report report = sink.report(1);
    QCOMPARE(report.record.outcome, AttemptOutcome::ExitCode);
    QCOMPARE(report.record.exitCode, 4);
    QVERIFY(report.pid > 0);
    QFile out(ticket.stdoutPath);
    QVERIFY(out.open(QIODevice::ReadOnly));
    QCOMPARE(out.readAll(), QByteArray("out\n"));
    QFile err(ticket.stderrPath);
    QVERIFY(err.open(QIODevice::ReadOnly));
    QCOMPARE(err.readAll(), QByteArray("err\n"));
}

void tst_LocalExecutor::destructorWaitsForAttempts()
{
    RecordingSink sink;
    QSemaphore gate;
    {
        LocalExecutor executor;
        executor.setSink(&sink);
        executor.setMaxConcurrency(2);
        executor.execute(callableTicket(1, gated(&gate)));
        executor.execute(callableTicket(2, gated(&gate)));
        QVERIFY(sink.waitForStarted(2));
        gate.release(2); // they may end before or during the destructor
    }
    QCOMPARE(sink.finished(), 2);
}

QTEST_GUILESS_MAIN(tst_LocalExecutor)
#include "tst_localexecutor.moc"
