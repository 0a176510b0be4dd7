// Tests for requeue::ProcessAttempt: how a process job's attempt ends (exit
// code, signal, timeout, not startable), what the child sees (environment,
// working directory, stdin, argv, file descriptors), where its output goes, and
// that cancel, timeout and exit leave no process of its group behind.
//
// Driven through a JobRunner (the way the app runs them) and, where the unit
// matters on its own, through AttemptRunnable::execute with a hand-made ticket.
// Linux only: the checks read /proc.

#include "attemptcontrol.h"
#include "attemptrunnable.h"
#include "jobrunner.h"

#include "common/processes.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QMap>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <future>
#include <memory>
#include <sys/mount.h>
#include <sys/resource.h>
#include <unistd.h>

Q_DECLARE_METATYPE(requeue::JobSpec)

using namespace std::chrono_literals;

namespace requeue {

using test::isRunning;
using test::liveGroupMembers;
using test::procStat;

namespace {

constexpr std::chrono::milliseconds KillGrace = 200ms;
constexpr int JobWaitMs = 10000; // bound for any single job to finish

QString shellQuoted(const QString &text)
{
    QString quoted = text;
    quoted.replace(QLatin1Char('\''), QLatin1String("'\\''"));
    return QLatin1Char('\'') + quoted + QLatin1Char('\'');
}

JobSpec shellJob(const QString &command, int maxAttempts = 1)
{
    JobSpec spec;
    spec.process.shellCommand = command;
    spec.retry.maxAttempts = maxAttempts;
    return spec;
}

JobSpec argvJob(const QString &program, const QStringList &arguments, int maxAttempts = 1)
{
    JobSpec spec;
    spec.process.program = program;
    spec.process.arguments = arguments;
    spec.retry.maxAttempts = maxAttempts;
    return spec;
}

JobSpec callableJob(int exitCode)
{
    JobSpec spec;
    spec.callable = [exitCode](const AttemptContext &) {
        return exitCode;
    };
    spec.retry.maxAttempts = 1;
    return spec;
}

QByteArray readFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return QByteArrayLiteral("<cannot read ") + QFile::encodeName(path) + '>';
    return file.readAll();
}

// An attempt's output as readers see it: a missing file is one that
// printed nothing on that stream.
QByteArray readOutput(const QString &path)
{
    return QFileInfo::exists(path) ? readFile(path) : QByteArray();
}

// The descriptors this process has open (the listing's own excluded).
int openFdCount()
{
    DIR *dir = ::opendir("/proc/self/fd");
    if (!dir)
        return -1;
    int count = 0;
    while (const dirent *entry = ::readdir(dir)) {
        if (entry->d_name[0] != '.')
            ++count;
    }
    ::closedir(dir);
    return count - 1;
}

// Milliseconds from `clock`'s start until `done()` holds, or -1 after
// `timeoutMs`. A bounded poll at sub-millisecond steps: QTRY_* checks only
// every 50 ms, too coarse to measure how fast a process group dies.
template<typename Predicate>
double elapsedUntil(const QElapsedTimer &clock, Predicate done, int timeoutMs)
{
    const QDeadlineTimer deadline(timeoutMs);
    while (!done()) {
        if (deadline.hasExpired())
            return -1;
        QThread::usleep(200);
    }
    return double(clock.nsecsElapsed()) / 1e6;
}

qint64 cpuTimeUs()
{
    rusage usage {};
    ::getrusage(RUSAGE_SELF, &usage);
    return qint64(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1000000 + usage.ru_utime.tv_usec
        + usage.ru_stime.tv_usec;
}

// The pids a job wrote with `echo "$$ $!" > file` (its shell and a
// background child). The shell leads the job's process group.
struct JobPids
{
    int leader = 0;
    int background = 0;
};

JobPids readPids(const QString &path)
{
    const QList<QByteArray> words = readFile(path).simplified().split(' ');
    JobPids pids;
    if (words.size() == 2) {
        pids.leader = words.at(0).toInt();
        pids.background = words.at(1).toInt();
    }
    return pids;
}

// Shell text that writes "$$ $!" to `path` atomically, once a background
// `sleep` runs.
QString startBackgroundSleep(const QString &path)
{
    return QStringLiteral("sleep 100 & echo \"$$ $!\" > %1.tmp && mv %1.tmp %1")
        .arg(shellQuoted(path));
}

} // namespace

class tst_ProcessAttempt : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void attemptOutcome_data();
    void attemptOutcome();
    void executeDirectly_data();
    void executeDirectly();
    void executeDirectlyCancelledBeforeStart();
    void executeDirectlyCancelWhileRunning();

    void environment_data();
    void environment();
    void attemptNumberContinuesAfterManualRetry();
    void workingDirectory();
    void stdinIsDevNull_data();
    void stdinIsDevNull();
    void outputFilesPerAttempt();
    void largeOutput();
    void argvIsPassedVerbatim();
    void childSeesOnlyStdFds();
    void parentLeaksNoFds();

    void outputDirectoryUnwritable_data();
    void outputDirectoryUnwritable();
    void environmentTooLarge();
    void sameSeqInOneRunnerKeepsOutputsApart();
    void jobClosingItsOutputEarly();
    void fullDiskFailsOnlyTheJobsItHits();
    void silentAttemptsLeaveNothing();
    void plainCommandRunsWithoutShell();
    void withoutShellBehavesAsSh_data();
    void withoutShellBehavesAsSh();
    void earlierRunsOutputIsNotTakenForThisOne();
    void lostOutputStopsTheAttempt();

    void cancelKillsProcessGroup_data();
    void cancelKillsProcessGroup();
    void cancelGraceDoesNotBusyWait();
    void killCancelSkipsTheGracePeriod();
    void gigabyteOfOutputKeepsMemoryFlat();
    void timeoutKillsProcessGroup_data();
    void timeoutKillsProcessGroup();
    void backgroundChildDiesWithAttempt();
    void cancelQueuedJobNeverStarts_data();
    void cancelQueuedJobNeverStarts();

private:
    std::unique_ptr<JobRunner> makeRunner(int workers = 2);
    AttemptTicket makeTicket(const JobSpec &spec, const QString &name) const;
    QString path(const QString &name) const { return m_dir.filePath(name); }

    QTemporaryDir m_dir;
    QString m_notExecutable; // a script without any x bit
    int m_runners = 0;
    int m_serial = 0; // names files that must be new in each test row
};

void tst_ProcessAttempt::initTestCase()
{
    QVERIFY2(m_dir.isValid(), qPrintable(m_dir.errorString()));
    QVERIFY2(QFileInfo::exists(QStringLiteral("/proc/self/stat")), "these tests need /proc");
    // A crashing job must not leave a core file (or wait for a core handler).
    rlimit noCore {0, 0};
    QCOMPARE(::setrlimit(RLIMIT_CORE, &noCore), 0);
    // Children get the environment the runner process started with; these are
    // in it because no child has been spawned yet.
    qputenv("REQUEUE_TEST_INHERITED", "from parent");
    qputenv("REQUEUE_TEST_OVERRIDDEN", "from parent");

    m_notExecutable = path(QStringLiteral("not-executable.sh"));
    QFile script(m_notExecutable);
    QVERIFY(script.open(QIODevice::WriteOnly));
    script.write("#!/bin/sh\nexit 0\n");
    script.close();
    QVERIFY(script.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup
                                  | QFile::ReadOther));
}

void tst_ProcessAttempt::cleanupTestCase()
{
    // The read-only folder of outputDirectoryUnwritable must be removable.
    QFile::setPermissions(path(QStringLiteral("read-only")),
                          QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
}

std::unique_ptr<JobRunner> tst_ProcessAttempt::makeRunner(int workers)
{
    auto runner = std::make_unique<JobRunner>();
    runner->setOutputDirectory(path(QStringLiteral("runner-%1").arg(++m_runners)));
    runner->setKillGracePeriod(KillGrace);
    runner->setMaxWorkers(workers);
    return runner;
}

AttemptTicket tst_ProcessAttempt::makeTicket(const JobSpec &spec, const QString &name) const
{
    AttemptTicket ticket;
    ticket.jobId = 77;
    ticket.attempt = 4;
    ticket.maxAttempts = 9;
    ticket.spec = std::make_shared<const JobSpec>(spec);
    ticket.control = std::make_shared<AttemptControl>();
    ticket.stdoutPath = path(name + QStringLiteral("/stdout"));
    ticket.stderrPath = path(name + QStringLiteral("/stderr"));
    ticket.killGrace = KillGrace;
    return ticket;
}

// --- how attempts end

void tst_ProcessAttempt::attemptOutcome_data()
{
    QTest::addColumn<JobSpec>("spec");
    QTest::addColumn<int>("attempts");
    QTest::addColumn<JobState>("state");
    QTest::addColumn<AttemptOutcome>("outcome");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<int>("signal");
    QTest::addColumn<QString>("message"); // a part of it; empty: no message
    QTest::addColumn<int>("minDurationMs");

    const auto withTimeout = [](JobSpec spec, std::chrono::milliseconds timeout) {
        spec.timeout = timeout;
        return spec;
    };
    const auto withPermanent = [](JobSpec spec, QList<int> codes) {
        spec.retry.permanentExitCodes = codes;
        return spec;
    };
    const auto inDirectory = [](JobSpec spec, const QString &dir) {
        spec.process.workingDirectory = dir;
        return spec;
    };
    const QString missing = QStringLiteral("/nonexistent/requeue-missing-program");
    const QString missingInPath = QStringLiteral("requeue-missing-program-in-path");
    const QString missingDir = QStringLiteral("/nonexistent/requeue-missing-dir");

    QTest::newRow("exit 0") << shellJob(QStringLiteral("exit 0"), 3) << 1 << JobState::Succeeded
                            << AttemptOutcome::Succeeded << 0 << 0 << QString() << 0;
    QTest::newRow("argv exit 0") << argvJob(QStringLiteral("/bin/true"), {}, 3) << 1
                                 << JobState::Succeeded << AttemptOutcome::Succeeded << 0 << 0
                                 << QString() << 0;
    QTest::newRow("exit 3, retried")
        << shellJob(QStringLiteral("exit 3"), 3) << 3 << JobState::Failed
        << AttemptOutcome::ExitCode << 3 << 0 << QString() << 0;
    QTest::newRow("exit 255") << shellJob(QStringLiteral("exit 255"), 1) << 1 << JobState::Failed
                              << AttemptOutcome::ExitCode << 255 << 0 << QString() << 0;
    QTest::newRow("permanent exit code")
        << withPermanent(shellJob(QStringLiteral("exit 42"), 5), {2, 42}) << 1 << JobState::Failed
        << AttemptOutcome::ExitCode << 42 << 0 << QString() << 0;
    QTest::newRow("non-permanent exit code")
        << withPermanent(shellJob(QStringLiteral("exit 41"), 2), {42}) << 2 << JobState::Failed
        << AttemptOutcome::ExitCode << 41 << 0 << QString() << 0;
    QTest::newRow("shell: command not found is exit 127, retried")
        << shellJob(QStringLiteral("requeue-missing-command-xyz"), 2) << 2 << JobState::Failed
        << AttemptOutcome::ExitCode << 127 << 0 << QString() << 0;
    QTest::newRow("SIGSEGV, retried")
        << shellJob(QStringLiteral("kill -SEGV $$"), 2) << 2 << JobState::Failed
        << AttemptOutcome::Signalled << -1 << SIGSEGV << QString() << 0;
    QTest::newRow("SIGKILL, retried")
        << shellJob(QStringLiteral("kill -KILL $$"), 2) << 2 << JobState::Failed
        << AttemptOutcome::Signalled << -1 << SIGKILL << QString() << 0;
    QTest::newRow("abort") << shellJob(QStringLiteral("kill -ABRT $$"), 1) << 1 << JobState::Failed
                           << AttemptOutcome::Signalled << -1 << SIGABRT << QString() << 0;
    QTest::newRow("timeout") << withTimeout(shellJob(QStringLiteral("sleep 10"), 1), 300ms) << 1
                             << JobState::Failed << AttemptOutcome::TimedOut << -1 << SIGTERM
                             << QString() << 300;
    QTest::newRow("timeout, retried")
        << withTimeout(shellJob(QStringLiteral("sleep 10"), 2), 150ms) << 2 << JobState::Failed
        << AttemptOutcome::TimedOut << -1 << SIGTERM << QString() << 150;
    QTest::newRow("timeout, TERM ignored: SIGKILL after the grace")
        << withTimeout(shellJob(QStringLiteral("trap '' TERM; sleep 10"), 1), 300ms) << 1
        << JobState::Failed << AttemptOutcome::TimedOut << -1 << SIGKILL << QString()
        << 300 + int(KillGrace.count());
    QTest::newRow("timeout, TERM handled: exit code kept")
        << withTimeout(shellJob(QStringLiteral("trap 'exit 7' TERM; sleep 10 & wait"), 1), 300ms)
        << 1 << JobState::Failed << AttemptOutcome::TimedOut << 7 << 0 << QString() << 300;
    QTest::newRow("program not found, not retried")
        << argvJob(missing, {QStringLiteral("arg")}, 5) << 1 << JobState::Failed
        << AttemptOutcome::NotStarted << -1 << 0 << missing << 0;
    QTest::newRow("program not found in PATH, not retried")
        << argvJob(missingInPath, {}, 5) << 1 << JobState::Failed << AttemptOutcome::NotStarted
        << -1 << 0 << missingInPath << 0;
    QTest::newRow("program not executable, not retried")
        << argvJob(m_notExecutable, {}, 5) << 1 << JobState::Failed << AttemptOutcome::NotStarted
        << -1 << 0 << m_notExecutable << 0;
    QTest::newRow("missing working directory, not retried")
        << inDirectory(shellJob(QStringLiteral("exit 0"), 5), missingDir) << 1 << JobState::Failed
        << AttemptOutcome::NotStarted << -1 << 0 << missingDir << 0;
    QTest::newRow("working directory is a file, not retried")
        << inDirectory(argvJob(QStringLiteral("/bin/true"), {}, 5), m_notExecutable) << 1
        << JobState::Failed << AttemptOutcome::NotStarted << -1 << 0 << m_notExecutable << 0;
}

void tst_ProcessAttempt::attemptOutcome()
{
    QFETCH(JobSpec, spec);
    QFETCH(int, attempts);
    QFETCH(JobState, state);
    QFETCH(AttemptOutcome, outcome);
    QFETCH(int, exitCode);
    QFETCH(int, signal);
    QFETCH(QString, message);
    QFETCH(int, minDurationMs);

    auto runner = makeRunner();
    const JobId id = runner->addJob(spec);
    runner->start();
    QVERIFY(runner->waitForIdle(QDeadlineTimer(JobWaitMs)));

    const JobSnapshot job = runner->snapshot(id, true);
    QCOMPARE(jobStateName(job.state), jobStateName(state));
    QCOMPARE(job.attempts, attempts);
    QCOMPARE(job.history.size(), attempts);
    for (int i = 0; i < attempts; ++i) {
        const AttemptRecord &record = job.history.at(i);
        qInfo("attempt %d: %s (%.1f ms)", record.number, qPrintable(record.summary()),
              double(record.durationUs()) / 1000);
        QCOMPARE(record.number, i + 1);
        QCOMPARE(attemptOutcomeName(record.outcome), attemptOutcomeName(outcome));
        QCOMPARE(record.exitCode, exitCode);
        QCOMPARE(signalName(record.signal), signalName(signal));
        if (message.isEmpty())
            QVERIFY2(record.message.isEmpty(), qPrintable(record.message));
        else
            QVERIFY2(record.message.contains(message), qPrintable(record.message));
        QVERIFY(record.startedUs > 0);
        QVERIFY(record.finishedUs >= record.startedUs);
        QVERIFY2(record.durationUs() >= qint64(minDurationMs) * 1000,
                 qPrintable(QString::number(record.durationUs())));
    }
}

void tst_ProcessAttempt::executeDirectly_data()
{
    QTest::addColumn<JobSpec>("spec");
    QTest::addColumn<AttemptOutcome>("outcome");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<int>("signal");
    QTest::addColumn<QByteArray>("stdoutText");
    QTest::addColumn<QByteArray>("stderrText");

    // The ticket says job 77, attempt 4 of 9.
    QTest::newRow("exit 0") << shellJob(QStringLiteral(
        "echo \"$REQUEUE_JOB_ID $REQUEUE_ATTEMPT $REQUEUE_MAX_ATTEMPTS\"; echo e >&2"))
                            << AttemptOutcome::Succeeded << 0 << 0 << QByteArray("77 4 9\n")
                            << QByteArray("e\n");
    QTest::newRow("exit 3") << shellJob(QStringLiteral("echo o; exit 3"))
                            << AttemptOutcome::ExitCode << 3 << 0 << QByteArray("o\n")
                            << QByteArray();
    QTest::newRow("SIGTERM") << shellJob(QStringLiteral("kill -TERM $$"))
                             << AttemptOutcome::Signalled << -1 << SIGTERM << QByteArray()
                             << QByteArray();
    QTest::newRow("SIGSEGV") << shellJob(QStringLiteral("kill -SEGV $$"))
                             << AttemptOutcome::Signalled << -1 << SIGSEGV << QByteArray()
                             << QByteArray();
    // The runner treats NotStarted as final; the unit reports it once.
    QTest::newRow("not found") << argvJob(QStringLiteral("/nonexistent/requeue-x"), {})
                               << AttemptOutcome::NotStarted << -1 << 0 << QByteArray()
                               << QByteArray();
}

void tst_ProcessAttempt::executeDirectly()
{
    QFETCH(JobSpec, spec);
    QFETCH(AttemptOutcome, outcome);
    QFETCH(int, exitCode);
    QFETCH(int, signal);
    QFETCH(QByteArray, stdoutText);
    QFETCH(QByteArray, stderrText);

    const AttemptTicket ticket
        = makeTicket(spec, QStringLiteral("direct/%1").arg(QLatin1String(QTest::currentDataTag())));
    const AttemptRecord record = AttemptRunnable::execute(ticket);
    QCOMPARE(attemptOutcomeName(record.outcome), attemptOutcomeName(outcome));
    QCOMPARE(record.exitCode, exitCode);
    QCOMPARE(signalName(record.signal), signalName(signal));
    QCOMPARE(readOutput(ticket.stdoutPath), stdoutText);
    QCOMPARE(readOutput(ticket.stderrPath), stderrText);
    // Only what was printed is on disk.
    QCOMPARE(QFileInfo::exists(ticket.stdoutPath), !stdoutText.isEmpty());
    QCOMPARE(QFileInfo::exists(ticket.stderrPath), !stderrText.isEmpty());
    if (outcome == AttemptOutcome::NotStarted)
        QVERIFY2(record.message.contains(QLatin1String("/nonexistent/requeue-x")),
                 qPrintable(record.message));
    else
        QVERIFY(record.message.isEmpty());
    // The output files and their folder are private to the user.
    if (!stdoutText.isEmpty()) {
        QCOMPARE(QFileInfo(ticket.stdoutPath).permissions() & (QFile::ReadOther | QFile::ReadGroup),
                 QFile::Permissions());
        QCOMPARE(QFileInfo(QFileInfo(ticket.stdoutPath).path()).permissions()
                     & (QFile::ReadOther | QFile::ReadGroup | QFile::ExeOther | QFile::ExeGroup),
                 QFile::Permissions());
    }
}

void tst_ProcessAttempt::executeDirectlyCancelledBeforeStart()
{
    const QString marker = path(QStringLiteral("cancelled-before-start.marker"));
    const AttemptTicket ticket = makeTicket(
        shellJob(QStringLiteral("touch %1").arg(shellQuoted(marker))), QStringLiteral("precancel"));
    ticket.control->requestCancel();
    const AttemptRecord record = AttemptRunnable::execute(ticket);
    QCOMPARE(attemptOutcomeName(record.outcome), attemptOutcomeName(AttemptOutcome::Cancelled));
    QVERIFY(!record.message.isEmpty());
    QVERIFY(!QFileInfo::exists(marker));
    QVERIFY(!QFileInfo::exists(ticket.stdoutPath));
}

void tst_ProcessAttempt::executeDirectlyCancelWhileRunning()
{
    const QString pidFile = path(QStringLiteral("direct-cancel.pids"));
    const AttemptTicket ticket
        = makeTicket(shellJob(startBackgroundSleep(pidFile) + QStringLiteral("; sleep 100")),
                     QStringLiteral("direct-cancel"));
    auto result
        = std::async(std::launch::async, [ticket] { return AttemptRunnable::execute(ticket); });
    // Should a check fail, the attempt must still end, or ~future() would wait for it.
    const auto cancelOnExit = qScopeGuard([&ticket] { ticket.control->requestCancel(); });
    QTRY_VERIFY_WITH_TIMEOUT(QFileInfo::exists(pidFile), 5000);
    const JobPids pids = readPids(pidFile);
    QVERIFY(isRunning(pids.background));

    ticket.control->requestCancel();
    QCOMPARE(result.wait_for(5s), std::future_status::ready);
    const AttemptRecord record = result.get();
    QCOMPARE(attemptOutcomeName(record.outcome), attemptOutcomeName(AttemptOutcome::Cancelled));
    QCOMPARE(signalName(record.signal), signalName(SIGTERM));
    QTRY_VERIFY_WITH_TIMEOUT(liveGroupMembers(pids.leader).isEmpty(), 1000);
    QVERIFY(!isRunning(pids.background));
}

// --- what the child sees

void tst_ProcessAttempt::environment_data()
{
    QTest::addColumn<int>("maxAttempts");
    QTest::newRow("3 attempts") << 3;
    QTest::newRow("unlimited") << 0;
    QTest::newRow("5 attempts") << 5;
}

void tst_ProcessAttempt::environment()
{
    QFETCH(int, maxAttempts);

    // Fails until its third attempt, printing what it sees each time.
    JobSpec spec
        = shellJob(QStringLiteral("printf '%s|%s|%s|%s|%s|%s\\n' \"$REQUEUE_JOB_ID\" "
                                  "\"$REQUEUE_ATTEMPT\" \"$REQUEUE_MAX_ATTEMPTS\" "
                                  "\"$REQUEUE_TEST_EXTRA\" \"$REQUEUE_TEST_INHERITED\" "
                                  "\"$REQUEUE_TEST_OVERRIDDEN\"; [ \"$REQUEUE_ATTEMPT\" -ge 3 ]"),
                   maxAttempts);
    spec.process.environment.insert(QStringLiteral("REQUEUE_TEST_EXTRA"),
                                    QStringLiteral("two words, 'quotes' and \"more\" = ü"));
    spec.process.environment.insert(QStringLiteral("REQUEUE_TEST_OVERRIDDEN"),
                                    QStringLiteral("from spec"));

    auto runner = makeRunner();
    runner->addJob(callableJob(0)); // so that the process job's id is not 1
    const JobId id = runner->addJob(spec);
    runner->start();
    QVERIFY(runner->waitForIdle(QDeadlineTimer(JobWaitMs)));

    const JobSnapshot job = runner->snapshot(id);
    QCOMPARE(jobStateName(job.state), jobStateName(JobState::Succeeded));
    QCOMPARE(job.attempts, 3);
    for (int attempt = 1; attempt <= 3; ++attempt) {
        const QString expected = QStringLiteral("%1|%2|%3|two words, 'quotes' and \"more\" = ü|"
                                                "from parent|from spec\n")
                                     .arg(id)
                                     .arg(attempt)
                                     .arg(maxAttempts);
        QCOMPARE(QString::fromUtf8(readFile(runner->outputPath(id, attempt, OutputStream::Stdout))),
                 expected);
    }
}

void tst_ProcessAttempt::attemptNumberContinuesAfterManualRetry()
{
    auto runner = makeRunner();
    const JobId id = runner->addJob(
        shellJob(QStringLiteral("echo \"$REQUEUE_ATTEMPT/$REQUEUE_MAX_ATTEMPTS\"; exit 1"), 2));
    runner->start();
    QVERIFY(runner->waitForIdle(QDeadlineTimer(JobWaitMs)));
    QCOMPARE(runner->snapshot(id).attempts, 2);
    QVERIFY(runner->retry(id));
    QVERIFY(runner->waitForIdle(QDeadlineTimer(JobWaitMs)));
    QCOMPARE(runner->snapshot(id).attempts, 4);
    for (int attempt = 1; attempt <= 4; ++attempt)
        QCOMPARE(readFile(runner->outputPath(id, attempt, OutputStream::Stdout)),
                 QByteArray::number(attempt) + "/2\n");
}

void tst_ProcessAttempt::workingDirectory()
{
    const QString dir = path(QStringLiteral("work dir 'quoted'"));
    QVERIFY(QDir().mkpath(dir));
    const QString canonical = QFileInfo(dir).canonicalFilePath();

    auto runner = makeRunner();
    JobSpec shell = shellJob(QStringLiteral("pwd -P; echo made > marker"));
    shell.process.workingDirectory = dir;
    JobSpec argv = argvJob(QStringLiteral("/bin/pwd"), {QStringLiteral("-P")});
    argv.process.workingDirectory = dir;
    const JobId shellId = runner->addJob(shell);
    const JobId argvId = runner->addJob(argv);
    runner->start();
    QVERIFY(runner->waitForIdle(QDeadlineTimer(JobWaitMs)));

    QCOMPARE(jobStateName(runner->snapshot(shellId).state), jobStateName(JobState::Succeeded));
    QCOMPARE(QString::fromUtf8(readFile(runner->outputPath(shellId, 1, OutputStream::Stdout))),
             canonical + QLatin1Char('\n'));
    QCOMPARE(readFile(dir + QStringLiteral("/marker")), QByteArray("made\n"));
    QCOMPARE(QString::fromUtf8(readFile(runner->outputPath(argvId, 1, OutputStream::Stdout))),
             canonical + QLatin1Char('\n'));
}

void tst_ProcessAttempt::stdinIsDevNull_data()
{
    QTest::addColumn<JobSpec>("spec");
    QTest::addColumn<QByteArray>("stdoutText");

    QTest::newRow("cat ends at once") << argvJob(QStringLiteral("cat"), {}) << QByteArray();
    QTest::newRow("read gets EOF")
        << shellJob(QStringLiteral("if read line; then echo \"got: $line\"; else echo eof; fi"))
        << QByteArray("eof\n");
    QTest::newRow("fd 0 is /dev/null")
        << argvJob(QStringLiteral("readlink"), {QStringLiteral("/proc/self/fd/0")})
        << QByteArray("/dev/null\n");
}

void tst_ProcessAttempt::stdinIsDevNull()
{
    QFETCH(JobSpec, spec);
    QFETCH(QByteArray, stdoutText);

    // Should stdin be a terminal or a pipe, the job would block: a timeout
    // turns that into a failure instead of a hang.
    spec.timeout = 5s;
    auto runner = makeRunner();
    const JobId id = runner->addJob(spec);
    runner->start();
    QVERIFY(runner->waitForIdle(QDeadlineTimer(JobWaitMs)));
    const JobSnapshot job = runner->snapshot(id);
    QCOMPARE(attemptOutcomeName(job.lastAttempt.outcome),
             attemptOutcomeName(AttemptOutcome::Succeeded));
    QVERIFY2(job.lastAttempt.durationUs() < 4000000, "the job waited on stdin");
    QCOMPARE(readOutput(runner->outputPath(id, 1, OutputStream::Stdout)), stdoutText);
}

void tst_ProcessAttempt::outputFilesPerAttempt()
{
    auto runner = makeRunner();
    const JobId id = runner->addJob(shellJob(
        QStringLiteral("echo \"out $REQUEUE_ATTEMPT\"; echo \"err $REQUEUE_ATTEMPT\" >&2; exit 1"),
        3));
    runner->start();
    QVERIFY(runner->waitForIdle(QDeadlineTimer(JobWaitMs)));
    QCOMPARE(runner->snapshot(id).attempts, 3);

    QSet<QString> paths;
    for (int attempt = 1; attempt <= 3; ++attempt) {
        const QString out = runner->outputPath(id, attempt, OutputStream::Stdout);
        const QString err = runner->outputPath(id, attempt, OutputStream::Stderr);
        QVERIFY(out.startsWith(runner->outputDirectory() + QLatin1Char('/')));
        QCOMPARE(QFileInfo(out).dir(), QFileInfo(err).dir());
        paths << out << err;
        QCOMPARE(readFile(out), QByteArray("out ") + QByteArray::number(attempt) + '\n');
        QCOMPARE(readFile(err), QByteArray("err ") + QByteArray::number(attempt) + '\n');
    }
    QCOMPARE(paths.size(), 6); // one pair per attempt, none shared
    QVERIFY(runner->outputPath(id, 0, OutputStream::Stdout).isEmpty());
    QVERIFY(runner->outputPath(id, 4, OutputStream::Stdout).isEmpty());
}

void tst_ProcessAttempt::largeOutput()
{
    // More than a pipe buffer on both streams: nothing may block or be lost.
    auto runner = makeRunner();
    const JobId id = runner->addJob(shellJob(QStringLiteral("seq 1 200000; seq 1 200000 >&2")));
    runner->start();
    QVERIFY(runner->waitForIdle(QDeadlineTimer(JobWaitMs)));
    QCOMPARE(jobStateName(runner->snapshot(id).state), jobStateName(JobState::Succeeded));
    const QByteArray out = readFile(runner->outputPath(id, 1, OutputStream::Stdout));
    QCOMPARE(out.count('\n'), 200000);
    QVERIFY(out.endsWith("\n199999\n200000\n"));
    QCOMPARE(readFile(runner->outputPath(id, 1, OutputStream::Stderr)), out);
}

void tst_ProcessAttempt::argvIsPassedVerbatim()
{
    const QStringList arguments {
        QStringLiteral("a b"),
        QStringLiteral("  leading and trailing  "),
        QStringLiteral("it's"),
        QStringLiteral("\"double\""),
        QStringLiteral("$HOME"),
        QStringLiteral("*"),
        QString(),
        QStringLiteral("back\\slash \\n"),
        QStringLiteral("semi; echo injected && false"),
        QStringLiteral("`id` $(id)"),
        QStringLiteral("new\nline"),
        QStringLiteral("ünïcödé"),
        QStringLiteral("%s %d"),
    };
    QByteArray expected;
    for (const QString &argument : arguments)
        expected += '[' + argument.toUtf8() + "]\n";

    auto runner = makeRunner();
    // "printf" without a slash: found on PATH, still without a shell.
    const JobId id = runner->addJob(
        argvJob(QStringLiteral("printf"), QStringList {QStringLiteral("[%s]\\n")} + arguments));
    runner->start();
    QVERIFY(runner->waitForIdle(QDeadlineTimer(JobWaitMs)));
    QCOMPARE(jobStateName(runner->snapshot(id).state), jobStateName(JobState::Succeeded));
    QCOMPARE(readFile(runner->outputPath(id, 1, OutputStream::Stdout)), expected);
}

void tst_ProcessAttempt::childSeesOnlyStdFds()
{
    // Descriptors the parent opened without O_CLOEXEC must not reach the job either.
    const int leakyFile = ::open("/dev/null", O_RDONLY);
    int leakyPipe[2] = {-1, -1};
    QVERIFY(leakyFile >= 0);
    QCOMPARE(::pipe(leakyPipe), 0);
    const auto closeLeaky = qScopeGuard([&] {
        ::close(leakyFile);
        ::close(leakyPipe[0]);
        ::close(leakyPipe[1]);
    });

    auto runner = makeRunner();
    const JobId argvId = runner->addJob(argvJob(
        QStringLiteral("/bin/ls"), {QStringLiteral("-l"), QStringLiteral("/proc/self/fd")}));
    // The shell's own table, read by a child (not exec'd: ':' comes last).
    const JobId shellId = runner->addJob(shellJob(QStringLiteral("ls -l /proc/$$/fd; :")));
    runner->start();
    QVERIFY(runner->waitForIdle(QDeadlineTimer(JobWaitMs)));

    static const QRegularExpression entry(QStringLiteral(" (\\d+) -> (.*)$"),
                                          QRegularExpression::MultilineOption);
    for (const JobId id : {argvId, shellId}) {
        QCOMPARE(jobStateName(runner->snapshot(id).state), jobStateName(JobState::Succeeded));
        const QString listing
            = QString::fromUtf8(readFile(runner->outputPath(id, 1, OutputStream::Stdout)));
        QMap<int, QString> fds;
        for (auto it = entry.globalMatch(listing); it.hasNext();) {
            const auto match = it.next();
            fds.insert(match.captured(1).toInt(), match.captured(2));
        }
        QVERIFY2(fds.size() >= 3, qPrintable(listing));
        QCOMPARE(fds.value(0), QStringLiteral("/dev/null"));
        // stdout and stderr are pipes of their own, which the runner empties
        // into the output files (this listing came through the first one).
        QVERIFY2(fds.value(1).startsWith(QStringLiteral("pipe:")), qPrintable(fds.value(1)));
        QVERIFY2(fds.value(2).startsWith(QStringLiteral("pipe:")), qPrintable(fds.value(2)));
        QVERIFY(fds.value(1) != fds.value(2));
        static const QRegularExpression procFdDir(QStringLiteral("^/proc/\\d+/fd$"));
        for (auto it = fds.cbegin(); it != fds.cend(); ++it) {
            // ls's own handle on the folder it lists is the only extra allowed.
            if (it.key() > 2 && id == argvId)
                QVERIFY2(procFdDir.match(it.value()).hasMatch(), qPrintable(listing));
            else if (it.key() > 2)
                QFAIL(qPrintable(QStringLiteral("the job's shell has fd %1 -> %2:\n%3")
                                     .arg(it.key())
                                     .arg(it.value(), listing)));
        }
        QVERIFY2(fds.size() <= 4, qPrintable(listing));
    }
}

void tst_ProcessAttempt::parentLeaksNoFds()
{
    // Warm-up: whatever the first attempt of the process sets up for good (a
    // process guard, say) is in place before counting.
    {
        auto runner = makeRunner();
        runner->addJob(shellJob(QStringLiteral("exit 0")));
        runner->start();
        QVERIFY(runner->waitForIdle(QDeadlineTimer(JobWaitMs)));
    }
    const int baseline = openFdCount();
    QVERIFY(baseline > 0);
    {
        auto runner = makeRunner();
        // Warm-up: both workers exist from here on. Qt gives every pool thread
        // an event dispatcher (an eventfd), which is not the attempts' doing.
        runner->addJobs(
            {shellJob(QStringLiteral("sleep 0.2")), shellJob(QStringLiteral("sleep 0.2"))});
        runner->start();
        QVERIFY(runner->waitForIdle(QDeadlineTimer(JobWaitMs)));
        const int before = openFdCount();

        QList<JobSpec> specs;
        for (int i = 0; i < 30; ++i)
            specs << shellJob(QStringLiteral("echo out; echo err >&2; exit 1"), 4); // 120 attempts
        for (int i = 0; i < 20; ++i)
            specs << argvJob(QStringLiteral("/bin/true"), {}); // 20 successes
        for (int i = 0; i < 20; ++i)
            specs << argvJob(QStringLiteral("/nonexistent/requeue-x"), {}, 5); // 20 not started
        for (int i = 0; i < 20; ++i)
            specs << shellJob(QStringLiteral("kill -KILL $$"), 2); // 40 signalled
        runner->addJobs(specs);
        QVERIFY(runner->waitForIdle(QDeadlineTimer(60000)));
        QCOMPARE(runner->totalAttempts(), 2 + 200);
        qInfo("open fds: %d without a runner, %d with its 2 workers, %d after 200 attempts",
              baseline, before, openFdCount());
        QCOMPARE(openFdCount(), before);
    }
    QCOMPARE(openFdCount(), baseline);
}

// --- output folder problems

void tst_ProcessAttempt::outputDirectoryUnwritable_data()
{
    QTest::addColumn<QString>("outputDir");
    QTest::addColumn<bool>("needsPermissions"); // root ignores the mode bits

    QTest::newRow("is a regular file") << m_notExecutable << false;
    QTest::newRow("under a regular file") << m_notExecutable + QStringLiteral("/out") << false;
    QTest::newRow("under a read-only folder") << path(QStringLiteral("read-only/out")) << true;
    QTest::newRow("read-only folder itself") << path(QStringLiteral("read-only")) << true;
}

void tst_ProcessAttempt::outputDirectoryUnwritable()
{
    QFETCH(QString, outputDir);
    QFETCH(bool, needsPermissions);

    if (needsPermissions) {
        if (::geteuid() == 0)
            QSKIP("running as root: folder permissions do not apply");
        const QString readOnly = path(QStringLiteral("read-only"));
        QVERIFY(QDir().mkpath(readOnly));
        QVERIFY(QFile::setPermissions(readOnly, QFile::ReadOwner | QFile::ExeOwner));
    }

    auto runner = makeRunner();
    runner->setOutputDirectory(outputDir);
    QList<JobSpec> specs;
    for (int i = 0; i < 3; ++i)
        specs << shellJob(QStringLiteral("exit 0"), 5) << callableJob(0);
    const QList<JobId> ids = runner->addJobs(specs);
    runner->start();
    QVERIFY(runner->waitForIdle(QDeadlineTimer(JobWaitMs)));

    for (int i = 0; i < ids.size(); ++i) {
        const JobSnapshot job = runner->snapshot(ids.at(i), true);
        if (specs.at(i).isCallable()) {
            // In-process jobs write no output: they carry on.
            QCOMPARE(jobStateName(job.state), jobStateName(JobState::Succeeded));
            continue;
        }
        QCOMPARE(jobStateName(job.state), jobStateName(JobState::Failed));
        QCOMPARE(job.attempts, 1); // not retried, even with 5 allowed
        QCOMPARE(attemptOutcomeName(job.lastAttempt.outcome),
                 attemptOutcomeName(AttemptOutcome::NotStarted));
        QVERIFY2(job.lastAttempt.message.contains(outputDir), qPrintable(job.lastAttempt.message));
        qInfo("%s", qPrintable(job.lastAttempt.summary()));
    }
}

// --- nothing is left behind

void tst_ProcessAttempt::cancelKillsProcessGroup_data()
{
    QTest::addColumn<QString>("prologue");
    QTest::addColumn<int>("signal");
    QTest::addColumn<int>("minGoneMs");
    QTest::addColumn<int>("maxGoneMs");

    // The requirement is 100 ms; the bound is generous for loaded machines.
    QTest::newRow("sleep & sleep") << QString() << SIGTERM << 0 << 500;
    QTest::newRow("TERM ignored: SIGKILL after the grace")
        << QStringLiteral("trap '' TERM; ") << SIGKILL << int(KillGrace.count())
        << int(KillGrace.count()) + 500;
}

void tst_ProcessAttempt::cancelKillsProcessGroup()
{
    QFETCH(QString, prologue);
    QFETCH(int, signal);
    QFETCH(int, minGoneMs);
    QFETCH(int, maxGoneMs);

    const QString pidFile = path(QStringLiteral("cancel-%1.pids").arg(++m_serial));
    JobSpec spec
        = shellJob(prologue + startBackgroundSleep(pidFile) + QStringLiteral("; sleep 100"), 5);
    spec.timeout = 30s; // a safety net: cancel must end it long before
    auto runner = makeRunner();
    const JobId id = runner->addJob(spec);
    runner->start();

    QTRY_VERIFY_WITH_TIMEOUT(QFileInfo::exists(pidFile), 5000);
    const JobPids pids = readPids(pidFile);
    QVERIFY(pids.leader > 0 && pids.background > 0);
    QCOMPARE(procStat(pids.leader).pgrp, pids.leader); // the job leads its own group
    QCOMPARE(procStat(pids.background).pgrp, pids.leader);
    QVERIFY(pids.leader != ::getpgrp());
    // Both sleeps: the background one and the foreground one (which may be the
    // shell itself, exec'd).
    QTRY_VERIFY_WITH_TIMEOUT(liveGroupMembers(pids.leader).size() >= 2, 2000);
    const QList<int> members = liveGroupMembers(pids.leader);

    QElapsedTimer clock;
    clock.start();
    QVERIFY(runner->cancel(id));
    const double goneMs = elapsedUntil(
        clock, [&] { return liveGroupMembers(pids.leader).isEmpty(); }, 1000 + maxGoneMs);
    QVERIFY(runner->waitForIdle(QDeadlineTimer(JobWaitMs)));
    const double finishedMs = double(clock.nsecsElapsed()) / 1e6;
    qInfo("cancel -> process group (%lld processes) gone: %.2f ms; -> job cancelled: %.2f ms",
          qlonglong(members.size()), goneMs, finishedMs);
    QVERIFY2(goneMs >= 0, "the job's processes outlived the cancel by more than a second");
    QVERIFY2(goneMs < maxGoneMs, qPrintable(QString::number(goneMs)));
    QVERIFY2(goneMs >= minGoneMs, qPrintable(QString::number(goneMs)));
    for (int pid : members)
        QVERIFY(!isRunning(pid));

    const JobSnapshot job = runner->snapshot(id);
    QCOMPARE(jobStateName(job.state), jobStateName(JobState::Cancelled));
    QCOMPARE(job.attempts, 1); // a cancelled job is never retried
    QCOMPARE(attemptOutcomeName(job.lastAttempt.outcome),
             attemptOutcomeName(AttemptOutcome::Cancelled));
    QCOMPARE(signalName(job.lastAttempt.signal), signalName(signal));
}

void tst_ProcessAttempt::cancelGraceDoesNotBusyWait()
{
    // While a cancelled job that ignores SIGTERM gets its grace period, the
    // worker must sleep, not spin.
    const QString pidFile = path(QStringLiteral("grace.pids"));
    JobSpec spec = shellJob(QStringLiteral("trap '' TERM; ") + startBackgroundSleep(pidFile)
                            + QStringLiteral("; sleep 100"));
    spec.timeout = 30s;
    auto runner = makeRunner();
    runner->setKillGracePeriod(500ms);
    const JobId id = runner->addJob(spec);
    runner->start();
    QTRY_VERIFY_WITH_TIMEOUT(QFileInfo::exists(pidFile), 5000);

    const qint64 cpuBefore = cpuTimeUs();
    QElapsedTimer clock;
    clock.start();
    QVERIFY(runner->cancel(id));
    QVERIFY(runner->waitForIdle(QDeadlineTimer(JobWaitMs)));
    const qint64 wallMs = clock.elapsed();
    const qint64 cpuMs = (cpuTimeUs() - cpuBefore) / 1000;
    qInfo("grace period: %lld ms wall, %lld ms CPU", qlonglong(wallMs), qlonglong(cpuMs));
    QVERIFY(wallMs >= 500);
    QCOMPARE(signalName(runner->snapshot(id).lastAttempt.signal), signalName(SIGKILL));
    QVERIFY2(cpuMs < 100, qPrintable(QStringLiteral("%1 ms of CPU in a 500 ms grace").arg(cpuMs)));
}

void tst_ProcessAttempt::environmentTooLarge()
{
    // One variable past the kernel's 128 KiB limit for a single string.
    auto runner = makeRunner();
    JobSpec spec = shellJob(QStringLiteral("true"), 5);
    spec.process.environment.insert(QStringLiteral("HUGE"), QString(200 * 1024, QLatin1Char('x')));
    const JobId huge = runner->addJob(spec);
    const JobId fine = runner->addJob(shellJob(QStringLiteral("true")));
    runner->start();
    QVERIFY(runner->waitForIdle(QDeadlineTimer(JobWaitMs)));
    const JobSnapshot failed = runner->snapshot(huge);
    QCOMPARE(failed.state, JobState::Failed);
    QCOMPARE(failed.attempts, 1); // not startable: not retried
    QCOMPARE(failed.lastAttempt.outcome, AttemptOutcome::NotStarted);
    QCOMPARE(failed.lastAttempt.message,
             QStringLiteral("cannot start /bin/sh: ") + QString::fromLocal8Bit(strerror(E2BIG)));
    QCOMPARE(runner->snapshot(fine).state, JobState::Succeeded);
}

void tst_ProcessAttempt::sameSeqInOneRunnerKeepsOutputsApart()
{
    // Two lists loaded into one window both have a job 1.
    auto runner = makeRunner();
    JobSpec a = shellJob(QStringLiteral("echo a"));
    a.seq = 1;
    JobSpec b = shellJob(QStringLiteral("echo b"));
    b.seq = 1;
    const QList<JobId> ids = runner->addJobs({a, b});
    runner->start();
    QVERIFY(runner->waitForIdle(QDeadlineTimer(JobWaitMs)));
    const QString first = runner->outputPath(ids[0], 1, OutputStream::Stdout);
    const QString second = runner->outputPath(ids[1], 1, OutputStream::Stdout);
    QVERIFY(first.endsWith(QStringLiteral("/1/1/stdout")));
    QVERIFY(second.endsWith(QStringLiteral("/id-2/1/stdout")));
    QCOMPARE(readFile(first), QByteArray("a\n"));
    QCOMPARE(readFile(second), QByteArray("b\n"));
}

void tst_ProcessAttempt::jobClosingItsOutputEarly()
{
    // Closing stdout is the job's business: it still runs to its own end.
    auto runner = makeRunner();
    const JobId id = runner->addJob(
        shellJob(QStringLiteral("echo before; exec 1>&-; sleep 0.05; echo after >&2; exit 4")));
    runner->start();
    QVERIFY(runner->waitForIdle(QDeadlineTimer(JobWaitMs)));
    const JobSnapshot s = runner->snapshot(id);
    QCOMPARE(s.lastAttempt.outcome, AttemptOutcome::ExitCode);
    QCOMPARE(s.lastAttempt.exitCode, 4);
    QCOMPARE(readFile(runner->outputPath(id, 1, OutputStream::Stdout)), QByteArray("before\n"));
    QCOMPARE(readFile(runner->outputPath(id, 1, OutputStream::Stderr)), QByteArray("after\n"));
}

void tst_ProcessAttempt::fullDiskFailsOnlyTheJobsItHits()
{
    // A file system with room for eight inodes: its root and the folders and
    // file of the first two jobs (three each) fit, the third job's output
    // does not. A job that prints nothing needs no room at all. Needs root
    // (mount); skipped otherwise.
    const QString mountPoint = path(QStringLiteral("full-disk"));
    QVERIFY(QDir().mkpath(mountPoint));
    const QByteArray target = QFile::encodeName(mountPoint);
    if (::getuid() != 0
        || ::mount("tmpfs", target.constData(), "tmpfs", 0, "size=64k,nr_inodes=8") != 0)
        QSKIP("needs root to mount a tiny tmpfs");
    const auto unmount = qScopeGuard([&] { ::umount2(target.constData(), MNT_DETACH); });

    auto runner = makeRunner(1);
    runner->setOutputDirectory(mountPoint);
    QList<JobSpec> specs {
        shellJob(QStringLiteral("echo first")), shellJob(QStringLiteral("echo second"), 3),
        // Stopped once its output is lost, not left to sleep.
        shellJob(QStringLiteral("echo third; sleep 100"), 3), shellJob(QStringLiteral("true"))};
    for (int i = 0; i < specs.size(); ++i) {
        specs[i].seq = i + 1;
        specs[i].timeout = 60s;
    }
    const QList<JobId> ids = runner->addJobs(specs);
    const JobId callable = runner->addJob(callableJob(0));
    runner->start();
    QVERIFY(runner->waitForIdle(QDeadlineTimer(JobWaitMs)));

    QCOMPARE(runner->snapshot(ids[0]).state, JobState::Succeeded);
    QCOMPARE(runner->snapshot(ids[1]).state, JobState::Succeeded);
    QCOMPARE(readFile(mountPoint + QStringLiteral("/1/1/stdout")), QByteArray("first\n"));
    QCOMPARE(readFile(mountPoint + QStringLiteral("/2/1/stdout")), QByteArray("second\n"));
    const JobSnapshot third = runner->snapshot(ids[2]);
    QCOMPARE(third.state, JobState::Failed);
    QCOMPARE(third.attempts, 1); // as an unwritable output folder: not retried
    QCOMPARE(third.lastAttempt.outcome, AttemptOutcome::NotStarted);
    const QString noSpace = QString::fromLocal8Bit(strerror(ENOSPC));
    QCOMPARE(third.lastAttempt.message,
             QStringLiteral("cannot write output %1/3/1/stdout: %2").arg(mountPoint, noSpace));
    QCOMPARE(runner->snapshot(ids[3]).state, JobState::Succeeded);
    QCOMPARE(runner->snapshot(callable).state, JobState::Succeeded); // the runner carries on
}

// Everything below `dir`, relative to it, sorted.
static QStringList filesBelow(const QString &dir)
{
    QStringList entries;
    QDirIterator it(dir, QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden,
                    QDirIterator::Subdirectories);
    while (it.hasNext())
        entries.append(QDir(dir).relativeFilePath(it.next()));
    entries.sort();
    return entries;
}

void tst_ProcessAttempt::silentAttemptsLeaveNothing()
{
    // However an attempt ends, if it printed nothing it leaves no file or
    // folder behind; one that printed keeps exactly what it printed.
    auto runner = makeRunner();
    JobSpec timesOut = shellJob(QStringLiteral("sleep 100"));
    timesOut.timeout = 100ms;
    JobSpec printsOnStderr = shellJob(QStringLiteral("echo kept >&2"));
    printsOnStderr.seq = 7;
    const QList<JobSpec> specs {
        shellJob(QStringLiteral("true")),
        shellJob(QStringLiteral("exit 3"), 3),
        shellJob(QStringLiteral("test \"$REQUEUE_ATTEMPT\" -ge 2"), 3),
        shellJob(QStringLiteral("kill -TERM $$")),
        argvJob(QStringLiteral("/nonexistent/requeue-x"), {}),
        timesOut,
        printsOnStderr,
    };
    runner->addJobs(specs);
    runner->start();
    QVERIFY(runner->waitForIdle(QDeadlineTimer(JobWaitMs)));
    QCOMPARE(runner->totalAttempts(), 10);
    QCOMPARE(
        filesBelow(runner->outputDirectory()),
        QStringList({QStringLiteral("7"), QStringLiteral("7/1"), QStringLiteral("7/1/stderr")}));
    QCOMPARE(readFile(runner->outputDirectory() + QStringLiteral("/7/1/stderr")),
             QByteArray("kept\n"));
}

void tst_ProcessAttempt::plainCommandRunsWithoutShell()
{
    // Field 4 of /proc/self/stat is the parent: Requeue itself without a
    // shell in between, sh when the command needs one (";").
    auto runner = makeRunner();
    const JobId plain = runner->addJob(shellJob(QStringLiteral("cat /proc/self/stat")));
    const JobId viaShell = runner->addJob(shellJob(QStringLiteral("cat /proc/self/stat;")));
    runner->start();
    QVERIFY(runner->waitForIdle(QDeadlineTimer(JobWaitMs)));
    const auto parentOf = [&](JobId id) {
        const QByteArray stat = readOutput(runner->outputPath(id, 1, OutputStream::Stdout));
        return stat.mid(stat.lastIndexOf(')') + 2).split(' ').value(1).toLongLong();
    };
    QCOMPARE(parentOf(plain), qint64(::getpid()));
    QVERIFY(parentOf(viaShell) != qint64(::getpid()));
    QVERIFY(parentOf(viaShell) > 0);
}

void tst_ProcessAttempt::withoutShellBehavesAsSh_data()
{
    QTest::addColumn<QString>("command");
    QTest::addColumn<QString>("workingDirectory");

    // Scripts a plain command can name: one killed by a signal, one that
    // has no #! line (the kernel cannot run it; sh can), one not executable.
    const QString scripts = path(QStringLiteral("scripts"));
    QDir().mkpath(scripts);
    const auto script = [&](const QString &name, const QByteArray &text, bool executable) {
        QFile file(scripts + QLatin1Char('/') + name);
        file.open(QIODevice::WriteOnly);
        file.write(text);
        file.close();
        file.setPermissions(QFile::ReadOwner | QFile::WriteOwner
                            | (executable ? QFile::ExeOwner : QFile::Permissions()));
        return file.fileName();
    };
    const QString segv = script(QStringLiteral("segv"), "#!/bin/sh\nkill -SEGV $$\n", true);
    const QString pipe = script(QStringLiteral("pipe"), "#!/bin/sh\nkill -PIPE $$\n", true);
    const QString noHashBang
        = script(QStringLiteral("no-hash-bang"), "echo from sh >&2; exit 3\n", true);
    const QString notExecutable
        = script(QStringLiteral("not-executable"), "#!/bin/sh\nexit 0\n", false);
    // A working directory through a symbolic link: PWD as sh sets it.
    const QString link = path(QStringLiteral("scripts-link"));
    QFile::link(scripts, link);

    QTest::newRow("success") << QStringLiteral("ls -d /") << QString();
    QTest::newRow("exit code and stderr") << QStringLiteral("ls /nonexistent-requeue") << QString();
    QTest::newRow("environment") << QStringLiteral("env") << QString();
    QTest::newRow("environment in a folder") << QStringLiteral("env") << link;
    QTest::newRow("relative program") << QStringLiteral("./segv") << scripts;
    QTest::newRow("signal") << segv << QString();
    QTest::newRow("SIGPIPE") << pipe << QString();
    QTest::newRow("no #! line") << noHashBang << QString();
    QTest::newRow("not executable") << notExecutable << QString();
    QTest::newRow("not found") << QStringLiteral("requeue-no-such-program x") << QString();
}

void tst_ProcessAttempt::withoutShellBehavesAsSh()
{
    QFETCH(QString, command);
    QFETCH(QString, workingDirectory);

    // The same command twice: as it is, and with a ";" that makes it need sh.
    auto runner = makeRunner();
    JobSpec plain = shellJob(command);
    plain.process.workingDirectory = workingDirectory;
    JobSpec viaShell = shellJob(command + QLatin1Char(';'));
    viaShell.process.workingDirectory = workingDirectory;
    const QList<JobId> ids = runner->addJobs({plain, viaShell});
    runner->start();
    QVERIFY(runner->waitForIdle(QDeadlineTimer(JobWaitMs)));
    const auto result = [&](JobId id) {
        const AttemptRecord last = runner->snapshot(id).lastAttempt;
        QByteArray out = readOutput(runner->outputPath(id, 1, OutputStream::Stdout));
        // The job id is the one thing that differs; sh lists the environment
        // in an order of its own, so lines are compared as a set.
        out.replace(QByteArray("REQUEUE_JOB_ID=" + QByteArray::number(id)), "REQUEUE_JOB_ID=");
        QByteArrayList lines = out.split('\n');
        std::sort(lines.begin(), lines.end());
        out = lines.join('\n');
        return QStringList {
            attemptOutcomeName(last.outcome), QString::number(last.exitCode),
            signalName(last.signal), QString::fromUtf8(out),
            QString::fromUtf8(readOutput(runner->outputPath(id, 1, OutputStream::Stderr)))};
    };
    QCOMPARE(result(ids[0]), result(ids[1]));
}

void tst_ProcessAttempt::earlierRunsOutputIsNotTakenForThisOne()
{
    // A second run into the same folder: attempt 1 of job 1 printed before,
    // prints nothing now, and must not show the old text.
    const QString dir = path(QStringLiteral("rerun-%1").arg(++m_serial));
    for (const QString &command :
         {QStringLiteral("echo old; echo old >&2"), QStringLiteral("true")}) {
        auto runner = makeRunner();
        runner->setOutputDirectory(dir);
        JobSpec spec = shellJob(command);
        spec.seq = 1;
        runner->addJob(spec);
        runner->start();
        QVERIFY(runner->waitForIdle(QDeadlineTimer(JobWaitMs)));
    }
    QVERIFY(!QFileInfo::exists(dir + QStringLiteral("/1/1/stdout")));
    QVERIFY(!QFileInfo::exists(dir + QStringLiteral("/1/1/stderr")));
}

void tst_ProcessAttempt::lostOutputStopsTheAttempt()
{
    // The job takes its own output folder's place with a file: its output
    // cannot be stored, so the attempt is stopped and fails at once, as it
    // would with an unwritable folder. Works as root too.
    auto runner = makeRunner();
    const QString jobFolder = runner->outputDirectory() + QStringLiteral("/id-1");
    JobSpec spec
        = shellJob(QStringLiteral("touch %1; echo lost; sleep 100").arg(shellQuoted(jobFolder)), 3);
    spec.timeout = 60s;
    QVERIFY(QDir().mkpath(runner->outputDirectory()));
    const JobId id = runner->addJob(spec);
    runner->start();
    QVERIFY(runner->waitForIdle(QDeadlineTimer(JobWaitMs)));
    const JobSnapshot job = runner->snapshot(id);
    QCOMPARE(job.state, JobState::Failed);
    QCOMPARE(job.attempts, 1);
    QCOMPARE(job.lastAttempt.outcome, AttemptOutcome::NotStarted);
    QCOMPARE(job.lastAttempt.message,
             QStringLiteral("cannot write output %1/1/stdout: %2")
                 .arg(jobFolder, QString::fromLocal8Bit(strerror(ENOTDIR))));
    QVERIFY(job.lastAttempt.durationUs() < JobWaitMs * 1000LL);
}

void tst_ProcessAttempt::killCancelSkipsTheGracePeriod()
{
    // A second Ctrl-C: after a graceful cancel, even a job that ignores
    // SIGTERM is gone at once, long before its grace period ends.
    const QString pidFile = path(QStringLiteral("kill.pids"));
    JobSpec spec = shellJob(QStringLiteral("trap '' TERM; ") + startBackgroundSleep(pidFile)
                            + QStringLiteral("; sleep 100"));
    auto runner = makeRunner();
    runner->setKillGracePeriod(30s);
    const JobId id = runner->addJob(spec);
    runner->start();
    QTRY_VERIFY_WITH_TIMEOUT(QFileInfo::exists(pidFile), 5000);
    const JobPids pids = readPids(pidFile);
    QVERIFY(runner->cancel(id));
    QElapsedTimer clock;
    clock.start();
    QCOMPARE(runner->cancelAll(JobRunner::CancelMode::Kill), 1);
    QVERIFY(runner->waitForIdle(QDeadlineTimer(5000)));
    QVERIFY(clock.elapsed() < 5000);
    QTRY_VERIFY_WITH_TIMEOUT(!isRunning(pids.background), 1000);
    QCOMPARE(runner->snapshot(id).state, JobState::Cancelled);
    QCOMPARE(signalName(runner->snapshot(id).lastAttempt.signal), signalName(SIGKILL));
}

namespace {
qint64 statusKiB(const QByteArray &field)
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith(QByteArray(field + ':')))
            return line.mid(field.size() + 1).trimmed().split(' ').constFirst().toLongLong();
    }
    return -1;
}
} // namespace

void tst_ProcessAttempt::gigabyteOfOutputKeepsMemoryFlat()
{
    // Output streams to files; none of it passes through Requeue's memory.
    auto runner = makeRunner();
    const JobId id = runner->addJob(shellJob(QStringLiteral("head -c 1073741824 /dev/zero")));
    const qint64 idleKiB = statusKiB("VmRSS");
    QFile clearRefs(QStringLiteral("/proc/self/clear_refs"));
    if (clearRefs.open(QIODevice::WriteOnly))
        clearRefs.write("5"); // resets VmHWM, the peak, to the current RSS
    clearRefs.close();
    runner->start();
    QVERIFY(runner->waitForIdle(QDeadlineTimer(120'000)));
    const qint64 peakKiB = statusKiB("VmHWM");
    const QString out = runner->outputPath(id, 1, OutputStream::Stdout);
    QCOMPARE(QFileInfo(out).size(), qint64(1) << 30);
    QFile::remove(out);
    qInfo("peak RSS %lld KiB above idle while a job printed 1 GiB", qlonglong(peakKiB - idleKiB));
    QCOMPARE(runner->snapshot(id).state, JobState::Succeeded);
    QVERIFY(peakKiB - idleKiB < 64 * 1024);
}

void tst_ProcessAttempt::timeoutKillsProcessGroup_data()
{
    QTest::addColumn<QString>("prologue");
    QTest::addColumn<int>("signal");

    QTest::newRow("sleep & sleep") << QString() << SIGTERM;
    QTest::newRow("TERM ignored") << QStringLiteral("trap '' TERM; ") << SIGKILL;
}

void tst_ProcessAttempt::timeoutKillsProcessGroup()
{
    QFETCH(QString, prologue);
    QFETCH(int, signal);

    const QString pidFile = path(QStringLiteral("timeout-%1.pids").arg(++m_serial));
    JobSpec spec
        = shellJob(prologue + startBackgroundSleep(pidFile) + QStringLiteral("; sleep 100"));
    spec.timeout = 500ms;
    auto runner = makeRunner();
    const JobId id = runner->addJob(spec);
    runner->start();
    QTRY_VERIFY_WITH_TIMEOUT(QFileInfo::exists(pidFile), 5000);
    const JobPids pids = readPids(pidFile);
    QVERIFY(isRunning(pids.background));

    QVERIFY(runner->waitForIdle(QDeadlineTimer(JobWaitMs)));
    QElapsedTimer clock;
    clock.start();
    const double goneMs = elapsedUntil(
        clock, [&] { return liveGroupMembers(pids.leader).isEmpty(); }, 1000);
    qInfo("timed out -> process group gone: %.2f ms after the job ended", goneMs);
    QVERIFY2(goneMs >= 0, "the job's processes outlived its timeout");
    QVERIFY(!isRunning(pids.background));

    const JobSnapshot job = runner->snapshot(id);
    QCOMPARE(jobStateName(job.state), jobStateName(JobState::Failed));
    QCOMPARE(attemptOutcomeName(job.lastAttempt.outcome),
             attemptOutcomeName(AttemptOutcome::TimedOut));
    QCOMPARE(signalName(job.lastAttempt.signal), signalName(signal));
}

void tst_ProcessAttempt::backgroundChildDiesWithAttempt()
{
    const QString pidFile = path(QStringLiteral("leftover.pids"));
    auto runner = makeRunner();
    const JobId id
        = runner->addJob(shellJob(startBackgroundSleep(pidFile) + QStringLiteral("; exit 0")));
    runner->start();
    QVERIFY(runner->waitForIdle(QDeadlineTimer(JobWaitMs)));
    QCOMPARE(jobStateName(runner->snapshot(id).state), jobStateName(JobState::Succeeded));

    const JobPids pids = readPids(pidFile);
    QVERIFY(pids.background > 0);
    QElapsedTimer clock;
    clock.start();
    const double goneMs = elapsedUntil(
        clock, [&] { return !isRunning(pids.background); }, 1000);
    qInfo("exit 0 -> background child gone: %.2f ms after the job ended", goneMs);
    QVERIFY2(goneMs >= 0, "the background child outlived its job");
    QVERIFY(liveGroupMembers(pids.leader).isEmpty());
}

void tst_ProcessAttempt::cancelQueuedJobNeverStarts_data()
{
    QTest::addColumn<bool>("paused");
    QTest::newRow("runner paused") << true;
    QTest::newRow("only worker busy") << false;
}

void tst_ProcessAttempt::cancelQueuedJobNeverStarts()
{
    QFETCH(bool, paused);

    const QString marker = path(QStringLiteral("queued-%1.marker").arg(++m_serial));
    const QString busyFlag = path(QStringLiteral("busy-%1.flag").arg(m_serial));
    auto runner = makeRunner(1);
    JobId busy = 0;
    if (!paused) {
        JobSpec spec = shellJob(QStringLiteral("touch %1; sleep 100").arg(shellQuoted(busyFlag)));
        spec.timeout = 30s;
        busy = runner->addJob(spec);
        runner->start();
        QTRY_VERIFY_WITH_TIMEOUT(QFileInfo::exists(busyFlag), 5000);
    }
    const JobId queued
        = runner->addJob(shellJob(QStringLiteral("touch %1").arg(shellQuoted(marker)), 3));
    QCOMPARE(jobStateName(runner->snapshot(queued).state), jobStateName(JobState::Queued));
    QVERIFY(runner->cancel(queued));
    QCOMPARE(jobStateName(runner->snapshot(queued).state), jobStateName(JobState::Cancelled));
    QVERIFY(!runner->cancel(queued)); // no longer active

    if (paused)
        runner->start();
    else
        QVERIFY(runner->cancel(busy));
    // A job behind it proves the worker got past where the cancelled one was.
    const JobId after = runner->addJob(shellJob(QStringLiteral("echo after")));
    QVERIFY(runner->waitForIdle(QDeadlineTimer(JobWaitMs)));
    QCOMPARE(jobStateName(runner->snapshot(after).state), jobStateName(JobState::Succeeded));

    const JobSnapshot job = runner->snapshot(queued);
    QCOMPARE(jobStateName(job.state), jobStateName(JobState::Cancelled));
    QCOMPARE(job.attempts, 0);
    QVERIFY(!job.hasLastAttempt);
    QVERIFY(!QFileInfo::exists(marker));
    QVERIFY(runner->outputPath(queued, 1, OutputStream::Stdout).isEmpty());
    QVERIFY(
        !QFileInfo::exists(runner->outputDirectory() + QLatin1Char('/') + QString::number(queued)));
    QVERIFY(QFileInfo::exists(runner->outputPath(after, 1, OutputStream::Stdout)));
}

} // namespace requeue

QTEST_GUILESS_MAIN(requeue::tst_ProcessAttempt)
#include "tst_processattempt.moc"
