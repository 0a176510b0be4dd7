#pragma once

#include <QMutex>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace requeue {

// A QMutex whose contended lock() tries again for a moment before it sleeps.
//
// JobRunner's lock is taken for a fraction of a microsecond, by the thread
// that adds jobs and by each worker that reports an attempt, so it is often
// held for a moment when another thread wants it. A QMutex then puts that
// thread to sleep, and the one unlocking pays a futex wake-up; together that
// costs many times what the lock protects. Spinning first (as glibc's
// adaptive mutexes do) takes a free lock without either; a lock held longer
// still sleeps. ThreadSanitizer sees it as the QBasicMutex it is.
//
// Used from any thread; a BasicLockable for QMutexLocker and
// std::condition_variable_any.
class SpinningMutex
{
public:
    void lock() noexcept
    {
        for (int i = 0; i < SpinLimit; ++i) {
            if (m_mutex.tryLock())
                return;
            relax();
        }
        m_mutex.lock();
    }
    bool try_lock() noexcept { return m_mutex.tryLock(); }
    void unlock() noexcept { m_mutex.unlock(); }

private:
    static void relax() noexcept
    {
#if defined(__x86_64__) || defined(__i386__)
        _mm_pause();
#endif
    }

    // A few microseconds at most: about the longest the lock is held.
    static constexpr int SpinLimit = 100;
    QBasicMutex m_mutex;
};

} // namespace requeue
