#pragma once

// Runs for the run-directory benchmarks (bench_runs, bench_runwindow): a
// job list as run.json keeps it, and the same jobs run and recorded.

#include "jobspec.h"

#include <QList>
#include <QString>

namespace requeue::bench {

// `count` jobs as a list file would give them: run.json stores these.
QList<JobSpec> listedJobs(int count);
// The same jobs to run: callables that return at once (the journal's
// harshest case), odd jobs failing their first attempt; or `/bin/true` and
// `/bin/false` processes, odd jobs failing once.
QList<JobSpec> runnableJobs(const QList<JobSpec> &listed, bool processes);
// What one run took: wall time, the processor time of this process (the
// runner and the recorder) and that of the jobs it waited for. Milliseconds.
struct RunCost
{
    double wallMs = 0;
    double selfCpuMs = 0;
    double childrenCpuMs = 0;
};

// Runs the jobs on 2 workers, recorded in `runDir` unless it is empty;
// returns the milliseconds it took, and with `cost`, the processor time too.
double runJobs(const QList<JobSpec> &listed, bool processes, const QString &runDir,
               const QString &outputDir, RunCost *cost = nullptr);

} // namespace requeue::bench
