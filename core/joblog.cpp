#include "joblog.h"

#include "parsehelpers_p.h"

#include <QFile>
#include <QFileInfo>

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <optional>

using namespace Qt::StringLiterals;

namespace requeue {

namespace {

constexpr char header[]
    = "Seq\tHost\tStarttime\tJobRuntime\tSend\tReceive\tExitval\tSignal\tCommand";
constexpr int fieldCount = 9;
// A command of MaxJobLineLength bytes, as older versions wrote it (up to 2
// bytes per byte), and the other fields.
constexpr qsizetype maxLineLength = 4 * MaxJobLineLength;

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

// A whole number made of `text`, optionally negative; nullopt if it is not
// one or does not fit in an int.
std::optional<int> parseInt(QByteArrayView text, bool allowNegative)
{
    bool negative = false;
    if (allowNegative && text.startsWith('-')) {
        negative = true;
        text = text.sliced(1);
    }
    if (text.isEmpty() || text.size() > 10)
        return std::nullopt;
    qint64 value = 0;
    for (char c : text) {
        if (!isDigit(c))
            return std::nullopt;
        value = value * 10 + (c - '0');
    }
    if (negative)
        value = -value;
    if (value > INT_MAX || value < INT_MIN)
        return std::nullopt;
    return int(value);
}

// "12.345", "-1", "  3.100" (JobRuntime is right-aligned).
bool isDecimal(QByteArrayView text)
{
    while (!text.isEmpty() && text.front() == ' ')
        text = text.sliced(1);
    if (text.startsWith('-'))
        text = text.sliced(1);
    bool digits = false;
    bool point = false;
    for (char c : text) {
        if (isDigit(c)) {
            digits = true;
        } else if (c == '.' && !point) {
            point = true;
        } else {
            return false;
        }
    }
    return digits;
}

// "1712345678.123": milliseconds as seconds with three decimals.
QByteArray formatMillis(qint64 ms)
{
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%lld.%03lld", static_cast<long long>(ms / 1000),
                  static_cast<long long>(ms % 1000));
    return QByteArray(buffer);
}

// Turns lines into a Joblog. Holds back a malformed line until it is known not
// to be the last one, since a crash may have cut the last line short.
qint64 secondsToUs(QByteArrayView field)
{
    // isDecimal() has checked the form; the clamp keeps absurd values defined.
    const double seconds = std::clamp(field.toByteArray().toDouble(), -1e12, 1e12);
    return qint64(std::llround(seconds * 1e6));
}

class JoblogParser
{
public:
    JoblogParser(Joblog *log, const QString &fileName)
        : m_log(log)
        , m_errors(&log->errors, fileName)
        , m_fileName(fileName)
    { }

    // True once reading on is pointless.
    bool isFull() const { return m_errors.isFull() || m_notJoblog; }
    // `size` excludes the line break; `terminated` is false only for the
    // last line of a file that does not end in one.
    void addLine(const char *line, qsizetype size, bool terminated);
    void finish();

private:
    void parseRecord(const char *line, qsizetype size);
    void hold(int column, const QString &message)
    {
        m_held = JobFileError {m_fileName, m_lineNumber, column, message};
    }

    Joblog *m_log; // Not owning.
    detail::ErrorCollector m_errors;
    QString m_fileName;
    int m_lineNumber = 0;
    bool m_sawHeader = false;
    bool m_crlf = false; // the header line ended in "\r\n"
    bool m_notJoblog = false;
    std::optional<JobFileError> m_held;
};

void JoblogParser::addLine(const char *line, qsizetype size, bool terminated)
{
    ++m_lineNumber;
    // A carriage return ends a command as GNU parallel writes it; only a file
    // whose header ends in one has CRLF line breaks.
    const bool crlf = size > 0 && line[size - 1] == '\r';
    if (crlf && (!m_sawHeader || m_crlf))
        --size;
    if (!m_sawHeader) {
        const QByteArrayView text(line, size);
        if (text == QByteArrayView(header)) {
            m_sawHeader = true;
            m_crlf = crlf;
            return;
        }
        if (!terminated && QByteArrayView(header).startsWith(text)) {
            m_log->warnings.append(
                JobFileError {m_fileName, m_lineNumber, 0, u"ignored an incomplete header line"_s});
            return;
        }
        m_errors.add(m_lineNumber, 1,
                     u"not a joblog: the first line must be the header \""_s
                         + QString::fromLatin1(header).replace(u'\t', u"\\t"_s) + u'"');
        m_notJoblog = true; // nothing else in it is worth reading
        return;
    }
    if (size == 0 && terminated)
        return;   // GNU parallel never writes one; harmless
    if (m_held) { // it was not the last line after all
        m_errors.add(m_held->line, m_held->column, m_held->message);
        m_held.reset();
    }
    if (!terminated) {
        m_log->warnings.append(JobFileError {
            m_fileName, m_lineNumber, 0,
            u"ignored the last line: it has no line break, so the run that wrote it was "
            "probably cut short"_s});
        return;
    }
    if (size > maxLineLength) {
        hold(1,
             u"the line is too long (more than %1)"_s.arg(detail::formatByteSize(maxLineLength)));
        return;
    }
    parseRecord(line, size);
}

void JoblogParser::parseRecord(const char *line, qsizetype size)
{
    // Split off the first eight fields; the command is the rest, tabs and all.
    QByteArrayView fields[fieldCount];
    qsizetype starts[fieldCount] = {};
    qsizetype pos = 0;
    int count = 0;
    while (count < fieldCount - 1) {
        const auto *tab
            = static_cast<const char *>(std::memchr(line + pos, '\t', size_t(size - pos)));
        if (!tab)
            break;
        starts[count] = pos;
        fields[count++] = QByteArrayView(line + pos, tab - (line + pos));
        pos = tab - line + 1;
    }
    starts[count] = pos;
    fields[count++] = QByteArrayView(line + pos, size - pos);
    if (count < fieldCount) {
        hold(1, u"expected %1 tab-separated fields, got %2"_s.arg(fieldCount).arg(count));
        return;
    }
    const auto column = [&](int field) {
        return detail::countCodePoints(line, starts[field]) + 1;
    };
    const auto shown = [](QByteArrayView text) {
        return detail::quoted(QString::fromUtf8(text.data(), text.size()));
    };

    const std::optional<int> seq = parseInt(fields[0], false);
    if (!seq || *seq < 1)
        return hold(column(0), u"Seq must be a whole number >= 1, got "_s + shown(fields[0]));
    if (fields[1].isEmpty())
        return hold(column(1), u"Host is empty"_s);
    if (!isDecimal(fields[2]))
        return hold(column(2), u"Starttime must be a number, got "_s + shown(fields[2]));
    if (!isDecimal(fields[3]))
        return hold(column(3), u"JobRuntime must be a number, got "_s + shown(fields[3]));
    if (!isDecimal(fields[4]))
        return hold(column(4), u"Send must be a number, got "_s + shown(fields[4]));
    if (!isDecimal(fields[5]))
        return hold(column(5), u"Receive must be a number, got "_s + shown(fields[5]));
    const std::optional<int> exitValue = parseInt(fields[6], true);
    if (!exitValue)
        return hold(column(6), u"Exitval must be a whole number, got "_s + shown(fields[6]));
    const std::optional<int> signal = parseInt(fields[7], false);
    if (!signal)
        return hold(column(7), u"Signal must be a whole number >= 0, got "_s + shown(fields[7]));

    JoblogJob &job = m_log->jobs[*seq];
    job.seq = *seq;
    ++job.attempts;
    job.lastExitValue = *exitValue;
    job.lastSignal = *signal;
    job.succeeded = job.succeeded || (*exitValue == 0 && *signal == 0);
    job.command
        = unescapeJoblogCommand(detail::fromUtf8KeepingBom(fields[8].data(), fields[8].size()));
    job.line = m_lineNumber;
    m_log->attempts.append(JoblogAttempt {*seq, m_lineNumber, secondsToUs(fields[2]),
                                          secondsToUs(fields[3]), *exitValue, *signal});
}

void JoblogParser::finish()
{
    if (m_held && !isFull()) {
        m_log->warnings.append(JobFileError {
            m_held->file, m_held->line, m_held->column,
            u"ignored the malformed last line (the run that wrote it was probably cut "
            "short): "_s
                + m_held->message});
        m_held.reset();
    }
}

// Requeue 0.x wrote a line break, tab or carriage return as \n, \t or \r,
// and doubled a backslash before one of n, t, r or a backslash.
QString unescapeLegacyCommand(QStringView field)
{
    QString out;
    out.reserve(field.size());
    for (qsizetype i = 0; i < field.size(); ++i) {
        const QChar c = field[i];
        if (c == u'\\' && i + 1 < field.size()) {
            const QChar next = field[i + 1];
            if (next == u'n' || next == u't' || next == u'r' || next == u'\\') {
                out += next == u'n' ? u'\n' : next == u't' ? u'\t' : next == u'r' ? u'\r' : u'\\';
                ++i;
                continue;
            }
        }
        out += c;
    }
    return out;
}

} // namespace

QByteArray joblogHeader()
{
    return QByteArray(header);
}

JoblogStatus joblogStatus(const AttemptRecord &record)
{
    switch (record.outcome) {
    case AttemptOutcome::Succeeded:
        return {0, 0};
    case AttemptOutcome::ExitCode:
        return {record.exitCode, 0};
    case AttemptOutcome::Signalled:
        return {0, record.signal};
    case AttemptOutcome::TimedOut:
    case AttemptOutcome::Cancelled:
        return {-1, record.signal};
    case AttemptOutcome::NotStarted:
        return {127, 0};
    case AttemptOutcome::Exception:
    case AttemptOutcome::Lost:
        return {255, 0};
    }
    Q_UNREACHABLE();
    return {};
}

AttemptRecord joblogAttempt(int exitValue, int signal)
{
    AttemptRecord record;
    record.exitCode = exitValue;
    record.signal = signal;
    if (exitValue == 0 && signal == 0)
        record.outcome = AttemptOutcome::Succeeded;
    else if (exitValue == -1)
        record.outcome = AttemptOutcome::TimedOut;
    else if (signal != 0)
        record.outcome = AttemptOutcome::Signalled;
    else if (exitValue == 127)
        record.outcome = AttemptOutcome::NotStarted;
    else
        record.outcome = AttemptOutcome::ExitCode;
    return record;
}

QByteArray formatJoblogLine(int seq, const AttemptRecord &record, const QString &command,
                            qint64 stdoutBytes)
{
    const JoblogStatus status = joblogStatus(record);
    // Rounded to milliseconds in integers: no float formatting surprises.
    const qint64 startMs = (qMax<qint64>(record.startedUs, 0) + 500) / 1000;
    const qint64 runMs = (record.durationUs() + 500) / 1000;
    const QByteArray start = formatMillis(startMs);
    const QByteArray runtime = formatMillis(runMs);
    char prefix[128];
    const int length = std::snprintf(prefix, sizeof prefix, "%d\t:\t%s\t%10s\t0\t%lld\t%d\t%d\t",
                                     seq, start.constData(), runtime.constData(),
                                     static_cast<long long>(qMax<qint64>(stdoutBytes, 0)),
                                     status.exitValue, status.signal);
    QByteArray line(prefix, qMin(length, int(sizeof prefix) - 1));
    line += escapeJoblogCommand(command).toUtf8();
    line += '\n';
    return line;
}

QString escapeJoblogCommand(QStringView command)
{
    QString out = command.toString();
    out.replace(u'\n', QChar(0));
    return out;
}

QString unescapeJoblogCommand(QStringView field)
{
    QString out = field.toString();
    out.replace(QChar(0), u'\n');
    return out;
}

QSet<int> Joblog::succeededSeqs() const
{
    QSet<int> seqs;
    for (const JoblogJob &job : jobs) {
        if (job.succeeded)
            seqs.insert(job.seq);
    }
    return seqs;
}

QSet<int> Joblog::attemptedSeqs() const
{
    QSet<int> seqs;
    for (const JoblogJob &job : jobs)
        seqs.insert(job.seq);
    return seqs;
}

Joblog parseJoblog(const QByteArray &data, const QString &fileName)
{
    Joblog log;
    log.path = fileName;
    JoblogParser parser(&log, fileName);
    const char *p = data.constData();
    const char *const end = p + data.size();
    while (p < end && !parser.isFull()) {
        const auto *newline = static_cast<const char *>(std::memchr(p, '\n', size_t(end - p)));
        parser.addLine(p, (newline ? newline : end) - p, newline != nullptr);
        p = newline ? newline + 1 : end;
    }
    parser.finish();
    return log;
}

Joblog readJoblog(const QString &path)
{
    Joblog log;
    log.path = path;
    const auto fail = [&](const QString &message) {
        log.errors.append(JobFileError {path, 0, 0, message});
        return log;
    };
    if (QFileInfo(path).isDir())
        return fail(u"is a directory, not a joblog"_s);
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return fail(u"cannot open: "_s + file.errorString());

    // Line by line in chunks, so that the size of the file does not matter.
    // Of a line too long to parse, only enough is kept to say so, with the
    // same result as parseJoblog() on the whole file.
    JoblogParser parser(&log, path);
    QByteArray pending; // the current line so far, cut at maxLineLength + 2 bytes
    constexpr qint64 chunk = 1024 * 1024;
    while (!parser.isFull()) {
        const QByteArray data = file.read(chunk);
        if (data.isEmpty()) {
            if (file.error() != QFileDevice::NoError)
                return fail(u"cannot read: "_s + file.errorString());
            break;
        }
        qsizetype start = 0;
        while (!parser.isFull()) {
            const qsizetype newline = data.indexOf('\n', start);
            const qsizetype end = newline < 0 ? data.size() : newline;
            const qsizetype room = qMax<qsizetype>(0, maxLineLength + 2 - pending.size());
            pending.append(data.constData() + start, qMin(room, end - start));
            if (newline < 0)
                break;
            parser.addLine(pending.constData(), pending.size(), true);
            pending.clear();
            start = newline + 1;
        }
    }
    if (!pending.isEmpty() && !parser.isFull())
        parser.addLine(pending.constData(), pending.size(), false);
    parser.finish();
    return log;
}

QList<JobFileError> compareJoblogCommands(const Joblog &log, const QStringList &commands)
{
    QList<JobFileError> errors;
    detail::ErrorCollector collector(&errors, log.path);
    for (const JoblogJob &job : log.jobs) {
        bool more = true;
        if (job.seq > commands.size()) {
            more = collector.add(job.line, 0,
                                 u"job %1 is not in the job list, which has %2 jobs: the joblog "
                                 "was written for another job list"_s.arg(job.seq)
                                     .arg(commands.size()));
        } else if (job.command != commands.at(job.seq - 1)
                   && unescapeLegacyCommand(job.command) != commands.at(job.seq - 1)) {
            more = collector.add(job.line, 0,
                                 u"job "_s + QString::number(job.seq) + u" ran "_s
                                     + detail::quoted(job.command) + u" but is "_s
                                     + detail::quoted(commands.at(job.seq - 1))
                                     + u" in the job list: the joblog was written for another "
                                       "job list"_s);
        }
        if (!more)
            break;
    }
    return errors;
}

} // namespace requeue
