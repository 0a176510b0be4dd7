// JobListEntry::withDefaults: the one place that fills in what a job file left
// out, for `requeue run`'s options and the window's run settings alike.
#include "joblist.h"

#include <QTest>

using namespace std::chrono_literals;

namespace requeue {

class tst_JobList : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void emptyDefaultsChangeNothing();
    void fillWhatTheFileLeftOut();
    void theFileWins();
};

namespace {

JobDefaults everything()
{
    JobDefaults defaults;
    defaults.maxAttempts = 7;
    defaults.timeout = 30s;
    RetryPolicy backoff;
    backoff.backoff = RetryPolicy::Backoff::Exponential;
    backoff.initialDelay = 100ms;
    backoff.maxDelay = 2s;
    backoff.factor = 3.0;
    defaults.backoff = backoff;
    defaults.jitter = true;
    defaults.permanentExitCodes = QList<int> {2, 64};
    return defaults;
}

JobListEntry fileSaysEverything()
{
    JobListEntry entry;
    entry.spec.retry.maxAttempts = 1;
    entry.spec.timeout = 5s;
    entry.spec.retry.backoff = RetryPolicy::Backoff::Fixed;
    entry.spec.retry.initialDelay = 1s;
    entry.spec.retry.jitter = false;
    entry.spec.retry.permanentExitCodes = {9};
    entry.setsMaxAttempts = entry.setsTimeout = entry.setsBackoff = entry.setsJitter
        = entry.setsNoRetryExit = true;
    return entry;
}

} // namespace

void tst_JobList::emptyDefaultsChangeNothing()
{
    JobListEntry entry;
    entry.spec.name = QStringLiteral("a");
    const JobSpec spec = entry.withDefaults({});
    QCOMPARE(spec.name, QStringLiteral("a"));
    QCOMPARE(spec.retry.maxAttempts, RetryPolicy().maxAttempts);
    QCOMPARE(spec.timeout, 0ms);
    QCOMPARE(spec.retry.backoff, RetryPolicy::Backoff::None);
    QVERIFY(!spec.retry.jitter);
    QVERIFY(spec.retry.permanentExitCodes.isEmpty());
}

void tst_JobList::fillWhatTheFileLeftOut()
{
    const JobSpec spec = JobListEntry().withDefaults(everything());
    QCOMPARE(spec.retry.maxAttempts, 7);
    QCOMPARE(spec.timeout, 30s);
    QCOMPARE(spec.retry.backoff, RetryPolicy::Backoff::Exponential);
    QCOMPARE(spec.retry.initialDelay, 100ms);
    QCOMPARE(spec.retry.maxDelay, 2000ms);
    QCOMPARE(spec.retry.factor, 3.0);
    QVERIFY(spec.retry.jitter);
    QCOMPARE(spec.retry.permanentExitCodes, (QList<int> {2, 64}));
}

void tst_JobList::theFileWins()
{
    const JobSpec spec = fileSaysEverything().withDefaults(everything());
    QCOMPARE(spec.retry.maxAttempts, 1);
    QCOMPARE(spec.timeout, 5s);
    QCOMPARE(spec.retry.backoff, RetryPolicy::Backoff::Fixed);
    QCOMPARE(spec.retry.initialDelay, 1000ms);
    QVERIFY(!spec.retry.jitter);
    QCOMPARE(spec.retry.permanentExitCodes, QList<int> {9});
}

} // namespace requeue

QTEST_APPLESS_MAIN(requeue::tst_JobList)
#include "tst_joblist.moc"
