#include "recordedruns.h"

#include "jobrunner.h"
#include "runinfo.h"
#include "runrecorder.h"

#include <chrono>
#include <memory>
#include <sys/resource.h>

namespace requeue::bench {

namespace {

using Clock = std::chrono::steady_clock;

double msSince(Clock::time_point start)
{
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

double cpuMs(int who)
{
    rusage usage {};
    ::getrusage(who, &usage);
    const auto ms = [](const timeval &t) {
        return double(t.tv_sec) * 1e3 + double(t.tv_usec) / 1e3;
    };
    return ms(usage.ru_utime) + ms(usage.ru_stime);
}

} // namespace

QList<JobSpec> listedJobs(int count)
{
    QList<JobSpec> specs;
    specs.reserve(count);
    for (int seq = 1; seq <= count; ++seq) {
        JobSpec spec;
        spec.seq = seq;
        spec.process.shellCommand = QStringLiteral("process --item %1").arg(seq);
        specs.append(spec);
    }
    return specs;
}

QList<JobSpec> runnableJobs(const QList<JobSpec> &listed, bool processes)
{
    QList<JobSpec> specs = listed;
    for (JobSpec &spec : specs) {
        const bool flaky = spec.seq % 2 == 1;
        if (processes) {
            spec.process.shellCommand
                = flaky ? QStringLiteral("test $REQUEUE_ATTEMPT -gt 1") : QStringLiteral("true");
            continue;
        }
        spec.callable = [flaky](const AttemptContext &context) {
            return flaky && context.attempt == 1 ? 1 : 0;
        };
    }
    return specs;
}

double runJobs(const QList<JobSpec> &listed, bool processes, const QString &runDir,
               const QString &outputDir, RunCost *cost)
{
    QList<JobSpec> specs = runnableJobs(listed, processes);
    const double selfBefore = cpuMs(RUSAGE_SELF);
    const double childrenBefore = cpuMs(RUSAGE_CHILDREN);
    const auto start = Clock::now();
    RunRecorder recorder;
    auto runner = std::make_unique<JobRunner>();
    runner->setMaxWorkers(2);
    runner->setOutputDirectory(outputDir);
    if (!runDir.isEmpty()) {
        RunInfo info;
        info.version = QStringLiteral("bench");
        info.jobs = listed;
        info.workers = 2;
        QString error;
        if (!recorder.start(runDir, info, &error))
            qFatal("bench: run directory: %s", qPrintable(error));
        recorder.follow(runner.get());
        runner->setOutputDirectory(recorder.outputDirectory());
    }
    runner->addJobs(std::move(specs));
    runner->start();
    runner->waitForIdle();
    runner.reset(); // its last events reach the journal before the end record
    if (!runDir.isEmpty())
        recorder.finish(QStringLiteral("finished"));
    const double wall = msSince(start);
    if (cost)
        *cost = {wall, cpuMs(RUSAGE_SELF) - selfBefore, cpuMs(RUSAGE_CHILDREN) - childrenBefore};
    return wall;
}

} // namespace requeue::bench
