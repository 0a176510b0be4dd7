// Unit tests for requeue::RetryPolicy: the attempt budget, the backoff delays
// (none, fixed, exponential with its cap), full jitter and permanent exit codes.
// Pure value-type tests: no threads, no event loop.

#include "retrypolicy.h"

#include <QSet>
#include <QTest>

#include <chrono>
#include <climits>
#include <limits>

Q_DECLARE_METATYPE(requeue::RetryPolicy::Backoff)
Q_DECLARE_METATYPE(requeue::RetryDecision::Action)

namespace requeue {

using std::chrono::milliseconds;
using Backoff = RetryPolicy::Backoff;

class tst_RetryPolicy : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void defaults();
    void allowsAnotherAttempt_data();
    void allowsAnotherAttempt();
    void nominalDelay_data();
    void nominalDelay();
    void delayWithoutJitterIsNominal_data();
    void delayWithoutJitterIsNominal();
    void jitterStaysWithinBounds_data();
    void jitterStaysWithinBounds();
    void jitterOfZeroDelayIsZero();
    void isPermanent_data();
    void isPermanent();
    void decide_data();
    void decide();
};

void tst_RetryPolicy::defaults()
{
    const RetryPolicy policy;
    QCOMPARE(policy.maxAttempts, 3);
    QCOMPARE(policy.backoff, Backoff::None);
    QCOMPARE(policy.initialDelay, milliseconds(0));
    QCOMPARE(policy.maxDelay, milliseconds(std::chrono::minutes(5)));
    QVERIFY(!policy.jitter);
    QVERIFY(policy.permanentExitCodes.isEmpty());
    QCOMPARE(policy.nominalDelay(1), milliseconds(0));
}

void tst_RetryPolicy::allowsAnotherAttempt_data()
{
    QTest::addColumn<int>("maxAttempts");
    QTest::addColumn<int>("attemptsUsed");
    QTest::addColumn<bool>("allowed");

    // Every attempt counts, the first included.
    QTest::newRow("max 1, none used") << 1 << 0 << true;
    QTest::newRow("max 1, first used") << 1 << 1 << false;
    QTest::newRow("max 3, 2 used") << 3 << 2 << true;
    QTest::newRow("max 3, 3 used") << 3 << 3 << false;
    QTest::newRow("max 3, over budget") << 3 << 4 << false;
    QTest::newRow("max INT_MAX, INT_MAX - 1 used") << INT_MAX << INT_MAX - 1 << true;
    QTest::newRow("max INT_MAX, INT_MAX used") << INT_MAX << INT_MAX << false;
    // 0 means unlimited, however many attempts were made.
    QTest::newRow("unlimited, none used") << 0 << 0 << true;
    QTest::newRow("unlimited, 1 used") << 0 << 1 << true;
    QTest::newRow("unlimited, a million used") << 0 << 1000000 << true;
    QTest::newRow("unlimited, INT_MAX used") << 0 << INT_MAX << true;
}

void tst_RetryPolicy::allowsAnotherAttempt()
{
    QFETCH(int, maxAttempts);
    QFETCH(int, attemptsUsed);
    QFETCH(bool, allowed);

    RetryPolicy policy;
    policy.maxAttempts = maxAttempts;
    QCOMPARE(policy.allowsAnotherAttempt(attemptsUsed), allowed);
}

void tst_RetryPolicy::nominalDelay_data()
{
    QTest::addColumn<Backoff>("backoff");
    QTest::addColumn<qint64>("initialMs");
    QTest::addColumn<double>("factor");
    QTest::addColumn<qint64>("maxMs");
    QTest::addColumn<int>("retry");
    QTest::addColumn<qint64>("expectedMs");

    const qint64 fiveMinutes = 5 * 60 * 1000;
    const qint64 int64Max = std::numeric_limits<qint64>::max();

    QTest::newRow("none, first retry")
        << Backoff::None << qint64(500) << 2.0 << fiveMinutes << 1 << qint64(0);
    QTest::newRow("none, huge retry")
        << Backoff::None << qint64(500) << 2.0 << fiveMinutes << INT_MAX << qint64(0);

    QTest::newRow("fixed, first retry")
        << Backoff::Fixed << qint64(250) << 2.0 << fiveMinutes << 1 << qint64(250);
    QTest::newRow("fixed, tenth retry")
        << Backoff::Fixed << qint64(250) << 2.0 << fiveMinutes << 10 << qint64(250);
    QTest::newRow("fixed, huge retry")
        << Backoff::Fixed << qint64(250) << 2.0 << fiveMinutes << INT_MAX << qint64(250);
    QTest::newRow("fixed, zero") << Backoff::Fixed << qint64(0) << 2.0 << fiveMinutes << 3
                                 << qint64(0);

    // initialDelay * factor^(retry - 1), capped at maxDelay.
    QTest::newRow("exp, retry 1") << Backoff::Exponential << qint64(100) << 2.0 << fiveMinutes << 1
                                  << qint64(100);
    QTest::newRow("exp, retry 2") << Backoff::Exponential << qint64(100) << 2.0 << fiveMinutes << 2
                                  << qint64(200);
    QTest::newRow("exp, retry 3") << Backoff::Exponential << qint64(100) << 2.0 << fiveMinutes << 3
                                  << qint64(400);
    QTest::newRow("exp, retry 12 below cap")
        << Backoff::Exponential << qint64(100) << 2.0 << fiveMinutes << 12 << qint64(204800);
    QTest::newRow("exp, retry 13 capped")
        << Backoff::Exponential << qint64(100) << 2.0 << fiveMinutes << 13 << fiveMinutes;
    QTest::newRow("exp, factor 3")
        << Backoff::Exponential << qint64(10) << 3.0 << fiveMinutes << 4 << qint64(270);
    QTest::newRow("exp, factor 1.5")
        << Backoff::Exponential << qint64(1000) << 1.5 << fiveMinutes << 3 << qint64(2250);
    QTest::newRow("exp, factor 1 is fixed")
        << Backoff::Exponential << qint64(700) << 1.0 << fiveMinutes << 50 << qint64(700);
    QTest::newRow("exp, cap below initial")
        << Backoff::Exponential << qint64(1000) << 2.0 << qint64(300) << 1 << qint64(300);
    QTest::newRow("exp, cap exactly reached")
        << Backoff::Exponential << qint64(100) << 2.0 << qint64(400) << 3 << qint64(400);
    // Retry numbers below 1 are treated as the first retry.
    QTest::newRow("exp, retry 0") << Backoff::Exponential << qint64(100) << 2.0 << fiveMinutes << 0
                                  << qint64(100);
    QTest::newRow("exp, negative retry")
        << Backoff::Exponential << qint64(100) << 2.0 << fiveMinutes << -7 << qint64(100);
    // Huge retry numbers saturate at the cap instead of overflowing.
    QTest::newRow("exp, retry 64")
        << Backoff::Exponential << qint64(100) << 2.0 << fiveMinutes << 64 << fiveMinutes;
    QTest::newRow("exp, retry 1100 (2^1099 is inf)")
        << Backoff::Exponential << qint64(100) << 2.0 << fiveMinutes << 1100 << fiveMinutes;
    QTest::newRow("exp, retry INT_MAX")
        << Backoff::Exponential << qint64(100) << 2.0 << fiveMinutes << INT_MAX << fiveMinutes;
    QTest::newRow("exp, retry INT_MAX, factor 10")
        << Backoff::Exponential << qint64(1) << 10.0 << fiveMinutes << INT_MAX << fiveMinutes;
    QTest::newRow("exp, retry INT_MAX, one-day cap")
        << Backoff::Exponential << qint64(100) << 2.0 << qint64(86400000) << INT_MAX
        << qint64(86400000);
    // 0 * inf is NaN: a zero initial delay must stay zero, not become garbage.
    QTest::newRow("exp, zero initial, retry INT_MAX")
        << Backoff::Exponential << qint64(0) << 2.0 << fiveMinutes << INT_MAX << qint64(0);
    // "No cap" spelled as the largest duration: still no overflow to a negative delay.
    QTest::newRow("exp, retry INT_MAX, cap milliseconds::max()")
        << Backoff::Exponential << qint64(100) << 2.0 << int64Max << INT_MAX << int64Max;
    QTest::newRow("exp, retry 80, cap milliseconds::max()")
        << Backoff::Exponential << qint64(100) << 2.0 << int64Max << 80 << int64Max;
    QTest::newRow("exp, retry 10, cap milliseconds::max()")
        << Backoff::Exponential << qint64(100) << 2.0 << int64Max << 10 << qint64(51200);
}

void tst_RetryPolicy::nominalDelay()
{
    QFETCH(Backoff, backoff);
    QFETCH(qint64, initialMs);
    QFETCH(double, factor);
    QFETCH(qint64, maxMs);
    QFETCH(int, retry);
    QFETCH(qint64, expectedMs);

    RetryPolicy policy;
    policy.backoff = backoff;
    policy.initialDelay = milliseconds(initialMs);
    policy.factor = factor;
    policy.maxDelay = milliseconds(maxMs);
    QCOMPARE(policy.nominalDelay(retry).count(), expectedMs);
}

void tst_RetryPolicy::delayWithoutJitterIsNominal_data()
{
    nominalDelay_data();
}

void tst_RetryPolicy::delayWithoutJitterIsNominal()
{
    QFETCH(Backoff, backoff);
    QFETCH(qint64, initialMs);
    QFETCH(double, factor);
    QFETCH(qint64, maxMs);
    QFETCH(int, retry);
    QFETCH(qint64, expectedMs);

    RetryPolicy policy;
    policy.backoff = backoff;
    policy.initialDelay = milliseconds(initialMs);
    policy.factor = factor;
    policy.maxDelay = milliseconds(maxMs);
    policy.jitter = false;
    for (int draw = 0; draw < 20; ++draw)
        QCOMPARE(policy.delayBeforeRetry(retry).count(), expectedMs);
}

void tst_RetryPolicy::jitterStaysWithinBounds_data()
{
    QTest::addColumn<Backoff>("backoff");
    QTest::addColumn<qint64>("initialMs");
    QTest::addColumn<qint64>("maxMs");
    QTest::addColumn<int>("retry");

    QTest::newRow("fixed 1000") << Backoff::Fixed << qint64(1000) << qint64(300000) << 1;
    QTest::newRow("fixed 1") << Backoff::Fixed << qint64(1) << qint64(300000) << 1;
    QTest::newRow("exp retry 3") << Backoff::Exponential << qint64(250) << qint64(300000) << 3;
    QTest::newRow("exp capped") << Backoff::Exponential << qint64(250) << qint64(60000) << 40;
    QTest::newRow("exp retry INT_MAX")
        << Backoff::Exponential << qint64(100) << qint64(300000) << INT_MAX;
    QTest::newRow("exp cap milliseconds::max()")
        << Backoff::Exponential << qint64(100) << std::numeric_limits<qint64>::max() << INT_MAX;
}

void tst_RetryPolicy::jitterStaysWithinBounds()
{
    QFETCH(Backoff, backoff);
    QFETCH(qint64, initialMs);
    QFETCH(qint64, maxMs);
    QFETCH(int, retry);

    RetryPolicy policy;
    policy.backoff = backoff;
    policy.initialDelay = milliseconds(initialMs);
    policy.maxDelay = milliseconds(maxMs);
    policy.jitter = true;
    const qint64 nominal = policy.nominalDelay(retry).count();
    QVERIFY(nominal > 0);

    QSet<qint64> seen;
    for (int draw = 0; draw < 1000; ++draw) {
        const qint64 delay = policy.delayBeforeRetry(retry).count();
        if (delay < 0 || delay > nominal)
            QFAIL(qPrintable(QStringLiteral("draw %1: %2 ms is outside [0, %3]")
                                 .arg(draw)
                                 .arg(delay)
                                 .arg(nominal)));
        seen.insert(delay);
    }
    // Full jitter over [0, 1] has two values; 1000 equal draws would take luck
    // of 2^-999.
    QVERIFY2(seen.size() > 1, "jitter produced the same delay 1000 times");
    if (nominal >= 1000)
        QVERIFY2(seen.size() > 100, qPrintable(QString::number(seen.size())));
}

void tst_RetryPolicy::jitterOfZeroDelayIsZero()
{
    RetryPolicy policy;
    policy.jitter = true;
    policy.backoff = Backoff::None;
    QCOMPARE(policy.delayBeforeRetry(1), milliseconds(0));
    policy.backoff = Backoff::Fixed;
    policy.initialDelay = milliseconds(0);
    for (int draw = 0; draw < 100; ++draw)
        QCOMPARE(policy.delayBeforeRetry(draw), milliseconds(0));
}

void tst_RetryPolicy::isPermanent_data()
{
    QTest::addColumn<QList<int>>("codes");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<bool>("permanent");

    const QList<int> codes {2, 77, 255};
    QTest::newRow("none listed, 1") << QList<int>() << 1 << false;
    QTest::newRow("none listed, 0") << QList<int>() << 0 << false;
    QTest::newRow("listed 2") << codes << 2 << true;
    QTest::newRow("listed 77") << codes << 77 << true;
    QTest::newRow("listed 255") << codes << 255 << true;
    QTest::newRow("unlisted 0") << codes << 0 << false;
    QTest::newRow("unlisted 3") << codes << 3 << false;
    QTest::newRow("unlisted 254") << codes << 254 << false;
    QTest::newRow("negative listed") << QList<int> {-1} << -1 << true;
    QTest::newRow("negative unlisted") << codes << -2 << false;
}

void tst_RetryPolicy::isPermanent()
{
    QFETCH(QList<int>, codes);
    QFETCH(int, exitCode);
    QFETCH(bool, permanent);

    RetryPolicy policy;
    policy.permanentExitCodes = codes;
    QCOMPARE(policy.isPermanent(exitCode), permanent);
    // Being permanent is independent of the attempt budget.
    policy.maxAttempts = 0;
    QCOMPARE(policy.isPermanent(exitCode), permanent);
}

void tst_RetryPolicy::decide_data()
{
    using Action = RetryDecision::Action;
    QTest::addColumn<AttemptOutcome>("outcome");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<int>("maxAttempts");
    QTest::addColumn<int>("used");
    QTest::addColumn<qint64>("delayMs"); // fixed backoff; 0: none
    QTest::addColumn<Action>("action");

    const AttemptOutcome exit = AttemptOutcome::ExitCode;
    QTest::newRow("exit code, budget left") << exit << 1 << 3 << 1 << qint64(0) << Action::RetryNow;
    QTest::newRow("exit code, budget used") << exit << 1 << 3 << 3 << qint64(0) << Action::GiveUp;
    QTest::newRow("exit code, unlimited")
        << exit << 1 << 0 << 1000 << qint64(0) << Action::RetryNow;
    QTest::newRow("permanent exit code") << exit << 64 << 3 << 1 << qint64(0) << Action::GiveUp;
    QTest::newRow("permanent, unlimited") << exit << 64 << 0 << 1 << qint64(0) << Action::GiveUp;
    QTest::newRow("with backoff") << exit << 1 << 3 << 1 << qint64(250) << Action::RetryLater;
    QTest::newRow("backoff, budget used") << exit << 1 << 3 << 3 << qint64(250) << Action::GiveUp;
    // The rule --resume got wrong: live, a job that cannot start fails at once.
    QTest::newRow("could not start")
        << AttemptOutcome::NotStarted << 127 << 0 << 1 << qint64(0) << Action::GiveUp;
    QTest::newRow("signal") << AttemptOutcome::Signalled << -1 << 3 << 1 << qint64(0)
                            << Action::RetryNow;
    QTest::newRow("timeout") << AttemptOutcome::TimedOut << -1 << 3 << 2 << qint64(0)
                             << Action::RetryNow;
    QTest::newRow("timeout, budget used")
        << AttemptOutcome::TimedOut << -1 << 3 << 3 << qint64(0) << Action::GiveUp;
    QTest::newRow("exception") << AttemptOutcome::Exception << -1 << 2 << 1 << qint64(0)
                               << Action::RetryNow;
    QTest::newRow("lost by the cluster (node failure)")
        << AttemptOutcome::Lost << -1 << 3 << 1 << qint64(0) << Action::RetryNow;
    QTest::newRow("cancelled: never retried")
        << AttemptOutcome::Cancelled << -1 << 0 << 1 << qint64(0) << Action::GiveUp;
    QTest::newRow("succeeded: nothing to retry")
        << AttemptOutcome::Succeeded << 0 << 0 << 1 << qint64(0) << Action::GiveUp;
}

void tst_RetryPolicy::decide()
{
    QFETCH(AttemptOutcome, outcome);
    QFETCH(int, exitCode);
    QFETCH(int, maxAttempts);
    QFETCH(int, used);
    QFETCH(qint64, delayMs);
    QFETCH(RetryDecision::Action, action);
    RetryPolicy policy;
    policy.maxAttempts = maxAttempts;
    policy.permanentExitCodes = {64};
    if (delayMs > 0) {
        policy.backoff = Backoff::Fixed;
        policy.initialDelay = milliseconds(delayMs);
    }
    AttemptRecord record;
    record.number = used;
    record.outcome = outcome;
    record.exitCode = exitCode;
    const RetryDecision decision = policy.decide(record, used);
    QCOMPARE(decision.action, action);
    QCOMPARE(decision.givesUp(), action == RetryDecision::Action::GiveUp);
    QCOMPARE(decision.delay.count(), action == RetryDecision::Action::RetryLater ? delayMs : 0);
}

} // namespace requeue

QTEST_APPLESS_MAIN(requeue::tst_RetryPolicy)
#include "tst_retrypolicy.moc"
