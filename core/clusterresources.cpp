#include "clusterresources.h"

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

} // namespace requeue
