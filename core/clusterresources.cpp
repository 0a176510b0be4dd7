#include "clusterresources.h"

#include "specparsers.h"

#include <QRegularExpression>

namespace requeue {

bool ClusterResources::isEmpty() const
{
    return cpus.isEmpty() && mem.isEmpty() && time.isEmpty() && partition.isEmpty()
        && account.isEmpty() && qos.isEmpty() && gpus.isEmpty() && sbatchArgs.isEmpty();
}

QString ClusterResources::forAttempt(const QStringList &values, int attempt)
{
    if (values.isEmpty())
        return {};
    return values.at(qBound(0, attempt - 1, int(values.size()) - 1));
}

void ClusterResources::fillFrom(const ClusterResources &defaults)
{
    const auto fill = [](auto &value, const auto &fallback) {
        if (value.isEmpty())
            value = fallback;
    };
    fill(cpus, defaults.cpus);
    fill(mem, defaults.mem);
    fill(time, defaults.time);
    fill(partition, defaults.partition);
    fill(account, defaults.account);
    fill(qos, defaults.qos);
    fill(gpus, defaults.gpus);
    fill(sbatchArgs, defaults.sbatchArgs);
}

bool ClusterResources::checkMemory(const QString &value, QString *error)
{
    static const QRegularExpression memory(QStringLiteral("^[1-9][0-9]{0,8}[KMGT]?$"));
    if (memory.match(value).hasMatch())
        return true;
    *error = QStringLiteral("expected a memory size like \"512M\" or \"4G\" (units K, M, G, T)");
    return false;
}

bool ClusterResources::checkTime(const QString &value, QString *error)
{
    static const QRegularExpression slurmTime(
        QStringLiteral("^([0-9]{1,4}-[0-9]{1,2}(:[0-9]{1,2}){0,2}|[0-9]{1,6}(:[0-9]{1,2}){0,2})$"));
    if (slurmTime.match(value).hasMatch() || parseDuration(value))
        return true;
    *error = QStringLiteral("expected a time limit like \"10m\", \"2h\" or Slurm's "
                            "\"1-00:00:00\"");
    return false;
}

bool ClusterResources::checkCpus(const QString &value, QString *error)
{
    bool ok = false;
    const int cpus = value.toInt(&ok);
    if (ok && cpus >= 1 && cpus <= 100000 && !value.startsWith(u'+'))
        return true;
    *error = QStringLiteral("expected a whole number of CPUs from 1");
    return false;
}

bool ClusterResources::checkName(const QString &value, QString *error)
{
    static const QRegularExpression blank(QStringLiteral("[\\s,]"));
    if (!value.isEmpty() && !value.contains(blank))
        return true;
    *error = QStringLiteral("expected a name without blanks or commas");
    return false;
}

} // namespace requeue
