#pragma once

#include <QByteArray>

namespace requeue::bench {

// Job lists of `count` jobs, like the ones people write: a command with a
// number in it, and (JSON) a name and two settings per job.
QByteArray makeTextJobList(int count);
QByteArray makeJsonJobList(int count);

struct ParseTimings
{
    int jobs = 0;
    int rounds = 0;
    double textMedianMs = 0; // parseTextJobList(), wall clock, median over `rounds`
    double jsonMedianMs = 0; // parseJsonJobList(), wall clock, median over `rounds`
    // The same in CPU time of the parsing thread: steadier on a busy machine.
    double textCpuMedianMs = 0;
    double jsonCpuMedianMs = 0;
};

// Parses the lists above `rounds` times each and returns the median times.
// Targets: 100,000 jobs in under 300 ms each, in a release build. Aborts (a
// failed Q_ASSERT-free check, printed to stderr) if a list does not parse.
ParseTimings benchmarkJobListParsing(int jobs = 100'000, int rounds = 7);

} // namespace requeue::bench
