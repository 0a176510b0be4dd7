#pragma once

#include "runhistory.h"
#include "runsummary.h"

#include <QString>
#include <QStringList>

#include <optional>

namespace requeue {

// `requeue runs`, `requeue show` and the RUN argument of `show` and `resume`:
// the front end's view of the run directories (see rundirectory.h). Each
// function prints to stdout (results) and stderr (problems) and returns the
// exit status. Main thread; needs no application object.
struct RunsCommand
{
    enum class Kind { List, Show, Prune, Control };

    Kind kind = Kind::List;
    QString run;  // show: a directory or a unique prefix of a run id
    QString root; // where runs are kept; empty: RunDirectory::defaultRoot()
    bool json = false;
    int keep = 100;       // prune: the newest runs kept
    qint64 maxBytes = -1; // prune: and at most this much in all; -1: no limit
    QStringList words;    // control: `requeue ctl RUN`'s command and its arguments
};

int runRunsCommand(const RunsCommand &command);

// The run directory RUN names: itself if it is one, else the only run in
// `root` whose id starts with RUN. On failure, nothing and a message.
std::optional<QString> resolveRun(const QString &run, const QString &root, QString *error);

// A recorded run as --summary-json describes a finished one.
RunSummary summaryOf(const RunHistory &history);

} // namespace requeue
