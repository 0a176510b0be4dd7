// The window and run directories:
//  - open_run_ms: MainWindow::openRun() of a recorded run of 100,000 jobs and
//    150,000 attempts, until the table holds every row (target < 1 s), next to
//    read_ms, readRunDirectory() alone, its floor;
//  - lag_*: a window following a live `requeue run` of 2,000 tiny jobs (the
//    built executable, REQUEUE_BINARY_PATH): for each job that ends after the
//    window opened, from the attempt's end as the process journalled it to the
//    moment the window's table has it (target p99 < 1 s).
// Prints one JSON object; medians over --repetitions (default 3).
// `--record-only DIR` only records the 100,000-job run in DIR (for profiling
// `requeue show DIR`).
#include "jobrunner.h"
#include "jobtablemodel.h"
#include "mainwindow.h"
#include "recordedruns.h"
#include "runhistory.h"
#include "runsession.h"

#include <QApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSet>
#include <QTemporaryDir>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

using namespace requeue;
using Clock = std::chrono::steady_clock;

namespace {

double msSince(Clock::time_point start)
{
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

double percentile(std::vector<double> values, double p)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    return values[std::min(values.size() - 1, size_t(p * double(values.size())))];
}

QJsonObject openRun(const QString &dir, int reps)
{
    std::vector<double> opens, reads;
    int rows = 0;
    for (int i = 0; i < reps; ++i) {
        auto start = Clock::now();
        const RunHistory history = readRunDirectory(dir);
        reads.push_back(msSince(start));
        MainWindow window;
        start = Clock::now();
        if (!window.openRun(dir))
            qFatal("bench_runwindow: cannot open %s", qPrintable(dir));
        opens.push_back(msSince(start));
        rows = window.model()->rowCount();
    }
    return {{QStringLiteral("open_rows"), rows},
            {QStringLiteral("open_run_ms"), percentile(opens, 0.5)},
            {QStringLiteral("read_ms"), percentile(reads, 0.5)}};
}

// Runs `jobs` tiny jobs in another process and follows them from a window.
std::vector<double> liveLags(const QTemporaryDir &temp, int jobs, int rep)
{
    const QString list = temp.filePath(QStringLiteral("tiny-%1.txt").arg(rep));
    QFile file(list);
    if (!file.open(QIODevice::WriteOnly))
        qFatal("bench_runwindow: cannot write %s", qPrintable(list));
    for (int i = 0; i < jobs; ++i)
        file.write("true\n");
    file.close();
    const QString runDir = temp.filePath(QStringLiteral("live-%1").arg(rep));
    QProcess process;
    process.start(QStringLiteral(REQUEUE_BINARY_PATH),
                  {QStringLiteral("run"), QStringLiteral("-j"), QStringLiteral("4"),
                   QStringLiteral("--run-dir"), runDir, list});
    while (!QFileInfo::exists(runDir + QStringLiteral("/events")))
        QCoreApplication::processEvents(QEventLoop::AllEvents, 1);

    std::vector<double> lags;
    MainWindow window;
    QSet<JobId> seen;
    JobRunner *runner = nullptr;
    const auto observe = [&](const QList<JobId> &ids) {
        // Once the process is gone the window shows the run again, ended:
        // new rows, no lag.
        if (window.session()->mode() != RunSession::Mode::Following)
            return;
        const qint64 now = nowUs();
        for (const JobSnapshot &job : runner->snapshots(ids)) {
            if (!job.isValid() || !isTerminal(job.state) || seen.contains(job.id))
                continue;
            seen.insert(job.id);
            lags.push_back(double(now - job.lastAttempt.finishedUs) / 1000.0);
        }
    };
    if (!window.openRun(runDir))
        qFatal("bench_runwindow: cannot follow %s", qPrintable(runDir));
    runner = window.runner();
    for (const JobSnapshot &job : runner->snapshots(runner->jobIds())) {
        if (isTerminal(job.state))
            seen.insert(job.id); // ended before the window opened: no lag to measure
    }
    // The table applies what this signal carries; the model's refresh follows it.
    QObject::connect(runner, &JobRunner::jobsChanged, &window, observe);
    while (window.session()->mode() == RunSession::Mode::Following)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    process.waitForFinished(30'000);
    return lags;
}

} // namespace

int main(int argc, char *argv[])
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    const QStringList args = app.arguments();
    const auto intArg = [&](const char *name, int fallback) {
        const int at = int(args.indexOf(QLatin1String(name)));
        return at > 0 && at + 1 < args.size() ? args.at(at + 1).toInt() : fallback;
    };
    const int jobs = intArg("--jobs", 100'000);
    const int liveJobs = intArg("--live-jobs", 2'000);
    const int reps = intArg("--repetitions", 3);
    // --record-only DIR: leaves the recorded run in DIR, for a profiler.
    if (const int at = int(args.indexOf(QLatin1String("--record-only")));
        at > 0 && at + 1 < args.size()) {
        bench::runJobs(bench::listedJobs(jobs), false, args.at(at + 1), QString());
        return 0;
    }
    QTemporaryDir temp;
    // Runs go to the temporary folder, not the user's state folder.
    qputenv("XDG_STATE_HOME", temp.path().toLocal8Bit());

    const QString recorded = temp.filePath(QStringLiteral("recorded"));
    // Odd jobs fail their first attempt: 1.5 attempts a job.
    bench::runJobs(bench::listedJobs(jobs), false, recorded, QString());
    QJsonObject result = openRun(recorded, reps);
    result.insert(QStringLiteral("jobs"), jobs);
    result.insert(QStringLiteral("attempts"), readRunDirectory(recorded).totalAttempts());

    std::vector<double> lags;
    for (int i = 0; i < reps; ++i) {
        const std::vector<double> some = liveLags(temp, liveJobs, i);
        lags.insert(lags.end(), some.begin(), some.end());
    }
    result.insert(QStringLiteral("live_jobs"), liveJobs);
    result.insert(QStringLiteral("lag_samples"), qint64(lags.size()));
    result.insert(QStringLiteral("lag_p50_ms"), percentile(lags, 0.5));
    result.insert(QStringLiteral("lag_p99_ms"), percentile(lags, 0.99));
    result.insert(QStringLiteral("lag_max_ms"), percentile(lags, 1.0));
    std::fputs(QJsonDocument(result).toJson(QJsonDocument::Indented).constData(), stdout);
    return 0;
}
