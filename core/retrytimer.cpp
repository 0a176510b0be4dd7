#include "retrytimer.h"

namespace requeue {

RetryTimer::RetryTimer(Callback callback)
    : m_callback(std::move(callback))
{ }

RetryTimer::~RetryTimer()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
        m_due.clear();
        m_byJob.clear();
    }
    m_wake.notify_all();
    if (m_thread.joinable())
        m_thread.join();
}

quint64 RetryTimer::schedule(Clock::time_point due, JobId id, quint64 token)
{
    {
        std::lock_guard lock(m_mutex);
        const auto key = std::make_pair(id, token);
        m_byJob[key] = m_due.emplace(due, key);
        if (!m_thread.joinable())
            m_thread = std::thread([this] { loop(); });
    }
    m_wake.notify_all();
    return token;
}

void RetryTimer::cancel(JobId id, quint64 token)
{
    std::lock_guard lock(m_mutex);
    const auto it = m_byJob.find({id, token});
    if (it == m_byJob.end())
        return;
    m_due.erase(it->second);
    m_byJob.erase(it);
}

int RetryTimer::pendingCount() const
{
    std::lock_guard lock(m_mutex);
    return int(m_due.size());
}

void RetryTimer::loop()
{
    std::unique_lock lock(m_mutex);
    while (!m_stopping) {
        if (m_due.empty()) {
            m_wake.wait(lock);
            continue;
        }
        const auto first = m_due.begin();
        // A copy: cancel() may erase the node while we wait.
        const Clock::time_point due = first->first;
        if (due > Clock::now()) {
            m_wake.wait_until(lock, due);
            continue;
        }
        const auto [id, token] = first->second;
        m_byJob.erase(first->second);
        m_due.erase(first);
        // The callback takes the runner's lock; never hold ours meanwhile.
        lock.unlock();
        m_callback(id, token);
        lock.lock();
    }
}

} // namespace requeue
