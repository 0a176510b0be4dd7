// RunFollower: a run that another process records, shown in a runner and
// followed as its journal grows. Here a RunRecorder in this process plays the
// other process: it holds the run's lock as `requeue run` would, so the run
// reads as live.
#include "attemptrecord.h"
#include "jobrunner.h"
#include "runfollower.h"
#include "runinfo.h"
#include "runrecorder.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

namespace requeue {

namespace {

constexpr int WaitMs = 10'000; // generous: the machine may be loaded

RunInfo infoWithWorkers(int workers)
{
    RunInfo info;
    info.version = u"test"_s;
    info.listPath = u"/somewhere/jobs.txt"_s;
    for (int seq = 1; seq <= 2; ++seq) {
        JobSpec spec;
        spec.seq = seq;
        spec.process.shellCommand = u"true"_s;
        info.jobs.append(spec);
    }
    info.pid = 1;
    info.startedUs = nowUs();
    info.workers = workers;
    return info;
}

} // namespace

class tst_RunFollower : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void followsWorkersPauseAndResume();
    void openedRunHasItsLastWorkers();
    void endOfTheRunEndsFollowing();

private:
    QString m_runDir;
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<RunRecorder> m_recorder; // the other process
    std::unique_ptr<JobRunner> m_viewer;     // what the window shows
};

void tst_RunFollower::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_runDir = m_dir->filePath(u"run"_s);
    m_recorder = std::make_unique<RunRecorder>();
    QString error;
    QVERIFY2(m_recorder->start(m_runDir, infoWithWorkers(4), &error), qPrintable(error));
    m_viewer = std::make_unique<JobRunner>();
}

void tst_RunFollower::cleanup()
{
    m_viewer.reset();
    m_recorder.reset();
    m_dir.reset();
}

// A "workers" action is reported as pause and resume are, from the journal
// alone: at the next read, and by the follower's own timer.
void tst_RunFollower::followsWorkersPauseAndResume()
{
    RunFollower follower(m_viewer.get());
    QVERIFY(follower.open(m_runDir));
    QVERIFY(follower.isFollowing());
    QCOMPARE(m_viewer->jobCount(), 2);
    QCOMPARE(follower.workers(), 4);
    QSignalSpy workers(&follower, &RunFollower::workersChanged);
    QSignalSpy paused(&follower, &RunFollower::remotePausedChanged);

    m_recorder->recordAction(u"workers"_s, {}, 7);
    m_recorder->recordAction(u"pause"_s);
    follower.readNow();
    QCOMPARE(workers.size(), 1);
    QCOMPARE(workers.constLast().constFirst().toInt(), 7);
    QCOMPARE(follower.workers(), 7);
    QCOMPARE(paused.size(), 1);
    QVERIFY(follower.isRemotePaused());

    m_recorder->recordAction(u"workers"_s, {}, 7); // no change, no signal
    m_recorder->recordAction(u"workers"_s, {}, 2);
    m_recorder->recordAction(u"resume"_s);
    QVERIFY(workers.wait(WaitMs)); // the follower's timer reads it
    QCOMPARE(workers.size(), 2);
    QCOMPARE(workers.constLast().constFirst().toInt(), 2);
    QTRY_COMPARE_WITH_TIMEOUT(paused.size(), 2, WaitMs);
    QVERIFY(!follower.isRemotePaused());
}

// Opened later, a run shows the workers its last "workers" action set, not
// those it started with.
void tst_RunFollower::openedRunHasItsLastWorkers()
{
    m_recorder->recordAction(u"workers"_s, {}, 9);
    RunFollower follower(m_viewer.get());
    QVERIFY(follower.open(m_runDir));
    QCOMPARE(follower.workers(), 9);
}

void tst_RunFollower::endOfTheRunEndsFollowing()
{
    RunFollower follower(m_viewer.get());
    QVERIFY(follower.open(m_runDir));
    QSignalSpy ended(&follower, &RunFollower::runEnded);
    m_recorder->recordAction(u"workers"_s, {}, 3);
    m_recorder->finish(u"finished"_s);
    m_recorder.reset(); // drops the lock, as the process's end does
    QVERIFY(ended.wait(WaitMs));
    QVERIFY(!follower.isFollowing());
    QCOMPARE(follower.workers(), 3);
}

} // namespace requeue

QTEST_GUILESS_MAIN(requeue::tst_RunFollower)
#include "tst_runfollower.moc"
