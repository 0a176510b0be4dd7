#pragma once

#include <QHash>
#include <QString>
#include <QStringList>

namespace requeue {

// Learns at once that a watched folder got a file of a given name (an
// attempt's exit file, which its wrapper renames into place), through
// inotify. A file system whose writes inotify does not see (a shared one,
// written from another machine) reports nothing: whoever uses it keeps
// polling as well, and only learns sooner where it can.
//
// Thread affinity: none; one object is used by one thread at a time.
// Never blocks.
class ExitFileWatcher
{
public:
    explicit ExitFileWatcher(QString fileName);
    ~ExitFileWatcher();
    ExitFileWatcher(const ExitFileWatcher &) = delete;
    ExitFileWatcher &operator=(const ExitFileWatcher &) = delete;

    // False if the folder cannot be watched (inotify's limits, no such folder).
    bool watch(const QString &folder);
    void unwatch(const QString &folder);
    // The watched folders where the file appeared since the last call.
    QStringList takeArrived();

private:
    const QByteArray m_fileName;
    int m_fd = -1;
    QHash<int, QString> m_folders; // by watch descriptor
    QHash<QString, int> m_watches; // by folder
};

} // namespace requeue
