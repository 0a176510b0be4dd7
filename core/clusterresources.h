#pragma once

#include <QString>
#include <QStringList>

namespace requeue {

// Checks one resource value; see ClusterResources::checkMemory and its siblings.
using ClusterResourceCheck = bool (*)(const QString &value, QString *error);

// What a job asks a cluster scheduler for (Slurm's sbatch options). The local
// backend ignores all of it. A value type.
//
// `cpus`, `mem` and `time` may hold one value per attempt: attempt N uses
// element N - 1, and the last element repeats ("more memory on each retry").
// Values are kept as Slurm reads them ("4G", "1-00:00:00"); the job-list
// parsers check and convert them.
struct ClusterResources
{
    QStringList cpus;
    QStringList mem;
    QStringList time;
    QString partition;
    QString account;
    QString qos;
    QString gpus;
    QStringList sbatchArgs; // passed to sbatch as they are, before the script

    bool isEmpty() const;
    // The value of `values` for 1-based `attempt`; empty if `values` is.
    static QString forAttempt(const QStringList &values, int attempt);
    // Fills in what this leaves unset from `defaults` (run-wide options).
    void fillFrom(const ClusterResources &defaults);

    // Checks one value as a job list or an option gives it; on failure sets
    // `error` to a sentence that does not name the field. Reentrant.
    // "512M", "4G", "1024" (megabytes, as sbatch reads it).
    static bool checkMemory(const QString &value, QString *error);
    // A Requeue duration ("90s", "10m", "1h") or Slurm's own ("30", "1:00:00", "2-00").
    static bool checkTime(const QString &value, QString *error);
    // A whole number of CPUs from 1.
    static bool checkCpus(const QString &value, QString *error);
    // A partition, account or QOS name: not empty, no blanks or commas.
    static bool checkName(const QString &value, QString *error);
};

} // namespace requeue
