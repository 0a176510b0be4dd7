// Writes the application icon as PNGs (resources/icons/requeue-<size>.png),
// drawn by the same code the window uses. Run by hand after changing the
// drawing: `cmake --build <dir> --target requeue_export_icons`.
#include "stateicons.h"

#include <QDir>
#include <QGuiApplication>
#include <QImage>

#include <cstdio>

int main(int argc, char *argv[])
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QGuiApplication app(argc, argv);
    const QString dir = argc > 1 ? QString::fromLocal8Bit(argv[1]) : QStringLiteral(".");
    QDir().mkpath(dir);
    for (int size : {16, 32, 48, 64, 128, 256}) {
        const QString path = QStringLiteral("%1/requeue-%2.png").arg(dir).arg(size);
        if (!requeue::renderAppIcon(size).save(path)) {
            std::fprintf(stderr, "cannot write %s\n", qPrintable(path));
            return 1;
        }
    }
    return 0;
}
