#include "runoptions.h"

#include "reportcommand.h"
#include "runcontrol.h"
#include "specparsers.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QJsonArray>

namespace requeue {

namespace {

const QString Prefix = QStringLiteral("requeue: ");

// Qt's version as loaded at run time: a distribution upgrade changes it
// under the same binary.
QString versionText()
{
    const QString version = QCoreApplication::applicationVersion();
    return QStringLiteral("requeue %1\nQt %2\n")
        .arg(version.isEmpty() ? QStringLiteral("(unknown)") : version,
             QString::fromLatin1(qVersion()));
}

// QCommandLineParser's usage line names the executable by its full path;
// people type "requeue".
QString withUsage(const QString &helpText, const QString &usage)
{
    const qsizetype end = helpText.indexOf(QLatin1Char('\n'));
    return QLatin1String("Usage: ") + usage + (end < 0 ? QString() : helpText.mid(end));
}

CommandLine error(const QString &message)
{
    CommandLine result;
    result.action = CommandLine::Action::Error;
    result.text = Prefix + message + QLatin1Char('\n');
    return result;
}

QString dashed(const QString &name)
{
    return (name.size() == 1 ? QLatin1String("-") : QLatin1String("--")) + name;
}

// The parser's own message, or a clearer one for the common unknown option.
CommandLine parseError(const QCommandLineParser &parser, const QString &seeAlso)
{
    const QStringList unknown = parser.unknownOptionNames();
    if (!unknown.isEmpty())
        return error(
            QStringLiteral("unknown option %1 (see %2)").arg(dashed(unknown.first()), seeAlso));
    QString text = parser.errorText();
    if (!text.isEmpty())
        text[0] = text[0].toLower();
    if (text.endsWith(QLatin1Char('.')))
        text.chop(1);
    return error(text);
}

QString valueError(const QString &option, const QString &expected, const QString &value)
{
    return QStringLiteral("%1: expected %2, got \"%3\"").arg(option, expected, value);
}

// Wraps a specparsers message: "--timeout: <message>", quoting the value
// unless the message already does.
QString specError(const QString &option, const QString &message, const QString &value)
{
    if (message.contains(value) && !value.isEmpty())
        return option + QLatin1String(": ") + message;
    return QStringLiteral("%1: %2 (got \"%3\")").arg(option, message, value);
}

std::optional<int> parseWholeNumber(const QString &text, int minimum)
{
    bool ok = false;
    const int value = text.toInt(&ok, 10);
    if (!ok || value < minimum || text.trimmed() != text || text.startsWith(QLatin1Char('+')))
        return std::nullopt;
    return value;
}

// GNU parallel's --halt: never, 0, 1 (soon,fail=1), 2 (now,fail=1), P% (soon,
// fail=P%), soon,fail=N, now,fail=N, soon,fail=P%, now,fail=P%.
std::optional<RunOptions::Halt> parseHalt(const QString &text, QString *message)
{
    using When = RunOptions::Halt::When;
    QString spec = text;
    if (spec == QLatin1String("0"))
        spec = QStringLiteral("never");
    else if (spec == QLatin1String("1"))
        spec = QStringLiteral("soon,fail=1");
    else if (spec == QLatin1String("2"))
        spec = QStringLiteral("now,fail=1");
    else if (spec.endsWith(QLatin1Char('%')) && !spec.contains(QLatin1Char(',')))
        spec = QStringLiteral("soon,fail=") + spec;
    RunOptions::Halt halt;
    if (spec == QLatin1String("never"))
        return halt;
    const QStringList parts = spec.split(QLatin1Char(','));
    if (parts.size() != 2 || (parts[0] != QLatin1String("soon") && parts[0] != QLatin1String("now"))
        || !parts[1].startsWith(QLatin1String("fail="))) {
        *message = QStringLiteral("expected never, soon,fail=N, now,fail=N, soon,fail=P% or "
                                  "now,fail=P%");
        return std::nullopt;
    }
    halt.when = parts[0] == QLatin1String("soon") ? When::Soon : When::Now;
    QString amount = parts[1].mid(5);
    const bool percent = amount.endsWith(QLatin1Char('%'));
    if (percent)
        amount.chop(1);
    const auto n = parseWholeNumber(amount, 1);
    if (!n || (percent && *n > 100)) {
        *message = percent ? QStringLiteral("the share must be 1% to 100%")
                           : QStringLiteral("the count must be a whole number >= 1");
        return std::nullopt;
    }
    if (percent)
        halt.failShare = *n / 100.0;
    else
        halt.failCount = *n;
    return halt;
}

CommandLine parseRun(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Runs the jobs of FILE without a window, retrying each failed attempt at once.\n"
        "FILE is one shell command per line, or a .json job list. Settings the file\n"
        "gives a job win over the options below."));
    const QCommandLineOption help(
        {QStringLiteral("h"), QStringLiteral("?"), QStringLiteral("help")},
        QStringLiteral("Displays help on commandline options."));
    const QCommandLineOption jobs(
        {QStringLiteral("j"), QStringLiteral("jobs")},
        QStringLiteral("Run up to N jobs at once (default: one per CPU)."), QStringLiteral("N"));
    const QCommandLineOption maxAttempts(
        QStringLiteral("max-attempts"),
        QStringLiteral("Attempts per job, the first included; 0 = unlimited (default: 3)."),
        QStringLiteral("N"));
    const QCommandLineOption retries(
        QStringLiteral("retries"), QStringLiteral("Same as --max-attempts (GNU parallel's name)."),
        QStringLiteral("N"));
    const QCommandLineOption backoff(
        QStringLiteral("backoff"),
        QStringLiteral("Delay between attempts: none, fixed:DELAY or exp:INITIAL:CAP[:FACTOR]."),
        QStringLiteral("SPEC"));
    const QCommandLineOption jitter(
        QStringLiteral("jitter"),
        QStringLiteral("Draw each backoff delay at random from [0, delay]."));
    const QCommandLineOption timeout(
        QStringLiteral("timeout"),
        QStringLiteral("Stop an attempt that runs longer than DUR (250ms, 30s, 2m, 1h)."),
        QStringLiteral("DUR"));
    const QCommandLineOption deadline(
        QStringLiteral("deadline"),
        QStringLiteral("Cancel whatever is left once the whole run has taken DUR."),
        QStringLiteral("DUR"));
    const QCommandLineOption noRetryExit(
        QStringLiteral("no-retry-exit"),
        QStringLiteral("Exit codes that end a job at once, e.g. 2,64-78."),
        QStringLiteral("CODES"));
    const QCommandLineOption joblog(
        QStringLiteral("joblog"),
        QStringLiteral("Log every attempt to FILE in GNU parallel's joblog format."),
        QStringLiteral("FILE"));
    const QCommandLineOption resume(
        QStringLiteral("resume"),
        QStringLiteral("Skip the jobs the joblog shows as succeeded or given up; run the rest."));
    const QCommandLineOption resumeFailed(
        QStringLiteral("resume-failed"),
        QStringLiteral("Skip only the jobs the joblog shows as succeeded; run the rest."));
    const QCommandLineOption results(
        QStringLiteral("results"),
        QStringLiteral("Keep each attempt's output in DIR/<seq>/<attempt>/stdout and stderr."),
        QStringLiteral("DIR"));
    const QCommandLineOption summaryJson(QStringLiteral("summary-json"),
                                         QStringLiteral("Write a JSON summary to FILE at the end."),
                                         QStringLiteral("FILE"));
    const QCommandLineOption runDir(
        QStringLiteral("run-dir"),
        QStringLiteral("Record the run in DIR (default: a new folder in "
                       "$XDG_STATE_HOME/requeue/runs)."),
        QStringLiteral("DIR"));
    const QCommandLineOption report(
        QStringLiteral("report"),
        QStringLiteral("Write a self-contained HTML report of the run to FILE at the end."),
        QStringLiteral("FILE"));
    const QCommandLineOption quiet({QStringLiteral("q"), QStringLiteral("quiet")},
                                   QStringLiteral("No progress bar."));
    const QCommandLineOption output(
        QStringLiteral("output"),
        QStringLiteral("The jobs' output on the terminal: group (default: each job's final\n"
                       "attempt, whole, when it ends), tag (lines as they come, prefixed\n"
                       "with the job's name) or none."),
        QStringLiteral("MODE"));
    const QCommandLineOption halt(
        QStringLiteral("halt"),
        QStringLiteral("Stop early, as GNU parallel: now,fail=N cancels everything once N\n"
                       "jobs failed; soon,fail=N starts nothing new; fail=P% counts a share."),
        QStringLiteral("SPEC"));
    parser.addOptions({help, jobs, maxAttempts, retries, backoff, jitter, timeout, deadline,
                       noRetryExit, joblog, resume, resumeFailed, results, summaryJson, runDir,
                       report, quiet, output, halt});
    const BackendOptionParser backendOptions;
    backendOptions.addTo(&parser);
    parser.addPositionalArgument(QStringLiteral("FILE"),
                                 QStringLiteral("The job list; - reads a plain-text list from "
                                                "the standard input."));

    const QString seeAlso = QStringLiteral("requeue run --help");
    if (!parser.parse(arguments))
        return parseError(parser, seeAlso);
    if (parser.isSet(help)) {
        CommandLine result;
        result.action = CommandLine::Action::Help;
        result.text = withUsage(parser.helpText(), QStringLiteral("requeue run [options] FILE"));
        return result;
    }

    CommandLine result;
    result.action = CommandLine::Action::Run;
    RunOptions &run = result.run;

    const QStringList positional = parser.positionalArguments();
    if (positional.isEmpty())
        return error(QStringLiteral("run: no job file given (see %1)").arg(seeAlso));
    if (positional.size() > 1)
        return error(QStringLiteral("run: expected one job file, got %1: %2")
                         .arg(positional.size())
                         .arg(positional.join(QLatin1Char(' '))));
    run.jobFile = positional.first();

    if (parser.isSet(jobs)) {
        const QString text = parser.values(jobs).constLast();
        const auto n = parseWholeNumber(text, 1);
        if (!n)
            return error(
                valueError(QStringLiteral("--jobs"), QStringLiteral("a whole number >= 1"), text));
        run.workers = *n;
    }
    for (const QCommandLineOption *option : {&maxAttempts, &retries}) {
        if (!parser.isSet(*option))
            continue;
        const QString name = dashed(option->names().constFirst());
        const QString text = parser.values(*option).constLast();
        const auto n = parseWholeNumber(text, 0);
        if (!n)
            return error(
                valueError(name, QStringLiteral("a whole number >= 0 (0 = unlimited)"), text));
        if (run.maxAttempts && *run.maxAttempts != *n)
            return error(QStringLiteral("--max-attempts and --retries disagree (%1 and %2)")
                             .arg(*run.maxAttempts)
                             .arg(*n));
        run.maxAttempts = n;
    }
    if (parser.isSet(backoff)) {
        const QString text = parser.values(backoff).constLast();
        RetryPolicy policy;
        QString message;
        if (!parseBackoff(text, &policy, &message))
            return error(specError(QStringLiteral("--backoff"), message, text));
        run.backoff = policy;
    }
    run.jitter = parser.isSet(jitter);
    const std::pair<const QCommandLineOption *, std::optional<std::chrono::milliseconds> *>
        durations[] = {{&timeout, &run.timeout}, {&deadline, &run.deadline}};
    for (const auto &[option, target] : durations) {
        if (!parser.isSet(*option))
            continue;
        const QString name = dashed(option->names().constFirst());
        const QString text = parser.values(*option).constLast();
        QString message;
        const auto value = parseDuration(text, &message);
        if (!value)
            return error(specError(name, message, text));
        if (option == &deadline && value->count() <= 0)
            return error(valueError(name, QStringLiteral("a duration > 0"), text));
        *target = value;
    }
    if (parser.isSet(noRetryExit)) {
        const QString text = parser.values(noRetryExit).constLast();
        QString message;
        const auto codes = parseExitCodes(text, &message);
        if (!codes)
            return error(specError(QStringLiteral("--no-retry-exit"), message, text));
        run.noRetryExit = codes;
    }
    run.joblog = parser.isSet(joblog) ? parser.values(joblog).constLast() : QString();
    if (parser.isSet(resumeFailed))
        run.resume = RunOptions::Resume::SkipSucceeded;
    else if (parser.isSet(resume))
        run.resume = RunOptions::Resume::SkipDone;
    if (run.resume != RunOptions::Resume::No && run.joblog.isEmpty())
        return error(QStringLiteral("%1: needs --joblog FILE")
                         .arg(parser.isSet(resumeFailed) ? QStringLiteral("--resume-failed")
                                                         : QStringLiteral("--resume")));
    for (const QCommandLineOption *option : {&joblog, &results, &summaryJson, &runDir, &report}) {
        if (parser.isSet(*option) && parser.values(*option).constLast().isEmpty())
            return error(QStringLiteral("%1: expected a path, got \"\"")
                             .arg(dashed(option->names().constFirst())));
    }
    run.resultsDir = parser.isSet(results) ? parser.values(results).constLast() : QString();
    run.summaryJson
        = parser.isSet(summaryJson) ? parser.values(summaryJson).constLast() : QString();
    run.runDir = parser.isSet(runDir) ? parser.values(runDir).constLast() : QString();
    run.report = parser.isSet(report) ? parser.values(report).constLast() : QString();
    run.quiet = parser.isSet(quiet);
    if (const QString problem = backendOptions.read(parser, &run.backend); !problem.isEmpty())
        return error(problem);
    if (parser.isSet(output)) {
        const QString text = parser.values(output).constLast();
        if (text == QLatin1String("group"))
            run.output = RunOptions::Output::Group;
        else if (text == QLatin1String("tag"))
            run.output = RunOptions::Output::Tag;
        else if (text == QLatin1String("none"))
            run.output = RunOptions::Output::None;
        else
            return error(
                valueError(QStringLiteral("--output"), QStringLiteral("group, tag or none"), text));
    }
    if (parser.isSet(halt)) {
        const QString text = parser.values(halt).constLast();
        QString message;
        const auto spec = parseHalt(text, &message);
        if (!spec)
            return error(specError(QStringLiteral("--halt"), message, text));
        run.halt = *spec;
    }
    return result;
}

CommandLine helpFor(const QCommandLineParser &parser, const QString &usage)
{
    CommandLine result;
    result.action = CommandLine::Action::Help;
    result.text = withUsage(parser.helpText(), usage);
    return result;
}

QCommandLineOption helpOption()
{
    return QCommandLineOption({QStringLiteral("h"), QStringLiteral("?"), QStringLiteral("help")},
                              QStringLiteral("Displays help on commandline options."));
}

// "500M", "2G", "1024": a size in bytes (K, M, G are powers of 1024).
std::optional<qint64> parseSize(QString text)
{
    qint64 unit = 1;
    const QString units = QStringLiteral("KMG");
    if (!text.isEmpty() && units.contains(text.back().toUpper())) {
        unit = qint64(1) << (10 * (units.indexOf(text.back().toUpper()) + 1));
        text.chop(1);
    }
    const auto n = parseWholeNumber(text, 0);
    if (!n)
        return std::nullopt;
    return qint64(*n) * unit;
}

CommandLine parseRuns(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Lists the recorded runs, newest first, or removes old ones."));
    const QCommandLineOption help = helpOption();
    const QCommandLineOption json(QStringLiteral("json"),
                                  QStringLiteral("Print JSON instead of a table."));
    const QCommandLineOption prune(
        QStringLiteral("prune"),
        QStringLiteral("Remove all but the newest runs (--keep, --max-size); never a live one."));
    const QCommandLineOption keep(QStringLiteral("keep"),
                                  QStringLiteral("With --prune: runs to keep (default: 100)."),
                                  QStringLiteral("N"));
    const QCommandLineOption maxSize(
        QStringLiteral("max-size"),
        QStringLiteral("With --prune: keep at most SIZE in all (500M, 2G)."),
        QStringLiteral("SIZE"));
    parser.addOptions({help, json, prune, keep, maxSize});
    if (!parser.parse(arguments))
        return parseError(parser, QStringLiteral("requeue runs --help"));
    if (parser.isSet(help))
        return helpFor(parser, QStringLiteral("requeue runs [options]"));
    if (!parser.positionalArguments().isEmpty())
        return error(QStringLiteral("runs: unexpected argument %1")
                         .arg(parser.positionalArguments().first()));
    if ((parser.isSet(keep) || parser.isSet(maxSize)) && !parser.isSet(prune))
        return error(QStringLiteral("runs: --keep and --max-size need --prune"));
    CommandLine result;
    result.action = CommandLine::Action::Runs;
    RunsCommand &runs = result.runs;
    runs.kind = parser.isSet(prune) ? RunsCommand::Kind::Prune : RunsCommand::Kind::List;
    runs.json = parser.isSet(json);
    if (parser.isSet(keep)) {
        const QString text = parser.value(keep);
        const auto n = parseWholeNumber(text, 0);
        if (!n)
            return error(
                valueError(QStringLiteral("--keep"), QStringLiteral("a whole number >= 0"), text));
        runs.keep = *n;
    }
    if (parser.isSet(maxSize)) {
        const QString text = parser.value(maxSize);
        const auto bytes = parseSize(text);
        if (!bytes)
            return error(valueError(QStringLiteral("--max-size"),
                                    QStringLiteral("a size such as 500M or 2G"), text));
        runs.maxBytes = *bytes;
    }
    return result;
}

// The one RUN argument of `show` and `resume`.
std::optional<QString> runArgument(const QCommandLineParser &parser, const QString &command,
                                   CommandLine *failure)
{
    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 1) {
        *failure = error(
            QStringLiteral("%1: expected one run (a directory or the start of a run id), got %2 "
                           "(see requeue runs)")
                .arg(command)
                .arg(positional.size()));
        return std::nullopt;
    }
    return positional.first();
}

CommandLine parseShow(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Summarises one recorded run. RUN is its directory or the start of its id."));
    const QCommandLineOption help = helpOption();
    const QCommandLineOption json(QStringLiteral("json"),
                                  QStringLiteral("Print the summary as --summary-json does."));
    parser.addOptions({help, json});
    parser.addPositionalArgument(QStringLiteral("RUN"), QStringLiteral("The run."));
    if (!parser.parse(arguments))
        return parseError(parser, QStringLiteral("requeue show --help"));
    if (parser.isSet(help))
        return helpFor(parser, QStringLiteral("requeue show [options] RUN"));
    CommandLine result;
    const auto run = runArgument(parser, QStringLiteral("show"), &result);
    if (!run)
        return result;
    result.action = CommandLine::Action::Runs;
    result.runs.kind = RunsCommand::Kind::Show;
    result.runs.run = *run;
    result.runs.json = parser.isSet(json);
    return result;
}

CommandLine parseControl(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Steers a live run from another terminal. RUN is its directory or the\n"
                       "start of its id; JOB is a job's # in the list. COMMAND is one of:\n  ")
        + controlCommandsHelp());
    const QCommandLineOption help = helpOption();
    parser.addOptions({help});
    parser.addPositionalArgument(QStringLiteral("RUN"), QStringLiteral("The run."));
    parser.addPositionalArgument(QStringLiteral("COMMAND"), QStringLiteral("What to do."));
    // Job numbers and worker counts follow the command, never options.
    parser.setOptionsAfterPositionalArgumentsMode(QCommandLineParser::ParseAsPositionalArguments);
    if (!parser.parse(arguments))
        return parseError(parser, QStringLiteral("requeue ctl --help"));
    if (parser.isSet(help))
        return helpFor(parser, QStringLiteral("requeue ctl [options] RUN COMMAND [JOB... | N]"));
    const QStringList positional = parser.positionalArguments();
    if (positional.size() < 2)
        return error(
            QStringLiteral("ctl: expected a run and a command (%1)").arg(controlCommandsHelp()));
    QString problem;
    if (!ControlRequest::fromArguments(positional.mid(1), &problem))
        return error(QStringLiteral("ctl: %1").arg(problem));
    CommandLine result;
    result.action = CommandLine::Action::Runs;
    result.runs.kind = RunsCommand::Kind::Control;
    result.runs.run = positional.first();
    result.runs.words = positional.mid(1);
    return result;
}

CommandLine parseResume(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Goes on with a finished or crashed run in its directory: the jobs that did not\n"
        "succeed run again, with the settings they had; attempt numbers go on."));
    const QCommandLineOption help = helpOption();
    const QCommandLineOption jobs({QStringLiteral("j"), QStringLiteral("jobs")},
                                  QStringLiteral("Run up to N jobs at once (default: as before)."),
                                  QStringLiteral("N"));
    const QCommandLineOption summaryJson(QStringLiteral("summary-json"),
                                         QStringLiteral("Write a JSON summary to FILE at the end."),
                                         QStringLiteral("FILE"));
    const QCommandLineOption quiet({QStringLiteral("q"), QStringLiteral("quiet")},
                                   QStringLiteral("No progress bar."));
    parser.addOptions({help, jobs, summaryJson, quiet});
    parser.addPositionalArgument(QStringLiteral("RUN"), QStringLiteral("The run."));
    if (!parser.parse(arguments))
        return parseError(parser, QStringLiteral("requeue resume --help"));
    if (parser.isSet(help))
        return helpFor(parser, QStringLiteral("requeue resume [options] RUN"));
    CommandLine result;
    const auto run = runArgument(parser, QStringLiteral("resume"), &result);
    if (!run)
        return result;
    result.action = CommandLine::Action::Run;
    result.run.resumeRun = *run;
    if (parser.isSet(jobs)) {
        const QString text = parser.value(jobs);
        const auto n = parseWholeNumber(text, 1);
        if (!n)
            return error(
                valueError(QStringLiteral("--jobs"), QStringLiteral("a whole number >= 1"), text));
        result.run.workers = *n;
    }
    result.run.summaryJson = parser.value(summaryJson);
    result.run.quiet = parser.isSet(quiet);
    return result;
}

} // namespace

JobDefaults RunOptions::jobDefaults() const
{
    JobDefaults defaults;
    defaults.maxAttempts = maxAttempts;
    defaults.timeout = timeout;
    defaults.backoff = backoff;
    if (jitter) // the option can only turn it on
        defaults.jitter = true;
    defaults.permanentExitCodes = noRetryExit;
    defaults.resources = backend.resources;
    return defaults;
}

CommandLine parseCommandLine(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "A job runner that retries every failed attempt at once.\n\n"
        "Commands:\n"
        "  requeue [FILE | RUNDIR]      Open the window (and load FILE, or open the\n"
        "                               recorded run in RUNDIR, if given).\n"
        "  requeue run [options] FILE   Run FILE's jobs without a window;\n"
        "                               see requeue run --help.\n"
        "  requeue runs [options]       List the recorded runs, newest first.\n"
        "  requeue show [options] RUN   Summarise one recorded run.\n"
        "  requeue resume [options] RUN Run again the jobs of RUN that did not\n"
        "                               succeed.\n"
        "  requeue ctl RUN COMMAND      Steer a live run (retry, cancel, pause...);\n"
        "                               see requeue ctl --help.\n"
        "  requeue report RUN -o FILE   An HTML report of a run (RUN: a joblog);\n"
        "                               see requeue report --help."));
    // Everything after the first positional argument belongs to the command.
    parser.setOptionsAfterPositionalArgumentsMode(QCommandLineParser::ParseAsPositionalArguments);
    const QCommandLineOption help(
        {QStringLiteral("h"), QStringLiteral("?"), QStringLiteral("help")},
        QStringLiteral("Displays help on commandline options."));
    const QCommandLineOption version({QStringLiteral("v"), QStringLiteral("version")},
                                     QStringLiteral("Displays version information."));
    parser.addOptions({help, version});
    parser.addPositionalArgument(QStringLiteral("FILE"), QStringLiteral("A job list to open."),
                                 QStringLiteral("[FILE | run [options] FILE]"));

    const QString seeAlso = QStringLiteral("requeue --help");
    if (!parser.parse(arguments))
        return parseError(parser, seeAlso);
    CommandLine result;
    if (parser.isSet(help)) {
        result.action = CommandLine::Action::Help;
        result.text = withUsage(parser.helpText(),
                                QStringLiteral("requeue [options] [FILE]\n"
                                               "       requeue run [options] FILE"));
        return result;
    }
    if (parser.isSet(version)) {
        result.action = CommandLine::Action::Version;
        result.text = versionText();
        return result;
    }
    const QStringList positional = parser.positionalArguments();
    const std::pair<const char *, CommandLine (*)(const QStringList &)> commands[]
        = {{"run", parseRun},
           {"runs", parseRuns},
           {"show", parseShow},
           {"resume", parseResume},
           {"report", parseReportCommand},
           {"ctl", parseControl}};
    for (const auto &[name, parse] : commands) {
        if (!positional.isEmpty() && positional.first() == QLatin1String(name))
            return parse(QStringList {arguments.value(0, QStringLiteral("requeue"))}
                         + positional.mid(1));
    }
    for (const QString &file : positional) {
        // After the first file, options were taken as positional arguments.
        if (file.startsWith(QLatin1Char('-')) && file != QLatin1String("-"))
            return error(QStringLiteral("unknown option %1 (see %2)").arg(file, seeAlso));
    }
    result.action = CommandLine::Action::Gui;
    result.guiFiles = positional;
    return result;
}

QJsonObject RunOptions::toJson() const
{
    QJsonObject object;
    object[QLatin1String("file")] = jobFile;
    object[QLatin1String("jobs")] = workers;
    if (maxAttempts)
        object[QLatin1String("max_attempts")] = *maxAttempts;
    if (backoff)
        object[QLatin1String("backoff_initial_ms")] = qint64(backoff->initialDelay.count());
    if (timeout)
        object[QLatin1String("timeout_ms")] = qint64(timeout->count());
    if (deadline)
        object[QLatin1String("deadline_ms")] = qint64(deadline->count());
    if (noRetryExit) {
        QJsonArray codes;
        for (int code : *noRetryExit)
            codes.append(code);
        object[QLatin1String("no_retry_exit")] = codes;
    }
    object[QLatin1String("jitter")] = jitter;
    if (backend.backend == BackendOptions::Backend::Slurm) // for `requeue resume`
        object[QLatin1String("poll_ms")] = qint64(backend.pollInterval.count());
    const std::pair<const char *, const QString *> paths[]
        = {{"joblog", &joblog}, {"results", &resultsDir}, {"summary_json", &summaryJson}};
    for (const auto &[key, value] : paths) {
        if (!value->isEmpty())
            object[QLatin1String(key)] = *value;
    }
    object[QLatin1String("resume")] = resume == Resume::No ? QStringLiteral("no")
        : resume == Resume::SkipDone                       ? QStringLiteral("done")
                                                           : QStringLiteral("succeeded");
    return object;
}

} // namespace requeue
