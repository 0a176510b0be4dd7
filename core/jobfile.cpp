#include "jobfile.h"

#include "parsehelpers_p.h"
#include "jsonjoblistparser.h"
#include "textjoblistparser.h"

#include <QFile>
#include <QFileInfo>


using namespace Qt::StringLiterals;

namespace requeue {

namespace {

// Reads at most MaxJobFileSize + 1 bytes, so that an endless device or a
// growing file cannot take all memory.
bool readCapped(QFile &file, QByteArray *data, QString *error)
{
    constexpr qint64 chunk = 1024 * 1024;
    const qint64 expected = file.isSequential() ? 0 : file.size();
    data->reserve(qsizetype(qMin(expected, MaxJobFileSize) + 1));
    for (;;) {
        const qsizetype used = data->size();
        const qint64 wanted = qMin(chunk, MaxJobFileSize + 1 - used);
        if (wanted <= 0)
            return true; // over the limit: the caller reports it
        data->resize(used + wanted);
        const qint64 got = file.read(data->data() + used, wanted);
        if (got < 0) {
            *error = file.errorString();
            return false;
        }
        data->resize(used + got);
        if (got == 0) // QFile reads block, so 0 is the end of the file, pipes included
            return true;
    }
}

} // namespace

JobList loadJobList(const QString &path)
{
    JobList list;
    list.path = path;
    const auto fail = [&list, &path](const QString &message) {
        list.errors.append(JobFileError {path, 0, 0, message});
        return list;
    };

    if (path.isEmpty())
        return fail(u"no job file given"_s);
    const QFileInfo info(path);
    if (info.isDir())
        return fail(u"is a directory, not a job file"_s);
    if (info.isFile() && info.size() > MaxJobFileSize) {
        return fail(u"the file is too large (%1; job files can be at most %2)"_s.arg(
            detail::formatByteSize(info.size()), detail::formatByteSize(MaxJobFileSize)));
    }

    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return fail(u"cannot open: "_s + file.errorString());
    QByteArray data;
    QString readError;
    if (!readCapped(file, &data, &readError))
        return fail(u"cannot read: "_s + readError);
    if (data.size() > MaxJobFileSize) {
        return fail(u"the file is too large (job files can be at most %1)"_s.arg(
            detail::formatByteSize(MaxJobFileSize)));
    }

    if (path.endsWith(u".json"_s, Qt::CaseInsensitive))
        return parseJsonJobList(data, path);
    return parseTextJobList(data, path);
}

} // namespace requeue
