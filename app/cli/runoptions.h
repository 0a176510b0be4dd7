#pragma once

#include "backendoptions.h"
#include "joblist.h"
#include "retrypolicy.h"
#include "runcommands.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <chrono>
#include <optional>

namespace requeue {

// What `requeue run` was asked to do. A value type. Settings left unset here
// keep the job file's value, or else JobSpec's and RetryPolicy's defaults.
struct RunOptions
{
    // Which jobs a resumed run skips, judging by the joblog.
    enum class Resume {
        No,            // run every job; the joblog is started afresh
        SkipDone,      // --resume: skip jobs that succeeded or gave up
        SkipSucceeded, // --resume-failed: skip only jobs that succeeded
    };

    // What reaches the terminal of the jobs' own output.
    enum class Output {
        Group, // each job's final attempt, stdout then stderr, whole when it ends (--group)
        Tag,   // lines as they come, prefixed with the job's name (--tag --line-buffer)
        None,  // nothing; it stays in the output files
    };

    // --halt, as GNU parallel's: stop early once enough jobs failed.
    struct Halt
    {
        enum class When {
            Never,
            Soon, // start nothing new; let the running attempts finish
            Now,  // cancel everything at once
        };
        When when = When::Never;
        int failCount = 0;    // halt when this many jobs failed, if > 0
        double failShare = 0; // else when this share (0..1] of the jobs failed
    };

    QString jobFile; // "-": the standard input, as a plain-text list
    int workers = 0; // 0: one per CPU
    std::optional<int> maxAttempts;
    // Only backoff, initialDelay, maxDelay and factor are meaningful.
    std::optional<RetryPolicy> backoff;
    bool jitter = false;
    std::optional<std::chrono::milliseconds> timeout;  // per attempt
    std::optional<std::chrono::milliseconds> deadline; // whole run
    std::optional<QList<int>> noRetryExit;
    QString joblog;
    Resume resume = Resume::No;
    QString resultsDir;
    QString summaryJson;
    QString runDir; // empty: a fresh one under RunDirectory::defaultRoot()
    // `requeue resume RUN`: the run directory to go on with; jobFile and the
    // retry settings then come from its run.json.
    QString resumeRun;
    QString report; // --report FILE: an HTML report at the end
    bool quiet = false;
    BackendOptions backend; // where jobs run, and cluster resources
    Output output = Output::Group;
    Halt halt;

    // The options that fill in what a job file left out.
    JobDefaults jobDefaults() const;
    // The options as given, for the run directory's run.json (unset ones left out).
    QJsonObject toJson() const;
};

// What `requeue report` was asked to do. A value type.
struct ReportOptions
{
    QString run;        // a joblog, a run directory or the start of a run id
    QString root;       // where runs are kept; empty: RunDirectory::defaultRoot()
    QString output;     // the HTML file to write
    QString resultsDir; // where the run kept its outputs, if known
};

// The parsed command line of the `requeue` executable. A value type.
struct CommandLine
{
    enum class Action {
        Gui,     // `requeue` or `requeue FILE...`: open the window
        Run,     // `requeue run [OPTIONS] FILE` or `requeue resume RUN`: headless
        Report,  // `requeue report RUN -o FILE`: an HTML report of a run
        Runs,    // `requeue runs` or `requeue show RUN`: see `runs`
        Help,    // print `text` on stdout, exit 0
        Version, // print `text` on stdout, exit 0
        Error,   // print `text` on stderr, exit 2
    };

    Action action = Action::Error;
    QString text; // help, version or error message (with "requeue: "), ends in '\n'
    QStringList guiFiles;
    RunOptions run;
    RunsCommand runs;
    ReportOptions report;
};

// Parses `arguments` (argv, the program name first) following
// QCommandLineParser's conventions. Needs no application object; the version
// comes from QCoreApplication::applicationVersion().
CommandLine parseCommandLine(const QStringList &arguments);

} // namespace requeue
