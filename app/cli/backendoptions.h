#pragma once

#include "clusterresources.h"

#include <QCommandLineOption>
#include <QList>
#include <QString>

#include <chrono>
#include <memory>

class QCommandLineParser;

namespace requeue {

class Executor;

// Where `requeue run` runs its jobs, and what it asks a cluster for when the
// job list does not say. A value type.
struct BackendOptions
{
    enum class Backend { Local, Slurm };

    Backend backend = Backend::Local;
    std::chrono::milliseconds pollInterval {5000}; // Slurm: one squeue call this often
    ClusterResources resources;                    // run-wide defaults for every job

    // Jobs in flight when --jobs is not given: one per CPU locally, 100
    // submitted jobs on Slurm.
    int defaultWorkers() const;
    // The executor for the backend; `runTag` names the Slurm jobs.
    std::unique_ptr<Executor> makeExecutor(const QString &runTag) const;
    // "local" or "slurm".
    QString backendName() const;
};

// The backend and cluster-resource options of `requeue run`, added to and
// read from a QCommandLineParser. GUI or main thread, like the parser.
class BackendOptionParser
{
public:
    BackendOptionParser();
    void addTo(QCommandLineParser *parser) const;
    // Reads what `parser` got into `options`; an error message on a bad
    // value ("--mem: ..."), empty when all is well.
    QString read(const QCommandLineParser &parser, BackendOptions *options) const;

private:
    QList<QCommandLineOption> m_options;
};

} // namespace requeue
