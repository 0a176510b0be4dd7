// How Slurm's reports become attempt outcomes: what `scontrol -o show job`
// and `squeue` print (as observed on slurm-wlm 22.05, see ../shared/SLURM.md)
// and how each way a job ends is classified for the retry policy.
#include "slurmjobstatus.h"

#include <QTest>

#include <csignal>

using namespace requeue;

Q_DECLARE_METATYPE(std::optional<int>)

class tst_SlurmJobStatus : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parsesScontrol();
    void rejectsScontrolWithoutState();
    void parsesSqueue();
    void activeAndEndedStates_data();
    void activeAndEndedStates();
    void classifiesEnd_data();
    void classifiesEnd();
    void classifiesVanished();
};

void tst_SlurmJobStatus::parsesScontrol()
{
    const QString line = QStringLiteral(
        "JobId=42 JobName=requeue-run-3.2 UserId=root(0) GroupId=root(0) Priority=1 "
        "JobState=FAILED Reason=NonZeroExitCode Dependency=(null) ExitCode=0:9 "
        "RunTime=00:00:01 NodeList=vm StdErr=/tmp/x y/stderr");
    const auto status = parseScontrolJob(line);
    QVERIFY(status);
    QCOMPARE(status->jobId, QStringLiteral("42"));
    QCOMPARE(status->state, QStringLiteral("FAILED"));
    QCOMPARE(status->reason, QStringLiteral("NonZeroExitCode"));
    QCOMPARE(status->nodes, QStringLiteral("vm"));
    QCOMPARE(status->exitCode, 0);
    QCOMPARE(status->signal, 9);
    QVERIFY(status->hasEnded());
}

void tst_SlurmJobStatus::rejectsScontrolWithoutState()
{
    QVERIFY(!parseScontrolJob(QStringLiteral("slurm_load_jobs error: Invalid job id specified")));
    QVERIFY(!parseScontrolJob(QString()));
}

void tst_SlurmJobStatus::parsesSqueue()
{
    const auto jobs = parseSqueue(QStringLiteral("7|PENDING|Resources|\n"
                                                 "8|RUNNING|None|vm\n"
                                                 "garbage line\n"
                                                 "9|COMPLETED|None|vm\n"));
    QCOMPARE(jobs.size(), 3);
    QCOMPARE(jobs.value(QStringLiteral("7")).reason, QStringLiteral("Resources"));
    QVERIFY(!jobs.value(QStringLiteral("7")).hasEnded());
    QCOMPARE(jobs.value(QStringLiteral("8")).nodes, QStringLiteral("vm"));
    QVERIFY(jobs.value(QStringLiteral("9")).hasEnded());
}

void tst_SlurmJobStatus::activeAndEndedStates_data()
{
    QTest::addColumn<QString>("state");
    QTest::addColumn<bool>("ended");
    for (const char *state : {"PENDING", "RUNNING", "CONFIGURING", "COMPLETING", "SUSPENDED"})
        QTest::newRow(state) << QString::fromLatin1(state) << false;
    for (const char *state : {"COMPLETED", "FAILED", "TIMEOUT", "CANCELLED", "OUT_OF_MEMORY",
                              "NODE_FAIL", "PREEMPTED", "BOOT_FAIL", "DEADLINE"})
        QTest::newRow(state) << QString::fromLatin1(state) << true;
}

void tst_SlurmJobStatus::activeAndEndedStates()
{
    QFETCH(QString, state);
    QFETCH(bool, ended);
    SlurmJobStatus status;
    status.state = state;
    QCOMPARE(status.hasEnded(), ended);
}

void tst_SlurmJobStatus::classifiesEnd_data()
{
    QTest::addColumn<QString>("state");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<int>("signal");
    QTest::addColumn<std::optional<int>>("exitFile");
    QTest::addColumn<bool>("memoryExceeded");
    QTest::addColumn<bool>("cancelRequested");
    QTest::addColumn<AttemptOutcome>("outcome");
    QTest::addColumn<int>("expectedCode");
    QTest::addColumn<int>("expectedSignal");
    QTest::addColumn<QString>("messagePart");

    const std::optional<int> none;
    QTest::newRow("success") << "COMPLETED" << 0 << 0 << std::optional<int>(0) << false << false
                             << AttemptOutcome::Succeeded << 0 << 0 << "";
    QTest::newRow("exit 3") << "FAILED" << 3 << 0 << std::optional<int>(3) << false << false
                            << AttemptOutcome::ExitCode << 3 << 0 << "";
    QTest::newRow("kill -9 of the batch shell") << "FAILED" << 0 << 9 << none << false << false
                                                << AttemptOutcome::Signalled << -1 << 9 << "";
    QTest::newRow("kill -9 of the command, wrapper reports 137")
        << "FAILED" << 137 << 0 << std::optional<int>(137) << false << false
        << AttemptOutcome::Signalled << -1 << 9 << "";
    QTest::newRow("time limit") << "TIMEOUT" << 0 << 15 << none << false << false
                                << AttemptOutcome::TimedOut << -1 << 15 << "TIMEOUT";
    QTest::newRow("memory limit without cgroups")
        << "FAILED" << 0 << 9 << none << true << false << AttemptOutcome::Signalled << -1 << 9
        << "out of memory";
    QTest::newRow("OUT_OF_MEMORY state")
        << "OUT_OF_MEMORY" << 0 << 0 << none << false << false << AttemptOutcome::Signalled << -1
        << SIGKILL << "out of memory";
    QTest::newRow("cancelled by Requeue") << "CANCELLED" << 0 << 0 << none << false << true
                                          << AttemptOutcome::Cancelled << -1 << 0 << "";
    QTest::newRow("cancelled while running, wrapper trapped TERM")
        << "CANCELLED" << 143 << 0 << std::optional<int>(143) << false << true
        << AttemptOutcome::Cancelled << -1 << 0 << "";
    QTest::newRow("cancelled by someone else")
        << "CANCELLED" << 0 << 0 << none << false << false << AttemptOutcome::Signalled << -1
        << SIGTERM << "outside Requeue";
    QTest::newRow("node failure") << "NODE_FAIL" << 0 << 0 << none << false << false
                                  << AttemptOutcome::Lost << -1 << 0 << "NODE_FAIL";
    QTest::newRow("preempted") << "PREEMPTED" << 0 << 0 << none << false << false
                               << AttemptOutcome::Lost << -1 << 0 << "PREEMPTED";
    QTest::newRow("failed, code only in the exit file")
        << "FAILED" << 0 << 0 << std::optional<int>(4) << false << false << AttemptOutcome::ExitCode
        << 4 << 0 << "";
    QTest::newRow("failed with no code anywhere")
        << "FAILED" << 0 << 0 << none << false << false << AttemptOutcome::Lost << -1 << 0
        << "no exit code";
}

void tst_SlurmJobStatus::classifiesEnd()
{
    QFETCH(QString, state);
    QFETCH(int, exitCode);
    QFETCH(int, signal);
    QFETCH(std::optional<int>, exitFile);
    QFETCH(bool, memoryExceeded);
    QFETCH(bool, cancelRequested);
    QFETCH(AttemptOutcome, outcome);
    QFETCH(int, expectedCode);
    QFETCH(int, expectedSignal);
    QFETCH(QString, messagePart);

    SlurmJobStatus status;
    status.jobId = QStringLiteral("1");
    status.state = state;
    status.exitCode = exitCode;
    status.signal = signal;
    const AttemptRecord record
        = classifySlurmEnd(status, exitFile, memoryExceeded, cancelRequested);
    QCOMPARE(record.outcome, outcome);
    QCOMPARE(record.exitCode, expectedCode);
    QCOMPARE(record.signal, expectedSignal);
    QVERIFY2(record.message.contains(messagePart), qPrintable(record.message));
}

void tst_SlurmJobStatus::classifiesVanished()
{
    QCOMPARE(classifyVanished(0, false).outcome, AttemptOutcome::Succeeded);
    QCOMPARE(classifyVanished(2, false).exitCode, 2);
    QCOMPARE(classifyVanished(std::nullopt, true).outcome, AttemptOutcome::Cancelled);
    const AttemptRecord lost = classifyVanished(std::nullopt, false);
    QCOMPARE(lost.outcome, AttemptOutcome::Lost);
    QVERIFY(lost.message.contains(QLatin1String("lost")));
}

QTEST_GUILESS_MAIN(tst_SlurmJobStatus)
#include "tst_slurmjobstatus.moc"
