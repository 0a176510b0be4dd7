#include "etaestimator.h"

#include <QTest>

#include <optional>

using namespace requeue;

namespace {

using Seconds = QList<double>;

// -1 stands for "no estimate" in the tables.
double orNone(const std::optional<double> &value)
{
    return value ? *value : -1.0;
}

} // namespace

class TestEtaEstimator : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void remaining_data();
    void remaining();
    void expectedRemaining_data();
    void expectedRemaining();
    void clearForgetsEverything();
};

void TestEtaEstimator::remaining_data()
{
    QTest::addColumn<Seconds>("finished");
    QTest::addColumn<Seconds>("running");
    QTest::addColumn<int>("queued");
    QTest::addColumn<int>("workers");
    QTest::addColumn<double>("expected");

    const Seconds demoFinished {0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.6, 2, 3};
    QTest::newRow("nothing finished yet: no estimate")
        << Seconds {} << Seconds {5.0} << 3 << 2 << -1.0;
    QTest::newRow("nothing finished, nothing running: no estimate")
        << Seconds {} << Seconds {} << 0 << 2 << -1.0;
    QTest::newRow("nothing active: done") << Seconds {1.0} << Seconds {} << 0 << 2 << 0.0;
    // The window said "about 5 s" with 41 s of `sleep 60` left: the quick
    // jobs' rate said nothing about the long one.
    QTest::newRow("sleep 60 after quick jobs: at least as long again")
        << demoFinished << Seconds {19.0} << 0 << 4 << 19.0;
    // The terminal said "ETA 1s" with 8 s left for the job that hangs.
    QTest::newRow("the demo's hanging job") << demoFinished << Seconds {3.5} << 0 << 4 << 3.5;
    QTest::newRow("like jobs: what the others took, less the elapsed")
        << Seconds {10, 10, 10, 10} << Seconds {9.0} << 0 << 4 << 1.0;
    QTest::newRow("queued like jobs spread over the workers")
        << Seconds {10, 10, 10, 10} << Seconds {} << 8 << 4 << 20.0;
    QTest::newRow("a longer finished job sets the expectation")
        << Seconds {1, 1, 1, 30} << Seconds {5.0} << 0 << 2 << 25.0;
    // The running job is expected to take 20 s, which raises the mean for
    // the queued one to 8 s; two workers share 18 s, but the running job's
    // 10 s is the longest single piece.
    QTest::newRow("never before the longest piece")
        << Seconds {2, 2} << Seconds {10.0} << 1 << 2 << 10.0;
    QTest::newRow("one worker does everything in turn")
        << Seconds {1} << Seconds {0.5} << 3 << 1 << 3.5;
    QTest::newRow("no workers counts as one") << Seconds {1} << Seconds {} << 3 << 0 << 3.0;
    QTest::newRow("a single queued job takes the mean on a free worker")
        << Seconds {4, 4} << Seconds {} << 1 << 8 << 4.0;
}

void TestEtaEstimator::remaining()
{
    QFETCH(Seconds, finished);
    QFETCH(Seconds, running);
    QFETCH(int, queued);
    QFETCH(int, workers);
    QFETCH(double, expected);
    EtaEstimator estimator;
    for (double seconds : finished)
        estimator.addFinished(seconds);
    const double got = orNone(estimator.remainingSeconds(running, queued, workers));
    QVERIFY2(qAbs(got - expected) < 1e-9,
             qPrintable(QStringLiteral("got %1, expected %2").arg(got).arg(expected)));
}

void TestEtaEstimator::expectedRemaining_data()
{
    QTest::addColumn<Seconds>("finished");
    QTest::addColumn<double>("elapsed");
    QTest::addColumn<double>("expected");

    QTest::newRow("no data") << Seconds {} << 1.0 << -1.0;
    QTest::newRow("just started") << Seconds {2, 4} << 0.0 << 3.0;
    QTest::newRow("past the short ones") << Seconds {1, 1, 8} << 2.0 << 6.0;
    QTest::newRow("past every one: as long again") << Seconds {1, 2} << 7.0 << 7.0;
    QTest::newRow("negative elapsed counts as zero") << Seconds {2} << -5.0 << 2.0;
    QTest::newRow("sub-millisecond jobs") << Seconds {0.0001, 0.0003} << 0.0 << 0.0002;
}

void TestEtaEstimator::expectedRemaining()
{
    QFETCH(Seconds, finished);
    QFETCH(double, elapsed);
    QFETCH(double, expected);
    EtaEstimator estimator;
    for (double seconds : finished)
        estimator.addFinished(seconds);
    const double got = orNone(estimator.expectedRemaining(elapsed));
    QVERIFY2(qAbs(got - expected) < 1e-9,
             qPrintable(QStringLiteral("got %1, expected %2").arg(got).arg(expected)));
}

void TestEtaEstimator::clearForgetsEverything()
{
    EtaEstimator estimator;
    for (int i = 0; i < 100000; ++i)
        estimator.addFinished(0.001 * (i % 1000));
    QCOMPARE(estimator.finishedCount(), 100000);
    QVERIFY(estimator.remainingSeconds({}, 10, 2).has_value());
    estimator.clear();
    QCOMPARE(estimator.finishedCount(), 0);
    QVERIFY(!estimator.remainingSeconds({}, 10, 2).has_value());
}

QTEST_GUILESS_MAIN(TestEtaEstimator)
#include "tst_etaestimator.moc"
