// `requeue run --backend slurm` (the built executable, REQUEUE_BINARY) killed
// with SIGKILL while its jobs are pending and running in the test cluster
// (tests/slurm/cluster.sh; SLURM_CONF points at it), then `requeue resume`:
// the resumed run follows the jobs the killed one left in Slurm instead of
// submitting them again, and attempt numbers go on.
#include "common/slurmtesting.h"
#include "runhistory.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>

using namespace requeue;
using namespace requeue::test;

namespace {

constexpr int WaitMs = SlurmWaitMs;
constexpr int Jobs = 6;

// Joblog lines per seq (the first column).
QHash<int, int> joblogLines(const QString &path)
{
    QHash<int, int> lines;
    const QList<QByteArray> rows = readFile(path).split('\n');
    for (qsizetype i = 1; i < rows.size(); ++i) { // after the header
        if (!rows[i].isEmpty())
            ++lines[rows[i].split('\t').value(0).toInt()];
    }
    return lines;
}

} // namespace

class tst_SlurmResume : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void killedRunIsResumedWithoutSubmittingTwice();

private:
    QString m_binary;
};

void tst_SlurmResume::initTestCase()
{
    if (qEnvironmentVariableIsEmpty("SLURM_CONF"))
        QSKIP("no test cluster: run through ctest, which starts tests/slurm/cluster.sh");
    m_binary = qEnvironmentVariable("REQUEUE_BINARY");
    QVERIFY2(QFile::exists(m_binary), "REQUEUE_BINARY is not set (run through ctest)");
}

void tst_SlurmResume::killedRunIsResumedWithoutSubmittingTwice()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    // Job 1 fails once and is resubmitted before the kill; the others outnumber
    // the node's CPUs, so that some are pending and some running when it comes.
    QByteArray list = "[ $REQUEUE_ATTEMPT -ge 2 ] || exit 3; sleep 4; echo one\n";
    for (int seq = 2; seq <= Jobs; ++seq)
        list += "sleep 4; echo attempt $REQUEUE_ATTEMPT\n";
    QFile file(dir.filePath(QStringLiteral("jobs.txt")));
    QVERIFY(file.open(QIODevice::WriteOnly) && file.write(list) == list.size());
    file.close();
    const QString runDir = dir.filePath(QStringLiteral("run"));

    // Every job submitted, job 1 twice.
    QList<QPair<int, int>> expected {{1, 2}};
    for (int seq = 2; seq <= Jobs; ++seq)
        expected.append({seq, 1});
    qint64 firstPid = 0;
    killSlurmRunOnceSubmitted(m_binary, file.fileName(), runDir,
                              {QStringLiteral("--max-attempts"), QStringLiteral("3")}, expected,
                              &firstPid);
    if (QTest::currentTestFailed())
        return;
    const RunHistory killed = readRunDirectory(runDir);
    QCOMPARE(killed.status, RunHistory::Status::Crashed);
    const auto unfinished
        = std::count_if(killed.jobs.cbegin(), killed.jobs.cend(), [](const RunJob &job) {
              return !job.history.isEmpty() && !job.history.constLast().finished;
          });
    QVERIFY2(unfinished >= 2, "the kill came too late to leave jobs in Slurm");

    QProcess resumed;
    resumed.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    resumed.start(m_binary, {QStringLiteral("resume"), QStringLiteral("-q"), runDir});
    QVERIFY(resumed.waitForStarted());
    const qint64 resumedPid = resumed.processId();
    QVERIFY(resumed.waitForFinished(WaitMs));
    QCOMPARE(resumed.exitStatus(), QProcess::NormalExit);
    QCOMPARE(resumed.exitCode(), 0);

    const RunHistory history = readRunDirectory(runDir);
    QVERIFY(history.errors.isEmpty());
    QCOMPARE(history.status, RunHistory::Status::Finished);
    QCOMPARE(history.count(JobState::Succeeded), Jobs);
    QCOMPARE(history.jobs[0].attempts, 2); // attempt numbers went on, none was added
    for (int seq = 2; seq <= Jobs; ++seq)
        QCOMPARE(history.jobs[seq - 1].attempts, 1);
    QCOMPARE(readFile(runDir + QLatin1String("/out/1/2/stdout")), QByteArray("one\n"));
    QCOMPARE(readFile(runDir + QLatin1String("/out/2/1/stdout")), QByteArray("attempt 1\n"));

    // One Slurm job per attempt, whichever process journalled it...
    const auto ids = clusterIdsByAttempt(runDir);
    QCOMPARE(ids.size(), Jobs + 1);
    QSet<QString> distinct;
    for (auto it = ids.cbegin(); it != ids.cend(); ++it) {
        QVERIFY2(it->size() == 1,
                 qPrintable(QStringLiteral("job %1 attempt %2 has %3 Slurm jobs")
                                .arg(it.key().first)
                                .arg(it.key().second)
                                .arg(it->size())));
        distinct.unite(*it);
    }
    QCOMPARE(distinct.size(), Jobs + 1);
    // ...and as Slurm counts them: the resumed run submitted nothing.
    QCOMPARE(submittedWithTag(QString::number(firstPid)), Jobs + 1);
    QCOMPARE(submittedWithTag(QString::number(resumedPid)), 0);
    // The joblog has one line per attempt.
    QHash<int, int> expectedLines;
    for (int seq = 1; seq <= Jobs; ++seq)
        expectedLines.insert(seq, seq == 1 ? 2 : 1);
    QCOMPARE(joblogLines(runDir + QLatin1String("/joblog")), expectedLines);
}

QTEST_GUILESS_MAIN(tst_SlurmResume)
#include "tst_slurmresume.moc"
