#pragma once

#include <QString>

#include <optional>

namespace requeue {

// One frame of the terminal progress bar. A value type, made and rendered on
// the main thread.
struct ProgressFrame
{
    int total = 0; // jobs in the run
    int done = 0;  // in a terminal state
    int running = 0;
    int failed = 0;
    int retries = 0; // attempts after each job's first
    double elapsedSeconds = 0;
    std::optional<double> etaSeconds; // from EtaEstimator; none: no ETA shown

    // "[####......]  12/40  2 running  1 failed  3 retries  4.1/s  ETA 7s",
    // no wider than `width` columns (the bar shrinks first, then the tail goes).
    QString render(int width) const;
};

// "7s", "3m05s", "2h03m".
QString formatEta(double seconds);

} // namespace requeue
