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

JobSpec JobListEntry::withDefaults(const JobDefaults &defaults) const
{
    JobSpec result = spec;
    RetryPolicy &retry = result.retry;
    if (defaults.maxAttempts && !setsMaxAttempts)
        retry.maxAttempts = *defaults.maxAttempts;
    if (defaults.timeout && !setsTimeout)
        result.timeout = *defaults.timeout;
    if (defaults.backoff && !setsBackoff) {
        retry.backoff = defaults.backoff->backoff;
        retry.initialDelay = defaults.backoff->initialDelay;
        retry.maxDelay = defaults.backoff->maxDelay;
        retry.factor = defaults.backoff->factor;
    }
    if (defaults.jitter && !setsJitter)
        retry.jitter = *defaults.jitter;
    if (defaults.permanentExitCodes && !setsNoRetryExit)
        retry.permanentExitCodes = *defaults.permanentExitCodes;
    result.resources.fillFrom(defaults.resources);
    return result;
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
