#include "jobfile.h"
#include "runsettings.h"
#include "textformat.h"

#include <QSettings>
#include <QStandardPaths>
#include <QTest>

using namespace requeue;
using namespace std::chrono_literals;

class tst_RunSettings : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void roundTripsThroughQSettings();
    void fillsOnlyWhatTheFileLeftOut_data();
    void fillsOnlyWhatTheFileLeftOut();
    void formatsForTheTable_data();
    void formatsForTheTable();
};

void tst_RunSettings::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("RequeueTest"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_runsettings"));
    QSettings().clear();
}

void tst_RunSettings::roundTripsThroughQSettings()
{
    RunSettings settings;
    settings.workers = 7;
    settings.maxAttempts = 0;
    settings.backoff = RetryPolicy::Backoff::Exponential;
    settings.delay = 250ms;
    settings.timeout = 90s;
    settings.slurmPoll = 1500ms;
    {
        QSettings store;
        settings.save(store);
    }
    QCOMPARE(RunSettings::load(QSettings()), settings);
    QSettings store;
    store.setValue(QStringLiteral("run/backoff"), 99); // garbage falls back
    store.setValue(QStringLiteral("run/workers"), -3);
    store.setValue(QStringLiteral("run/slurmPollMs"), 0);
    const RunSettings loaded = RunSettings::load(store);
    QCOMPARE(loaded.backoff, RetryPolicy::Backoff::None);
    QCOMPARE(loaded.workers, 1);
    QCOMPARE(loaded.slurmPoll.count(), RunSettings::MinSlurmPollMs);
}

void tst_RunSettings::fillsOnlyWhatTheFileLeftOut_data()
{
    QTest::addColumn<bool>("fileSetsAttempts");
    QTest::addColumn<bool>("fileSetsTimeout");
    QTest::addColumn<bool>("fileSetsBackoff");
    QTest::newRow("file silent") << false << false << false;
    QTest::newRow("file sets attempts") << true << false << false;
    QTest::newRow("file sets everything") << true << true << true;
}

void tst_RunSettings::fillsOnlyWhatTheFileLeftOut()
{
    QFETCH(bool, fileSetsAttempts);
    QFETCH(bool, fileSetsTimeout);
    QFETCH(bool, fileSetsBackoff);
    JobListEntry entry;
    entry.spec.retry.maxAttempts = 9;
    entry.spec.timeout = 5s;
    entry.spec.retry.backoff = RetryPolicy::Backoff::Fixed;
    entry.spec.retry.initialDelay = 3s;
    entry.setsMaxAttempts = fileSetsAttempts;
    entry.setsTimeout = fileSetsTimeout;
    entry.setsBackoff = fileSetsBackoff;
    RunSettings settings;
    settings.maxAttempts = 2;
    settings.timeout = 60s;
    settings.backoff = RetryPolicy::Backoff::Exponential;
    settings.delay = 100ms;
    settings.applyTo(entry);
    QCOMPARE(entry.spec.retry.maxAttempts, fileSetsAttempts ? 9 : 2);
    QCOMPARE(entry.spec.timeout, fileSetsTimeout ? 5000ms : 60000ms);
    QCOMPARE(entry.spec.retry.backoff,
             fileSetsBackoff ? RetryPolicy::Backoff::Fixed : RetryPolicy::Backoff::Exponential);
    QCOMPARE(entry.spec.retry.initialDelay, fileSetsBackoff ? 3000ms : 100ms);
}

void tst_RunSettings::formatsForTheTable_data()
{
    QTest::addColumn<QString>("actual");
    QTest::addColumn<QString>("expected");
    QTest::newRow("attempts") << attemptsText(2, 5) << "2 / 5";
    QTest::newRow("unlimited") << attemptsText(7, 0) << "7 / \u221e";
    QTest::newRow("sub-second") << formatDuration(420'000) << "0.4 s";
    QTest::newRow("seconds") << formatDuration(12'300'000) << "12 s";
    QTest::newRow("minutes") << formatDuration(187'000'000) << "3:07";
    QTest::newRow("hours") << formatDuration(3'723'000'000) << "1:02:03";
    QTest::newRow("negative") << formatDuration(-5) << "0.0 s";
    QTest::newRow("no time") << formatTimestamp(0) << "";
    QTest::newRow("eta unknown") << formatEta(-1) << "";
    QTest::newRow("eta minutes") << formatEta(200) << "about 3 min";
}

void tst_RunSettings::formatsForTheTable()
{
    QFETCH(QString, actual);
    QFETCH(QString, expected);
    QCOMPARE(actual, expected);
}

QTEST_MAIN(tst_RunSettings)
#include "tst_runsettings.moc"
