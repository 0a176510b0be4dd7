// The `requeue` executable: the window by default, `requeue run` headless.
#include "guiapp.h"
#include "headlessrun.h"
#include "jobrunner.h"
#include "runoptions.h"

#include <QApplication>
#include <QCoreApplication>

#include <cstdio>
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

int runHeadless(int argc, char *argv[], const requeue::RunOptions &options)
{
    QCoreApplication app(argc, argv);
    requeue::HeadlessRun run(options);
    return run.exec();
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication::setApplicationName(QStringLiteral("requeue"));
    QCoreApplication::setApplicationVersion(QStringLiteral(REQUEUE_VERSION));
    // Requeue starts no process but jobs (and its guard): it may adopt and
    // kill what a job leaves behind outside its process group.
    requeue::JobRunner::adoptOrphanedProcesses();
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
    case requeue::CommandLine::Action::Run:
        return runHeadless(argc, argv, commandLine.run);
    case requeue::CommandLine::Action::Gui:
        break;
    }

    if (!hasDisplay()) {
        const QStringList &files = commandLine.guiFiles;
        if (files.size() != 1) {
            print(stderr,
                  QStringLiteral("requeue: no display (DISPLAY, WAYLAND_DISPLAY and "
                                 "QT_QPA_PLATFORM are unset) and %1; "
                                 "use: requeue run [options] FILE\n")
                      .arg(files.isEmpty() ? QStringLiteral("no job file given")
                                           : QStringLiteral("more than one file given")));
            return 2;
        }
        print(stderr,
              QStringLiteral("requeue: no display (DISPLAY, WAYLAND_DISPLAY and "
                             "QT_QPA_PLATFORM are unset): running %1 without a window\n")
                  .arg(files.constFirst()));
        requeue::RunOptions options;
        options.jobFile = files.constFirst();
        return runHeadless(argc, argv, options);
    }
    QApplication app(argc, argv);
    return requeue::runGui(commandLine.guiFiles);
}
