// libFuzzer target for parseTextJobList (core/textjoblistparser.h).

#include "fuzzcheck.h"
#include "textjoblistparser.h"

#include <cstddef>
#include <cstdint>

using namespace Qt::StringLiterals;

namespace requeue::fuzz {
namespace {

const QString fileName = u"fuzz.txt"_s;

void checkTextJobs(const JobList &list)
{
    for (const JobListEntry &entry : list.jobs) {
        const ProcessSpec &process = entry.spec.process;
        FUZZ_CHECK(process.usesShell());
        FUZZ_CHECK(process.arguments.isEmpty());
        // Lines are split at '\n' and continuations drop their line break.
        FUZZ_CHECK(!process.shellCommand.contains(u'\n'));
        FUZZ_CHECK(!entry.setsMaxAttempts && !entry.setsTimeout && !entry.setsBackoff
                   && !entry.setsJitter && !entry.setsNoRetryExit);
    }
}

// Without continuations, every command is one input line, byte for byte (less
// a CRLF's '\r' and the file's leading BOM).
void checkCommandsKeepTheirBytes(const QByteArray &bytes, const JobList &list)
{
    if (bytes.contains('\\'))
        return;
    QList<QByteArray> lines = bytes.split('\n');
    if (!lines.isEmpty() && lines.first().startsWith("\xEF\xBB\xBF"))
        lines.first().remove(0, 3);
    for (QByteArray &line : lines) {
        if (line.endsWith('\r'))
            line.chop(1);
    }
    for (const JobListEntry &entry : list.jobs)
        FUZZ_CHECK(lines.contains(entry.spec.process.shellCommand.toUtf8()));
}

bool sameJobs(const JobList &a, const JobList &b)
{
    if (a.jobs.size() != b.jobs.size())
        return false;
    for (qsizetype i = 0; i < a.jobs.size(); ++i) {
        const JobSpec &x = a.jobs.at(i).spec;
        const JobSpec &y = b.jobs.at(i).spec;
        if (x.seq != y.seq || x.name != y.name
            || x.process.shellCommand != y.process.shellCommand) {
            return false;
        }
    }
    return true;
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
    const JobList list = parseTextJobList(bytes, fileName);
    checkJobList(list, fileName);
    checkTextJobs(list);
    checkCommandsKeepTheirBytes(bytes, list);

    // CRLF line ends read exactly like LF ones. Only for inputs without a '\r'
    // of their own, since a line's last '\r' is the one that gets dropped.
    if (!bytes.contains('\r') && bytes.contains('\n')) {
        QByteArray crlf = bytes;
        crlf.replace("\n", "\r\n");
        const JobList other = parseTextJobList(crlf, fileName);
        FUZZ_CHECK(sameJobs(list, other));
        FUZZ_CHECK(list.errors == other.errors);
    }
    return 0;
}
