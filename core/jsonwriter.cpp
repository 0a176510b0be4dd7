#include "jsonwriter.h"

#include <QLocale>

#include <cmath>
#include <utility>

namespace requeue {

void appendJsonEscaped(QByteArray *out, QByteArrayView utf8)
{
    static const char hex[] = "0123456789abcdef";
    for (const char c : utf8) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out->append('\\');
            out->append(c);
        } else if (c == '\n') {
            out->append("\\n", 2);
        } else if (c == '\t') {
            out->append("\\t", 2);
        } else if (c == '\r') {
            out->append("\\r", 2);
        } else if (u < 0x20) {
            const char escape[] = {'\\', 'u', '0', '0', hex[u >> 4], hex[u & 0xf]};
            out->append(escape, sizeof escape);
        } else {
            out->append(c);
        }
    }
}

void JsonWriter::beforeItem()
{
    if (std::exchange(m_afterKey, false))
        return; // the value of the key just written
    if (!m_empty.isEmpty()) {
        if (!m_empty.last())
            m_text.append(',');
        m_empty.last() = false;
    }
    breakLineIfAsked();
}

void JsonWriter::breakLineIfAsked()
{
    if (m_break < 0)
        return;
    m_text.append('\n');
    m_text.append(m_break, ' ');
    m_break = -1;
}

JsonWriter &JsonWriter::open(char bracket)
{
    beforeItem();
    m_text.append(bracket);
    m_empty.append(true);
    return *this;
}

JsonWriter &JsonWriter::close(char bracket)
{
    Q_ASSERT(!m_empty.isEmpty() && !m_afterKey);
    m_empty.removeLast();
    breakLineIfAsked();
    m_text.append(bracket);
    return *this;
}

JsonWriter &JsonWriter::writeKey(QByteArrayView utf8)
{
    beforeItem();
    m_text.append('"');
    appendJsonEscaped(&m_text, utf8);
    m_text.append("\":");
    m_afterKey = true;
    return *this;
}

JsonWriter &JsonWriter::value(qint64 number)
{
    beforeItem();
    m_text.append(QByteArray::number(number));
    return *this;
}

JsonWriter &JsonWriter::value(double number)
{
    beforeItem();
    if (std::isfinite(number))
        m_text.append(QByteArray::number(number, 'g', QLocale::FloatingPointShortest));
    else
        m_text.append("null");
    return *this;
}

JsonWriter &JsonWriter::value(bool flag)
{
    beforeItem();
    m_text.append(flag ? "true" : "false");
    return *this;
}

JsonWriter &JsonWriter::value(const QString &text)
{
    beforeItem();
    m_text.append('"');
    appendJsonEscaped(&m_text, text.toUtf8());
    m_text.append('"');
    return *this;
}

JsonWriter &JsonWriter::rawValue(QByteArrayView json)
{
    beforeItem();
    m_text.append(json);
    return *this;
}

JsonWriter &JsonWriter::lineBreak(int indent)
{
    m_break = indent;
    return *this;
}

} // namespace requeue
