#include "runcommands.h"

#include "runcontrol.h"
#include "rundirectory.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocalSocket>

#include <algorithm>
#include <cstdio>

using namespace Qt::StringLiterals;

namespace requeue {

namespace {

void print(std::FILE *stream, const QString &text)
{
    const QByteArray bytes = text.toLocal8Bit();
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stream);
}

QString rootOr(const QString &root)
{
    return root.isEmpty() ? RunDirectory::defaultRoot() : root;
}

// When the run stopped, or the last sign of life of one still going.
qint64 endUs(const RunHistory &history)
{
    if (history.status == RunHistory::Status::Running)
        return nowUs();
    if (history.ended())
        return history.segments.constLast().endedUs;
    return history.lastActivityUs;
}

double durationSeconds(const RunHistory &history)
{
    const qint64 start = history.startedUs();
    const qint64 end = endUs(history);
    return start > 0 && end > start ? double(end - start) / 1e6 : 0.0;
}

QString timeText(qint64 us)
{
    if (us <= 0)
        return u"-"_s;
    return QDateTime::fromMSecsSinceEpoch(us / 1000).toString(u"yyyy-MM-dd HH:mm:ss"_s);
}

QString sizeText(qint64 bytes)
{
    if (bytes < 1024)
        return u"%1 B"_s.arg(bytes);
    if (bytes < 1024 * 1024)
        return u"%1 KiB"_s.arg(double(bytes) / 1024, 0, 'f', 1);
    if (bytes < qint64(1024) * 1024 * 1024)
        return u"%1 MiB"_s.arg(double(bytes) / 1024 / 1024, 0, 'f', 1);
    return u"%1 GiB"_s.arg(double(bytes) / 1024 / 1024 / 1024, 0, 'f', 1);
}

QString durationText(double seconds)
{
    if (seconds < 60)
        return u"%1 s"_s.arg(seconds, 0, 'f', 1);
    const qint64 whole = qint64(seconds);
    if (whole < 3600)
        return u"%1m%2s"_s.arg(whole / 60).arg(whole % 60, 2, 10, QLatin1Char('0'));
    return u"%1h%2m"_s.arg(whole / 3600).arg(whole / 60 % 60, 2, 10, QLatin1Char('0'));
}

QJsonObject runJson(const RunEntry &entry)
{
    const RunHistory &history = entry.history;
    QJsonObject object;
    object["id"_L1] = entry.id;
    object["dir"_L1] = history.dir;
    object["list"_L1] = history.info.listPath;
    object["state"_L1] = RunHistory::statusName(history.status);
    object["jobs"_L1] = int(history.jobs.size());
    object["succeeded"_L1] = history.count(JobState::Succeeded);
    object["failed"_L1] = history.count(JobState::Failed);
    object["cancelled"_L1] = history.count(JobState::Cancelled);
    object["attempts"_L1] = history.totalAttempts();
    object["started"_L1]
        = QDateTime::fromMSecsSinceEpoch(history.startedUs() / 1000).toString(Qt::ISODateWithMs);
    object["duration_seconds"_L1] = durationSeconds(history);
    object["size_bytes"_L1] = history.sizeOnDisk;
    object["warnings"_L1] = int(history.warnings.size() + history.errors.size());
    return object;
}

// The runs under `root`, newest first: a table, or JSON.
int printRuns(const QList<RunEntry> &runs, bool json, const QString &root)
{
    if (runs.isEmpty() && !json) {
        print(stderr, u"requeue: no runs yet in %1\n"_s.arg(root));
        return 0;
    }
    if (json) {
        QJsonArray array;
        for (const RunEntry &entry : runs)
            array.append(runJson(entry));
        print(stdout, QString::fromUtf8(QJsonDocument(array).toJson(QJsonDocument::Indented)));
        return 0;
    }
    const QStringList header = {u"ID"_s,       u"STATE"_s,   u"JOBS"_s,     u"OK"_s,   u"FAILED"_s,
                                u"ATTEMPTS"_s, u"STARTED"_s, u"DURATION"_s, u"SIZE"_s, u"LIST"_s};
    QList<QStringList> rows {header};
    for (const RunEntry &entry : runs) {
        const RunHistory &h = entry.history;
        rows.append({entry.id, RunHistory::statusName(h.status), QString::number(h.jobs.size()),
                     QString::number(h.count(JobState::Succeeded)),
                     QString::number(h.count(JobState::Failed)), QString::number(h.totalAttempts()),
                     timeText(h.startedUs()), durationText(durationSeconds(h)),
                     sizeText(h.sizeOnDisk), h.info.listPath});
    }
    QList<int> widths(header.size(), 0);
    for (const QStringList &row : std::as_const(rows)) {
        for (qsizetype i = 0; i < row.size(); ++i)
            widths[i] = qMax(widths[i], int(row[i].size()));
    }
    for (const QStringList &row : std::as_const(rows)) {
        QString line;
        for (qsizetype i = 0; i < row.size(); ++i) {
            const bool numeric = i >= 2 && i <= 5;
            const bool last = i == row.size() - 1;
            line += numeric ? row[i].rightJustified(widths[i])
                : last      ? row[i]
                            : row[i].leftJustified(widths[i]);
            if (!last)
                line += u"  "_s;
        }
        print(stdout, line + u'\n');
    }
    return 0;
}

void printProblems(const RunHistory &history)
{
    for (const JobFileError &warning : history.warnings)
        print(stderr, u"requeue: warning: %1\n"_s.arg(warning.toString()));
    for (const JobFileError &error : history.errors)
        print(stderr, u"requeue: %1\n"_s.arg(error.toString()));
}

int showRun(const RunsCommand &command)
{
    QString error;
    const auto dir = resolveRun(command.run, rootOr(command.root), &error);
    if (!dir) {
        print(stderr, u"requeue: show: %1\n"_s.arg(error));
        return 2;
    }
    const RunHistory history = readRunDirectory(*dir, true);
    printProblems(history);
    if (!history.infoOk)
        return 2;
    const RunSummary summary = summaryOf(history);
    if (command.json) {
        print(stdout,
              QString::fromUtf8(QJsonDocument(summary.toJson()).toJson(QJsonDocument::Indented)));
        return 0;
    }
    const RunSegment last
        = history.segments.isEmpty() ? RunSegment() : history.segments.constLast();
    QString text;
    text += u"run:      %1\n"_s.arg(history.dir);
    text += u"list:     %1\n"_s.arg(history.info.listPath);
    text += u"state:    %1"_s.arg(RunHistory::statusName(history.status));
    if (history.status == RunHistory::Status::Running)
        text += u" (pid %1 on %2)"_s.arg(last.pid).arg(last.host);
    else if (history.ended())
        text += u" (%1)"_s.arg(last.how);
    text += u'\n';
    text += u"started:  %1"_s.arg(timeText(history.startedUs()));
    if (const qsizetype resumes = history.segments.size() - 1; resumes > 0)
        text += u"; resumed %1 %2"_s.arg(resumes).arg(resumes == 1 ? u"time"_s : u"times"_s);
    text += u'\n';
    text += u"jobs:     "_s + summary.line() + u'\n';
    text += u"size:     %1\n"_s.arg(sizeText(history.sizeOnDisk));
    for (const RunJob &job : history.jobs) {
        if (job.state == JobState::Succeeded)
            continue;
        const RunAttempt *attempt = job.lastFinished();
        // The window's runs leave a text list's jobs unnamed.
        const QString name = job.spec.name.isEmpty() ? QString() : u" (%1)"_s.arg(job.spec.name);
        text += u"  job %1%2: %3 after %4 %5%6\n"_s.arg(job.seq())
                    .arg(name, jobStateName(job.state))
                    .arg(job.attempts)
                    .arg(job.attempts == 1 ? u"attempt"_s : u"attempts"_s)
                    .arg(attempt ? u", last: "_s + attempt->record.summary() : QString());
    }
    print(stdout, text);
    return 0;
}

int pruneRuns(const RunsCommand &command)
{
    const QList<RunEntry> runs = listRuns(rootOr(command.root));
    const QStringList doomed = runsToPrune(runs, command.keep, command.maxBytes);
    int failures = 0;
    for (const QString &dir : doomed) {
        if (QDir(dir).removeRecursively()) {
            print(stdout, u"removed %1\n"_s.arg(dir));
        } else {
            print(stderr, u"requeue: runs --prune: cannot remove all of %1\n"_s.arg(dir));
            ++failures;
        }
    }
    print(stderr,
          u"requeue: %1 of %2 runs removed\n"_s.arg(doomed.size() - failures).arg(runs.size()));
    return failures ? 1 : 0;
}

} // namespace

std::optional<QString> resolveRun(const QString &run, const QString &root, QString *error)
{
    if (run.isEmpty()) {
        *error = u"no run given"_s;
        return std::nullopt;
    }
    if (RunDirectory::isRunDirectory(run))
        return QFileInfo(run).absoluteFilePath();
    if (QFileInfo(run).isDir() || run.contains(u'/')) {
        *error = u"%1 is not a run directory (it has no run.json)"_s.arg(run);
        return std::nullopt;
    }
    const QStringList names
        = QDir(root).entryList({run + u'*'}, QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
    if (names.contains(run))
        return QDir(root).absoluteFilePath(run);
    if (names.size() == 1)
        return QDir(root).absoluteFilePath(names.first());
    if (names.isEmpty())
        *error = u"no run %1 in %2 (see requeue runs)"_s.arg(run, root);
    else
        *error = u"%1 is the start of %2 runs: %3"_s.arg(run)
                     .arg(names.size())
                     .arg(names.join(u", "_s));
    return std::nullopt;
}

RunSummary summaryOf(const RunHistory &history)
{
    RunSummary summary;
    summary.startedUs = history.startedUs();
    summary.finishedUs = endUs(history);
    const QString results = history.info.options.value("results"_L1).toString();
    summary.resultsDir = results.isEmpty()
        ? history.dir + u'/' + QLatin1String(RunDirectory::OutputFolder)
        : results;
    summary.attempts = history.totalAttempts();
    summary.jobs.reserve(history.jobs.size());
    for (const RunJob &job : history.jobs) {
        JobSnapshot snapshot;
        snapshot.id = JobId(job.seq());
        snapshot.seq = job.seq();
        snapshot.name = job.spec.name;
        snapshot.command = job.spec.displayCommand();
        snapshot.state = job.state;
        snapshot.attempts = job.attempts;
        snapshot.maxAttempts = job.spec.retry.maxAttempts;
        snapshot.firstStartedUs = job.history.isEmpty() ? 0 : job.history.first().record.startedUs;
        snapshot.finishedUs = job.finishedUs;
        if (const RunAttempt *last = job.lastFinished()) {
            snapshot.hasLastAttempt = true;
            snapshot.lastAttempt = last->record;
        }
        summary.jobs.append(snapshot);
    }
    return summary;
}

// `requeue ctl RUN COMMAND...`: one request to the run's control socket.
// Exit status 0 when the run did it, 1 when it is not live or refused, 2 for
// a run that cannot be found.
int controlRun(const RunsCommand &command)
{
    QString error;
    const auto dir = resolveRun(command.run, rootOr(command.root), &error);
    const auto request = ControlRequest::fromArguments(command.words, &error);
    if (!dir || !request) {
        print(stderr, u"requeue: ctl: %1\n"_s.arg(error));
        return 2;
    }
    constexpr int TimeoutMs = 10'000;
    QLocalSocket socket;
    socket.connectToServer(controlSocketPath(*dir));
    if (!socket.waitForConnected(TimeoutMs)) {
        print(stderr, u"requeue: ctl: %1 is not running (%2)\n"_s.arg(*dir, socket.errorString()));
        return 1;
    }
    socket.write(request->toLine());
    while (!socket.canReadLine() && socket.waitForReadyRead(TimeoutMs)) { }
    const QJsonObject reply = QJsonDocument::fromJson(socket.readLine()).object();
    if (reply.isEmpty()) {
        print(stderr, u"requeue: ctl: no reply from the run in %1\n"_s.arg(*dir));
        return 1;
    }
    if (!reply.value(u"ok"_s).toBool()) {
        print(stderr, u"requeue: ctl: %1\n"_s.arg(reply.value(u"error"_s).toString()));
        return 1;
    }
    print(stdout, reply.value(u"message"_s).toString() + u'\n');
    return 0;
}

int runRunsCommand(const RunsCommand &command)
{
    switch (command.kind) {
    case RunsCommand::Kind::List: {
        const QString root = rootOr(command.root);
        return printRuns(listRuns(root), command.json, root);
    }
    case RunsCommand::Kind::Show:
        return showRun(command);
    case RunsCommand::Kind::Prune:
        return pruneRuns(command);
    case RunsCommand::Kind::Control:
        return controlRun(command);
    }
    Q_UNREACHABLE();
    return 2;
}

} // namespace requeue
