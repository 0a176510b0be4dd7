#pragma once

#include <QObject>
#include <QStringList>

class QMenu;

namespace requeue {

// The most recently opened job files, newest first, remembered with QSettings
// under "recentFiles". Fills a menu on demand.
//
// GUI thread only.
class RecentFiles : public QObject
{
    Q_OBJECT
public:
    static constexpr int MaxFiles = 8;

    explicit RecentFiles(QObject *parent = nullptr);

    QStringList files() const;
    // Moves `path` (made absolute) to the front and saves the list.
    void add(const QString &path);
    void clear();
    // Rebuilds `menu` with one action per file and a "Clear" entry.
    void fillMenu(QMenu *menu);

Q_SIGNALS:
    void fileChosen(const QString &path);
};

} // namespace requeue
