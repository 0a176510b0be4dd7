#pragma once

#include "jobstate.h"

#include <QFuture>
#include <QList>

namespace requeue {

class JobRunner;

namespace detail {

// Internal to requeue::run() and requeue::mapped() (future.h).
//
// QFuture::cancel() tells only QFutureWatchers, through their thread's event
// loop. Each runner that hands out futures gets a relay: a thread of its own
// whose watchers turn a cancelled future into JobRunner::cancel() of its jobs,
// so cancelling works whether or not the caller's thread runs an event loop.

// Cancels `ids` in `runner` once `future` is cancelled (also if it already
// is), within about 10 ms (longer when very many futures are unfinished).
// Thread-safe. Take the copy of the future before adding its jobs: once a
// worker runs them, copying it contends with the worker for its state.
void cancelJobsWithFuture(JobRunner *runner, QFuture<void> &&future, JobId id);
void cancelJobsWithFuture(JobRunner *runner, QFuture<void> &&future, QList<JobId> ids);

// Stops `runner`'s relay, if it has one, and waits for it. Called first thing
// by ~JobRunner(); nothing is relayed to `runner` afterwards.
void releaseFutureRelay(JobRunner *runner);

} // namespace detail
} // namespace requeue
