// The engine's benchmark: each figure is a ratio against a baseline measured
// in the same run (a bare QThreadPool, a bare posix_spawn loop), medians over
// several repetitions. Prints one JSON object. See README "Benchmarks".
// spawn_ratio's baseline does the same work as the runner, output files
// included; spawn_ratio_vs_devnull's throws the output away. Both are measured
// with the output on the temporary folder's disk and, as `_tmpfs`, on
// /dev/shm when that is a tmpfs: there the disk's own cost, which both sides
// pay, is out of the way. spawn_mkdir_us says how fast the disk made a
// folder in that run. spawn_ratio_vs_sh runs plain program calls
// (/bin/true), which the runner spawns without a shell, against a bare loop
// that runs them through `sh -c`.
#include "future.h"
#include "jobrunner.h"

#include <QCoreApplication>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSemaphore>
#include <QTemporaryDir>
#include <QThread>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

extern char **environ;

using namespace requeue;
using Clock = std::chrono::steady_clock;

namespace {

double secondsSince(Clock::time_point start)
{
    return std::chrono::duration<double>(Clock::now() - start).count();
}

double median(std::vector<double> values)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    const size_t n = values.size();
    return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

double percentile(std::vector<double> values, double p)
{
    std::sort(values.begin(), values.end());
    return values[std::min(values.size() - 1, size_t(p * double(values.size())))];
}

// Every tenth job fails its first attempt.
bool failsThisAttempt(quint64 job, int attempt)
{
    return job % 10 == 0 && attempt == 1;
}

// --- dispatch: 100,000 no-op callables on 2 workers

double runnerDispatch(int jobs)
{
    JobRunner runner;
    runner.setMaxWorkers(2);
    QList<JobSpec> specs;
    specs.reserve(jobs);
    JobSpec spec;
    spec.retry.maxAttempts = 3;
    spec.callable = [](const AttemptContext &c) {
        return failsThisAttempt(c.jobId, c.attempt) ? 1 : 0;
    };
    for (int i = 0; i < jobs; ++i)
        specs.append(spec);
    const auto start = Clock::now();
    runner.addJobs(std::move(specs)); // handed over as a loader does, not copied
    runner.start();
    runner.waitForIdle();
    return secondsSince(start);
}

double poolDispatch(int jobs)
{
    QThreadPool pool;
    pool.setMaxThreadCount(2);
    const auto start = Clock::now();
    std::function<void(quint64, int)> submit = [&](quint64 job, int attempt) {
        pool.start([&submit, job, attempt] {
            if (failsThisAttempt(job, attempt))
                submit(job, attempt + 1); // the same immediate retry, by hand
        });
    };
    for (int i = 1; i <= jobs; ++i)
        submit(quint64(i), 1);
    pool.waitForDone();
    return secondsSince(start);
}

// --- spawn: 2,000 tiny shell jobs on 2 workers

// Every other job prints a line: its attempts keep a stdout file.
bool printsOutput(quint64 job)
{
    return job % 2 == 1;
}

std::string shellFor(quint64 job)
{
    const std::string command = job % 10 == 0 ? "test \"$REQUEUE_ATTEMPT\" -ge 2" : "true";
    return printsOutput(job) ? "echo " + std::to_string(job) + "; " + command : command;
}

// A plain program call, which the runner spawns without a shell; the bare
// loop runs it through `sh -c` as a shell-only runner would.
constexpr char PlainCommand[] = "/bin/true";

std::string commandFor(quint64 job, bool plain)
{
    return plain ? std::string(PlainCommand) : shellFor(job);
}

double runnerSpawn(int jobs, const QString &outputDir, bool plain = false)
{
    JobRunner runner;
    runner.setMaxWorkers(2);
    runner.setOutputDirectory(outputDir);
    QList<JobSpec> specs;
    for (int i = 1; i <= jobs; ++i) {
        JobSpec spec;
        spec.retry.maxAttempts = 3;
        spec.process.shellCommand = QString::fromStdString(commandFor(quint64(i), plain));
        specs.append(spec);
    }
    const auto start = Clock::now();
    runner.addJobs(std::move(specs)); // handed over as a loader does, not copied
    runner.start();
    runner.waitForIdle();
    return secondsSince(start);
}

// Runs one attempt; with `outputDir`, the output files the runner keeps are
// made as it makes them (`<outputDir>/<job>/<attempt>/stdout` for a job that
// prints), else everything goes to /dev/null.
int spawnAndWait(const std::string &command, quint64 job, int attempt, const std::string &outputDir)
{
    const std::string attemptVar = "REQUEUE_ATTEMPT=" + std::to_string(attempt);
    std::vector<char *> envp;
    for (char **e = environ; *e; ++e)
        envp.push_back(*e);
    envp.push_back(const_cast<char *>(attemptVar.c_str()));
    envp.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    std::string out = "/dev/null", err = "/dev/null";
    if (!outputDir.empty() && printsOutput(job)) {
        const std::string jobDir = outputDir + '/' + std::to_string(job);
        const std::string attemptDir = jobDir + '/' + std::to_string(attempt);
        mkdir(jobDir.c_str(), 0700);
        mkdir(attemptDir.c_str(), 0700);
        out = attemptDir + "/stdout";
    }
    const int flags = O_WRONLY | O_CREAT | O_TRUNC;
    posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), flags, 0600);
    posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), flags, 0600);
    char *argv[] = {const_cast<char *>("sh"), const_cast<char *>("-c"),
                    const_cast<char *>(command.c_str()), nullptr};
    pid_t pid = -1;
    int status = -1;
    if (posix_spawn(&pid, "/bin/sh", &actions, nullptr, argv, envp.data()) == 0)
        waitpid(pid, &status, 0);
    posix_spawn_file_actions_destroy(&actions);
    return status;
}

double bareSpawn(int jobs, const std::string &outputDir, bool plain = false)
{
    std::atomic_int next {1};
    const auto start = Clock::now();
    auto worker = [&] {
        for (int job = next++; job <= jobs; job = next++) {
            for (int attempt = 1; attempt <= 3; ++attempt) {
                if (spawnAndWait(commandFor(quint64(job), plain), quint64(job), attempt, outputDir)
                    == 0)
                    break;
            }
        }
    };
    std::thread a(worker), b(worker);
    a.join();
    b.join();
    return secondsSince(start);
}

// The time to make a folder under `parent`, in microseconds (median of 200,
// each in a fresh folder as an attempt's output folder is; removed after).
double mkdirMicroseconds(const QString &parent)
{
    const std::string base = QString(parent + QStringLiteral("/mkdir-probe")).toStdString();
    mkdir(base.c_str(), 0700);
    std::vector<double> times;
    for (int i = 0; i < 200; ++i) {
        const std::string dir = base + '/' + std::to_string(i);
        const auto start = Clock::now();
        mkdir(dir.c_str(), 0700);
        times.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
    }
    for (int i = 0; i < 200; ++i)
        rmdir((base + '/' + std::to_string(i)).c_str());
    rmdir(base.c_str());
    return median(times);
}

// One repetition with the output under `parent`: how fast that file system
// made a folder just before, then the bare loop keeping the output files,
// then the runner.
struct SpawnWithFiles
{
    double mkdirUs;
    double bare;
    double runner;
};

SpawnWithFiles spawnWithFiles(int jobs, const QString &parent, int repetition)
{
    const QString dir = parent + QStringLiteral("/%1").arg(repetition);
    const std::string bareDir = QString(dir + QStringLiteral("-bare")).toStdString();
    mkdir(bareDir.c_str(), 0700);
    const double mkdirUs = mkdirMicroseconds(parent);
    const double bare = bareSpawn(jobs, bareDir);
    const double runner = runnerSpawn(jobs, dir);
    return {mkdirUs, bare, runner};
}

// /dev/shm when it is a tmpfs, else empty.
QString tmpfsFolder()
{
    struct statfs info;
    constexpr long TmpfsMagic = 0x01021994;
    return statfs("/dev/shm", &info) == 0 && long(info.f_type) == TmpfsMagic
        ? QStringLiteral("/dev/shm")
        : QString();
}

// --- retry latency: failure to next start with a free worker

std::pair<double, double> retryLatencyUs(int retries)
{
    JobRunner runner;
    runner.setMaxWorkers(2);
    std::vector<Clock::time_point> started(size_t(retries) + 2), ended(size_t(retries) + 2);
    JobSpec spec;
    spec.retry.maxAttempts = 0;
    spec.callable = [&](const AttemptContext &c) {
        started[size_t(c.attempt)] = Clock::now();
        const int result = c.attempt > retries ? 0 : 1;
        ended[size_t(c.attempt)] = Clock::now();
        return result;
    };
    runner.addJob(spec);
    runner.start();
    runner.waitForIdle();
    std::vector<double> gaps;
    for (int attempt = 2; attempt <= retries + 1; ++attempt) {
        gaps.push_back(std::chrono::duration<double, std::micro>(started[size_t(attempt)]
                                                                 - ended[size_t(attempt - 1)])
                           .count());
    }
    return {percentile(gaps, 0.50), percentile(gaps, 0.99)};
}

// --- retry latency with a slow observer: both workers busy, 1 ms attempts

// p99 of failure-to-next-start over two jobs that fail `retries` times each;
// with `slowObserver`, a direct-connected attemptFinished observer takes 1 ms
// (a joblog on a slow disk). Observers run on the runner's emitter thread,
// after the retry was handed over, so it should hardly matter.
double observedRetryLatencyP99Us(int retries, bool slowObserver)
{
    using namespace std::chrono_literals;
    JobRunner runner;
    runner.setMaxWorkers(2);
    if (slowObserver) {
        QObject::connect(
            &runner, &JobRunner::attemptFinished, &runner,
            [](JobId, const AttemptRecord &) { std::this_thread::sleep_for(1ms); },
            Qt::DirectConnection);
    }
    const size_t attempts = size_t(retries) + 2;
    std::vector<Clock::time_point> started(2 * attempts), ended(2 * attempts);
    JobSpec spec;
    spec.retry.maxAttempts = 0;
    spec.callable = [&](const AttemptContext &c) {
        const size_t slot = size_t(c.jobId - 1) * attempts + size_t(c.attempt);
        started[slot] = Clock::now();
        std::this_thread::sleep_for(1ms); // the job's own work
        ended[slot] = Clock::now();
        return c.attempt > retries ? 0 : 1;
    };
    runner.addJobs({spec, spec});
    runner.start();
    runner.waitForIdle();
    std::vector<double> gaps;
    for (size_t job = 0; job < 2; ++job) {
        for (size_t attempt = 2; attempt <= size_t(retries) + 1; ++attempt) {
            const size_t slot = job * attempts + attempt;
            gaps.push_back(
                std::chrono::duration<double, std::micro>(started[slot] - ended[slot - 1]).count());
        }
    }
    return percentile(gaps, 0.99);
}

// --- the classic case: A (20 ms, fails 9 times) beside a long B, 2 workers

double classicCase()
{
    using namespace std::chrono_literals;
    const auto attemptTime = 20ms;
    JobRunner runner;
    runner.setMaxWorkers(2);
    QSemaphore releaseB;
    Clock::time_point aDone;
    JobSpec b;
    b.retry.maxAttempts = 1;
    b.callable = [&](const AttemptContext &) {
        return releaseB.tryAcquire(1, 10'000) ? 0 : 1;
    };
    JobSpec a;
    a.retry.maxAttempts = 10;
    a.callable = [&](const AttemptContext &c) {
        std::this_thread::sleep_for(attemptTime);
        if (c.attempt < 10)
            return 1;
        aDone = Clock::now();
        releaseB.release();
        return 0;
    };
    runner.addJob(b);
    const auto start = Clock::now();
    runner.addJob(a);
    runner.start();
    runner.waitForIdle();
    return std::chrono::duration<double>(aDone - start).count()
        / std::chrono::duration<double>(10 * attemptTime).count();
}

// The 1-minute load average, to judge a noisy machine's figures.
double loadAverage()
{
    QFile file(QStringLiteral("/proc/loadavg"));
    return file.open(QIODevice::ReadOnly) ? file.readAll().split(' ').value(0).toDouble() : -1;
}

// --- future: 100,000 no-op callables through requeue::run() against the
// same through QtConcurrent::run(), 2 workers each, every future waited for

double waitForAll(QList<QFuture<void>> &futures, Clock::time_point start)
{
    for (QFuture<void> &future : futures)
        future.waitForFinished();
    return secondsSince(start);
}

double requeueFutures(int jobs)
{
    JobRunner runner;
    runner.setMaxWorkers(2);
    runner.start();
    RetryPolicy policy;
    QList<QFuture<void>> futures;
    futures.reserve(jobs);
    const auto start = Clock::now();
    for (int i = 0; i < jobs; ++i)
        futures.append(requeue::run(&runner, policy, [] {}));
    return waitForAll(futures, start);
}

double concurrentFutures(int jobs)
{
    QThreadPool pool;
    pool.setMaxThreadCount(2);
    QList<QFuture<void>> futures;
    futures.reserve(jobs);
    const auto start = Clock::now();
    for (int i = 0; i < jobs; ++i)
        futures.append(QtConcurrent::run(&pool, [] {}));
    return waitForAll(futures, start);
}

template<typename F>
std::vector<double> repeat(int times, F f)
{
    std::vector<double> values;
    for (int i = 0; i < times; ++i)
        values.push_back(f());
    return values;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    const bool quick = args.contains(QStringLiteral("--quick"));
    // --only dispatch|future|spawn|latency|observer|classic: one section, for profiling.
    const int onlyAt = int(args.indexOf(QStringLiteral("--only")));
    const QString only = onlyAt > 0 && onlyAt + 1 < args.size() ? args.at(onlyAt + 1) : QString();
    const auto wanted = [&](const char *section) {
        return only.isEmpty() || only == QLatin1String(section);
    };
    const int reps = quick ? 1 : 5;
    const int dispatchJobs = quick ? 10'000 : 100'000;
    const int spawnJobs = quick ? 200 : 2'000;
    QTemporaryDir outputs;

    std::vector<double> dispatchPool, dispatchRunner;
    std::vector<double> dispatchRatios, spawnRatios, spawnRatiosDevNull, spawnRatiosVsSh;
    std::vector<double> spawnBare, spawnRunner, spawnBareDevNull;
    std::vector<double> p50s, p99s, classic;
    std::vector<double> observedP99s, unobservedP99s, observerRatios;
    for (int i = 0; wanted("dispatch") && i < reps; ++i) {
        const double pool = poolDispatch(dispatchJobs);
        const double runner = runnerDispatch(dispatchJobs);
        dispatchPool.push_back(pool * 1000);
        dispatchRunner.push_back(runner * 1000);
        dispatchRatios.push_back(runner / pool);
    }
    std::vector<double> futureRequeue, futureConcurrent, futureRatios;
    for (int i = 0; wanted("future") && i < reps; ++i) {
        const double concurrent = concurrentFutures(dispatchJobs);
        const double requeue = requeueFutures(dispatchJobs);
        futureConcurrent.push_back(concurrent * 1000);
        futureRequeue.push_back(requeue * 1000);
        futureRatios.push_back(requeue / concurrent);
    }
    const QString tmpfs = tmpfsFolder();
    QTemporaryDir tmpfsOutputs(tmpfs + QStringLiteral("/bench_core-XXXXXX"));
    const bool onTmpfs = !tmpfs.isEmpty() && tmpfsOutputs.isValid();
    std::vector<double> spawnRatiosTmpfs, spawnRatiosDevNullTmpfs, mkdirUs, mkdirUsTmpfs;
    for (int i = 0; wanted("spawn") && i < std::max(1, reps - 2); ++i) {
        const SpawnWithFiles disk = spawnWithFiles(spawnJobs, outputs.path(), i);
        const double bareDevNull = bareSpawn(spawnJobs, {});
        mkdirUs.push_back(disk.mkdirUs);
        spawnBare.push_back(disk.bare * 1000);
        spawnRunner.push_back(disk.runner * 1000);
        spawnBareDevNull.push_back(bareDevNull * 1000);
        spawnRatios.push_back(disk.runner / disk.bare);
        spawnRatiosDevNull.push_back(disk.runner / bareDevNull);
        if (onTmpfs) {
            const SpawnWithFiles shm = spawnWithFiles(spawnJobs, tmpfsOutputs.path(), i);
            mkdirUsTmpfs.push_back(shm.mkdirUs);
            spawnRatiosTmpfs.push_back(shm.runner / shm.bare);
            spawnRatiosDevNullTmpfs.push_back(shm.runner / bareDevNull);
        }
        // Plain calls: the runner without a shell, the bare loop through one.
        const double plainRunner
            = runnerSpawn(spawnJobs, outputs.path() + QStringLiteral("/%1-plain").arg(i), true);
        const double plainSh = bareSpawn(spawnJobs, {}, true);
        spawnRatiosVsSh.push_back(plainRunner / plainSh);
    }
    for (int i = 0; wanted("latency") && i < reps; ++i) {
        const auto [p50, p99] = retryLatencyUs(2000);
        p50s.push_back(p50);
        p99s.push_back(p99);
    }
    for (int i = 0; wanted("observer") && i < reps; ++i) {
        const int retries = quick ? 100 : 300;
        const double without = observedRetryLatencyP99Us(retries, false);
        const double with = observedRetryLatencyP99Us(retries, true);
        unobservedP99s.push_back(without);
        observedP99s.push_back(with);
        observerRatios.push_back(with / without);
    }
    if (wanted("classic"))
        classic = repeat(std::max(1, reps - 2), classicCase);

    const QJsonObject result {
        {QStringLiteral("dispatch_jobs"), dispatchJobs},
        {QStringLiteral("dispatch_ratio"), median(dispatchRatios)},
        {QStringLiteral("dispatch_pool_ms"), median(dispatchPool)},
        {QStringLiteral("dispatch_runner_ms"), median(dispatchRunner)},
        {QStringLiteral("future_ratio"), median(futureRatios)},
        {QStringLiteral("future_concurrent_ms"), median(futureConcurrent)},
        {QStringLiteral("future_requeue_ms"), median(futureRequeue)},
        {QStringLiteral("spawn_jobs"), spawnJobs},
        {QStringLiteral("spawn_ratio"), median(spawnRatios)},
        {QStringLiteral("spawn_ratio_vs_devnull"), median(spawnRatiosDevNull)},
        {QStringLiteral("spawn_ratio_tmpfs"), median(spawnRatiosTmpfs)},
        {QStringLiteral("spawn_ratio_vs_devnull_tmpfs"), median(spawnRatiosDevNullTmpfs)},
        {QStringLiteral("spawn_mkdir_us"), median(mkdirUs)},
        {QStringLiteral("spawn_mkdir_us_tmpfs"), median(mkdirUsTmpfs)},
        {QStringLiteral("spawn_runner_ms"), median(spawnRunner)},
        {QStringLiteral("spawn_bare_ms"), median(spawnBare)},
        {QStringLiteral("spawn_bare_devnull_ms"), median(spawnBareDevNull)},
        {QStringLiteral("spawn_ratio_vs_sh"), median(spawnRatiosVsSh)},
        {QStringLiteral("retry_latency_us_p50"), median(p50s)},
        {QStringLiteral("retry_latency_us_p99"), median(p99s)},
        {QStringLiteral("retry_latency_busy_us_p99"), median(unobservedP99s)},
        {QStringLiteral("retry_latency_slow_observer_us_p99"), median(observedP99s)},
        {QStringLiteral("slow_observer_ratio"), median(observerRatios)},
        {QStringLiteral("classic_case_ratio"), median(classic)},
        {QStringLiteral("repetitions"), reps},
        {QStringLiteral("load_average"), loadAverage()},
    };
    std::printf("%s\n", QJsonDocument(result).toJson(QJsonDocument::Compact).constData());
    return 0;
}
