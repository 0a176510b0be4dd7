// Times the job-list parsers: bench_parse [jobs] [rounds]. Exits 1 if either
// median misses the 300 ms target for 100,000 jobs (scaled for other counts).
#include "parsebench.h"

#include <QByteArray>

#include <cstdio>

int main(int argc, char **argv)
{
    const int jobs = argc > 1 ? QByteArray(argv[1]).toInt() : 100'000;
    const int rounds = argc > 2 ? QByteArray(argv[2]).toInt() : 7;
    if (jobs <= 0 || rounds <= 0) {
        std::fprintf(stderr, "usage: bench_parse [jobs] [rounds]\n");
        return 2;
    }
    const auto timings = requeue::bench::benchmarkJobListParsing(jobs, rounds);
    const double budgetMs = 300.0 * jobs / 100'000;
    std::printf("jobs %d, rounds %d, budget %.0f ms\n"
                "text: median %.1f ms wall, %.1f ms cpu\n"
                "json: median %.1f ms wall, %.1f ms cpu\n",
                timings.jobs, timings.rounds, budgetMs, timings.textMedianMs,
                timings.textCpuMedianMs, timings.jsonMedianMs, timings.jsonCpuMedianMs);
    return timings.textMedianMs < budgetMs && timings.jsonMedianMs < budgetMs ? 0 : 1;
}
