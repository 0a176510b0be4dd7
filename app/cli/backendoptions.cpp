#include "backendoptions.h"

#include "localexecutor.h"
#include "slurmexecutor.h"
#include "specparsers.h"

#include <QCommandLineParser>
#include <QThread>

namespace requeue {

namespace {

enum OptionIndex {
    BackendOpt,
    PollOpt,
    CpusOpt,
    MemOpt,
    TimeOpt,
    PartitionOpt,
    AccountOpt,
    QosOpt,
    GpusOpt,
    SbatchArgsOpt
};

QString lastValue(const QCommandLineParser &parser, const QCommandLineOption &option)
{
    return parser.values(option).constLast();
}

QString badValue(const QCommandLineOption &option, const QString &message, const QString &value)
{
    return QStringLiteral("--%1: %2 (got \"%3\")").arg(option.names().constFirst(), message, value);
}

// "1G,4G" -> {"1G", "4G"}, each checked.
QString readList(const QCommandLineParser &parser, const QCommandLineOption &option,
                 ClusterResourceCheck check, QStringList *out)
{
    if (!parser.isSet(option))
        return {};
    const QString text = lastValue(parser, option);
    QStringList values = text.split(QLatin1Char(','));
    for (QString &value : values) {
        value = value.trimmed();
        QString message;
        if (!check(value, &message))
            return badValue(option, message, value);
    }
    *out = values;
    return {};
}

QString readName(const QCommandLineParser &parser, const QCommandLineOption &option,
                 ClusterResourceCheck check, QString *out)
{
    if (!parser.isSet(option))
        return {};
    const QString value = lastValue(parser, option);
    QString message;
    if (check && !check(value, &message))
        return badValue(option, message, value);
    *out = value;
    return {};
}

} // namespace

int BackendOptions::defaultWorkers() const
{
    return backend == Backend::Slurm ? 100 : qMax(1, QThread::idealThreadCount());
}

std::unique_ptr<Executor> BackendOptions::makeExecutor(const QString &runTag) const
{
    if (backend == Backend::Local)
        return std::make_unique<LocalExecutor>();
    SlurmSettings settings;
    settings.pollInterval = pollInterval;
    settings.runTag = runTag;
    return std::make_unique<SlurmExecutor>(settings);
}

QString BackendOptions::backendName() const
{
    return backend == Backend::Slurm ? QStringLiteral("slurm") : QStringLiteral("local");
}

BackendOptionParser::BackendOptionParser()
{
    const auto option = [this](const char *name, const char *description, const char *value) {
        m_options.append(QCommandLineOption(QLatin1String(name), QLatin1String(description),
                                            QLatin1String(value)));
    };
    option("backend", "Where jobs run: local (default) or slurm (one sbatch job per attempt).",
           "NAME");
    option("poll", "Slurm: ask squeue about all jobs this often (default: 5s).", "DUR");
    option("cpus", "Slurm: CPUs per job; a list (2,4) gives one per attempt.", "N[,N...]");
    option("mem", "Slurm: memory per job, e.g. 1G,4G for more on each retry.", "SIZE[,...]");
    option("time", "Slurm: time limit per job, e.g. 10m,1h (one per attempt).", "DUR[,...]");
    option("partition", "Slurm: the partition to submit to.", "NAME");
    option("account", "Slurm: the account to charge.", "NAME");
    option("qos", "Slurm: the quality of service.", "NAME");
    option("gpus", "Slurm: GPUs per job (sbatch --gpus).", "SPEC");
    option("sbatch-args", "Slurm: more sbatch arguments, split at blanks.", "ARGS");
}

void BackendOptionParser::addTo(QCommandLineParser *parser) const
{
    parser->addOptions(m_options);
}

QString BackendOptionParser::read(const QCommandLineParser &parser, BackendOptions *options) const
{
    if (parser.isSet(m_options[BackendOpt])) {
        const QString name = lastValue(parser, m_options[BackendOpt]);
        if (name == QLatin1String("slurm"))
            options->backend = BackendOptions::Backend::Slurm;
        else if (name == QLatin1String("local"))
            options->backend = BackendOptions::Backend::Local;
        else
            return badValue(m_options[BackendOpt], QStringLiteral("expected local or slurm"), name);
    }
    if (parser.isSet(m_options[PollOpt])) {
        const QString text = lastValue(parser, m_options[PollOpt]);
        const auto poll = parseDuration(text);
        if (!poll || poll->count() < 100)
            return badValue(m_options[PollOpt],
                            QStringLiteral("expected a duration of at least "
                                           "100ms"),
                            text);
        options->pollInterval = *poll;
    }
    ClusterResources &r = options->resources;
    QString problem = readList(parser, m_options[CpusOpt], &ClusterResources::checkCpus, &r.cpus);
    if (problem.isEmpty())
        problem = readList(parser, m_options[MemOpt], &ClusterResources::checkMemory, &r.mem);
    if (problem.isEmpty())
        problem = readList(parser, m_options[TimeOpt], &ClusterResources::checkTime, &r.time);
    if (problem.isEmpty())
        problem
            = readName(parser, m_options[PartitionOpt], &ClusterResources::checkName, &r.partition);
    if (problem.isEmpty())
        problem = readName(parser, m_options[AccountOpt], &ClusterResources::checkName, &r.account);
    if (problem.isEmpty())
        problem = readName(parser, m_options[QosOpt], &ClusterResources::checkName, &r.qos);
    if (problem.isEmpty())
        problem = readName(parser, m_options[GpusOpt], nullptr, &r.gpus);
    if (problem.isEmpty() && parser.isSet(m_options[SbatchArgsOpt])) {
        r.sbatchArgs = lastValue(parser, m_options[SbatchArgsOpt])
                           .split(QLatin1Char(' '), Qt::SkipEmptyParts);
    }
    return problem;
}

} // namespace requeue
