#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace requeue {

class JobRunner;
class RunRecorder;

// One command for a live run: what `requeue ctl RUN ...` sends to the run's
// control socket, one JSON object per line, and what the run applies to its
// runner. Jobs are named by their `#` (seq), as in the joblog and the table.
//
//   {"command":"retry","jobs":[3,4]}    {"command":"workers","n":8}
//   reply: {"ok":true,"message":S[,"counts":{...}]}  {"ok":false,"error":S}
//
// A value type; reentrant.
struct ControlRequest
{
    enum class Command { Status, Retry, Cancel, RetryFailed, CancelAll, Pause, Resume, Workers };

    Command command = Command::Status;
    QList<int> seqs; // Retry and Cancel: at least one
    int workers = 0; // Workers: >= 1

    // `requeue ctl`'s words after RUN: "retry 3 4", "workers 8", "pause"...
    static std::optional<ControlRequest> fromArguments(const QStringList &words, QString *error);
    // One line as the socket receives it (without or with its '\n').
    static std::optional<ControlRequest> fromLine(const QByteArray &line, QString *error);
    QByteArray toLine() const; // ends in '\n'
};

// The words `requeue ctl` accepts, for its --help.
QString controlCommandsHelp();

// Applies `request` to `runner` and journals it with `recorder` (may be
// null). Returns the reply line, ending in '\n'. In the runner's thread.
QByteArray applyControlRequest(JobRunner *runner, RunRecorder *recorder,
                               const ControlRequest &request);

// A reply line that refuses something (a bad request, another user).
QByteArray controlErrorReply(const QString &error);

// Where the control socket of the run in `runDir` listens: `<runDir>/control`,
// or, when that path is too long for a Unix socket (108 bytes), a name made
// from the directory's path in a private folder of the user's runtime
// directory. The run and every client compute the same path.
QString controlSocketPath(const QString &runDir);

} // namespace requeue
