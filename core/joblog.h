#pragma once

#include "attemptrecord.h"
#include "joblist.h"

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QSet>
#include <QString>
#include <QStringList>
#include <QStringView>

namespace requeue {

// GNU parallel's --joblog format, but one line per ATTEMPT, so a seq can occur
// several times (GNU parallel writes one line per job, even with --retries;
// its --resume reads such files fine). Tab-separated, after the header line:
//
//   Seq  Host  Starttime  JobRuntime  Send  Receive  Exitval  Signal  Command
//
// Seq is the job's 1-based position in its job list; Host is ":" (this
// machine); Starttime is epoch seconds ("%.3f"); JobRuntime is seconds
// ("%10.3f"); Send is 0; Receive is the bytes the attempt wrote to stdout, as
// GNU parallel counts them. Exitval and Signal follow GNU parallel:
//
//   outcome      Exitval            Signal
//   Succeeded    0                  0
//   ExitCode     the exit code      0
//   Signalled    0                  the signal
//   TimedOut     -1                 the signal that stopped it, else 0
//   Cancelled    -1                 the signal that stopped it, else 0
//   NotStarted   127 (as sh reports a missing command)   0
//   Exception    255                0
//
// so "Exitval 0 and Signal 0" means success, as GNU parallel's --resume-failed
// reads it. Command is written as GNU parallel 20221122 writes it: byte for
// byte, backslashes, tabs and quotes included, with each line break turned
// into a NUL byte so that the command stays on one line. GNU parallel reads a
// joblog the same way: everything after the eighth tab is the command.

// The header line, without its line break.
QByteArray joblogHeader();

struct JoblogStatus
{
    int exitValue = 0;
    int signal = 0;
};

// The Exitval and Signal columns for `record` (see the table above).
JoblogStatus joblogStatus(const AttemptRecord &record);

// What a joblog line with these Exitval and Signal columns stands for: the
// inverse of joblogStatus() where the columns tell the outcomes apart. -1
// reads as TimedOut (a cancel cannot be told from it), 127 as NotStarted.
AttemptRecord joblogAttempt(int exitValue, int signal);

// One joblog line for an attempt of job `seq` that wrote `stdoutBytes` bytes
// to stdout, with its trailing '\n'.
QByteArray formatJoblogLine(int seq, const AttemptRecord &record, const QString &command,
                            qint64 stdoutBytes = 0);

// The Command column for `command`: line breaks become NUL characters.
QString escapeJoblogCommand(QStringView command);
// The command a Command column stands for: NUL characters become line breaks.
QString unescapeJoblogCommand(QStringView field);

// What a joblog says about one job. A value type.
struct JoblogJob
{
    int seq = 0;
    int attempts = 0;      // lines for this seq
    int lastExitValue = 0; // of the last line for this seq
    int lastSignal = 0;
    bool succeeded = false; // any attempt had Exitval 0 and Signal 0
    QString command;        // of the last line, unescaped
    int line = 0;           // the last line's number, for messages

    // The last attempt as far as the joblog tells it (see joblogAttempt()).
    AttemptRecord lastAttempt() const { return joblogAttempt(lastExitValue, lastSignal); }
};

// One line of a joblog: one attempt, as written. A value type.
struct JoblogAttempt
{
    int seq = 0;
    int line = 0;
    qint64 startUs = 0;   // Starttime, microseconds since the epoch
    qint64 runtimeUs = 0; // JobRuntime
    int exitValue = 0;
    int signal = 0;
};

// A joblog as read back. A value type.
struct Joblog
{
    QString path;
    QMap<int, JoblogJob> jobs;     // by seq
    QList<JoblogAttempt> attempts; // every line, in file order
    QList<JobFileError> errors;
    // Things that were skipped without harm, e.g. the incomplete last line a
    // crash left behind.
    QList<JobFileError> warnings;

    bool ok() const { return errors.isEmpty(); }
    // Seqs with at least one successful attempt: --resume-failed skips these.
    QSet<int> succeededSeqs() const;
    // Seqs with any attempt at all: GNU parallel's --resume skips these.
    QSet<int> attemptedSeqs() const;
};

// Reads a joblog. A missing or unreadable file is an error; an empty file is
// a joblog without jobs. Lines that are malformed are errors with file:line:
// column, except the last line, which a crash may have cut short: it is
// ignored with a warning. At most MaxJobFileErrors errors are collected.
Joblog readJoblog(const QString &path);
Joblog parseJoblog(const QByteArray &data, const QString &fileName);

// Checks that `log` was written for this job list: `commands[i]` is the
// display command of the job with seq i + 1. Joblogs of Requeue 0.x, which
// wrote tabs, line breaks and some backslashes as escapes, are understood too. Returns one error
// (with the joblog's file:line) per seq whose command differs or that the list does not have; empty
// when they agree.
QList<JobFileError> compareJoblogCommands(const Joblog &log, const QStringList &commands);

} // namespace requeue
