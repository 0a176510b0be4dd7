// GUI benchmark: how the window copes with 100,000 jobs. Not a ctest; prints
// one JSON object. Runs offscreen unless a platform is set.
//   load_ms           loading a 100,000-line job list until the table is painted
//   gui_bytes_per_job RSS growth from opening a window over 100,000 loaded jobs
//   stall_*_ms        lateness of a 5 ms timer in the GUI thread while 100,000
//                     tiny callable jobs run at full speed (table sorted by #,
//                     then by State, the worst case for the proxy)
//   disk_bytes_per_job what 2,000 process jobs leave in the run directory
//                     (blocks allocated, folders included), divided by the
//                     jobs: all silent, and one in ten printing a line
//   timeline_*_ms     one synchronous repaint of the timeline while it follows
//                     a run growing to 100,000 attempts (live), and of the
//                     whole run (fit), the last 10 s (follow), 2 s (zoomed);
//                     *_cpu_* the GUI thread's CPU time for the same repaints
//                     (what a loaded machine's wall time hides), and
//                     timeline_live_update_* adding one frame's attempts
//   load_average      the 1-minute load average at the end, to judge the rest
// `--stalls-only` runs only the GUI-thread stall case, five times (for a
// profiler). `--timeline-only` measures only the timeline; add `--nodes` for a Slurm
// run's (lanes grouped per node).
#include "jobfile.h"
#include "jobrunner.h"
#include "jobtablemodel.h"
#include "mainwindow.h"
#include "timelineview.h"

#include <QAction>
#include <QApplication>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTimer>

#include <malloc.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <vector>

using namespace requeue;

namespace {

constexpr int Jobs = 100000;

qint64 rssBytes()
{
    ::malloc_trim(0);
    QFile statm(QStringLiteral("/proc/self/statm"));
    if (!statm.open(QIODevice::ReadOnly))
        return 0;
    const QList<QByteArray> fields = statm.readAll().split(' ');
    return fields.value(1).toLongLong() * ::sysconf(_SC_PAGESIZE);
}

QString writeJobList(const QTemporaryDir &dir)
{
    const QString path = dir.filePath(QStringLiteral("jobs.txt"));
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        qFatal("cannot write %s", qPrintable(path));
    for (int i = 0; i < Jobs; ++i)
        file.write("echo job " + QByteArray::number(i) + " > /dev/null\n");
    return path;
}

void settle()
{
    for (int i = 0; i < 5; ++i)
        QCoreApplication::processEvents();
}

double loadMs(const QString &path)
{
    JobRunner runner;
    MainWindow window(&runner);
    window.show();
    settle();
    QElapsedTimer clock;
    clock.start();
    window.loadFile(path);
    window.table()->viewport()->repaint();
    const double ms = double(clock.nsecsElapsed()) / 1e6;
    if (window.table()->model()->rowCount() != Jobs)
        qFatal("loaded %d rows", window.table()->model()->rowCount());
    return ms;
}

QJsonObject memoryPerJob(const QString &path)
{
    JobRunner runner;
    {
        JobList list = loadJobList(path);
        QList<JobSpec> specs;
        for (const JobListEntry &entry : list.jobs)
            specs.append(entry.spec);
        runner.addJobs(specs);
    }
    const qint64 before = rssBytes();
    MainWindow window(&runner);
    window.show();
    settle();
    window.table()->viewport()->repaint();
    const qint64 after = rssBytes();
    return {
        {QStringLiteral("gui_bytes_per_job"), double(after - before) / Jobs},
        {QStringLiteral("model_bytes_per_row"), double(window.model()->approximateBytesPerRow())}};
}

// The table shows what the runner holds: its feed has been applied.
bool caughtUp(const JobRunner &runner, const MainWindow &window)
{
    return !window.model()->hasBacklog() && window.model()->stateCounts() == runner.stateCounts();
}

struct Stalls
{
    double p50 = 0, p99 = 0, max = 0, runMs = 0;
    int samples = 0;
};

Stalls runCallables(int sortColumn)
{
    JobRunner runner;
    QList<JobSpec> specs;
    specs.reserve(Jobs);
    for (int i = 0; i < Jobs; ++i) {
        JobSpec spec;
        spec.name = QStringLiteral("tiny %1").arg(i);
        spec.callable = [](const AttemptContext &) {
            return 0;
        };
        specs.append(spec);
    }
    runner.addJobs(specs);
    MainWindow window(&runner);
    window.show();
    window.table()->sortByColumn(sortColumn, Qt::AscendingOrder);
    settle();

    std::vector<double> lateness;
    QElapsedTimer clock;
    qint64 last = 0;
    QTimer probe;
    probe.setTimerType(Qt::PreciseTimer);
    probe.setInterval(5);
    QObject::connect(&probe, &QTimer::timeout, [&] {
        const qint64 now = clock.nsecsElapsed();
        lateness.push_back(std::max(0.0, double(now - last) / 1e6 - 5.0));
        last = now;
    });
    // Until the run is over and the table has caught up with it.
    QTimer done;
    QEventLoop loop;
    QObject::connect(&done, &QTimer::timeout, [&] {
        if (runner.isIdle() && caughtUp(runner, window))
            loop.quit();
    });
    clock.start();
    probe.start();
    done.start(50);
    runner.start();
    loop.exec();
    Stalls stalls;
    stalls.runMs = double(clock.nsecsElapsed()) / 1e6;
    stalls.samples = int(lateness.size());
    std::sort(lateness.begin(), lateness.end());
    if (!lateness.empty()) {
        stalls.p50 = lateness[lateness.size() / 2];
        stalls.p99 = lateness[std::min(lateness.size() - 1, lateness.size() * 99 / 100)];
        stalls.max = lateness.back();
    }
    return stalls;
}

void waitUntilCaughtUp(JobRunner &runner, MainWindow &window)
{
    QEventLoop loop;
    QTimer done;
    QObject::connect(&done, &QTimer::timeout, [&] {
        if (runner.isIdle() && caughtUp(runner, window))
            loop.quit();
    });
    done.start(20);
    loop.exec();
}

template<typename F>
double timeMs(F &&f)
{
    QElapsedTimer clock;
    clock.start();
    f();
    return double(clock.nsecsElapsed()) / 1e6;
}

double threadCpuMs()
{
    timespec ts {};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) / 1e6;
}

// Wall and GUI-thread CPU time of each call, in ms.
struct Samples
{
    std::vector<double> wall;
    std::vector<double> cpu;

    template<typename F>
    void time(F &&f)
    {
        const double cpuBefore = threadCpuMs();
        wall.push_back(timeMs(std::forward<F>(f)));
        cpu.push_back(threadCpuMs() - cpuBefore);
    }
};

// The 1-minute load average, to judge a noisy machine's figures.
double loadAverage()
{
    QFile file(QStringLiteral("/proc/loadavg"));
    return file.open(QIODevice::ReadOnly) ? file.readAll().split(' ').value(0).toDouble() : -1;
}

// GUI-thread time of the bulk actions on 100,000 failed jobs.
QJsonObject bulkActions()
{
    JobRunner runner;
    QList<JobSpec> specs;
    for (int i = 0; i < Jobs; ++i) {
        JobSpec spec;
        spec.name = QStringLiteral("fails %1").arg(i);
        spec.retry.maxAttempts = 1;
        spec.callable = [](const AttemptContext &) {
            return 1;
        };
        specs.append(spec);
    }
    runner.addJobs(specs);
    MainWindow window(&runner);
    window.show();
    runner.start();
    waitUntilCaughtUp(runner, window);
    const auto trigger = [&](const char *name) {
        QAction *action = window.findChild<QAction *>(QString::fromLatin1(name));
        return timeMs([&] { action->trigger(); });
    };
    QJsonObject result;
    result.insert(QStringLiteral("retry_all_failed_ms"), trigger("actionRetryFailed"));
    waitUntilCaughtUp(runner, window);
    result.insert(QStringLiteral("select_all_ms"), timeMs([&] { window.table()->selectAll(); }));
    result.insert(QStringLiteral("retry_selected_ms"), trigger("actionRetry"));
    waitUntilCaughtUp(runner, window);
    result.insert(QStringLiteral("clear_finished_ms"), trigger("actionClearFinished"));
    return result;
}

// Bytes allocated on disk for `dir` and everything below it.
qint64 diskBytes(const QString &dir)
{
    qint64 bytes = 0;
    const auto add = [&bytes](const QString &path) {
        struct stat st;
        if (::lstat(QFile::encodeName(path).constData(), &st) == 0)
            bytes += qint64(st.st_blocks) * 512;
    };
    add(dir);
    QDirIterator it(dir, QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System,
                    QDirIterator::Subdirectories);
    while (it.hasNext())
        add(it.next());
    return bytes;
}

// What a run of 2,000 process jobs (every tenth fails once; one in
// `printEvery` prints a line) leaves on disk, per job.
double diskBytesPerJob(const QTemporaryDir &dir, int printEvery)
{
    constexpr int DiskJobs = 2000;
    const QString runDir = dir.filePath(QStringLiteral("disk-%1").arg(printEvery));
    QDir().mkpath(runDir);
    JobRunner runner;
    runner.setMaxWorkers(2);
    runner.setOutputDirectory(runDir);
    QList<JobSpec> specs;
    for (int i = 1; i <= DiskJobs; ++i) {
        JobSpec spec;
        spec.retry.maxAttempts = 3;
        spec.seq = i;
        QString command = i % 10 == 0 ? QStringLiteral("test \"$REQUEUE_ATTEMPT\" -ge 2")
                                      : QStringLiteral("true");
        if (printEvery > 0 && i % printEvery == 0)
            command = QStringLiteral("echo \"job %1\"; ").arg(i) + command;
        spec.process.shellCommand = command;
        specs.append(spec);
    }
    runner.addJobs(specs);
    runner.start();
    runner.waitForIdle();
    const double perJob = double(diskBytes(runDir)) / DiskJobs;
    QDir(runDir).removeRecursively();
    return perJob;
}

struct ScriptedAttempt
{
    JobId job;
    AttemptRecord record;
};

// 100,000 attempts on 16 worker slots, 20-80 ms each; every fourth job fails
// once and every twelfth twice before succeeding, retried 100 ms later. With
// `nodes`, the slots are 4 cluster nodes of 4 and each attempt names its node.
std::vector<ScriptedAttempt> scriptedRun(qint64 t0, bool nodes)
{
    std::vector<ScriptedAttempt> attempts;
    std::vector<qint64> freeAt(16, t0);
    for (JobId job = 1; attempts.size() < size_t(Jobs); ++job) {
        const int count = 1 + (job % 4 == 0) + (job % 12 == 0);
        qint64 ready = t0;
        for (int number = 1; number <= count && attempts.size() < size_t(Jobs); ++number) {
            auto slot = std::min_element(freeAt.begin(), freeAt.end());
            AttemptRecord record;
            record.number = number;
            record.startedUs = std::max(*slot, ready);
            record.finishedUs = record.startedUs + 20000 + qint64(job * 7919 % 60000);
            record.outcome = number < count ? AttemptOutcome::ExitCode : AttemptOutcome::Succeeded;
            record.exitCode = number < count ? 1 : 0;
            if (nodes)
                record.node = QStringLiteral("node%1").arg((slot - freeAt.begin()) / 4 + 1);
            *slot = record.finishedUs;
            ready = record.finishedUs + 100000;
            attempts.push_back({job, record});
        }
    }
    std::stable_sort(attempts.begin(), attempts.end(), [](const auto &a, const auto &b) {
        return a.record.startedUs < b.record.startedUs;
    });
    return attempts;
}

QJsonObject percentiles(const QString &prefix, std::vector<double> ms)
{
    std::sort(ms.begin(), ms.end());
    return {{prefix + QStringLiteral("_p50_ms"), ms[ms.size() / 2]},
            {prefix + QStringLiteral("_p99_ms"), ms[std::min(ms.size() - 1, ms.size() * 99 / 100)]},
            {prefix + QStringLiteral("_max_ms"), ms.back()}};
}

void insertAll(QJsonObject &into, const QJsonObject &from)
{
    for (auto it = from.begin(); it != from.end(); ++it)
        into.insert(it.key(), it.value());
}

QJsonObject percentiles(const QString &prefix, const Samples &samples)
{
    QJsonObject result = percentiles(prefix, samples.wall);
    insertAll(result, percentiles(prefix + QStringLiteral("_cpu"), samples.cpu));
    return result;
}

// The timeline following a live run that grows to 100,000 attempts: 400
// frames, each adding the attempts that started (running) or ended since the
// last, then a synchronous repaint, timed. Then 200 repaints each of the
// whole run (Fit), the last 10 s (Follow) and a zoomed-in stretch. With
// `nodes`, a Slurm run: lanes per node, a running attempt on no node until it
// ends.
QJsonObject timelineRepaint(bool nodes)
{
    const qint64 t0 = nowUs();
    const std::vector<ScriptedAttempt> run = scriptedRun(t0, nodes);
    qint64 end = t0;
    for (const ScriptedAttempt &a : run)
        end = std::max(end, a.record.finishedUs);
    qint64 now = t0;
    TimelineView view;
    view.resize(1400, 600);
    view.setClock([&now] { return now; });
    view.show();
    settle();

    Samples live;
    std::vector<double> updates;
    std::vector<ScriptedAttempt> running;
    size_t next = 0;
    const int frames = 400;
    QElapsedTimer update;
    for (int frame = 1; frame <= frames; ++frame) {
        now = t0 + (end - t0) * frame / frames;
        update.start();
        for (auto it = running.begin(); it != running.end();) {
            if (it->record.finishedUs > now) {
                ++it;
                continue;
            }
            view.addAttempt(it->job, int(it->job), it->record, false);
            it = running.erase(it);
        }
        for (; next < run.size() && run[next].record.startedUs <= now; ++next) {
            const ScriptedAttempt &a = run[next];
            if (a.record.finishedUs <= now) {
                view.addAttempt(a.job, int(a.job), a.record, false);
            } else {
                AttemptRecord started = a.record;
                started.finishedUs = 0;
                started.node.clear();
                view.addAttempt(a.job, int(a.job), started, true);
                running.push_back(a);
            }
        }
        updates.push_back(double(update.nsecsElapsed()) / 1e6);
        live.time([&] { view.repaint(); });
    }
    if (view.timeline().attempts().size() != size_t(Jobs))
        qFatal("the timeline holds %zu attempts", view.timeline().attempts().size());
    QJsonObject result = percentiles(QStringLiteral("timeline_live_repaint"), live);
    insertAll(result, percentiles(QStringLiteral("timeline_live_update"), updates));
    const auto repaints = [&view] {
        Samples samples;
        for (int i = 0; i < 200; ++i)
            samples.time([&] { view.repaint(); });
        return samples;
    };
    view.fit();
    const QJsonObject fit = percentiles(QStringLiteral("timeline_fit_repaint"), repaints());
    view.setTimeRange(end - 10000000, end);
    view.setMode(TimelineView::Mode::Follow);
    const QJsonObject follow = percentiles(QStringLiteral("timeline_follow_repaint"), repaints());
    view.setTimeRange(t0 + (end - t0) / 2, t0 + (end - t0) / 2 + 2000000);
    const QJsonObject zoomed = percentiles(QStringLiteral("timeline_zoomed_repaint"), repaints());
    for (const QJsonObject &part : {fit, follow, zoomed})
        insertAll(result, part);
    result.insert(QStringLiteral("timeline_lanes"), view.timeline().laneCount());
    return result;
}

} // namespace

int main(int argc, char *argv[])
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QStandardPaths::setTestModeEnabled(true); // keep the user's settings out of it
    QCoreApplication::setOrganizationName(QStringLiteral("RequeueBench"));
    if (app.arguments().contains(QStringLiteral("--timeline-only"))) {
        QJsonObject timeline = timelineRepaint(app.arguments().contains(QStringLiteral("--nodes")));
        timeline.insert(QStringLiteral("load_average"), loadAverage());
        std::printf("%s\n", QJsonDocument(timeline).toJson(QJsonDocument::Compact).constData());
        return 0;
    }
    if (app.arguments().contains(QStringLiteral("--stalls-only"))) {
        for (int i = 0; i < 5; ++i) {
            const Stalls stalls = runCallables(JobTableModel::SeqColumn);
            std::printf("stall p50 %.1f p99 %.1f max %.1f ms, %d samples, %.0f ms\n", stalls.p50,
                        stalls.p99, stalls.max, stalls.samples, stalls.runMs);
        }
        return 0;
    }
    QTemporaryDir dir;
    const QString path = writeJobList(dir);

    QJsonObject result {{QStringLiteral("jobs"), Jobs}};
    const QJsonObject memory = memoryPerJob(path);
    for (auto it = memory.begin(); it != memory.end(); ++it)
        result.insert(it.key(), it.value());
    result.insert(QStringLiteral("load_ms"), loadMs(path));
    const Stalls bySeq = runCallables(JobTableModel::SeqColumn);
    result.insert(QStringLiteral("stall_p50_ms"), bySeq.p50);
    result.insert(QStringLiteral("stall_p99_ms"), bySeq.p99);
    result.insert(QStringLiteral("stall_max_ms"), bySeq.max);
    result.insert(QStringLiteral("stall_samples"), bySeq.samples);
    result.insert(QStringLiteral("run_until_table_caught_up_ms"), bySeq.runMs);
    const Stalls byState = runCallables(JobTableModel::StateColumn);
    result.insert(QStringLiteral("sorted_by_state_stall_p99_ms"), byState.p99);
    result.insert(QStringLiteral("sorted_by_state_stall_max_ms"), byState.max);
    result.insert(QStringLiteral("sorted_by_state_run_ms"), byState.runMs);
    result.insert(QStringLiteral("disk_bytes_per_job_silent"), diskBytesPerJob(dir, 0));
    result.insert(QStringLiteral("disk_bytes_per_job_one_in_ten_prints"), diskBytesPerJob(dir, 10));
    const QJsonObject bulk = bulkActions();
    for (auto it = bulk.begin(); it != bulk.end(); ++it)
        result.insert(it.key(), it.value());
    insertAll(result, timelineRepaint(false));
    result.insert(QStringLiteral("load_average"), loadAverage());
    std::printf("%s\n", QJsonDocument(result).toJson(QJsonDocument::Compact).constData());
    return 0;
}
