#include "progressframe.h"

#include <QTest>

using namespace requeue;

class TestProgressFrame : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void render_data();
    void render();
    void fitsWidth_data();
    void fitsWidth();
    void eta_data();
    void eta();
};

void TestProgressFrame::render_data()
{
    QTest::addColumn<int>("total");
    QTest::addColumn<int>("done");
    QTest::addColumn<double>("elapsed");
    QTest::addColumn<double>("eta"); // < 0: none
    QTest::addColumn<QString>("expected");

    QTest::newRow("nothing done: no rate, no ETA")
        << 40 << 0 << 1.0 << -1.0
        << QStringLiteral("[..........]   0/40  2 running  1 failed  3 retries");
    QTest::newRow("a quarter")
        << 40 << 10 << 5.0 << 15.0
        << QStringLiteral("[##........]  10/40  2 running  1 failed  3 retries  2.0/s  ETA 15s");
    // The ETA is the estimator's, not the rate's: a long job still running
    // keeps it up.
    QTest::newRow("ETA from the estimator")
        << 12 << 11 << 3.0 << 5.0
        << QStringLiteral("[#########.]  11/12  2 running  1 failed  3 retries  3.7/s  ETA 5s");
    QTest::newRow("all done: no ETA")
        << 40 << 40 << 4.0 << 0.0
        << QStringLiteral("[##########]  40/40  2 running  1 failed  3 retries  10/s");
}

void TestProgressFrame::render()
{
    QFETCH(int, total);
    QFETCH(int, done);
    QFETCH(double, elapsed);
    QFETCH(double, eta);
    QFETCH(QString, expected);
    ProgressFrame frame;
    if (eta >= 0)
        frame.etaSeconds = eta;
    frame.total = total;
    frame.done = done;
    frame.running = 2;
    frame.failed = 1;
    frame.retries = 3;
    frame.elapsedSeconds = elapsed;
    const QString tail = expected.mid(expected.indexOf(QLatin1Char(']')) + 1);
    QCOMPARE(frame.render(int(tail.size()) + 12), expected);
    // Wide terminals get a bar of 20 columns.
    const QString wide = frame.render(200);
    QCOMPARE(wide.indexOf(QLatin1Char(']')), 21);
    QVERIFY(wide.endsWith(tail));
}

void TestProgressFrame::fitsWidth_data()
{
    QTest::addColumn<int>("width");
    for (int width : {0, 10, 40, 60, 79, 200})
        QTest::addRow("%d columns", width) << width;
}

void TestProgressFrame::fitsWidth()
{
    QFETCH(int, width);
    ProgressFrame frame;
    frame.total = 2000;
    frame.done = 1234;
    frame.running = 16;
    frame.failed = 12;
    frame.retries = 345;
    frame.elapsedSeconds = 61;
    const QString text = frame.render(width);
    QVERIFY2(text.size() <= width, qPrintable(text));
    if (width >= 80)
        QVERIFY(text.startsWith(QLatin1Char('[')));
}

void TestProgressFrame::eta_data()
{
    QTest::addColumn<double>("seconds");
    QTest::addColumn<QString>("expected");
    QTest::newRow("zero") << 0.0 << QStringLiteral("0s");
    QTest::newRow("rounds up") << 6.2 << QStringLiteral("7s");
    QTest::newRow("minutes") << 185.0 << QStringLiteral("3m05s");
    QTest::newRow("hours") << 7380.0 << QStringLiteral("2h03m");
    QTest::newRow("negative") << -3.0 << QStringLiteral("0s");
}

void TestProgressFrame::eta()
{
    QFETCH(double, seconds);
    QFETCH(QString, expected);
    QCOMPARE(formatEta(seconds), expected);
}

QTEST_GUILESS_MAIN(TestProgressFrame)
#include "tst_progressframe.moc"
