#pragma once

#include "jobspec.h"

#include <QJsonObject>
#include <QList>
#include <QString>

namespace requeue {

// What a run directory's `run.json` says: how the run was set up, written
// once when the run starts. Resuming rebuilds the jobs from here, not from the
// job list, which may have changed since. A value type.
struct RunInfo
{
    QString version;     // Requeue's
    QString listPath;    // absolute
    QString listSha256;  // of the list's bytes when it was loaded, hex
    QList<JobSpec> jobs; // as loaded, every field after defaults and options; no callables
    QJsonObject options; // the front end's settings, as given (for people and `show`)
    QString backend = QStringLiteral("local");
    QString host;
    qint64 pid = 0;
    qint64 startedUs = 0; // since the epoch
    int workers = 0;

    // run.json's bytes.
    QByteArray toJsonText() const;
    QJsonObject toJson() const; // the same as an object
    // Reads what toJson() wrote. Returns false with a message on anything
    // missing or malformed; unknown fields are ignored (newer versions).
    static bool fromJson(const QJsonObject &object, RunInfo *info, QString *error);
};

// One job as run.json stores it: command or argv, cwd, env, timeout and the
// whole retry policy, so that a resumed job runs exactly as it did.
QJsonObject jobSpecToJson(const JobSpec &spec);
bool jobSpecFromJson(const QJsonObject &object, JobSpec *spec, QString *error);

// The SHA-256 of a file's bytes in hex, empty if it cannot be read.
QString fileSha256(const QString &path);

} // namespace requeue
