#pragma once

#include "jobfile.h"

#include <QStringList>

namespace requeue::test {

// Errors as the tests compare them: "file:line:col: message".
inline QStringList errorStrings(const QList<JobFileError> &errors)
{
    QStringList out;
    for (const JobFileError &error : errors)
        out.append(error.toString());
    return out;
}

inline QStringList errorStrings(const JobList &list)
{
    return errorStrings(list.errors);
}

} // namespace requeue::test
