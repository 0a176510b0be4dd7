// RunRecorder following a JobRunner, read back with readRunDirectory(); the
// run directory's files, modes, lock and run.json.
#include "common/fakeexecutor.h"
#include "joblog.h"
#include "jobrunner.h"
#include "rundirectory.h"
#include "runhistory.h"
#include "runrecorder.h"

#include <QFile>
#include <QRegularExpression>
#include <QSemaphore>
#include <QSignalSpy>
#include <QSysInfo>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <functional>

#include <sys/stat.h>

using namespace Qt::StringLiterals;

namespace requeue {

namespace {

constexpr int WaitMs = 30000; // generous: the machine may be loaded

JobSpec shellJob(int seq, const QString &command, int maxAttempts = 3)
{
    JobSpec spec;
    spec.seq = seq;
    spec.name = QString::number(seq);
    spec.process.shellCommand = command;
    spec.retry.maxAttempts = maxAttempts;
    return spec;
}

int modeOf(const QString &path)
{
    struct stat st
    {
    };
    return ::stat(QFile::encodeName(path).constData(), &st) == 0 ? int(st.st_mode & 07777) : -1;
}

QByteArray contents(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray("<unreadable>");
}

RunInfo infoFor(const QList<JobSpec> &jobs)
{
    RunInfo info;
    info.version = u"test"_s;
    info.listPath = u"/somewhere/jobs.txt"_s;
    info.jobs = jobs;
    info.pid = 1;
    info.startedUs = nowUs();
    return info;
}

// A run recorded in a directory whose attempts a FakeExecutor scripts: the
// recorder follows the runner, whose jobs are handed out at once.
struct ScriptedRun
{
    RunRecorder recorder;
    test::FakeExecutor *executor = nullptr; // owned by the runner
    std::unique_ptr<JobRunner> runner;

    // Starts `jobs` on `workers` workers (the first ones are handed out).
    // `beforeFollow` may connect observers that the runner calls before the
    // recorder.
    bool start(const QString &dir, const QList<JobSpec> &jobs, QString *error, int workers = 2,
               const std::function<void(JobRunner *)> &beforeFollow = {})
    {
        if (!recorder.start(dir, infoFor(jobs), error))
            return false;
        auto owned = std::make_unique<test::FakeExecutor>();
        executor = owned.get();
        runner = std::make_unique<JobRunner>(std::move(owned));
        runner->setMaxWorkers(workers);
        if (beforeFollow)
            beforeFollow(runner.get());
        recorder.follow(runner.get());
        runner->setOutputDirectory(recorder.outputDirectory());
        runner->addJobs(jobs);
        runner->start();
        return true;
    }
    // The runner goes first: its last events reach the journal before the end.
    void finish(const QString &how = u"finished"_s)
    {
        runner.reset();
        recorder.finish(how);
    }
};

// Holds the runner's emitter thread in a direct observer, the first time
// holdOnce() is called there: the events after it, the recorder's among them,
// wait until open().
class EmitterGate
{
public:
    void holdOnce()
    {
        if (m_used.exchange(true))
            return;
        m_held.release();
        m_opened.tryAcquire(1, WaitMs);
    }
    bool waitUntilHeld() { return m_held.tryAcquire(1, WaitMs); }
    void open() { m_opened.release(); }

private:
    QSemaphore m_held;
    QSemaphore m_opened;
    std::atomic<bool> m_used {false};
};

// Runs `jobs` to their end under `recorder`. The runner goes before finish():
// its destructor waits for the workers, which may still be emitting.
bool runAll(RunRecorder *recorder, const QList<JobSpec> &jobs, int workers)
{
    auto runner = std::make_unique<JobRunner>();
    runner->setMaxWorkers(workers);
    recorder->follow(runner.get());
    runner->setOutputDirectory(recorder->outputDirectory());
    runner->addJobs(jobs);
    runner->start();
    const bool idle = runner->waitForIdle(QDeadlineTimer(WaitMs));
    runner.reset();
    recorder->finish(u"finished"_s);
    return idle;
}

} // namespace

class tst_RunRecorder : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void recordsARun();
    void liveThenCrashed();
    void oneWriterAtATime();
    void resumeAppends();
    void manualActions();
    void attemptNodeRoundTrip();
    void recordsClusterJobIds();
    void retryStartsAfterItsFailure();
    void processStartIsOneLineWithItsPid();
    void runningIsTheStartedLine();
    void everyOtherStateIsJournalled();
    void everyLineWholeUnderLoad();
    void jobSpecRoundTrip();
    void defaultRoot_data();
    void defaultRoot();
    void createsUniqueDirectories();
    void newRunIsStamped();
    void twoRunsInOneRunner();
    void removedJobsEndCancelled();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
};

void tst_RunRecorder::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void tst_RunRecorder::recordsARun()
{
    const QString dir = m_dir->filePath(u"run"_s);
    const QList<JobSpec> jobs
        = {shellJob(1, u"echo one"_s),
           shellJob(2, u"echo try$REQUEUE_ATTEMPT >&2; test $REQUEUE_ATTEMPT -ge 2"_s),
           shellJob(3, u"exit 3"_s)};
    {
        RunRecorder recorder;
        QString error;
        QVERIFY2(recorder.start(dir, infoFor(jobs), &error), qPrintable(error));
        QVERIFY(runAll(&recorder, jobs, 2));
    }
    // Private: the folder, its files and the output.
    QCOMPARE(modeOf(dir), 0700);
    for (const char *name : {"run.json", "events", "lock", "out/2/1/stderr"})
        QCOMPARE(modeOf(dir + u'/' + QLatin1String(name)), 0600);
    QCOMPARE(modeOf(dir + "/out"_L1), 0700);

    const RunHistory history = readRunDirectory(dir);
    QVERIFY(history.errors.isEmpty());
    QVERIFY(history.warnings.isEmpty());
    QCOMPARE(history.status, RunHistory::Status::Finished);
    QCOMPARE(history.jobs.size(), 3);
    QCOMPARE(history.jobs[0].state, JobState::Succeeded);
    QCOMPARE(history.jobs[1].state, JobState::Succeeded);
    QCOMPARE(history.jobs[2].state, JobState::Failed);
    QCOMPARE(history.jobs[1].attempts, 2);
    QCOMPARE(history.jobs[2].attempts, 3);
    QCOMPARE(history.totalAttempts(), 6);
    for (const RunJob &job : history.jobs) {
        QCOMPARE(job.history.size(), job.attempts);
        for (const RunAttempt &attempt : job.history) {
            QVERIFY(attempt.finished);
            QVERIFY(attempt.pid > 0);
            QVERIFY(attempt.record.finishedUs >= attempt.record.startedUs);
            QVERIFY(!attempt.stdoutPath.isEmpty());
        }
    }
    QCOMPARE(contents(history.jobs[1].history[1].stderrPath), QByteArray("try2\n"));
    QCOMPARE(contents(history.jobs[0].history[0].stdoutPath), QByteArray("one\n"));
    QVERIFY(!QFile::exists(history.jobs[2].history[0].stdoutPath)); // silent: no file
    QCOMPARE(history.jobs[2].lastFinished()->record.exitCode, 3);
    QCOMPARE(history.segments.size(), 1);
    QCOMPARE(history.segments[0].how, u"finished"_s);
    QCOMPARE(history.info.listPath, u"/somewhere/jobs.txt"_s);
    QCOMPARE(history.jobs[1].spec.process.shellCommand, jobs[1].process.shellCommand);

    // The joblog has one line per attempt.
    const Joblog log = readJoblog(dir + "/joblog"_L1);
    QVERIFY(log.ok());
    QCOMPARE(log.jobs.value(3).attempts, 3);
    QCOMPARE(log.succeededSeqs(), (QSet<int> {1, 2}));
}

void tst_RunRecorder::liveThenCrashed()
{
    const QString dir = m_dir->filePath(u"run"_s);
    auto recorder = std::make_unique<RunRecorder>();
    QString error;
    QVERIFY2(recorder->start(dir, infoFor({shellJob(1, u"true"_s)}), &error), qPrintable(error));
    QVERIFY(RunDirectory::isLive(dir));
    QCOMPARE(readRunDirectory(dir).status, RunHistory::Status::Running);
    recorder.reset(); // gone without an end record, as after a SIGKILL
    QVERIFY(!RunDirectory::isLive(dir));
    QCOMPARE(readRunDirectory(dir).status, RunHistory::Status::Crashed);
}

void tst_RunRecorder::oneWriterAtATime()
{
    const QString dir = m_dir->filePath(u"run"_s);
    RunRecorder first;
    QString error;
    QVERIFY(first.start(dir, infoFor({shellJob(1, u"true"_s)}), &error));
    RunRecorder second;
    QVERIFY(!second.resume(dir, &error));
    QVERIFY2(error.contains("in use by another process"_L1), qPrintable(error));
    RunRecorder third;
    QVERIFY(!third.start(dir, infoFor({}), &error));
    QVERIFY2(error.contains("already holds a run"_L1), qPrintable(error));
    QVERIFY(!third.resume(m_dir->filePath(u"nothing"_s), &error));
    QVERIFY2(error.contains("not a run directory"_L1), qPrintable(error));
}

void tst_RunRecorder::resumeAppends()
{
    const QString dir = m_dir->filePath(u"run"_s);
    QString error;
    {
        RunRecorder recorder;
        QVERIFY(recorder.start(dir, infoFor({shellJob(1, u"true"_s)}), &error));
        recorder.finish(u"interrupted"_s);
    }
    {
        RunRecorder recorder;
        QVERIFY2(recorder.resume(dir, &error), qPrintable(error));
        recorder.finish(u"finished"_s);
        recorder.finish(u"twice"_s); // idempotent
    }
    const RunHistory history = readRunDirectory(dir);
    QCOMPARE(history.segments.size(), 2);
    QVERIFY(!history.segments[0].resumed);
    QVERIFY(history.segments[1].resumed);
    QCOMPARE(history.segments[0].how, u"interrupted"_s);
    QCOMPARE(history.segments[1].how, u"finished"_s);
    QCOMPARE(history.status, RunHistory::Status::Finished);
}

void tst_RunRecorder::manualActions()
{
    const QString dir = m_dir->filePath(u"run"_s);
    RunRecorder recorder;
    QString error;
    QVERIFY(recorder.start(dir, infoFor({shellJob(1, u"true"_s)}), &error));
    recorder.recordAction(u"retry"_s, {1, 2});
    recorder.recordAction(u"workers"_s, {}, 8);
    recorder.recordAction(u"pause"_s);
    const RunHistory history = readRunDirectory(dir);
    QCOMPARE(history.actions.size(), 3);
    QCOMPARE(history.actions[0].seqs, (QList<int> {1, 2}));
    QCOMPARE(history.actions[1].n, 8);
    QCOMPARE(history.actions[2].action, u"pause"_s);
    QVERIFY(history.actions[2].us > 0);
}

// A cluster attempt's node comes back from the journal; a local attempt's
// "finished" line has no node at all, as before nodes were recorded.
void tst_RunRecorder::attemptNodeRoundTrip()
{
    const QString dir = m_dir->filePath(u"run"_s);
    const QList<JobSpec> jobs = {shellJob(1, u"true"_s), shellJob(2, u"true"_s)};
    {
        ScriptedRun run;
        QString error;
        QVERIFY2(run.start(dir, jobs, &error), qPrintable(error));
        QCOMPARE(run.executor->takeLog(2, QDeadlineTimer(WaitMs)).size(), 2);
        const QList<JobId> ids = run.runner->jobIds();
        run.executor->begin(ids[0]);
        run.executor->begin(ids[1]);
        run.executor->finish(ids[0], AttemptOutcome::Succeeded, 0, u"node-07.cluster"_s);
        run.executor->finish(ids[1], AttemptOutcome::Succeeded);
        QVERIFY(run.runner->waitForIdle(QDeadlineTimer(WaitMs)));
        run.finish();
    }
    const RunHistory history = readRunDirectory(dir);
    QVERIFY(history.errors.isEmpty());
    QCOMPARE(history.jobs.size(), 2);
    QCOMPARE(history.jobs[0].history.size(), 1);
    QCOMPARE(history.jobs[0].history[0].record.node, u"node-07.cluster"_s);
    QVERIFY(history.jobs[1].history[0].record.node.isEmpty());
    const QList<QByteArray> lines = contents(dir + "/events"_L1).split('\n');
    const auto finishedLines = std::count_if(lines.cbegin(), lines.cend(), [](const QByteArray &l) {
        return l.contains("\"ev\":\"finished\"");
    });
    QCOMPARE(finishedLines, 2);
    const auto withNode = std::count_if(
        lines.cbegin(), lines.cend(), [](const QByteArray &l) { return l.contains("\"node\":"); });
    QCOMPARE(withNode, 1);
}

// A cluster backend's job id goes into the attempt's "started" line, for a
// resumed run to find the job by.
void tst_RunRecorder::recordsClusterJobIds()
{
    const QString dir = m_dir->filePath(u"run"_s);
    const QList<JobSpec> jobs = {shellJob(1, u"true"_s), shellJob(2, u"true"_s)};
    {
        ScriptedRun run;
        QString error;
        QVERIFY2(run.start(dir, jobs, &error), qPrintable(error));
        test::FakeExecutor *executor = run.executor;
        QCOMPARE(executor->takeLog(2, QDeadlineTimer(WaitMs)).size(), 2);
        const QList<JobId> ids = run.runner->jobIds();
        executor->begin(ids[0], nowUs(), u"101"_s);
        executor->finish(ids[0], AttemptOutcome::ExitCode, 3);
        QCOMPARE(executor->takeLog(1, QDeadlineTimer(WaitMs)).size(), 1); // the retry
        executor->begin(ids[0], nowUs(), u"102"_s);
        executor->finish(ids[0], AttemptOutcome::Succeeded);
        executor->begin(ids[1], nowUs(), u"201"_s);
        executor->finish(ids[1], AttemptOutcome::Succeeded);
        QVERIFY(run.runner->waitForIdle(QDeadlineTimer(WaitMs)));
        run.finish();
    }
    const RunHistory history = readRunDirectory(dir);
    QVERIFY(history.errors.isEmpty());
    QStringList ids;
    for (const RunJob &job : history.jobs) {
        for (const RunAttempt &attempt : job.history)
            ids.append(attempt.clusterJobId);
    }
    QCOMPARE(ids, (QStringList {u"101"_s, u"102"_s, u"201"_s}));
}

namespace {

// The two captures of `pattern`, "<first> <second>", for each line of the
// journal it matches, in the journal's order.
QStringList journalMatches(const QString &dir, const QRegularExpression &pattern)
{
    QStringList lines;
    for (const QByteArray &line : contents(dir + "/events"_L1).split('\n')) {
        const QRegularExpressionMatch match = pattern.match(QString::fromUtf8(line));
        if (match.hasMatch())
            lines.append(match.captured(1) + u' ' + match.captured(2));
    }
    return lines;
}

// "<ev> <attempt>" for each attempt line of the journal, in its order.
QStringList attemptLines(const QString &dir)
{
    static const QRegularExpression pattern(uR"re("ev":"(started|finished)".*"attempt":(\d+))re"_s);
    return journalMatches(dir, pattern);
}

// "<ev> <attempt>" for each attempt line and "state <state>" for each state
// line of the journal, in its order.
QStringList journalLines(const QString &dir)
{
    static const QRegularExpression pattern(
        uR"re("ev":"(started|finished|state)".*"(?:attempt|state)":"?(\w+))re"_s);
    return journalMatches(dir, pattern);
}

} // namespace

// A failure retried at once: the retry's thread reports its start while the
// emitter is still on its way to the failure (here held by a slow observer).
// The journal still has the failure before the retry's start, so that a
// SIGKILL between the two cannot lose it, and has it once.
void tst_RunRecorder::retryStartsAfterItsFailure()
{
    const QString dir = m_dir->filePath(u"run"_s);
    ScriptedRun run;
    EmitterGate gate;
    QString error;
    const auto holdAtTheFailure = [&gate](JobRunner *runner) {
        connect(
            runner, &JobRunner::attemptFinished, runner,
            [&gate](JobId, const AttemptRecord &) { gate.holdOnce(); }, Qt::DirectConnection);
    };
    QVERIFY2(run.start(dir, {shellJob(1, u"true"_s)}, &error, 2, holdAtTheFailure),
             qPrintable(error));
    test::FakeExecutor *executor = run.executor;
    QCOMPARE(executor->takeLog(1, QDeadlineTimer(WaitMs)).size(), 1);
    const JobId id = run.runner->jobIds().constFirst();
    executor->begin(id);
    executor->spawn(id, 4201);
    executor->finish(id, AttemptOutcome::ExitCode, 3);
    QVERIFY(gate.waitUntilHeld());
    QCOMPARE(executor->takeLog(1, QDeadlineTimer(WaitMs)).size(), 1); // the retry
    executor->begin(id);
    executor->spawn(id, 4202);
    const QStringList whileHeld = attemptLines(dir);
    gate.open();
    executor->finish(id, AttemptOutcome::Succeeded);
    QVERIFY(run.runner->waitForIdle(QDeadlineTimer(WaitMs)));
    run.finish();

    QCOMPARE(whileHeld, (QStringList {u"started 1"_s, u"finished 1"_s, u"started 2"_s}));
    QCOMPARE(attemptLines(dir),
             (QStringList {u"started 1"_s, u"finished 1"_s, u"started 2"_s, u"finished 2"_s}));
    const Joblog log = readJoblog(dir + "/joblog"_L1);
    QVERIFY(log.ok());
    QCOMPARE(log.jobs.value(1).attempts, 2);
    QCOMPARE(readRunDirectory(dir).jobs.constFirst().state, JobState::Succeeded);
}

// A local process's "started" line waits for the process and names it: one
// line, no "pid" line after it. A process that could not be spawned still
// gets its "started" line, just before its "finished" one.
void tst_RunRecorder::processStartIsOneLineWithItsPid()
{
    const QString dir = m_dir->filePath(u"run"_s);
    ScriptedRun run;
    QString error;
    QVERIFY2(run.start(dir, {shellJob(1, u"true"_s), shellJob(2, u"true"_s)}, &error),
             qPrintable(error));
    test::FakeExecutor *executor = run.executor;
    QCOMPARE(executor->takeLog(2, QDeadlineTimer(WaitMs)).size(), 2);
    const QList<JobId> ids = run.runner->jobIds();
    executor->begin(ids[0]);
    executor->begin(ids[1]);
    QCOMPARE(attemptLines(dir), QStringList()); // neither process exists yet
    executor->spawn(ids[0], 4242);
    const QByteArray whileRunning = contents(dir + "/events"_L1);
    QCOMPARE(attemptLines(dir), QStringList {u"started 1"_s});
    QVERIFY2(whileRunning.contains(R"("ev":"started","seq":1,)")
                 && whileRunning.contains(R"("pid":4242)"),
             whileRunning.constData());
    executor->finish(ids[1], AttemptOutcome::NotStarted, -1); // its spawn failed
    QTRY_COMPARE_WITH_TIMEOUT(attemptLines(dir).size(), 3, WaitMs);
    executor->finish(ids[0], AttemptOutcome::Succeeded);
    QVERIFY(run.runner->waitForIdle(QDeadlineTimer(WaitMs)));
    run.finish();

    QCOMPARE(attemptLines(dir),
             (QStringList {u"started 1"_s, u"started 1"_s, u"finished 1"_s, u"finished 1"_s}));
    QVERIFY(!contents(dir + "/events"_L1).contains(R"("ev":"pid")"));
    const RunHistory history = readRunDirectory(dir);
    QVERIFY(history.errors.isEmpty());
    QCOMPARE(history.jobs.size(), 2);
    const RunAttempt spawned = history.jobs[0].history.value(0);
    QCOMPARE(spawned.pid, 4242);
    QVERIFY(spawned.stdoutPath.endsWith(u"out/1/1/stdout"_s));
    const RunAttempt notSpawned = history.jobs[1].history.value(0);
    QCOMPARE(notSpawned.pid, 0);
    QVERIFY(notSpawned.stdoutPath.endsWith(u"out/2/1/stdout"_s));
    QCOMPARE(notSpawned.record.outcome, AttemptOutcome::NotStarted);
}

// A job's move to running is its attempt's "started" line: no "state" line
// says it, and readers take it from there. The state an attempt's end leads
// to is written with its "finished" line, once.
void tst_RunRecorder::runningIsTheStartedLine()
{
    const QString dir = m_dir->filePath(u"run"_s);
    ScriptedRun run;
    QString error;
    QVERIFY2(run.start(dir, {shellJob(1, u"true"_s)}, &error, 1), qPrintable(error));
    test::FakeExecutor *executor = run.executor;
    QCOMPARE(executor->takeLog(1, QDeadlineTimer(WaitMs)).size(), 1);
    const JobId id = run.runner->jobIds().constFirst();
    executor->begin(id);
    executor->spawn(id, 4301);
    const RunHistory live = readRunDirectory(dir);
    QCOMPARE(live.jobs.size(), 1);
    QCOMPARE(live.jobs[0].state, JobState::Running);
    QCOMPARE(live.jobs[0].attempts, 1);
    executor->finish(id, AttemptOutcome::ExitCode, 3);
    QCOMPARE(executor->takeLog(1, QDeadlineTimer(WaitMs)).size(), 1); // the retry
    executor->begin(id);
    executor->spawn(id, 4302);
    executor->finish(id, AttemptOutcome::Succeeded);
    QVERIFY(run.runner->waitForIdle(QDeadlineTimer(WaitMs)));
    run.finish();

    QCOMPARE(journalLines(dir),
             (QStringList {u"started 1"_s, u"finished 1"_s, u"started 2"_s, u"finished 2"_s,
                           u"state succeeded"_s}));
    const RunHistory history = readRunDirectory(dir);
    QCOMPARE(history.jobs[0].state, JobState::Succeeded);
    QCOMPARE(history.jobs[0].attempts, 2);
}

// The states no "started" or "finished" line brings: a retry by hand, a
// cancel of a queued job; and each once.
void tst_RunRecorder::everyOtherStateIsJournalled()
{
    const QString dir = m_dir->filePath(u"run"_s);
    ScriptedRun run;
    QString error;
    QVERIFY2(run.start(dir, {shellJob(1, u"true"_s), shellJob(2, u"true"_s)}, &error, 1),
             qPrintable(error));
    test::FakeExecutor *executor = run.executor;
    QCOMPARE(executor->takeLog(1, QDeadlineTimer(WaitMs)).size(), 1);
    const QList<JobId> ids = run.runner->jobIds();
    executor->begin(ids[0]);
    executor->spawn(ids[0], 4401);
    const auto journalHas = [&dir](const QString &line) {
        return journalLines(dir).contains(line);
    };
    executor->finish(ids[0], AttemptOutcome::Succeeded);
    QCOMPARE(executor->takeLog(1, QDeadlineTimer(WaitMs)).size(), 1); // job 2
    // Each line is the job's state when the emitter came to it: one at a time.
    QTRY_VERIFY_WITH_TIMEOUT(journalHas(u"state succeeded"_s), WaitMs);
    QVERIFY(run.runner->retry(ids[0])); // queued behind job 2
    QTRY_VERIFY_WITH_TIMEOUT(journalHas(u"state queued"_s), WaitMs);
    QVERIFY(run.runner->cancel(ids[0]));
    QTRY_VERIFY_WITH_TIMEOUT(journalHas(u"state cancelled"_s), WaitMs);
    executor->begin(ids[1]);
    executor->spawn(ids[1], 4402);
    executor->finish(ids[1], AttemptOutcome::ExitCode, 1);
    QCOMPARE(executor->takeLog(1, QDeadlineTimer(WaitMs)).size(), 1); // its retry
    executor->begin(ids[1]);
    executor->spawn(ids[1], 4403);
    executor->finish(ids[1], AttemptOutcome::Succeeded);
    QVERIFY(run.runner->waitForIdle(QDeadlineTimer(WaitMs)));
    run.finish();

    QStringList states;
    for (const QString &line : journalLines(dir)) {
        if (line.startsWith(u"state "_s))
            states.append(line);
    }
    qWarning("%s", qPrintable(journalLines(dir).join(u", "_s)));
    QCOMPARE(states,
             (QStringList {u"state succeeded"_s, u"state queued"_s, u"state cancelled"_s,
                           u"state succeeded"_s}));
    const RunHistory history = readRunDirectory(dir);
    QCOMPARE(history.jobs[0].state, JobState::Cancelled);
    QCOMPARE(history.jobs[0].attempts, 1);
    QCOMPARE(history.jobs[1].state, JobState::Succeeded);
    QCOMPARE(history.jobs[1].attempts, 2);
}

// Many workers write at once: every line stays whole and every attempt has
// its start and its end.
void tst_RunRecorder::everyLineWholeUnderLoad()
{
    const QString dir = m_dir->filePath(u"run"_s);
    QList<JobSpec> jobs;
    for (int seq = 1; seq <= 300; ++seq) {
        JobSpec spec;
        spec.seq = seq;
        spec.name = u"job %1 with \"quotes\" and ünïcode"_s.arg(seq);
        spec.process.shellCommand = u"test $REQUEUE_ATTEMPT -ge %1"_s.arg(seq % 3 + 1);
        jobs.append(spec);
    }
    {
        RunRecorder recorder;
        QString error;
        QVERIFY(recorder.start(dir, infoFor(jobs), &error));
        QVERIFY(runAll(&recorder, jobs, 8));
        QCOMPARE(recorder.writeErrors(), 0);
    }
    const RunHistory history = readRunDirectory(dir);
    QVERIFY(history.errors.isEmpty());
    QVERIFY(history.warnings.isEmpty());
    QCOMPARE(history.count(JobState::Succeeded), 300);
    QCOMPARE(history.totalAttempts(), 100 * (1 + 2 + 3));
    for (const RunJob &job : history.jobs) {
        QCOMPARE(job.history.size(), job.seq() % 3 + 1);
        for (const RunAttempt &attempt : job.history)
            QVERIFY(attempt.finished && attempt.record.startedUs > 0 && attempt.pid > 0);
    }
}

void tst_RunRecorder::jobSpecRoundTrip()
{
    JobSpec spec;
    spec.seq = 7;
    spec.name = u"upload"_s;
    spec.process.program = u"/usr/bin/rsync"_s;
    spec.process.arguments = {u"-a"_s, u"a b"_s};
    spec.process.workingDirectory = u"/tmp"_s;
    spec.process.environment = {{u"A"_s, u"1"_s}, {u"B"_s, u"two"_s}};
    spec.timeout = std::chrono::milliseconds(1500);
    spec.retry.maxAttempts = 0;
    spec.retry.backoff = RetryPolicy::Backoff::Exponential;
    spec.retry.initialDelay = std::chrono::milliseconds(100);
    spec.retry.maxDelay = std::chrono::milliseconds(30000);
    spec.retry.factor = 3.5;
    spec.retry.jitter = true;
    spec.retry.permanentExitCodes = {2, 64};
    spec.resources.mem = {u"1G"_s, u"4G"_s};
    spec.resources.time = {u"10m"_s};
    spec.resources.cpus = {u"2"_s};
    spec.resources.partition = u"short"_s;
    spec.resources.gpus = u"1"_s;
    spec.resources.sbatchArgs = {u"--exclusive"_s};

    JobSpec back;
    QString error;
    QVERIFY2(jobSpecFromJson(jobSpecToJson(spec), &back, &error), qPrintable(error));
    QCOMPARE(back.seq, 7);
    QCOMPARE(back.name, spec.name);
    QCOMPARE(back.process.program, spec.process.program);
    QCOMPARE(back.process.arguments, spec.process.arguments);
    QCOMPARE(back.process.workingDirectory, spec.process.workingDirectory);
    QCOMPARE(back.process.environment, spec.process.environment);
    QCOMPARE(back.timeout, spec.timeout);
    QCOMPARE(back.retry.maxAttempts, 0);
    QCOMPARE(back.retry.backoff, RetryPolicy::Backoff::Exponential);
    QCOMPARE(back.retry.initialDelay, spec.retry.initialDelay);
    QCOMPARE(back.retry.maxDelay, spec.retry.maxDelay);
    QCOMPARE(back.retry.factor, 3.5);
    QVERIFY(back.retry.jitter);
    QCOMPARE(back.retry.permanentExitCodes, spec.retry.permanentExitCodes);
    // What a resumed Slurm run submits again.
    QCOMPARE(back.resources.mem, spec.resources.mem);
    QCOMPARE(back.resources.time, spec.resources.time);
    QCOMPARE(back.resources.cpus, spec.resources.cpus);
    QCOMPARE(back.resources.partition, spec.resources.partition);
    QCOMPARE(back.resources.gpus, spec.resources.gpus);
    QCOMPARE(back.resources.sbatchArgs, spec.resources.sbatchArgs);
    QVERIFY(back.resources.account.isEmpty());

    RunInfo info = infoFor({spec, shellJob(8, u"echo"_s)});
    info.host = u"box"_s;
    RunInfo infoBack;
    QVERIFY2(RunInfo::fromJson(info.toJson(), &infoBack, &error), qPrintable(error));
    QCOMPARE(infoBack.jobs.size(), 2);
    QCOMPARE(infoBack.jobs[1].process.shellCommand, u"echo"_s);
    QCOMPARE(infoBack.host, u"box"_s);
    QCOMPARE(infoBack.startedUs, info.startedUs);
}

void tst_RunRecorder::defaultRoot_data()
{
    QTest::addColumn<QByteArray>("xdg");
    QTest::addColumn<QString>("expected");
    QTest::newRow("set") << QByteArray("/state/here") << u"/state/here/requeue/runs"_s;
    QTest::newRow("unset") << QByteArray() << QDir::homePath() + "/.local/state/requeue/runs"_L1;
    QTest::newRow("relative is ignored")
        << QByteArray("state") << QDir::homePath() + "/.local/state/requeue/runs"_L1;
}

void tst_RunRecorder::defaultRoot()
{
    QFETCH(QByteArray, xdg);
    QFETCH(QString, expected);
    const QByteArray saved = qgetenv("XDG_STATE_HOME");
    const bool wasSet = qEnvironmentVariableIsSet("XDG_STATE_HOME");
    if (xdg.isEmpty())
        qunsetenv("XDG_STATE_HOME");
    else
        qputenv("XDG_STATE_HOME", xdg);
    const QString root = RunDirectory::defaultRoot();
    if (wasSet)
        qputenv("XDG_STATE_HOME", saved);
    else
        qunsetenv("XDG_STATE_HOME");
    QCOMPARE(root, expected);
}

void tst_RunRecorder::createsUniqueDirectories()
{
    const QString root = m_dir->filePath(u"state/runs"_s);
    const QDateTime when(QDate(2026, 3, 4), QTime(5, 6, 7));
    QString error;
    const QString first = RunDirectory::create(root, u"/lists/nightly.build.txt"_s, when, &error);
    const QString second = RunDirectory::create(root, u"nightly.build.txt"_s, when, &error);
    QCOMPARE(first, root + "/20260304-050607-nightly.build"_L1);
    QCOMPARE(second, first + "-2"_L1);
    QCOMPARE(modeOf(root), 0700);
    QCOMPARE(modeOf(first), 0700);
    QVERIFY(RunDirectory::create(u"/proc/no/such"_s, u"x"_s, when, &error).isEmpty());
    QVERIFY2(error.startsWith("cannot create /proc"_L1), qPrintable(error));
}

// Both front ends start a run with startNewRun(): it stamps this process on
// the run and makes its directory, or takes the one given (--run-dir).
void tst_RunRecorder::newRunIsStamped()
{
    QCoreApplication::setApplicationVersion(u"9.8.7"_s);
    const QString root = m_dir->filePath(u"runs"_s);
    RunInfo info = infoFor({shellJob(1, u"true"_s)});
    info.version.clear();
    info.pid = 0;
    info.startedUs = 0;
    const qint64 before = nowUs();
    QString error;
    RunRecorder fresh;
    QVERIFY2(fresh.startNewRun(info, root, QString(), &error), qPrintable(error));
    const qint64 after = nowUs();
    QVERIFY(fresh.directory().startsWith(root + u'/'));
    QVERIFY(fresh.directory().endsWith(u"-jobs"_s)); // named after /somewhere/jobs.txt
    QCOMPARE(modeOf(fresh.directory()), 0700);
    fresh.finish(u"finished"_s);
    const RunInfo stamped = readRunDirectory(fresh.directory()).info;
    QCOMPARE(stamped.version, u"9.8.7"_s);
    QCOMPARE(stamped.host, QSysInfo::machineHostName());
    QCOMPARE(stamped.pid, QCoreApplication::applicationPid());
    // run.json keeps microseconds from a millisecond clock.
    QVERIFY(stamped.startedUs >= before - 1000 && stamped.startedUs <= after);
    QCOMPARE(stamped.listPath, info.listPath);

    const QString given = m_dir->filePath(u"given"_s);
    RunRecorder chosen;
    QVERIFY2(chosen.startNewRun(info, root, given, &error), qPrintable(error));
    QCOMPARE(chosen.directory(), given);
    QCOMPARE(readRunDirectory(given).info.pid, QCoreApplication::applicationPid());
}

// The window's runner holds a replaced run's jobs while their attempts end
// and the next run's jobs start: each run's journal has its own jobs only,
// and the first reads as finished once its recorder has finished, although
// the object stays.
void tst_RunRecorder::twoRunsInOneRunner()
{
    const QList<JobSpec> firstJobs = {shellJob(1, u"echo a"_s), shellJob(2, u"echo b"_s)};
    const QList<JobSpec> secondJobs = {shellJob(1, u"echo c"_s)};
    const QString firstDir = m_dir->filePath(u"first"_s);
    const QString secondDir = m_dir->filePath(u"second"_s);
    auto runner = std::make_unique<JobRunner>();
    runner->setMaxWorkers(2);
    RunRecorder first;
    QString error;
    QVERIFY2(first.start(firstDir, infoFor(firstJobs), &error), qPrintable(error));
    first.follow(runner.get());
    runner->setOutputDirectory(first.outputDirectory());
    const QList<JobId> ids = runner->addJobs(firstJobs);
    const QSet<JobId> firstIds(ids.cbegin(), ids.cend());
    first.recordOnly(firstIds);
    RunRecorder second;
    QVERIFY2(second.start(secondDir, infoFor(secondJobs), &error), qPrintable(error));
    second.leaveOut(firstIds);
    second.follow(runner.get());
    runner->addJobs(secondJobs);
    runner->start();
    QVERIFY(runner->waitForIdle(QDeadlineTimer(WaitMs)));
    bool ended = false;
    QObject context;
    runner->afterEvents(&context, [&] {
        first.finish(u"replaced"_s);
        ended = true;
    });
    QTRY_VERIFY_WITH_TIMEOUT(ended, WaitMs);

    const RunHistory firstRun = readRunDirectory(firstDir);
    QCOMPARE(firstRun.status, RunHistory::Status::Finished);
    QVERIFY(firstRun.errors.isEmpty());
    QCOMPARE(firstRun.totalAttempts(), 2);
    for (const RunJob &job : firstRun.jobs) {
        QCOMPARE(job.state, JobState::Succeeded);
        QCOMPARE(job.history.size(), 1);
        QVERIFY(job.history[0].finished);
    }
    QCOMPARE(readRunDirectory(secondDir).status, RunHistory::Status::Running);
    runner.reset();
    second.finish(u"finished"_s);
    const RunHistory secondRun = readRunDirectory(secondDir);
    QVERIFY(secondRun.errors.isEmpty());
    QCOMPARE(secondRun.totalAttempts(), 1);
    QCOMPARE(secondRun.jobs.size(), 1);
    QCOMPARE(secondRun.jobs[0].state, JobState::Succeeded);
    QCOMPARE(contents(secondRun.jobs[0].history[0].stdoutPath), QByteArray("c\n"));
}

// The window lets go of a replaced run's cancelled jobs at once: a queued
// job removed before its Cancelled state reached the journal still ends
// there as cancelled, not as queued.
void tst_RunRecorder::removedJobsEndCancelled()
{
    const QString dir = m_dir->filePath(u"run"_s);
    ScriptedRun run;
    EmitterGate gate;
    QString error;
    const auto holdAtTheFirstCancel = [&gate](JobRunner *runner) {
        connect(
            runner, &JobRunner::jobStateChanged, runner,
            [&gate](JobId, JobState state) {
                if (state == JobState::Cancelled)
                    gate.holdOnce();
            },
            Qt::DirectConnection);
    };
    QVERIFY2(run.start(dir, {shellJob(1, u"true"_s), shellJob(2, u"true"_s)}, &error, 1,
                       holdAtTheFirstCancel),
             qPrintable(error));
    test::FakeExecutor *executor = run.executor;
    QCOMPARE(executor->takeLog(1, QDeadlineTimer(WaitMs)).size(), 1); // job 1 runs, 2 waits
    const QList<JobId> ids = run.runner->jobIds();
    executor->begin(ids[0]);
    run.recorder.recordOnly(QSet<JobId>(ids.cbegin(), ids.cend()));
    run.runner->cancel(ids);
    QVERIFY(gate.waitUntilHeld());
    QCOMPARE(run.runner->removeFinishedJobs(ids), 1); // job 2, whose state is on its way
    gate.open();
    executor->cancelAll();
    QVERIFY(run.runner->waitForIdle(QDeadlineTimer(WaitMs)));
    run.finish(u"replaced"_s);

    const RunHistory history = readRunDirectory(dir);
    QVERIFY(history.errors.isEmpty());
    QCOMPARE(history.jobs.size(), 2);
    QCOMPARE(history.jobs[0].state, JobState::Cancelled);
    QCOMPARE(history.jobs[0].attempts, 1);
    QCOMPARE(history.jobs[1].state, JobState::Cancelled);
    QCOMPARE(history.jobs[1].attempts, 0);
}

} // namespace requeue

QTEST_GUILESS_MAIN(requeue::tst_RunRecorder)
#include "tst_runrecorder.moc"
