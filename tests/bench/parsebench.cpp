#include "parsebench.h"

#include "jsonjoblistparser.h"
#include "textjoblistparser.h"

#include <QElapsedTimer>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <tuple>
#include <vector>

using namespace Qt::StringLiterals;

namespace requeue::bench {

QByteArray makeTextJobList(int count)
{
    QByteArray data = "# generated benchmark list\n";
    for (int i = 1; i <= count; ++i) {
        if (i % 10 == 0)
            data += "#name: job " + QByteArray::number(i) + '\n';
        data += "echo \"processing item " + QByteArray::number(i)
            + "\" && test \"$REQUEUE_ATTEMPT\" -ge 1\n";
    }
    return data;
}

QByteArray makeJsonJobList(int count)
{
    QByteArray data = "{\"defaults\": {\"backoff\": \"exp:100ms:30s\"},\n \"jobs\": [\n";
    for (int i = 1; i <= count; ++i) {
        data += "  {\"name\": \"job " + QByteArray::number(i)
            + "\", \"command\": \"echo \\\"processing item " + QByteArray::number(i)
            + "\\\"\", \"max_attempts\": 3, \"timeout\": \"30s\"}" + (i < count ? ",\n" : "\n");
    }
    data += "]}\n";
    return data;
}

namespace {

double threadCpuMs()
{
    timespec now {};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return double(now.tv_sec) * 1e3 + double(now.tv_nsec) / 1e6;
}

double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

// Returns the median wall-clock and CPU times.
template<typename Parse>
std::pair<double, double> medianMs(int rounds, int expectedJobs, Parse parse)
{
    std::vector<double> times;
    std::vector<double> cpuTimes;
    for (int round = 0; round < rounds; ++round) {
        QElapsedTimer timer;
        timer.start();
        const double cpuStart = threadCpuMs();
        const JobList list = parse();
        cpuTimes.push_back(threadCpuMs() - cpuStart);
        times.push_back(double(timer.nsecsElapsed()) / 1e6);
        if (!list.ok() || list.jobs.size() != expectedJobs) {
            std::fprintf(stderr, "benchmark list did not parse: %s\n",
                         qPrintable(list.errorText()));
            std::abort();
        }
    }
    return {median(times), median(cpuTimes)};
}

} // namespace

ParseTimings benchmarkJobListParsing(int jobs, int rounds)
{
    const QByteArray text = makeTextJobList(jobs);
    const QByteArray json = makeJsonJobList(jobs);
    ParseTimings timings;
    timings.jobs = jobs;
    timings.rounds = rounds;
    std::tie(timings.textMedianMs, timings.textCpuMedianMs)
        = medianMs(rounds, jobs, [&] { return parseTextJobList(text, u"bench.txt"_s); });
    std::tie(timings.jsonMedianMs, timings.jsonCpuMedianMs)
        = medianMs(rounds, jobs, [&] { return parseJsonJobList(json, u"bench.json"_s); });
    return timings;
}

} // namespace requeue::bench
