#pragma once

#include "jobstate.h"

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

namespace requeue {

// Wakes jobs whose backoff delay has passed. Owns one thread of its own, so a
// waiting job holds no worker and a blocked owner thread delays nothing.
// Every method is thread-safe; the callback runs on the timer's thread.
class RetryTimer
{
public:
    using Clock = std::chrono::steady_clock;
    using Callback = std::function<void(JobId id, quint64 token)>;
    using Handle = std::multimap<Clock::time_point, std::pair<JobId, quint64>>::iterator;

    explicit RetryTimer(Callback callback);
    ~RetryTimer(); // drops what is pending and joins the thread
    RetryTimer(const RetryTimer &) = delete;
    RetryTimer &operator=(const RetryTimer &) = delete;

    // Calls back (id, token) at `due`. Returns a key for cancel().
    quint64 schedule(Clock::time_point due, JobId id, quint64 token);
    // Removes a pending wake-up; harmless if it already fired.
    void cancel(JobId id, quint64 token);
    int pendingCount() const;

private:
    void loop();

    Callback m_callback;
    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    std::multimap<Clock::time_point, std::pair<JobId, quint64>> m_due;
    std::map<std::pair<JobId, quint64>, Handle> m_byJob;
    bool m_stopping = false;
    std::thread m_thread; // started lazily on the first schedule()
};

} // namespace requeue
