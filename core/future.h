#pragma once

#include "futurerelay.h"
#include "jobrunner.h"
#include "jobspec.h"
#include "retrypolicy.h"

#include <QFuture>
#include <QFutureInterface>
#include <QMutex>
#include <QString>

#include <atomic>
#include <exception>
#include <functional>
#include <iterator>
#include <memory>
#include <optional>
#include <stdexcept>
#include <type_traits>
#include <utility>
#include <vector>

namespace requeue {

// Set as a future's exception when a job failed without an exception of its
// own to report. Callables made by run() and mapped() fail only by throwing,
// so this is a safety net, not something to expect.
class JobFailedError : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

namespace detail {

// Calls `function` with the attempt's context if it takes one.
template<typename Function>
decltype(auto) invokeAttempt(Function &function, const AttemptContext &context)
{
    if constexpr (std::is_invocable_v<Function &, const AttemptContext &>)
        return std::invoke(function, context);
    else
        return std::invoke(function);
}

template<typename Function>
using AttemptResult = std::decay_t<decltype(invokeAttempt(std::declval<std::decay_t<Function> &>(),
                                                          std::declval<const AttemptContext &>()))>;

// The producer's side of a future. Not QPromise: in Qt 6.4 a QPromise that
// outlives a QFuture::takeResult() (which resets the state) "finishes" the
// future again in its destructor and runs its continuations twice. Methods
// are thread-safe (QFutureInterface locks); finish() is called once.
template<typename T>
class Promise
{
public:
    Promise() { m_interface.reportStarted(); }
    Q_DISABLE_COPY_MOVE(Promise)
    // A promise never finished (cannot happen with the runner's hooks) still
    // releases whoever waits.
    ~Promise()
    {
        if (!m_finished)
            finish(std::make_exception_ptr(JobFailedError("requeue: the job was dropped")));
    }

    QFuture<T> future() { return m_interface.future(); }
    template<typename U>
    void addResult(U &&value, int index)
    {
        m_interface.reportResult(std::forward<U>(value), index);
    }
    void setException(std::exception_ptr error) { m_interface.reportException(error); }
    void cancel() { m_interface.cancel(); }
    void setProgressRange(int minimum, int maximum)
    {
        m_interface.setProgressRange(minimum, maximum);
    }
    void setProgressValue(int value) { m_interface.setProgressValue(value); }
    void finish()
    {
        m_finished = true;
        m_interface.reportFinished();
    }

private:
    void finish(std::exception_ptr error)
    {
        setException(error);
        finish();
    }

    QFutureInterface<T> m_interface;
    bool m_finished = false;
};

// What the attempts of one job leave behind: the value of the one that
// succeeded or the exception of the last one that threw. Attempts write it on
// workers; the job's finish hook reads it once, exactly once (claim()).
template<typename T>
class Outcome
{
public:
    // Runs one attempt: 0 on success; rethrows what the attempt threw, so the
    // runner records the failure with its message and applies the policy.
    template<typename Attempt>
    int run(Attempt &&attempt)
    {
        try {
            if constexpr (std::is_void_v<T>) {
                attempt();
            } else {
                T value = attempt();
                QMutexLocker locker(&m_mutex);
                m_value.emplace(std::move(value));
            }
            return 0;
        } catch (...) {
            {
                QMutexLocker locker(&m_mutex);
                m_error = std::current_exception();
            }
            throw;
        }
    }

    // True the first time only: the job's first terminal state counts; a job
    // retried by hand after that runs again but changes nothing.
    bool claim() { return !m_claimed.exchange(true, std::memory_order_acq_rel); }

    std::exception_ptr takeError()
    {
        QMutexLocker locker(&m_mutex);
        if (m_error)
            return std::exchange(m_error, nullptr);
        return std::make_exception_ptr(JobFailedError("requeue: the job failed"));
    }

    // Tells `promise` how the job ended: its value at `index` (-1: append),
    // its last exception, or that it was cancelled.
    template<typename Target>
    void deliver(JobState state, Target &promise, int index)
    {
        switch (state) {
        case JobState::Succeeded:
            deliverValue(promise, index);
            break;
        case JobState::Failed:
            promise.setException(takeError());
            break;
        case JobState::Cancelled:
            promise.cancel();
            break;
        case JobState::Queued:
        case JobState::Running:
        case JobState::WaitingForRetry:
            Q_UNREACHABLE();
        }
    }

    // Moves the value into `promise` at `index` (-1: append). Without a value
    // (cannot happen for a job that succeeded) it reports a JobFailedError.
    template<typename Target>
    void deliverValue(Target &promise, int index)
    {
        if constexpr (std::is_void_v<T>) {
            Q_UNUSED(promise);
            Q_UNUSED(index);
        } else {
            QMutexLocker locker(&m_mutex);
            if (m_value) {
                promise.addResult(std::move(*m_value), index);
                m_value.reset();
                return;
            }
            locker.unlock();
            promise.setException(takeError());
        }
    }

private:
    struct Empty
    {
    };
    QMutex m_mutex; // attempts and the hook may race when a job is retried by hand
    std::conditional_t<std::is_void_v<T>, Empty, std::optional<T>> m_value;
    std::exception_ptr m_error;
    std::atomic_bool m_claimed {false};
};

// Shared by a run() job's callable and its finish hook. The promise goes as
// soon as the future is complete: the runner does not keep the result.
template<typename T, typename Function>
struct RunState
{
    template<typename F>
    explicit RunState(F &&f)
        : function(std::forward<F>(f))
    { }

    int attempt(const AttemptContext &context)
    {
        return outcome.run([&] { return invokeAttempt(function, context); });
    }

    void finish(JobState state)
    {
        if (!outcome.claim())
            return;
        outcome.deliver(state, *promise, -1);
        promise->finish();
        promise.reset();
    }

    Function function;
    std::optional<Promise<T>> promise {std::in_place};
    Outcome<T> outcome;
};

template<typename Element, typename Function>
decltype(auto) invokeElement(Function &function, const Element &element,
                             const AttemptContext &context)
{
    if constexpr (std::is_invocable_v<Function &, const Element &, const AttemptContext &>)
        return std::invoke(function, element, context);
    else
        return std::invoke(function, element);
}

template<typename Element, typename Function>
using ElementResult
    = std::decay_t<decltype(invokeElement<Element>(std::declval<std::decay_t<Function> &>(),
                                                   std::declval<const Element &>(),
                                                   std::declval<const AttemptContext &>()))>;

// Shared by the jobs of one mapped() call. Element i's result goes to index i;
// the last element to end finishes the future.
template<typename U, typename Element, typename Function>
struct MappedState
{
    template<typename F>
    MappedState(std::vector<Element> &&elements, F &&f)
        : elements(std::move(elements))
        , function(std::forward<F>(f))
        , outcomes(new Outcome<U>[this->elements.size()])
        , remaining(int(this->elements.size()))
    { }

    int attempt(size_t index, const AttemptContext &context)
    {
        return outcomes[index].run(
            [&] { return invokeElement<Element>(function, elements[index], context); });
    }

    void elementFinished(size_t index, JobState state)
    {
        if (!outcomes[index].claim())
            return;
        // A failure or a cancel marks the whole future: the relay then cancels
        // the other elements (as in QtConcurrent), and results with a hole
        // are no results.
        outcomes[index].deliver(state, *promise, int(index));
        promise->setProgressValue(finished.fetch_add(1, std::memory_order_relaxed) + 1);
        if (remaining.fetch_sub(1, std::memory_order_acq_rel) == 1) {
            promise->finish();
            promise.reset();
        }
    }

    const std::vector<Element> elements;
    Function function;
    std::unique_ptr<Outcome<U>[]> outcomes;
    std::optional<Promise<U>> promise {std::in_place};
    std::atomic_int finished {0};
    std::atomic_int remaining;
};

template<typename Sequence>
using SequenceElement = std::decay_t<decltype(*std::begin(std::declval<Sequence &>()))>;

// run() without moving the spec on the way: it is large (see JobRunner::addJob()).
template<typename Function>
auto runJob(JobRunner *runner, JobSpec &&spec, Function &&function)
    -> QFuture<AttemptResult<Function>>
{
    using T = AttemptResult<Function>;
    using State = RunState<T, std::decay_t<Function>>;
    auto state = std::make_shared<State>(std::forward<Function>(function));
    QFuture<T> future = state->promise->future();
    // Plain pointers, stored in the std::functions without an allocation:
    // the job owns the state.
    spec.callable = [raw = state.get()](const AttemptContext &context) {
        return raw->attempt(context);
    };
    spec.onFinished = [raw = state.get()](JobState end) {
        raw->finish(end);
    };
    spec.owner = state;
    QFuture<void> watched(future); // before a worker may touch it (see cancelJobsWithFuture)
    const JobId id = runner->addJob(std::move(spec));
    cancelJobsWithFuture(runner, std::move(watched), id);
    return future;
}

} // namespace detail

// Runs `function` as a job of `runner` and returns a future for its result.
//
// `function` is called on one of the runner's workers, one attempt at a time,
// either with no argument or with the attempt's `const AttemptContext &`
// (attempt number, the stop flag to poll, the deadline when `spec.timeout` is
// set). It returns the result (any movable type, or void) and fails by
// throwing. Each failed attempt goes back into the runner's queue at once, as
// `spec.retry` says. The future then gets the value of the attempt that
// succeeded, or, once the policy gives up, the exception the last attempt
// threw, of its own type (QFuture::onFailed(), QFuture::result() rethrow it).
//
// QFuture::cancel() cancels the job whether it is queued, waiting for a
// retry or running (the attempt's stop flag is set; the attempt decides when
// to return), from any thread, also one without an event loop: a thread of
// the runner's relays it. Cancelling the job in the runner (a view's Cancel,
// JobRunner::cancelAll()) cancels the future. A future is finished only when
// its job has ended in the runner; continuations attached without a context
// run on the thread that ended it (a worker, the relay, or the thread that
// called JobRunner::cancel()), so keep them short or give them a context.
// Destroying the runner cancels the futures of the jobs it did not finish.
//
// The job is an ordinary job of `runner`: it shows in views of the runner
// (JobTableModel), named `spec.name`; `spec.callable` and `spec.onFinished`
// are replaced, the other fields of `spec` apply. The runner keeps `function`
// until the job is removed (JobRunner::removeFinishedJobs()); a job retried by
// hand runs it again but leaves the finished future unchanged. A runner is
// created paused: nothing runs before JobRunner::start().
//
// Thread-safe: may be called from any thread; `runner` must outlive the call.
template<typename Function>
auto run(JobRunner *runner, JobSpec spec, Function &&function)
    -> QFuture<detail::AttemptResult<Function>>
{
    return detail::runJob(runner, std::move(spec), std::forward<Function>(function));
}

// The same with a default spec retried as `policy` says.
template<typename Function>
auto run(JobRunner *runner, const RetryPolicy &policy, Function &&function)
    -> QFuture<detail::AttemptResult<Function>>
{
    JobSpec spec;
    spec.retry = policy;
    return detail::runJob(runner, std::move(spec), std::forward<Function>(function));
}

// Runs `function` on each element of `sequence` (copied), one job per element,
// and returns a future with one result per element, in the order of
// `sequence` (QFuture::results(), resultAt(i)).
//
// `function` takes `const Element &`, optionally followed by the attempt's
// `const AttemptContext &`, and fails by throwing. Each element is retried on
// its own, at once, as `spec.retry` says; the others do not wait for it.
// QFuture::progressValue() counts the elements that ended, out of
// progressMaximum() = the number of elements. The first element that fails
// for good sets its exception on the future and cancels the rest; so does an
// element cancelled in the runner. QFuture::cancel() cancels every element
// still queued, waiting or running. The future finishes once every element's
// job has ended. Jobs are named "`spec.name` [index]" ("mapped [index]"
// without a name).
//
// Otherwise as run(): thread-safety, continuations, views, ownership.
template<typename Sequence, typename Function>
auto mapped(JobRunner *runner, JobSpec spec, Sequence &&sequence, Function &&function)
    -> QFuture<detail::ElementResult<detail::SequenceElement<Sequence>, Function>>
{
    using Element = detail::SequenceElement<Sequence>;
    using U = detail::ElementResult<Element, Function>;
    using State = detail::MappedState<U, Element, std::decay_t<Function>>;
    std::vector<Element> elements;
    if constexpr (std::is_rvalue_reference_v<Sequence &&>)
        elements.assign(std::make_move_iterator(std::begin(sequence)),
                        std::make_move_iterator(std::end(sequence)));
    else
        elements.assign(std::begin(sequence), std::end(sequence));
    auto state = std::make_shared<State>(std::move(elements), std::forward<Function>(function));
    const size_t count = state->elements.size();
    state->promise->setProgressRange(0, int(count));
    QFuture<U> future = state->promise->future();
    if (count == 0) {
        state->promise->finish();
        return future;
    }
    const QString name = spec.name.isEmpty() ? QStringLiteral("mapped") : spec.name;
    QList<JobSpec> specs;
    specs.reserve(qsizetype(count));
    for (size_t i = 0; i < count; ++i) {
        spec.name = name + QStringLiteral(" [") + QString::number(i) + QLatin1Char(']');
        // As in run(): the jobs own the state.
        spec.callable = [raw = state.get(), i](const AttemptContext &context) {
            return raw->attempt(i, context);
        };
        spec.onFinished = [raw = state.get(), i](JobState end) {
            raw->elementFinished(i, end);
        };
        spec.owner = state;
        specs.append(spec);
    }
    QFuture<void> watched(future);
    const QList<JobId> ids = runner->addJobs(std::move(specs));
    detail::cancelJobsWithFuture(runner, std::move(watched), ids);
    return future;
}

// The same with a default spec retried as `policy` says.
template<typename Sequence, typename Function>
auto mapped(JobRunner *runner, const RetryPolicy &policy, Sequence &&sequence, Function &&function)
    -> QFuture<detail::ElementResult<detail::SequenceElement<Sequence>, Function>>
{
    JobSpec spec;
    spec.retry = policy;
    return mapped(runner, std::move(spec), std::forward<Sequence>(sequence),
                  std::forward<Function>(function));
}

} // namespace requeue
