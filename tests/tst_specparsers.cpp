#include "specparsers.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace requeue {

class tst_SpecParsers : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void duration_data();
    void duration();
    void durationErrors_data();
    void durationErrors();
    void durationWithoutErrorString();
    void backoff_data();
    void backoff();
    void backoffErrors_data();
    void backoffErrors();
    void backoffKeepsOtherMembers();
    void exitCodes_data();
    void exitCodes();
    void exitCodesErrors_data();
    void exitCodesErrors();
};

void tst_SpecParsers::duration_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<qint64>("ms");

    QTest::newRow("zero") << u"0"_s << qint64(0);
    QTest::newRow("0s") << u"0s"_s << qint64(0);
    QTest::newRow("ms") << u"250ms"_s << qint64(250);
    QTest::newRow("s") << u"30s"_s << qint64(30'000);
    QTest::newRow("m") << u"2m"_s << qint64(120'000);
    QTest::newRow("h") << u"1h"_s << qint64(3'600'000);
    QTest::newRow("fraction") << u"1.5s"_s << qint64(1500);
    QTest::newRow("fraction of a minute") << u"0.5m"_s << qint64(30'000);
    QTest::newRow("millisecond fraction") << u"0.001s"_s << qint64(1);
    QTest::newRow("trailing zeros") << u"1.5000000000000s"_s << qint64(1500);
    QTest::newRow("fraction of an hour") << u"0.0000025h"_s << qint64(9);
    QTest::newRow("compound") << u"1m30s"_s << qint64(90'000);
    QTest::newRow("compound three") << u"1h2m3s"_s << qint64(3'723'000);
    QTest::newRow("leading zeros") << u"007s"_s << qint64(7000);
    QTest::newRow("maximum") << u"8760h"_s << qint64(8760) * 3'600'000;
}

void tst_SpecParsers::duration()
{
    QFETCH(QString, text);
    QFETCH(qint64, ms);
    QString error;
    const auto parsed = parseDuration(text, &error);
    QVERIFY2(parsed.has_value(), qPrintable(error));
    QCOMPARE(parsed->count(), ms);
    QVERIFY(error.isEmpty());
}

void tst_SpecParsers::durationErrors_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("message");

    QTest::newRow("empty") << QString()
                           << u"the duration is empty (write it like \"30s\", \"250ms\", \"2m\" or "
                              "\"1.5h\")"_s;
    QTest::newRow("word") << u"three"_s
                          << u"\"three\" is not a duration (like \"30s\", \"250ms\", \"2m\" or "
                             "\"1.5h\")"_s;
    QTest::newRow("no unit") << u"30"_s << u"\"30\" has no unit (use ms, s, m or h)"_s;
    QTest::newRow("fraction without unit")
        << u"1.5"_s << u"\"1.5\" has no unit (use ms, s, m or h)"_s;
    QTest::newRow("unknown unit") << u"3x"_s
                                  << u"unknown unit \"x\" in \"3x\" (use ms, s, m or h)"_s;
    QTest::newRow("upper-case unit")
        << u"30S"_s << u"unknown unit \"S\" in \"30S\" (use ms, s, m or h)"_s;
    QTest::newRow("days") << u"2d"_s << u"unknown unit \"d\" in \"2d\" (use ms, s, m or h)"_s;
    QTest::newRow("micro") << u"5\u00b5s"_s
                           << u"unknown unit \"\u00b5s\" in \"5\u00b5s\" (use ms, s, m or h)"_s;
    QTest::newRow("negative") << u"-1s"_s << u"a duration cannot be negative, got \"-1s\""_s;
    QTest::newRow("space")
        << u"1 s"_s << u"\"1 s\" is not a duration (like \"30s\", \"250ms\", \"2m\" or \"1.5h\")"_s;
    QTest::newRow("two points")
        << u"1.5.3s"_s
        << u"\"1.5.3s\" is not a duration (like \"30s\", \"250ms\", \"2m\" or \"1.5h\")"_s;
    QTest::newRow("point without digits")
        << u"1.s"_s << u"\"1.s\" is not a duration (like \"30s\", \"250ms\", \"2m\" or \"1.5h\")"_s;
    QTest::newRow("leading point")
        << u".5s"_s << u"\".5s\" is not a duration (like \"30s\", \"250ms\", \"2m\" or \"1.5h\")"_s;
    QTest::newRow("sub-millisecond")
        << u"1.5ms"_s << u"\"1.5ms\" is not a whole number of milliseconds"_s;
    QTest::newRow("too precise") << u"1.00000000001s"_s
                                 << u"\"1.00000000001s\" is not a whole number of milliseconds"_s;
    QTest::newRow("too long") << u"8761h"_s << u"\"8761h\" is too long (at most 8760h)"_s;
    QTest::newRow("compound too long")
        << u"8760h1ms"_s << u"\"8760h1ms\" is too long (at most 8760h)"_s;
    QTest::newRow("huge") << u"99999999999999999999999999s"_s
                          << u"\"99999999999999999999999999s\" is too long (at most 8760h)"_s;
    QTest::newRow("trailing garbage")
        << u"30s!"_s
        << u"\"30s!\" is not a duration (like \"30s\", \"250ms\", \"2m\" or \"1.5h\")"_s;
    QTest::newRow("control character")
        << u"1\ns"_s
        << u"\"1\\ns\" is not a duration (like \"30s\", \"250ms\", \"2m\" or \"1.5h\")"_s;
}

void tst_SpecParsers::durationErrors()
{
    QFETCH(QString, text);
    QFETCH(QString, message);
    QString error;
    QVERIFY(!parseDuration(text, &error).has_value());
    QCOMPARE(error, message);
}

void tst_SpecParsers::durationWithoutErrorString()
{
    QVERIFY(!parseDuration(u"nope").has_value());
    QCOMPARE(parseDuration(u"2s"), std::optional(2000ms));
    RetryPolicy policy;
    QVERIFY(!parseBackoff(u"nope", &policy));
    QVERIFY(!parseExitCodes(u"nope").has_value());
}

void tst_SpecParsers::backoff_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<RetryPolicy::Backoff>("kind");
    QTest::addColumn<qint64>("initialMs");
    QTest::addColumn<qint64>("maxMs");
    QTest::addColumn<double>("factor");

    using B = RetryPolicy::Backoff;
    const qint64 defaultMax = RetryPolicy().maxDelay.count();
    QTest::newRow("none") << u"none"_s << B::None << qint64(0) << defaultMax << 2.0;
    QTest::newRow("fixed") << u"fixed:2s"_s << B::Fixed << qint64(2000) << defaultMax << 2.0;
    QTest::newRow("fixed zero") << u"fixed:0"_s << B::Fixed << qint64(0) << defaultMax << 2.0;
    QTest::newRow("exp") << u"exp:100ms:30s"_s << B::Exponential << qint64(100) << qint64(30'000)
                         << 2.0;
    QTest::newRow("exp factor 3") << u"exp:100ms:30s:3"_s << B::Exponential << qint64(100)
                                  << qint64(30'000) << 3.0;
    QTest::newRow("exp factor 1.5")
        << u"exp:1s:1m:1.5"_s << B::Exponential << qint64(1000) << qint64(60'000) << 1.5;
    QTest::newRow("exp cap equals initial")
        << u"exp:1s:1s"_s << B::Exponential << qint64(1000) << qint64(1000) << 2.0;
    QTest::newRow("exp factor 100")
        << u"exp:1s:1h:100"_s << B::Exponential << qint64(1000) << qint64(3'600'000) << 100.0;
}

void tst_SpecParsers::backoff()
{
    QFETCH(QString, text);
    QFETCH(RetryPolicy::Backoff, kind);
    QFETCH(qint64, initialMs);
    QFETCH(qint64, maxMs);
    QFETCH(double, factor);

    // Start from values that differ from every expected one.
    RetryPolicy policy;
    policy.backoff = RetryPolicy::Backoff::Exponential;
    policy.initialDelay = 12345ms;
    policy.maxDelay = 54321ms;
    policy.factor = 7.5;
    QString error;
    QVERIFY2(parseBackoff(text, &policy, &error), qPrintable(error));
    QCOMPARE(policy.backoff, kind);
    QCOMPARE(policy.initialDelay.count(), initialMs);
    QCOMPARE(policy.maxDelay.count(), maxMs);
    QCOMPARE(policy.factor, factor);
}

void tst_SpecParsers::backoffErrors_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("message");

    const QString usage = u"use \"none\", \"fixed:DELAY\" or \"exp:INITIAL:CAP[:FACTOR]\""_s;
    QTest::newRow("empty") << QString() << u"unknown backoff \"\" ("_s + usage + u')';
    QTest::newRow("unknown") << u"linear:1s"_s
                             << u"unknown backoff \"linear:1s\" ("_s + usage + u')';
    QTest::newRow("upper case") << u"NONE"_s << u"unknown backoff \"NONE\" ("_s + usage + u')';
    QTest::newRow("fixed alone") << u"fixed"_s << u"\"fixed\" needs a delay, like \"fixed:2s\""_s;
    QTest::newRow("exp alone")
        << u"exp"_s << u"\"exp\" needs an initial delay and a cap, like \"exp:100ms:30s\""_s;
    QTest::newRow("fixed bad delay")
        << u"fixed:2x"_s
        << u"bad delay in \"fixed:2x\": unknown unit \"x\" in \"2x\" (use ms, s, m or h)"_s;
    QTest::newRow("fixed empty delay")
        << u"fixed:"_s
        << u"bad delay in \"fixed:\": the duration is empty (write it like \"30s\", "
           "\"250ms\", \"2m\" or \"1.5h\")"_s;
    QTest::newRow("exp one part")
        << u"exp:1s"_s
        << u"\"exp:1s\" needs an initial delay and a cap, like \"exp:100ms:30s\" or "
           "\"exp:100ms:30s:3\""_s;
    QTest::newRow("exp four parts")
        << u"exp:1s:2s:3:4"_s
        << u"\"exp:1s:2s:3:4\" needs an initial delay and a cap, like \"exp:100ms:30s\" or "
           "\"exp:100ms:30s:3\""_s;
    QTest::newRow("exp bad initial")
        << u"exp:fast:30s"_s
        << u"bad initial delay in \"exp:fast:30s\": \"fast\" is not a duration (like \"30s\", "
           "\"250ms\", \"2m\" or \"1.5h\")"_s;
    QTest::newRow("exp zero initial")
        << u"exp:0ms:30s"_s << u"the initial delay in \"exp:0ms:30s\" must be greater than 0"_s;
    QTest::newRow("exp bad cap")
        << u"exp:1s:30"_s << u"bad cap in \"exp:1s:30\": \"30\" has no unit (use ms, s, m or h)"_s;
    QTest::newRow("exp cap below initial")
        << u"exp:5s:1s"_s << u"the cap in \"exp:5s:1s\" is smaller than the initial delay"_s;
    QTest::newRow("exp factor 1")
        << u"exp:1s:5s:1"_s
        << u"the factor in \"exp:1s:5s:1\" must be a number greater than 1 and at most 100, "
           "got \"1\""_s;
    QTest::newRow("exp factor below 1")
        << u"exp:1s:5s:0.5"_s
        << u"the factor in \"exp:1s:5s:0.5\" must be a number greater than 1 and at most 100, "
           "got \"0.5\""_s;
    QTest::newRow("exp factor too big")
        << u"exp:1s:5s:101"_s
        << u"the factor in \"exp:1s:5s:101\" must be a number greater than 1 and at most 100, "
           "got \"101\""_s;
    QTest::newRow("exp factor word")
        << u"exp:1s:5s:inf"_s
        << u"the factor in \"exp:1s:5s:inf\" must be a number greater than 1 and at most 100, "
           "got \"inf\""_s;
    QTest::newRow("exp factor exponent")
        << u"exp:1s:5s:1e1"_s
        << u"the factor in \"exp:1s:5s:1e1\" must be a number greater than 1 and at most 100, "
           "got \"1e1\""_s;
    QTest::newRow("exp factor empty")
        << u"exp:1s:5s:"_s
        << u"the factor in \"exp:1s:5s:\" must be a number greater than 1 and at most 100, "
           "got \"\""_s;
}

void tst_SpecParsers::backoffErrors()
{
    QFETCH(QString, text);
    QFETCH(QString, message);
    RetryPolicy policy;
    policy.initialDelay = 777ms;
    QString error;
    QVERIFY(!parseBackoff(text, &policy, &error));
    QCOMPARE(error, message);
    QCOMPARE(policy.initialDelay, 777ms); // untouched on failure
    QCOMPARE(policy.backoff, RetryPolicy::Backoff::None);
}

void tst_SpecParsers::backoffKeepsOtherMembers()
{
    RetryPolicy policy;
    policy.maxAttempts = 9;
    policy.jitter = true;
    policy.permanentExitCodes = {64};
    QVERIFY(parseBackoff(u"exp:1s:10s", &policy));
    QCOMPARE(policy.maxAttempts, 9);
    QCOMPARE(policy.jitter, true);
    QCOMPARE(policy.permanentExitCodes, QList<int> {64});
    QCOMPARE(policy.nominalDelay(1), 1000ms);
    QCOMPARE(policy.nominalDelay(3), 4000ms);
    QCOMPARE(policy.nominalDelay(10), 10'000ms);
}

void tst_SpecParsers::exitCodes_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QList<int>>("codes");

    QTest::newRow("one") << u"2"_s << QList<int> {2};
    QTest::newRow("list") << u"2,3,1"_s << QList<int> {2, 3, 1};
    QTest::newRow("range") << u"64-67"_s << QList<int> {64, 65, 66, 67};
    QTest::newRow("mixed") << u"2,64-66"_s << QList<int> {2, 64, 65, 66};
    QTest::newRow("blanks") << u" 2 , 4 - 5 "_s << QList<int> {2, 4, 5};
    QTest::newRow("duplicates") << u"3,1-4,3"_s << QList<int> {3, 1, 2, 4};
    QTest::newRow("bounds") << u"0,255"_s << QList<int> {0, 255};
    QTest::newRow("one-element range") << u"7-7"_s << QList<int> {7};
    QTest::newRow("leading zeros") << u"007"_s << QList<int> {7};
}

void tst_SpecParsers::exitCodes()
{
    QFETCH(QString, text);
    QFETCH(QList<int>, codes);
    QString error;
    const auto parsed = parseExitCodes(text, &error);
    QVERIFY2(parsed.has_value(), qPrintable(error));
    QCOMPARE(*parsed, codes);
}

void tst_SpecParsers::exitCodesErrors_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("message");

    QTest::newRow("empty") << QString() << u"no exit codes given (write them like \"2,64-78\")"_s;
    QTest::newRow("blank") << u"  "_s << u"no exit codes given (write them like \"2,64-78\")"_s;
    QTest::newRow("empty item") << u"2,,3"_s << u"empty item in \"2,,3\""_s;
    QTest::newRow("trailing comma") << u"2,"_s << u"empty item in \"2,\""_s;
    QTest::newRow("word") << u"two"_s
                          << u"\"two\" is not an exit code (a whole number from 0 to 255)"_s;
    QTest::newRow("too big") << u"256"_s << u"exit code 256 is out of range (0 to 255)"_s;
    QTest::newRow("huge") << u"99999999999999999999"_s
                          << u"exit code 99999999999999999999 is out of range (0 to 255)"_s;
    QTest::newRow("negative") << u"-1"_s << u"exit code -1 is out of range (0 to 255)"_s;
    QTest::newRow("range end too big")
        << u"64-300"_s << u"exit code 300 is out of range (0 to 255)"_s;
    QTest::newRow("backwards") << u"78-64"_s << u"the range \"78-64\" is backwards"_s;
    QTest::newRow("open range") << u"64-"_s
                                << u"\"\" is not an exit code (a whole number from 0 to 255)"_s;
    QTest::newRow("decimal") << u"1.5"_s
                             << u"\"1.5\" is not an exit code (a whole number from 0 to 255)"_s;
    QTest::newRow("plus") << u"+3"_s
                          << u"\"+3\" is not an exit code (a whole number from 0 to 255)"_s;
}

void tst_SpecParsers::exitCodesErrors()
{
    QFETCH(QString, text);
    QFETCH(QString, message);
    QString error;
    QVERIFY(!parseExitCodes(text, &error).has_value());
    QCOMPARE(error, message);
}

} // namespace requeue

QTEST_APPLESS_MAIN(requeue::tst_SpecParsers)
#include "tst_specparsers.moc"
