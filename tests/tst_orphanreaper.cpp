// A job's process that leaves the job's process group (setsid) and outlives
// the job is adopted by Requeue and killed when the attempt ends.
#include "jobrunner.h"
#include "orphanreaper.h"

#include "common/processes.h"

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace requeue;
using requeue::test::isRunning;

class tst_OrphanReaper : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void escapedProcessDiesWithItsAttempt();
    void runningJobsAreLeftAlone();
    void childrenNotStartedByJobsAreLeftAlone();
};

void tst_OrphanReaper::initTestCase()
{
    if (!JobRunner::adoptOrphanedProcesses())
        QSKIP("this kernel does not let Requeue adopt orphans");
    QVERIFY(OrphanReaper::instance().isEnabled());
}

void tst_OrphanReaper::escapedProcessDiesWithItsAttempt()
{
    QTemporaryDir dir;
    const QString pidFile = dir.filePath(QStringLiteral("escaped"));
    JobRunner runner;
    runner.setOutputDirectory(dir.filePath(QStringLiteral("out")));
    JobSpec spec;
    spec.process.shellCommand
        = QStringLiteral(
              "setsid sh -c 'echo $$ > \"%1.tmp\"; mv \"%1.tmp\" \"%1\"; exec sleep 100' & "
              "while [ ! -s '%1' ]; do sleep 0.01; done; exit 0")
              .arg(pidFile);
    const JobId id = runner.addJob(spec);
    runner.start();
    QVERIFY(runner.waitForIdle(QDeadlineTimer(10'000)));
    QCOMPARE(runner.snapshot(id).state, JobState::Succeeded);

    QFile file(pidFile);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const pid_t escaped = pid_t(file.readAll().trimmed().toInt());
    QVERIFY(escaped > 0);
    QTRY_VERIFY_WITH_TIMEOUT(!isRunning(escaped), 1000);
}

void tst_OrphanReaper::runningJobsAreLeftAlone()
{
    // A sweep after one job's attempt must not touch another running job.
    JobRunner runner;
    QTemporaryDir dir;
    runner.setOutputDirectory(dir.path());
    runner.setMaxWorkers(2);
    JobSpec longJob;
    longJob.process.shellCommand = QStringLiteral("sleep 100");
    JobSpec quick;
    quick.process.shellCommand = QStringLiteral("true");
    const JobId slow = runner.addJob(longJob);
    runner.start();
    QTRY_VERIFY_WITH_TIMEOUT(runner.snapshot(slow).runningSinceUs != 0, 5000);
    const JobId fast = runner.addJob(quick);
    QTRY_COMPARE_WITH_TIMEOUT(runner.snapshot(fast).state, JobState::Succeeded, 5000);
    QCOMPARE(runner.snapshot(slow).state, JobState::Running);
    runner.cancel(slow);
    QVERIFY(runner.waitForIdle(QDeadlineTimer(5000)));
    QCOMPARE(runner.snapshot(slow).lastAttempt.outcome, AttemptOutcome::Cancelled);
}

void tst_OrphanReaper::childrenNotStartedByJobsAreLeftAlone()
{
    // A child of the program's own (a file dialog's helper) is no job's.
    QProcess own;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.remove(QStringLiteral("REQUEUE_JOB_ID"));
    own.setProcessEnvironment(environment);
    own.start(QStringLiteral("sleep"), {QStringLiteral("100")});
    QVERIFY(own.waitForStarted(5000));
    OrphanReaper::instance().sweep();
    QVERIFY(isRunning(pid_t(own.processId())));
    own.kill();
    QVERIFY(own.waitForFinished(5000));
}

QTEST_GUILESS_MAIN(tst_OrphanReaper)
#include "tst_orphanreaper.moc"
