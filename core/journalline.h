#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>
#include <QVarLengthArray>

namespace requeue {

// One line of a run's `events` journal: a flat JSON object whose values are
// whole numbers, strings, booleans, null or arrays of whole numbers. The
// journal is read back far more often than a general JSON document is worth:
// a run of 150,000 attempts has about 700,000 lines, so both directions are
// written by hand for this subset. A value type.
class JournalLine
{
public:
    // Starts `{"ev":"<event>"`.
    explicit JournalLine(QByteArrayView event);

    JournalLine &add(QByteArrayView key, qint64 value);
    JournalLine &add(QByteArrayView key, const QString &value);
    JournalLine &add(QByteArrayView key, bool value);
    JournalLine &add(QByteArrayView key, const QList<int> &values);
    JournalLine &addNull(QByteArrayView key);

    // The object and its '\n'.
    QByteArray finish();

private:
    void addKey(QByteArrayView key);

    QByteArray m_bytes;
};

// A parsed journal line. Views point into the line it was parsed from, which
// must outlive it.
class JournalFields
{
public:
    enum class Kind { Int, String, Bool, Null, IntArray };

    // Parses one line (without its '\n'). Returns false and sets `error` to a
    // message for a person when it is not a flat JSON object of that subset.
    bool parse(QByteArrayView line, QString *error);

    bool has(QByteArrayView key) const { return find(key) != nullptr; }
    QByteArrayView event() const { return m_event; }
    // The value of `key`, or `fallback` if it is missing or of another kind.
    qint64 integer(QByteArrayView key, qint64 fallback = 0) const;
    QString string(QByteArrayView key) const;
    bool boolean(QByteArrayView key, bool fallback = false) const;
    QList<int> integers(QByteArrayView key) const;

private:
    struct Field
    {
        QByteArrayView key;
        Kind kind = Kind::Null;
        qint64 integer = 0;
        QByteArrayView raw; // a string's bytes between the quotes, still escaped; an array's text
    };
    const Field *find(QByteArrayView key) const;

    QVarLengthArray<Field, 16> m_fields;
    QByteArrayView m_event;
};

} // namespace requeue
