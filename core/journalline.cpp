#include "journalline.h"

#include "jsonwriter.h"

using namespace Qt::StringLiterals;

namespace requeue {

namespace {

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

// Reads the JSON subset from a line. Positions are 0-based byte offsets.
class Scanner
{
public:
    explicit Scanner(QByteArrayView text)
        : m_text(text)
    { }

    void skipSpace()
    {
        while (m_pos < m_text.size() && (m_text[m_pos] == ' ' || m_text[m_pos] == '\t'))
            ++m_pos;
    }
    bool atEnd() const { return m_pos >= m_text.size(); }
    char peek() const { return atEnd() ? '\0' : m_text[m_pos]; }
    bool eat(char c)
    {
        skipSpace();
        if (peek() != c)
            return false;
        ++m_pos;
        return true;
    }
    qsizetype pos() const { return m_pos; }

    // After the opening quote: the raw bytes up to the closing one.
    bool string(QByteArrayView *raw, QString *error)
    {
        const qsizetype begin = m_pos;
        while (!atEnd()) {
            const char c = m_text[m_pos];
            if (c == '"') {
                *raw = m_text.sliced(begin, m_pos - begin);
                ++m_pos;
                return true;
            }
            if (static_cast<unsigned char>(c) < 0x20) {
                *error = u"control character in a string at byte %1"_s.arg(m_pos + 1);
                return false;
            }
            if (c == '\\' && !escape(error))
                return false;
            if (c != '\\')
                ++m_pos;
        }
        *error = u"unterminated string"_s;
        return false;
    }

    bool integer(qint64 *value, QString *error)
    {
        const qsizetype begin = m_pos;
        const bool negative = peek() == '-';
        if (negative)
            ++m_pos;
        quint64 magnitude = 0;
        int digits = 0;
        while (!atEnd() && m_text[m_pos] >= '0' && m_text[m_pos] <= '9') {
            if (++digits > 18) {
                *error = u"number too large at byte %1"_s.arg(begin + 1);
                return false;
            }
            magnitude = magnitude * 10 + quint64(m_text[m_pos] - '0');
            ++m_pos;
        }
        if (digits == 0) {
            *error = u"expected a value at byte %1"_s.arg(begin + 1);
            return false;
        }
        *value = negative ? -qint64(magnitude) : qint64(magnitude);
        return true;
    }

    bool literal(QByteArrayView word)
    {
        if (m_text.sliced(m_pos).startsWith(word)) {
            m_pos += word.size();
            return true;
        }
        return false;
    }

private:
    bool escape(QString *error)
    {
        ++m_pos; // the backslash
        const char c = peek();
        if (c == 'u') {
            for (int i = 1; i <= 4; ++i) {
                if (m_pos + i >= m_text.size() || hexValue(m_text[m_pos + i]) < 0) {
                    *error = u"bad \\u escape at byte %1"_s.arg(m_pos);
                    return false;
                }
            }
            m_pos += 5;
            return true;
        }
        if (QByteArrayView("\"\\/bfnrt").contains(c) && c != '\0') {
            ++m_pos;
            return true;
        }
        *error = u"bad escape at byte %1"_s.arg(m_pos);
        return false;
    }

    QByteArrayView m_text;
    qsizetype m_pos = 0;
};

QString decodeString(QByteArrayView raw)
{
    if (!raw.contains('\\'))
        return QString::fromUtf8(raw);
    QString out;
    out.reserve(raw.size());
    qsizetype plain = 0;
    qsizetype i = 0;
    while (i < raw.size()) {
        if (raw[i] != '\\') {
            ++i;
            continue;
        }
        out += QString::fromUtf8(raw.sliced(plain, i - plain));
        const char c = raw[i + 1];
        switch (c) {
        case 'n':
            out += u'\n';
            break;
        case 't':
            out += u'\t';
            break;
        case 'r':
            out += u'\r';
            break;
        case 'b':
            out += u'\b';
            break;
        case 'f':
            out += u'\f';
            break;
        case 'u': {
            char16_t unit = 0;
            for (int k = 2; k < 6; ++k)
                unit = char16_t(unit * 16 + hexValue(raw[i + k]));
            out += QChar(unit); // a surrogate pair arrives as two escapes
            i += 4;
            break;
        }
        default:
            out += QLatin1Char(c);
            break; // " \ /
        }
        i += 2;
        plain = i;
    }
    out += QString::fromUtf8(raw.sliced(plain));
    return out;
}

} // namespace

JournalLine::JournalLine(QByteArrayView event)
{
    m_bytes.reserve(160);
    m_bytes.append("{\"ev\":\"");
    appendJsonEscaped(&m_bytes, event);
    m_bytes.append('"');
}

void JournalLine::addKey(QByteArrayView key)
{
    m_bytes.append(",\"");
    m_bytes.append(key);
    m_bytes.append("\":");
}

JournalLine &JournalLine::add(QByteArrayView key, qint64 value)
{
    addKey(key);
    m_bytes.append(QByteArray::number(value));
    return *this;
}

JournalLine &JournalLine::add(QByteArrayView key, const QString &value)
{
    addKey(key);
    m_bytes.append('"');
    appendJsonEscaped(&m_bytes, value.toUtf8());
    m_bytes.append('"');
    return *this;
}

JournalLine &JournalLine::add(QByteArrayView key, bool value)
{
    addKey(key);
    m_bytes.append(value ? "true" : "false");
    return *this;
}

JournalLine &JournalLine::add(QByteArrayView key, const QList<int> &values)
{
    addKey(key);
    m_bytes.append('[');
    for (qsizetype i = 0; i < values.size(); ++i) {
        if (i > 0)
            m_bytes.append(',');
        m_bytes.append(QByteArray::number(values[i]));
    }
    m_bytes.append(']');
    return *this;
}

JournalLine &JournalLine::addNull(QByteArrayView key)
{
    addKey(key);
    m_bytes.append("null");
    return *this;
}

QByteArray JournalLine::finish()
{
    m_bytes.append("}\n");
    return std::move(m_bytes);
}

bool JournalFields::parse(QByteArrayView line, QString *error)
{
    m_fields.clear();
    m_event = {};
    Scanner in(line);
    if (!in.eat('{')) {
        *error = u"not a JSON object"_s;
        return false;
    }
    bool first = true;
    while (!in.eat('}')) {
        if (!first && !in.eat(',')) {
            *error = u"expected ',' or '}' at byte %1"_s.arg(in.pos() + 1);
            return false;
        }
        first = false;
        Field field;
        if (!in.eat('"')) {
            *error = u"expected a key at byte %1"_s.arg(in.pos() + 1);
            return false;
        }
        if (!in.string(&field.key, error))
            return false;
        if (!in.eat(':')) {
            *error = u"expected ':' at byte %1"_s.arg(in.pos() + 1);
            return false;
        }
        in.skipSpace();
        const char c = in.peek();
        if (c == '"') {
            in.eat('"');
            field.kind = Kind::String;
            if (!in.string(&field.raw, error))
                return false;
        } else if (c == 't' || c == 'f' || c == 'n') {
            if (in.literal("true")) {
                field.kind = Kind::Bool;
                field.integer = 1;
            } else if (in.literal("false")) {
                field.kind = Kind::Bool;
            } else if (in.literal("null")) {
                field.kind = Kind::Null;
            } else {
                *error = u"expected a value at byte %1"_s.arg(in.pos() + 1);
                return false;
            }
        } else if (c == '[') {
            in.eat('[');
            field.kind = Kind::IntArray;
            const qsizetype begin = in.pos();
            bool firstItem = true;
            while (!in.eat(']')) {
                if (!firstItem && !in.eat(',')) {
                    *error = u"expected ',' or ']' at byte %1"_s.arg(in.pos() + 1);
                    return false;
                }
                firstItem = false;
                in.skipSpace();
                qint64 ignored = 0;
                if (!in.integer(&ignored, error))
                    return false;
            }
            field.raw = line.sliced(begin, in.pos() - 1 - begin);
        } else {
            field.kind = Kind::Int;
            if (!in.integer(&field.integer, error))
                return false;
        }
        if (field.key == "ev" && field.kind == Kind::String)
            m_event = field.raw;
        m_fields.append(field);
    }
    in.skipSpace();
    if (!in.atEnd()) {
        *error = u"unexpected text after the object at byte %1"_s.arg(in.pos() + 1);
        return false;
    }
    if (m_event.isEmpty()) {
        *error = u"no \"ev\" field"_s;
        return false;
    }
    return true;
}

const JournalFields::Field *JournalFields::find(QByteArrayView key) const
{
    for (const Field &field : m_fields) {
        if (field.key == key)
            return &field;
    }
    return nullptr;
}

qint64 JournalFields::integer(QByteArrayView key, qint64 fallback) const
{
    const Field *field = find(key);
    return field && field->kind == Kind::Int ? field->integer : fallback;
}

QString JournalFields::string(QByteArrayView key) const
{
    const Field *field = find(key);
    return field && field->kind == Kind::String ? decodeString(field->raw) : QString();
}

bool JournalFields::boolean(QByteArrayView key, bool fallback) const
{
    const Field *field = find(key);
    return field && field->kind == Kind::Bool ? field->integer != 0 : fallback;
}

QList<int> JournalFields::integers(QByteArrayView key) const
{
    QList<int> values;
    const Field *field = find(key);
    if (!field || field->kind != Kind::IntArray)
        return values;
    qint64 value = 0;
    bool negative = false;
    bool inNumber = false;
    for (const char c : field->raw) {
        if (c >= '0' && c <= '9') {
            value = value * 10 + (c - '0');
            inNumber = true;
        } else if (c == '-') {
            negative = true;
        } else if (c == ',') {
            values.append(int(negative ? -value : value));
            value = 0;
            negative = inNumber = false;
        }
    }
    if (inNumber)
        values.append(int(negative ? -value : value));
    return values;
}

} // namespace requeue
