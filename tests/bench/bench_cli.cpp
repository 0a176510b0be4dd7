// bench_cli: `requeue run -j 2` on 2,000 tiny shell jobs (every tenth fails
// once, every other one prints a line) against a bare posix_spawn/waitpid loop
// of `sh -c` on two threads doing the same retries. Prints one JSON object.
// spawn_ratio is the median run time of requeue over the median of a bare loop
// doing the same work, that is also keeping the same output files as requeue,
// DIR/<seq>/<attempt>/stdout for the attempts that printed (target: at most
// 1.10). spawn_ratio_vs_devnull compares with a loop that throws the output
// away (target: at most 1.5). spawn_ratio_vs_sh runs a list of plain program
// calls (`/bin/true`), which requeue spawns without a shell, against the bare
// loop running them with `sh -c` (target: at most 1.0).
//
// Usage: bench_cli [--jobs N] [--repetitions N] [--requeue PATH] [--dir DIR]
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

extern char **environ;

namespace {

constexpr int Workers = 2;
constexpr int MaxAttempts = 3;

bool printsOutput(int seq)
{
    return seq % 2 == 1;
}

QByteArray commandFor(int seq)
{
    const QByteArray command = seq % 10 == 0 ? QByteArrayLiteral("test \"$REQUEUE_ATTEMPT\" -ge 2")
                                             : QByteArrayLiteral("true");
    return printsOutput(seq) ? "echo " + QByteArray::number(seq) + "; " + command : command;
}

// A plain program call: requeue runs it without a shell.
QByteArray plainCommandFor(int)
{
    return QByteArrayLiteral("/bin/true");
}

double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    const size_t n = values.size();
    return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

// mkdir -p, mode 0700.
void makePath(const QByteArray &path)
{
    for (qsizetype slash = path.indexOf('/', 1); slash > 0; slash = path.indexOf('/', slash + 1))
        ::mkdir(path.left(slash).constData(), 0700);
    ::mkdir(path.constData(), 0700);
}

// One attempt with posix_spawn, output to /dev/null or to files in
// `outputDir`; returns the wait status.
int spawnOnce(const QByteArray &command, int seq, int attempt,
              const std::vector<QByteArray> &baseEnv, const QByteArray &outputDir)
{
    std::vector<QByteArray> env = baseEnv;
    env.push_back("REQUEUE_ATTEMPT=" + QByteArray::number(attempt));
    std::vector<char *> envp;
    for (QByteArray &entry : env)
        envp.push_back(entry.data());
    envp.push_back(nullptr);
    QByteArray sh("sh"), dashC("-c"), cmd(command);
    char *argv[] = {sh.data(), dashC.data(), cmd.data(), nullptr};

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    QByteArray out("/dev/null"), err("/dev/null");
    // The files requeue keeps: stdout of the attempts that print, no stderr.
    if (!outputDir.isEmpty() && printsOutput(seq)) {
        const QByteArray dir
            = outputDir + '/' + QByteArray::number(seq) + '/' + QByteArray::number(attempt);
        makePath(dir);
        out = dir + "/stdout";
    }
    const int flags = O_WRONLY | O_CREAT | O_TRUNC;
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out.constData(), flags, 0600);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err.constData(), flags, 0600);
    pid_t pid = -1;
    const int error = posix_spawn(&pid, "/bin/sh", &actions, nullptr, argv, envp.data());
    posix_spawn_file_actions_destroy(&actions);
    if (error != 0)
        return -1;
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) { }
    return status;
}

// The bare loop: two threads take jobs in order and retry failures at once.
double bareLoop(int jobs, const QByteArray &outputDir, int *attemptsOut,
                QByteArray (*command)(int) = commandFor)
{
    std::vector<QByteArray> baseEnv;
    for (char **entry = environ; *entry; ++entry) {
        if (qstrncmp(*entry, "REQUEUE_", 8) != 0)
            baseEnv.emplace_back(*entry);
    }
    std::atomic<int> next {1};
    std::atomic<int> attempts {0};
    QElapsedTimer clock;
    clock.start();
    std::vector<std::thread> threads;
    for (int t = 0; t < Workers; ++t) {
        threads.emplace_back([&] {
            for (int seq = next++; seq <= jobs; seq = next++) {
                const QByteArray line = command(seq);
                for (int attempt = 1; attempt <= MaxAttempts; ++attempt) {
                    ++attempts;
                    const int status = spawnOnce(line, seq, attempt, baseEnv, outputDir);
                    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
                        break;
                }
            }
        });
    }
    for (std::thread &thread : threads)
        thread.join();
    *attemptsOut = attempts;
    return double(clock.nsecsElapsed()) / 1e9;
}

double requeueRun(const QString &binary, const QString &list, const QString &results, bool *ok)
{
    QProcess process;
    QElapsedTimer clock;
    clock.start();
    process.start(binary,
                  {QStringLiteral("run"), QStringLiteral("-j"), QString::number(Workers),
                   QStringLiteral("--quiet"), QStringLiteral("--max-attempts"),
                   QString::number(MaxAttempts), QStringLiteral("--results"), results, list});
    *ok = process.waitForFinished(600000) && process.exitStatus() == QProcess::NormalExit
        && process.exitCode() == 0;
    if (!*ok)
        std::fprintf(stderr, "%s", process.readAllStandardError().constData());
    return double(clock.nsecsElapsed()) / 1e9;
}

// The 1-minute load average, to judge a noisy machine's figures.
double loadAverage()
{
    QFile file(QStringLiteral("/proc/loadavg"));
    return file.open(QIODevice::ReadOnly) ? file.readAll().split(' ').value(0).toDouble() : -1;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    const QCommandLineOption jobsOption(QStringLiteral("jobs"), QStringLiteral("Jobs in the list."),
                                        QStringLiteral("N"), QStringLiteral("2000"));
    const QCommandLineOption repetitionsOption(QStringLiteral("repetitions"),
                                               QStringLiteral("Runs of each (median taken)."),
                                               QStringLiteral("N"), QStringLiteral("5"));
    const QCommandLineOption binaryOption(QStringLiteral("requeue"),
                                          QStringLiteral("The requeue executable."),
                                          QStringLiteral("PATH"));
    const QCommandLineOption dirOption(
        QStringLiteral("dir"),
        QStringLiteral("Where the job list and the output go (default: a temporary folder)."),
        QStringLiteral("DIR"));
    parser.addOptions({jobsOption, repetitionsOption, binaryOption, dirOption});
    parser.process(app);
    const int jobs = qMax(1, parser.value(jobsOption).toInt());
    const int repetitions = qMax(1, parser.value(repetitionsOption).toInt());
    QString binary = parser.value(binaryOption);
    if (binary.isEmpty())
        binary = qEnvironmentVariable("REQUEUE_BINARY", QStringLiteral(REQUEUE_BINARY_PATH));

    QTemporaryDir dir(parser.isSet(dirOption)
                          ? parser.value(dirOption) + QStringLiteral("/bench_cli-XXXXXX")
                          : QDir::tempPath() + QStringLiteral("/bench_cli-XXXXXX"));
    if (!dir.isValid())
        return 1;
    // Each `requeue run` records its run directory: in here, removed at the end.
    qputenv("XDG_STATE_HOME", QFile::encodeName(dir.filePath(QStringLiteral("state"))));
    const auto writeList = [&](const QString &name, QByteArray (*command)(int)) {
        QFile file(dir.filePath(name));
        if (!file.open(QIODevice::WriteOnly))
            return QString();
        for (int seq = 1; seq <= jobs; ++seq)
            file.write(command(seq) + '\n');
        return file.fileName();
    };
    const QString list = writeList(QStringLiteral("jobs.txt"), commandFor);
    const QString plainList = writeList(QStringLiteral("plain.txt"), plainCommandFor);
    if (list.isEmpty() || plainList.isEmpty())
        return 1;

    std::vector<double> requeueTimes;
    std::vector<double> bareTimes;
    std::vector<double> filesTimes;
    std::vector<double> plainTimes;
    std::vector<double> plainShTimes;
    int bareAttempts = 0;
    int plainAttempts = 0;
    // Interleaved, so that drift in the machine's load hits all alike. The
    // output stays until the end: ext4 slows down creating inodes right after
    // many were deleted.
    for (int r = 0; r < repetitions; ++r) {
        bool ok = false;
        const QString results = dir.filePath(QStringLiteral("requeue-%1").arg(r));
        requeueTimes.push_back(requeueRun(binary, list, results, &ok));
        if (!ok) {
            std::fprintf(stderr, "bench_cli: requeue run failed (%s)\n", qPrintable(binary));
            return 1;
        }
        bareTimes.push_back(bareLoop(jobs, QByteArray(), &bareAttempts));
        const QString files = dir.filePath(QStringLiteral("spawn-%1").arg(r));
        filesTimes.push_back(bareLoop(jobs, QFile::encodeName(files), &bareAttempts));
        const QString plainResults = dir.filePath(QStringLiteral("plain-%1").arg(r));
        plainTimes.push_back(requeueRun(binary, plainList, plainResults, &ok));
        if (!ok)
            return 1;
        plainShTimes.push_back(bareLoop(jobs, QByteArray(), &plainAttempts, plainCommandFor));
    }
    const auto toArray = [](const std::vector<double> &values) {
        QJsonArray array;
        for (double v : values)
            array.append(v);
        return array;
    };
    const double requeueMedian = median(requeueTimes);
    const double bareMedian = median(bareTimes);
    const double filesMedian = median(filesTimes);
    const double plainMedian = median(plainTimes);
    const double plainShMedian = median(plainShTimes);
    QJsonObject result {
        {QStringLiteral("benchmark"), QStringLiteral("bench_cli")},
        {QStringLiteral("jobs"), jobs},
        {QStringLiteral("workers"), Workers},
        {QStringLiteral("attempts"), bareAttempts},
        {QStringLiteral("repetitions"), repetitions},
        {QStringLiteral("output_dir"), dir.path()},
        {QStringLiteral("requeue_seconds"), toArray(requeueTimes)},
        {QStringLiteral("spawn_seconds"), toArray(bareTimes)},
        {QStringLiteral("spawn_files_seconds"), toArray(filesTimes)},
        {QStringLiteral("requeue_median_seconds"), requeueMedian},
        {QStringLiteral("spawn_median_seconds"), bareMedian},
        {QStringLiteral("spawn_files_median_seconds"), filesMedian},
        {QStringLiteral("requeue_jobs_per_second"), jobs / requeueMedian},
        {QStringLiteral("spawn_ratio"), requeueMedian / filesMedian},
        {QStringLiteral("spawn_ratio_vs_devnull"), requeueMedian / bareMedian},
        {QStringLiteral("plain_requeue_seconds"), toArray(plainTimes)},
        {QStringLiteral("plain_sh_seconds"), toArray(plainShTimes)},
        {QStringLiteral("spawn_ratio_vs_sh"), plainMedian / plainShMedian},
        {QStringLiteral("load_average"), loadAverage()},
        {QStringLiteral("target_ratio"), 1.10},
        {QStringLiteral("target_ratio_vs_devnull"), 1.5},
        {QStringLiteral("target_ratio_vs_sh"), 1.0},
    };
    std::printf("%s\n", QJsonDocument(result).toJson(QJsonDocument::Compact).constData());
    // Before the temporary folder goes: deleting ~50,000 files takes a while.
    std::fflush(stdout);
    return 0;
}
