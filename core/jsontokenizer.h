#pragma once

// A streaming JSON tokenizer with positions, for the JSON job list (whose
// schema is in jsonjoblistparser.cpp). Internal to core/: not part of its API.

#include "joblist.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace requeue::detail {

// A scalar value, or the start of a container that was skipped. Offsets are
// bytes into the document; they become line:column only when an error is
// reported, so that the common, error-free case does no position work.
struct JsonValue
{
    enum Kind { Null, False, True, Number, String, Array, Object };
    Kind kind = Null;
    qsizetype offset = 0;
    QString text; // String: the decoded text; Number: the token as written
};

// How a value reads after "got" in a message: null, 12, "text", an array...
QString describe(const JsonValue &value);

// Reads one JSON document front to back without building a tree: the caller
// pulls values and walks arrays and objects with forEachItem/forEachMember,
// deciding what each one means. Every error is kept with the byte offset it
// points at; resolveErrors() turns the offsets into line:column (1-based, in
// code points) in one pass at the end. Syntax errors stop reading; the
// caller's own errors do not: past MaxJobFileErrors they are only counted,
// and one last error says how many more there are.
//
// Used by one thread at a time; `data` must outlive the tokenizer.
class JsonTokenizer
{
public:
    // Starts at the beginning of `data`, after a UTF-8 byte order mark.
    // `fileName` is only used in errors.
    JsonTokenizer(const QByteArray &data, const QString &fileName);

    // --- errors
    // Records an error at a byte offset (-1: about the whole file), or only
    // counts it past MaxJobFileErrors; returns false once reading should stop.
    bool error(qsizetype offset, const QString &message);
    // Records a syntax error: always stops, returns false.
    bool fatal(qsizetype offset, const QString &message);
    bool stopped() const { return m_stop; }
    bool hasErrors() const { return !m_errors.isEmpty(); }
    // Errors counted but not kept, past MaxJobFileErrors.
    int errorsLeftOut() const;
    // Every error reported, the ones left out included (a lower bound once
    // a syntax error stopped the reading).
    int errorCount() const { return m_errorCount; }
    // The errors so far in reading order with line:column; whole-file ones last.
    QList<JobFileError> resolveErrors();

    // --- reading
    qsizetype offset() const { return m_pos; }
    bool atEnd() const { return m_pos >= m_end; }
    char peek() const { return m_pos < m_end ? m_data[m_pos] : '\0'; }
    void skipWhitespace();
    // The next character as it reads in "got ..." (with a hint for ' and /).
    QString describeHere() const;
    // Reads any value at nesting `depth` (the top level is 1); arrays and
    // objects are checked and skipped.
    bool readValue(JsonValue *out, int depth);
    // Iterates an array at its '['. `item` must read exactly one value.
    template<typename ItemFn>
    bool forEachItem(int depth, ItemFn item);
    // Iterates an object at its '{'. `member(key, keyOffset)` must read
    // exactly one value.
    template<typename MemberFn>
    bool forEachMember(int depth, MemberFn member);
    // A fatal error if anything but whitespace follows the document.
    void expectEnd();

private:
    struct PendingError
    {
        qsizetype offset; // -1: about the whole file
        QString message;
    };

    bool readString(QString *out);
    bool readNumber(JsonValue *out);
    bool skipContainer(int depth);
    bool enterContainer(int depth);
    // The steps of forEachItem and forEachMember; `more` says whether another
    // item or member follows.
    bool beginArray(int depth, bool *more);
    bool endItem(bool *more);
    bool beginObject(int depth, bool *more);
    bool readKey(QString *key, qsizetype *keyOffset); // "key" and its ':'
    bool endMember(bool *more);

    const QByteArray &m_data;
    QString m_fileName;
    qsizetype m_pos = 0;
    qsizetype m_end = 0;
    bool m_stop = false;
    int m_errorCount = 0;
    QList<PendingError> m_errors;
};

template<typename ItemFn>
bool JsonTokenizer::forEachItem(int depth, ItemFn item)
{
    bool more = false;
    if (!beginArray(depth, &more))
        return false;
    while (more) {
        if (!item() || m_stop || !endItem(&more))
            return false;
    }
    return true;
}

template<typename MemberFn>
bool JsonTokenizer::forEachMember(int depth, MemberFn member)
{
    bool more = false;
    if (!beginObject(depth, &more))
        return false;
    QString key; // one buffer for all keys: saves an allocation per key
    qsizetype keyOffset = 0;
    while (more) {
        if (!readKey(&key, &keyOffset) || !member(key, keyOffset) || m_stop || !endMember(&more))
            return false;
    }
    return true;
}

} // namespace requeue::detail
