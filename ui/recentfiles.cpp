#include "recentfiles.h"

#include <QDir>
#include <QFileInfo>
#include <QMenu>
#include <QSettings>

namespace requeue {

namespace {
const QString Key = QStringLiteral("recentFiles");
} // namespace

RecentFiles::RecentFiles(QObject *parent)
    : QObject(parent)
{ }

QStringList RecentFiles::files() const
{
    return QSettings().value(Key).toStringList();
}

void RecentFiles::add(const QString &path)
{
    const QString absolute = QFileInfo(path).absoluteFilePath();
    QStringList list = files();
    list.removeAll(absolute);
    list.prepend(absolute);
    while (list.size() > MaxFiles)
        list.removeLast();
    QSettings().setValue(Key, list);
}

void RecentFiles::clear()
{
    QSettings().remove(Key);
}

void RecentFiles::fillMenu(QMenu *menu)
{
    menu->clear();
    const QStringList list = files();
    int number = 1;
    for (const QString &path : list) {
        const QString label
            = QStringLiteral("&%1 %2").arg(number++).arg(QDir::toNativeSeparators(path));
        QAction *action = menu->addAction(label);
        connect(action, &QAction::triggered, this, [this, path] { Q_EMIT fileChosen(path); });
    }
    if (list.isEmpty())
        menu->addAction(tr("No recent files"))->setEnabled(false);
    menu->addSeparator();
    QAction *clearAction = menu->addAction(tr("Clear Menu"));
    clearAction->setEnabled(!list.isEmpty());
    connect(clearAction, &QAction::triggered, this, &RecentFiles::clear);
}

} // namespace requeue
