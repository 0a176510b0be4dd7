#pragma once

#include <QString>
#include <QStringList>

namespace requeue {

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
};

} // namespace requeue
