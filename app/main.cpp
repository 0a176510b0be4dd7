// The `requeue` executable: the window by default, `requeue run` headless.
#include "guiapp.h"
#include "headlessrun.h"
#include "jobrunner.h"
#include "reportcommand.h"
#include "runoptions.h"

#include <QApplication>
#include <QCoreApplication>

#include <cstdio>
#include <cstdlib>
#include <sys/resource.h>

namespace {

void print(std::FILE *stream, const QString &text)
{
    const QByteArray bytes = text.toLocal8Bit();
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stream);
}

// Each running job holds two descriptors (a pidfd and an eventfd): with many
// workers the usual soft limit of 1024 is near, and the hard one is higher.
void raiseDescriptorLimit()
{
    rlimit limit;
    if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &limit);
    }
}

bool hasDisplay()
{
    return !qEnvironmentVariableIsEmpty("DISPLAY")
        || !qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY")
        || !qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM");
}

QString useRunHint(const QStringList &files)
{
    return files.size() == 1
        ? QStringLiteral("requeue: to run it in the terminal, use: requeue run %1\n")
              .arg(files.constFirst())
        : QStringLiteral("requeue: to run a job list in the terminal, use: requeue run FILE\n");
}

// Qt ends the process with abort() when no platform plugin starts (a stale
// DISPLAY, an X server refusing us). Until the window system is up, Qt's
// messages are kept; a fatal one turns into a clear message and exit 2.
QStringList g_startupMessages;
QStringList g_guiFiles;

void startupMessageHandler(QtMsgType type, const QMessageLogContext &, const QString &message)
{
    if (type != QtFatalMsg) {
        g_startupMessages.append(message);
        return;
    }
    QString text = QStringLiteral("requeue: cannot open a window: no usable display");
    const QString display = qEnvironmentVariable("DISPLAY");
    if (!display.isEmpty())
        text += QStringLiteral(" (DISPLAY=%1)").arg(display);
    text += QStringLiteral("; nothing was run.\n") + useRunHint(g_guiFiles);
    for (const QString &line : std::as_const(g_startupMessages))
        text += QStringLiteral("  Qt: ") + line + QLatin1Char('\n');
    print(stderr, text);
    std::fflush(stderr);
    std::_Exit(2);
}

int runWindow(int argc, char *argv[], const QStringList &files)
{
    g_guiFiles = files;
    const QtMessageHandler previous = qInstallMessageHandler(startupMessageHandler);
    QApplication app(argc, argv);
    qInstallMessageHandler(previous);
    // The plugin started after all: what it said is ordinary output again.
    for (const QString &line : std::as_const(g_startupMessages))
        qWarning().noquote() << line;
    g_startupMessages.clear();
    return requeue::runGui(files);
}

int runHeadless(int argc, char *argv[], const requeue::RunOptions &options)
{
    // `requeue run` starts no process but jobs (and its guard): it may adopt
    // and kill what a job leaves behind outside its process group. The
    // window does not: its platform helpers would become its children too.
    requeue::JobRunner::adoptOrphanedProcesses();
    QCoreApplication app(argc, argv);
    requeue::HeadlessRun run(options);
    return run.exec();
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication::setApplicationName(QStringLiteral("requeue"));
    QCoreApplication::setApplicationVersion(QStringLiteral(REQUEUE_VERSION));
    raiseDescriptorLimit();

    QStringList arguments;
    for (int i = 0; i < argc; ++i)
        arguments.append(QString::fromLocal8Bit(argv[i]));
    // Parsed before any application object: which one to make depends on it.
    const requeue::CommandLine commandLine = requeue::parseCommandLine(arguments);
    switch (commandLine.action) {
    case requeue::CommandLine::Action::Help:
    case requeue::CommandLine::Action::Version:
        print(stdout, commandLine.text);
        return 0;
    case requeue::CommandLine::Action::Error:
        print(stderr, commandLine.text);
        return 2;
    case requeue::CommandLine::Action::Runs: {
        QCoreApplication app(argc, argv); // `requeue ctl`'s socket needs one
        return requeue::runRunsCommand(commandLine.runs);
    }
    case requeue::CommandLine::Action::Run:
        return runHeadless(argc, argv, commandLine.run);
    case requeue::CommandLine::Action::Report: {
        QCoreApplication app(argc, argv);
        return requeue::runReportCommand(commandLine.report);
    }
    case requeue::CommandLine::Action::Gui:
        break;
    }

    // Without a display the window cannot open; running the list instead
    // would surprise someone who only wanted to look at it.
    if (!hasDisplay()) {
        print(stderr,
              QStringLiteral("requeue: no display (DISPLAY, WAYLAND_DISPLAY and QT_QPA_PLATFORM "
                             "are unset): cannot open the window; nothing was run.\n")
                  + useRunHint(commandLine.guiFiles));
        return 2;
    }
    return runWindow(argc, argv, commandLine.guiFiles);
}
