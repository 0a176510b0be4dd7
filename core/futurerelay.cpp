#include "futurerelay.h"

#include "jobrunner.h"

#include <QMutex>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <thread>
#include <unordered_map>
#include <vector>

namespace requeue::detail {

namespace {

struct Watch
{
    QFuture<void> future;
    JobId id = 0;     // run(): one job, no allocation
    QList<JobId> ids; // mapped()
};

// One runner's relay: a thread that looks at the runner's unfinished futures
// and cancels the jobs of those that were cancelled. The object lives in the
// thread that created it; watch() is thread-safe; the destructor joins.
//
// It polls, as Qt's own producers do (QPromise::isCanceled()): a
// QFutureWatcher per future costs four posted events and six allocations per
// job, more than the job itself, and 100,000 waiting futures would hold
// 100,000 QObjects. A look is one atomic load per unfinished future, every
// 10 ms plus 1 ms per 1,000 of them (so that it stays a few per cent of one
// core); with no unfinished future the thread sleeps.
class FutureRelay
{
public:
    explicit FutureRelay(JobRunner *runner)
        : m_runner(runner)
    {
        // A std::thread, not a QThread: joining it is then visible to
        // ThreadSanitizer, which otherwise reports the relay's deletion.
        m_thread = std::thread([this] { loop(); });
    }

    ~FutureRelay()
    {
        {
            QMutexLocker locker(&m_mutex);
            m_stopping = true;
            m_wake.notify_one();
        }
        m_thread.join();
    }

    void watch(Watch watch)
    {
        QMutexLocker locker(&m_mutex);
        m_pending.push_back(std::move(watch));
        if (m_idle) // no wake-up per future: a busy relay looks again soon
            m_wake.notify_one();
    }

private:
    // In m_thread.
    void loop()
    {
        std::vector<Watch> active;
        bool nothingLastTime = false;
        QMutexLocker locker(&m_mutex);
        while (!m_stopping) {
            std::move(m_pending.begin(), m_pending.end(), std::back_inserter(active));
            m_pending.clear();
            locker.unlock();
            look(&active);
            locker.relock();
            const bool nothing = active.empty() && m_pending.empty();
            // Sleeps for good only after a whole interval without futures:
            // a steady stream of short jobs must not cost a wake-up each.
            if (nothing && nothingLastTime && !m_stopping) {
                m_idle = true;
                m_wake.wait(m_mutex);
                m_idle = false;
            } else if (!m_stopping) {
                m_wake.wait_for(m_mutex, std::chrono::milliseconds(interval(active.size())));
            }
            nothingLastTime = nothing;
        }
    }

    static int interval(size_t active) { return 10 + int(active / 1000); }

    // Cancels the jobs of cancelled futures; drops finished ones.
    void look(std::vector<Watch> *active)
    {
        auto keep = active->begin();
        for (auto it = active->begin(); it != active->end(); ++it) {
            if (it->future.isFinished())
                continue;
            if (it->future.isCanceled()) {
                // The future finishes once the jobs have ended.
                if (it->id)
                    m_runner->cancel(it->id);
                else
                    m_runner->cancel(it->ids);
                continue;
            }
            if (keep != it)
                *keep = std::move(*it);
            ++keep;
        }
        active->erase(keep, active->end());
    }

    JobRunner *const m_runner; // Not owning; outlives the relay (see releaseFutureRelay).
    std::thread m_thread;
    QMutex m_mutex; // guards what follows
    // Not QWaitCondition: it unlocks and relocks the QMutex inside QtCore,
    // where ThreadSanitizer cannot see it (see JobRunner::waitForIdle()).
    std::condition_variable_any m_wake;
    std::vector<Watch> m_pending;
    bool m_idle = false;
    bool m_stopping = false;
};

struct Registry
{
    QMutex mutex;
    std::unordered_map<JobRunner *, std::unique_ptr<FutureRelay>> relays;
};

Registry &registry()
{
    // Never destroyed: a relay may outlive main() with a leaked runner, and
    // joining threads during static destruction is not safe.
    static Registry *instance = new Registry;
    return *instance;
}

} // namespace

namespace {

void watch(JobRunner *runner, Watch watch)
{
    Registry &r = registry();
    QMutexLocker locker(&r.mutex);
    std::unique_ptr<FutureRelay> &relay = r.relays[runner];
    if (!relay)
        relay = std::make_unique<FutureRelay>(runner);
    relay->watch(std::move(watch));
}

} // namespace

void cancelJobsWithFuture(JobRunner *runner, QFuture<void> &&future, JobId id)
{
    watch(runner, {std::move(future), id, {}});
}

void cancelJobsWithFuture(JobRunner *runner, QFuture<void> &&future, QList<JobId> ids)
{
    watch(runner, {std::move(future), 0, std::move(ids)});
}

void releaseFutureRelay(JobRunner *runner)
{
    std::unique_ptr<FutureRelay> relay;
    {
        Registry &r = registry();
        QMutexLocker locker(&r.mutex);
        const auto it = r.relays.find(runner);
        if (it == r.relays.end())
            return;
        relay = std::move(it->second);
        r.relays.erase(it);
    }
    // Joined outside the lock: the relay's thread may be cancelling a job
    // whose continuation starts another one.
}

} // namespace requeue::detail
