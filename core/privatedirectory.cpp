#include "privatedirectory.h"

#include <QFile>
#include <QFileInfo>

#include <cerrno>
#include <sys/stat.h>

namespace requeue {

bool makePrivateDirectory(const QString &dir)
{
    const QFileInfo info(dir);
    if (info.isDir())
        return true;
    if (!makePrivateDirectory(info.absolutePath()))
        return false;
    return ::mkdir(QFile::encodeName(info.absoluteFilePath()).constData(), 0700) == 0
        || errno == EEXIST;
}

} // namespace requeue
