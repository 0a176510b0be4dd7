// libFuzzer target for parseJsonJobList (core/jsonjoblistparser.h).
//
// Besides jobfile.h's invariants, a list the parser accepts is checked against
// QJsonDocument: it must be valid JSON, and the jobs, commands, names and argv
// must be what Qt's own parser reads from it.

#include "fuzzcheck.h"
#include "jsonjoblistparser.h"
#include "specparsers.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QJsonValue>
#include <QSet>

#include <cstddef>
#include <cstdint>

using namespace Qt::StringLiterals;

namespace requeue::fuzz {
namespace {

const QString fileName = u"fuzz.json"_s;

void checkRetry(const JobListEntry &entry)
{
    const RetryPolicy &retry = entry.spec.retry;
    FUZZ_CHECK(entry.spec.timeout >= std::chrono::milliseconds(0));
    FUZZ_CHECK(entry.spec.timeout <= MaxParsedDuration);
    FUZZ_CHECK(retry.initialDelay >= std::chrono::milliseconds(0));
    if (retry.backoff == RetryPolicy::Backoff::Exponential) {
        FUZZ_CHECK(retry.initialDelay > std::chrono::milliseconds(0));
        FUZZ_CHECK(retry.maxDelay >= retry.initialDelay);
        FUZZ_CHECK(retry.factor > 1.0 && retry.factor <= 100.0);
    }
    QSet<int> seen;
    for (int code : retry.permanentExitCodes) {
        FUZZ_CHECK(code >= 0 && code <= 255);
        FUZZ_CHECK(!seen.contains(code));
        seen.insert(code);
    }
}

// The accepted document, as Qt reads it, agrees with the parsed jobs.
void checkAgainstQtJson(const QByteArray &bytes, const JobList &list)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(bytes, &error);
    FUZZ_CHECK(error.error == QJsonParseError::NoError);
    QJsonArray jobs;
    if (document.isArray()) {
        jobs = document.array();
    } else {
        FUZZ_CHECK(document.isObject());
        const QJsonObject top = document.object();
        FUZZ_CHECK(top.value("jobs"_L1).isArray());
        jobs = top.value("jobs"_L1).toArray();
        for (auto it = top.begin(); it != top.end(); ++it)
            FUZZ_CHECK(it.key() == "jobs"_L1 || it.key() == "defaults"_L1);
    }
    FUZZ_CHECK(jobs.size() == list.jobs.size());
    for (qsizetype i = 0; i < jobs.size(); ++i) {
        FUZZ_CHECK(jobs.at(i).isObject());
        const QJsonObject job = jobs.at(i).toObject();
        const JobSpec &spec = list.jobs.at(i).spec;
        const QJsonValue name = job.value("name"_L1);
        FUZZ_CHECK(spec.name == (name.isString() ? name.toString() : QString::number(i + 1)));
        const QJsonValue command = job.value("command"_L1);
        const QJsonValue argv = job.value("argv"_L1);
        FUZZ_CHECK(command.isString() != argv.isArray());
        if (command.isString()) {
            FUZZ_CHECK(spec.process.shellCommand == command.toString());
            FUZZ_CHECK(!spec.process.shellCommand.trimmed().isEmpty());
            FUZZ_CHECK(spec.process.usesShell());
        } else {
            const QJsonArray items = argv.toArray();
            FUZZ_CHECK(!items.isEmpty());
            FUZZ_CHECK(spec.process.program == items.at(0).toString());
            FUZZ_CHECK(!spec.process.program.isEmpty());
            FUZZ_CHECK(spec.process.arguments.size() == items.size() - 1);
            for (qsizetype k = 1; k < items.size(); ++k)
                FUZZ_CHECK(spec.process.arguments.at(k - 1) == items.at(k).toString());
        }
        const QJsonValue attempts = job.value("max_attempts"_L1);
        if (attempts.isDouble())
            FUZZ_CHECK(spec.retry.maxAttempts == attempts.toInteger());
        const QJsonValue env = job.value("env"_L1);
        if (env.isObject()) {
            const QJsonObject vars = env.toObject();
            for (auto it = vars.begin(); it != vars.end(); ++it)
                FUZZ_CHECK(spec.process.environment.value(it.key()) == it.value().toString());
        }
    }
}

} // namespace
} // namespace requeue::fuzz

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    requeue::fuzz::trapOnQtWarnings();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    using namespace requeue;
    using namespace requeue::fuzz;

    const QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    const JobList list = parseJsonJobList(bytes, fileName);
    checkJobList(list, fileName);
    // Errors come in reading order, the whole-file ones last.
    for (qsizetype i = 1; i < list.errors.size(); ++i) {
        const JobFileError &a = list.errors.at(i - 1);
        const JobFileError &b = list.errors.at(i);
        if (b.line > 0) {
            FUZZ_CHECK(a.line > 0);
            FUZZ_CHECK(a.line < b.line || (a.line == b.line && a.column <= b.column));
        }
    }
    for (const JobFileError &error : list.errors)
        FUZZ_CHECK(error.line == 0 || error.column > 0);
    for (const JobListEntry &entry : list.jobs)
        checkRetry(entry);
    if (list.ok())
        checkAgainstQtJson(bytes, list);
    return 0;
}
