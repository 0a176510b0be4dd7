// StateCounts: the sums every view and the terminal front end rely on.
#include "statecounts.h"

#include <QTest>

using namespace requeue;

class tst_StateCounts : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void sumsCoverEveryState();
};

void tst_StateCounts::sumsCoverEveryState()
{
    StateCounts counts;
    QCOMPARE(counts.total(), 0);
    for (int state = 0; state < JobStateCount; ++state)
        counts[JobState(state)] = 1 << state; // each state its own bit
    QCOMPARE(counts.active(), 1 + 2 + 4);     // queued, running, waiting
    QCOMPARE(counts.finished(), 8 + 16 + 32); // succeeded, failed, cancelled
    QCOMPARE(counts.total(), 63);
    QCOMPARE(counts[int(JobState::Failed)], 16);
    StateCounts other = counts;
    QVERIFY(other == counts);
    ++other[JobState::Queued];
    QVERIFY(other != counts);
}

QTEST_GUILESS_MAIN(tst_StateCounts)
#include "tst_statecounts.moc"
