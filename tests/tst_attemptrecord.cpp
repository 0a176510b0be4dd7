// AttemptRecord: what an attempt's outcome says, and what a record nobody
// filled in says.
#include "attemptrecord.h"

#include <QTest>

using namespace requeue;

class tst_AttemptRecord : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void defaultIsNoSuccess();
    void summary_data();
    void summary();
};

void tst_AttemptRecord::defaultIsNoSuccess()
{
    const AttemptRecord record;
    QVERIFY(!record.succeeded());
    QCOMPARE(record.outcome, AttemptOutcome::NotStarted);
    QCOMPARE(record.durationUs(), 0);
}

void tst_AttemptRecord::summary_data()
{
    QTest::addColumn<int>("outcome");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<int>("signal");
    QTest::addColumn<QString>("expected");
    QTest::newRow("success") << int(AttemptOutcome::Succeeded) << 0 << 0 << "exit 0";
    QTest::newRow("exit code") << int(AttemptOutcome::ExitCode) << 3 << 0 << "exit 3";
    QTest::newRow("signal") << int(AttemptOutcome::Signalled) << -1 << 9 << "SIGKILL";
}

void tst_AttemptRecord::summary()
{
    QFETCH(int, outcome);
    QFETCH(int, exitCode);
    QFETCH(int, signal);
    QFETCH(QString, expected);
    AttemptRecord record;
    record.outcome = AttemptOutcome(outcome);
    record.exitCode = exitCode;
    record.signal = signal;
    QCOMPARE(record.summary(), expected);
}

QTEST_GUILESS_MAIN(tst_AttemptRecord)
#include "tst_attemptrecord.moc"
