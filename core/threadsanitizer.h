#pragma once

// Tells ThreadSanitizer about handovers made inside uninstrumented Qt (the
// QThreadPool queue synchronises through futexes TSan cannot see). No-ops in
// every other build.

#if defined(__SANITIZE_THREAD__)
#define REQUEUE_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define REQUEUE_TSAN 1
#endif
#endif

#ifdef REQUEUE_TSAN
#include <sanitizer/tsan_interface.h>
#endif

namespace requeue {

// Call before handing `object` to another thread through Qt.
inline void tsanReleaseHandover([[maybe_unused]] void *object)
{
#ifdef REQUEUE_TSAN
    __tsan_release(object);
#endif
}

// Call in the receiving thread before touching `object`.
inline void tsanAcquireHandover([[maybe_unused]] void *object)
{
#ifdef REQUEUE_TSAN
    __tsan_acquire(object);
#endif
}

} // namespace requeue
