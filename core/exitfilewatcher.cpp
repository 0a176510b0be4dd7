#include "exitfilewatcher.h"

#include <QFile>

#include <cerrno>
#include <sys/inotify.h>
#include <unistd.h>

namespace requeue {

ExitFileWatcher::ExitFileWatcher(QString fileName)
    : m_fileName(QFile::encodeName(fileName))
    , m_fd(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC))
{ }

ExitFileWatcher::~ExitFileWatcher()
{
    if (m_fd >= 0)
        ::close(m_fd);
}

bool ExitFileWatcher::watch(const QString &folder)
{
    if (m_fd < 0 || m_watches.contains(folder))
        return m_fd >= 0;
    // A rename into place (the wrapper's mv) or a file written in place.
    const int wd = ::inotify_add_watch(m_fd, QFile::encodeName(folder).constData(),
                                       IN_MOVED_TO | IN_CLOSE_WRITE | IN_ONLYDIR);
    if (wd < 0)
        return false;
    m_folders.insert(wd, folder);
    m_watches.insert(folder, wd);
    return true;
}

void ExitFileWatcher::unwatch(const QString &folder)
{
    const auto it = m_watches.constFind(folder);
    if (it == m_watches.cend())
        return;
    ::inotify_rm_watch(m_fd, *it);
    m_folders.remove(*it);
    m_watches.erase(it);
}

QStringList ExitFileWatcher::takeArrived()
{
    QStringList arrived;
    if (m_fd < 0)
        return arrived;
    alignas(inotify_event) char buffer[4096];
    for (;;) {
        const ssize_t size = ::read(m_fd, buffer, sizeof buffer);
        if (size <= 0)
            break; // EAGAIN: nothing more for now
        for (ssize_t offset = 0; offset < size;) {
            const auto *event = reinterpret_cast<const inotify_event *>(buffer + offset);
            offset += ssize_t(sizeof(inotify_event) + event->len);
            if (event->len == 0 || m_fileName != event->name)
                continue;
            const QString folder = m_folders.value(event->wd);
            if (!folder.isEmpty() && !arrived.contains(folder))
                arrived.append(folder);
        }
    }
    return arrived;
}

} // namespace requeue
