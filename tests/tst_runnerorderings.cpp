// Every ordering of start, fail, cancel, retry, pause and destroy, scripted
// through a fake executor and checked against the log of what the runner did
// (Qt Creator's Tasking tests are the model). No timing is involved: the log
// comes from the executor's calls and the runner's per-job events, never from
// the coalesced change feed.
#include "common/fakeexecutor.h"
#include "jobrunner.h"

#include <QMutex>
#include <QScopeGuard>
#include <QTest>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <thread>

using namespace requeue;
using requeue::test::FakeExecutor;
using namespace std::chrono_literals;
using namespace Qt::StringLiterals;

namespace {

// One job of a script: its attempt budget and a fixed backoff (0: none).
struct JobSetup
{
    int maxAttempts = 3;
    int backoffMs = 0;
};

// One scripted action and what it makes happen, in this order: the actions
// the runner refused, the tickets the executor was handed, then what the
// observers heard (the runner executes first and tells after).
struct Step
{
    QString action;
    QStringList log;
};

using Jobs = QList<JobSetup>;
using Script = QList<Step>;

// A wait that only ends early on success: a correct runner takes microseconds.
constexpr int WaitMs = 10'000;

// What the runner tells observers, from whichever thread tells it.
// Thread-safe.
class EventLog
{
public:
    void append(const QString &entry)
    {
        QMutexLocker locker(&m_mutex);
        m_entries.append(entry);
        m_changed.notify_all();
    }
    // The first `count` entries, waiting for them until `deadline` (fewer if
    // it passes); later ones stay.
    QStringList take(qsizetype count, QDeadlineTimer deadline)
    {
        QMutexLocker locker(&m_mutex);
        m_changed.wait_until(m_mutex, deadline.deadline<std::chrono::steady_clock>(),
                             [&] { return m_entries.size() >= count; });
        QStringList taken = m_entries.mid(0, count);
        m_entries.remove(0, taken.size());
        return taken;
    }
    QStringList takeAll()
    {
        QMutexLocker locker(&m_mutex);
        return std::exchange(m_entries, {});
    }

private:
    QMutex m_mutex;
    std::condition_variable_any m_changed;
    QStringList m_entries; // guarded by m_mutex
};

QString attemptWord(const AttemptRecord &record)
{
    switch (record.outcome) {
    case AttemptOutcome::Succeeded:
        return QStringLiteral("succeeded");
    case AttemptOutcome::Cancelled:
        return QStringLiteral("cancelled");
    default:
        return QStringLiteral("failed");
    }
}

// How many times job `id` reached a terminal state in `log`: once, plus once
// for each time it was queued again afterwards (a retry by hand).
int endsOf(const QStringList &log, JobId id)
{
    const QString prefix = QStringLiteral("state %1 ").arg(id);
    int ends = 0;
    bool terminal = false;
    for (const QString &entry : log) {
        if (!entry.startsWith(prefix))
            continue;
        const QString state = entry.mid(prefix.size());
        const bool nowTerminal
            = state == u"succeeded" || state == u"failed" || state == u"cancelled";
        ends += nowTerminal && !terminal ? 1 : 0;
        terminal = nowTerminal;
    }
    return ends;
}

int finishedCount(const QStringList &log, JobId id)
{
    const QString prefix = QStringLiteral("finished %1 ").arg(id);
    return int(std::count_if(log.cbegin(), log.cend(),
                             [&](const QString &entry) { return entry.startsWith(prefix); }));
}

qsizetype countPrefixed(const QStringList &log, QLatin1String prefix)
{
    return std::count_if(log.cbegin(), log.cend(),
                         [prefix](const QString &entry) { return entry.startsWith(prefix); });
}

} // namespace

Q_DECLARE_METATYPE(Jobs)
Q_DECLARE_METATYPE(Script)

class tst_RunnerOrderings : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void orderings_data();
    void orderings();

private:
    void record(JobRunner *runner);
    bool perform(const QString &action);
    void destroyRunner();

    std::unique_ptr<JobRunner> m_runner;
    FakeExecutor *m_executor = nullptr; // Owned by m_runner.
    EventLog m_events;
    QStringList m_refused;
    QMutex m_hookMutex;
    QHash<JobId, int> m_hookCalls; // guarded by m_hookMutex
};

void tst_RunnerOrderings::orderings_data()
{
    QTest::addColumn<int>("workers");
    QTest::addColumn<Jobs>("jobs");
    QTest::addColumn<Script>("script");

    const QStringList destroyIdle;
    // A job's last state, then its end.
    const auto finished = [](int id, const QString &state) {
        return QStringList {QStringLiteral("state %1 %2").arg(id).arg(state),
                            QStringLiteral("finished %1 %2").arg(id).arg(state)};
    };
    // A ticket handed out: the executor has it, then observers hear of it.
    const auto started = [](int id, int attempt, const QStringList &before = {}) {
        return QStringList {QStringLiteral("execute %1#%2").arg(id).arg(attempt)} + before
            + QStringList {QStringLiteral("state %1 running").arg(id)};
    };
    const QStringList idle {QStringLiteral("idle")};

    QTest::newRow("succeeds at once")
        << 1 << Jobs {{}}
        << Script {{u"start"_s, started(1, 1)},
                   {u"begin 1"_s, {u"started 1#1"_s}},
                   {u"succeed 1"_s,
                    QStringList {u"succeeded 1#1"_s} + finished(1, u"succeeded"_s) + idle},
                   {u"destroy"_s, destroyIdle}};

    QTest::newRow("fails, retries at once, succeeds")
        << 1 << Jobs {{}}
        << Script {{u"start"_s, started(1, 1)},
                   {u"begin 1"_s, {u"started 1#1"_s}},
                   {u"fail 1"_s, started(1, 2, {u"failed 1#1"_s, u"state 1 queued"_s})},
                   {u"begin 1"_s, {u"started 1#2"_s}},
                   {u"succeed 1"_s,
                    QStringList {u"succeeded 1#2"_s} + finished(1, u"succeeded"_s) + idle},
                   {u"destroy"_s, destroyIdle}};

    QTest::newRow("gives up when the budget is used")
        << 1 << Jobs {{2, 0}}
        << Script {{u"start"_s, started(1, 1)},
                   {u"fail 1"_s, started(1, 2, {u"failed 1#1"_s, u"state 1 queued"_s})},
                   {u"fail 1"_s, QStringList {u"failed 1#2"_s} + finished(1, u"failed"_s) + idle},
                   {u"destroy"_s, destroyIdle}};

    // A retry goes first in line, ahead of the jobs that were queued before it.
    QTest::newRow("a retry overtakes the queue")
        << 1 << Jobs {{}, {}}
        << Script {{u"start"_s, started(1, 1)},
                   {u"fail 1"_s, started(1, 2, {u"failed 1#1"_s, u"state 1 queued"_s})},
                   {u"succeed 1"_s,
                    QStringList {u"execute 2#1"_s, u"succeeded 1#2"_s} + finished(1, u"succeeded"_s)
                        + QStringList {u"state 2 running"_s}},
                   {u"succeed 2"_s,
                    QStringList {u"succeeded 2#1"_s} + finished(2, u"succeeded"_s) + idle},
                   {u"destroy"_s, destroyIdle}};

    QTest::newRow("two workers, one fails, one succeeds")
        << 2 << Jobs {{1, 0}, {}}
        << Script {
               {u"start"_s,
                {u"execute 1#1"_s, u"execute 2#1"_s, u"state 1 running"_s, u"state 2 running"_s}},
               {u"begin 2"_s, {u"started 2#1"_s}},
               {u"begin 1"_s, {u"started 1#1"_s}},
               {u"fail 1"_s, QStringList {u"failed 1#1"_s} + finished(1, u"failed"_s)},
               {u"succeed 2"_s,
                QStringList {u"succeeded 2#1"_s} + finished(2, u"succeeded"_s) + idle},
               {u"destroy"_s, destroyIdle}};

    QTest::newRow("cancel a queued job")
        << 1 << Jobs {{}, {}}
        << Script {{u"start"_s, started(1, 1)},
                   {u"cancel 2"_s, finished(2, u"cancelled"_s)},
                   {u"succeed 1"_s,
                    QStringList {u"succeeded 1#1"_s} + finished(1, u"succeeded"_s) + idle},
                   {u"destroy"_s, destroyIdle}};

    // The state changes when the attempt reports back, not when asked.
    QTest::newRow("cancel a running job")
        << 1 << Jobs {{}}
        << Script {
               {u"start"_s, started(1, 1)},
               {u"begin 1"_s, {u"started 1#1"_s}},
               {u"cancel 1"_s, {}},
               {u"cancel 1"_s, {}}, // asked again: still running, still accepted
               {u"stop 1"_s, QStringList {u"cancelled 1#1"_s} + finished(1, u"cancelled"_s) + idle},
               {u"destroy"_s, destroyIdle}};

    // The attempt failed on its own before it saw the cancel: no retry.
    QTest::newRow("cancel racing a failure")
        << 1 << Jobs {{}}
        << Script {
               {u"start"_s, started(1, 1)},
               {u"cancel 1"_s, {}},
               {u"fail 1"_s, QStringList {u"failed 1#1"_s} + finished(1, u"cancelled"_s) + idle},
               {u"destroy"_s, destroyIdle}};

    QTest::newRow("cancel while waiting for a retry")
        << 1 << Jobs {{3, 60'000}}
        << Script {{u"start"_s, started(1, 1)},
                   {u"fail 1"_s, {u"failed 1#1"_s, u"state 1 waiting"_s}},
                   {u"cancel 1"_s, finished(1, u"cancelled"_s) + idle},
                   {u"cancel 1"_s, {u"refused cancel 1"_s}},
                   {u"destroy"_s, destroyIdle}};

    // The retry timer hands the job out by itself, from its own thread.
    QTest::newRow("the backoff passes")
        << 1 << Jobs {{3, 1}}
        << Script {{u"start"_s, started(1, 1)},
                   {u"fail 1"_s, {u"failed 1#1"_s, u"state 1 waiting"_s}},
                   {u"wait"_s, started(1, 2, {u"state 1 queued"_s})},
                   {u"succeed 1"_s,
                    QStringList {u"succeeded 1#2"_s} + finished(1, u"succeeded"_s) + idle},
                   {u"destroy"_s, destroyIdle}};

    QTest::newRow("a waiting job holds no worker")
        << 1 << Jobs {{3, 60'000}, {}}
        << Script {{u"start"_s, started(1, 1)},
                   {u"fail 1"_s, started(2, 1, {u"failed 1#1"_s, u"state 1 waiting"_s})},
                   {u"succeed 2"_s, QStringList {u"succeeded 2#1"_s} + finished(2, u"succeeded"_s)},
                   {u"cancel 1"_s, finished(1, u"cancelled"_s) + idle},
                   {u"destroy"_s, destroyIdle}};

    QTest::newRow("pause while running, then fail")
        << 1 << Jobs {{}}
        << Script {{u"start"_s, started(1, 1)},
                   {u"pause"_s, {}},
                   {u"fail 1"_s, {u"failed 1#1"_s, u"state 1 queued"_s}},
                   {u"start"_s, started(1, 2)},
                   {u"succeed 1"_s,
                    QStringList {u"succeeded 1#2"_s} + finished(1, u"succeeded"_s) + idle},
                   {u"destroy"_s, destroyIdle}};

    QTest::newRow("pause keeps queued jobs queued")
        << 1 << Jobs {{}, {}}
        << Script {{u"start"_s, started(1, 1)},
                   {u"pause"_s, {}},
                   {u"succeed 1"_s, QStringList {u"succeeded 1#1"_s} + finished(1, u"succeeded"_s)},
                   {u"start"_s, started(2, 1)},
                   {u"succeed 2"_s,
                    QStringList {u"succeeded 2#1"_s} + finished(2, u"succeeded"_s) + idle},
                   {u"destroy"_s, destroyIdle}};

    QTest::newRow("cancel a queued job while paused")
        << 1 << Jobs {{}}
        << Script {{u"cancel 1"_s, finished(1, u"cancelled"_s) + idle},
                   {u"start"_s, {}},
                   {u"destroy"_s, destroyIdle}};

    // A fresh budget: one more attempt of a job whose budget was one.
    QTest::newRow("manual retry of a failed job")
        << 1 << Jobs {{1, 0}}
        << Script {{u"start"_s, started(1, 1)},
                   {u"fail 1"_s, QStringList {u"failed 1#1"_s} + finished(1, u"failed"_s) + idle},
                   {u"retry 1"_s, started(1, 2, {u"state 1 queued"_s})},
                   {u"retry 1"_s, {u"refused retry 1"_s}}, // active again
                   {u"fail 1"_s, QStringList {u"failed 1#2"_s} + finished(1, u"failed"_s) + idle},
                   {u"retry 1"_s, started(1, 3, {u"state 1 queued"_s})},
                   {u"succeed 1"_s,
                    QStringList {u"succeeded 1#3"_s} + finished(1, u"succeeded"_s) + idle},
                   {u"destroy"_s, destroyIdle}};

    QTest::newRow("manual retry of a cancelled job")
        << 1 << Jobs {{}}
        << Script {{u"cancel 1"_s, finished(1, u"cancelled"_s) + idle},
                   {u"retry 1"_s, {u"state 1 queued"_s}},
                   {u"start"_s, started(1, 1)},
                   {u"succeed 1"_s,
                    QStringList {u"succeeded 1#1"_s} + finished(1, u"succeeded"_s) + idle},
                   {u"destroy"_s, destroyIdle}};

    QTest::newRow("retry all failed ones, behind the queue")
        << 1 << Jobs {{1, 0}, {}, {}}
        << Script {{u"start"_s, started(1, 1)},
                   {u"fail 1"_s,
                    QStringList {u"execute 2#1"_s, u"failed 1#1"_s} + finished(1, u"failed"_s)
                        + QStringList {u"state 2 running"_s}},
                   {u"retryAllFailed"_s, {u"state 1 queued"_s}},
                   {u"succeed 2"_s,
                    QStringList {u"execute 3#1"_s, u"succeeded 2#1"_s} + finished(2, u"succeeded"_s)
                        + QStringList {u"state 3 running"_s}},
                   {u"succeed 3"_s,
                    QStringList {u"execute 1#2"_s, u"succeeded 3#1"_s} + finished(3, u"succeeded"_s)
                        + QStringList {u"state 1 running"_s}},
                   {u"succeed 1"_s,
                    QStringList {u"succeeded 1#2"_s} + finished(1, u"succeeded"_s) + idle},
                   {u"destroy"_s, destroyIdle}};

    QTest::newRow("cancel all in every state")
        << 1 << Jobs {{3, 60'000}, {}, {}}
        << Script {
               {u"start"_s, started(1, 1)},
               {u"fail 1"_s, started(2, 1, {u"failed 1#1"_s, u"state 1 waiting"_s})},
               {u"cancelAll"_s, finished(1, u"cancelled"_s) + finished(3, u"cancelled"_s)},
               {u"stop 2"_s, QStringList {u"cancelled 2#1"_s} + finished(2, u"cancelled"_s) + idle},
               {u"destroy"_s, destroyIdle}};

    // The destructor cancels what is left, and observers hear of every job.
    QTest::newRow("destroy with jobs queued")
        << 1 << Jobs {{}, {}}
        << Script {
               {u"destroy"_s, finished(1, u"cancelled"_s) + finished(2, u"cancelled"_s) + idle}};

    QTest::newRow("destroy with a job running")
        << 1 << Jobs {{}}
        << Script {{u"start"_s, started(1, 1)},
                   {u"begin 1"_s, {u"started 1#1"_s}},
                   {u"destroy"_s,
                    QStringList {u"cancelled 1#1"_s} + finished(1, u"cancelled"_s) + idle}};

    QTest::newRow("destroy with a job waiting")
        << 1 << Jobs {{3, 60'000}}
        << Script {{u"start"_s, started(1, 1)},
                   {u"fail 1"_s, {u"failed 1#1"_s, u"state 1 waiting"_s}},
                   {u"destroy"_s, finished(1, u"cancelled"_s) + idle}};

    QTest::newRow("destroy with jobs running, waiting and queued")
        << 2 << Jobs {{3, 60'000}, {}, {}, {}}
        << Script {
               {u"start"_s,
                {u"execute 1#1"_s, u"execute 2#1"_s, u"state 1 running"_s, u"state 2 running"_s}},
               {u"fail 1"_s, started(3, 1, {u"failed 1#1"_s, u"state 1 waiting"_s})},
               {u"destroy"_s,
                finished(1, u"cancelled"_s) + finished(4, u"cancelled"_s)
                    + QStringList {u"cancelled 2#1"_s} + finished(2, u"cancelled"_s)
                    + QStringList {u"cancelled 3#1"_s} + finished(3, u"cancelled"_s) + idle}};

    // A finished job is not finished again by the destructor.
    QTest::newRow("destroy after everything finished")
        << 2 << Jobs {{1, 0}, {}}
        << Script {
               {u"start"_s,
                {u"execute 1#1"_s, u"execute 2#1"_s, u"state 1 running"_s, u"state 2 running"_s}},
               {u"cancel 2"_s, {}},
               {u"fail 1"_s, QStringList {u"failed 1#1"_s} + finished(1, u"failed"_s)},
               {u"stop 2"_s, QStringList {u"cancelled 2#1"_s} + finished(2, u"cancelled"_s) + idle},
               {u"destroy"_s, destroyIdle}};
}

void tst_RunnerOrderings::orderings()
{
    QFETCH(int, workers);
    QFETCH(Jobs, jobs);
    QFETCH(Script, script);
    QVERIFY2(!script.isEmpty() && script.constLast().action == QLatin1String("destroy"),
             "a script ends with destroy: every job must be finished once by then");

    auto executor = std::make_unique<FakeExecutor>();
    m_executor = executor.get();
    m_runner = std::make_unique<JobRunner>(std::move(executor));
    m_runner->setMaxWorkers(workers);
    m_events.takeAll();
    m_refused.clear();
    {
        QMutexLocker locker(&m_hookMutex);
        m_hookCalls.clear();
    }
    record(m_runner.get());
    for (const JobSetup &setup : jobs) {
        JobSpec spec;
        spec.callable = [](const AttemptContext &) {
            return 0;
        }; // never run: the fake holds it
        spec.retry.maxAttempts = setup.maxAttempts;
        if (setup.backoffMs > 0) {
            spec.retry.backoff = RetryPolicy::Backoff::Fixed;
            spec.retry.initialDelay = std::chrono::milliseconds(setup.backoffMs);
        }
        const JobId id = JobId(m_runner->jobCount() + 1);
        spec.onFinished = [this, id](JobState) {
            QMutexLocker locker(&m_hookMutex);
            ++m_hookCalls[id];
        };
        QCOMPARE(m_runner->addJob(std::move(spec)), id);
    }
    // A failed check must not leave the destructor waiting for an attempt.
    const auto cleanup = qScopeGuard([this] {
        if (m_runner)
            destroyRunner();
    });

    QStringList log;
    for (const Step &step : script) {
        if (step.action == QLatin1String("destroy")) // nothing else was handed out
            QCOMPARE(m_executor->takeLog(), QStringList());
        QVERIFY2(perform(step.action), qPrintable(step.action));
        const QDeadlineTimer deadline(WaitMs);
        QStringList actual = std::exchange(m_refused, {});
        actual += m_executor
            ? m_executor->takeLog(countPrefixed(step.log, QLatin1String("execute ")), deadline)
            : QStringList();
        actual += m_events.take(step.log.size() - actual.size(), deadline);
        const QString where = QStringLiteral("after \"%1\"").arg(step.action);
        QVERIFY2(actual == step.log,
                 qPrintable(where + QStringLiteral(":\n actual:   ")
                            + actual.join(QLatin1String(", ")) + QStringLiteral("\n expected: ")
                            + step.log.join(QLatin1String(", "))));
        log += actual;
    }
    QCOMPARE(m_events.takeAll(), QStringList()); // nothing after the runner was gone

    // Exactly once for every job, including those the destructor cancelled,
    // and once more each time a finished job was given another go.
    for (JobId id = 1; id <= JobId(jobs.size()); ++id) {
        const int ends = endsOf(log, id);
        QVERIFY2(ends >= 1, qPrintable(QStringLiteral("job %1 never finished").arg(id)));
        QCOMPARE(finishedCount(log, id), ends);
        QMutexLocker locker(&m_hookMutex);
        QCOMPARE(m_hookCalls.value(id), ends);
    }
}

void tst_RunnerOrderings::record(JobRunner *runner)
{
    // Direct: each event is logged by the thread that tells it, in order.
    const auto direct = Qt::DirectConnection;
    connect(
        runner, &JobRunner::attemptStarted, this,
        [this](JobId id, int attempt) {
            m_events.append(QStringLiteral("started %1#%2").arg(id).arg(attempt));
        },
        direct);
    connect(
        runner, &JobRunner::attemptFinished, this,
        [this](JobId id, const AttemptRecord &record) {
            m_events.append(
                QStringLiteral("%1 %2#%3").arg(attemptWord(record)).arg(id).arg(record.number));
        },
        direct);
    connect(
        runner, &JobRunner::jobStateChanged, this,
        [this](JobId id, JobState state) {
            m_events.append(QStringLiteral("state %1 %2").arg(id).arg(jobStateName(state)));
        },
        direct);
    connect(
        runner, &JobRunner::jobFinished, this,
        [this](JobId id, JobState state) {
            m_events.append(QStringLiteral("finished %1 %2").arg(id).arg(jobStateName(state)));
        },
        direct);
    connect(
        runner, &JobRunner::idle, this, [this] { m_events.append(QStringLiteral("idle")); },
        direct);
}

bool tst_RunnerOrderings::perform(const QString &action)
{
    const QStringList words = action.split(QLatin1Char(' '));
    const QString &verb = words.constFirst();
    const JobId id = words.size() > 1 ? words.at(1).toULongLong() : 0;
    const auto refuseUnless = [&](bool accepted) {
        if (!accepted)
            m_refused << QStringLiteral("refused ") + action;
        return true;
    };
    if (verb == QLatin1String("destroy")) {
        destroyRunner();
        return true;
    }
    if (!m_runner)
        return false;
    if (verb == QLatin1String("start"))
        m_runner->start();
    else if (verb == QLatin1String("pause"))
        m_runner->pause();
    else if (verb == QLatin1String("wait"))
        ; // the retry timer acts on its own; the step waits for its log
    else if (verb == QLatin1String("cancel"))
        return refuseUnless(m_runner->cancel(id));
    else if (verb == QLatin1String("cancelAll"))
        return refuseUnless(m_runner->cancelAll() > 0);
    else if (verb == QLatin1String("retry"))
        return refuseUnless(m_runner->retry(id));
    else if (verb == QLatin1String("retryAllFailed"))
        return refuseUnless(m_runner->retryAllFailed() > 0);
    else if (!m_executor->isInFlight(id))
        return false; // the attempt to act on was never handed out
    else if (verb == QLatin1String("begin"))
        m_executor->begin(id);
    else if (verb == QLatin1String("succeed"))
        m_executor->finish(id, AttemptOutcome::Succeeded);
    else if (verb == QLatin1String("fail"))
        m_executor->finish(id, AttemptOutcome::ExitCode, 1);
    else if (verb == QLatin1String("stop"))
        m_executor->finish(id, AttemptOutcome::Cancelled);
    else
        return false;
    return true;
}

void tst_RunnerOrderings::destroyRunner()
{
    // The destructor asks every running attempt to stop and waits for it:
    // another thread plays the attempts that obey.
    FakeExecutor *executor = m_executor;
    std::atomic_bool asked {false};
    executor->hold(); // the runner keeps its executor until the thread is done
    std::thread attempts([executor, &asked] {
        const QDeadlineTimer deadline(WaitMs);
        while (!executor->allCancelRequested() && !deadline.hasExpired())
            std::this_thread::sleep_for(1ms);
        asked = executor->allCancelRequested();
        executor->cancelAll(); // also after the deadline: the destructor must return
        executor->release();
    });
    m_runner.reset();
    m_executor = nullptr;
    attempts.join();
    QVERIFY2(asked, "the destructor did not cancel every running attempt");
}

QTEST_GUILESS_MAIN(tst_RunnerOrderings)
#include "tst_runnerorderings.moc"
