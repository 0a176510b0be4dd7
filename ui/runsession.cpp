#include "runsession.h"

#include "controlserver.h"
#include "runcontrolclient.h"
#include "runfollower.h"
#include "runrecorder.h"
#include "uilogging.h"

#include <QFileInfo>
#include <QSignalBlocker>

#include <algorithm>
#include <utility>

namespace requeue {

RunSession::RunSession(JobRunner *runner, QObject *parent)
    : QObject(parent)
    , m_runner(runner)
    , m_control(new RunControlClient(this))
{
    connect(m_control, &RunControlClient::replied, this, &RunSession::steered);
    connect(m_runner, &JobRunner::jobFinished, this, &RunSession::onJobFinished,
            Qt::QueuedConnection);
    connect(m_runner, &JobRunner::idle, this, &RunSession::releaseEndedRecorders,
            Qt::QueuedConnection);
}

RunSession::~RunSession()
{
    const QSignalBlocker quiet(this); // whoever listened may be gone already
    close(QStringLiteral("closed"));
    // The window has drained its runner by now; a runner it was given is its
    // owner's, whose jobs may never end while this session could hear it.
    while (!m_ending.empty())
        endNow(m_ending.front().recorder.get());
}

QString RunSession::runId() const
{
    return m_dir.isEmpty() ? QString() : QFileInfo(m_dir).fileName();
}

bool RunSession::open(const QString &dir, QString *error, QStringList *warnings)
{
    close(QStringLiteral("closed"));
    auto follower = std::make_unique<RunFollower>(m_runner);
    const bool opened = follower->open(dir);
    const RunHistory &history = follower->history();
    for (const JobFileError &problem : history.warnings + history.errors)
        warnings->append(problem.toString());
    if (!opened) {
        *error = history.errors.isEmpty() ? tr("%1 holds no run.").arg(dir)
                                          : history.errors.constFirst().toString();
        return false;
    }
    m_dir = history.dir;
    m_control->setRunDirectory(m_dir);
    m_workers = follower->workers();
    m_backend = history.info.backend;
    m_slurmPoll = std::chrono::milliseconds(
        qMax<qint64>(0, history.info.options.value(QLatin1String("poll_ms")).toInteger()));
    if (!follower->isFollowing()) {
        m_liveAttempts = history.attemptsToAdopt();
        m_endedHow = history.segments.isEmpty() || !history.ended()
            ? RunHistory::statusName(history.status)
            : history.segments.constLast().how;
        setMode(Mode::Opened);
        return true;
    }
    m_follower = std::move(follower);
    connect(m_follower.get(), &RunFollower::runEnded, this, &RunSession::followedRunEnded);
    connect(m_follower.get(), &RunFollower::remotePausedChanged, this,
            &RunSession::remotePausedChanged);
    connect(m_follower.get(), &RunFollower::workersChanged, this, [this](int workers) {
        m_workers = workers;
        Q_EMIT workersChanged(workers);
    });
    setMode(Mode::Following);
    return true;
}

bool RunSession::startRecording(const QString &root, RunInfo info, QString *error)
{
    close(QStringLiteral("closed"));
    auto recorder = std::make_unique<RunRecorder>();
    if (!recorder->startNewRun(std::move(info), root, QString(), error))
        return false;
    m_dir = recorder->directory();
    recordWith(std::move(recorder));
    return true;
}

bool RunSession::resumeRecording(QString *error)
{
    if (m_mode != Mode::Opened) {
        *error = tr("No finished run is open.");
        return false;
    }
    // What the run's killed process left in a cluster is followed, not
    // started again, whether or not the run can be recorded.
    m_runner->adopt(std::exchange(m_liveAttempts, {}));
    auto recorder = std::make_unique<RunRecorder>();
    if (!recorder->resume(m_dir, error))
        return false;
    recordWith(std::move(recorder));
    return true;
}

void RunSession::recordWith(std::unique_ptr<RunRecorder> recorder)
{
    m_recorder = std::move(recorder);
    for (const EndingRun &run : m_ending)
        m_recorder->leaveOut(run.jobs);
    m_recorder->follow(m_runner);
    m_runner->setOutputDirectory(m_recorder->outputDirectory());
    serveControl();
    setMode(Mode::Recording);
}

// Without a control socket the run goes on; only `requeue ctl` cannot reach it.
void RunSession::serveControl()
{
    auto server = std::make_unique<ControlServer>(m_runner, m_recorder.get());
    QString error;
    if (!server->listen(m_dir, &error)) {
        qCWarning(lcUi) << "requeue ctl cannot steer this run:" << error;
        return;
    }
    connect(server.get(), &ControlServer::requestApplied, this, &RunSession::onControlled);
    m_server = std::move(server);
}

void RunSession::onControlled(const ControlRequest &request)
{
    if (request.command == ControlRequest::Command::Workers) {
        m_workers = request.workers;
        Q_EMIT workersChanged(m_workers);
    }
    Q_EMIT controlled(request);
}

bool RunSession::recordJobs(const QList<JobSpec> &jobs, QString *error)
{
    return !m_recorder || m_recorder->addJobs(jobs, error);
}

void RunSession::recordAction(const QString &action, const QList<JobId> &ids, int n)
{
    if (m_recorder)
        m_recorder->recordAction(action, seqsOf(ids), n);
}

void RunSession::close(const QString &how)
{
    m_server.reset(); // nothing steers the run once it is closed
    if (m_recorder)
        endRecording(how);
    m_follower.reset();
    m_dir.clear();
    m_endedHow.clear();
    m_liveAttempts.clear();
    m_workers = 0;
    m_backend.clear();
    m_slurmPoll = std::chrono::milliseconds(0);
    setMode(Mode::None);
}

void RunSession::endRecording(const QString &how)
{
    EndingRun run {std::move(m_recorder), how, {}, {}};
    if (m_runner) {
        const QList<JobId> ids = m_runner->jobIds();
        for (JobId id : ids) {
            const bool another
                = std::any_of(m_ending.cbegin(), m_ending.cend(),
                              [id](const EndingRun &other) { return other.jobs.contains(id); });
            if (!another)
                run.jobs.insert(id);
        }
    }
    run.recorder->recordOnly(run.jobs); // jobs added from now on are the next run's
    m_ending.push_back(std::move(run));
    endWhenHeard(m_ending.back());
}

void RunSession::onJobFinished(JobId id)
{
    for (EndingRun &run : m_ending) {
        if (run.pending.remove(id)) {
            if (run.pending.isEmpty())
                endWhenHeard(run);
            return;
        }
    }
}

void RunSession::endWhenHeard(EndingRun &run)
{
    // Looked at again when the last one ends: a job retried right before the
    // run closed may have been heard ending an earlier attempt.
    if (m_runner && m_runner->stateCounts().active() > 0) {
        for (JobId id : std::as_const(run.jobs)) {
            const JobSnapshot job = m_runner->briefSnapshot(id);
            if (job.isValid() && !isTerminal(job.state))
                run.pending.insert(id);
        }
    }
    if (!run.pending.isEmpty())
        return;
    RunRecorder *recorder = run.recorder.get();
    // The events of the jobs' last changes may still be on their way to the
    // journal: it ends after them.
    if (m_runner)
        m_runner->afterEvents(this, [this, recorder] { endNow(recorder); });
    else
        endNow(recorder);
}

void RunSession::endNow(RunRecorder *recorder)
{
    const auto it
        = std::find_if(m_ending.begin(), m_ending.end(),
                       [recorder](const EndingRun &run) { return run.recorder.get() == recorder; });
    if (it == m_ending.end())
        return;
    it->recorder->finish(it->how);
    m_ended.push_back(std::move(it->recorder));
    m_ending.erase(it);
    releaseEndedRecorders();
}

// A recorder stops following in finish(), but a worker may still be inside
// one of its slots, there for another run's job. None is once the runner has
// no attempt in flight (attempts emit their start themselves) and its
// emitter has passed a fence set after that.
void RunSession::releaseEndedRecorders()
{
    if (m_ended.empty() || !m_runner || !m_runner->isIdle())
        return;
    auto ended = std::make_shared<std::vector<std::unique_ptr<RunRecorder>>>(std::move(m_ended));
    m_ended.clear();
    // Gone with the call, made or not.
    m_runner->afterEvents(this, [ended] { ended->clear(); });
}

void RunSession::steer(const ControlRequest &request)
{
    m_control->send(request);
}

bool RunSession::isRemotePaused() const
{
    return m_follower && m_follower->isRemotePaused();
}

QList<int> RunSession::seqsOf(const QList<JobId> &ids) const
{
    QList<int> seqs;
    seqs.reserve(ids.size());
    for (const JobSnapshot &snapshot : m_runner->snapshots(ids)) {
        if (snapshot.isValid())
            seqs.append(snapshot.seq);
    }
    return seqs;
}

QString RunSession::description() const
{
    switch (m_mode) {
    case Mode::None:
        return {};
    case Mode::Recording:
        return tr("Run %1, recorded by this window").arg(runId());
    case Mode::Opened:
        return tr("Run %1, %2").arg(runId(), m_endedHow);
    case Mode::Following: {
        const RunHistory &history = m_follower->history();
        const RunSegment last
            = history.segments.isEmpty() ? RunSegment() : history.segments.constLast();
        return tr("Run %1, live: pid %2 on %3").arg(runId()).arg(last.pid).arg(last.host);
    }
    }
    Q_UNREACHABLE();
    return {};
}

void RunSession::setMode(Mode mode)
{
    m_mode = mode;
    Q_EMIT changed();
}

} // namespace requeue
