// RetryTimer: wake-ups in due order, never early, cancelled ones never, and a
// destructor that drops what is pending instead of waiting for it. Orders are
// asserted through a later wake-up (it fires after every earlier one that is
// still pending), never through a fixed wait.
#include "retrytimer.h"

#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QTest>

#include <condition_variable>
#include <mutex>
#include <vector>

using namespace requeue;
using namespace std::chrono_literals;
using Clock = RetryTimer::Clock;

namespace {

// What fired, in order, and when. Thread-safe: the timer's thread adds.
class Fired
{
public:
    struct Call
    {
        JobId id;
        quint64 token;
        Clock::time_point at;
    };

    RetryTimer::Callback callback()
    {
        return [this](JobId id, quint64 token) {
            add({id, token, Clock::now()});
        };
    }
    void add(const Call &call)
    {
        std::lock_guard lock(m_mutex);
        m_calls.push_back(call);
        m_changed.notify_all();
    }
    // Waits (bounded) until `count` calls came; returns whether they did.
    bool waitFor(size_t count, std::chrono::milliseconds timeout = 10s)
    {
        std::unique_lock lock(m_mutex);
        return m_changed.wait_for(lock, timeout, [&] { return m_calls.size() >= count; });
    }
    std::vector<Call> calls() const
    {
        std::lock_guard lock(m_mutex);
        return m_calls;
    }
    QList<JobId> ids() const
    {
        QList<JobId> ids;
        for (const Call &call : calls())
            ids.append(call.id);
        return ids;
    }

private:
    mutable std::mutex m_mutex;
    std::condition_variable m_changed;
    std::vector<Call> m_calls; // guarded by m_mutex
};

} // namespace

class tst_RetryTimer : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void firesInDueOrder();
    void neverFiresEarly();
    void pastDueFiresAtOnce();
    void earlierWakeUpInterruptsALongWait();
    void sameDueTimeFiresBoth();
    void cancelledNeverFires();
    void cancelMatchesIdAndToken();
    void cancelAfterFiringIsHarmless();
    void callbackMayScheduleAgain();
    void destructorDropsWhatIsPending();
};

void tst_RetryTimer::firesInDueOrder()
{
    Fired fired;
    RetryTimer timer(fired.callback());
    const Clock::time_point now = Clock::now();
    timer.schedule(now + 60ms, 1, 0);
    timer.schedule(now + 20ms, 2, 0);
    timer.schedule(now + 40ms, 3, 0);
    QCOMPARE(timer.pendingCount(), 3);
    QVERIFY(fired.waitFor(3));
    // However late the thread wakes, it takes the earliest first.
    QCOMPARE(fired.ids(), (QList<JobId> {2, 3, 1}));
    QCOMPARE(timer.pendingCount(), 0);
}

void tst_RetryTimer::neverFiresEarly()
{
    Fired fired;
    RetryTimer timer(fired.callback());
    const Clock::time_point due = Clock::now() + 50ms;
    timer.schedule(due, 7, 3);
    QVERIFY(fired.waitFor(1));
    const Fired::Call call = fired.calls().at(0);
    QCOMPARE(call.id, JobId(7));
    QCOMPARE(call.token, quint64(3));
    QVERIFY(call.at >= due);
}

void tst_RetryTimer::pastDueFiresAtOnce()
{
    Fired fired;
    RetryTimer timer(fired.callback());
    timer.schedule(Clock::now() - 1h, 1, 0); // a backoff that passed while the lock was busy
    QVERIFY(fired.waitFor(1));
}

void tst_RetryTimer::earlierWakeUpInterruptsALongWait()
{
    Fired fired;
    RetryTimer timer(fired.callback());
    timer.schedule(Clock::now() + 1h, 1, 0); // the thread sleeps until the hour has passed
    timer.schedule(Clock::now() + 10ms, 2, 0);
    QVERIFY(fired.waitFor(1));
    QCOMPARE(fired.ids(), QList<JobId> {2});
    QCOMPARE(timer.pendingCount(), 1);
}

void tst_RetryTimer::sameDueTimeFiresBoth()
{
    Fired fired;
    RetryTimer timer(fired.callback());
    const Clock::time_point due = Clock::now() + 10ms;
    timer.schedule(due, 1, 0);
    timer.schedule(due, 2, 0);
    QVERIFY(fired.waitFor(2));
    QList<JobId> ids = fired.ids();
    std::sort(ids.begin(), ids.end());
    QCOMPARE(ids, (QList<JobId> {1, 2}));
}

void tst_RetryTimer::cancelledNeverFires()
{
    Fired fired;
    RetryTimer timer(fired.callback());
    // The wake-up the thread is waiting for goes, and the thread waits for
    // the next one instead of firing the one it had.
    timer.schedule(Clock::now() + 50ms, 1, 0);
    timer.schedule(Clock::now() + 1h, 2, 0);
    timer.cancel(2, 0);
    QCOMPARE(timer.pendingCount(), 1);
    timer.schedule(Clock::now() + 100ms, 3, 0);
    QVERIFY(fired.waitFor(2));
    QCOMPARE(fired.ids(), (QList<JobId> {1, 3}));
    QCOMPARE(timer.pendingCount(), 0);
}

void tst_RetryTimer::cancelMatchesIdAndToken()
{
    Fired fired;
    RetryTimer timer(fired.callback());
    const Clock::time_point due = Clock::now() + 100ms;
    timer.schedule(due, 1, 5);
    timer.cancel(1, 4); // an older generation of the same job
    timer.cancel(2, 5); // another job
    QCOMPARE(timer.pendingCount(), 1);
    QVERIFY(fired.waitFor(1));
    QCOMPARE(fired.calls().at(0).token, quint64(5));
}

void tst_RetryTimer::cancelAfterFiringIsHarmless()
{
    Fired fired;
    RetryTimer timer(fired.callback());
    timer.schedule(Clock::now(), 1, 0);
    QVERIFY(fired.waitFor(1));
    timer.cancel(1, 0);
    QCOMPARE(timer.pendingCount(), 0);
    // The timer still works afterwards.
    timer.schedule(Clock::now(), 1, 1);
    QVERIFY(fired.waitFor(2));
}

void tst_RetryTimer::callbackMayScheduleAgain()
{
    // The runner's callback takes its own lock and may schedule: the timer
    // must not hold its lock while calling back.
    Fired fired;
    std::unique_ptr<RetryTimer> timer;
    timer = std::make_unique<RetryTimer>([&](JobId id, quint64 token) {
        fired.add({id, token, Clock::now()});
        if (token < 3) {
            timer->schedule(Clock::now(), id, token + 1);
            timer->cancel(99, 0);
        }
    });
    timer->schedule(Clock::now(), 1, 0);
    QVERIFY(fired.waitFor(4));
    QCOMPARE(fired.calls().back().token, quint64(3));
    QCOMPARE(timer->pendingCount(), 0);
    timer.reset();
}

void tst_RetryTimer::destructorDropsWhatIsPending()
{
    Fired fired;
    QElapsedTimer clock;
    clock.start();
    {
        RetryTimer timer(fired.callback());
        timer.schedule(Clock::now() + 1h, 1, 0);
        QCOMPARE(timer.pendingCount(), 1);
    } // a destructor that waited for the hour would hit the test's timeout
    QVERIFY(clock.elapsed() < 60'000);
    QCOMPARE(fired.calls().size(), size_t(0));

    // A timer that never scheduled anything has no thread to join.
    RetryTimer unused(fired.callback());
    QCOMPARE(unused.pendingCount(), 0);
}

QTEST_GUILESS_MAIN(tst_RetryTimer)
#include "tst_retrytimer.moc"
