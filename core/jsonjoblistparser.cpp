#include "jsonjoblistparser.h"

#include "parsehelpers_p.h"
#include "specparsers.h"

#include <QMap>

#include <algorithm>
#include <cctype>
#include <climits>
#include <cstring>
#include <deque>
#include <optional>
#include <vector>

using namespace Qt::StringLiterals;

namespace requeue {

namespace {

// A scalar value, or the start of a container that was skipped. Offsets are
// bytes into the document; they become line:column only when an error is
// reported, so that the common, error-free case does no position work.
struct Value
{
    enum Kind { Null, False, True, Number, String, Array, Object };
    Kind kind = Null;
    qsizetype offset = 0;
    QString text; // String: the decoded text; Number: the token as written
};

// How a value reads after "got" in a message.
QString describe(const Value &value)
{
    switch (value.kind) {
    case Value::Null:
        return u"null"_s;
    case Value::False:
        return u"false"_s;
    case Value::True:
        return u"true"_s;
    case Value::Number:
        return value.text;
    case Value::String:
        return detail::quoted(value.text);
    case Value::Array:
        return u"an array"_s;
    case Value::Object:
        return u"an object"_s;
    }
    Q_UNREACHABLE();
    return {};
}

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
};

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

class JsonParser
{
public:
    JsonParser(const QByteArray &data, const QString &fileName)
        : m_data(data)
        , m_fileName(fileName)
    { }

    JobList parse();

private:
    struct PendingError
    {
        qsizetype offset; // -1: about the whole file
        QString message;
    };

    // --- errors
    // Records an error; returns false once parsing should stop.
    bool error(qsizetype offset, const QString &message);
    bool fatal(qsizetype offset, const QString &message); // a syntax error: always stops
    bool stopped() const { return m_stop; }
    QList<JobFileError> resolveErrors();

    // --- lexing
    void skipWhitespace();
    bool atEnd() const { return m_pos >= m_end; }
    char peek() const { return m_pos < m_end ? m_data[m_pos] : '\0'; }
    QString describeHere() const;
    bool readString(QString *out);
    bool readNumber(Value *out);
    // Reads any value; arrays and objects are checked and skipped.
    bool readValue(Value *out, int depth);
    bool skipContainer(int depth);
    bool enterContainer(int depth);

    // Iterates an array after its '['. `item` must read exactly one value.
    template<typename ItemFn>
    bool forEachItem(int depth, ItemFn item);
    // Iterates an object after its '{'. `member(key, keyOffset)` must read
    // exactly one value.
    template<typename MemberFn>
    bool forEachMember(int depth, MemberFn member);

    // --- the job-list schema
    void parseTop();
    void parseJobs(int depth);
    bool parseFields(Fields *fields, int depth, bool isDefaults);
    bool parseField(Field field, const QString &key, Fields *fields, int depth);
    bool readStringArray(const QString &key, QStringList *out, int depth);
    bool readEnv(QMap<QString, QString> *out, int depth);
    bool readExitCodes(QList<int> *out, int depth);
    void makeEntry(Fields &job, int seq, JobListEntry *entry) const; // moves from `job`

    const QByteArray &m_data;
    QString m_fileName;
    qsizetype m_pos = 0;
    qsizetype m_end = 0;
    bool m_stop = false;
    int m_errorCount = 0;
    QList<PendingError> m_errors;

    std::deque<Fields> m_jobs; // a deque: growing it moves nothing
    Fields m_defaults;
    bool m_sawJobs = false;
};

bool JsonParser::error(qsizetype offset, const QString &message)
{
    if (m_stop)
        return false;
    if (++m_errorCount > MaxJobFileErrors) {
        m_errors.append(
            {-1, u"too many errors, stopped after the first %1"_s.arg(MaxJobFileErrors)});
        m_stop = true;
        return false;
    }
    m_errors.append({offset, message});
    return true;
}

bool JsonParser::fatal(qsizetype offset, const QString &message)
{
    error(offset, message);
    m_stop = true;
    return false;
}

QList<JobFileError> JsonParser::resolveErrors()
{
    // Report in reading order; whole-file errors ("too many") come last.
    std::stable_sort(m_errors.begin(), m_errors.end(),
                     [](const PendingError &a, const PendingError &b) {
                         const auto key = [](qsizetype o) {
                             return o < 0 ? LLONG_MAX : qint64(o);
                         };
                         return key(a.offset) < key(b.offset);
                     });
    QList<JobFileError> errors;
    errors.reserve(m_errors.size());
    // One pass over the text: offsets are sorted.
    const qsizetype start = m_data.startsWith("\xEF\xBB\xBF") ? 3 : 0;
    qsizetype pos = start;
    int line = 1;
    int column = 1;
    for (const PendingError &pending : std::as_const(m_errors)) {
        if (pending.offset < 0) {
            errors.append(JobFileError {m_fileName, 0, 0, pending.message});
            continue;
        }
        const qsizetype target = qMin(pending.offset, qsizetype(m_data.size()));
        for (; pos < target; ++pos) {
            const auto c = static_cast<unsigned char>(m_data[pos]);
            if (c == '\n') {
                ++line;
                column = 1;
            } else if ((c & 0xC0) != 0x80) {
                ++column;
            }
        }
        errors.append(JobFileError {m_fileName, line, column, pending.message});
    }
    return errors;
}

void JsonParser::skipWhitespace()
{
    while (m_pos < m_end) {
        const char c = m_data[m_pos];
        if (c != ' ' && c != '\n' && c != '\t' && c != '\r')
            return;
        ++m_pos;
    }
}

QString JsonParser::describeHere() const
{
    if (atEnd())
        return u"the end of the file"_s;
    const char c = m_data[m_pos];
    QString text = detail::describeByte(c);
    if (c == '\'')
        text += u" (JSON strings use double quotes)"_s;
    else if (c == '/')
        text += u" (JSON has no comments)"_s;
    else if (static_cast<unsigned char>(c) >= 0x80) {
        // Name the character rather than its first byte, when it is valid.
        const qsizetype length = qMin(qsizetype(4), m_end - m_pos);
        const qsizetype bad = detail::findInvalidUtf8(m_data.constData() + m_pos, length);
        const qsizetype valid = bad < 0 ? length : bad;
        const QString decoded = detail::fromUtf8KeepingBom(m_data.constData() + m_pos, length);
        if (!decoded.isEmpty() && valid > 0)
            text = detail::quoted(decoded.first(decoded.front().isHighSurrogate() ? 2 : 1));
    }
    return text;
}

bool JsonParser::readString(QString *out)
{
    const qsizetype open = m_pos;
    const char *data = m_data.constData();
    const auto tooLong = [&](qsizetype close) {
        if (close - open - 1 > MaxJobLineLength) {
            error(open,
                  u"the string is too long (strings can be at most %1)"_s.arg(
                      detail::formatByteSize(MaxJobLineLength)));
        }
    };

    // Fast path: plain ASCII without escapes, the common case.
    qsizetype p = open + 1;
    while (p < m_end) {
        const auto c = static_cast<unsigned char>(data[p]);
        if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80)
            break;
        ++p;
    }
    if (p < m_end && data[p] == '"') {
        tooLong(p);
        // Reuses the capacity of `out` when it has its own (a key buffer).
        out->resize(p - open - 1);
        auto *chars = reinterpret_cast<char16_t *>(out->data());
        for (qsizetype i = open + 1; i < p; ++i)
            *chars++ = char16_t(static_cast<unsigned char>(data[i]));
        m_pos = p + 1;
        return true;
    }

    // Find the end first, so that `out` is allocated once: decoding never
    // makes more UTF-16 code units than there are bytes.
    qsizetype close = p;
    while (close < m_end && data[close] != '"')
        close += data[close] == '\\' ? 2 : 1;
    out->resize(0);
    out->reserve(qMin(close, m_end) - open);
    out->append(QLatin1StringView(data + open + 1, p - open - 1));
    m_pos = p;

    const auto readHex4 = [this, data](char32_t *code) {
        if (m_end - m_pos < 4)
            return false;
        char32_t value = 0;
        for (int k = 0; k < 4; ++k) {
            const char h = data[m_pos + k];
            value <<= 4;
            if (h >= '0' && h <= '9')
                value |= char32_t(h - '0');
            else if (h >= 'a' && h <= 'f')
                value |= char32_t(h - 'a' + 10);
            else if (h >= 'A' && h <= 'F')
                value |= char32_t(h - 'A' + 10);
            else
                return false;
        }
        *code = value;
        m_pos += 4;
        return true;
    };

    while (m_pos < m_end) {
        const auto c = static_cast<unsigned char>(data[m_pos]);
        if (c == '"') {
            tooLong(m_pos);
            ++m_pos;
            return true;
        }
        if (c == '\\') {
            const qsizetype escape = m_pos;
            ++m_pos;
            if (m_pos >= m_end)
                break;
            const char e = data[m_pos++];
            switch (e) {
            case '"':
            case '\\':
            case '/':
                out->append(QLatin1Char(e));
                break;
            case 'b':
                out->append(u'\b');
                break;
            case 'f':
                out->append(u'\f');
                break;
            case 'n':
                out->append(u'\n');
                break;
            case 'r':
                out->append(u'\r');
                break;
            case 't':
                out->append(u'\t');
                break;
            case 'u': {
                char32_t code = 0;
                if (!readHex4(&code))
                    return fatal(escape, u"\"\\u\" must be followed by four hex digits"_s);
                if (code >= 0xDC00 && code <= 0xDFFF)
                    return fatal(escape, u"unpaired surrogate in a \"\\u\" escape"_s);
                if (code >= 0xD800 && code <= 0xDBFF) {
                    char32_t low = 0;
                    if (m_end - m_pos >= 2 && data[m_pos] == '\\' && data[m_pos + 1] == 'u') {
                        m_pos += 2;
                        if (!readHex4(&low)) {
                            return fatal(m_pos - 2,
                                         u"\"\\u\" must be followed by four hex digits"_s);
                        }
                    }
                    if (low < 0xDC00 || low > 0xDFFF)
                        return fatal(escape, u"unpaired surrogate in a \"\\u\" escape"_s);
                    out->append(QChar(char16_t(code)));
                    out->append(QChar(char16_t(low)));
                } else {
                    out->append(QChar(char16_t(code)));
                }
                break;
            }
            default:
                return fatal(
                    escape, u"invalid escape \"\\"_s + QChar(QLatin1Char(e)) + u"\" in a string"_s);
            }
            continue;
        }
        if (c < 0x20) {
            if (c == '\n')
                return fatal(m_pos, u"line break in a string (write it as \\n)"_s);
            if (c == 0)
                return fatal(m_pos, u"NUL byte in a string (write it as \\u0000)"_s);
            return fatal(m_pos,
                         u"control character U+%1 in a string (escape it)"_s.arg(int(c), 4, 16,
                                                                                 QChar(u'0')));
        }
        // A run of plain text up to the next quote, escape or control byte.
        qsizetype runEnd = m_pos;
        bool ascii = true;
        while (runEnd < m_end) {
            const auto r = static_cast<unsigned char>(data[runEnd]);
            if (r == '"' || r == '\\' || r < 0x20)
                break;
            ascii = ascii && r < 0x80;
            ++runEnd;
        }
        if (ascii) {
            out->append(QLatin1StringView(data + m_pos, runEnd - m_pos));
        } else {
            const qsizetype bad = detail::findInvalidUtf8(data + m_pos, runEnd - m_pos);
            if (bad >= 0) {
                return fatal(m_pos + bad,
                             u"invalid UTF-8 ("_s + detail::describeByte(data[m_pos + bad]) + u')');
            }
            out->append(detail::fromUtf8KeepingBom(data + m_pos, runEnd - m_pos));
        }
        m_pos = runEnd;
    }
    return fatal(open, u"unterminated string (the file ends before its closing quote)"_s);
}

bool JsonParser::readNumber(Value *out)
{
    const char *data = m_data.constData();
    const qsizetype start = m_pos;
    qsizetype p = m_pos;
    const auto digits = [&] {
        const qsizetype from = p;
        while (p < m_end && data[p] >= '0' && data[p] <= '9')
            ++p;
        return p - from;
    };
    bool valid = true;
    if (p < m_end && data[p] == '-')
        ++p;
    const qsizetype intStart = p;
    const qsizetype intDigits = digits();
    if (intDigits == 0 || (intDigits > 1 && data[intStart] == '0'))
        valid = false;
    if (valid && p < m_end && data[p] == '.') {
        ++p;
        valid = digits() > 0;
    }
    if (valid && p < m_end && (data[p] == 'e' || data[p] == 'E')) {
        ++p;
        if (p < m_end && (data[p] == '+' || data[p] == '-'))
            ++p;
        valid = digits() > 0;
    }
    // Take in what looks like part of the token, for the message.
    qsizetype tokenEnd = p;
    while (tokenEnd < m_end && tokenEnd - start < 40
           && (std::isalnum(static_cast<unsigned char>(data[tokenEnd])) || data[tokenEnd] == '.'
               || data[tokenEnd] == '+' || data[tokenEnd] == '-')) {
        ++tokenEnd;
    }
    if (!valid || tokenEnd != p) {
        return fatal(start,
                     u"invalid number "_s
                         + detail::quoted(QString::fromUtf8(data + start, tokenEnd - start)));
    }
    out->kind = Value::Number;
    out->offset = start;
    out->text = QString::fromLatin1(data + start, p - start);
    m_pos = p;
    return true;
}

bool JsonParser::enterContainer(int depth)
{
    if (depth > MaxJsonDepth)
        return fatal(m_pos,
                     u"the JSON is nested too deeply (more than %1 levels)"_s.arg(MaxJsonDepth));
    ++m_pos; // '[' or '{'
    return true;
}

bool JsonParser::readValue(Value *out, int depth)
{
    skipWhitespace();
    out->offset = m_pos;
    out->text.clear();
    const char c = peek();
    if (atEnd())
        return fatal(m_pos, u"expected a value, got the end of the file"_s);
    if (c == '"') {
        out->kind = Value::String;
        return readString(&out->text);
    }
    if (c == '-' || (c >= '0' && c <= '9'))
        return readNumber(out);
    if (c == '[' || c == '{') {
        out->kind = c == '[' ? Value::Array : Value::Object;
        return skipContainer(depth);
    }
    if (std::isalpha(static_cast<unsigned char>(c))) {
        qsizetype p = m_pos;
        while (p < m_end && p - m_pos < 40 && std::isalnum(static_cast<unsigned char>(m_data[p])))
            ++p;
        const QByteArrayView word(m_data.constData() + m_pos, p - m_pos);
        if (word == "true")
            out->kind = Value::True;
        else if (word == "false")
            out->kind = Value::False;
        else if (word == "null")
            out->kind = Value::Null;
        else
            return fatal(m_pos,
                         u"expected a value, got "_s + detail::quoted(QString::fromLatin1(word)));
        m_pos = p;
        return true;
    }
    return fatal(m_pos, u"expected a value, got "_s + describeHere());
}

bool JsonParser::skipContainer(int depth)
{
    Value ignored;
    if (peek() == '[')
        return forEachItem(depth, [&] { return readValue(&ignored, depth + 1); });
    return forEachMember(
        depth, [&](const QString &, qsizetype) { return readValue(&ignored, depth + 1); });
}

template<typename ItemFn>
bool JsonParser::forEachItem(int depth, ItemFn item)
{
    if (!enterContainer(depth))
        return false;
    skipWhitespace();
    if (peek() == ']' && !atEnd()) {
        ++m_pos;
        return true;
    }
    for (;;) {
        if (!item() || m_stop)
            return false;
        skipWhitespace();
        const char c = peek();
        if (atEnd() || (c != ',' && c != ']')) {
            return fatal(m_pos,
                         u"expected \",\" or \"]\" after an array item, got "_s + describeHere());
        }
        const qsizetype separator = m_pos++;
        if (c == ']')
            return true;
        skipWhitespace();
        if (peek() == ']' && !atEnd())
            return fatal(separator, u"trailing comma before \"]\" (JSON does not allow one)"_s);
    }
}

template<typename MemberFn>
bool JsonParser::forEachMember(int depth, MemberFn member)
{
    if (!enterContainer(depth))
        return false;
    QString key; // one buffer for all keys: saves an allocation per key
    skipWhitespace();
    if (peek() == '}' && !atEnd()) {
        ++m_pos;
        return true;
    }
    for (;;) {
        skipWhitespace();
        if (peek() != '"' || atEnd()) {
            return fatal(m_pos, u"expected a field name in double quotes, got "_s + describeHere());
        }
        const qsizetype keyOffset = m_pos;
        if (!readString(&key))
            return false;
        skipWhitespace();
        if (atEnd() || peek() != ':') {
            return fatal(m_pos,
                         u"expected \":\" after the field name "_s + detail::quoted(key)
                             + u", got "_s + describeHere());
        }
        ++m_pos;
        if (!member(key, keyOffset) || m_stop)
            return false;
        skipWhitespace();
        const char c = peek();
        if (atEnd() || (c != ',' && c != '}')) {
            return fatal(m_pos, u"expected \",\" or \"}\" after a field, got "_s + describeHere());
        }
        const qsizetype separator = m_pos++;
        if (c == '}')
            return true;
        skipWhitespace();
        if (peek() == '}' && !atEnd())
            return fatal(separator, u"trailing comma before \"}\" (JSON does not allow one)"_s);
    }
}

JobList JsonParser::parse()
{
    JobList list;
    list.path = m_fileName;
    m_end = m_data.size();
    m_pos = m_data.startsWith("\xEF\xBB\xBF") ? 3 : 0;

    skipWhitespace();
    if (atEnd()) {
        list.errors.append(JobFileError {m_fileName, 0, 0, u"no jobs found (the file is empty)"_s});
        return list;
    }
    parseTop();
    if (!m_stop) {
        skipWhitespace();
        if (!atEnd()) {
            fatal(m_pos,
                  u"unexpected "_s + describeHere() + u" after the end of the JSON document"_s);
        }
    }
    if (m_errors.isEmpty() && m_jobs.empty())
        error(-1, u"no jobs found"_s);
    if (!m_errors.isEmpty()) {
        list.errors = resolveErrors();
        return list;
    }
    list.jobs.resize(qsizetype(m_jobs.size()));
    for (size_t i = 0; i < m_jobs.size(); ++i)
        makeEntry(m_jobs[i], int(i) + 1, &list.jobs[qsizetype(i)]);
    return list;
}

void JsonParser::parseTop()
{
    skipWhitespace();
    const char c = peek();
    if (c == '[') {
        parseJobs(1);
        return;
    }
    if (c != '{') {
        Value value;
        if (readValue(&value, 1)) {
            error(value.offset,
                  u"expected an array of jobs or an object with \"jobs\", got "_s
                      + describe(value));
        }
        return;
    }
    const qsizetype objectOffset = m_pos;
    bool sawDefaults = false;
    const QList<QLatin1StringView> known {"defaults"_L1, "jobs"_L1};
    const bool ok = forEachMember(1, [&](const QString &key, qsizetype keyOffset) {
        if (key == "jobs"_L1 || key == "defaults"_L1) {
            bool &seen = key == "jobs"_L1 ? m_sawJobs : sawDefaults;
            if (seen)
                error(keyOffset, u"duplicate field "_s + detail::quoted(key));
            seen = true;
            skipWhitespace();
            const char open = peek();
            if (key == "jobs"_L1 && open == '[' && !atEnd()) {
                parseJobs(2);
                return !m_stop;
            }
            if (key == "defaults"_L1 && open == '{' && !atEnd()) {
                Fields defaults;
                defaults.offset = m_pos;
                if (!parseFields(&defaults, 2, true))
                    return false;
                m_defaults = std::move(defaults);
                return true;
            }
            Value value;
            if (!readValue(&value, 2))
                return false;
            if (key == "jobs"_L1)
                error(value.offset, u"\"jobs\" must be an array of jobs, got "_s + describe(value));
            else
                error(value.offset, u"\"defaults\" must be an object, got "_s + describe(value));
            return !m_stop;
        }
        error(keyOffset,
              unknownFieldMessage(key, known, QString(),
                                  u" (a job list object has \"jobs\" and "
                                  "optionally \"defaults\")"_s));
        Value ignored;
        return readValue(&ignored, 2) && !m_stop;
    });
    if (ok && !m_sawJobs)
        error(objectOffset, u"the object has no \"jobs\" array"_s);
}

void JsonParser::parseJobs(int depth)
{
    forEachItem(depth, [&] {
        skipWhitespace();
        if (peek() == '{' && !atEnd()) {
            Fields job;
            job.offset = m_pos;
            if (!parseFields(&job, depth + 1, false))
                return false;
            m_jobs.push_back(std::move(job));
            return true;
        }
        Value value;
        if (!readValue(&value, depth + 1))
            return false;
        error(value.offset, u"a job must be an object, got "_s + describe(value));
        m_jobs.emplace_back(); // keeps the count right for later messages
        return !m_stop;
    });
}

bool JsonParser::parseFields(Fields *fields, int depth, bool isDefaults)
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

    const bool ok = forEachMember(depth, [&](const QString &key, qsizetype keyOffset) {
        const Field field = fieldFor(key);
        Value ignored;
        if (field == Field::Unknown) {
            const QList<QLatin1StringView> &known = isDefaults ? defaultsKeys : jobKeys;
            error(keyOffset,
                  unknownFieldMessage(key, known, isDefaults ? u" in \"defaults\""_s : QString()));
            // "comand" already explains why the job has no command.
            const QLatin1StringView meant = closestName(key, known);
            misspeltCommand = misspeltCommand || meant == "command"_L1 || meant == "argv"_L1;
            return readValue(&ignored, depth + 1) && !m_stop;
        }
        if (isDefaults
            && (field == Field::Command || field == Field::Argv || field == Field::Name)) {
            error(keyOffset,
                  detail::quoted(key) + u" cannot be in \"defaults\" (set it on each job)"_s);
            return readValue(&ignored, depth + 1) && !m_stop;
        }
        const quint32 bit = 1u << int(field);
        if (seen & bit) {
            error(keyOffset, u"duplicate field "_s + detail::quoted(key));
            return readValue(&ignored, depth + 1) && !m_stop;
        }
        seen |= bit;
        if ((field == Field::Command || field == Field::Argv) && secondCommandOffset < 0
            && (seen & (1u << int(Field::Command))) && (seen & (1u << int(Field::Argv)))) {
            secondCommandOffset = keyOffset;
        }
        return parseField(field, key, fields, depth) && !m_stop;
    });
    if (!ok)
        return false;
    if (!isDefaults) {
        if (secondCommandOffset >= 0) {
            error(secondCommandOffset, u"a job has either \"command\" or \"argv\", not both"_s);
        } else if (!(seen & (1u << int(Field::Command))) && !(seen & (1u << int(Field::Argv)))
                   && !misspeltCommand) {
            error(fields->offset,
                  u"the job has no \"command\" (a shell command) or \"argv\" "
                  "(a program and its arguments)"_s);
        }
    }
    return !m_stop;
}

bool JsonParser::parseField(Field field, const QString &key, Fields *fields, int depth)
{
    const auto name = [&key] {
        return detail::quoted(key);
    }; // only for messages
    // Checks a string that ends up in a process: no NUL, and not empty.
    const auto checkText = [&](const Value &value) {
        QString problem;
        if (value.text.contains(QChar(0)))
            problem = name() + u" must not contain a NUL character"_s;
        else if (std::all_of(value.text.cbegin(), value.text.cend(),
                             [](QChar c) { return c.isSpace(); }))
            problem = name() + u" must not be empty"_s;
        else
            return true;
        error(value.offset, problem);
        return false;
    };

    skipWhitespace();
    const char open = atEnd() ? '\0' : peek();
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
    default:
        break;
    }

    Value value;
    if (!readValue(&value, depth + 1))
        return false;
    const auto wrongType = [&](const QString &expected) {
        return error(value.offset,
                     name() + u" must be "_s + expected + u", got "_s + describe(value));
    };
    QString problem;
    switch (field) {
    case Field::Command:
        if (value.kind != Value::String)
            return wrongType(u"a string"_s);
        if (checkText(value))
            fields->command = value.text;
        return true;
    case Field::Name:
        if (value.kind != Value::String)
            return wrongType(u"a string"_s);
        if (checkText(value))
            fields->name = value.text;
        return true;
    case Field::Cwd:
        if (value.kind != Value::String)
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
        const bool whole = value.kind == Value::Number && !t.startsWith(u'-')
            && std::all_of(t.begin(), t.end(), [](QChar c) { return c.isDigit(); });
        const bool negativeZero = value.kind == Value::Number && t == u"-0"_s;
        if (!whole && !negativeZero)
            return wrongType(u"a whole number >= 0"_s);
        bool ok = false;
        const qint64 attempts = t.size() > 12 ? -1 : t.toLongLong(&ok);
        if (!ok || attempts > INT_MAX) {
            return error(value.offset,
                         name() + u" is too large (at most %1), got "_s.arg(INT_MAX)
                             + describe(value));
        }
        fields->maxAttempts = int(attempts);
        return true;
    }
    case Field::Timeout:
        if (value.kind != Value::String)
            return wrongType(u"a duration string like \"30s\""_s);
        if (const auto timeout = parseDuration(value.text, &problem))
            fields->timeout = *timeout;
        else
            return error(value.offset, name() + u": "_s + problem);
        return true;
    case Field::Backoff: {
        if (value.kind != Value::String)
            return wrongType(u"a string like \"exp:100ms:30s\""_s);
        RetryPolicy policy;
        if (!parseBackoff(value.text, &policy, &problem)) {
            return error(value.offset, name() + u": "_s + problem);
        }
        fields->backoff = policy;
        return true;
    }
    case Field::Jitter:
        if (value.kind != Value::True && value.kind != Value::False)
            return wrongType(u"true or false"_s);
        fields->jitter = value.kind == Value::True;
        return true;
    case Field::Unknown:
        break;
    }
    Q_UNREACHABLE();
    return false;
}

bool JsonParser::readStringArray(const QString &key, QStringList *out, int depth)
{
    const qsizetype arrayOffset = m_pos;
    int index = 0;
    const bool ok = forEachItem(depth, [&] {
        Value value;
        if (!readValue(&value, depth + 1))
            return false;
        if (value.kind != Value::String) {
            error(value.offset,
                  detail::quoted(key) + u" items must be strings, got "_s + describe(value));
        } else if (value.text.contains(QChar(0))) {
            error(value.offset, detail::quoted(key) + u" items must not contain a NUL character"_s);
        } else if (index == 0 && value.text.isEmpty()) {
            error(value.offset,
                  u"the program (the first item of "_s + detail::quoted(key)
                      + u") must not be empty"_s);
        }
        out->append(value.text);
        ++index;
        return !m_stop;
    });
    if (ok && out->isEmpty()) {
        error(arrayOffset,
              detail::quoted(key) + u" must not be empty (it needs at least a program)"_s);
    }
    return ok && !m_stop;
}

bool JsonParser::readEnv(QMap<QString, QString> *out, int depth)
{
    return forEachMember(depth, [&](const QString &key, qsizetype keyOffset) {
        Value value;
        if (!readValue(&value, depth + 1))
            return false;
        if (key.isEmpty() || key.contains(u'=') || key.contains(QChar(0))) {
            error(keyOffset, u"invalid environment variable name "_s + detail::quoted(key));
        } else if (value.kind != Value::String) {
            error(value.offset, u"\"env\" values must be strings, got "_s + describe(value));
        } else if (value.text.contains(QChar(0))) {
            error(value.offset, u"\"env\" values must not contain a NUL character"_s);
        } else if (out->contains(key)) {
            error(keyOffset, u"duplicate environment variable "_s + detail::quoted(key));
        } else {
            out->insert(key, value.text);
        }
        return !m_stop;
    });
}

bool JsonParser::readExitCodes(QList<int> *out, int depth)
{
    return forEachItem(depth, [&] {
        Value value;
        if (!readValue(&value, depth + 1))
            return false;
        const QString &t = value.text;
        const bool whole = value.kind == Value::Number && t.size() <= 3
            && std::all_of(t.begin(), t.end(), [](QChar c) { return c.isDigit(); });
        const int code = whole ? t.toInt() : -1;
        if (code < 0 || code > 255) {
            error(value.offset,
                  u"\"no_retry_exit\" items must be whole numbers from 0 to 255, got "_s
                      + describe(value));
        } else if (!out->contains(code)) {
            out->append(code);
        }
        return !m_stop;
    });
}

void JsonParser::makeEntry(Fields &job, int seq, JobListEntry *entry) const
{
    JobSpec &spec = entry->spec;
    spec.seq = seq;
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
}

} // namespace

JobList parseJsonJobList(const QByteArray &data, const QString &fileName)
{
    JsonParser parser(data, fileName);
    return parser.parse();
}

} // namespace requeue
