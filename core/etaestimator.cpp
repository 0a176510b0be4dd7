#include "etaestimator.h"

#include <algorithm>
#include <cmath>

namespace requeue {

namespace {

constexpr double SmallestBucketSeconds = 0.001;
constexpr int BucketsPerOctave = 4;

} // namespace

int EtaEstimator::bucketOf(double seconds)
{
    if (!(seconds > SmallestBucketSeconds)) // NaN goes to the first bucket too
        return 0;
    const double index = std::floor(BucketsPerOctave * std::log2(seconds / SmallestBucketSeconds));
    return int(std::min(index, double(BucketCount - 1)));
}

void EtaEstimator::addFinished(double seconds)
{
    seconds = std::max(0.0, seconds);
    Bucket &bucket = m_buckets[size_t(bucketOf(seconds))];
    ++bucket.count;
    bucket.sum += seconds;
    ++m_finished;
    m_sum += seconds;
}

void EtaEstimator::clear()
{
    *this = EtaEstimator();
}

std::optional<double> EtaEstimator::expectedRemaining(double elapsed) const
{
    if (m_finished == 0)
        return std::nullopt;
    elapsed = std::max(0.0, elapsed);
    // The finished jobs that ran longer than this one has: a bucket counts
    // whole when its mean lies beyond `elapsed`.
    int count = 0;
    double sum = 0;
    for (int i = bucketOf(elapsed); i < BucketCount; ++i) {
        const Bucket &bucket = m_buckets[size_t(i)];
        if (bucket.count > 0 && bucket.sum / bucket.count > elapsed) {
            count += bucket.count;
            sum += bucket.sum;
        }
    }
    if (count == 0)
        return elapsed; // longer than any finished job: only a lower bound is known
    return sum / count - elapsed;
}

std::optional<double> EtaEstimator::remainingSeconds(const QList<double> &runningElapsed,
                                                     int queued, int workers) const
{
    if (m_finished == 0)
        return std::nullopt;
    double longest = 0;
    double runningWork = 0;
    double runningTotals = 0; // expected durations of the running jobs
    for (double elapsed : runningElapsed) {
        const double rest = *expectedRemaining(elapsed);
        longest = std::max(longest, rest);
        runningWork += rest;
        runningTotals += std::max(0.0, elapsed) + rest;
    }
    queued = std::max(0, queued);
    const double mean = (m_sum + runningTotals) / double(m_finished + runningElapsed.size());
    if (queued > 0)
        longest = std::max(longest, mean);
    const double spread = (runningWork + queued * mean) / double(std::max(1, workers));
    return std::max(longest, spread);
}

} // namespace requeue
