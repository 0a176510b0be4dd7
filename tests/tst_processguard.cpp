// When Requeue dies, even by SIGKILL, its running jobs die with it: children
// and grandchildren alike.
#include "jobrunner.h"
#include "processguard.h"

#include "common/processes.h"

#include <QCoreApplication>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <sys/types.h>

using namespace requeue;
using requeue::test::isRunning;

namespace {

QList<pid_t> readPids(const QString &path)
{
    QFile file(path);
    QList<pid_t> pids;
    if (!file.open(QIODevice::ReadOnly))
        return pids;
    for (const QByteArray &line : file.readAll().split('\n')) {
        if (!line.trimmed().isEmpty())
            pids.append(pid_t(line.trimmed().toInt()));
    }
    return pids;
}

// The child mode: a runner with two jobs that would run for 100 s.
int runChild(const QString &pidFile)
{
    JobRunner runner;
    runner.setMaxWorkers(2);
    for (int i = 0; i < 2; ++i) {
        JobSpec spec;
        spec.process.shellCommand
            = QStringLiteral("sleep 100 & echo $! >> '%1'; echo $$ >> '%1'; wait").arg(pidFile);
        runner.addJob(spec);
    }
    runner.start();
    runner.waitForIdle(QDeadlineTimer(120'000));
    return 0;
}

} // namespace

class tst_ProcessGuard : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void jobsDieWithAKilledRunner();
    void guardIgnoresInterrupts();
};

void tst_ProcessGuard::jobsDieWithAKilledRunner()
{
    QTemporaryDir dir;
    const QString pidFile = dir.filePath(QStringLiteral("pids"));
    QProcess child;
    child.start(QCoreApplication::applicationFilePath(),
                {QStringLiteral("--child-runner"), pidFile});
    QVERIFY(child.waitForStarted());
    QTRY_COMPARE_WITH_TIMEOUT(readPids(pidFile).size(), 4, 10'000);
    const QList<pid_t> jobs = readPids(pidFile);
    for (pid_t pid : jobs)
        QVERIFY(isRunning(pid));

    ::kill(pid_t(child.processId()), SIGKILL);
    QVERIFY(child.waitForFinished(5000));
    for (pid_t pid : jobs)
        QTRY_VERIFY2_WITH_TIMEOUT(!isRunning(pid), qPrintable(QString::number(pid)), 2000);
}

void tst_ProcessGuard::guardIgnoresInterrupts()
{
    // Spawning any process job starts the guard in this process.
    JobRunner runner;
    JobSpec spec;
    spec.process.shellCommand = QStringLiteral("true");
    runner.addJob(spec);
    runner.start();
    QVERIFY(runner.waitForIdle(QDeadlineTimer(10'000)));
    const pid_t guard = ProcessGuard::instance().guardPid();
    QVERIFY(guard > 0);
    QVERIFY(isRunning(guard));
    ::kill(guard, SIGINT);
    ::kill(guard, SIGTERM);
    // Still there after both: a signal is delivered before kill() returns to
    // a process that does not block it, so a short bounded watch suffices.
    QVERIFY(!QTest::qWaitFor([&] { return !isRunning(guard); }, 200));
}

int main(int argc, char *argv[])
{
    if (argc == 3 && qstrcmp(argv[1], "--child-runner") == 0) {
        QCoreApplication app(argc, argv);
        return runChild(QString::fromLocal8Bit(argv[2]));
    }
    QCoreApplication app(argc, argv);
    tst_ProcessGuard test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_processguard.moc"
