#include "runinfo.h"

#include "jsonwriter.h"

#include <QCryptographicHash>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

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

void writeStrings(JsonWriter &json, const QStringList &strings)
{
    json.beginArray();
    for (const QString &s : strings)
        json.value(s);
    json.endArray();
}

} // namespace

namespace {

// A cluster job's resources, as the Slurm executor reads them on resume.
void writeResources(JsonWriter &json, const ClusterResources &r)
{
    json.beginObject();
    const auto putList = [&](QLatin1StringView key, const QStringList &values) {
        if (!values.isEmpty())
            writeStrings(json.key(key), values);
    };
    const auto putText = [&](QLatin1StringView key, const QString &value) {
        if (!value.isEmpty())
            json.key(key).value(value);
    };
    putList("cpus"_L1, r.cpus);
    putList("mem"_L1, r.mem);
    putList("time"_L1, r.time);
    putText("partition"_L1, r.partition);
    putText("account"_L1, r.account);
    putText("qos"_L1, r.qos);
    putText("gpus"_L1, r.gpus);
    putList("sbatch_args"_L1, r.sbatchArgs);
    json.endObject();
}

void writeJobSpec(JsonWriter &json, const JobSpec &spec)
{
    json.beginObject();
    json.key("seq"_L1).value(qint64(spec.seq));
    json.key("name"_L1).value(spec.name);
    const ProcessSpec &process = spec.process;
    if (process.usesShell())
        json.key("command"_L1).value(process.shellCommand);
    else
        writeStrings(json.key("argv"_L1), QStringList {process.program} + process.arguments);
    if (!process.workingDirectory.isEmpty())
        json.key("cwd"_L1).value(process.workingDirectory);
    if (!process.environment.isEmpty()) {
        json.key("env"_L1).beginObject();
        for (auto it = process.environment.cbegin(); it != process.environment.cend(); ++it)
            json.key(it.key()).value(it.value());
        json.endObject();
    }
    const RetryPolicy &retry = spec.retry;
    json.key("max_attempts"_L1).value(qint64(retry.maxAttempts));
    json.key("timeout_ms"_L1).value(qint64(spec.timeout.count()));
    json.key("backoff"_L1).value(backoffName(retry.backoff));
    json.key("initial_delay_ms"_L1).value(qint64(retry.initialDelay.count()));
    json.key("max_delay_ms"_L1).value(qint64(retry.maxDelay.count()));
    json.key("factor"_L1).value(retry.factor);
    json.key("jitter"_L1).value(retry.jitter);
    json.key("no_retry_exit"_L1).beginArray();
    for (int code : retry.permanentExitCodes)
        json.value(qint64(code));
    json.endArray();
    if (!spec.resources.isEmpty())
        writeResources(json.key("resources"_L1), spec.resources);
    json.endObject();
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
    JsonWriter json;
    writeJobSpec(json, spec);
    return QJsonDocument::fromJson(json.text()).object();
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

QByteArray RunInfo::toJsonText() const
{
    // A field per line, and a job per line: a list of 100,000 jobs stays a
    // file a person can page through and grep.
    JsonWriter json;
    json.beginObject().lineBreak(4);
    json.key("format"_L1).value(qint64(1)).lineBreak(4);
    json.key("version"_L1).value(version).lineBreak(4);
    json.key("list"_L1).value(listPath).lineBreak(4);
    json.key("list_sha256"_L1).value(listSha256).lineBreak(4);
    json.key("backend"_L1).value(backend).lineBreak(4);
    json.key("host"_L1).value(host).lineBreak(4);
    json.key("pid"_L1).value(pid).lineBreak(4);
    json.key("started_us"_L1).value(startedUs).lineBreak(4);
    json.key("workers"_L1).value(qint64(workers)).lineBreak(4);
    json.key("options"_L1).rawValue(QJsonDocument(options).toJson(QJsonDocument::Compact));
    json.lineBreak(4).key("jobs"_L1).beginArray();
    for (const JobSpec &job : jobs)
        writeJobSpec(json.lineBreak(8), job);
    json.lineBreak(4).endArray().lineBreak(0).endObject();
    return json.text() + '\n';
}

QJsonObject RunInfo::toJson() const
{
    return QJsonDocument::fromJson(toJsonText()).object();
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
