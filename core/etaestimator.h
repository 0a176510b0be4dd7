#pragma once

#include <QList>

#include <array>
#include <optional>

namespace requeue {

// Estimates how long the active jobs of a run still take, from how long the
// finished ones took. Both front ends use it (the terminal progress bar and
// the window's status bar). Pure: the caller passes every time in, so it
// needs no clock and no runner.
//
// The rules:
// - No estimate until a job has finished: there is nothing to go on.
// - A running job's elapsed time is a lower bound of its duration: it is
//   expected to take as long as the finished jobs that ran longer than it
//   has so far took on average; if none did, as long again as it has run.
// - A job not started yet takes the mean duration, the running jobs counted
//   at their expected durations; the work is spread over the workers, but
//   never finishes before the longest single piece of it.
//
// Durations are kept in logarithmic buckets (four per octave, from 1 ms), so
// memory does not grow with the number of jobs and an estimate costs the
// same after a million jobs as after ten; a duration is known to about 19%.
//
// Thread affinity: none; a value type with no internal locking.
class EtaEstimator
{
public:
    // A job took `seconds` from its first start to its end. Jobs that never
    // ran or were cancelled say nothing about how long jobs take: leave them out.
    void addFinished(double seconds);
    int finishedCount() const { return m_finished; }
    void clear();

    // Seconds until every active job is done: `runningElapsed` holds how long
    // each running job has run so far, `queued` counts the jobs that have not
    // started (or wait to be retried), `workers` how many run at once.
    // nullopt until a job has finished; 0 when nothing is active.
    std::optional<double> remainingSeconds(const QList<double> &runningElapsed, int queued,
                                           int workers) const;

    // How much longer a job that has run `elapsed` seconds is expected to
    // run; nullopt until a job has finished.
    std::optional<double> expectedRemaining(double elapsed) const;

private:
    static constexpr int BucketCount = 128; // 1 ms * 2^(128/4): about 50 days
    struct Bucket
    {
        int count = 0;
        double sum = 0; // seconds
    };
    static int bucketOf(double seconds);

    std::array<Bucket, BucketCount> m_buckets {};
    int m_finished = 0;
    double m_sum = 0;
};

} // namespace requeue
