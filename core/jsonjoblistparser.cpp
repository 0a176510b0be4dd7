#include "jsonjoblistparser.h"

#include "jsontokenizer.h"
#include "parsehelpers_p.h"
#include "specparsers.h"

#include <QMap>

#include <algorithm>
#include <climits>
#include <deque>
#include <optional>
#include <vector>

using namespace Qt::StringLiterals;

namespace requeue {

namespace {

using detail::describe;
using detail::JsonValue;

// A new field needs a member here, an entry in Field and fieldNames, a case in
// parseField (type and range) and a line in makeEntry (into the JobSpec).

// The fields of a job or of "defaults", as far as the file set them.
struct Fields
{
    qsizetype offset = 0; // of the object's '{'
    std::optional<QString> command;
    std::optional<QStringList> argv;
    std::optional<QString> name;
    std::optional<QString> cwd;
    std::optional<QMap<QString, QString>> env;
    std::optional<int> maxAttempts;
    std::optional<std::chrono::milliseconds> timeout;
    std::optional<RetryPolicy> backoff; // only the backoff members are meaningful
    std::optional<bool> jitter;
    std::optional<QList<int>> noRetryExit;
    // Cluster resources (the Slurm backend); cpus, mem and time per attempt.
    std::optional<QStringList> cpus;
    std::optional<QStringList> mem;
    std::optional<QStringList> time;
    std::optional<QString> partition;
    std::optional<QString> account;
    std::optional<QString> qos;
    std::optional<QString> gpus;
    std::optional<QStringList> sbatchArgs;
};

enum class Field {
    Command,
    Argv,
    Name,
    Cwd,
    Env,
    MaxAttempts,
    Timeout,
    Backoff,
    Jitter,
    NoRetryExit,
    Cpus,
    Mem,
    Time,
    Partition,
    Account,
    Qos,
    Gpus,
    SbatchArgs,
    Unknown
};

struct FieldName
{
    QLatin1StringView name;
    Field field;
};

constexpr FieldName fieldNames[] = {
    {"command"_L1, Field::Command}, {"argv"_L1, Field::Argv},
    {"name"_L1, Field::Name},       {"cwd"_L1, Field::Cwd},
    {"env"_L1, Field::Env},         {"max_attempts"_L1, Field::MaxAttempts},
    {"timeout"_L1, Field::Timeout}, {"backoff"_L1, Field::Backoff},
    {"jitter"_L1, Field::Jitter},   {"no_retry_exit"_L1, Field::NoRetryExit},
    {"cpus"_L1, Field::Cpus},       {"mem"_L1, Field::Mem},
    {"time"_L1, Field::Time},       {"partition"_L1, Field::Partition},
    {"account"_L1, Field::Account}, {"qos"_L1, Field::Qos},
    {"gpus"_L1, Field::Gpus},       {"sbatch_args"_L1, Field::SbatchArgs},
};

using ResourceCheck = ClusterResourceCheck;

// The check for a resource value, and where it goes.
ResourceCheck resourceCheck(Field field)
{
    switch (field) {
    case Field::Cpus:
        return &ClusterResources::checkCpus;
    case Field::Mem:
        return &ClusterResources::checkMemory;
    case Field::Time:
        return &ClusterResources::checkTime;
    case Field::Partition:
    case Field::Account:
    case Field::Qos:
        return &ClusterResources::checkName;
    default:
        return nullptr;
    }
}

std::optional<QStringList> *perAttemptResource(Field field, Fields *fields)
{
    switch (field) {
    case Field::Cpus:
        return &fields->cpus;
    case Field::Mem:
        return &fields->mem;
    case Field::Time:
        return &fields->time;
    default:
        return nullptr;
    }
}

std::optional<QString> *namedResource(Field field, Fields *fields)
{
    switch (field) {
    case Field::Partition:
        return &fields->partition;
    case Field::Account:
        return &fields->account;
    case Field::Qos:
        return &fields->qos;
    case Field::Gpus:
        return &fields->gpus;
    default:
        return nullptr;
    }
}

Field fieldFor(const QString &key)
{
    for (const FieldName &entry : fieldNames) {
        if (key == entry.name)
            return entry.field;
    }
    return Field::Unknown;
}

// Levenshtein distance, for "did you mean" hints on short keys.
int editDistance(QStringView a, QStringView b)
{
    if (a.size() > 40 || b.size() > 40)
        return INT_MAX;
    std::vector<int> row(size_t(b.size()) + 1);
    for (size_t j = 0; j < row.size(); ++j)
        row[j] = int(j);
    for (qsizetype i = 1; i <= a.size(); ++i) {
        int diagonal = row[0];
        row[0] = int(i);
        for (qsizetype j = 1; j <= b.size(); ++j) {
            const int above = row[size_t(j)];
            row[size_t(j)] = std::min(
                {above + 1, row[size_t(j - 1)] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = above;
        }
    }
    return row.back();
}

// The known name closest to `key` (at most two edits away), or empty.
QLatin1StringView closestName(const QString &key, const QList<QLatin1StringView> &known)
{
    QLatin1StringView best;
    int bestDistance = 3;
    for (QLatin1StringView candidate : known) {
        const int distance = editDistance(key, QString(candidate));
        if (distance < bestDistance) {
            bestDistance = distance;
            best = candidate;
        }
    }
    return best;
}

// "unknown field "x"", then a "did you mean" for a near miss, else `hint`.
QString unknownFieldMessage(const QString &key, const QList<QLatin1StringView> &known,
                            const QString &where, const QString &hint = QString())
{
    QString message = u"unknown field "_s + detail::quoted(key) + where;
    const QLatin1StringView best = closestName(key, known);
    if (!best.isEmpty())
        message += u" (did you mean \""_s + best + u"\"?)"_s;
    else
        message += hint;
    return message;
}

// The job-list schema over a JsonTokenizer: which fields a job and "defaults"
// have, their types and ranges, and how they become JobSpecs.
class JsonJobListSchema
{
public:
    JsonJobListSchema(const QByteArray &data, const QString &fileName)
        : m_json(data, fileName)
        , m_fileName(fileName)
    { }

    JobList parse();

private:
    void parseTop();
    void parseJobs(int depth);
    bool parseFields(Fields *fields, int depth, bool isDefaults);
    bool parseField(Field field, const QString &key, Fields *fields, int depth);
    bool readStringArray(const QString &key, QStringList *out, int depth);
    bool readEnv(QMap<QString, QString> *out, int depth);
    bool readExitCodes(QList<int> *out, int depth);
    // A resource value: a string (or a number, for cpus and gpus) checked with
    // `check`. Returns false once the file cannot be read on; a bad value is
    // reported and leaves `out` empty.
    bool readResourceValue(const QString &key, ResourceCheck check, QString *out, int depth);
    bool readResourceList(const QString &key, ResourceCheck check, QStringList *out, int depth);
    void makeEntry(Fields &job, int seq, JobListEntry *entry) const; // moves from `job`

    detail::JsonTokenizer m_json;
    QString m_fileName;
    std::deque<Fields> m_jobs; // a deque: growing it moves nothing
    Fields m_defaults;
    bool m_sawJobs = false;
};

JobList JsonJobListSchema::parse()
{
    JobList list;
    list.path = m_fileName;
    m_json.skipWhitespace();
    if (m_json.atEnd()) {
        list.errors.append(JobFileError {m_fileName, 0, 0, u"no jobs found (the file is empty)"_s});
        list.errorCount = 1;
        return list;
    }
    parseTop();
    m_json.expectEnd();
    if (!m_json.hasErrors() && m_jobs.empty())
        m_json.error(-1, u"no jobs found"_s);
    if (m_json.hasErrors()) {
        list.errors = m_json.resolveErrors();
        list.errorCount = m_json.errorCount();
        list.errorCountIsLowerBound = m_json.stopped();
        return list;
    }
    list.jobs.resize(qsizetype(m_jobs.size()));
    for (size_t i = 0; i < m_jobs.size(); ++i)
        makeEntry(m_jobs[i], int(i) + 1, &list.jobs[qsizetype(i)]);
    return list;
}

void JsonJobListSchema::parseTop()
{
    m_json.skipWhitespace();
    const char c = m_json.peek();
    if (c == '[') {
        parseJobs(1);
        return;
    }
    if (c != '{') {
        JsonValue value;
        if (m_json.readValue(&value, 1)) {
            m_json.error(value.offset,
                         u"expected an array of jobs or an object with \"jobs\", got "_s
                             + describe(value));
        }
        return;
    }
    const qsizetype objectOffset = m_json.offset();
    bool sawDefaults = false;
    const QList<QLatin1StringView> known {"defaults"_L1, "jobs"_L1};
    const bool ok = m_json.forEachMember(1, [&](const QString &key, qsizetype keyOffset) {
        if (key == "jobs"_L1 || key == "defaults"_L1) {
            bool &seen = key == "jobs"_L1 ? m_sawJobs : sawDefaults;
            if (seen)
                m_json.error(keyOffset, u"duplicate field "_s + detail::quoted(key));
            seen = true;
            m_json.skipWhitespace();
            const char open = m_json.peek();
            if (key == "jobs"_L1 && open == '[' && !m_json.atEnd()) {
                parseJobs(2);
                return !m_json.stopped();
            }
            if (key == "defaults"_L1 && open == '{' && !m_json.atEnd()) {
                Fields defaults;
                defaults.offset = m_json.offset();
                if (!parseFields(&defaults, 2, true))
                    return false;
                m_defaults = std::move(defaults);
                return true;
            }
            JsonValue value;
            if (!m_json.readValue(&value, 2))
                return false;
            if (key == "jobs"_L1)
                m_json.error(value.offset,
                             u"\"jobs\" must be an array of jobs, got "_s + describe(value));
            else
                m_json.error(value.offset,
                             u"\"defaults\" must be an object, got "_s + describe(value));
            return !m_json.stopped();
        }
        m_json.error(keyOffset,
                     unknownFieldMessage(key, known, QString(),
                                         u" (a job list object has \"jobs\" and "
                                         "optionally \"defaults\")"_s));
        JsonValue ignored;
        return m_json.readValue(&ignored, 2) && !m_json.stopped();
    });
    if (ok && !m_sawJobs)
        m_json.error(objectOffset, u"the object has no \"jobs\" array"_s);
}

void JsonJobListSchema::parseJobs(int depth)
{
    m_json.forEachItem(depth, [&] {
        m_json.skipWhitespace();
        if (m_json.peek() == '{' && !m_json.atEnd()) {
            Fields job;
            job.offset = m_json.offset();
            if (!parseFields(&job, depth + 1, false))
                return false;
            m_jobs.push_back(std::move(job));
            return true;
        }
        JsonValue value;
        if (!m_json.readValue(&value, depth + 1))
            return false;
        m_json.error(value.offset, u"a job must be an object, got "_s + describe(value));
        m_jobs.emplace_back(); // keeps the count right for later messages
        return !m_json.stopped();
    });
}

bool JsonJobListSchema::parseFields(Fields *fields, int depth, bool isDefaults)
{
    quint32 seen = 0;
    qsizetype secondCommandOffset = -1;
    bool misspeltCommand = false;
    static const QList<QLatin1StringView> jobKeys = [] {
        QList<QLatin1StringView> keys;
        for (const FieldName &entry : fieldNames)
            keys.append(entry.name);
        return keys;
    }();
    static const QList<QLatin1StringView> defaultsKeys = [] {
        QList<QLatin1StringView> keys;
        for (const FieldName &entry : fieldNames) {
            if (entry.field != Field::Command && entry.field != Field::Argv
                && entry.field != Field::Name) {
                keys.append(entry.name);
            }
        }
        return keys;
    }();

    const bool ok = m_json.forEachMember(depth, [&](const QString &key, qsizetype keyOffset) {
        const Field field = fieldFor(key);
        JsonValue ignored;
        if (field == Field::Unknown) {
            const QList<QLatin1StringView> &known = isDefaults ? defaultsKeys : jobKeys;
            m_json.error(
                keyOffset,
                unknownFieldMessage(key, known, isDefaults ? u" in \"defaults\""_s : QString()));
            // "comand" already explains why the job has no command.
            const QLatin1StringView meant = closestName(key, known);
            misspeltCommand = misspeltCommand || meant == "command"_L1 || meant == "argv"_L1;
            return m_json.readValue(&ignored, depth + 1) && !m_json.stopped();
        }
        if (isDefaults
            && (field == Field::Command || field == Field::Argv || field == Field::Name)) {
            m_json.error(keyOffset,
                         detail::quoted(key)
                             + u" cannot be in \"defaults\" (set it on each job)"_s);
            return m_json.readValue(&ignored, depth + 1) && !m_json.stopped();
        }
        const quint32 bit = 1u << int(field);
        if (seen & bit) {
            m_json.error(keyOffset, u"duplicate field "_s + detail::quoted(key));
            return m_json.readValue(&ignored, depth + 1) && !m_json.stopped();
        }
        seen |= bit;
        if ((field == Field::Command || field == Field::Argv) && secondCommandOffset < 0
            && (seen & (1u << int(Field::Command))) && (seen & (1u << int(Field::Argv)))) {
            secondCommandOffset = keyOffset;
        }
        return parseField(field, key, fields, depth) && !m_json.stopped();
    });
    if (!ok)
        return false;
    if (!isDefaults) {
        if (secondCommandOffset >= 0) {
            m_json.error(secondCommandOffset,
                         u"a job has either \"command\" or \"argv\", not both"_s);
        } else if (!(seen & (1u << int(Field::Command))) && !(seen & (1u << int(Field::Argv)))
                   && !misspeltCommand) {
            m_json.error(fields->offset,
                         u"the job has no \"command\" (a shell command) or \"argv\" "
                         "(a program and its arguments)"_s);
        }
    }
    return !m_json.stopped();
}

bool JsonJobListSchema::parseField(Field field, const QString &key, Fields *fields, int depth)
{
    const auto name = [&key] {
        return detail::quoted(key);
    }; // only for messages
    // Checks a string that ends up in a process: no NUL, and not empty.
    const auto checkText = [&](const JsonValue &value) {
        QString problem;
        if (value.text.contains(QChar(0)))
            problem = name() + u" must not contain a NUL character"_s;
        else if (std::all_of(value.text.cbegin(), value.text.cend(),
                             [](QChar c) { return c.isSpace(); }))
            problem = name() + u" must not be empty"_s;
        else
            return true;
        m_json.error(value.offset, problem);
        return false;
    };

    m_json.skipWhitespace();
    const char open = m_json.atEnd() ? '\0' : m_json.peek();
    switch (field) {
    case Field::Argv:
        if (open == '[') {
            QStringList argv;
            if (!readStringArray(key, &argv, depth + 1))
                return false;
            fields->argv = std::move(argv);
            return true;
        }
        break;
    case Field::Env:
        if (open == '{') {
            QMap<QString, QString> env;
            if (!readEnv(&env, depth + 1))
                return false;
            fields->env = std::move(env);
            return true;
        }
        break;
    case Field::NoRetryExit:
        if (open == '[') {
            QList<int> codes;
            if (!readExitCodes(&codes, depth + 1))
                return false;
            fields->noRetryExit = std::move(codes);
            return true;
        }
        break;
    case Field::Cpus:
    case Field::Mem:
    case Field::Time: {
        QStringList values;
        const bool ok = open == '['
            ? readResourceList(key, resourceCheck(field), &values, depth + 1)
            : readResourceValue(key, resourceCheck(field), &values.emplace_back(), depth);
        values.removeAll(QString());
        if (ok && !values.isEmpty())
            *perAttemptResource(field, fields) = std::move(values);
        return ok;
    }
    case Field::Partition:
    case Field::Account:
    case Field::Qos:
    case Field::Gpus: {
        QString value;
        const bool ok = readResourceValue(key, resourceCheck(field), &value, depth);
        if (ok && !value.isEmpty())
            *namedResource(field, fields) = std::move(value);
        return ok;
    }
    case Field::SbatchArgs:
        if (open == '[') {
            QStringList args;
            if (!readResourceList(key, nullptr, &args, depth + 1))
                return false;
            fields->sbatchArgs = std::move(args);
            return true;
        }
        break;
    default:
        break;
    }

    JsonValue value;
    if (!m_json.readValue(&value, depth + 1))
        return false;
    const auto wrongType = [&](const QString &expected) {
        return m_json.error(value.offset,
                            name() + u" must be "_s + expected + u", got "_s + describe(value));
    };
    QString problem;
    switch (field) {
    case Field::Command:
        if (value.kind != JsonValue::String)
            return wrongType(u"a string"_s);
        if (checkText(value))
            fields->command = value.text;
        return true;
    case Field::Name:
        if (value.kind != JsonValue::String)
            return wrongType(u"a string"_s);
        if (checkText(value))
            fields->name = value.text;
        return true;
    case Field::Cwd:
        if (value.kind != JsonValue::String)
            return wrongType(u"a string (a directory)"_s);
        if (checkText(value))
            fields->cwd = value.text;
        return true;
    case Field::Argv:
        return wrongType(u"an array of strings (a program and its arguments)"_s);
    case Field::Env:
        return wrongType(u"an object of strings"_s);
    case Field::NoRetryExit:
        return wrongType(u"an array of exit codes (whole numbers from 0 to 255)"_s);
    case Field::MaxAttempts: {
        const QString &t = value.text;
        const bool whole = value.kind == JsonValue::Number && !t.startsWith(u'-')
            && std::all_of(t.begin(), t.end(), [](QChar c) { return c.isDigit(); });
        const bool negativeZero = value.kind == JsonValue::Number && t == u"-0"_s;
        if (!whole && !negativeZero)
            return wrongType(u"a whole number >= 0"_s);
        bool ok = false;
        const qint64 attempts = t.size() > 12 ? -1 : t.toLongLong(&ok);
        if (!ok || attempts > INT_MAX) {
            return m_json.error(value.offset,
                                name() + u" is too large (at most %1), got "_s.arg(INT_MAX)
                                    + describe(value));
        }
        fields->maxAttempts = int(attempts);
        return true;
    }
    case Field::Timeout:
        if (value.kind != JsonValue::String)
            return wrongType(u"a duration string like \"30s\""_s);
        if (const auto timeout = parseDuration(value.text, &problem))
            fields->timeout = *timeout;
        else
            return m_json.error(value.offset, name() + u": "_s + problem);
        return true;
    case Field::Backoff: {
        if (value.kind != JsonValue::String)
            return wrongType(u"a string like \"exp:100ms:30s\""_s);
        RetryPolicy policy;
        if (!parseBackoff(value.text, &policy, &problem)) {
            return m_json.error(value.offset, name() + u": "_s + problem);
        }
        fields->backoff = policy;
        return true;
    }
    case Field::Jitter:
        if (value.kind != JsonValue::True && value.kind != JsonValue::False)
            return wrongType(u"true or false"_s);
        fields->jitter = value.kind == JsonValue::True;
        return true;
    case Field::SbatchArgs:
        return wrongType(u"an array of strings (arguments for sbatch)"_s);
    case Field::Cpus:
    case Field::Mem:
    case Field::Time:
    case Field::Partition:
    case Field::Account:
    case Field::Qos:
    case Field::Gpus:
    case Field::Unknown:
        break;
    }
    Q_UNREACHABLE();
    return false;
}

bool JsonJobListSchema::readResourceValue(const QString &key, ResourceCheck check, QString *out,
                                          int depth)
{
    JsonValue value;
    if (!m_json.readValue(&value, depth + 1))
        return false;
    const bool numberAllowed = check == &ClusterResources::checkCpus || !check;
    if (value.kind != JsonValue::String && !(numberAllowed && value.kind == JsonValue::Number)) {
        m_json.error(value.offset,
                     detail::quoted(key) + u" must be a string"_s
                         + (numberAllowed ? u" or a number"_s : QString()) + u", got "_s
                         + describe(value));
        return !m_json.stopped();
    }
    QString problem;
    if (value.text.contains(QChar(0)))
        problem = u"must not contain a NUL character"_s;
    else if (check && !check(value.text, &problem))
        problem += u", got "_s + describe(value);
    if (!problem.isEmpty()) {
        m_json.error(value.offset, detail::quoted(key) + u": "_s + problem);
        return !m_json.stopped();
    }
    *out = value.text;
    return true;
}

bool JsonJobListSchema::readResourceList(const QString &key, ResourceCheck check, QStringList *out,
                                         int depth)
{
    const qsizetype arrayOffset = m_json.offset();
    const bool ok = m_json.forEachItem(depth, [&] {
        QString value;
        if (!readResourceValue(key, check, &value, depth))
            return false;
        out->append(value);
        return !m_json.stopped();
    });
    if (ok && out->isEmpty() && check)
        m_json.error(arrayOffset, detail::quoted(key) + u" must not be an empty list"_s);
    return ok && !m_json.stopped();
}

bool JsonJobListSchema::readStringArray(const QString &key, QStringList *out, int depth)
{
    const qsizetype arrayOffset = m_json.offset();
    int index = 0;
    const bool ok = m_json.forEachItem(depth, [&] {
        JsonValue value;
        if (!m_json.readValue(&value, depth + 1))
            return false;
        if (value.kind != JsonValue::String) {
            m_json.error(value.offset,
                         detail::quoted(key) + u" items must be strings, got "_s + describe(value));
        } else if (value.text.contains(QChar(0))) {
            m_json.error(value.offset,
                         detail::quoted(key) + u" items must not contain a NUL character"_s);
        } else if (index == 0 && value.text.isEmpty()) {
            m_json.error(value.offset,
                         u"the program (the first item of "_s + detail::quoted(key)
                             + u") must not be empty"_s);
        }
        out->append(value.text);
        ++index;
        return !m_json.stopped();
    });
    if (ok && out->isEmpty()) {
        m_json.error(arrayOffset,
                     detail::quoted(key) + u" must not be empty (it needs at least a program)"_s);
    }
    return ok && !m_json.stopped();
}

bool JsonJobListSchema::readEnv(QMap<QString, QString> *out, int depth)
{
    return m_json.forEachMember(depth, [&](const QString &key, qsizetype keyOffset) {
        JsonValue value;
        if (!m_json.readValue(&value, depth + 1))
            return false;
        if (key.isEmpty() || key.contains(u'=') || key.contains(QChar(0))) {
            m_json.error(keyOffset, u"invalid environment variable name "_s + detail::quoted(key));
        } else if (value.kind != JsonValue::String) {
            m_json.error(value.offset, u"\"env\" values must be strings, got "_s + describe(value));
        } else if (value.text.contains(QChar(0))) {
            m_json.error(value.offset, u"\"env\" values must not contain a NUL character"_s);
        } else if (out->contains(key)) {
            m_json.error(keyOffset, u"duplicate environment variable "_s + detail::quoted(key));
        } else {
            out->insert(key, value.text);
        }
        return !m_json.stopped();
    });
}

bool JsonJobListSchema::readExitCodes(QList<int> *out, int depth)
{
    return m_json.forEachItem(depth, [&] {
        JsonValue value;
        if (!m_json.readValue(&value, depth + 1))
            return false;
        const QString &t = value.text;
        const bool whole = value.kind == JsonValue::Number && t.size() <= 3
            && std::all_of(t.begin(), t.end(), [](QChar c) { return c.isDigit(); });
        const int code = whole ? t.toInt() : -1;
        if (code < 0 || code > 255) {
            m_json.error(value.offset,
                         u"\"no_retry_exit\" items must be whole numbers from 0 to 255, got "_s
                             + describe(value));
        } else if (!out->contains(code)) {
            out->append(code);
        }
        return !m_json.stopped();
    });
}

void JsonJobListSchema::makeEntry(Fields &job, int seq, JobListEntry *entry) const
{
    JobSpec &spec = entry->spec;
    spec.seq = seq;
    entry->named = job.name.has_value();
    spec.name = job.name ? std::move(*job.name) : QString::number(seq);
    if (job.command) {
        spec.process.shellCommand = std::move(*job.command);
    } else if (job.argv && !job.argv->isEmpty()) {
        spec.process.program = job.argv->front();
        spec.process.arguments = job.argv->mid(1);
    }
    if (job.cwd)
        spec.process.workingDirectory = std::move(*job.cwd);
    else if (m_defaults.cwd)
        spec.process.workingDirectory = *m_defaults.cwd;
    if (m_defaults.env)
        spec.process.environment = *m_defaults.env;
    if (job.env) {
        for (auto it = job.env->cbegin(); it != job.env->cend(); ++it)
            spec.process.environment.insert(it.key(), it.value());
    }

    // The job's own setting, else the default one, else null.
    const auto pick = [this, &job](auto member) {
        const auto &own = job.*member;
        const auto &fallback = m_defaults.*member;
        return own ? &*own : fallback ? &*fallback : nullptr;
    };
    if (const int *maxAttempts = pick(&Fields::maxAttempts)) {
        spec.retry.maxAttempts = *maxAttempts;
        entry->setsMaxAttempts = true;
    }
    if (const auto *timeout = pick(&Fields::timeout)) {
        spec.timeout = *timeout;
        entry->setsTimeout = true;
    }
    if (const RetryPolicy *backoff = pick(&Fields::backoff)) {
        spec.retry.backoff = backoff->backoff;
        spec.retry.initialDelay = backoff->initialDelay;
        spec.retry.maxDelay = backoff->maxDelay;
        spec.retry.factor = backoff->factor;
        entry->setsBackoff = true;
    }
    if (const bool *jitter = pick(&Fields::jitter)) {
        spec.retry.jitter = *jitter;
        entry->setsJitter = true;
    }
    if (const QList<int> *codes = pick(&Fields::noRetryExit)) {
        spec.retry.permanentExitCodes = *codes;
        entry->setsNoRetryExit = true;
    }
    ClusterResources &resources = spec.resources;
    const auto take = [&pick](auto member, auto *into) {
        if (const auto *value = pick(member))
            *into = *value;
    };
    take(&Fields::cpus, &resources.cpus);
    take(&Fields::mem, &resources.mem);
    take(&Fields::time, &resources.time);
    take(&Fields::partition, &resources.partition);
    take(&Fields::account, &resources.account);
    take(&Fields::qos, &resources.qos);
    take(&Fields::gpus, &resources.gpus);
    take(&Fields::sbatchArgs, &resources.sbatchArgs);
}

} // namespace

JobList parseJsonJobList(const QByteArray &data, const QString &fileName)
{
    JsonJobListSchema schema(data, fileName);
    return schema.parse();
}

} // namespace requeue
