#include "reportcommand.h"

#include "joblog.h"
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
        QStringLiteral("Where the run kept its outputs (its --results DIR), for stderr tails."),
        QStringLiteral("DIR"));
    parser.addOptions({help, output, results});
    parser.addPositionalArgument(
        QStringLiteral("RUN"), QStringLiteral("The run: a joblog (--joblog FILE of requeue run)."));
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

int runReportCommand(const ReportOptions &options)
{
    if (QFileInfo(options.run).isDir()) {
        printError(QStringLiteral("%1: a directory; give the run's joblog file").arg(options.run));
        return 2;
    }
    const Joblog log = readJoblog(options.run);
    if (!log.ok()) {
        for (const JobFileError &error : log.errors)
            printError(error.toString());
        return 2;
    }
    for (const JobFileError &warning : log.warnings)
        printError(QStringLiteral("warning: ") + warning.toString());
    QString error;
    if (!writeRunReport(reportFromJoblog(log, options.resultsDir), options.output, &error)) {
        printError(error);
        return 2;
    }
    return 0;
}

} // namespace requeue
