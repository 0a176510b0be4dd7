// The Slurm backend against a real single-node cluster (tests/slurm/cluster.sh,
// started by the ctest fixture; SLURM_CONF points at it). Each case runs real
// batch jobs through JobRunner + SlurmExecutor: immediate resubmission,
// outcomes as Slurm reports them, resources per attempt, cancel.
#include "jobrunner.h"
#include "slurmexecutor.h"

#include <QDir>
#include <QFile>
#include <QProcess>
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

// Runs a Slurm command; its output, or nothing if it failed.
std::optional<QString> slurm(const QString &program, const QStringList &arguments)
{
    QProcess process;
    process.start(program, arguments);
    if (!process.waitForFinished(JobTimeoutMs) || process.exitStatus() != QProcess::NormalExit
        || process.exitCode() != 0) {
        qWarning() << program << arguments << process.readAllStandardError();
        return std::nullopt;
    }
    return QString::fromLocal8Bit(process.readAllStandardOutput()).trimmed();
}

// A job submitted behind the executor's back, as a killed Requeue left it.
QString sbatch(const QStringList &arguments)
{
    return slurm(QStringLiteral("sbatch"), QStringList {QStringLiteral("--parsable")} + arguments)
        .value_or(QString())
        .section(u';', 0, 0);
}

QString slurmState(const QString &jobId)
{
    const auto shown
        = slurm(QStringLiteral("scontrol"),
                {QStringLiteral("-o"), QStringLiteral("show"), QStringLiteral("job"), jobId});
    const auto status = shown ? parseScontrolJob(*shown) : std::nullopt;
    return status ? status->state : QString();
}

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    return QDir().mkpath(QFileInfo(path).path()) && file.open(QIODevice::WriteOnly)
        && file.write(bytes) == bytes.size();
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
    void endIsNoticedWithoutWaitingForThePoll();
    void killedBySignal();
    void moreMemoryOnTheNextAttempt();
    void cancelsPendingJob();
    void cancelsRunningJob();
    void invalidPartitionIsNotStartedAndNotRetried();
    void reattachesInsteadOfSubmitting();
    void cancelsUnclaimedAdoptedJobs();
    void findsSubmissionTheJournalMissed();
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

// The wrapper's exit file tells a local executor that a job is ending: it
// asks Slurm at once instead of at the next poll, ten minutes away here.
void tst_SlurmExecutor::endIsNoticedWithoutWaitingForThePoll()
{
    SlurmSettings settings;
    settings.pollInterval = 10min;
    settings.runTag = QStringLiteral("tst");
    m_runner = std::make_unique<JobRunner>(std::make_unique<SlurmExecutor>(settings));
    m_runner->setOutputDirectory(m_dir.filePath(QStringLiteral("noticed")));
    const JobId id
        = m_runner->addJob(shellJob(1, QStringLiteral("[ $REQUEUE_ATTEMPT -ge 2 ] || exit 3"), 2));
    m_runner->start();
    QVERIFY(waitForState(id, JobState::Succeeded));
    QCOMPARE(m_runner->snapshot(id).attempts, 2);
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
    // While it runs, views see the node too (the timeline's node lanes).
    QTRY_COMPARE_WITH_TIMEOUT(m_runner->snapshot(id).clusterNode, status->nodes, 10'000);
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

// `requeue resume`: the attempts a killed process left in Slurm are followed,
// not submitted again; one Slurm forgot is classified by its exit file, or
// lost, and then the runner's retry decision applies as always.
void tst_SlurmExecutor::reattachesInsteadOfSubmitting()
{
    const QString out = m_runner->outputDirectory();
    QVERIFY(QDir().mkpath(out + QLatin1String("/1/2")));
    const QString live = sbatch({QLatin1String("--output=") + out + QLatin1String("/1/2/stdout"),
                                 QStringLiteral("--wrap=sleep 2; echo adopted")});
    QVERIFY(!live.isEmpty());
    QVERIFY(writeFile(out + QLatin1String("/2/1/exitcode"), "0\n"));
    const qint64 submittedUs = nowUs() - 60'000'000;
    // Past Slurm's MaxJobId: ids Slurm cannot know.
    QVERIFY(m_executor->adopt({{1, 2, live, submittedUs},
                               {2, 1, QStringLiteral("2000000001"), submittedUs},
                               {3, 1, QStringLiteral("2000000002"), submittedUs}}));

    JobSpec first = shellJob(1, QStringLiteral("echo submitted again"), 3);
    first.attemptsBefore = 1;
    const JobId adopted = m_runner->addJob(first);
    const JobId exitFile = m_runner->addJob(shellJob(2, QStringLiteral("exit 9")));
    const JobId lost = m_runner->addJob(shellJob(3, QStringLiteral("echo $REQUEUE_ATTEMPT"), 2));
    m_runner->start();
    QVERIFY(waitForState(adopted, JobState::Succeeded));
    QVERIFY(waitForState(exitFile, JobState::Succeeded));
    QVERIFY(waitForState(lost, JobState::Succeeded));

    const JobSnapshot job = m_runner->snapshot(adopted, true);
    QCOMPARE(job.attempts, 2);
    QCOMPARE(job.history.size(), 1);
    QCOMPARE(job.history[0].number, 2);
    QCOMPARE(job.history[0].startedUs, submittedUs);
    QCOMPARE(readAll(m_runner->outputPath(adopted, 2, OutputStream::Stdout)),
             QByteArray("adopted\n"));
    QCOMPARE(slurmState(live), QStringLiteral("COMPLETED"));

    QCOMPARE(m_runner->snapshot(exitFile).attempts, 1); // "exit 9" never ran
    const JobSnapshot retried = m_runner->snapshot(lost, true);
    QCOMPARE(retried.history.size(), 2);
    QCOMPARE(retried.history[0].outcome, AttemptOutcome::Lost);
    QCOMPARE(readAll(m_runner->outputPath(lost, 2, OutputStream::Stdout)), QByteArray("2\n"));
}

// An adopted job the run never hands out (cancelled or interrupted before
// its turn) is cancelled in Slurm when the executor goes.
void tst_SlurmExecutor::cancelsUnclaimedAdoptedJobs()
{
    const QString id
        = sbatch({QStringLiteral("--output=/dev/null"), QStringLiteral("--wrap=sleep 300")});
    QVERIFY(!id.isEmpty());
    QVERIFY(m_executor->adopt({{7, 1, id, nowUs()}}));
    m_runner.reset();
    m_executor = nullptr;
    QTRY_COMPARE_WITH_TIMEOUT(slurmState(id), QStringLiteral("CANCELLED"), JobTimeoutMs);
}

// Killed between sbatch's answer and its journal line: no job id, but the
// attempt's batch script is still there, and Slurm knows the job by it.
void tst_SlurmExecutor::findsSubmissionTheJournalMissed()
{
    const QString out = m_runner->outputDirectory();
    const QString script = out + QLatin1String("/1/1/requeue-job.sh");
    QVERIFY(writeFile(script, "#!/bin/sh\necho submitted before the kill\n"));
    const QString earlier
        = sbatch({QLatin1String("--output=") + out + QLatin1String("/1/1/stdout"), script});
    QVERIFY(!earlier.isEmpty());
    // Job 2 has no script: it was never submitted, and is now.
    QVERIFY(m_executor->adopt({{1, 1, QString(), 0}, {2, 1, QString(), 0}}));
    const JobId missed = m_runner->addJob(shellJob(1, QStringLiteral("echo submitted again")));
    const JobId fresh = m_runner->addJob(shellJob(2, QStringLiteral("echo fresh")));
    m_runner->start();
    QVERIFY(waitForState(missed, JobState::Succeeded));
    QVERIFY(waitForState(fresh, JobState::Succeeded));
    QCOMPARE(readAll(m_runner->outputPath(missed, 1, OutputStream::Stdout)),
             QByteArray("submitted before the kill\n"));
    QCOMPARE(readAll(m_runner->outputPath(fresh, 1, OutputStream::Stdout)), QByteArray("fresh\n"));
    QCOMPARE(m_runner->snapshot(missed).attempts, 1);
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
