// bench_slurm: 200 short jobs, every tenth failing once, on the single-node
// Slurm cluster of tests/slurm/cluster.sh (started and stopped here; needs
// root, slurm-wlm and munge), run three ways in one go:
//   requeue      `requeue run --backend slurm` (resubmits each failure at once)
//   parallel     GNU parallel driving `srun` with --retries
//   sbatch-wait  a bare loop: `sbatch --wait` per job, again on failure
// Prints one JSON object: each way's makespan (median of the repetitions),
// the ratios against requeue, and requeue's makespan minus the bare loop's
// per attempt (its submit/track cost if positive).
//
// The node offers --cpus CPUs (default 32, more than the machine has: the
// jobs only sleep), as a small cluster would: with the machine's own two or
// four, both ways wait for the same few slots and Slurm's pace alone sets the
// makespan (both ways within 3 %), which compares nothing of theirs.
//
// Fairness: slurmctld schedules nothing in its first seconds, so a batch
// job and an `srun` warm the cluster up before anything is timed; and each
// repetition starts with another way, so that none always runs first.
//
// Usage: bench_slurm [--jobs N] [--repetitions N] [--cpus N] [--requeue PATH]
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>
#include <vector>

namespace {

constexpr int Concurrency = 100; // jobs submitted at once, the Slurm backend's default

double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    const size_t n = values.size();
    return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

// Job `seq`: every tenth fails the first time (a marker file remembers).
QString commandFor(int seq, const QString &markers)
{
    if (seq % 10 != 0)
        return QStringLiteral("sleep 0.2");
    const QString marker = QStringLiteral("%1/%2").arg(markers).arg(seq);
    return QStringLiteral("sleep 0.2; test -e %1 || { touch %1; exit 1; }").arg(marker);
}

bool run(const QString &program, const QStringList &args, const QString &cwd = {})
{
    QProcess process;
    process.setProgram(program);
    process.setArguments(args);
    process.setWorkingDirectory(cwd);
    process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    process.setStandardOutputFile(QProcess::nullDevice());
    process.start();
    if (!process.waitForFinished(30 * 60 * 1000) || process.exitCode() != 0) {
        std::fprintf(stderr, "bench_slurm: %s failed (exit %d)\n", qPrintable(program),
                     process.exitCode());
        return false;
    }
    return true;
}

class Bench
{
public:
    Bench(QString requeue, int jobs, const QString &dir)
        : m_requeue(std::move(requeue))
        , m_jobs(jobs)
        , m_dir(dir)
    { }

    // Seconds for one way, or -1 if it failed.
    double time(const QString &way)
    {
        const QString markers = m_dir + QLatin1String("/markers-") + way;
        QDir(markers).removeRecursively();
        QDir().mkpath(markers);
        const QString list = writeList(markers);
        QElapsedTimer timer;
        timer.start();
        bool ok = false;
        if (way == QLatin1String("requeue"))
            ok = run(m_requeue,
                     {QStringLiteral("run"), QStringLiteral("--backend"), QStringLiteral("slurm"),
                      QStringLiteral("--poll"), QStringLiteral("500ms"), QStringLiteral("-q"),
                      QStringLiteral("-j"), QString::number(Concurrency),
                      QStringLiteral("--results"), m_dir + QLatin1String("/out"), list});
        else if (way == QLatin1String("parallel"))
            ok = run(QStringLiteral("parallel"),
                     {QStringLiteral("--retries"), QStringLiteral("3"), QStringLiteral("-j"),
                      QString::number(Concurrency), QStringLiteral("-a"), list,
                      QStringLiteral("srun"), QStringLiteral("--quiet"), QStringLiteral("sh"),
                      QStringLiteral("-c")});
        else
            ok = run(QStringLiteral("xargs"),
                     {QStringLiteral("-a"), list, QStringLiteral("-P"),
                      QString::number(Concurrency), QStringLiteral("-d"), QStringLiteral("\\n"),
                      QStringLiteral("-n"), QStringLiteral("1"), QStringLiteral("sh"),
                      QStringLiteral("-c"),
                      QStringLiteral("for try in 1 2 3; do sbatch --wait --quiet -o /dev/null "
                                     "--wrap \"$0\" && exit 0; done; exit 1")});
        QDir(m_dir + QLatin1String("/out")).removeRecursively();
        return ok ? timer.nsecsElapsed() / 1e9 : -1;
    }

    int attempts() const { return m_jobs + m_jobs / 10; }

private:
    QString writeList(const QString &markers)
    {
        const QString path = m_dir + QLatin1String("/jobs.txt");
        QFile file(path);
        if (file.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
            for (int seq = 1; seq <= m_jobs; ++seq)
                file.write(commandFor(seq, markers).toUtf8() + '\n');
        }
        return path;
    }

    QString m_requeue;
    int m_jobs;
    QString m_dir;
};

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    const QCommandLineOption jobsOption(QStringLiteral("jobs"), QStringLiteral("Jobs."),
                                        QStringLiteral("N"), QStringLiteral("200"));
    const QCommandLineOption repetitionsOption(QStringLiteral("repetitions"),
                                               QStringLiteral("Runs of each way."),
                                               QStringLiteral("N"), QStringLiteral("3"));
    const QCommandLineOption requeueOption(
        QStringLiteral("requeue"), QStringLiteral("The requeue binary."), QStringLiteral("PATH"),
        QStringLiteral(REQUEUE_BINARY_PATH));
    const QCommandLineOption cpusOption(QStringLiteral("cpus"),
                                        QStringLiteral("CPUs of the cluster's node."),
                                        QStringLiteral("N"), QStringLiteral("32"));
    parser.addOptions({jobsOption, repetitionsOption, cpusOption, requeueOption});
    parser.process(app);
    qputenv("REQUEUE_SLURM_CPUS", parser.value(cpusOption).toUtf8());

    QTemporaryDir dir;
    const QString cluster = dir.filePath(QStringLiteral("cluster"));
    const QString script = QStringLiteral(REQUEUE_SOURCE_DIR "/tests/slurm/cluster.sh");
    if (!run(script, {QStringLiteral("start"), cluster}))
        return 1;
    qputenv("SLURM_CONF", QFile::encodeName(cluster + QLatin1String("/slurm.conf")));

    Bench bench(parser.value(requeueOption), parser.value(jobsOption).toInt(), dir.path());
    QJsonObject result;
    result.insert(QStringLiteral("jobs"), parser.value(jobsOption).toInt());
    result.insert(QStringLiteral("node_cpus"), parser.value(cpusOption).toInt());
    bool ok = run(QStringLiteral("sbatch"),
                  {QStringLiteral("--wait"), QStringLiteral("--quiet"), QStringLiteral("-o"),
                   QStringLiteral("/dev/null"), QStringLiteral("--wrap"), QStringLiteral("true")})
        && run(QStringLiteral("srun"), {QStringLiteral("true")});
    const QStringList ways {QStringLiteral("requeue"), QStringLiteral("parallel"),
                            QStringLiteral("sbatch-wait")};
    QHash<QString, std::vector<double>> times;
    for (int i = 0; i < parser.value(repetitionsOption).toInt() && ok; ++i) {
        for (qsizetype w = 0; w < ways.size() && ok; ++w) {
            const QString &way = ways[(i + w) % ways.size()];
            const double seconds = bench.time(way);
            ok = seconds >= 0;
            times[way].push_back(seconds);
            std::fprintf(stderr, "bench_slurm: %s %.1f s\n", qPrintable(way), seconds);
        }
    }
    run(script, {QStringLiteral("stop"), cluster});
    if (!ok)
        return 1;
    QJsonObject makespans;
    for (const QString &way : ways)
        makespans.insert(way, median(times.value(way)));
    const double requeue = makespans.value(QStringLiteral("requeue")).toDouble();
    const double bare = makespans.value(QStringLiteral("sbatch-wait")).toDouble();
    result.insert(QStringLiteral("makespan_s"), makespans);
    result.insert(QStringLiteral("parallel_srun_over_requeue"),
                  makespans.value(QStringLiteral("parallel")).toDouble() / requeue);
    result.insert(QStringLiteral("sbatch_wait_over_requeue"), bare / requeue);
    result.insert(QStringLiteral("requeue_minus_sbatch_wait_per_attempt_ms"),
                  (requeue - bare) * 1000 / bench.attempts());
    std::printf("%s\n", QJsonDocument(result).toJson(QJsonDocument::Indented).constData());
    return 0;
}
