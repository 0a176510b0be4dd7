// Unit tests for the time axis: which step a span gets and how ticks read,
// from milliseconds to days. Pure functions.

#include "timeaxis.h"

#include <QTest>

namespace requeue {

class tst_TimeAxis : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void step_data();
    void step();
    void label_data();
    void label();
    void ticksAreOnMultiplesAndInside();
    void emptyRangeHasNoTicks();
    void duration_data();
    void duration();
};

constexpr qint64 ms = 1000;
constexpr qint64 s = 1000 * ms;
constexpr qint64 m = 60 * s;
constexpr qint64 h = 60 * m;

void tst_TimeAxis::step_data()
{
    QTest::addColumn<qint64>("spanUs");
    QTest::addColumn<int>("width");
    QTest::addColumn<qint64>("step");

    // 800 px, ticks at least 80 px apart: at most 10 ticks.
    QTest::newRow("10 ms") << 10 * ms << 800 << 1 * ms;
    QTest::newRow("15 ms") << 15 * ms << 800 << 2 * ms;
    QTest::newRow("1 s") << 1 * s << 800 << 100 * ms;
    QTest::newRow("3 s") << 3 * s << 800 << 500 * ms;
    QTest::newRow("1 min") << 1 * m << 800 << 10 * s;
    QTest::newRow("2 min") << 2 * m << 800 << 15 * s;
    QTest::newRow("1 h") << 1 * h << 800 << 10 * m;
    QTest::newRow("8 h") << 8 * h << 800 << 1 * h;
    QTest::newRow("3 days") << 72 * h << 800 << 12 * h;
    QTest::newRow("100 days") << 2400 * h << 800 << 240 * h;
    QTest::newRow("narrow") << 10 * ms << 80 << 10 * ms;
    QTest::newRow("1 us span") << qint64(1) << 800 << 1 * ms;
}

void tst_TimeAxis::step()
{
    QFETCH(qint64, spanUs);
    QFETCH(int, width);
    QFETCH(qint64, step);
    QCOMPARE(timeAxisStep(spanUs, width, 80), step);
}

void tst_TimeAxis::label_data()
{
    QTest::addColumn<qint64>("offset");
    QTest::addColumn<qint64>("step");
    QTest::addColumn<QString>("label");

    QTest::newRow("zero") << qint64(0) << 1 * s << QStringLiteral("0");
    QTest::newRow("ms") << 250 * ms << 50 * ms << QStringLiteral("250 ms");
    QTest::newRow("ms past a second") << 1500 * ms << 500 * ms << QStringLiteral("1.5 s");
    QTest::newRow("fine ms past a second") << 1020 * ms << 10 * ms << QStringLiteral("1.02 s");
    QTest::newRow("whole seconds") << 45 * s << 5 * s << QStringLiteral("45 s");
    QTest::newRow("seconds past a minute") << 150 * s << 30 * s << QStringLiteral("2 m 30 s");
    QTest::newRow("whole minute at second step") << 120 * s << 30 * s << QStringLiteral("2 m");
    QTest::newRow("minutes") << 20 * m << 5 * m << QStringLiteral("20 m");
    QTest::newRow("minutes past an hour") << 75 * m << 15 * m << QStringLiteral("1 h 15 m");
    QTest::newRow("hours") << 6 * h << 3 * h << QStringLiteral("6 h");
    QTest::newRow("days") << 36 * h << 24 * h << QStringLiteral("1 d 12 h");
    QTest::newRow("negative") << -500 * ms << 100 * ms << QStringLiteral("−500 ms");
}

void tst_TimeAxis::label()
{
    QFETCH(qint64, offset);
    QFETCH(qint64, step);
    QFETCH(QString, label);
    QCOMPARE(formatTickLabel(offset, step), label);
}

void tst_TimeAxis::ticksAreOnMultiplesAndInside()
{
    const QList<TimeTick> ticks = timeAxisTicks(1234 * ms, 9876 * ms, 800);
    QCOMPARE(ticks.size(), 8); // a step of 1 s: 2 s ... 9 s
    QCOMPARE(ticks.first(), (TimeTick {2 * s, QStringLiteral("2 s")}));
    QCOMPARE(ticks.last(), (TimeTick {9 * s, QStringLiteral("9 s")}));
    for (const TimeTick &tick : ticks) {
        QVERIFY(tick.offsetUs >= 1234 * ms && tick.offsetUs <= 9876 * ms);
        QCOMPARE(tick.offsetUs % s, 0);
    }
}

void tst_TimeAxis::emptyRangeHasNoTicks()
{
    QVERIFY(timeAxisTicks(5 * s, 5 * s, 800).isEmpty());
    QVERIFY(timeAxisTicks(5 * s, 1 * s, 800).isEmpty());
}

void tst_TimeAxis::duration_data()
{
    QTest::addColumn<qint64>("us");
    QTest::addColumn<QString>("text");
    QTest::newRow("us") << qint64(850) << QStringLiteral("850 µs");
    QTest::newRow("few ms") << qint64(2500) << QStringLiteral("2.5 ms");
    QTest::newRow("ms") << 120 * ms << QStringLiteral("120 ms");
    QTest::newRow("s") << 1250 * ms << QStringLiteral("1.25 s");
    QTest::newRow("m") << 185 * s << QStringLiteral("3 m 05 s");
    QTest::newRow("h") << 127 * m << QStringLiteral("2 h 07 m");
}

void tst_TimeAxis::duration()
{
    QFETCH(qint64, us);
    QFETCH(QString, text);
    QCOMPARE(formatDurationUs(us), text);
}

} // namespace requeue

QTEST_APPLESS_MAIN(requeue::tst_TimeAxis)
#include "tst_timeaxis.moc"
