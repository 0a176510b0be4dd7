#include "rundirectory.h"

#include "privatedirectory.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace requeue {

namespace {

QString lockPath(const QString &dir)
{
    return dir + u'/' + QLatin1String(RunDirectory::LockFile);
}

// Keeps a name usable as one path component.
QString safeName(QString name)
{
    for (QChar &c : name) {
        if (c == u'/' || c.unicode() < 0x20)
            c = u'_';
    }
    return name.isEmpty() ? u"run"_s : name;
}

} // namespace

QString RunDirectory::defaultRoot()
{
    QString state = qEnvironmentVariable("XDG_STATE_HOME");
    if (state.isEmpty() || !QDir::isAbsolutePath(state))
        state = QDir::homePath() + "/.local/state"_L1;
    return state + "/requeue/runs"_L1;
}

QString RunDirectory::runName(const QString &listPath, const QDateTime &start)
{
    return start.toString(u"yyyyMMdd-HHmmss"_s) + u'-'
        + safeName(QFileInfo(listPath).completeBaseName());
}

QString RunDirectory::create(const QString &root, const QString &listPath, const QDateTime &start,
                             QString *error)
{
    if (!makePrivateDirectory(root)) {
        *error = u"cannot create %1: %2"_s.arg(root, QString::fromLocal8Bit(strerror(errno)));
        return {};
    }
    const QString base = QDir(root).absoluteFilePath(runName(listPath, start));
    for (int n = 1; n < 1000; ++n) {
        const QString dir = n == 1 ? base : base + u'-' + QString::number(n);
        if (::mkdir(QFile::encodeName(dir).constData(), 0700) == 0)
            return dir;
        if (errno != EEXIST) {
            *error = u"cannot create %1: %2"_s.arg(dir, QString::fromLocal8Bit(strerror(errno)));
            return {};
        }
    }
    *error = u"cannot create a run directory in %1: too many runs named %2"_s.arg(
        root, QFileInfo(base).fileName());
    return {};
}

bool RunDirectory::isRunDirectory(const QString &dir)
{
    return QFileInfo::exists(dir + u'/' + QLatin1String(InfoFile));
}

bool RunDirectory::isLive(const QString &dir)
{
    const int fd = ::open(QFile::encodeName(lockPath(dir)).constData(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    const bool held = ::flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
    ::close(fd); // drops the shared lock, if taken
    return held;
}

RunLock::~RunLock()
{
    release();
}

bool RunLock::acquire(const QString &dir, QString *error)
{
    release();
    const QString path = lockPath(dir);
    const int fd = ::open(QFile::encodeName(path).constData(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        *error = u"%1: %2"_s.arg(path, QString::fromLocal8Bit(strerror(errno)));
        return false;
    }
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        const int saved = errno;
        ::close(fd);
        *error = saved == EWOULDBLOCK
            ? u"%1 is in use by another process (the run is live)"_s.arg(dir)
            : u"%1: %2"_s.arg(path, QString::fromLocal8Bit(strerror(saved)));
        return false;
    }
    m_fd = fd;
    return true;
}

void RunLock::release()
{
    if (m_fd >= 0)
        ::close(m_fd);
    m_fd = -1;
}

} // namespace requeue
