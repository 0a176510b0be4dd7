#include "guiapp.h"

#include "mainwindow.h"
#include "rundirectory.h"
#include "stateicons.h"

#include <QApplication>

// Q_INIT_RESOURCE must be called from the global namespace.
static void initRequeueResources()
{
    Q_INIT_RESOURCE(requeue);
}

namespace requeue {

int runGui(const QStringList &filesToOpen)
{
    initRequeueResources();
    if (QCoreApplication::organizationName().isEmpty())
        QCoreApplication::setOrganizationName(QStringLiteral("Requeue"));
    QGuiApplication::setApplicationDisplayName(QStringLiteral("Requeue"));
    QGuiApplication::setDesktopFileName(QStringLiteral("requeue"));
    QApplication::setWindowIcon(appIcon());

    MainWindow window;
    window.show();
    // A run directory opens as a run: its history, or live.
    if (filesToOpen.size() == 1 && RunDirectory::isRunDirectory(filesToOpen.constFirst()))
        window.openRun(filesToOpen.constFirst());
    else if (!filesToOpen.isEmpty())
        window.loadFiles(filesToOpen);
    return QApplication::exec();
}

} // namespace requeue
