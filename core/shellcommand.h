#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

#include <optional>

namespace requeue {

// Running a job's shell command without /bin/sh when a shell would add
// nothing: Requeue then spawns the program itself, one process and one exec
// fewer per attempt. Reentrant.

// The words of `command` if sh would run it as a plain program call: words
// of letters, digits and _-./,:+@%= separated by blanks (so no quoting,
// expansion, globbing, redirection, control operator, comment or tilde), no
// assignment before the program, and a first word that is neither a builtin
// nor a reserved word of sh (or bash, when that is /bin/sh). Empty when the
// shell is needed.
std::optional<QList<QByteArray>> wordsWithoutShell(const QString &command);

// Where sh would find `program`: as given when it holds a '/' (relative to
// `workingDirectory`, empty for the current one), else the first regular,
// executable file named so in the folders of `path` (the child's PATH).
// Empty when not found, or when a relative PATH entry makes the answer depend
// on where the shell runs: the shell then decides, with its own messages.
QByteArray findExecutable(const QByteArray &program, const QByteArray &path,
                          const QByteArray &workingDirectory);

// The PWD sh would export for a process in `workingDirectory` (empty: the
// current one) when the environment says `inheritedPwd`: that, if it names
// the same folder, else the folder's physical path. Empty if unknown.
QByteArray shellPwd(const QByteArray &inheritedPwd, const QByteArray &workingDirectory);

// What sh prints on stderr when its foreground program died of `signal`
// ("Segmentation fault\n", "... (core dumped)\n"); empty for SIGINT and
// SIGPIPE, which it does not report.
QByteArray shellSignalReport(int signal, bool coreDumped);

} // namespace requeue
