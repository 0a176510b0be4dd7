#include "jsontokenizer.h"

#include <QTest>

#include <functional>

using namespace Qt::StringLiterals;

namespace requeue::detail {

// Walks a whole document the way the job-list schema does and logs what it
// read: "[" / "]" around items, "key:" before members, scalars as describe()
// prints them. Errors come last as line:column message.
static QStringList walk(const QByteArray &json)
{
    JsonTokenizer tokens(json, u"t.json"_s);
    QStringList log;
    std::function<bool(int)> value = [&](int depth) -> bool {
        tokens.skipWhitespace();
        const char c = tokens.atEnd() ? '\0' : tokens.peek();
        if (c == '[') {
            log.append(u"["_s);
            const bool ok = tokens.forEachItem(depth, [&] { return value(depth + 1); });
            log.append(u"]"_s);
            return ok;
        }
        if (c == '{') {
            log.append(u"{"_s);
            const bool ok = tokens.forEachMember(depth, [&](const QString &key, qsizetype) {
                log.append(key + u':');
                return value(depth + 1);
            });
            log.append(u"}"_s);
            return ok;
        }
        JsonValue scalar;
        if (!tokens.readValue(&scalar, depth))
            return false;
        log.append(describe(scalar));
        return true;
    };
    if (value(1))
        tokens.expectEnd();
    for (const JobFileError &error : tokens.resolveErrors())
        log.append(u"%1:%2 %3"_s.arg(error.line).arg(error.column).arg(error.message));
    return log;
}

class TestJsonTokenizer : public QObject
{
    Q_OBJECT

private slots:
    void walksDocuments_data();
    void walksDocuments();
    void callerErrorsAreSortedWithPositions();
    void tooManyErrorsAreCounted();
    void aSyntaxErrorEndsTheCounting();
};

void TestJsonTokenizer::walksDocuments_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QStringList>("expected");

    QTest::newRow("scalars") << QByteArray(R"([1, -2.5e3, "a\"b", true, false, null])")
                             << QStringList {u"["_s,    u"1"_s,     u"-2.5e3"_s, uR"("a\"b")"_s,
                                             u"true"_s, u"false"_s, u"null"_s,   u"]"_s};
    QTest::newRow("nested") << QByteArray(R"({"a": {"b": []}, "c": [{}]})")
                            << QStringList {u"{"_s, u"a:"_s, u"{"_s,  u"b:"_s, u"["_s,
                                            u"]"_s, u"}"_s,  u"c:"_s, u"["_s,  u"{"_s,
                                            u"}"_s, u"]"_s,  u"}"_s};
    QTest::newRow("bom skipped") << QByteArray("\xEF\xBB\xBF[1]")
                                 << QStringList {u"["_s, u"1"_s, u"]"_s};
    QTest::newRow("utf-8 column")
        << QByteArray("[\"é\u00e9\",\n  \"ü\" x]")
        << QStringList {u"["_s, u"\"éé\""_s, u"\"ü\""_s, u"]"_s,
                        u"2:7 expected \",\" or \"]\" after an array item, got \"x\""_s};
    QTest::newRow("trailing comma")
        << QByteArray("{\"a\": 1,\n}")
        << QStringList {u"{"_s, u"a:"_s, u"1"_s, u"}"_s,
                        u"1:8 trailing comma before \"}\" (JSON does not allow one)"_s};
    QTest::newRow("after the document")
        << QByteArray("[] []")
        << QStringList {u"["_s, u"]"_s,
                        u"1:4 unexpected \"[\" after the end of the JSON document"_s};
    QTest::newRow("missing colon")
        << QByteArray("{\"a\" 1}")
        << QStringList {u"{"_s, u"}"_s,
                        u"1:6 expected \":\" after the field name \"a\", got \"1\""_s};
    QTest::newRow("too deep") << QByteArray(70, '[')
                              << QStringList(65, u"["_s) + QStringList(65, u"]"_s)
            + QStringList {u"1:65 the JSON is nested too deeply (more than 64 levels)"_s};
}

void TestJsonTokenizer::walksDocuments()
{
    QFETCH(QByteArray, json);
    QFETCH(QStringList, expected);
    QCOMPARE(walk(json), expected);
}

// The schema reports its errors out of order (a job's missing field after its
// members); they come back in reading order, a whole-file one last.
void TestJsonTokenizer::callerErrorsAreSortedWithPositions()
{
    const QByteArray json = "[\n  1,\n  2\n]";
    JsonTokenizer tokens(json, u"t.json"_s);
    QVERIFY(tokens.error(-1, u"whole"_s));
    QVERIFY(tokens.error(json.indexOf('2'), u"two"_s));
    QVERIFY(tokens.error(json.indexOf('1'), u"one"_s));
    QVERIFY(!tokens.stopped());
    const QList<JobFileError> errors = tokens.resolveErrors();
    QCOMPARE(errors.size(), 3);
    QCOMPARE(errors[0].file, u"t.json"_s);
    QCOMPARE(std::tuple(errors[0].line, errors[0].column, errors[0].message),
             std::tuple(2, 3, u"one"_s));
    QCOMPARE(std::tuple(errors[1].line, errors[1].column, errors[1].message),
             std::tuple(3, 3, u"two"_s));
    QCOMPARE(std::tuple(errors[2].line, errors[2].column, errors[2].message),
             std::tuple(0, 0, u"whole"_s));
}

void TestJsonTokenizer::tooManyErrorsAreCounted()
{
    const QByteArray json("[]"); // the tokenizer keeps a reference to it
    JsonTokenizer tokens(json, u"t.json"_s);
    for (int i = 0; i < MaxJobFileErrors + 7; ++i)
        QVERIFY(tokens.error(0, u"e"_s)); // reading goes on to count them
    QVERIFY(!tokens.stopped());
    QCOMPARE(tokens.errorsLeftOut(), 7);
    const QList<JobFileError> errors = tokens.resolveErrors();
    QCOMPARE(errors.size(), MaxJobFileErrors + 1);
    QCOMPARE(errors.at(MaxJobFileErrors - 1).message, u"e"_s);
    QCOMPARE(errors.last().message, u"too many errors: the first 20 are listed, 7 more are not"_s);
}

void TestJsonTokenizer::aSyntaxErrorEndsTheCounting()
{
    const QByteArray json("[]");
    JsonTokenizer tokens(json, u"t.json"_s);
    for (int i = 0; i < MaxJobFileErrors + 2; ++i)
        QVERIFY(tokens.error(0, u"e"_s));
    QVERIFY(!tokens.fatal(1, u"syntax"_s));
    QVERIFY(!tokens.error(1, u"after the end"_s));
    QCOMPARE(tokens.errorsLeftOut(), 3);
    const QList<JobFileError> errors = tokens.resolveErrors();
    QCOMPARE(errors.size(), MaxJobFileErrors + 1);
    QCOMPARE(errors.last().message,
             u"too many errors: the first 20 are listed, at least 3 more are not"_s);
}

} // namespace requeue::detail

QTEST_GUILESS_MAIN(requeue::detail::TestJsonTokenizer)
#include "tst_jsontokenizer.moc"
