// libFuzzer target for the joblog reader (core/joblog.h).
//
// Each input is parsed in memory (parseJoblog) and used as a command that must
// survive escapeJoblogCommand / formatJoblogLine / parseJoblog unchanged.
//
// With FUZZ_JOBLOG_VIA_FILE=1 in the environment, each input is also written
// to a file and read back with readJoblog, whose chunked line splitting must
// agree with parseJoblog. That costs a 1 MiB read buffer per input (5 to 15
// times slower under ASan) and only differs from the in-memory path past 1 MiB,
// so it is off by default; turn it on with -max_len above 1048576.

#include "fuzzcheck.h"
#include "joblog.h"

#include <QFile>
#include <QStringDecoder>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>

#include <unistd.h>

using namespace Qt::StringLiterals;

namespace requeue::fuzz {
namespace {

// One file per fuzzing process, rewritten for every input. Fixed, so that
// nothing accumulates in /tmp however long the run is. Empty: no file round.
QString joblogPath;
const QString fileName = u"fuzz.joblog"_s;

void checkJoblog(const Joblog &log, const QString &file)
{
    FUZZ_CHECK(log.path == file);
    FUZZ_CHECK(log.ok() == log.errors.isEmpty());
    checkErrors(log.errors, file);
    for (const JobFileError &warning : log.warnings) {
        FUZZ_CHECK(warning.file == file);
        FUZZ_CHECK(!warning.message.trimmed().isEmpty());
        FUZZ_CHECK(warning.line >= 0 && warning.column >= 0);
    }
    for (auto it = log.jobs.cbegin(); it != log.jobs.cend(); ++it) {
        FUZZ_CHECK(it.key() == it->seq);
        FUZZ_CHECK(it->seq >= 1);
        FUZZ_CHECK(it->attempts >= 1);
        FUZZ_CHECK(it->line >= 2); // the header is line 1
        FUZZ_CHECK(it->lastSignal >= 0);
        if (it->lastExitValue == 0 && it->lastSignal == 0)
            FUZZ_CHECK(it->succeeded);
        FUZZ_CHECK(log.attemptedSeqs().contains(it->seq));
        FUZZ_CHECK(log.succeededSeqs().contains(it->seq) == it->succeeded);
    }
}

bool sameJobs(const Joblog &a, const Joblog &b)
{
    if (a.jobs.keys() != b.jobs.keys())
        return false;
    for (auto it = a.jobs.cbegin(); it != a.jobs.cend(); ++it) {
        const JoblogJob &x = it.value();
        const JoblogJob &y = b.jobs.value(it.key());
        if (x.seq != y.seq || x.attempts != y.attempts || x.lastExitValue != y.lastExitValue
            || x.lastSignal != y.lastSignal || x.succeeded != y.succeeded || x.command != y.command
            || x.line != y.line) {
            return false;
        }
    }
    return true;
}

void writeFile(const QByteArray &bytes)
{
    std::FILE *file = std::fopen(QFile::encodeName(joblogPath).constData(), "wb");
    FUZZ_CHECK(file);
    FUZZ_CHECK(std::fwrite(bytes.constData(), 1, size_t(bytes.size()), file)
               == size_t(bytes.size()));
    FUZZ_CHECK(std::fclose(file) == 0);
}

// A command written with formatJoblogLine reads back unchanged.
void checkRoundTrip(const uint8_t *data, size_t size)
{
    // As a job file would give it: text without NUL (both parsers refuse one).
    // QString::fromUtf8 would drop a leading U+FEFF, which a job may well have.
    QString command = QStringDecoder(QStringDecoder::Utf8, QStringDecoder::Flag::ConvertInitialBom)
                          .decode(QByteArrayView(data, qsizetype(size)));
    command.remove(QChar(0));
    FUZZ_CHECK(unescapeJoblogCommand(escapeJoblogCommand(command)) == command);

    // A realistic attempt, picked from the input's first bytes.
    const auto byteAt = [&](size_t i) {
        return i < size ? int(data[i]) : 0;
    };
    AttemptRecord record;
    record.outcome = AttemptOutcome(byteAt(0) % 7);
    record.exitCode = record.outcome == AttemptOutcome::Succeeded ? 0 : byteAt(1);
    record.signal = byteAt(2) % 65;
    record.startedUs = qint64(1'700'000'000) * 1'000'000 + byteAt(3) * 999'983;
    record.finishedUs = record.startedUs + qint64(byteAt(4)) * 123'457;
    const int seq = 1 + byteAt(5) * 7;

    const QByteArray line = formatJoblogLine(seq, record, command);
    FUZZ_CHECK(line.endsWith('\n'));
    FUZZ_CHECK(line.count('\n') == 1);
    const Joblog log = parseJoblog(joblogHeader() + '\n' + line, u"roundtrip"_s);
    FUZZ_CHECK(log.errors.isEmpty());
    FUZZ_CHECK(log.warnings.isEmpty());
    FUZZ_CHECK(log.jobs.size() == 1);
    const JoblogJob job = log.jobs.value(seq);
    const JoblogStatus status = joblogStatus(record);
    FUZZ_CHECK(job.seq == seq);
    FUZZ_CHECK(job.attempts == 1);
    FUZZ_CHECK(job.line == 2);
    FUZZ_CHECK(job.command == command);
    FUZZ_CHECK(job.lastExitValue == status.exitValue);
    FUZZ_CHECK(job.lastSignal == status.signal);
    FUZZ_CHECK(job.succeeded == (status.exitValue == 0 && status.signal == 0));
}

} // namespace
} // namespace requeue::fuzz

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    using namespace requeue::fuzz;
    trapOnQtWarnings();
    if (qEnvironmentVariableIntValue("FUZZ_JOBLOG_VIA_FILE") == 1) {
        joblogPath = u"/tmp/requeue-fuzz-joblog-%1.log"_s.arg(qint64(getpid()));
        std::atexit([] { QFile::remove(joblogPath); });
    }
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    using namespace requeue;
    using namespace requeue::fuzz;

    const QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    const Joblog parsed = parseJoblog(bytes, fileName);
    checkJoblog(parsed, fileName);

    if (!joblogPath.isEmpty()) {
        writeFile(bytes);
        const Joblog read = readJoblog(joblogPath);
        checkJoblog(read, joblogPath);
        // The same, but for the file name in every message.
        const auto renamed = [](QList<JobFileError> errors) {
            for (JobFileError &error : errors)
                error.file = fileName;
            return errors;
        };
        FUZZ_CHECK(renamed(read.errors) == parsed.errors);
        FUZZ_CHECK(renamed(read.warnings) == parsed.warnings);
        FUZZ_CHECK(sameJobs(parsed, read));
    }

    checkRoundTrip(data, size);
    return 0;
}
