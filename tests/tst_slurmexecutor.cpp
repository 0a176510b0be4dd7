// The Slurm backend against a real single-node cluster (tests/slurm/cluster.sh,
// started by the ctest fixture; SLURM_CONF points at it). Each case runs real
// batch jobs through JobRunner + SlurmExecutor: immediate resubmission,
// outcomes as Slurm reports them, resources per attempt, cancel.
#include "jobrunner.h"
#include "slurmexecutor.h"

#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QSysInfo>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace requeue;
using namespace std::chrono_literals;

namespace {

constexpr int JobTimeoutMs = 60'000; // a real scheduler on a loaded machine

JobSpec shellJob(int seq, const QString &command, int maxAttempts = 1)
{
    JobSpec spec;
    spec.seq = seq;
    spec.name = QStringLiteral("job%1").arg(seq);
    spec.process.shellCommand = command;
    spec.retry.maxAttempts = maxAttempts;
    return spec;
}

// The test cluster's one node: tests/slurm/cluster.sh names it `hostname -s`.
QString clusterNode()
{
    return QSysInfo::machineHostName().section(QLatin1Char('.'), 0, 0);
}

QByteArray readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace

class tst_SlurmExecutor : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void succeedsWithOutputInTheUsualPlace();
    void failedAttemptIsResubmittedAtOnce();
    void killedBySignal();
    void moreMemoryOnTheNextAttempt();
    void cancelsPendingJob();
    void cancelsRunningJob();
    void invalidPartitionIsNotStartedAndNotRetried();
    void timeLimit();

private:
    bool waitForState(JobId id, JobState state, int timeoutMs = JobTimeoutMs);
    std::optional<SlurmJobStatus> waitForSlurmState(SlurmExecutor *executor, JobId id,
                                                    const QString &state);

    QTemporaryDir m_dir;
    std::unique_ptr<JobRunner> m_runner;
    SlurmExecutor *m_executor = nullptr; // Not owning: the runner owns it.
};

void tst_SlurmExecutor::initTestCase()
{
    if (qEnvironmentVariableIsEmpty("SLURM_CONF"))
        QSKIP("no test cluster: run through ctest, which starts tests/slurm/cluster.sh");
    QVERIFY(m_dir.isValid());
}

void tst_SlurmExecutor::init()
{
    SlurmSettings settings;
    settings.pollInterval = 200ms;
    settings.runTag = QStringLiteral("tst");
    auto executor = std::make_unique<SlurmExecutor>(settings);
    m_executor = executor.get();
    m_runner = std::make_unique<JobRunner>(std::move(executor));
    m_runner->setMaxWorkers(8);
    m_runner->setOutputDirectory(m_dir.filePath(QString::fromLatin1(QTest::currentTestFunction())));
}

void tst_SlurmExecutor::cleanup()
{
    m_runner.reset(); // cancels what is left, in Slurm too
    m_executor = nullptr;
}

bool tst_SlurmExecutor::waitForState(JobId id, JobState state, int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired()) {
        const JobState now = m_runner->snapshot(id).state;
        if (now == state)
            return true;
        if (isTerminal(now))
            break;
        QSignalSpy spy(m_runner.get(), &JobRunner::jobStateChanged);
        spy.wait(200);
    }
    const JobSnapshot job = m_runner->snapshot(id, true);
    qWarning() << "job" << id << "is" << jobStateName(job.state) << "not" << jobStateName(state);
    for (const AttemptRecord &record : job.history)
        qWarning() << "  attempt" << record.number << record.summary() << record.message;
    return false;
}

std::optional<SlurmJobStatus> tst_SlurmExecutor::waitForSlurmState(SlurmExecutor *executor,
                                                                   JobId id, const QString &state)
{
    std::optional<SlurmJobStatus> status;
    QDeadlineTimer deadline(JobTimeoutMs);
    while (!deadline.hasExpired()) {
        status = executor->status(id);
        if (status && status->state == state)
            return status;
        QTest::qWait(100); // polling Slurm's view, which has no signal to wait for
    }
    return std::nullopt;
}

void tst_SlurmExecutor::succeedsWithOutputInTheUsualPlace()
{
    const JobId id = m_runner->addJob(shellJob(1,
                                               QStringLiteral("echo out; echo err >&2; "
                                                              "echo \"$REQUEUE_ATTEMPT\"")));
    m_runner->start();
    QVERIFY(waitForState(id, JobState::Succeeded));
    QCOMPARE(readAll(m_runner->outputPath(id, 1, OutputStream::Stdout)), QByteArray("out\n1\n"));
    QCOMPARE(readAll(m_runner->outputPath(id, 1, OutputStream::Stderr)), QByteArray("err\n"));
    QVERIFY(
        m_runner->outputPath(id, 1, OutputStream::Stdout).endsWith(QLatin1String("/1/1/stdout")));
    // The record names the node that ran it (for the timeline's node lanes).
    QCOMPARE(m_runner->snapshot(id).lastAttempt.node, clusterNode());
    // The wrapper and its exit file are gone; the output stays.
    const QDir folder = QFileInfo(m_runner->outputPath(id, 1, OutputStream::Stdout)).dir();
    QCOMPARE(folder.entryList(QDir::Files, QDir::Name),
             QStringList({QStringLiteral("stderr"), QStringLiteral("stdout")}));
}

void tst_SlurmExecutor::failedAttemptIsResubmittedAtOnce()
{
    const JobId id = m_runner->addJob(shellJob(
        1,
        QStringLiteral("echo attempt $REQUEUE_ATTEMPT >&2; [ $REQUEUE_ATTEMPT -ge 3 ] || exit 3"),
        5));
    m_runner->start();
    QVERIFY(waitForState(id, JobState::Succeeded, 3 * JobTimeoutMs));
    const JobSnapshot job = m_runner->snapshot(id, true);
    QCOMPARE(job.attempts, 3);
    QCOMPARE(job.history.size(), 3);
    QCOMPARE(job.history[0].outcome, AttemptOutcome::ExitCode);
    QCOMPARE(job.history[0].exitCode, 3);
    QCOMPARE(job.history[1].exitCode, 3);
    QCOMPARE(job.history[2].outcome, AttemptOutcome::Succeeded);
    // Resubmitted the moment the failure was known, not at the next poll.
    for (int i = 1; i < job.history.size(); ++i)
        QVERIFY(job.history[i].startedUs - job.history[i - 1].finishedUs < 2'000'000);
    QCOMPARE(readAll(m_runner->outputPath(id, 2, OutputStream::Stderr)), QByteArray("attempt 2\n"));
}

void tst_SlurmExecutor::killedBySignal()
{
    const JobId id = m_runner->addJob(shellJob(1, QStringLiteral("kill -9 $$")));
    m_runner->start();
    QVERIFY(waitForState(id, JobState::Failed));
    const AttemptRecord last = m_runner->snapshot(id).lastAttempt;
    QCOMPARE(last.outcome, AttemptOutcome::Signalled);
    QCOMPARE(last.signal, SIGKILL);
}

void tst_SlurmExecutor::moreMemoryOnTheNextAttempt()
{
    // 200 MB in one string (perl may briefly hold two): killed at 50M, fine at 600M.
    JobSpec spec
        = shellJob(1, QStringLiteral("perl -e '$x = \"x\" x (200*1024*1024); sleep 4'"), 2);
    spec.resources.mem = QStringList {QStringLiteral("50M"), QStringLiteral("600M")};
    const JobId id = m_runner->addJob(spec);
    m_runner->start();
    QVERIFY(waitForState(id, JobState::Succeeded, 3 * JobTimeoutMs));
    const JobSnapshot job = m_runner->snapshot(id, true);
    QCOMPARE(job.history.size(), 2);
    QCOMPARE(job.history[0].outcome, AttemptOutcome::Signalled);
    QVERIFY2(job.history[0].message.contains(QLatin1String("out of memory")),
             qPrintable(job.history[0].message));
    QCOMPARE(job.history[1].outcome, AttemptOutcome::Succeeded);
}

void tst_SlurmExecutor::cancelsPendingJob()
{
    JobSpec spec = shellJob(1, QStringLiteral("true"), 3);
    spec.resources.sbatchArgs = QStringList {QStringLiteral("--begin=now+1hour")};
    const JobId id = m_runner->addJob(spec);
    m_runner->start();
    QSignalSpy changes(m_runner.get(), &JobRunner::jobsChanged);
    const auto status = waitForSlurmState(m_executor, id, QStringLiteral("PENDING"));
    QVERIFY(status);
    QVERIFY(!status->jobId.isEmpty());
    // Views learn it through the change feed, and the snapshot says why it waits.
    QTRY_VERIFY_WITH_TIMEOUT(
        m_runner->snapshot(id).clusterState.startsWith(QLatin1String("PENDING (BeginTime")),
        10'000);
    QCOMPARE(m_runner->snapshot(id).clusterJobId, status->jobId);
    QTRY_VERIFY(!changes.isEmpty());
    QVERIFY(m_runner->cancel(id));
    QVERIFY(waitForState(id, JobState::Cancelled));
    QCOMPARE(m_runner->snapshot(id).attempts, 1); // a cancelled job is never retried
}

void tst_SlurmExecutor::cancelsRunningJob()
{
    const JobId id = m_runner->addJob(shellJob(1, QStringLiteral("sleep 300"), 3));
    m_runner->start();
    const auto status = waitForSlurmState(m_executor, id, QStringLiteral("RUNNING"));
    QVERIFY(status);
    QVERIFY(!status->nodes.isEmpty());
    QVERIFY(m_runner->cancel(id));
    QVERIFY(waitForState(id, JobState::Cancelled));
    QCOMPARE(m_runner->snapshot(id).lastAttempt.outcome, AttemptOutcome::Cancelled);
    QCOMPARE(m_runner->snapshot(id).lastAttempt.node, status->nodes);
}

void tst_SlurmExecutor::invalidPartitionIsNotStartedAndNotRetried()
{
    JobSpec spec = shellJob(1, QStringLiteral("true"), 5);
    spec.resources.partition = QStringLiteral("no-such-partition");
    const JobId id = m_runner->addJob(spec);
    m_runner->start();
    QVERIFY(waitForState(id, JobState::Failed));
    const JobSnapshot job = m_runner->snapshot(id);
    QCOMPARE(job.attempts, 1);
    QCOMPARE(job.lastAttempt.outcome, AttemptOutcome::NotStarted);
    QVERIFY2(job.lastAttempt.message.contains(QLatin1String("partition"), Qt::CaseInsensitive),
             qPrintable(job.lastAttempt.message));
    QVERIFY(job.lastAttempt.node.isEmpty()); // it never reached a node
}

void tst_SlurmExecutor::timeLimit()
{
    if (qEnvironmentVariableIsEmpty("REQUEUE_SLURM_SLOW"))
        QSKIP("takes over a minute: ctest -L slow");
    JobSpec spec = shellJob(1, QStringLiteral("sleep 300"), 1);
    spec.resources.time = QStringList {QStringLiteral("1m")};
    const JobId id = m_runner->addJob(spec);
    m_runner->start();
    QVERIFY(waitForState(id, JobState::Failed, 240'000));
    QCOMPARE(m_runner->snapshot(id).lastAttempt.outcome, AttemptOutcome::TimedOut);
}

QTEST_GUILESS_MAIN(tst_SlurmExecutor)
#include "tst_slurmexecutor.moc"
