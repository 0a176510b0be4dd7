#include "runinfo.h"

#include <QCryptographicHash>
#include <QFile>
#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace requeue {

namespace {

QString backoffName(RetryPolicy::Backoff backoff)
{
    switch (backoff) {
    case RetryPolicy::Backoff::None:
        return u"none"_s;
    case RetryPolicy::Backoff::Fixed:
        return u"fixed"_s;
    case RetryPolicy::Backoff::Exponential:
        return u"exp"_s;
    }
    Q_UNREACHABLE();
    return {};
}

bool parseBackoffName(const QString &name, RetryPolicy::Backoff *backoff)
{
    if (name == "none"_L1)
        *backoff = RetryPolicy::Backoff::None;
    else if (name == "fixed"_L1)
        *backoff = RetryPolicy::Backoff::Fixed;
    else if (name == "exp"_L1)
        *backoff = RetryPolicy::Backoff::Exponential;
    else
        return false;
    return true;
}

QJsonArray toArray(const QStringList &strings)
{
    QJsonArray array;
    for (const QString &s : strings)
        array.append(s);
    return array;
}

} // namespace

namespace {

// A cluster job's resources, as the Slurm executor reads them on resume.
QJsonObject resourcesToJson(const ClusterResources &r)
{
    QJsonObject object;
    const auto putList = [&](QLatin1StringView key, const QStringList &values) {
        if (!values.isEmpty())
            object[key] = toArray(values);
    };
    const auto putText = [&](QLatin1StringView key, const QString &value) {
        if (!value.isEmpty())
            object[key] = value;
    };
    putList("cpus"_L1, r.cpus);
    putList("mem"_L1, r.mem);
    putList("time"_L1, r.time);
    putText("partition"_L1, r.partition);
    putText("account"_L1, r.account);
    putText("qos"_L1, r.qos);
    putText("gpus"_L1, r.gpus);
    putList("sbatch_args"_L1, r.sbatchArgs);
    return object;
}

ClusterResources resourcesFromJson(const QJsonObject &object)
{
    const auto list = [&](QLatin1StringView key) {
        QStringList values;
        for (const QJsonValue value : object.value(key).toArray())
            values.append(value.toString());
        return values;
    };
    ClusterResources r;
    r.cpus = list("cpus"_L1);
    r.mem = list("mem"_L1);
    r.time = list("time"_L1);
    r.partition = object.value("partition"_L1).toString();
    r.account = object.value("account"_L1).toString();
    r.qos = object.value("qos"_L1).toString();
    r.gpus = object.value("gpus"_L1).toString();
    r.sbatchArgs = list("sbatch_args"_L1);
    return r;
}

} // namespace

QJsonObject jobSpecToJson(const JobSpec &spec)
{
    QJsonObject job;
    job["seq"_L1] = spec.seq;
    job["name"_L1] = spec.name;
    const ProcessSpec &process = spec.process;
    if (process.usesShell())
        job["command"_L1] = process.shellCommand;
    else
        job["argv"_L1] = toArray(QStringList {process.program} + process.arguments);
    if (!process.workingDirectory.isEmpty())
        job["cwd"_L1] = process.workingDirectory;
    if (!process.environment.isEmpty()) {
        QJsonObject env;
        for (auto it = process.environment.cbegin(); it != process.environment.cend(); ++it)
            env[it.key()] = it.value();
        job["env"_L1] = env;
    }
    const RetryPolicy &retry = spec.retry;
    job["max_attempts"_L1] = retry.maxAttempts;
    job["timeout_ms"_L1] = qint64(spec.timeout.count());
    job["backoff"_L1] = backoffName(retry.backoff);
    job["initial_delay_ms"_L1] = qint64(retry.initialDelay.count());
    job["max_delay_ms"_L1] = qint64(retry.maxDelay.count());
    job["factor"_L1] = retry.factor;
    job["jitter"_L1] = retry.jitter;
    QJsonArray codes;
    for (int code : retry.permanentExitCodes)
        codes.append(code);
    job["no_retry_exit"_L1] = codes;
    if (!spec.resources.isEmpty())
        job["resources"_L1] = resourcesToJson(spec.resources);
    return job;
}

bool jobSpecFromJson(const QJsonObject &object, JobSpec *spec, QString *error)
{
    JobSpec job;
    job.seq = object.value("seq"_L1).toInt();
    job.name = object.value("name"_L1).toString();
    if (object.contains("command"_L1)) {
        job.process.shellCommand = object.value("command"_L1).toString();
    } else {
        const QJsonArray argv = object.value("argv"_L1).toArray();
        if (argv.isEmpty() || !argv.first().isString()) {
            *error = u"job %1: neither \"command\" nor \"argv\""_s.arg(job.seq);
            return false;
        }
        job.process.program = argv.first().toString();
        for (qsizetype i = 1; i < argv.size(); ++i)
            job.process.arguments.append(argv[i].toString());
    }
    job.process.workingDirectory = object.value("cwd"_L1).toString();
    const QJsonObject env = object.value("env"_L1).toObject();
    for (auto it = env.begin(); it != env.end(); ++it)
        job.process.environment.insert(it.key(), it.value().toString());
    RetryPolicy &retry = job.retry;
    retry.maxAttempts = object.value("max_attempts"_L1).toInt(retry.maxAttempts);
    job.timeout = std::chrono::milliseconds(object.value("timeout_ms"_L1).toInteger());
    if (!parseBackoffName(object.value("backoff"_L1).toString(u"none"_s), &retry.backoff)) {
        *error = u"job %1: unknown backoff \"%2\""_s.arg(job.seq).arg(
            object.value("backoff"_L1).toString());
        return false;
    }
    retry.initialDelay = std::chrono::milliseconds(
        object.value("initial_delay_ms"_L1).toInteger(retry.initialDelay.count()));
    retry.maxDelay = std::chrono::milliseconds(
        object.value("max_delay_ms"_L1).toInteger(retry.maxDelay.count()));
    retry.factor = object.value("factor"_L1).toDouble(retry.factor);
    retry.jitter = object.value("jitter"_L1).toBool();
    for (const QJsonValue code : object.value("no_retry_exit"_L1).toArray())
        retry.permanentExitCodes.append(code.toInt());
    job.resources = resourcesFromJson(object.value("resources"_L1).toObject());
    if (job.seq <= 0) {
        *error = u"a job without a \"seq\""_s;
        return false;
    }
    *spec = std::move(job);
    return true;
}

QJsonObject RunInfo::toJson() const
{
    QJsonObject object;
    object["format"_L1] = 1;
    object["version"_L1] = version;
    object["list"_L1] = listPath;
    object["list_sha256"_L1] = listSha256;
    object["backend"_L1] = backend;
    object["host"_L1] = host;
    object["pid"_L1] = pid;
    object["started_us"_L1] = startedUs;
    object["workers"_L1] = workers;
    object["options"_L1] = options;
    QJsonArray array;
    for (const JobSpec &job : jobs)
        array.append(jobSpecToJson(job));
    object["jobs"_L1] = array;
    return object;
}

bool RunInfo::fromJson(const QJsonObject &object, RunInfo *info, QString *error)
{
    if (object.value("format"_L1).toInt() != 1) {
        *error = u"unknown format %1 (expected 1)"_s.arg(object.value("format"_L1).toInt());
        return false;
    }
    RunInfo result;
    result.version = object.value("version"_L1).toString();
    result.listPath = object.value("list"_L1).toString();
    result.listSha256 = object.value("list_sha256"_L1).toString();
    result.backend = object.value("backend"_L1).toString(u"local"_s);
    result.host = object.value("host"_L1).toString();
    result.pid = object.value("pid"_L1).toInteger();
    result.startedUs = object.value("started_us"_L1).toInteger();
    result.workers = object.value("workers"_L1).toInt();
    result.options = object.value("options"_L1).toObject();
    const QJsonArray jobs = object.value("jobs"_L1).toArray();
    result.jobs.reserve(jobs.size());
    for (const QJsonValue job : jobs) {
        JobSpec spec;
        if (!jobSpecFromJson(job.toObject(), &spec, error))
            return false;
        result.jobs.append(std::move(spec));
    }
    *info = std::move(result);
    return true;
}

QString fileSha256(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    QCryptographicHash hash(QCryptographicHash::Sha256);
    if (!hash.addData(&file))
        return {};
    return QString::fromLatin1(hash.result().toHex());
}

} // namespace requeue
