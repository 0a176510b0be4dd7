// RunReader: run directories as a crash or a live writer leaves them, from
// the corpus in tests/data/runs (each folder's EXPECTED says what it reads as).
#include "journalline.h"
#include "rundirectory.h"
#include "runhistory.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

namespace requeue {

namespace {

QString corpusDir()
{
    return QFINDTESTDATA("data/runs");
}

// What a history reads as, in EXPECTED's words.
QStringList describe(const RunHistory &history, bool opened)
{
    QStringList lines;
    if (!opened) {
        lines.append(u"open-fails"_s);
    } else {
        lines.append("status "_L1 + RunHistory::statusName(history.status));
        QStringList states;
        QStringList attempts;
        for (const RunJob &job : history.jobs) {
            states.append(jobStateName(job.state));
            attempts.append(QString::number(job.attempts));
        }
        lines.append("states "_L1 + states.join(u' '));
        lines.append("attempts "_L1 + attempts.join(u' '));
        if (history.segments.size() > 1)
            lines.append("segments "_L1 + QString::number(history.segments.size()));
    }
    const QString prefix = history.dir + u'/';
    for (const JobFileError &warning : history.warnings)
        lines.append("warning "_L1 + warning.toString().remove(prefix));
    for (const JobFileError &error : history.errors)
        lines.append("error "_L1 + error.toString().remove(prefix));
    return lines;
}

void append(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Append) || file.write(bytes) != bytes.size())
        qFatal("cannot write %s", qPrintable(path));
}

} // namespace

class tst_RunHistory : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void corpus_data();
    void corpus();
    void completeRunInDetail();
    void clusterJobIds();
    void followsALiveRun();
    void recordedJobsForTheRunner();
    void notARunDirectory();
};

void tst_RunHistory::corpus_data()
{
    QTest::addColumn<QString>("dir");
    const QStringList names = QDir(corpusDir()).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    QVERIFY(names.size() >= 10);
    for (const QString &name : names)
        QTest::newRow(qPrintable(name)) << corpusDir() + u'/' + name;
}

void tst_RunHistory::corpus()
{
    QFETCH(QString, dir);
    QFile expectedFile(dir + "/EXPECTED"_L1);
    QVERIFY(expectedFile.open(QIODevice::ReadOnly));
    const QStringList expected
        = QString::fromUtf8(expectedFile.readAll()).split(u'\n', Qt::SkipEmptyParts);
    RunReader reader;
    const bool opened = reader.open(dir);
    QCOMPARE(describe(reader.history(), opened), expected);
}

void tst_RunHistory::completeRunInDetail()
{
    const RunHistory history = readRunDirectory(corpusDir() + "/complete"_L1, true);
    QVERIFY(history.infoOk);
    QCOMPARE(history.info.listPath, u"/home/user/jobs.txt"_s);
    QCOMPARE(history.info.pid, 4242);
    QCOMPARE(history.jobs.size(), 3);
    QCOMPARE(history.totalAttempts(), 4);
    QCOMPARE(history.count(JobState::Succeeded), 2);
    QCOMPARE(history.indexOfSeq(3), 2);
    QCOMPARE(history.indexOfSeq(4), -1);
    QVERIFY(history.sizeOnDisk > 0);

    const RunJob &first = history.jobs[0];
    QCOMPARE(first.spec.process.shellCommand, u"true"_s);
    QCOMPARE(first.history.size(), 1);
    QCOMPARE(first.history[0].pid, 5001);
    QCOMPARE(first.history[0].stdoutPath, history.dir + "/out/1/1/stdout"_L1);
    QCOMPARE(first.history[0].record.durationUs(), 989);
    QVERIFY(first.history[0].record.node.isEmpty()); // a journal from before nodes

    const RunAttempt *killed = history.jobs[2].lastFinished();
    QVERIFY(killed);
    QCOMPARE(killed->record.outcome, AttemptOutcome::Signalled);
    QCOMPARE(killed->record.signal, 9);
    QCOMPARE(killed->record.message, u"killed \"hard\"\nby a test"_s);
    QCOMPARE(history.jobs[2].finishedUs, 1700000000004002);

    QCOMPARE(history.actions.size(), 1);
    QCOMPARE(history.actions[0].action, u"cancel"_s);
    QCOMPARE(history.actions[0].seqs, QList<int> {3});
    QCOMPARE(history.segments.size(), 1);
    QCOMPARE(history.segments[0].how, u"finished"_s);
    QCOMPARE(history.segments[0].pid, 4242);
    QVERIFY(history.ended());
}

// A Slurm run killed with two jobs in Slurm and resumed: each attempt keeps
// the one Slurm job id it was submitted as, the reattached ones included.
void tst_RunHistory::clusterJobIds()
{
    const RunHistory history = readRunDirectory(corpusDir() + "/slurm-reattached"_L1);
    QVERIFY(history.errors.isEmpty());
    QCOMPARE(history.info.backend, u"slurm"_s);
    QStringList ids;
    for (const RunJob &job : history.jobs) {
        for (const RunAttempt &attempt : job.history) {
            QVERIFY(attempt.finished);
            ids.append(
                u"%1.%2=%3"_s.arg(job.seq()).arg(attempt.record.number).arg(attempt.clusterJobId));
        }
    }
    QCOMPARE(ids,
             (QStringList {u"1.1=101"_s, u"2.1=102"_s, u"3.1=103"_s, u"3.2=104"_s, u"3.3=105"_s}));
    // A reattached attempt keeps the start of its submission, not of the resume.
    QCOMPARE(history.jobs[1].history[0].record.startedUs, 1700000000000013);

    // As the kill left it (the lines before the resume): what a resume adopts.
    QTemporaryDir killed;
    QVERIFY(killed.isValid());
    QVERIFY(
        QFile::copy(corpusDir() + "/slurm-reattached/run.json"_L1, killed.filePath(u"run.json"_s)));
    QFile events(corpusDir() + "/slurm-reattached/events"_L1);
    QVERIFY(events.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = events.readAll().split('\n');
    append(killed.filePath(u"events"_s), lines.mid(0, 12).join('\n') + '\n');
    const RunHistory atKill = readRunDirectory(killed.path());
    QVERIFY(atKill.errors.isEmpty());
    QCOMPARE(atKill.jobs[1].history.size(), 1);
    QVERIFY(!atKill.jobs[1].history[0].finished);
    QStringList adopt;
    for (const RunJob &job : atKill.jobs) {
        const AdoptedAttempt attempt = job.attemptToAdopt();
        adopt.append(u"%1.%2=%3@%4"_s.arg(attempt.seq)
                         .arg(attempt.attempt)
                         .arg(attempt.clusterJobId)
                         .arg(attempt.startedUs));
    }
    // Jobs 2 and 3 by their Slurm ids; job 1's next attempt, had it one, unrecorded.
    QCOMPARE(
        adopt,
        (QStringList {u"1.2=@0"_s, u"2.1=102@1700000000000013"_s, u"3.2=104@1700000000001502"_s}));
}

// A writer that holds the lock: lines come in as written, a partial line
// waits for its end instead of being reported, and the status is "running".
void tst_RunHistory::followsALiveRun()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QVERIFY(QFile::copy(corpusDir() + "/complete/run.json"_L1, dir.filePath(u"run.json"_s)));
    const QString events = dir.filePath(u"events"_s);
    RunLock lock;
    QString error;
    QVERIFY2(lock.acquire(dir.path(), &error), qPrintable(error));
    append(events, JournalLine("run-started").add("t", qint64(1)).add("pid", qint64(7)).finish());

    RunReader reader;
    QVERIFY(reader.open(dir.path()));
    QCOMPARE(reader.history().status, RunHistory::Status::Running);
    QCOMPARE(reader.history().segments.size(), 1);

    const QByteArray started = JournalLine("started")
                                   .add("seq", qint64(2))
                                   .add("attempt", qint64(1))
                                   .add("t", qint64(5))
                                   .finish();
    append(events, started.left(10));
    QVERIFY(reader.readMore().isEmpty());
    QVERIFY(reader.history().warnings.isEmpty()); // still being written
    append(events, started.mid(10));
    QCOMPARE(reader.readMore(), QSet<int> {2});
    QCOMPARE(reader.history().jobs[1].attempts, 1);
    QVERIFY(!reader.history().jobs[1].history[0].finished);

    append(events,
           JournalLine("state")
               .add("seq", qint64(2))
               .add("state", u"failed"_s)
               .add("attempts", qint64(1))
               .finish());
    QCOMPARE(reader.readMore(), QSet<int> {2});
    QCOMPARE(reader.history().jobs[1].state, JobState::Failed);

    // The writer dies (its lock goes): no end record, so it crashed.
    lock.release();
    QVERIFY(reader.readMore().isEmpty());
    QCOMPARE(reader.history().status, RunHistory::Status::Crashed);
    QVERIFY(reader.history().errors.isEmpty());
}

// What the window hands the runner to show a run again: finished attempts
// as history, the one in flight as the running start, output where it went.
void tst_RunHistory::recordedJobsForTheRunner()
{
    const RunHistory history = readRunDirectory(corpusDir() + "/complete"_L1);
    const RecordedJob first = history.jobs[0].toRecordedJob();
    QCOMPARE(first.spec.seq, 1);
    QCOMPARE(first.state, JobState::Succeeded);
    QCOMPARE(first.attempts, 1);
    QCOMPARE(first.history.size(), 1);
    QCOMPARE(first.outputFolder, history.dir + "/out/1"_L1);
    QCOMPARE(first.firstStartedUs, history.jobs[0].history[0].record.startedUs);
    QCOMPARE(first.runningSinceUs, 0);

    RunJob running = history.jobs[0];
    running.state = JobState::Running;
    running.attempts = 2;
    RunAttempt inFlight;
    inFlight.record.number = 2;
    inFlight.record.startedUs = 1700000000009000;
    running.history.append(inFlight);
    const RecordedJob live = running.toRecordedJob();
    QCOMPARE(live.history.size(), 1);
    QCOMPARE(live.runningSinceUs, 1700000000009000);
}

void tst_RunHistory::notARunDirectory()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    RunReader reader;
    QVERIFY(!reader.open(dir.path()));
    QCOMPARE(reader.history().errors.size(), 1);
    QVERIFY2(reader.history().errors[0].toString().contains("is this a run directory?"_L1),
             qPrintable(reader.history().errors[0].toString()));
    QVERIFY(!reader.open(dir.filePath(u"missing"_s)));
    QVERIFY(reader.history().errors[0].toString().endsWith("no such run directory"_L1));
}

} // namespace requeue

QTEST_GUILESS_MAIN(requeue::tst_RunHistory)
#include "tst_runhistory.moc"
