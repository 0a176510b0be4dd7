#include "runrecorder.h"

#include "joblogwriter.h"
#include "jobrunner.h"
#include "journalline.h"
#include "privatedirectory.h"
#include "rundirectory.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSaveFile>
#include <QSysInfo>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace requeue {

namespace {

QString pathIn(const QString &dir, const char *name)
{
    return dir + u'/' + QLatin1String(name);
}

QString errnoText()
{
    return QString::fromLocal8Bit(strerror(errno));
}

// fsync through a descriptor of its own: the file may be open elsewhere.
void syncPath(const QString &path)
{
    const int fd = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    ::fsync(fd);
    ::close(fd);
}

bool writeRunInfo(const QString &dir, const RunInfo &info, QString *error)
{
    QSaveFile file(pathIn(dir, RunDirectory::InfoFile));
    if (!file.open(QIODevice::WriteOnly) || file.write(info.toJsonText()) < 0 || !file.commit()) {
        *error = u"%1: %2"_s.arg(file.fileName(), file.errorString());
        return false;
    }
    QFile::setPermissions(file.fileName(), QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    return true;
}

} // namespace

RunRecorder::RunRecorder(QObject *parent)
    : QObject(parent)
{ }

RunRecorder::~RunRecorder()
{
    if (m_runner)
        disconnect(m_runner, nullptr, this, nullptr);
    if (m_eventsFd >= 0)
        ::close(m_eventsFd);
}

bool RunRecorder::start(const QString &dir, const RunInfo &info, QString *error)
{
    if (!makePrivateDirectory(dir)) {
        *error = u"cannot create %1: %2"_s.arg(dir, errnoText());
        return false;
    }
    if (RunDirectory::isRunDirectory(dir)) {
        *error = u"%1 already holds a run (requeue resume continues it)"_s.arg(dir);
        return false;
    }
    return lockAndPrepare(dir, error) && writeRunInfo(m_dir, info, error)
        && open(m_dir, false, error);
}

bool RunRecorder::startNewRun(RunInfo info, const QString &root, const QString &dir, QString *error)
{
    const QDateTime now = QDateTime::currentDateTime();
    const QString where
        = dir.isEmpty() ? RunDirectory::create(root, info.listPath, now, error) : dir;
    if (where.isEmpty())
        return false;
    info.version = QCoreApplication::applicationVersion();
    info.host = QSysInfo::machineHostName();
    info.pid = QCoreApplication::applicationPid();
    info.startedUs = now.toMSecsSinceEpoch() * 1000;
    return start(where, info, error);
}

bool RunRecorder::resume(const QString &dir, QString *error)
{
    if (!RunDirectory::isRunDirectory(dir)) {
        *error = u"%1 is not a run directory (it has no run.json)"_s.arg(dir);
        return false;
    }
    return lockAndPrepare(dir, error) && open(m_dir, true, error);
}

bool RunRecorder::lockAndPrepare(const QString &dir, QString *error)
{
    m_dir = QDir(dir).absolutePath();
    m_lock = std::make_unique<RunLock>();
    if (!m_lock->acquire(m_dir, error))
        return false;
    if (!makePrivateDirectory(outputDirectory())) {
        *error = u"cannot create %1: %2"_s.arg(outputDirectory(), errnoText());
        return false;
    }
    return true;
}

bool RunRecorder::open(const QString &dir, bool resuming, QString *error)
{
    const QString events = pathIn(dir, RunDirectory::EventsFile);
    m_eventsFd = ::open(QFile::encodeName(events).constData(),
                        O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (m_eventsFd < 0) {
        *error = u"%1: %2"_s.arg(events, errnoText());
        return false;
    }
    // A crash may have cut the last line short: start on a line of our own so
    // that only that line is lost.
    if (const qint64 size = ::lseek(m_eventsFd, 0, SEEK_END); size > 0) {
        char last = '\n';
        if (::pread(m_eventsFd, &last, 1, size - 1) == 1 && last != '\n')
            write("\n");
    }
    m_joblog = std::make_unique<JoblogWriter>();
    if (!m_joblog->open(pathIn(dir, RunDirectory::JoblogFile))) {
        *error = m_joblog->errorString();
        return false;
    }
    write(JournalLine("run-started")
              .add("t", nowUs())
              .add("pid", qint64(::getpid()))
              .add("host", QSysInfo::machineHostName())
              .add("resume", resuming)
              .finish());
    return true;
}

QString RunRecorder::outputDirectory() const
{
    return pathIn(m_dir, RunDirectory::OutputFolder);
}

void RunRecorder::follow(JobRunner *runner)
{
    m_runner = runner;
    // Direct: a line is written on the worker the moment its attempt starts
    // or ends, however busy the thread that owns the runner is.
    connect(runner, &JobRunner::attemptStarted, this, &RunRecorder::onAttemptStarted,
            Qt::DirectConnection);
    connect(runner, &JobRunner::attemptSpawned, this, &RunRecorder::onAttemptSpawned,
            Qt::DirectConnection);
    connect(runner, &JobRunner::attemptFinished, this, &RunRecorder::onAttemptFinished,
            Qt::DirectConnection);
    connect(
        runner, &JobRunner::jobStateChanged, this,
        [this](JobId id, JobState state) { onStateChanged(id, state); }, Qt::DirectConnection);
}

void RunRecorder::leaveOut(const QSet<JobId> &ids)
{
    QMutexLocker locker(&m_mutex);
    m_leftOut.unite(ids);
}

void RunRecorder::recordOnly(const QSet<JobId> &ids)
{
    // Known by their seq from now on: the window lets go of a replaced run's
    // cancelled jobs at once, before their last state reaches the journal,
    // and a removed job's snapshot no longer says which seq it had.
    QList<JobId> unknown;
    {
        QMutexLocker locker(&m_mutex);
        for (JobId id : ids) {
            if (!m_jobs.contains(id))
                unknown.append(id);
        }
    }
    // Taken before the recorder's lock (see onStateChanged()).
    const QList<JobSnapshot> jobs = m_runner ? m_runner->snapshots(unknown) : QList<JobSnapshot>();
    QMutexLocker locker(&m_mutex);
    m_only = ids;
    m_onlyListed = true;
    for (const JobSnapshot &job : jobs) {
        if (job.isValid() && !m_jobs.contains(job.id))
            m_jobs.insert(job.id, JobInfo::of(job));
    }
}

bool RunRecorder::recordsLocked(quint64 id) const
{
    return !m_finished && !m_leftOut.contains(id) && (!m_onlyListed || m_only.contains(id));
}

RunRecorder::JobInfo &RunRecorder::jobInfo(quint64 id)
{
    const auto it = m_jobs.find(id);
    if (it != m_jobs.end())
        return *it;
    return *m_jobs.insert(id, m_runner ? JobInfo::of(m_runner->snapshot(id)) : JobInfo());
}

RunRecorder::JobInfo RunRecorder::JobInfo::of(const JobSnapshot &job)
{
    JobInfo info; // nothing journalled yet
    info.seq = job.seq;
    info.command = job.command;
    info.lastAttempts = job.attempts;
    return info;
}

std::optional<RunRecorder::JobInfo> RunRecorder::claimFinishedLocked(quint64 id, int attempt)
{
    if (!recordsLocked(id))
        return std::nullopt;
    JobInfo &known = jobInfo(id);
    if (known.finishedAttempt >= attempt)
        return std::nullopt; // written already
    known.finishedAttempt = attempt;
    const JobInfo claimed = known; // with its pending start, if it was never spawned
    if (known.pendingStart == attempt)
        known.pendingStart = 0;
    return claimed;
}

QString RunRecorder::relative(const QString &path) const
{
    if (path.startsWith(m_dir) && path.size() > m_dir.size() && path[m_dir.size()] == u'/')
        return path.mid(m_dir.size() + 1);
    return path;
}

void RunRecorder::onAttemptStarted(quint64 id, int attempt)
{
    const qint64 startedUs = nowUs();
    int seq = 0;
    bool previousUnfinished = false;
    {
        QMutexLocker locker(&m_mutex);
        if (!recordsLocked(id))
            return;
        JobInfo &info = jobInfo(id);
        seq = info.seq;
        previousUnfinished
            = info.startedAttempt > info.finishedAttempt && info.startedAttempt < attempt;
        info.startedAttempt = qMax(info.startedAttempt, attempt);
    }
    // A failure retried at once: this attempt's thread reports its start
    // before the emitter has reported the failure. The journal must not say
    // that attempt N+1 started while attempt N has no end, or a SIGKILL
    // between the two would lose attempt N's record for good.
    if (previousUnfinished)
        writeFinishedBeforeRetry(id, attempt);
    const JobSnapshot job = m_runner ? m_runner->briefSnapshot(id) : JobSnapshot();
    // A cluster executor names the job before it reports the start: a
    // resumed run finds it by this id instead of submitting it again, so
    // that line goes now. A local process is spawned right after this
    // returns: its line waits for the pid (onAttemptSpawned()).
    if (job.isValid() && !job.callable && job.clusterJobId.isEmpty()) {
        QMutexLocker locker(&m_mutex);
        if (recordsLocked(id)) {
            JobInfo &info = jobInfo(id);
            info.pendingStart = attempt;
            info.pendingStartUs = startedUs;
        }
        return;
    }
    write(startedLine(id, seq, attempt, startedUs, job.clusterJobId, 0));
}

QByteArray RunRecorder::startedLine(quint64 id, int seq, int attempt, qint64 startedUs,
                                    const QString &cluster, qint64 pid) const
{
    // The paths follow the output directory's layout (JobRunner::outputPath()).
    const QString out
        = m_runner ? m_runner->outputPath(id, attempt, OutputStream::Stdout) : QString();
    JournalLine line("started");
    line.add("seq", qint64(seq)).add("attempt", qint64(attempt)).add("t", startedUs);
    if (!out.isEmpty())
        line.add("stdout", relative(out)).add("stderr", relative(out.chopped(6) + u"stderr"_s));
    if (pid > 0)
        line.add("pid", pid);
    if (!cluster.isEmpty())
        line.add("cluster", cluster);
    return line.finish();
}

void RunRecorder::writeFinishedBeforeRetry(quint64 id, int attempt)
{
    // The runner keeps the record before it decides on the retry. Taken
    // before the recorder's lock (see onStateChanged()).
    const JobSnapshot job = m_runner ? m_runner->snapshot(id) : JobSnapshot();
    if (!job.hasLastAttempt || job.lastAttempt.number >= attempt)
        return;
    std::optional<JobInfo> info;
    {
        QMutexLocker locker(&m_mutex);
        info = claimFinishedLocked(id, job.lastAttempt.number);
    }
    if (info) // else the emitter was first
        writeFinished(id, *info, job.lastAttempt, QByteArray());
}

void RunRecorder::onAttemptSpawned(quint64 id, int attempt, qint64 pid)
{
    int seq = 0;
    qint64 startedUs = 0;
    {
        QMutexLocker locker(&m_mutex);
        if (!recordsLocked(id))
            return;
        JobInfo &info = jobInfo(id);
        seq = info.seq;
        if (info.pendingStart == attempt) {
            startedUs = info.pendingStartUs;
            info.pendingStart = 0;
        }
    }
    if (startedUs) {
        write(startedLine(id, seq, attempt, startedUs, QString(), pid));
        return;
    }
    write(JournalLine("pid")
              .add("seq", qint64(seq))
              .add("attempt", qint64(attempt))
              .add("pid", pid)
              .finish());
}

void RunRecorder::onAttemptFinished(quint64 id, const AttemptRecord &record)
{
    // The job's state now (taken before the recorder's lock, see
    // onStateChanged()): what the runner decided goes in the same write.
    const JobSnapshot job = m_runner ? m_runner->briefSnapshot(id) : JobSnapshot();
    QByteArray state;
    std::optional<JobInfo> info;
    {
        QMutexLocker locker(&m_mutex);
        info = claimFinishedLocked(id, record.number); // not if written before its retry's start
        if (info && job.isValid())
            state = stateLineLocked(id, job);
    }
    if (info)
        writeFinished(id, *info, record, state);
    else if (!state.isEmpty())
        write(state);
}

void RunRecorder::writeFinished(quint64 id, const JobInfo &info, const AttemptRecord &record,
                                const QByteArray &stateLine)
{
    QByteArray lines;
    if (info.pendingStart == record.number) // a process that could not be spawned
        lines = startedLine(id, info.seq, record.number, info.pendingStartUs, QString(), 0);
    JournalLine line("finished");
    line.add("seq", qint64(info.seq))
        .add("attempt", qint64(record.number))
        .add("start", record.startedUs)
        .add("end", record.finishedUs)
        .add("outcome", attemptOutcomeName(record.outcome))
        .add("exit", qint64(record.exitCode))
        .add("signal", qint64(record.signal))
        .add("msg", record.message);
    // Only cluster attempts have a node: local journals stay as they were.
    if (!record.node.isEmpty())
        line.add("node", record.node);
    lines += line.finish();
    write(lines + stateLine); // one write(): see the class comment
    if (!m_joblog)
        return;
    // Receive, as GNU parallel fills it: what the attempt wrote to stdout (a
    // silent attempt leaves no file).
    const QString stdoutPath
        = m_runner ? m_runner->outputPath(id, record.number, OutputStream::Stdout) : QString();
    const qint64 received
        = stdoutPath.isEmpty() ? 0 : qMax<qint64>(0, QFileInfo(stdoutPath).size());
    if (!m_joblog->writeAttempt(info.seq, record, info.command, received))
        m_writeErrors.fetch_add(1);
}

void RunRecorder::onStateChanged(quint64 id, JobState signalled)
{
    // Running has no line of its own, and whatever the job does next signals
    // again: no need to ask the runner. Nor for a state the journal has with
    // the attempt that led to it (the usual end), with no attempt since.
    if (!m_runner || signalled == JobState::Running || journalled(id, signalled))
        return;
    // The runner's state now, not the signal's: see the class comment. Taken
    // before the recorder's lock, so that a worker taking that lock never
    // waits for the runner's through it. Only the emitter thread writes state
    // lines, so they stay in order.
    JobSnapshot job = m_runner->briefSnapshot(id);
    QByteArray line;
    {
        QMutexLocker locker(&m_mutex);
        if (!recordsLocked(id))
            return;
        // Removed since (a finished job the window let go of): the last
        // signal of a removed job is its terminal one.
        if (!job.isValid()) {
            const auto known = m_jobs.constFind(id);
            if (known == m_jobs.cend())
                return;
            job.state = signalled;
            job.attempts = known->lastAttempts;
        }
        line = stateLineLocked(id, job);
    }
    if (!line.isEmpty())
        write(line);
}

bool RunRecorder::journalled(quint64 id, JobState state) const
{
    QMutexLocker locker(&m_mutex);
    const auto known = m_jobs.constFind(id);
    return known != m_jobs.cend() && known->lastState == state
        && known->startedAttempt == known->finishedAttempt
        && known->lastAttempts == known->finishedAttempt;
}

QByteArray RunRecorder::stateLineLocked(quint64 id, const JobSnapshot &job)
{
    if (!recordsLocked(id))
        return {};
    JobInfo &info = jobInfo(id);
    if (info.lastState == job.state && info.lastAttempts == job.attempts)
        return {};
    // Where an attempt the journal has started has not ended there yet (the
    // runner went on while the emitter was on its way), that attempt's
    // "finished" line brings the state.
    if (job.state != JobState::Running && info.startedAttempt > info.finishedAttempt)
        return {};
    info.lastState = job.state;
    info.lastAttempts = job.attempts;
    // Running is the "started" line of its attempt.
    if (job.state == JobState::Running)
        return {};
    return JournalLine("state")
        .add("seq", qint64(info.seq))
        .add("state", jobStateName(job.state))
        .add("attempts", qint64(job.attempts))
        .add("t", nowUs())
        .finish();
}

bool RunRecorder::addJobs(const QList<JobSpec> &jobs, QString *error)
{
    QFile file(pathIn(m_dir, RunDirectory::InfoFile));
    RunInfo info;
    if (!file.open(QIODevice::ReadOnly)
        || !RunInfo::fromJson(QJsonDocument::fromJson(file.readAll()).object(), &info, error)) {
        if (error->isEmpty())
            *error = u"%1: %2"_s.arg(file.fileName(), file.errorString());
        return false;
    }
    info.jobs += jobs;
    return writeRunInfo(m_dir, info, error);
}

void RunRecorder::recordAction(const QString &action, const QList<int> &seqs, int n)
{
    {
        QMutexLocker locker(&m_mutex);
        if (m_finished)
            return;
    }
    JournalLine line("action");
    line.add("action", action).add("t", nowUs());
    if (!seqs.isEmpty())
        line.add("seqs", seqs);
    if (n >= 0)
        line.add("n", qint64(n));
    write(line.finish());
}

void RunRecorder::finish(const QString &how)
{
    {
        QMutexLocker locker(&m_mutex);
        if (m_finished || m_eventsFd < 0)
            return;
        m_finished = true;
    }
    write(JournalLine("run-ended").add("how", how).add("t", nowUs()).finish());
    ::fsync(m_eventsFd);
    if (m_runner)
        disconnect(m_runner, nullptr, this, nullptr);
    if (m_joblog)
        syncPath(m_joblog->path());
    syncPath(pathIn(m_dir, RunDirectory::InfoFile));
    syncPath(m_dir);
    // The files stay open until the object goes: a worker may still be in
    // one of its slots (for another run's job, which it leaves alone).
    m_lock.reset();
    QMutexLocker locker(&m_mutex);
    m_jobs = {};
    m_only = {};
    m_leftOut = {};
}

QString RunRecorder::errorString() const
{
    QMutexLocker locker(&m_mutex);
    if (!m_errorString.isEmpty())
        return m_errorString;
    return m_joblog ? m_joblog->errorString() : QString();
}

void RunRecorder::write(const QByteArray &line)
{
    qsizetype done = 0;
    while (done < line.size()) {
        // One write() in all but a disk-full case; then the rest goes after,
        // so that the line at least ends where the next one begins.
        const ssize_t n = ::write(m_eventsFd, line.constData() + done, size_t(line.size() - done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            const QString error = errnoText();
            QMutexLocker locker(&m_mutex);
            m_errorString = u"%1: %2"_s.arg(pathIn(m_dir, RunDirectory::EventsFile), error);
            m_writeErrors.fetch_add(1);
            return;
        }
        done += n;
    }
}

} // namespace requeue
