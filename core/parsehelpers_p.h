#pragma once

// Helpers shared by the job-file and joblog parsers. Internal to core/: not
// part of its API, may change at any time.

#include "joblist.h"

#include <QByteArray>
#include <QString>
#include <QStringView>

namespace requeue::detail {

// The offset of the first byte of `data` that is not part of well-formed UTF-8
// (overlong forms, surrogates and code points above U+10FFFF are not), or
// that is a NUL byte; -1 if there is none.
qsizetype findInvalidUtf8(const char *data, qsizetype size);

// The number of code points in `size` bytes of UTF-8 (stray continuation bytes
// are not counted, so garbage never makes the count larger than the bytes).
int countCodePoints(const char *data, qsizetype size);

// QString::fromUtf8, except that a leading U+FEFF is kept: fromUtf8 drops it
// as a byte order mark, but inside a file it is a character like any other.
QString fromUtf8KeepingBom(const char *data, qsizetype size);

// `text` in double quotes for an error message: control characters, quotes
// and backslashes escaped as in JSON, and cut short with "..." past ~60
// characters so that a 1 MiB value cannot flood the terminal.
QString quoted(QStringView text);

// How one byte reads in a message: "\"x\"", "byte 0xFF", "a NUL byte" or
// "a double quote".
QString describeByte(char byte);

// "1 MiB", "256 MiB", "300 bytes".
QString formatByteSize(qint64 bytes);

// The last error of a list cut at MaxJobFileErrors: "too many errors: the
// first 20 are listed, 980 more are not". `atLeast`: counting stopped early.
QString tooManyErrors(int more, bool atLeast = false);

// Collects errors up to MaxJobFileErrors; the next one is replaced by a final
// "too many errors" error and the collector reports itself full.
// Lives on the stack of one parse, in the parsing thread; not thread-safe
// (parsers on several threads each have their own).
class ErrorCollector
{
public:
    ErrorCollector(QList<JobFileError> *out, const QString &file)
        : m_out(out)
        , m_file(file)
    { }

    // Returns false once full: the caller should stop parsing, or go on to
    // count the rest and call finishCounting().
    bool add(int line, int column, const QString &message);
    bool isFull() const { return m_full; }
    // For callers that went on to the end: the "too many errors" line says
    // how many more there were.
    void finishCounting();
    bool isEmpty() const { return m_out->isEmpty(); }
    // Every error added, the ones left out included.
    int total() const { return m_full ? MaxJobFileErrors + m_more : int(m_out->size()); }

private:
    QList<JobFileError> *m_out; // Not owning.
    QString m_file;
    bool m_full = false;
    int m_more = 0; // errors left out once full
};

} // namespace requeue::detail
