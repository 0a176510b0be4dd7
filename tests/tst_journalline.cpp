#include "journalline.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace Qt::StringLiterals;

namespace requeue {

class tst_JournalLine : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void writesCompactJson();
    void stringsRoundTrip_data();
    void stringsRoundTrip();
    void readsWhatQtWrites();
    void rejects_data();
    void rejects();
    void missingAndMistypedFields();
};

void tst_JournalLine::writesCompactJson()
{
    const QByteArray line = JournalLine("finished")
                                .add("seq", qint64(3))
                                .add("msg", u"a \"b\"\n"_s)
                                .add("ok", true)
                                .add("seqs", QList<int> {1, -2, 30})
                                .addNull("none")
                                .finish();
    QCOMPARE(line,
             QByteArray(R"({"ev":"finished","seq":3,"msg":"a \"b\"\n","ok":true,)"
                        R"("seqs":[1,-2,30],"none":null})"
                        "\n"));
    // Whatever we write is JSON.
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(line, &error);
    QCOMPARE(error.error, QJsonParseError::NoError);
    QCOMPARE(document.object().value("msg"_L1).toString(), u"a \"b\"\n"_s);
}

void tst_JournalLine::stringsRoundTrip_data()
{
    QTest::addColumn<QString>("text");
    QTest::newRow("empty") << QString();
    QTest::newRow("plain") << u"sleep 1 && echo done"_s;
    QTest::newRow("quotes and backslashes") << uR"(printf "a\tb\\" '\n')"_s;
    QTest::newRow("control characters") << u"a\tb\rc\nd\x01\x1f\x7f"_s;
    QTest::newRow("unicode") << u"größe – 日本 😀"_s;
    QTest::newRow("lone surrogate") << QString(QChar(0xd800));
}

void tst_JournalLine::stringsRoundTrip()
{
    QFETCH(QString, text);
    QByteArray line = JournalLine("x").add("s", text).finish();
    QVERIFY(line.endsWith('\n'));
    QCOMPARE(line.count('\n'), 1); // one record, one line
    line.chop(1);
    JournalFields fields;
    QString error;
    QVERIFY2(fields.parse(line, &error), qPrintable(error));
    if (text.size() == 1 && QChar(text[0]).isSurrogate())
        QCOMPARE(fields.string("s"), u"?"_s); // what QString::toUtf8() makes of it
    else
        QCOMPARE(fields.string("s"), text);
}

void tst_JournalLine::readsWhatQtWrites()
{
    // Escapes QJsonDocument uses (and a person editing the file might).
    const QByteArray line = R"( { "ev" : "state", "s":"\u00e9\ud83d\ude00\/\b\f", "n": -12 } )";
    JournalFields fields;
    QString error;
    QVERIFY2(fields.parse(line, &error), qPrintable(error));
    QCOMPARE(fields.event(), "state");
    QCOMPARE(fields.string("s"), u"é😀/\b\f"_s);
    QCOMPARE(fields.integer("n"), -12);
}

void tst_JournalLine::rejects_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<QString>("error");
    QTest::newRow("empty") << QByteArray() << u"not a JSON object"_s;
    QTest::newRow("array") << QByteArray("[1]") << u"not a JSON object"_s;
    QTest::newRow("torn") << QByteArray(R"({"ev":"state","seq":1,"sta)")
                          << u"unterminated string"_s;
    QTest::newRow("cut after a value")
        << QByteArray(R"({"ev":"state","seq":1)") << u"expected ',' or '}' at byte 22"_s;
    QTest::newRow("garbage after")
        << QByteArray(R"({"ev":"x"}x)") << u"unexpected text after the object at byte 11"_s;
    QTest::newRow("no ev") << QByteArray(R"({"seq":1})") << u"no \"ev\" field"_s;
    QTest::newRow("float") << QByteArray(R"({"ev":"x","n":1.5})")
                           << u"expected ',' or '}' at byte 16"_s;
    QTest::newRow("bad escape") << QByteArray(R"({"ev":"x","s":"\q"})")
                                << u"bad escape at byte 16"_s;
    QTest::newRow("short unicode escape")
        << QByteArray(R"({"ev":"x","s":"\u12"})") << u"bad \\u escape at byte 16"_s;
    QTest::newRow("raw control character") << QByteArray("{\"ev\":\"x\",\"s\":\"a\tb\"}")
                                           << u"control character in a string at byte 17"_s;
    QTest::newRow("huge number") << QByteArray(R"({"ev":"x","n":12345678901234567890})")
                                 << u"number too large at byte 15"_s;
    QTest::newRow("nested object")
        << QByteArray(R"({"ev":"x","o":{}})") << u"expected a value at byte 15"_s;
    QTest::newRow("nul bytes") << QByteArray(8, '\0') << u"not a JSON object"_s;
}

void tst_JournalLine::rejects()
{
    QFETCH(QByteArray, line);
    QFETCH(QString, error);
    JournalFields fields;
    QString message;
    QVERIFY(!fields.parse(line, &message));
    QCOMPARE(message, error);
}

void tst_JournalLine::missingAndMistypedFields()
{
    JournalFields fields;
    QString error;
    QVERIFY(fields.parse(R"({"ev":"x","n":"7","b":1,"a":[]})", &error));
    QCOMPARE(fields.integer("n", -1), -1); // a string is no number
    QCOMPARE(fields.integer("gone", 5), 5);
    QCOMPARE(fields.boolean("b", true), true); // 1 is no bool
    QCOMPARE(fields.string("gone"), QString());
    QCOMPARE(fields.integers("a"), QList<int>());
    QVERIFY(fields.has("a"));
    QVERIFY(!fields.has("gone"));
}

} // namespace requeue

QTEST_GUILESS_MAIN(requeue::tst_JournalLine)
#include "tst_journalline.moc"
