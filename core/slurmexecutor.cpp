#include "slurmexecutor.h"

#include "exitfilewatcher.h"
#include "privatedirectory.h"
#include "requeuelogging.h"
#include "specparsers.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QSaveFile>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace requeue {

namespace {

using Clock = std::chrono::steady_clock;

// How often the tracker looks at cancel requests between two polls.
constexpr std::chrono::milliseconds ControlInterval {100};
// A Slurm command that has not answered by then is treated as a transient failure.
constexpr int CommandTimeoutMs = 60000;
constexpr std::chrono::seconds MaxSubmitBackoff {60};
// Once a job's exit file is there, Slurm needs a moment to call the job
// ended: it is asked again after a quarter of the time since, at least this
// long, until that reaches the poll interval.
constexpr std::chrono::milliseconds SettleInterval {100};

struct CommandResult
{
    bool ran = false; // started and exited by itself
    int exitCode = -1;
    QString out;
    QString err;
};

// One attempt as the tracker keeps it. Tracker thread only.
struct SlurmAttempt
{
    AttemptTicket ticket;
    QString folder; // the attempt's output folder: script, exit file
    SlurmJobStatus status;
    qint64 startedUs = 0;
    int submitFailures = 0;
    Clock::time_point nextSubmit {};
    QString adoptedJobId; // a job an earlier process submitted, to follow instead of submitting
    bool lookForEarlier = false; // an earlier process may have submitted it without saying
    bool cancelSent = false;
    Clock::time_point exitFileSeen {}; // when the exit file was seen to appear, if it was

    bool isSubmitted() const { return !status.jobId.isEmpty(); }
};

QString shellQuote(const QString &text)
{
    QString quoted = text;
    quoted.replace(u'\'', QLatin1String("'\\''"));
    return u'\'' + quoted + u'\'';
}

QString commandLine(const ProcessSpec &process)
{
    if (process.usesShell())
        return QLatin1String("/bin/sh -c ") + shellQuote(process.shellCommand);
    QStringList words {shellQuote(process.program)};
    for (const QString &argument : process.arguments)
        words.append(shellQuote(argument));
    return words.join(u' ');
}

// The batch script: runs the command in the background so that a SIGTERM
// from Slurm (scancel, time limit) reaches the trap at once, and writes the
// exit status with a rename so that a reader never sees half a file.
QString wrapperScript(const AttemptTicket &ticket, const QString &folder)
{
    QString script = QStringLiteral("#!/bin/sh\n# Written by Requeue for one attempt.\n");
    const auto exportVariable = [&script](const QString &name, const QString &value) {
        script += QLatin1String("export ") + name + u'=' + shellQuote(value) + u'\n';
    };
    const ProcessSpec &process = ticket.spec->process;
    for (auto it = process.environment.cbegin(); it != process.environment.cend(); ++it)
        exportVariable(it.key(), it.value());
    exportVariable(QStringLiteral("REQUEUE_JOB_ID"), QString::number(ticket.jobId));
    exportVariable(QStringLiteral("REQUEUE_ATTEMPT"), QString::number(ticket.attempt));
    exportVariable(QStringLiteral("REQUEUE_MAX_ATTEMPTS"), QString::number(ticket.maxAttempts));
    const QString exitFile = shellQuote(folder + QLatin1String("/exitcode"));
    script
        += QLatin1String("requeue_exit() {\n"
                         "    printf '%d\\n' \"$1\" > ")
        + exitFile + QLatin1String(".tmp && mv -f ") + exitFile + QLatin1String(".tmp ") + exitFile
        + QLatin1String(
               "\n    exit \"$1\"\n}\n"
               "trap 'kill -TERM \"$child\" 2>/dev/null; wait \"$child\"; requeue_exit 143' TERM\n")
        + commandLine(process)
        + QLatin1String(" </dev/null &\n"
                        "child=$!\n"
                        "wait \"$child\"\n"
                        "requeue_exit $?\n");
    return script;
}

// Requeue's "90s"/"10m"/"1h" become Slurm's HH:MM:SS (rounded up to the
// second); anything else is Slurm's own syntax and passes through.
QString slurmTime(const QString &value)
{
    const auto duration = parseDuration(value);
    if (!duration)
        return value;
    const qint64 seconds = qMax<qint64>(1, (duration->count() + 999) / 1000);
    return QStringLiteral("%1:%2:%3")
        .arg(seconds / 3600)
        .arg(seconds / 60 % 60, 2, 10, QLatin1Char('0'))
        .arg(seconds % 60, 2, 10, QLatin1Char('0'));
}

QStringList resourceArguments(const AttemptTicket &ticket)
{
    const ClusterResources &r = ticket.spec->resources;
    QStringList args;
    const auto add = [&args](const char *option, const QString &value) {
        if (!value.isEmpty())
            args.append(QLatin1String(option) + value);
    };
    add("--cpus-per-task=", ClusterResources::forAttempt(r.cpus, ticket.attempt));
    add("--mem=", ClusterResources::forAttempt(r.mem, ticket.attempt));
    QString time = ClusterResources::forAttempt(r.time, ticket.attempt);
    if (time.isEmpty() && ticket.spec->timeout.count() > 0)
        time = QString::number(ticket.spec->timeout.count()) + QLatin1String("ms");
    add("--time=", time.isEmpty() ? QString() : slurmTime(time));
    add("--partition=", r.partition);
    add("--account=", r.account);
    add("--qos=", r.qos);
    add("--gpus=", r.gpus);
    args += r.sbatchArgs;
    return args;
}

bool isTransientSubmitError(const CommandResult &result)
{
    if (!result.ran)
        return true; // did not answer in time, or could not run at all: try again later
    static const char *const transient[] = {
        "try again",
        "timed out",
        "timeout",
        "Unable to contact slurm controller",
        "Connection refused",
        "temporarily unavailable",
        "Resource temporarily",
        "Slurm temporarily unable",
        "Socket timed out",
    };
    for (const char *word : transient) {
        if (result.err.contains(QLatin1String(word), Qt::CaseInsensitive))
            return true;
    }
    return false;
}

std::optional<int> readExitFile(const QString &folder)
{
    QFile file(folder + QLatin1String("/exitcode"));
    if (!file.open(QIODevice::ReadOnly))
        return std::nullopt;
    bool ok = false;
    const int status = file.readAll().trimmed().toInt(&ok);
    return ok ? std::optional<int>(status) : std::nullopt;
}

// slurmstepd reports a memory kill in the job's own output.
bool logSaysMemoryExceeded(const AttemptTicket &ticket)
{
    for (const QString &path : {ticket.stderrPath, ticket.stdoutPath}) {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            continue;
        if (file.size() > 8192)
            file.seek(file.size() - 8192);
        if (file.readAll().contains("Exceeded job memory limit"))
            return true;
    }
    return false;
}

AttemptRecord notStarted(const QString &message)
{
    AttemptRecord record;
    record.outcome = AttemptOutcome::NotStarted;
    record.message = message;
    return record;
}

} // namespace

class SlurmExecutorPrivate
{
public:
    explicit SlurmExecutorPrivate(SlurmSettings settings);

    void track(); // the tracker thread's loop

    // Tracker thread only, without `mutex`.
    CommandResult runCommand(const QString &program, const QStringList &arguments) const;
    void submitDue();
    bool submit(SlurmAttempt &attempt); // false once finish() removed it
    void reattach(SlurmAttempt &attempt);
    bool findEarlierSubmission(SlurmAttempt &attempt); // false: ask again later
    void sendCancels();
    void noticeExitFiles();
    void poll();
    Clock::duration untilNextPoll() const;
    void finish(SlurmAttempt &attempt, AttemptRecord record);
    void publish(const SlurmAttempt &attempt);

    const SlurmSettings settings;
    AttemptSink *sink = nullptr; // Not owning.

    mutable std::mutex mutex; // guards everything below it
    std::condition_variable wake;
    std::condition_variable done;
    std::deque<AttemptTicket> incoming;
    // By (seq, attempt): jobs an earlier process submitted, until a ticket claims them.
    QHash<QPair<int, int>, AdoptedAttempt> adoptable;
    // Tracker thread only: every batch script Slurm knows of, by path, and
    // its newest job's id; read once, when an attempt first looks for one.
    std::optional<QHash<QString, QString>> jobsByScript;
    QHash<JobId, SlurmJobStatus> published;
    int outstanding = 0; // executed and not yet reported
    int maxConcurrency = 100;
    std::chrono::milliseconds pollInterval; // settings.pollInterval until set
    bool stopping = false;

    // Tracker thread only.
    std::chrono::milliseconds trackerPollInterval; // pollInterval, read each pass
    std::vector<SlurmAttempt> attempts;
    // Where it works, a job's end is noticed when its exit file appears,
    // not at the next poll.
    ExitFileWatcher exitFiles {QStringLiteral("exitcode")};
    Clock::time_point nextPoll {};
    std::thread tracker; // last: started once everything above exists
};

SlurmExecutorPrivate::SlurmExecutorPrivate(SlurmSettings settings)
    : settings(std::move(settings))
    , pollInterval(this->settings.pollInterval)
    , trackerPollInterval(pollInterval)
{ }

CommandResult SlurmExecutorPrivate::runCommand(const QString &program,
                                               const QStringList &arguments) const
{
    QProcess process;
    const QString path = settings.binDirectory.isEmpty()
        ? program
        : settings.binDirectory + QLatin1Char('/') + program;
    process.start(path, arguments);
    CommandResult result;
    if (!process.waitForStarted(CommandTimeoutMs)) {
        result.err = process.errorString();
        return result;
    }
    process.closeWriteChannel();
    if (!process.waitForFinished(CommandTimeoutMs)) {
        process.kill();
        process.waitForFinished(1000);
        result.err = QStringLiteral("%1 did not answer within %2 s (timed out)")
                         .arg(program)
                         .arg(CommandTimeoutMs / 1000);
        return result;
    }
    result.ran = process.exitStatus() == QProcess::NormalExit;
    result.exitCode = process.exitCode();
    result.out = QString::fromLocal8Bit(process.readAllStandardOutput());
    result.err = QString::fromLocal8Bit(process.readAllStandardError()).trimmed();
    return result;
}

void SlurmExecutorPrivate::track()
{
    std::unique_lock lock(mutex);
    for (;;) {
        while (!incoming.empty()) {
            SlurmAttempt attempt;
            attempt.ticket = std::move(incoming.front());
            incoming.pop_front();
            attempt.folder = QFileInfo(attempt.ticket.stdoutPath).absolutePath();
            const auto adopted
                = adoptable.constFind({attempt.ticket.spec->seq, attempt.ticket.attempt});
            if (adopted != adoptable.cend()) {
                attempt.adoptedJobId = adopted->clusterJobId;
                attempt.lookForEarlier = adopted->clusterJobId.isEmpty();
                attempt.startedUs = adopted->startedUs;
                adoptable.erase(adopted);
            }
            attempts.push_back(std::move(attempt));
        }
        if (stopping && attempts.empty())
            return;
        if (pollInterval != trackerPollInterval) {
            trackerPollInterval = pollInterval;
            nextPoll = std::min(nextPoll, Clock::now() + trackerPollInterval);
        }
        lock.unlock();
        submitDue();
        sendCancels();
        noticeExitFiles();
        if (Clock::now() >= nextPoll) {
            poll();
            nextPoll = Clock::now() + untilNextPoll();
        }
        lock.lock();
        if (incoming.empty())
            wake.wait_for(lock,
                          std::min<Clock::duration>(ControlInterval, nextPoll - Clock::now()));
    }
}

void SlurmExecutorPrivate::submitDue()
{
    const auto now = Clock::now();
    for (std::size_t i = 0; i < attempts.size();) {
        SlurmAttempt &attempt = attempts[i];
        if (attempt.isSubmitted() || attempt.nextSubmit > now) {
            ++i;
            continue;
        }
        if (attempt.lookForEarlier && !findEarlierSubmission(attempt)) {
            ++i; // Slurm did not answer: no submission until it does
            continue;
        }
        if (!attempt.adoptedJobId.isEmpty()) {
            reattach(attempt); // before a cancel: it is in Slurm, and scancel stops it
            ++i;
            continue;
        }
        if (attempt.ticket.control->isCancelRequested()) {
            AttemptRecord record;
            record.outcome = AttemptOutcome::Cancelled;
            record.message = QStringLiteral("cancelled before it was submitted");
            finish(attempt, record); // removes it
            continue;
        }
        if (submit(attempt))
            ++i;
    }
}

bool SlurmExecutorPrivate::submit(SlurmAttempt &attempt)
{
    const AttemptTicket &ticket = attempt.ticket;
    if (ticket.spec->isCallable()) {
        finish(attempt, notStarted(QStringLiteral("a C++ callable cannot run on Slurm")));
        return false;
    }
    if (attempt.folder.isEmpty() || !makePrivateDirectory(attempt.folder)) {
        finish(
            attempt,
            notStarted(QStringLiteral("cannot create the output folder %1").arg(attempt.folder)));
        return false;
    }
    const QString scriptPath = attempt.folder + QLatin1String("/requeue-job.sh");
    QSaveFile script(scriptPath);
    if (!script.open(QIODevice::WriteOnly)
        || script.write(wrapperScript(ticket, attempt.folder).toLocal8Bit()) < 0
        || !script.commit()) {
        finish(attempt,
               notStarted(
                   QStringLiteral("cannot write %1: %2").arg(scriptPath, script.errorString())));
        return false;
    }
    exitFiles.watch(attempt.folder); // before sbatch: a short job may end at once
    const QString workingDirectory = ticket.spec->process.workingDirectory.isEmpty()
        ? QDir::currentPath()
        : ticket.spec->process.workingDirectory;
    QStringList args {
        QStringLiteral("--parsable"),
        QStringLiteral("--no-requeue"),
        QStringLiteral("--job-name=requeue-%1-%2.%3")
            .arg(settings.runTag.isEmpty() ? QStringLiteral("run") : settings.runTag)
            .arg(ticket.jobId)
            .arg(ticket.attempt),
        QLatin1String("--output=") + ticket.stdoutPath,
        QLatin1String("--error=") + ticket.stderrPath,
        QLatin1String("--chdir=") + workingDirectory,
        QStringLiteral("--export=ALL"),
    };
    args += resourceArguments(ticket);
    args.append(scriptPath);

    const CommandResult result = runCommand(QStringLiteral("sbatch"), args);
    const QString jobId = result.out.trimmed().section(u';', 0, 0);
    if (result.ran && result.exitCode == 0 && !jobId.isEmpty()) {
        attempt.status.jobId = jobId;
        attempt.status.state = QStringLiteral("PENDING");
        attempt.startedUs = nowUs();
        publish(attempt);
        sink->attemptStarted(ticket, attempt.startedUs);
        nextPoll = std::min(nextPoll, Clock::now() + trackerPollInterval);
        return true;
    }
    if (isTransientSubmitError(result)) {
        ++attempt.submitFailures;
        const auto backoff = std::min<Clock::duration>(
            std::chrono::seconds(1) * (1 << qMin(attempt.submitFailures - 1, 6)), MaxSubmitBackoff);
        attempt.nextSubmit = Clock::now() + backoff;
        qCWarning(lcCore, "sbatch failed for job %llu, trying again: %s",
                  static_cast<unsigned long long>(ticket.jobId), qPrintable(result.err));
        return true;
    }
    const QString message = result.err.isEmpty()
        ? QStringLiteral("sbatch exited with %1").arg(result.exitCode)
        : result.err.section(u'\n', -1);
    finish(attempt, notStarted(message));
    return false;
}

// Follows the job an earlier process submitted for this attempt: it is
// submitted as far as the runner and Slurm are concerned. Where it is
// (pending, running, ended or forgotten) the next poll finds out, with the
// same classification as any other job, its exit file included.
void SlurmExecutorPrivate::reattach(SlurmAttempt &attempt)
{
    attempt.status.jobId = std::exchange(attempt.adoptedJobId, QString());
    exitFiles.watch(attempt.folder);
    if (attempt.startedUs == 0)
        attempt.startedUs = nowUs();
    publish(attempt);
    sink->attemptStarted(attempt.ticket, attempt.startedUs);
    nextPoll = Clock::now();
}

// A process killed between sbatch's answer and its journal line leaves no
// job id, only the attempt's batch script (removed once an attempt ends), by
// whose path Slurm still knows the job.
bool SlurmExecutorPrivate::findEarlierSubmission(SlurmAttempt &attempt)
{
    const QFileInfo script(attempt.folder + QLatin1String("/requeue-job.sh"));
    if (!script.exists()) {
        attempt.lookForEarlier = false; // never submitted
        return true;
    }
    if (!jobsByScript) {
        const CommandResult result
            = runCommand(QStringLiteral("squeue"),
                         {QStringLiteral("--noheader"), QStringLiteral("--me"),
                          QStringLiteral("--states=all"), QStringLiteral("--format=%i|%o")});
        if (!result.ran || result.exitCode != 0) {
            qCWarning(lcCore, "squeue failed: %s", qPrintable(result.err));
            attempt.nextSubmit = Clock::now() + std::chrono::seconds(1);
            return false;
        }
        jobsByScript.emplace();
        for (const QString &line : result.out.split(u'\n', Qt::SkipEmptyParts)) {
            const QString id = line.section(u'|', 0, 0).trimmed();
            QString &known = (*jobsByScript)[line.section(u'|', 1).trimmed()];
            if (known.isEmpty() || id.toLongLong() > known.toLongLong())
                known = id;
        }
    }
    attempt.lookForEarlier = false;
    attempt.adoptedJobId = jobsByScript->value(script.absoluteFilePath());
    if (!attempt.adoptedJobId.isEmpty())
        attempt.startedUs = script.lastModified().toMSecsSinceEpoch() * 1000;
    return true;
}

void SlurmExecutorPrivate::sendCancels()
{
    QStringList ids;
    for (SlurmAttempt &attempt : attempts) {
        if (attempt.isSubmitted() && !attempt.cancelSent
            && attempt.ticket.control->isCancelRequested()) {
            attempt.cancelSent = true;
            ids.append(attempt.status.jobId);
        }
    }
    if (ids.isEmpty())
        return;
    const CommandResult result = runCommand(QStringLiteral("scancel"), ids);
    if (!result.ran || result.exitCode != 0)
        qCWarning(lcCore, "scancel %s: %s", qPrintable(ids.join(u' ')), qPrintable(result.err));
    nextPoll = Clock::now(); // learn soon that they are gone
}

// A job whose wrapper has written its exit file is ending: ask Slurm now.
void SlurmExecutorPrivate::noticeExitFiles()
{
    const QStringList arrived = exitFiles.takeArrived();
    if (arrived.isEmpty())
        return;
    const auto now = Clock::now();
    for (SlurmAttempt &attempt : attempts) {
        if (attempt.isSubmitted() && arrived.contains(attempt.folder)) {
            attempt.exitFileSeen = now;
            nextPoll = now;
        }
    }
}

void SlurmExecutorPrivate::poll()
{
    if (std::none_of(attempts.cbegin(), attempts.cend(),
                     [](const SlurmAttempt &a) { return a.isSubmitted(); })) {
        return;
    }
    const CommandResult result
        = runCommand(QStringLiteral("squeue"),
                     {QStringLiteral("--noheader"), QStringLiteral("--me"),
                      QStringLiteral("--states=all"), QLatin1String("--format=") + squeueFormat()});
    if (!result.ran || result.exitCode != 0) {
        qCWarning(lcCore, "squeue failed: %s", qPrintable(result.err));
        return; // nothing is concluded from a failed poll
    }
    const QHash<QString, SlurmJobStatus> queue = parseSqueue(result.out);
    for (std::size_t i = 0; i < attempts.size();) {
        SlurmAttempt &attempt = attempts[i];
        const auto it = queue.constFind(attempt.status.jobId);
        if (!attempt.isSubmitted() || (it != queue.cend() && !it->hasEnded())) {
            if (it != queue.cend()
                && (it->state != attempt.status.state || it->reason != attempt.status.reason)) {
                attempt.status = *it;
                publish(attempt);
            }
            ++i;
            continue;
        }
        const bool cancelled = attempt.ticket.control->isCancelRequested();
        const CommandResult shown = runCommand(QStringLiteral("scontrol"),
                                               {QStringLiteral("-o"), QStringLiteral("show"),
                                                QStringLiteral("job"), attempt.status.jobId});
        const auto status
            = shown.ran && shown.exitCode == 0 ? parseScontrolJob(shown.out) : std::nullopt;
        const std::optional<int> exitFile = readExitFile(attempt.folder);
        if (status && !status->hasEnded()) {
            ++i; // squeue and scontrol disagree for a moment: ask again next time
            continue;
        }
        AttemptRecord record = status
            ? classifySlurmEnd(*status, exitFile, logSaysMemoryExceeded(attempt.ticket), cancelled)
            : classifyVanished(exitFile, cancelled);
        // scontrol's NodeList, else where squeue last saw it run.
        record.node = status && !status->nodes.isEmpty() ? status->nodes : attempt.status.nodes;
        finish(attempt, record);
    }
}

// Sooner while a job whose exit file is there is still listed (see SettleInterval).
Clock::duration SlurmExecutorPrivate::untilNextPoll() const
{
    const auto now = Clock::now();
    Clock::duration delay = trackerPollInterval;
    for (const SlurmAttempt &attempt : attempts) {
        if (attempt.exitFileSeen != Clock::time_point())
            delay = std::min(
                delay, std::max<Clock::duration>(SettleInterval, (now - attempt.exitFileSeen) / 4));
    }
    return delay;
}

void SlurmExecutorPrivate::publish(const SlurmAttempt &attempt)
{
    const SlurmJobStatus &status = attempt.status;
    QString state = status.state;
    if (status.state == QLatin1String("PENDING") && !status.reason.isEmpty()
        && status.reason != QLatin1String("None")) {
        state += QLatin1String(" (") + status.reason + QLatin1Char(')');
    } else if (status.state == QLatin1String("RUNNING") && !status.nodes.isEmpty()) {
        state += QLatin1String(" on ") + status.nodes;
    }
    const bool running = status.state == QLatin1String("RUNNING");
    attempt.ticket.control->setClusterStatus(status.jobId, state,
                                             running ? status.nodes : QString());
    {
        std::lock_guard lock(mutex);
        published.insert(attempt.ticket.jobId, status);
    }
    sink->attemptStatusChanged(attempt.ticket);
}

// Reports the attempt and forgets it; `attempt` is gone afterwards.
void SlurmExecutorPrivate::finish(SlurmAttempt &attempt, AttemptRecord record)
{
    const AttemptTicket ticket = std::move(attempt.ticket);
    const qint64 startedUs = attempt.startedUs ? attempt.startedUs : nowUs();
    if (!attempt.isSubmitted())
        sink->attemptStarted(ticket, startedUs); // every reported ticket has started
    exitFiles.unwatch(attempt.folder);
    QFile::remove(attempt.folder + QLatin1String("/requeue-job.sh"));
    QFile::remove(attempt.folder + QLatin1String("/exitcode"));
    attempts.erase(attempts.begin() + (&attempt - attempts.data()));
    {
        std::lock_guard lock(mutex);
        published.remove(ticket.jobId);
    }
    record.number = ticket.attempt;
    record.startedUs = startedUs;
    record.finishedUs = nowUs();
    // The runner may hand out the retry from inside this call (execute()),
    // which is why no lock is held here.
    sink->attemptFinished(ticket, record);
    std::lock_guard lock(mutex);
    if (--outstanding == 0)
        done.notify_all();
}

// --- SlurmExecutor

SlurmExecutor::SlurmExecutor(SlurmSettings settings)
    : d(std::make_unique<SlurmExecutorPrivate>(std::move(settings)))
{
    d->tracker = std::thread([this] { d->track(); });
}

SlurmExecutor::~SlurmExecutor()
{
    {
        std::lock_guard lock(d->mutex);
        d->stopping = true;
    }
    d->wake.notify_all();
    d->tracker.join();
    // Adopted jobs no ticket claimed: the run let them go (cancelled or
    // interrupted before they were handed out), so Slurm must too.
    QStringList unclaimed;
    for (const AdoptedAttempt &attempt : std::as_const(d->adoptable)) {
        if (!attempt.clusterJobId.isEmpty())
            unclaimed.append(attempt.clusterJobId);
    }
    if (!unclaimed.isEmpty()) {
        const CommandResult result = d->runCommand(QStringLiteral("scancel"), unclaimed);
        if (!result.ran || result.exitCode != 0)
            qCWarning(lcCore, "scancel %s: %s", qPrintable(unclaimed.join(u' ')),
                      qPrintable(result.err));
    }
}

void SlurmExecutor::setSink(AttemptSink *sink)
{
    d->sink = sink;
}

void SlurmExecutor::execute(AttemptTicket ticket)
{
    {
        std::lock_guard lock(d->mutex);
        ++d->outstanding;
        d->incoming.push_back(std::move(ticket));
    }
    d->wake.notify_all();
}

bool SlurmExecutor::adopt(const QList<AdoptedAttempt> &attempts)
{
    std::lock_guard lock(d->mutex);
    for (const AdoptedAttempt &attempt : attempts)
        d->adoptable.insert({attempt.seq, attempt.attempt}, attempt);
    return true;
}

void SlurmExecutor::setMaxConcurrency(int count)
{
    std::lock_guard lock(d->mutex);
    d->maxConcurrency = qMax(1, count);
}

int SlurmExecutor::maxConcurrency() const
{
    std::lock_guard lock(d->mutex);
    return d->maxConcurrency;
}

bool SlurmExecutor::waitForDone(QDeadlineTimer deadline)
{
    std::unique_lock lock(d->mutex);
    const auto idle = [this] {
        return d->outstanding == 0;
    };
    if (deadline.isForever()) {
        d->done.wait(lock, idle);
        return true;
    }
    return d->done.wait_until(lock, deadline.deadline<std::chrono::steady_clock>(), idle);
}

std::chrono::milliseconds SlurmExecutor::pollInterval() const
{
    std::lock_guard lock(d->mutex);
    return d->pollInterval;
}

void SlurmExecutor::setPollInterval(std::chrono::milliseconds interval)
{
    {
        std::lock_guard lock(d->mutex);
        d->pollInterval = std::max(interval, std::chrono::milliseconds(1));
    }
    d->wake.notify_all();
}

std::optional<SlurmJobStatus> SlurmExecutor::status(JobId id) const
{
    std::lock_guard lock(d->mutex);
    const auto it = d->published.constFind(id);
    return it == d->published.cend() ? std::nullopt : std::optional<SlurmJobStatus>(*it);
}

} // namespace requeue
