#include "headlessrun.h"

#include "controlserver.h"
#include "interruptwatcher.h"
#include "jobfile.h"
#include "joblog.h"
#include "joblogwriter.h"
#include "orphanreaper.h"
#include "privatedirectory.h"
#include "progressframe.h"
#include "runcommands.h"
#include "rundirectory.h"
#include "runhistory.h"
#include "runrecorder.h"
#include "runreport.h"
#include "runsummary.h"
#include "textjoblistparser.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSaveFile>
#include <QThread>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <sys/ioctl.h>
#include <unistd.h>
#include <utility>

namespace requeue {

namespace {

constexpr int ProgressIntervalMs = 100; // at most 10 frames a second
constexpr int KillFallbackMs = 3000;    // after a second signal, exit even if jobs linger
constexpr int MaxGaveUpLinesPerSecond = 5;
constexpr int GaveUpStderrLines = 3;
constexpr qint64 StderrTailBytes = 4096;

// The last `count` lines of a file (of its last few KiB), for a person to read.
QStringList lastLines(const QString &path, int count)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {}; // a stream that printed nothing has no file
    const qint64 size = file.size();
    if (size > StderrTailBytes)
        file.seek(size - StderrTailBytes);
    QByteArray tail = file.readAll();
    if (size > StderrTailBytes) // the first line is cut
        tail = tail.mid(tail.indexOf('\n') + 1);
    QStringList lines = QString::fromUtf8(tail).split(QLatin1Char('\n'));
    while (!lines.isEmpty() && lines.constLast().trimmed().isEmpty())
        lines.removeLast();
    lines = lines.mid(qMax<qsizetype>(0, lines.size() - count));
    for (QString &line : lines) {
        line.remove(QLatin1Char('\r'));
        if (line.size() > 200)
            line = line.left(199) + QChar(0x2026);
    }
    return lines;
}

void writeStderr(const QString &text)
{
    const QByteArray bytes = text.toLocal8Bit();
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stderr);
    std::fflush(stderr);
}

int terminalWidth()
{
    winsize size {};
    if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0)
        return size.ws_col;
    return 80;
}

// A fresh run starts a fresh joblog, as GNU parallel does; a file that is not
// a joblog is left for JoblogWriter::open() to refuse.
bool truncateJoblog(const QString &path)
{
    QFile file(path);
    if (!file.exists() || file.size() == 0)
        return true;
    if (!file.open(QIODevice::ReadWrite))
        return true; // open() reports it
    if (file.readLine().trimmed() != joblogHeader())
        return true;
    if (!file.resize(0)) {
        writeStderr(QStringLiteral("requeue: --joblog: %1: %2\n").arg(path, file.errorString()));
        return false;
    }
    return true;
}

} // namespace

// The local backend runs everything, and says once what it leaves out.
void HeadlessRun::noteIgnoredResources(const QList<JobSpec> &jobs) const
{
    if (m_options.backend.backend != BackendOptions::Backend::Local)
        return;
    const bool any = std::any_of(jobs.cbegin(), jobs.cend(),
                                 [](const JobSpec &job) { return !job.resources.isEmpty(); });
    if (any) {
        writeStderr(QStringLiteral("requeue: note: cluster resources (cpus, mem, time, partition, "
                                   "...) apply to --backend slurm; running locally without "
                                   "them\n"));
    }
}

HeadlessRun::HeadlessRun(RunOptions options, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
{
    m_progress = !m_options.quiet && ::isatty(STDERR_FILENO);
    m_progressTimer.setInterval(ProgressIntervalMs);
    connect(&m_progressTimer, &QTimer::timeout, this, &HeadlessRun::drawProgress);
    m_deadlineTimer.setSingleShot(true);
    connect(&m_deadlineTimer, &QTimer::timeout, this, &HeadlessRun::onDeadline);
    m_tagTimer.setInterval(ProgressIntervalMs);
    connect(&m_tagTimer, &QTimer::timeout, this, &HeadlessRun::pumpAllTagged);
    m_gaveUpTimer.setSingleShot(true);
    m_gaveUpTimer.setInterval(1000);
    connect(&m_gaveUpTimer, &QTimer::timeout, this, &HeadlessRun::sayUnreportedGaveUp);
}

HeadlessRun::~HeadlessRun()
{
    // The runner's destructor waits for the workers, which may still write
    // to the joblog and the run directory: it goes first. Only then is the
    // journal complete and its end record the last line.
    m_control.reset();
    m_runner.reset();
    m_joblog.reset();
    if (m_recorder && !m_endHow.isEmpty())
        m_recorder->finish(m_endHow);
    m_recorder.reset();
}

int HeadlessRun::exec()
{
    QList<JobSpec> toRun;
    if (!prepare(&toRun))
        return 2;

    const QString runTag = QString::number(QCoreApplication::applicationPid());
    std::unique_ptr<Executor> executor = m_options.backend.makeExecutor(runTag);
    m_runner = std::make_unique<JobRunner>(std::move(executor));
    m_runner->setMaxWorkers(m_options.workers > 0 ? m_options.workers
                                                  : m_options.backend.defaultWorkers());
    if (!startRecording(toRun))
        return 2;
    if (!m_options.resultsDir.isEmpty())
        m_runner->setOutputDirectory(m_options.resultsDir);
    // Direct: the joblog line is written on the worker the moment the attempt
    // ends, however busy this thread is.
    connect(m_runner.get(), &JobRunner::attemptFinished, this, &HeadlessRun::onAttemptFinished,
            Qt::DirectConnection);
    connect(
        m_runner.get(), &JobRunner::attemptStarted, this,
        [this](JobId id, int attempt) {
            // m_jobs is read-only once the runner has started.
            if (attempt > m_jobs.value(id).attemptsBefore + 1)
                m_retries.fetch_add(1, std::memory_order_relaxed);
        },
        Qt::DirectConnection);
    connect(m_runner.get(), &JobRunner::attemptStarted, this,
            [this](JobId id) { m_started.insert(id); });
    connect(m_runner.get(), &JobRunner::jobFinished, this, &HeadlessRun::onJobFinished);
    // After --halt soon, a retry queued behind the pause would wait forever.
    connect(m_runner.get(), &JobRunner::jobStateChanged, this, [this](JobId id, JobState state) {
        if (m_halted && (state == JobState::Queued || state == JobState::WaitingForRetry))
            m_runner->cancel(id);
    });
    connect(m_runner.get(), &JobRunner::idle, &m_loop, &QEventLoop::quit);

    m_interrupts = std::make_unique<InterruptWatcher>();
    connect(m_interrupts.get(), &InterruptWatcher::interrupted, this, &HeadlessRun::onInterrupted);

    m_clock.start();
    m_startedUs = nowUs();
    if (toRun.isEmpty())
        return finish();
    m_ids = m_runner->addJobs(toRun);
    for (int i = 0; i < m_ids.size(); ++i)
        m_jobs.insert(m_ids[i], {toRun[i].seq, toRun[i].displayCommand(), toRun[i].attemptsBefore});
    // Reattach: the attempts the killed process left in Slurm are followed,
    // not submitted again; they keep their numbers (and output folders).
    for (JobId id : m_runner->adopt(m_liveAttempts))
        --m_jobs[id].attemptsBefore;
    if (m_options.deadline)
        m_deadlineTimer.start(*m_options.deadline);
    if (m_progress)
        m_progressTimer.start();
    if (m_options.output == RunOptions::Output::Tag)
        m_tagTimer.start();
    m_runner->start();
    m_loop.exec();
    return finish();
}

// Reads the list and the joblog and opens what the run writes to. Reports
// every problem; returns false if the run must not start.
bool HeadlessRun::prepare(QList<JobSpec> *toRun)
{
    if (!m_options.resumeRun.isEmpty())
        return prepareResume(toRun);
    const JobList list = readJobList();
    if (!list.errors.isEmpty()) {
        writeStderr(list.errorText() + QLatin1Char('\n'));
        return false;
    }
    if (list.jobs.isEmpty()) {
        writeStderr(QStringLiteral("requeue: %1: no jobs in the file\n").arg(m_options.jobFile));
        return false;
    }
    toRun->reserve(list.jobs.size());
    const JobDefaults defaults = m_options.jobDefaults();
    for (const JobListEntry &entry : list.jobs)
        toRun->append(entry.withDefaults(defaults));
    noteIgnoredResources(*toRun);
    if (m_options.resume != RunOptions::Resume::No && !selectForResume(toRun))
        return false;

    // Checked before the joblog is touched: a run that fails to start must
    // not have wiped the previous run's joblog.
    if (!m_options.resultsDir.isEmpty() && !makePrivateDirectory(m_options.resultsDir)) {
        writeStderr(QStringLiteral("requeue: --results: cannot create the folder %1\n")
                        .arg(m_options.resultsDir));
        return false;
    }
    if (!m_options.joblog.isEmpty()) {
        if (m_options.resume == RunOptions::Resume::No && !truncateJoblog(m_options.joblog))
            return false;
        m_joblog = std::make_unique<JoblogWriter>();
        if (!m_joblog->open(m_options.joblog)) {
            writeStderr(QStringLiteral("requeue: --joblog: %1\n").arg(m_joblog->errorString()));
            return false;
        }
    }
    return true;
}

JobList HeadlessRun::readJobList() const
{
    if (m_options.jobFile != QLatin1String("-"))
        return loadJobList(m_options.jobFile);
    QFile in;
    const QString name = QStringLiteral("<stdin>");
    if (!in.open(stdin, QIODevice::ReadOnly)) {
        JobList list;
        list.errors.append({name, 0, 0, QStringLiteral("cannot read: ") + in.errorString()});
        return list;
    }
    const QByteArray data = in.read(MaxJobFileSize + 1);
    if (data.size() > MaxJobFileSize) {
        JobList list;
        list.errors.append(
            {name, 0, 0, QStringLiteral("more than %1 MiB").arg(MaxJobFileSize >> 20)});
        return list;
    }
    return parseTextJobList(data, name);
}

// `requeue resume RUN`: the jobs of the recorded run that did not succeed,
// as run.json has them, their attempt numbers going on.
bool HeadlessRun::prepareResume(QList<JobSpec> *toRun)
{
    QString error;
    const auto dir = resolveRun(m_options.resumeRun, RunDirectory::defaultRoot(), &error);
    if (!dir) {
        writeStderr(QStringLiteral("requeue: resume: %1\n").arg(error));
        return false;
    }
    const RunHistory history = readRunDirectory(*dir);
    for (const JobFileError &warning : history.warnings)
        writeStderr(QStringLiteral("requeue: warning: %1\n").arg(warning.toString()));
    for (const JobFileError &problem : history.errors)
        writeStderr(QStringLiteral("requeue: %1\n").arg(problem.toString()));
    if (!history.infoOk)
        return false;
    if (history.status == RunHistory::Status::Running) {
        const RunSegment &last = history.segments.constLast();
        writeStderr(QStringLiteral("requeue: resume: %1 is running (pid %2 on %3)\n")
                        .arg(history.dir)
                        .arg(last.pid)
                        .arg(last.host));
        return false;
    }
    m_resumeDir = history.dir;
    resumeBackend(history.info);
    m_options.jobFile = history.info.listPath;
    m_options.resultsDir = history.info.options.value(QLatin1String("results")).toString();
    if (m_options.workers <= 0)
        m_options.workers = history.info.workers;
    for (const RunJob &job : history.jobs) {
        if (job.state == JobState::Succeeded) {
            ++m_skipped;
            continue;
        }
        JobSpec spec = job.spec;
        spec.attemptsBefore = job.attempts;
        toRun->append(spec);
    }
    m_liveAttempts = history.attemptsToAdopt();
    return true;
}

// The backend the run was started on, and how often it polled Slurm.
void HeadlessRun::resumeBackend(const RunInfo &info)
{
    BackendOptions &backend = m_options.backend;
    backend.backend = info.backend == QLatin1String("slurm") ? BackendOptions::Backend::Slurm
                                                             : BackendOptions::Backend::Local;
    const qint64 pollMs = info.options.value(QLatin1String("poll_ms")).toInteger();
    if (pollMs > 0)
        backend.pollInterval = std::chrono::milliseconds(pollMs);
}

// Leaves out the jobs the joblog shows as done (see RunOptions::Resume).
// Returns false, having said why, if the joblog is unreadable or was written
// for another list.
bool HeadlessRun::selectForResume(QList<JobSpec> *specs)
{
    if (!QFileInfo::exists(m_options.joblog))
        return true; // nothing ran yet: run everything
    const Joblog log = readJoblog(m_options.joblog);
    for (const JobFileError &warning : log.warnings)
        writeStderr(QStringLiteral("requeue: warning: %1\n").arg(warning.toString()));
    if (!log.ok()) {
        for (const JobFileError &error : log.errors)
            writeStderr(error.toString() + QLatin1Char('\n'));
        return false;
    }
    QStringList commands;
    commands.reserve(specs->size());
    for (const JobSpec &spec : std::as_const(*specs))
        commands.append(spec.displayCommand());
    const QList<JobFileError> mismatches = compareJoblogCommands(log, commands);
    if (!mismatches.isEmpty()) {
        for (const JobFileError &error : mismatches)
            writeStderr(error.toString() + QLatin1Char('\n'));
        writeStderr(
            QStringLiteral("requeue: --joblog %1 was written for another job list than %2\n")
                .arg(m_options.joblog, m_options.jobFile));
        return false;
    }
    const auto done = [&](const JobSpec &spec) {
        const auto it = log.jobs.constFind(spec.seq);
        if (it == log.jobs.cend())
            return false;
        if (it->succeeded)
            return true;
        if (m_options.resume == RunOptions::Resume::SkipSucceeded)
            return false;
        // Gave up, by the same decision the runner makes live. A job cut
        // short by the kill that ended the last run had budget left.
        const bool gaveUp = spec.retry.decide(it->lastAttempt(), it->attempts).givesUp();
        if (gaveUp)
            ++m_skippedFailed;
        return gaveUp;
    };
    const qsizetype before = specs->size();
    specs->removeIf(done);
    m_skipped = int(before - specs->size());
    for (JobSpec &spec : *specs) // attempt numbers, and output folders, go on
        spec.attemptsBefore = log.jobs.value(spec.seq).attempts;
    return true;
}

// Makes the run directory (or takes up the one resumed) and follows the
// runner in it; output goes there unless --results says otherwise.
bool HeadlessRun::startRecording(const QList<JobSpec> &jobs)
{
    QString error;
    m_recorder = std::make_unique<RunRecorder>();
    const bool resuming = !m_resumeDir.isEmpty();
    if (!(resuming ? m_recorder->resume(m_resumeDir, &error) : startRunDirectory(jobs, &error))) {
        writeStderr(
            QStringLiteral("requeue: %1: %2\n")
                .arg(resuming ? QStringLiteral("resume") : QStringLiteral("run directory"), error));
        m_recorder.reset();
        return false;
    }
    m_recorder->follow(m_runner.get());
    m_runner->setOutputDirectory(m_recorder->outputDirectory());
    listenForControl();
    return true;
}

// A new run directory (--run-dir, or one under the default root) holding
// run.json for `jobs`.
bool HeadlessRun::startRunDirectory(const QList<JobSpec> &jobs, QString *error)
{
    RunInfo info;
    info.listPath = QFileInfo(m_options.jobFile).absoluteFilePath();
    info.listSha256 = fileSha256(m_options.jobFile);
    info.jobs = jobs;
    info.options = m_options.toJson();
    info.backend = m_options.backend.backendName();
    info.workers = m_runner->maxWorkers();
    return m_recorder->startNewRun(std::move(info), RunDirectory::defaultRoot(), m_options.runDir,
                                   error);
}

// Without a control socket the run goes on; only `requeue ctl` cannot reach it.
void HeadlessRun::listenForControl()
{
    m_control = std::make_unique<ControlServer>(m_runner.get(), m_recorder.get());
    QString error;
    if (!m_control->listen(m_recorder->directory(), &error)) {
        writeStderr(QStringLiteral("requeue: control socket: %1; requeue ctl cannot steer this "
                                   "run\n")
                        .arg(error));
        m_control.reset();
    }
}

void HeadlessRun::onAttemptFinished(JobId id, const AttemptRecord &record)
{
    if (!m_joblog)
        return;
    const JobInfo info = m_jobs.value(id);
    // Receive, as GNU parallel fills it: what the attempt wrote to stdout.
    // An attempt that printed nothing may have left no file at all.
    const QString stdoutPath = m_runner->outputPath(id, record.number, OutputStream::Stdout);
    const qint64 received
        = stdoutPath.isEmpty() ? 0 : qMax<qint64>(0, QFileInfo(stdoutPath).size());
    if (!m_joblog->writeAttempt(info.seq, record, info.command, received))
        m_joblogErrors.fetch_add(1, std::memory_order_relaxed);
}

void HeadlessRun::onJobFinished(JobId id, JobState state)
{
    if (m_finishedSeen.contains(id))
        return;
    m_finishedSeen.insert(id);
    m_started.remove(id);
    const JobSnapshot job = m_runner->snapshot(id);
    if (m_options.output == RunOptions::Output::Group)
        printGroup(id, job.attempts);
    else if (m_options.output == RunOptions::Output::Tag)
        pumpTagged(id, true);
    if (state == JobState::Failed) {
        reportGaveUp(id);
        ++m_failed;
        checkHalt();
    }
    // A cancelled job was cut short: it says nothing about how long jobs take.
    if (state != JobState::Cancelled && job.firstStartedUs > 0)
        m_eta.addFinished(double(job.finishedUs - job.firstStartedUs) / 1e6);
}

void HeadlessRun::printBytes(int fd, const QByteArray &bytes)
{
    if (fd == STDERR_FILENO)
        std::fflush(stderr);
    qsizetype done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.constData() + done, size_t(bytes.size() - done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return; // a closed terminal: the output files still have it
        done += n;
    }
}

// --output group: the job's final attempt, stdout then stderr, each whole.
void HeadlessRun::printGroup(JobId id, int attempt)
{
    if (attempt < 1)
        return;
    bool cleared = false;
    for (const auto &[stream, fd] : {std::pair {OutputStream::Stdout, STDOUT_FILENO},
                                     std::pair {OutputStream::Stderr, STDERR_FILENO}}) {
        QFile file(m_runner->outputPath(id, attempt, stream));
        if (file.fileName().isEmpty() || !file.open(QIODevice::ReadOnly) || file.size() == 0)
            continue; // a stream that printed nothing has no file
        if (!cleared) {
            clearProgress();
            cleared = true;
        }
        while (!file.atEnd()) {
            const QByteArray chunk = file.read(64 * 1024);
            if (chunk.isEmpty())
                break;
            printBytes(fd, chunk);
        }
    }
    if (cleared && m_progressTimer.isActive())
        drawProgress();
}

void HeadlessRun::pumpAllTagged()
{
    for (JobId id : std::as_const(m_started))
        pumpTagged(id, false);
}

// --output tag: the complete lines each attempt has printed since the last
// look, prefixed with the job's name and a tab, as GNU parallel's --tag.
// `final`: the job ended; an unfinished last line goes out too.
void HeadlessRun::pumpTagged(JobId id, bool final)
{
    const JobSnapshot job = m_runner->snapshot(id);
    TagReader &reader = m_tagReaders[id];
    if (reader.attempt == 0)
        reader.attempt = m_jobs.value(id).attemptsBefore + 1;
    const QByteArray prefix = job.name.toUtf8() + '\t';
    QByteArray out[2];
    while (reader.attempt <= job.attempts) {
        const bool attemptOver = reader.attempt < job.attempts || final;
        const OutputStream streams[2] = {OutputStream::Stdout, OutputStream::Stderr};
        for (int i = 0; i < 2; ++i) {
            QFile file(m_runner->outputPath(id, reader.attempt, streams[i]));
            if (!file.fileName().isEmpty() && file.open(QIODevice::ReadOnly)
                && file.size() > reader.offset[i] && file.seek(reader.offset[i])) {
                const QByteArray fresh = file.readAll();
                reader.offset[i] += fresh.size();
                reader.partial[i] += fresh;
            }
            qsizetype end = reader.partial[i].lastIndexOf('\n') + 1;
            if (attemptOver && end < reader.partial[i].size()) {
                reader.partial[i] += '\n';
                end = reader.partial[i].size();
            }
            const QByteArray complete = reader.partial[i].left(end); // ends in '\n' or is empty
            reader.partial[i].remove(0, end);
            for (qsizetype from = 0; from < complete.size();) {
                const qsizetype newline = complete.indexOf('\n', from);
                out[i] += prefix + complete.mid(from, newline + 1 - from);
                from = newline + 1;
            }
        }
        if (!attemptOver)
            break;
        ++reader.attempt;
        reader.offset[0] = reader.offset[1] = 0;
    }
    if (out[0].isEmpty() && out[1].isEmpty())
        return;
    clearProgress();
    printBytes(STDOUT_FILENO, out[0]);
    printBytes(STDERR_FILENO, out[1]);
    if (m_progressTimer.isActive())
        drawProgress();
    if (final)
        m_tagReaders.remove(id);
}

void HeadlessRun::checkHalt()
{
    const RunOptions::Halt &halt = m_options.halt;
    if (m_halted || halt.when == RunOptions::Halt::When::Never)
        return;
    const bool reached = halt.failCount > 0 ? m_failed >= halt.failCount
                                            : m_failed >= halt.failShare * double(m_ids.size());
    if (!reached)
        return;
    m_halted = true;
    if (halt.when == RunOptions::Halt::When::Now) {
        say(QStringLiteral("requeue: --halt: %1 failed: cancelling the rest").arg(m_failed));
        m_runner->cancelAll();
        return;
    }
    // Soon: nothing new starts, not even a retry; what runs may finish.
    m_runner->pause();
    cancelWaiting();
    say(QStringLiteral("requeue: --halt: %1 failed: starting no more jobs, waiting for %2 running")
            .arg(m_failed)
            .arg(m_runner->stateCounts()[int(JobState::Running)]));
}

// After --halt soon: the jobs that are not running never will.
void HeadlessRun::cancelWaiting()
{
    QList<JobId> waiting;
    for (const JobSnapshot &job : m_runner->snapshots(m_ids)) {
        if (job.state == JobState::Queued || job.state == JobState::WaitingForRetry)
            waiting.append(job.id);
    }
    m_runner->cancel(waiting);
}

std::optional<double> HeadlessRun::estimateRemaining(int queued) const
{
    const qint64 now = nowUs();
    QList<double> elapsed;
    for (const JobSnapshot &job : m_runner->snapshots(m_started.values())) {
        // A job waiting for its retry has used its time too.
        if (job.state == JobState::Running || job.state == JobState::WaitingForRetry)
            elapsed.append(double(now - job.firstStartedUs) / 1e6);
    }
    return m_eta.remainingSeconds(elapsed, queued, m_runner->maxWorkers());
}

void HeadlessRun::reportGaveUp(JobId id)
{
    if (m_reported.contains(id))
        return;
    m_reported.insert(id);
    // A handful a second, then one line for the rest: thousands of failures
    // must not scroll the progress bar and everything else away.
    const qint64 now = m_clock.elapsed();
    if (now - m_gaveUpWindowStartMs >= 1000) {
        m_gaveUpWindowStartMs = now;
        m_gaveUpInWindow = 0;
    }
    if (m_gaveUpInWindow >= MaxGaveUpLinesPerSecond) {
        if (m_gaveUpUnreported++ == 0)
            m_gaveUpTimer.start();
        return;
    }
    ++m_gaveUpInWindow;
    say(gaveUpText(id));
}

QString HeadlessRun::gaveUpText(JobId id) const
{
    const JobSnapshot job = m_runner->snapshot(id);
    QString text
        = QStringLiteral("requeue: job %1 (%2) gave up after %3 %4: %5")
              .arg(job.seq)
              .arg(job.name)
              .arg(job.attempts)
              .arg(job.attempts == 1 ? QStringLiteral("attempt") : QStringLiteral("attempts"))
              .arg(job.hasLastAttempt ? job.lastAttempt.summary() : QStringLiteral("no attempt"));
    const QString stderrPath = m_runner->outputPath(id, job.attempts, OutputStream::Stderr);
    if (stderrPath.isEmpty())
        return text;
    const QStringList tail = lastLines(stderrPath, GaveUpStderrLines);
    if (tail.isEmpty())
        return text + QLatin1String("; no stderr");
    text += QLatin1String("; stderr: ") + stderrPath;
    for (const QString &line : tail)
        text += QLatin1String("\n    ") + line;
    return text;
}

void HeadlessRun::sayUnreportedGaveUp()
{
    m_gaveUpTimer.stop();
    if (m_gaveUpUnreported == 0)
        return;
    const int count = std::exchange(m_gaveUpUnreported, 0);
    m_gaveUpWindowStartMs = m_clock.elapsed();
    m_gaveUpInWindow = 0;
    say(QStringLiteral("requeue: and %1 more gave up; %2")
            .arg(count)
            .arg(m_options.joblog.isEmpty()
                     ? QStringLiteral("--joblog FILE lists every attempt")
                     : QStringLiteral("see the joblog %1").arg(m_options.joblog)));
}

void HeadlessRun::onInterrupted(int signal, int count)
{
    if (!m_interruptedBy)
        m_interruptedBy = signal;
    m_deadlineTimer.stop();
    if (count == 1) {
        say(QStringLiteral("requeue: %1: cancelling the jobs (again to kill them at once)")
                .arg(signalName(signal)));
        m_runner->cancelAll();
        return;
    }
    m_runner->cancelAll(JobRunner::CancelMode::Kill);
    if (count == 2) {
        say(QStringLiteral("requeue: %1 again: killed the jobs").arg(signalName(signal)));
        QTimer::singleShot(KillFallbackMs, this, [this] { ::_exit(interruptedStatus()); });
        return;
    }
    ::_exit(interruptedStatus());
}

int HeadlessRun::interruptedStatus() const
{
    // 128 + the signal, as a shell reports it: 129 for SIGHUP. SIGTERM says
    // 130 like SIGINT, as it always has.
    return m_interruptedBy == SIGHUP ? 128 + SIGHUP : 130;
}

void HeadlessRun::onDeadline()
{
    m_deadlineReached = true;
    say(QStringLiteral("requeue: --deadline reached after %1 s: cancelling what remains")
            .arg(double(m_clock.elapsed()) / 1000.0, 0, 'f', 1));
    m_runner->cancelAll();
}

void HeadlessRun::drawProgress()
{
    const StateCounts counts = m_runner->stateCounts();
    ProgressFrame frame;
    frame.total = int(m_ids.size());
    frame.done = counts.finished();
    frame.running = counts[JobState::Running];
    frame.failed = counts[JobState::Failed];
    frame.retries = m_retries.load(std::memory_order_relaxed);
    frame.elapsedSeconds = double(m_clock.elapsed()) / 1000.0;
    frame.etaSeconds = estimateRemaining(counts[int(JobState::Queued)]);
    // One column spare: writing the last one makes some terminals wrap.
    writeStderr(QLatin1Char('\r') + frame.render(terminalWidth() - 1) + QLatin1String("\x1b[K"));
    m_progressDrawn = true;
}

void HeadlessRun::clearProgress()
{
    if (!m_progressDrawn)
        return;
    writeStderr(QStringLiteral("\r\x1b[K"));
    m_progressDrawn = false;
}

void HeadlessRun::say(const QString &line)
{
    clearProgress();
    writeStderr(line + QLatin1Char('\n'));
    // Right away, not at the next tick: a stream of lines would otherwise
    // keep the bar off the screen.
    if (m_progressTimer.isActive())
        drawProgress();
}

int HeadlessRun::finish()
{
    m_tagTimer.stop();
    // What the last attempts left outside their process groups (setsid) is
    // swept on the reaper's thread a little later: too late for a process
    // that is about to exit.
    if (OrphanReaper::instance().isEnabled())
        OrphanReaper::instance().sweep();
    m_progressTimer.stop();
    m_deadlineTimer.stop();
    RunSummary summary;
    summary.startedUs = m_startedUs;
    summary.finishedUs = nowUs();
    summary.resultsDir = m_runner->outputDirectory();
    summary.attempts = m_runner->totalAttempts();
    summary.skipped = m_skipped;
    summary.skippedFailed = m_skippedFailed;
    summary.jobs = m_runner->snapshots(m_ids);
    // jobFinished is queued from the workers and may trail `idle`.
    for (const JobSnapshot &job : std::as_const(summary.jobs)) {
        if (isTerminal(job.state))
            onJobFinished(job.id, job.state);
    }
    sayUnreportedGaveUp();
    if (!m_options.summaryJson.isEmpty()) {
        QSaveFile file(m_options.summaryJson);
        if (!file.open(QIODevice::WriteOnly)
            || file.write(QJsonDocument(summary.toJson()).toJson(QJsonDocument::Indented)) < 0
            || !file.commit())
            say(QStringLiteral("requeue: --summary-json: cannot write %1: %2")
                    .arg(m_options.summaryJson, file.errorString()));
    }
    if (!m_options.report.isEmpty()) {
        QString error;
        if (!writeRunReport(reportFromRunner(*m_runner, QFileInfo(m_options.jobFile).fileName()),
                            m_options.report, &error))
            say(QStringLiteral("requeue: --report: cannot write %1").arg(error));
    }
    if (const int errors = m_joblogErrors.load())
        say(QStringLiteral("requeue: --joblog: %1 lines could not be written (%2)")
                .arg(errors)
                .arg(m_joblog->errorString()));
    if (m_recorder) {
        if (const int errors = m_recorder->writeErrors())
            say(QStringLiteral("requeue: run directory: %1 records could not be written (%2)")
                    .arg(errors)
                    .arg(m_recorder->errorString()));
        m_endHow = m_interruptedBy ? QStringLiteral("interrupted")
            : m_deadlineReached    ? QStringLiteral("deadline")
                                   : QStringLiteral("finished");
    }
    say(QLatin1String("requeue: ") + summary.line());

    if (m_interruptedBy)
        return interruptedStatus();
    // The whole list: a job that failed in an earlier run and was skipped
    // still failed.
    return summary.succeeded() ? 0 : 1;
}

} // namespace requeue
