#include "runcontrol.h"

#include "jobrunner.h"
#include "runrecorder.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <unistd.h>

namespace requeue {

namespace {

using Command = ControlRequest::Command;

struct CommandName
{
    Command command;
    const char *name;
};

constexpr CommandName CommandNames[] = {
    {Command::Status, "status"},        {Command::Retry, "retry"},
    {Command::Cancel, "cancel"},        {Command::RetryFailed, "retry-failed"},
    {Command::CancelAll, "cancel-all"}, {Command::Pause, "pause"},
    {Command::Resume, "resume"},        {Command::Workers, "workers"},
};

QString nameOf(Command command)
{
    for (const CommandName &entry : CommandNames) {
        if (entry.command == command)
            return QLatin1String(entry.name);
    }
    Q_UNREACHABLE();
    return {};
}

std::optional<Command> commandNamed(const QString &name)
{
    for (const CommandName &entry : CommandNames) {
        if (name == QLatin1String(entry.name))
            return entry.command;
    }
    return std::nullopt;
}

bool takesJobs(Command command)
{
    return command == Command::Retry || command == Command::Cancel;
}

// Checks what a request of `command` carries; empty if it is complete.
QString checkArguments(Command command, const QList<int> &seqs, int workers)
{
    if (takesJobs(command) && seqs.isEmpty())
        return QStringLiteral("%1 needs at least one job number").arg(nameOf(command));
    if (!takesJobs(command) && !seqs.isEmpty())
        return QStringLiteral("%1 takes no job numbers").arg(nameOf(command));
    if (command == Command::Workers && workers < 1)
        return QStringLiteral("workers needs a number of workers from 1");
    return {};
}

std::optional<ControlRequest> failed(QString *error, const QString &message)
{
    if (error)
        *error = message;
    return std::nullopt;
}

std::optional<int> positiveNumber(const QString &text)
{
    bool ok = false;
    const int n = text.toInt(&ok);
    return ok && n >= 1 ? std::optional<int>(n) : std::nullopt;
}

QByteArray reply(QJsonObject object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact) + '\n';
}

QByteArray okReply(const QString &message)
{
    return reply({{QStringLiteral("ok"), true}, {QStringLiteral("message"), message}});
}

QJsonObject countsJson(const StateCounts &counts)
{
    QJsonObject object;
    for (int state = 0; state < JobStateCount; ++state)
        object.insert(jobStateName(JobState(state)), counts[state]);
    return object;
}

QByteArray statusReply(JobRunner *runner)
{
    const StateCounts counts = runner->stateCounts();
    return reply({
        {QStringLiteral("ok"), true},
        {QStringLiteral("message"),
         QStringLiteral("%1 jobs: %2 active, %3 finished%4")
             .arg(counts.total())
             .arg(counts.active())
             .arg(counts.finished())
             .arg(runner->isPaused() ? QStringLiteral(", paused") : QString())},
        {QStringLiteral("counts"), countsJson(counts)},
        {QStringLiteral("paused"), runner->isPaused()},
        {QStringLiteral("workers"), runner->maxWorkers()},
        {QStringLiteral("attempts"), runner->totalAttempts()},
    });
}

// The runner's ids of the jobs numbered `seqs`; the first unknown number
// instead, if any.
std::optional<QList<JobId>> idsOf(JobRunner *runner, const QList<int> &seqs, int *unknown)
{
    QHash<int, JobId> bySeq;
    const QList<JobId> all = runner->jobIds();
    for (const JobSnapshot &job : runner->snapshots(all))
        bySeq.insert(job.seq, job.id);
    QList<JobId> ids;
    for (int seq : seqs) {
        const auto it = bySeq.constFind(seq);
        if (it == bySeq.cend()) {
            *unknown = seq;
            return std::nullopt;
        }
        ids.append(*it);
    }
    return ids;
}

QByteArray applyToJobs(JobRunner *runner, RunRecorder *recorder, const ControlRequest &request)
{
    int unknown = 0;
    const auto ids = idsOf(runner, request.seqs, &unknown);
    if (!ids)
        return controlErrorReply(QStringLiteral("no job #%1 in this run").arg(unknown));
    const bool retry = request.command == Command::Retry;
    const int done = retry ? runner->retry(*ids) : runner->cancel(*ids);
    if (recorder)
        recorder->recordAction(nameOf(request.command), request.seqs);
    return okReply(retry ? QStringLiteral("%1 of %2 jobs retried (active ones are left alone)")
                               .arg(done)
                               .arg(ids->size())
                         : QStringLiteral("%1 of %2 jobs cancelled (finished ones are left alone)")
                               .arg(done)
                               .arg(ids->size()));
}

} // namespace

std::optional<ControlRequest> ControlRequest::fromArguments(const QStringList &words,
                                                            QString *error)
{
    if (words.isEmpty())
        return failed(error,
                      QStringLiteral("a command is missing (%1)").arg(controlCommandsHelp()));
    const auto command = commandNamed(words.first());
    if (!command) {
        return failed(error,
                      QStringLiteral("unknown command \"%1\" (expected %2)")
                          .arg(words.first(), controlCommandsHelp()));
    }
    ControlRequest request;
    request.command = *command;
    for (const QString &word : words.mid(1)) {
        const auto n = positiveNumber(word);
        if (!n) {
            return failed(error,
                          QStringLiteral("%1: \"%2\" is not a %3")
                              .arg(words.first(), word,
                                   *command == Command::Workers
                                       ? QStringLiteral("number of workers from 1")
                                       : QStringLiteral("job number (#) from 1")));
        }
        if (*command == Command::Workers && request.workers == 0)
            request.workers = *n;
        else if (*command == Command::Workers)
            return failed(error, QStringLiteral("workers takes one number"));
        else
            request.seqs.append(*n);
    }
    if (const QString problem = checkArguments(request.command, request.seqs, request.workers);
        !problem.isEmpty())
        return failed(error, problem);
    return request;
}

std::optional<ControlRequest> ControlRequest::fromLine(const QByteArray &line, QString *error)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(line.trimmed(), &parseError);
    if (!document.isObject())
        return failed(error, QStringLiteral("not a JSON object: %1").arg(parseError.errorString()));
    const QJsonObject object = document.object();
    const auto command = commandNamed(object.value(QStringLiteral("command")).toString());
    if (!command)
        return failed(error, QStringLiteral("unknown or missing \"command\""));
    ControlRequest request;
    request.command = *command;
    for (const QJsonValue &value : object.value(QStringLiteral("jobs")).toArray()) {
        const int seq = value.toInt(0);
        if (seq < 1 || value.toDouble() != seq)
            return failed(error, QStringLiteral("\"jobs\" holds something else than job numbers"));
        request.seqs.append(seq);
    }
    request.workers = object.value(QStringLiteral("n")).toInt(0);
    if (const QString problem = checkArguments(request.command, request.seqs, request.workers);
        !problem.isEmpty())
        return failed(error, problem);
    return request;
}

QByteArray ControlRequest::toLine() const
{
    QJsonObject object {{QStringLiteral("command"), nameOf(command)}};
    if (!seqs.isEmpty()) {
        QJsonArray jobs;
        for (int seq : seqs)
            jobs.append(seq);
        object.insert(QStringLiteral("jobs"), jobs);
    }
    if (command == Command::Workers)
        object.insert(QStringLiteral("n"), workers);
    return reply(object);
}

QString controlCommandsHelp()
{
    return QStringLiteral("status, retry JOB..., cancel JOB..., retry-failed, cancel-all, pause, "
                          "resume or workers N");
}

QByteArray applyControlRequest(JobRunner *runner, RunRecorder *recorder,
                               const ControlRequest &request)
{
    const auto journal = [&](int n = -1) {
        if (recorder)
            recorder->recordAction(nameOf(request.command), {}, n);
    };
    switch (request.command) {
    case Command::Status:
        return statusReply(runner);
    case Command::Retry:
    case Command::Cancel:
        return applyToJobs(runner, recorder, request);
    case Command::RetryFailed:
        journal();
        return okReply(QStringLiteral("%1 failed jobs retried").arg(runner->retryAllFailed()));
    case Command::CancelAll:
        journal();
        return okReply(QStringLiteral("%1 jobs cancelled").arg(runner->cancelAll()));
    case Command::Pause:
        journal();
        runner->pause();
        return okReply(QStringLiteral("paused: running attempts go on, nothing new starts"));
    case Command::Resume:
        journal();
        runner->start();
        return okReply(QStringLiteral("resumed"));
    case Command::Workers:
        journal(request.workers);
        runner->setMaxWorkers(request.workers);
        return okReply(QStringLiteral("%1 workers").arg(request.workers));
    }
    Q_UNREACHABLE();
    return {};
}

QByteArray controlErrorReply(const QString &error)
{
    return reply({{QStringLiteral("ok"), false}, {QStringLiteral("error"), error}});
}

QString controlSocketPath(const QString &runDir)
{
    const QString absolute = QDir(runDir).absolutePath();
    const QString inside = absolute + QStringLiteral("/control");
    constexpr int SunPathSize = 108; // sockaddr_un::sun_path on Linux, with its NUL
    if (QFile::encodeName(inside).size() < SunPathSize)
        return inside;
    QString base = qEnvironmentVariable("XDG_RUNTIME_DIR");
    if (base.isEmpty())
        base = QDir::tempPath() + QStringLiteral("/requeue-%1").arg(::getuid());
    else
        base += QStringLiteral("/requeue");
    const QByteArray hash
        = QCryptographicHash::hash(QFile::encodeName(absolute), QCryptographicHash::Sha256);
    return base + QLatin1Char('/') + QString::fromLatin1(hash.toHex().left(24))
        + QStringLiteral(".sock");
}

} // namespace requeue
