#include "processattempt.h"

#include "orphanreaper.h"
#include "processguard.h"
#include "requeuelogging.h"
#include "shellcommand.h"

#include <QByteArray>
#include <QFileInfo>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

extern char **environ;

namespace requeue {

namespace {

QString errnoText(int error)
{
    return QString::fromLocal8Bit(strerror(error));
}

// The environment Requeue was started with, read once: setenv() elsewhere in
// the process can't race with the copy made for every child.
const QList<QByteArray> &baseEnvironment()
{
    static const QList<QByteArray> environment = [] {
        QList<QByteArray> entries;
        for (char **entry = environ; entry && *entry; ++entry)
            entries.append(QByteArray(*entry));
        return entries;
    }();
    return environment;
}

QList<QByteArray> childEnvironment(const AttemptTicket &ticket)
{
    QMap<QString, QString> extra = ticket.spec->process.environment;
    extra.insert(QStringLiteral("REQUEUE_JOB_ID"), QString::number(ticket.jobId));
    extra.insert(QStringLiteral("REQUEUE_ATTEMPT"), QString::number(ticket.attempt));
    extra.insert(QStringLiteral("REQUEUE_MAX_ATTEMPTS"), QString::number(ticket.maxAttempts));
    QList<QByteArray> extraKeys;
    extraKeys.reserve(extra.size());
    for (auto it = extra.cbegin(); it != extra.cend(); ++it)
        extraKeys.append(it.key().toLocal8Bit());
    // The names are compared as bytes: no string is made for Requeue's own.
    const auto overridden = [&extraKeys](const QByteArray &entry) {
        const qsizetype equals = entry.indexOf('=');
        const QByteArrayView name = equals < 0 ? entry : QByteArrayView(entry).first(equals);
        return std::any_of(extraKeys.cbegin(), extraKeys.cend(),
                           [name](const QByteArray &key) { return name == key; });
    };
    QList<QByteArray> entries;
    entries.reserve(baseEnvironment().size() + extra.size());
    for (const QByteArray &entry : baseEnvironment()) {
        if (!overridden(entry))
            entries.append(entry);
    }
    qsizetype keyAt = 0;
    for (auto it = extra.cbegin(); it != extra.cend(); ++it)
        entries.append(extraKeys.at(keyAt++) + '=' + it.value().toLocal8Bit());
    return entries;
}

std::vector<char *> pointersTo(QList<QByteArray> &strings)
{
    std::vector<char *> pointers;
    pointers.reserve(strings.size() + 1);
    for (QByteArray &s : strings)
        pointers.push_back(s.data());
    pointers.push_back(nullptr);
    return pointers;
}

void closeFd(int &fd)
{
    if (fd >= 0)
        ::close(fd);
    fd = -1;
}

// glibc 2.36's <sys/pidfd.h> lacks C linkage for C++; the raw call is portable.
int openPidFd(pid_t pid)
{
#ifdef SYS_pidfd_open
    return int(::syscall(SYS_pidfd_open, pid, 0));
#else
    Q_UNUSED(pid);
    return -1;
#endif
}

int millisecondsUntil(const QDeadlineTimer &deadline)
{
    if (deadline.isForever())
        return -1;
    return int(qBound(qint64(0), deadline.remainingTime(), qint64(60000)));
}

} // namespace

ProcessAttempt::ProcessAttempt(const AttemptTicket &ticket, AttemptSink *sink)
    : m_ticket(ticket)
    , m_sink(sink)
    , m_stdout(ticket.stdoutPath)
    , m_stderr(ticket.stderrPath)
{ }

ProcessAttempt::~ProcessAttempt()
{
    if (m_wakeFd >= 0)
        m_ticket.control->detachWakeFd();
    closeFd(m_wakeFd);
    closeFd(m_pidFd);
}

AttemptRecord ProcessAttempt::run()
{
    AttemptRecord record;
    if (!checkWorkingDirectory(&record) || !checkOutputFolder(&record) || !openOutputs(&record))
        return record;
    m_wakeFd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (m_wakeFd < 0) {
        // Out of descriptors, say: a resource problem, not a cancel.
        record.outcome = AttemptOutcome::NotStarted;
        record.message = QStringLiteral("cannot create an eventfd: %1").arg(errnoText(errno));
        return record;
    }
    if (!m_ticket.control->attachWakeFd(m_wakeFd)) {
        record.outcome = AttemptOutcome::Cancelled;
        record.message = QStringLiteral("cancelled before it started");
        return record;
    }
    if (!spawn(&record))
        return record;
    waitForExit(&record);
    // Output that could not be stored fails the attempt as an unwritable
    // output folder does, whatever the job did; a cancel or timeout says more.
    const QString outputError = outputErrorText();
    if (!outputError.isEmpty() && record.outcome != AttemptOutcome::Cancelled
        && record.outcome != AttemptOutcome::TimedOut) {
        record.outcome = AttemptOutcome::NotStarted;
        record.message = outputError;
    }
    return record;
}

QString ProcessAttempt::outputErrorText() const
{
    return m_stdout.error().isEmpty() ? m_stderr.error() : m_stdout.error();
}

bool ProcessAttempt::checkWorkingDirectory(AttemptRecord *record) const
{
    const QString &dir = m_ticket.spec->process.workingDirectory;
    if (dir.isEmpty())
        return true;
    struct stat st;
    const QByteArray path = QFile::encodeName(dir);
    int error = 0;
    if (::stat(path.constData(), &st) != 0)
        error = errno;
    else if (!S_ISDIR(st.st_mode))
        error = ENOTDIR;
    else if (::access(path.constData(), X_OK) != 0)
        error = errno;
    if (error == 0)
        return true;
    record->outcome = AttemptOutcome::NotStarted;
    record->message = QStringLiteral("working directory %1: %2").arg(dir, errnoText(error));
    return false;
}

bool ProcessAttempt::checkOutputFolder(AttemptRecord *record) const
{
    record->outcome = AttemptOutcome::NotStarted;
    if (m_ticket.stdoutPath.isEmpty() || m_ticket.stderrPath.isEmpty()) {
        record->message
            = QStringLiteral("no output directory: the run directory could not be created");
        return false;
    }
    // The folders are made when output comes (AttemptOutput). A folder that
    // could never be made fails the attempt now, before the job runs: the
    // nearest existing one must be a folder we may write in.
    const QString folder = QFileInfo(m_ticket.stdoutPath).absolutePath();
    int error = 0;
    for (QString dir = folder;; dir = QFileInfo(dir).absolutePath()) {
        struct stat st;
        if (::stat(QFile::encodeName(dir).constData(), &st) == 0) {
            if (!S_ISDIR(st.st_mode))
                error = ENOTDIR;
            else if (::access(QFile::encodeName(dir).constData(), W_OK | X_OK) != 0)
                error = errno;
            else if (dir == folder)
                removeStaleOutputs();
            break;
        }
        if (errno != ENOENT || dir == QLatin1String("/")) {
            error = errno;
            break;
        }
    }
    if (error == 0) {
        record->outcome = AttemptOutcome::Succeeded;
        return true;
    }
    record->message
        = QStringLiteral("cannot create output folder %1: %2").arg(folder, errnoText(error));
    return false;
}

void ProcessAttempt::removeStaleOutputs() const
{
    // An earlier run into the same folder: its files must not pass for this
    // attempt's output when this one prints nothing.
    ::unlink(QFile::encodeName(m_ticket.stdoutPath).constData());
    ::unlink(QFile::encodeName(m_ticket.stderrPath).constData());
}

bool ProcessAttempt::openOutputs(AttemptRecord *record)
{
    if (m_stdout.open() && m_stderr.open())
        return true;
    record->outcome = AttemptOutcome::NotStarted;
    record->message = QStringLiteral("cannot create a pipe: %1").arg(errnoText(errno));
    return false;
}

bool ProcessAttempt::spawn(AttemptRecord *record)
{
    const ProcessSpec &process = m_ticket.spec->process;
    const QByteArray cwd = QFile::encodeName(process.workingDirectory);
    QList<QByteArray> env = childEnvironment(m_ticket);
    QList<QByteArray> args;
    QByteArray path;
    bool searchPath = false;
    if (process.usesShell()) {
        m_withoutShell = prepareWithoutShell(&path, &args, &env, cwd);
        if (!m_withoutShell) {
            path = QByteArrayLiteral("/bin/sh");
            args
                = {QByteArrayLiteral("sh"), QByteArrayLiteral("-c"), process.shellCommand.toUtf8()};
        }
    } else {
        args.append(QFile::encodeName(process.program));
        for (const QString &arg : process.arguments)
            args.append(arg.toLocal8Bit());
        path = args.first();
        searchPath = !path.contains('/');
    }
    pid_t pid = -1;
    int error = spawnProcess(path, searchPath, args, env, cwd, &pid);
    if (error != 0 && m_withoutShell) {
        // Whatever went wrong (a script without #!, say), sh handles it as
        // it would have: same result, same messages.
        m_withoutShell = false;
        path = QByteArrayLiteral("/bin/sh");
        args = {QByteArrayLiteral("sh"), QByteArrayLiteral("-c"), process.shellCommand.toUtf8()};
        env = childEnvironment(m_ticket);
        error = spawnProcess(path, false, args, env, cwd, &pid);
    }
    if (error != 0) {
        record->outcome = AttemptOutcome::NotStarted;
        record->message = QStringLiteral("cannot start %1: %2")
                              .arg(QString::fromLocal8Bit(path), errnoText(error));
        return false;
    }
    m_pid = pid;
    // The child has its own copies; ours would keep its streams from ending.
    m_stdout.closeWriteEnd();
    m_stderr.closeWriteEnd();
    ProcessGuard::instance().watch(pid);
    m_pidFd = openPidFd(pid); // -1 on old kernels: then we poll
    if (m_sink)
        m_sink->attemptSpawned(m_ticket, pid);
    return true;
}

bool ProcessAttempt::prepareWithoutShell(QByteArray *path, QList<QByteArray> *args,
                                         QList<QByteArray> *env, const QByteArray &cwd) const
{
    std::optional<QList<QByteArray>> words = wordsWithoutShell(m_ticket.spec->process.shellCommand);
    if (!words)
        return false;
    QByteArray searchPath;
    qsizetype pwdAt = -1;
    for (qsizetype i = 0; i < env->size(); ++i) {
        const QByteArray &entry = env->at(i);
        if (entry.startsWith("PATH="))
            searchPath = entry.mid(5);
        else if (entry.startsWith("PWD="))
            pwdAt = i;
    }
    *path = findExecutable(words->front(), searchPath, cwd);
    if (path->isEmpty())
        return false;
    // sh exports the PWD it works out; so must we, for the same environment.
    const QByteArray pwd = shellPwd(pwdAt >= 0 ? env->at(pwdAt).mid(4) : QByteArray(), cwd);
    if (pwd.isEmpty())
        return false;
    if (pwdAt >= 0)
        (*env)[pwdAt] = "PWD=" + pwd;
    else
        env->append("PWD=" + pwd);
    *args = std::move(*words);
    return true;
}

int ProcessAttempt::spawnProcess(const QByteArray &path, bool searchPath, QList<QByteArray> &args,
                                 QList<QByteArray> &env, const QByteArray &cwd, pid_t *pid) const
{
    std::vector<char *> argv = pointersTo(args);
    std::vector<char *> envp = pointersTo(env);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, m_stdout.writeFd(), STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, m_stderr.writeFd(), STDERR_FILENO);
    if (!cwd.isEmpty())
        posix_spawn_file_actions_addchdir_np(&actions, cwd.constData());
    // Belt and braces: nothing of ours reaches the job, CLOEXEC or not.
    posix_spawn_file_actions_addclosefrom_np(&actions, STDERR_FILENO + 1);

    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &all);
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawnattr_setflags(
        &attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

    auto registering = OrphanReaper::instance().spawning();
    const int error = searchPath
        ? posix_spawnp(pid, path.constData(), &actions, &attr, argv.data(), envp.data())
        : posix_spawn(pid, path.constData(), &actions, &attr, argv.data(), envp.data());
    if (error == 0)
        OrphanReaper::instance().leaderStarted(*pid);
    registering = {};
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    return error;
}

void ProcessAttempt::signalGroup(int signal) const
{
    // The leader is not reaped yet (waitid WNOWAIT), so the group id cannot
    // have been reused.
    ::kill(-m_pid, signal);
}

bool ProcessAttempt::leaderExited(siginfo_t *info) const
{
    // WNOWAIT: the leader stays a zombie, so its group id cannot be reused
    // before the group is killed below.
    std::memset(info, 0, sizeof *info);
    return ::waitid(P_PID, id_t(m_pid), info, WEXITED | WNOHANG | WNOWAIT) == 0
        && info->si_pid == m_pid;
}

void ProcessAttempt::waitForEvent(const QDeadlineTimer &until)
{
    // poll() skips negative descriptors: a stream that ended, no pidfd.
    pollfd fds[4] = {{m_wakeFd, POLLIN, 0},
                     {m_pidFd, POLLIN, 0},
                     {m_stdout.readFd(), POLLIN, 0},
                     {m_stderr.readFd(), POLLIN, 0}};
    int wait = millisecondsUntil(until);
    if (m_pidFd < 0)
        wait = wait < 0 ? 5 : qMin(wait, 5);
    const int ready = ::poll(fds, 4, wait);
    if (ready < 0 && errno != EINTR)
        qCWarning(lcCore, "poll failed: %s", strerror(errno));
    if (fds[2].revents)
        m_stdout.transfer(fds[2].revents);
    if (fds[3].revents)
        m_stderr.transfer(fds[3].revents);
    if (fds[0].revents & POLLIN) {
        // Drained, so that a later request (kill after cancel) wakes us again.
        std::uint64_t count;
        [[maybe_unused]] const auto got = ::read(m_wakeFd, &count, sizeof count);
    }
}

void ProcessAttempt::waitForExit(AttemptRecord *record)
{
    const AttemptControl &control = *m_ticket.control;
    QDeadlineTimer timeout(QDeadlineTimer::Forever);
    if (m_ticket.spec->timeout.count() > 0)
        timeout = QDeadlineTimer(m_ticket.spec->timeout);
    QDeadlineTimer killAt(QDeadlineTimer::Forever);
    bool stopping = false;
    siginfo_t info;
    while (!leaderExited(&info)) {
        waitForEvent(stopping ? killAt : timeout);
        // A job whose output is lost is stopped like one that timed out.
        if (!stopping
            && (control.isCancelRequested() || timeout.hasExpired()
                || !outputErrorText().isEmpty())) {
            record->outcome = control.isCancelRequested() ? AttemptOutcome::Cancelled
                : timeout.hasExpired()                    ? AttemptOutcome::TimedOut
                                                          : AttemptOutcome::NotStarted;
            signalGroup(SIGTERM);
            stopping = true;
            killAt = QDeadlineTimer(m_ticket.killGrace);
        }
        if (stopping && (control.isKillRequested() || killAt.hasExpired())) {
            signalGroup(SIGKILL);
            killAt = QDeadlineTimer(QDeadlineTimer::Forever);
        }
    }
    // Whatever the job left running in its group dies with the attempt.
    signalGroup(SIGKILL);
    ProcessGuard::instance().unwatch(m_pid);
    ::waitpid(m_pid, nullptr, 0);
    m_stdout.finish();
    m_stderr.finish();
    OrphanReaper::instance().leaderReaped(m_pid);
    // And, soon, whatever left the group (setsid) and was re-parented to us.
    OrphanReaper::instance().attemptEnded();
    if (stopping) {
        if (info.si_code == CLD_EXITED)
            record->exitCode = info.si_status;
        else
            record->signal = info.si_status;
        return;
    }
    if (info.si_code == CLD_EXITED) {
        record->exitCode = info.si_status;
        record->outcome
            = info.si_status == 0 ? AttemptOutcome::Succeeded : AttemptOutcome::ExitCode;
    } else if (m_withoutShell) {
        // As sh reports a program that a signal ended: 128 + the signal, and
        // a line on stderr.
        m_stderr.append(shellSignalReport(info.si_status, info.si_code == CLD_DUMPED));
        record->exitCode = 128 + info.si_status;
        record->outcome = AttemptOutcome::ExitCode;
    } else {
        record->signal = info.si_status;
        record->outcome = AttemptOutcome::Signalled;
    }
}

} // namespace requeue
