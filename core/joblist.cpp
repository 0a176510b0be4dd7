#include "joblist.h"

#include <QStringList>

using namespace Qt::StringLiterals;

namespace requeue {

QString JobFileError::toString() const
{
    if (file.isEmpty())
        return message;
    QString text = file;
    if (line > 0) {
        text += u':' + QString::number(line);
        if (column > 0)
            text += u':' + QString::number(column);
    }
    return text + u": "_s + message;
}

bool JobFileError::operator==(const JobFileError &other) const
{
    return file == other.file && line == other.line && column == other.column
        && message == other.message;
}

QString JobList::errorText() const
{
    QStringList lines;
    lines.reserve(errors.size());
    for (const JobFileError &error : errors)
        lines.append(error.toString());
    return lines.join(u'\n');
}

} // namespace requeue
