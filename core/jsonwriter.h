#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QLatin1StringView>
#include <QString>
#include <QVarLengthArray>

namespace requeue {

// Appends `utf8` to `out` escaped for the inside of a JSON string.
void appendJsonEscaped(QByteArray *out, QByteArrayView utf8);

// Writes JSON text as it goes, members in the order given. For files too
// large for the detour through QJsonObject, whose every insertion looks its
// key up: run.json of a run of 2,000 jobs took 26 ms that way, on the
// run's way to its first attempt. A value type.
//
//   JsonWriter json;
//   json.beginObject().key("seq"_L1).value(qint64(7)).endObject();
class JsonWriter
{
public:
    JsonWriter &beginObject() { return open('{'); }
    JsonWriter &endObject() { return close('}'); }
    JsonWriter &beginArray() { return open('['); }
    JsonWriter &endArray() { return close(']'); }
    // The name of the object's next member, whose value follows.
    JsonWriter &key(QLatin1StringView name) { return writeKey({name.data(), name.size()}); }
    JsonWriter &key(const QString &name) { return writeKey(name.toUtf8()); }
    JsonWriter &value(qint64 number);
    JsonWriter &value(double number); // null if not finite, as QJsonDocument writes it
    JsonWriter &value(bool flag);
    JsonWriter &value(const QString &text);
    // A value that already is JSON text.
    JsonWriter &rawValue(QByteArrayView json);
    // The next member, element or closing bracket starts a line of its own,
    // indented by `indent` spaces.
    JsonWriter &lineBreak(int indent);

    const QByteArray &text() const { return m_text; }

private:
    JsonWriter &open(char bracket);
    JsonWriter &close(char bracket);
    JsonWriter &writeKey(QByteArrayView utf8);
    void beforeItem();
    void breakLineIfAsked();

    QByteArray m_text;
    QVarLengthArray<bool, 8> m_empty; // per open object or array: nothing in it yet
    int m_break = -1;                 // a pending line break's indent
    bool m_afterKey = false;
};

} // namespace requeue
