#include "jsonwriter.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <limits>

using namespace Qt::StringLiterals;

namespace requeue {

class TestJsonWriter : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void readsBackAsQtWritesIt();
    void escapesWhatJsonMust();
    void lineBreaksGoBetweenItems();
    void emptyContainers();
};

// Nested objects and arrays of every value kind: QJsonDocument reads back
// what a QJsonObject built the same way holds.
void TestJsonWriter::readsBackAsQtWritesIt()
{
    JsonWriter json;
    json.beginObject();
    json.key("n"_L1).value(qint64(-42));
    json.key("big"_L1).value(qint64(1796600092204570));
    json.key("x"_L1).value(3.5);
    json.key("whole"_L1).value(2.0);
    json.key("inf"_L1).value(std::numeric_limits<double>::infinity());
    json.key("yes"_L1).value(true);
    json.key("s"_L1).value(u"grüße ✓"_s);
    json.key(u"ключ"_s).beginArray().value(qint64(1)).value(u"two"_s).beginObject().endObject();
    json.endArray();
    json.key("raw"_L1).rawValue(R"({"a":[1,2]})");
    json.endObject();

    const QJsonObject expected {
        {u"n"_s, -42},
        {u"big"_s, qint64(1796600092204570)},
        {u"x"_s, 3.5},
        {u"whole"_s, 2.0},
        {u"inf"_s, QJsonValue::Null},
        {u"yes"_s, true},
        {u"s"_s, u"grüße ✓"_s},
        {u"ключ"_s, QJsonArray {1, u"two"_s, QJsonObject()}},
        {u"raw"_s, QJsonObject {{u"a"_s, QJsonArray {1, 2}}}},
    };
    QJsonParseError error;
    const QJsonDocument back = QJsonDocument::fromJson(json.text(), &error);
    QCOMPARE(error.error, QJsonParseError::NoError);
    QCOMPARE(back.object(), expected);
}

void TestJsonWriter::escapesWhatJsonMust()
{
    const QString nasty = u"quote \" backslash \\ newline \n tab \t cr \r bell \x07 nul-less"_s;
    JsonWriter json;
    json.beginArray().value(nasty).endArray();
    QVERIFY(!json.text().contains('\n'));
    QVERIFY(json.text().contains(R"(\u0007)"));
    QCOMPARE(QJsonDocument::fromJson(json.text()).array().at(0).toString(), nasty);
}

void TestJsonWriter::lineBreaksGoBetweenItems()
{
    JsonWriter json;
    json.beginObject().lineBreak(4).key("a"_L1).value(qint64(1));
    json.lineBreak(4).key("b"_L1).beginArray();
    json.lineBreak(8).value(qint64(2));
    json.lineBreak(8).value(qint64(3));
    json.lineBreak(4).endArray().lineBreak(0).endObject();
    QCOMPARE(json.text(),
             QByteArray("{\n    \"a\":1,\n    \"b\":[\n        2,\n        3\n    ]\n}"));
}

void TestJsonWriter::emptyContainers()
{
    JsonWriter json;
    json.beginObject().key("a"_L1).beginArray().endArray().key("o"_L1).beginObject().endObject();
    json.endObject();
    QCOMPARE(json.text(), QByteArray(R"({"a":[],"o":{}})"));
}

} // namespace requeue

QTEST_GUILESS_MAIN(requeue::TestJsonWriter)
#include "tst_jsonwriter.moc"
