#include "privatedirectory.h"

#include <QFile>
#include <QFileInfo>

#include <cerrno>
#include <sys/stat.h>

namespace requeue {

namespace {

bool isDirectory(const QByteArray &path)
{
    struct stat st;
    return ::stat(path.constData(), &st) == 0 && S_ISDIR(st.st_mode);
}

} // namespace

bool makePrivateDirectory(const QString &dir)
{
    // mkdir first: the common case (a new attempt's folder) takes one call.
    const QByteArray path = QFile::encodeName(dir);
    if (::mkdir(path.constData(), 0700) == 0)
        return true;
    const int error = errno;
    if (error != ENOENT) {
        if (isDirectory(path))
            return true;
        errno = error == EEXIST ? ENOTDIR : error;
        return false;
    }
    const QFileInfo info(dir);
    const QString parent = info.absolutePath();
    if (parent == info.absoluteFilePath() || !makePrivateDirectory(parent))
        return false;
    // Another worker may have made it meanwhile.
    return ::mkdir(path.constData(), 0700) == 0 || (errno == EEXIST && isDirectory(path));
}

} // namespace requeue
