#pragma once

#include "jobstate.h"

#include <QMetaType>

#include <array>

namespace requeue {

// How many jobs are in each state. A value type; the sums live here so that
// no caller adds up states by hand.
struct StateCounts
{
    std::array<int, JobStateCount> byState {};

    int &operator[](JobState state) { return byState[size_t(state)]; }
    int operator[](JobState state) const { return byState[size_t(state)]; }
    // By int(JobState), for loops over every state.
    int &operator[](int state) { return byState[size_t(state)]; }
    int operator[](int state) const { return byState[size_t(state)]; }
    int &operator[](size_t state) { return byState[state]; }
    int operator[](size_t state) const { return byState[state]; }

    // Queued, running or waiting for a retry.
    int active() const
    {
        return (*this)[JobState::Queued] + (*this)[JobState::Running]
            + (*this)[JobState::WaitingForRetry];
    }
    // Succeeded, failed or cancelled.
    int finished() const
    {
        return (*this)[JobState::Succeeded] + (*this)[JobState::Failed]
            + (*this)[JobState::Cancelled];
    }
    int total() const { return active() + finished(); }
    static_assert(JobStateCount == 6, "active() and finished() name every state");

    auto begin() const { return byState.begin(); }
    auto end() const { return byState.end(); }

    friend bool operator==(const StateCounts &a, const StateCounts &b)
    {
        return a.byState == b.byState;
    }
    friend bool operator!=(const StateCounts &a, const StateCounts &b) { return !(a == b); }
};

} // namespace requeue

Q_DECLARE_METATYPE(requeue::StateCounts)
