#include "reportcommand.h"

#include "joblog.h"
#include "runcommands.h"
#include "rundirectory.h"
#include "runhistory.h"
#include "runreport.h"

#include <QCommandLineParser>
#include <QFileInfo>

#include <cstdio>

namespace requeue {

namespace {

CommandLine reportError(const QString &message)
{
    CommandLine result;
    result.action = CommandLine::Action::Error;
    result.text = QStringLiteral("requeue: report: %1 (see requeue report --help)\n").arg(message);
    return result;
}

void printError(const QString &text)
{
    const QByteArray bytes = (QStringLiteral("requeue: ") + text + QLatin1Char('\n')).toLocal8Bit();
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stderr);
}

} // namespace

CommandLine parseReportCommand(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Writes one self-contained HTML file about a run (it opens offline): the "
                       "summary, the timeline of attempts, charts, attempts per job and the jobs "
                       "that failed or were retried."));
    const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")},
                                  QStringLiteral("Displays help on commandline options."));
    const QCommandLineOption output({QStringLiteral("o"), QStringLiteral("output")},
                                    QStringLiteral("The HTML file to write."),
                                    QStringLiteral("FILE"));
    const QCommandLineOption results(
        QStringLiteral("results"),
        QStringLiteral("Where the run kept its outputs (its --results DIR), for stderr tails; "
                       "a run directory knows them."),
        QStringLiteral("DIR"));
    parser.addOptions({help, output, results});
    parser.addPositionalArgument(
        QStringLiteral("RUN"),
        QStringLiteral("The run: its directory, the start of its id (see requeue runs), or a "
                       "joblog (--joblog FILE of requeue run)."));
    if (!parser.parse(arguments)) {
        QString text = parser.errorText();
        if (!text.isEmpty())
            text[0] = text[0].toLower();
        return reportError(text.endsWith(QLatin1Char('.')) ? text.chopped(1) : text);
    }
    CommandLine result;
    if (parser.isSet(help)) {
        result.action = CommandLine::Action::Help;
        const QString text = parser.helpText();
        result.text = QStringLiteral("Usage: requeue report [options] RUN -o FILE")
            + text.mid(text.indexOf(QLatin1Char('\n')));
        return result;
    }
    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 1)
        return reportError(positional.isEmpty()
                               ? QStringLiteral("no run given")
                               : QStringLiteral("expected one run, got %1").arg(positional.size()));
    if (!parser.isSet(output) || parser.value(output).isEmpty())
        return reportError(QStringLiteral("no output file given (-o FILE)"));
    result.action = CommandLine::Action::Report;
    result.report.run = positional.first();
    result.report.output = parser.value(output);
    result.report.resultsDir = parser.value(results);
    return result;
}

namespace {

std::optional<ReportInput> inputFromJoblog(const ReportOptions &options)
{
    const Joblog log = readJoblog(options.run);
    if (!log.ok()) {
        for (const JobFileError &error : log.errors)
            printError(error.toString());
        return std::nullopt;
    }
    for (const JobFileError &warning : log.warnings)
        printError(QStringLiteral("warning: ") + warning.toString());
    return reportFromJoblog(log, options.resultsDir);
}

std::optional<ReportInput> inputFromRunDirectory(const ReportOptions &options)
{
    if (!QFileInfo::exists(options.run) && options.run.contains(QLatin1Char('/'))) {
        printError(QStringLiteral("report: %1: no such joblog or run directory").arg(options.run));
        return std::nullopt;
    }
    QString error;
    const QString root = options.root.isEmpty() ? RunDirectory::defaultRoot() : options.root;
    const auto dir = resolveRun(options.run, root, &error);
    if (!dir) {
        printError(QStringLiteral("report: ") + error);
        return std::nullopt;
    }
    const RunHistory history = readRunDirectory(*dir);
    for (const JobFileError &warning : history.warnings)
        printError(QStringLiteral("warning: ") + warning.toString());
    for (const JobFileError &problem : history.errors)
        printError(problem.toString());
    if (!history.infoOk)
        return std::nullopt;
    return reportFromRunHistory(history, options.resultsDir);
}

} // namespace

int runReportCommand(const ReportOptions &options)
{
    // A file is a joblog; anything else names a run as `requeue show` takes it.
    const std::optional<ReportInput> input = QFileInfo(options.run).isFile()
        ? inputFromJoblog(options)
        : inputFromRunDirectory(options);
    if (!input)
        return 2;
    QString error;
    if (!writeRunReport(*input, options.output, &error)) {
        printError(error);
        return 2;
    }
    return 0;
}

} // namespace requeue
