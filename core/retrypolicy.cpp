#include "retrypolicy.h"

#include <QRandomGenerator>

#include <algorithm>
#include <cmath>

namespace requeue {

RetryDecision RetryPolicy::decide(const AttemptRecord &record, int attemptsUsed) const
{
    RetryDecision decision;
    switch (record.outcome) {
    case AttemptOutcome::Succeeded:
    case AttemptOutcome::Cancelled:
    case AttemptOutcome::NotStarted:
        return decision;
    case AttemptOutcome::ExitCode:
        if (isPermanent(record.exitCode))
            return decision;
        break;
    case AttemptOutcome::Signalled:
    case AttemptOutcome::TimedOut:
    case AttemptOutcome::Exception:
    case AttemptOutcome::Lost: // a node failed or Slurm lost it: the job itself may be fine
        break;
    }
    if (!allowsAnotherAttempt(attemptsUsed))
        return decision;
    // Capped at a century so that the caller's clocks cannot overflow.
    decision.delay = std::min<std::chrono::milliseconds>(delayBeforeRetry(attemptsUsed),
                                                         std::chrono::hours(24 * 365 * 100));
    decision.action = decision.delay.count() > 0 ? RetryDecision::Action::RetryLater
                                                 : RetryDecision::Action::RetryNow;
    return decision;
}

bool RetryPolicy::allowsAnotherAttempt(int attemptsUsed) const
{
    return maxAttempts == 0 || attemptsUsed < maxAttempts;
}

std::chrono::milliseconds RetryPolicy::nominalDelay(int retry) const
{
    using std::chrono::milliseconds;
    switch (backoff) {
    case Backoff::None:
        return milliseconds(0);
    case Backoff::Fixed:
        return initialDelay;
    case Backoff::Exponential: {
        // Computed in double so that huge retry numbers saturate at the cap
        // instead of overflowing.
        const double scaled
            = double(initialDelay.count()) * std::pow(factor, std::max(0, retry - 1));
        // Compared, not converted: double(maxDelay) can round up past the
        // largest qint64 (milliseconds::max() as "no cap"), and converting
        // that back is undefined (it gave a negative delay).
        if (scaled >= double(maxDelay.count()))
            return std::max(maxDelay, milliseconds(0));
        return milliseconds(qint64(std::max(0.0, scaled)));
    }
    }
    Q_UNREACHABLE();
    return milliseconds(0);
}

std::chrono::milliseconds RetryPolicy::delayBeforeRetry(int retry) const
{
    const auto nominal = nominalDelay(retry);
    if (!jitter || nominal.count() <= 0)
        return nominal;
    const auto drawn = QRandomGenerator::global()->bounded(quint64(nominal.count()) + 1);
    return std::chrono::milliseconds(qint64(drawn));
}

} // namespace requeue
