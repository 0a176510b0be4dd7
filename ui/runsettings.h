#pragma once

#include "retrypolicy.h"

#include <chrono>

class QSettings;

namespace requeue {

struct JobDefaults;
struct JobListEntry;

// What the run settings panel holds: the worker count (applied to the runner
// at once) and the defaults given to jobs loaded afterwards, for the settings
// their job file left out. A value type, remembered with QSettings.
struct RunSettings
{
    // The range of slurmPoll the settings accept, in ms.
    static constexpr qint64 MinSlurmPollMs = 100;
    static constexpr qint64 MaxSlurmPollMs = 600'000;

    // Where the jobs run: this computer, or one Slurm batch job per attempt.
    enum class Backend { Local, Slurm };

    Backend backend = Backend::Local;
    int workers = 4;
    int maxAttempts = 3; // 0: unlimited
    RetryPolicy::Backoff backoff = RetryPolicy::Backoff::None;
    std::chrono::milliseconds delay {1000}; // first (or fixed) backoff delay
    std::chrono::milliseconds timeout {0};  // per attempt; 0: none
    // Slurm: how often one `squeue` asks about the run's jobs (a run's own,
    // from its run.json, once opened).
    std::chrono::milliseconds slurmPoll {5000};
    // Run directories kept: the newest this many (a live run is never
    // removed); 0 keeps them all.
    int keepRuns = 100;
    // And at most this many MiB of them in all; 0: no limit.
    int keepRunsMiB = 0;

    // Reads the "run/" keys; missing keys keep the defaults above (workers:
    // one per CPU).
    static RunSettings load(const QSettings &settings);
    void save(QSettings &settings) const;
    // The defaults for what a job file leaves out.
    JobDefaults jobDefaults() const;
    // Fills in what `entry`'s job file did not set.
    void applyTo(JobListEntry &entry) const;

    bool operator==(const RunSettings &other) const;
    bool operator!=(const RunSettings &other) const { return !(*this == other); }
};

} // namespace requeue
