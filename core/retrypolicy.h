#pragma once

#include "attemptrecord.h"

#include <QList>

#include <chrono>

namespace requeue {

// What follows a failed attempt. A value type.
struct RetryDecision
{
    enum class Action {
        GiveUp,     // the job fails: budget used, permanent exit code, could not start
        RetryNow,   // the next attempt goes first in line
        RetryLater, // after `delay` (backoff)
    };
    Action action = Action::GiveUp;
    std::chrono::milliseconds delay {0}; // RetryLater only

    bool givesUp() const { return action == Action::GiveUp; }
};

// How a job is retried. A value type: copy it freely between threads.
struct RetryPolicy
{
    enum class Backoff { None, Fixed, Exponential };

    // Every attempt counts, the first included. 0 means unlimited.
    int maxAttempts = 3;
    Backoff backoff = Backoff::None;
    // Fixed: the delay. Exponential: the first delay, multiplied by `factor`
    // per further retry and capped at `maxDelay`.
    std::chrono::milliseconds initialDelay {0};
    double factor = 2.0;
    std::chrono::milliseconds maxDelay {std::chrono::minutes(5)};
    // Full jitter: the delay is drawn uniformly from [0, computed delay].
    bool jitter = false;
    // Exit codes that mean "permanent, do not retry".
    QList<int> permanentExitCodes;

    // THE retry decision, made live by the runner and again by --resume from
    // a joblog: after the failed attempt `record`, with `attemptsUsed`
    // attempts of the current budget made (`record`'s included). A job that
    // could not start, or exited with a permanent code, gives up at once. A
    // succeeded or cancelled attempt is never retried (a cancelled job is not
    // retried behind the user's back). Thread-safe (jitter draws from
    // QRandomGenerator::global()).
    RetryDecision decide(const AttemptRecord &record, int attemptsUsed) const;
    // True if a budget that has used `attemptsUsed` attempts may make another.
    bool allowsAnotherAttempt(int attemptsUsed) const;
    // True if `exitCode` ends the job at once.
    bool isPermanent(int exitCode) const { return permanentExitCodes.contains(exitCode); }
    // The delay before retry number `retry` (1 = the first retry), without jitter.
    std::chrono::milliseconds nominalDelay(int retry) const;
    // The delay before retry number `retry`, with jitter applied if enabled.
    // Thread-safe (uses QRandomGenerator::global()).
    std::chrono::milliseconds delayBeforeRetry(int retry) const;
};

} // namespace requeue
