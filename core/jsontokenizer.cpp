#include "jsontokenizer.h"

#include "parsehelpers_p.h"

#include <algorithm>
#include <cctype>
#include <climits>

using namespace Qt::StringLiterals;

namespace requeue::detail {

// How a value reads after "got" in a message.
QString describe(const JsonValue &value)
{
    switch (value.kind) {
    case JsonValue::Null:
        return u"null"_s;
    case JsonValue::False:
        return u"false"_s;
    case JsonValue::True:
        return u"true"_s;
    case JsonValue::Number:
        return value.text;
    case JsonValue::String:
        return quoted(value.text);
    case JsonValue::Array:
        return u"an array"_s;
    case JsonValue::Object:
        return u"an object"_s;
    }
    Q_UNREACHABLE();
    return {};
}

JsonTokenizer::JsonTokenizer(const QByteArray &data, const QString &fileName)
    : m_data(data)
    , m_fileName(fileName)
    , m_pos(data.startsWith("\xEF\xBB\xBF") ? 3 : 0)
    , m_end(data.size())
{ }

bool JsonTokenizer::error(qsizetype offset, const QString &message)
{
    if (m_stop)
        return false;
    // Past the cap, reading goes on only to count: the last error says how
    // many more there are (its message is written in resolveErrors()).
    if (++m_errorCount == MaxJobFileErrors + 1)
        m_errors.append({-1, QString()});
    if (m_errorCount <= MaxJobFileErrors)
        m_errors.append({offset, message});
    return true;
}

bool JsonTokenizer::fatal(qsizetype offset, const QString &message)
{
    error(offset, message);
    m_stop = true;
    return false;
}

int JsonTokenizer::errorsLeftOut() const
{
    return qMax(0, m_errorCount - MaxJobFileErrors);
}

QList<JobFileError> JsonTokenizer::resolveErrors()
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
            // A syntax error ends the counting: there may be more after it.
            const QString message = pending.message.isNull()
                ? tooManyErrors(errorsLeftOut(), m_stop)
                : pending.message;
            errors.append(JobFileError {m_fileName, 0, 0, message});
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

void JsonTokenizer::skipWhitespace()
{
    while (m_pos < m_end) {
        const char c = m_data[m_pos];
        if (c != ' ' && c != '\n' && c != '\t' && c != '\r')
            return;
        ++m_pos;
    }
}

QString JsonTokenizer::describeHere() const
{
    if (atEnd())
        return u"the end of the file"_s;
    const char c = m_data[m_pos];
    QString text = describeByte(c);
    if (c == '\'')
        text += u" (JSON strings use double quotes)"_s;
    else if (c == '/')
        text += u" (JSON has no comments)"_s;
    else if (static_cast<unsigned char>(c) >= 0x80) {
        // Name the character rather than its first byte, when it is valid.
        const qsizetype length = qMin(qsizetype(4), m_end - m_pos);
        const qsizetype bad = findInvalidUtf8(m_data.constData() + m_pos, length);
        const qsizetype valid = bad < 0 ? length : bad;
        const QString decoded = fromUtf8KeepingBom(m_data.constData() + m_pos, length);
        if (!decoded.isEmpty() && valid > 0)
            text = quoted(decoded.first(decoded.front().isHighSurrogate() ? 2 : 1));
    }
    return text;
}

bool JsonTokenizer::readString(QString *out)
{
    const qsizetype open = m_pos;
    const char *data = m_data.constData();
    const auto tooLong = [&](qsizetype close) {
        if (close - open - 1 > MaxJobLineLength) {
            error(open,
                  u"the string is too long (strings can be at most %1)"_s.arg(
                      formatByteSize(MaxJobLineLength)));
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
            const qsizetype bad = findInvalidUtf8(data + m_pos, runEnd - m_pos);
            if (bad >= 0) {
                return fatal(m_pos + bad,
                             u"invalid UTF-8 ("_s + describeByte(data[m_pos + bad]) + u')');
            }
            out->append(fromUtf8KeepingBom(data + m_pos, runEnd - m_pos));
        }
        m_pos = runEnd;
    }
    return fatal(open, u"unterminated string (the file ends before its closing quote)"_s);
}

bool JsonTokenizer::readNumber(JsonValue *out)
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
                         + quoted(QString::fromUtf8(data + start, tokenEnd - start)));
    }
    out->kind = JsonValue::Number;
    out->offset = start;
    out->text = QString::fromLatin1(data + start, p - start);
    m_pos = p;
    return true;
}

bool JsonTokenizer::enterContainer(int depth)
{
    if (depth > MaxJsonDepth)
        return fatal(m_pos,
                     u"the JSON is nested too deeply (more than %1 levels)"_s.arg(MaxJsonDepth));
    ++m_pos; // '[' or '{'
    return true;
}

bool JsonTokenizer::readValue(JsonValue *out, int depth)
{
    skipWhitespace();
    out->offset = m_pos;
    out->text.clear();
    const char c = peek();
    if (atEnd())
        return fatal(m_pos, u"expected a value, got the end of the file"_s);
    if (c == '"') {
        out->kind = JsonValue::String;
        return readString(&out->text);
    }
    if (c == '-' || (c >= '0' && c <= '9'))
        return readNumber(out);
    if (c == '[' || c == '{') {
        out->kind = c == '[' ? JsonValue::Array : JsonValue::Object;
        return skipContainer(depth);
    }
    if (std::isalpha(static_cast<unsigned char>(c))) {
        qsizetype p = m_pos;
        while (p < m_end && p - m_pos < 40 && std::isalnum(static_cast<unsigned char>(m_data[p])))
            ++p;
        const QByteArrayView word(m_data.constData() + m_pos, p - m_pos);
        if (word == "true")
            out->kind = JsonValue::True;
        else if (word == "false")
            out->kind = JsonValue::False;
        else if (word == "null")
            out->kind = JsonValue::Null;
        else
            return fatal(m_pos, u"expected a value, got "_s + quoted(QString::fromLatin1(word)));
        m_pos = p;
        return true;
    }
    return fatal(m_pos, u"expected a value, got "_s + describeHere());
}

bool JsonTokenizer::skipContainer(int depth)
{
    JsonValue ignored;
    if (peek() == '[')
        return forEachItem(depth, [&] { return readValue(&ignored, depth + 1); });
    return forEachMember(
        depth, [&](const QString &, qsizetype) { return readValue(&ignored, depth + 1); });
}

bool JsonTokenizer::beginArray(int depth, bool *more)
{
    if (!enterContainer(depth))
        return false;
    skipWhitespace();
    *more = !(peek() == ']' && !atEnd());
    if (!*more)
        ++m_pos;
    return true;
}

bool JsonTokenizer::endItem(bool *more)
{
    skipWhitespace();
    const char c = peek();
    if (atEnd() || (c != ',' && c != ']'))
        return fatal(m_pos,
                     u"expected \",\" or \"]\" after an array item, got "_s + describeHere());
    const qsizetype separator = m_pos++;
    *more = c == ',';
    if (!*more)
        return true;
    skipWhitespace();
    if (peek() == ']' && !atEnd())
        return fatal(separator, u"trailing comma before \"]\" (JSON does not allow one)"_s);
    return true;
}

bool JsonTokenizer::beginObject(int depth, bool *more)
{
    if (!enterContainer(depth))
        return false;
    skipWhitespace();
    *more = !(peek() == '}' && !atEnd());
    if (!*more)
        ++m_pos;
    return true;
}

bool JsonTokenizer::readKey(QString *key, qsizetype *keyOffset)
{
    skipWhitespace();
    if (peek() != '"' || atEnd())
        return fatal(m_pos, u"expected a field name in double quotes, got "_s + describeHere());
    *keyOffset = m_pos;
    if (!readString(key))
        return false;
    skipWhitespace();
    if (atEnd() || peek() != ':') {
        return fatal(m_pos,
                     u"expected \":\" after the field name "_s + quoted(*key) + u", got "_s
                         + describeHere());
    }
    ++m_pos;
    return true;
}

bool JsonTokenizer::endMember(bool *more)
{
    skipWhitespace();
    const char c = peek();
    if (atEnd() || (c != ',' && c != '}'))
        return fatal(m_pos, u"expected \",\" or \"}\" after a field, got "_s + describeHere());
    const qsizetype separator = m_pos++;
    *more = c == ',';
    if (!*more)
        return true;
    skipWhitespace();
    if (peek() == '}' && !atEnd())
        return fatal(separator, u"trailing comma before \"}\" (JSON does not allow one)"_s);
    return true;
}

void JsonTokenizer::expectEnd()
{
    if (m_stop)
        return;
    skipWhitespace();
    if (!atEnd())
        fatal(m_pos, u"unexpected "_s + describeHere() + u" after the end of the JSON document"_s);
}

} // namespace requeue::detail
