// The run directory's benchmark: recording a run of 100,000 no-op jobs and
// 150,000 attempts (every other job fails once) and one of 2,000 tiny
// processes (the same failures), and reading the first back as a viewer does
// (readRunDirectory: run.json and the whole journal). Baselines from the same
// run: the same jobs without a recorder, and reading the same files' bytes
// line by line without parsing them. Medians; prints one JSON object
// (spawn_recorder_ratio_paired: the median of each repetition's own ratio;
// spawn_*_cpu_ms: the processor time of Requeue's process and of the jobs).
//
//   bench_runs [--jobs N] [--spawn-jobs N] [--repetitions N] [--only-spawned bare|recorded]
#include "recordedruns.h"
#include "runhistory.h"
#include "runinfo.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <vector>

using namespace requeue;
using namespace requeue::bench;
using Clock = std::chrono::steady_clock;

namespace {

double msSince(Clock::time_point start)
{
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    return values.empty() ? 0 : values[values.size() / 2];
}

// The baseline of reading: every byte of run.json and the journal, split
// into lines, nothing parsed.
qsizetype rawRead(const QString &runDir)
{
    qsizetype lines = 0;
    for (const char *name : {"run.json", "events"}) {
        QFile file(QDir(runDir).filePath(QLatin1String(name)));
        if (!file.open(QIODevice::ReadOnly))
            qFatal("bench_runs: cannot read %s", qPrintable(file.fileName()));
        const QByteArray bytes = file.readAll();
        lines += bytes.count('\n');
    }
    return lines;
}

// Each repetition's ratio: the two runs of a pair ran back to back, so a
// machine that slows down for a while slows both.
std::vector<double> pairedRatios(const std::vector<double> &over, const std::vector<double> &under)
{
    std::vector<double> ratios;
    for (size_t i = 0; i < over.size() && i < under.size(); ++i)
        ratios.push_back(over[i] / under[i]);
    return ratios;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    const auto intArg = [&](const char *name, int fallback) {
        const int at = int(args.indexOf(QLatin1String(name)));
        return at > 0 && at + 1 < args.size() ? args.at(at + 1).toInt() : fallback;
    };
    const int jobs = intArg("--jobs", 100'000);
    const int reps = intArg("--repetitions", 3);
    const int spawnJobs = intArg("--spawn-jobs", 2'000);
    const QList<JobSpec> listed = listedJobs(jobs);
    // --only-spawned bare|recorded: the processes' runs of one kind, to profile.
    const int onlyAt = int(args.indexOf(QLatin1String("--only-spawned")));
    const QString only = onlyAt > 0 && onlyAt + 1 < args.size() ? args.at(onlyAt + 1) : QString();

    QTemporaryDir temp;
    std::vector<double> bare, recorded, spawnBare, spawnRecorded, reads, raws;
    std::vector<double> spawnBareCpu, spawnRecordedCpu, spawnBareChildrenCpu,
        spawnRecordedChildrenCpu;
    QString lastRun;
    const QList<JobSpec> spawned = listedJobs(spawnJobs);
    for (int i = 0; i < reps; ++i) {
        bare.push_back(runJobs(listed, false, QString(), QString()));
        lastRun = temp.filePath(QStringLiteral("run-%1").arg(i));
        recorded.push_back(runJobs(listed, false, lastRun, QString()));
        // In turns, each run's files removed after it: the second of two runs
        // in a row would find a fuller file system and a warmer cache.
        const QString outputs = temp.filePath(QStringLiteral("out-%1").arg(i));
        const QString spawnedRun = temp.filePath(QStringLiteral("spawned-%1").arg(i));
        const auto bareSpawn = [&] {
            if (only == QLatin1String("recorded"))
                return;
            RunCost cost;
            spawnBare.push_back(runJobs(spawned, true, QString(), outputs, &cost));
            spawnBareCpu.push_back(cost.selfCpuMs);
            spawnBareChildrenCpu.push_back(cost.childrenCpuMs);
            QDir(outputs).removeRecursively();
        };
        const auto recordedSpawn = [&] {
            if (only == QLatin1String("bare"))
                return;
            RunCost cost;
            spawnRecorded.push_back(runJobs(spawned, true, spawnedRun, QString(), &cost));
            spawnRecordedCpu.push_back(cost.selfCpuMs);
            spawnRecordedChildrenCpu.push_back(cost.childrenCpuMs);
            QDir(spawnedRun).removeRecursively();
        };
        if (i % 2 == 0) {
            bareSpawn();
            recordedSpawn();
        } else {
            recordedSpawn();
            bareSpawn();
        }
    }
    // run.json alone: made and parsed as the recorder and readers do.
    std::vector<double> infoWrites, infoReads;
    for (int i = 0; i < reps; ++i) {
        RunInfo info;
        info.jobs = listed;
        auto start = Clock::now();
        const QByteArray json = info.toJsonText();
        infoWrites.push_back(msSince(start));
        start = Clock::now();
        RunInfo back;
        QString error;
        if (!RunInfo::fromJson(QJsonDocument::fromJson(json).object(), &back, &error))
            qFatal("bench_runs: run.json: %s", qPrintable(error));
        infoReads.push_back(msSince(start));
    }
    RunHistory history;
    qsizetype lines = 0;
    for (int i = 0; i < reps; ++i) {
        auto start = Clock::now();
        lines = rawRead(lastRun);
        raws.push_back(msSince(start));
        start = Clock::now();
        history = readRunDirectory(lastRun);
        reads.push_back(msSince(start));
    }
    int attempts = 0;
    for (const RunJob &job : history.jobs)
        attempts += job.attempts;
    if (history.jobs.size() != jobs || !history.errors.isEmpty())
        qFatal("bench_runs: read %d jobs and %d errors", int(history.jobs.size()),
               int(history.errors.size()));

    const QJsonObject result {
        {QStringLiteral("jobs"), jobs},
        {QStringLiteral("attempts"), attempts},
        {QStringLiteral("lines"), qint64(lines)},
        {QStringLiteral("journal_bytes"),
         QFileInfo(QDir(lastRun).filePath(QStringLiteral("events"))).size()},
        {QStringLiteral("run_bare_ms"), median(bare)},
        {QStringLiteral("run_recorded_ms"), median(recorded)},
        {QStringLiteral("recorder_ratio"), median(recorded) / median(bare)},
        {QStringLiteral("spawn_jobs"), spawnJobs},
        {QStringLiteral("spawn_bare_ms"), median(spawnBare)},
        {QStringLiteral("spawn_recorded_ms"), median(spawnRecorded)},
        {QStringLiteral("spawn_recorder_ratio"), median(spawnRecorded) / median(spawnBare)},
        {QStringLiteral("spawn_recorder_ratio_paired"),
         median(pairedRatios(spawnRecorded, spawnBare))},
        // Processor time: Requeue's own (runner and recorder) and the jobs'.
        {QStringLiteral("spawn_bare_cpu_ms"), median(spawnBareCpu)},
        {QStringLiteral("spawn_recorded_cpu_ms"), median(spawnRecordedCpu)},
        {QStringLiteral("spawn_bare_jobs_cpu_ms"), median(spawnBareChildrenCpu)},
        {QStringLiteral("spawn_recorded_jobs_cpu_ms"), median(spawnRecordedChildrenCpu)},
        {QStringLiteral("read_ms"), median(reads)},
        {QStringLiteral("run_json_write_ms"), median(infoWrites)},
        {QStringLiteral("run_json_read_ms"), median(infoReads)},
        {QStringLiteral("raw_read_ms"), median(raws)},
        {QStringLiteral("read_ratio"), median(reads) / median(raws)},
        {QStringLiteral("repetitions"), reps},
    };
    std::printf("%s\n", QJsonDocument(result).toJson(QJsonDocument::Compact).constData());
    return 0;
}
