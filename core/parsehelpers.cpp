#include "parsehelpers_p.h"

#include <QStringDecoder>

#include <cstring>

using namespace Qt::StringLiterals;

namespace requeue {

namespace detail {

qsizetype findInvalidUtf8(const char *data, qsizetype size)
{
    const auto *s = reinterpret_cast<const unsigned char *>(data);
    qsizetype i = 0;
    while (i < size) {
        // Fast path: eight ASCII bytes, none of them NUL.
        if (i + 8 <= size) {
            quint64 word;
            std::memcpy(&word, s + i, 8);
            constexpr quint64 high = 0x8080808080808080ull;
            constexpr quint64 low = 0x0101010101010101ull;
            if ((word & high) == 0 && ((word - low) & ~word & high) == 0) {
                i += 8;
                continue;
            }
        }
        const unsigned char c = s[i];
        if (c == 0)
            return i;
        if (c < 0x80) {
            ++i;
            continue;
        }
        int length = 0;
        unsigned char low = 0x80;
        unsigned char high = 0xBF; // bounds of the second byte
        if (c >= 0xC2 && c <= 0xDF) {
            length = 2;
        } else if (c >= 0xE0 && c <= 0xEF) {
            length = 3;
            if (c == 0xE0)
                low = 0xA0; // overlong
            else if (c == 0xED)
                high = 0x9F; // surrogates
        } else if (c >= 0xF0 && c <= 0xF4) {
            length = 4;
            if (c == 0xF0)
                low = 0x90; // overlong
            else if (c == 0xF4)
                high = 0x8F; // above U+10FFFF
        } else {
            return i; // a continuation byte, C0, C1 or F5..FF
        }
        if (i + length > size)
            return i;
        if (s[i + 1] < low || s[i + 1] > high)
            return i;
        for (int k = 2; k < length; ++k) {
            if ((s[i + k] & 0xC0) != 0x80)
                return i;
        }
        i += length;
    }
    return -1;
}

int countCodePoints(const char *data, qsizetype size)
{
    int count = 0;
    for (qsizetype i = 0; i < size; ++i) {
        if ((static_cast<unsigned char>(data[i]) & 0xC0) != 0x80)
            ++count;
    }
    return count;
}

QString fromUtf8KeepingBom(const char *data, qsizetype size)
{
    return QStringDecoder(QStringDecoder::Utf8, QStringDecoder::Flag::ConvertInitialBom)
        .decode(QByteArrayView(data, size));
}

QString quoted(QStringView text)
{
    constexpr qsizetype maxShown = 60;
    QString out;
    out.reserve(qMin(text.size(), maxShown) + 8);
    out += u'"';
    qsizetype i = 0;
    for (; i < text.size() && i < maxShown; ++i) {
        const QChar c = text[i];
        switch (c.unicode()) {
        case u'"':
            out += u"\\\""_s;
            break;
        case u'\\':
            out += u"\\\\"_s;
            break;
        case u'\n':
            out += u"\\n"_s;
            break;
        case u'\r':
            out += u"\\r"_s;
            break;
        case u'\t':
            out += u"\\t"_s;
            break;
        default:
            if (c.unicode() < 0x20 || c.unicode() == 0x7F)
                out += u"\\u%1"_s.arg(int(c.unicode()), 4, 16, QChar(u'0'));
            else
                out += c;
        }
    }
    if (i < text.size()) {
        if (text[i - 1].isHighSurrogate())
            out.chop(1);
        out += u"..."_s;
    }
    out += u'"';
    return out;
}

QString describeByte(char byte)
{
    const auto c = static_cast<unsigned char>(byte);
    if (c == 0)
        return u"a NUL byte"_s;
    if (c == '"')
        return u"a double quote"_s;
    if (c >= 0x21 && c < 0x7F)
        return u'"' + QChar(QLatin1Char(byte)) + u'"';
    return u"byte 0x"_s + QString::number(c, 16).toUpper().rightJustified(2, u'0');
}

QString formatByteSize(qint64 bytes)
{
    constexpr qint64 mib = 1024 * 1024;
    if (bytes >= mib && bytes % mib == 0)
        return u"%1 MiB"_s.arg(bytes / mib);
    // "1.0 MiB" for 1 MiB + 1 byte would read like the limit itself.
    const QString rounded = QString::number(double(bytes) / double(mib), 'f', 1);
    if (bytes >= mib && !rounded.endsWith(u".0"_s))
        return rounded + u" MiB"_s;
    return u"%1 bytes"_s.arg(bytes);
}

bool ErrorCollector::add(int line, int column, const QString &message)
{
    if (m_full) {
        ++m_more;
        return false;
    }
    if (m_out->size() >= MaxJobFileErrors) {
        m_out->append(JobFileError {
            m_file, 0, 0, u"too many errors, stopped after the first %1"_s.arg(MaxJobFileErrors)});
        m_full = true;
        m_more = 1;
        return false;
    }
    m_out->append(JobFileError {m_file, line, column, message});
    return true;
}

void ErrorCollector::finishCounting()
{
    if (m_full && !m_out->isEmpty())
        m_out->last().message = tooManyErrors(m_more);
}

QString tooManyErrors(int more, bool atLeast)
{
    return (atLeast ? u"too many errors: the first %1 are listed, at least %2 more are not"_s
                    : u"too many errors: the first %1 are listed, %2 more are not"_s)
        .arg(MaxJobFileErrors)
        .arg(more);
}

} // namespace detail
} // namespace requeue
