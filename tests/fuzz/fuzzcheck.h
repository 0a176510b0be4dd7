#pragma once

// Invariant checks shared by the libFuzzer targets. A broken invariant prints
// what broke and traps, so that libFuzzer keeps the input as a crash.

#include "jobfile.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QtGlobal>

#include <chrono>
#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(condition)                                                                      \
    do {                                                                                           \
        if (!(condition)) {                                                                        \
            std::fprintf(stderr, "FUZZ_CHECK failed: %s (%s:%d)\n", #condition, __FILE__,          \
                         __LINE__);                                                                \
            __builtin_trap();                                                                      \
        }                                                                                          \
    } while (false)

namespace requeue::fuzz {

// A Qt warning from the parsers is a bug too (a QString::arg() with a missing
// argument, an out-of-range index that Qt only reports): stop on it. Install
// once, from LLVMFuzzerInitialize.
inline void trapOnQtWarnings()
{
    qInstallMessageHandler([](QtMsgType type, const QMessageLogContext &, const QString &text) {
        std::fprintf(stderr, "Qt message: %s\n", qUtf8Printable(text));
        if (type != QtDebugMsg && type != QtInfoMsg)
            __builtin_trap();
    });
}

// Every parser error: names `file`, says something, and has a sane position
// (a column only together with a line).
inline void checkErrors(const QList<JobFileError> &errors, const QString &file)
{
    FUZZ_CHECK(errors.size() <= MaxJobFileErrors + 1); // + the "too many errors" one
    for (const JobFileError &error : errors) {
        FUZZ_CHECK(error.file == file);
        FUZZ_CHECK(!error.message.trimmed().isEmpty());
        // No half of a surrogate pair: it would print as U+FFFD, or not at all.
        FUZZ_CHECK(error.message.isValidUtf16());
        FUZZ_CHECK(error.line >= 0);
        FUZZ_CHECK(error.column >= 0);
        FUZZ_CHECK(error.line > 0 || error.column == 0);
        FUZZ_CHECK(!error.toString().isEmpty());
    }
}

// What jobfile.h promises of every JobList, whichever parser made it.
inline void checkJobList(const JobList &list, const QString &file)
{
    FUZZ_CHECK(list.path == file);
    checkErrors(list.errors, file);
    // "jobs: empty whenever errors is not", and no list is both empty and fine.
    FUZZ_CHECK(list.jobs.isEmpty() != list.errors.isEmpty());
    FUZZ_CHECK(list.ok() == list.errors.isEmpty());
    for (qsizetype i = 0; i < list.jobs.size(); ++i) {
        const JobSpec &spec = list.jobs.at(i).spec;
        FUZZ_CHECK(spec.seq == i + 1);
        FUZZ_CHECK(!spec.name.isEmpty());
        FUZZ_CHECK(!spec.isCallable());
        FUZZ_CHECK(!spec.process.shellCommand.contains(QChar(0)));
        FUZZ_CHECK(!spec.process.program.contains(QChar(0)));
        FUZZ_CHECK(spec.timeout.count() >= 0);
        FUZZ_CHECK(spec.retry.maxAttempts >= 0);
    }
}

} // namespace requeue::fuzz
