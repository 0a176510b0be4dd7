#include "jsonjoblistparser.h"

#include "common/joblisttesting.h"

#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QTest>

using namespace Qt::StringLiterals;

namespace requeue {

// A job as the tests compare it: seq|name|command, then only the settings the
// file set, so each row spells out exactly what it expects.
static QString describeJob(const JobListEntry &entry)
{
    const JobSpec &spec = entry.spec;
    QString text = QString::number(spec.seq) + u'|' + spec.name + u'|';
    if (spec.process.usesShell())
        text += u"sh:"_s + spec.process.shellCommand;
    else
        text += u"argv:"_s
            + (QStringList {spec.process.program} + spec.process.arguments).join(u',');
    if (!spec.process.workingDirectory.isEmpty())
        text += u"|cwd:"_s + spec.process.workingDirectory;
    if (!spec.process.environment.isEmpty()) {
        QStringList env;
        for (auto it = spec.process.environment.cbegin(); it != spec.process.environment.cend();
             ++it)
            env.append(it.key() + u'=' + it.value());
        text += u"|env:"_s + env.join(u',');
    }
    if (entry.setsMaxAttempts)
        text += u"|max:"_s + QString::number(spec.retry.maxAttempts);
    if (entry.setsTimeout)
        text += u"|timeout:"_s + QString::number(spec.timeout.count());
    if (entry.setsBackoff) {
        const char *kinds[] = {"none", "fixed", "exp"};
        text += u"|backoff:"_s + QLatin1StringView(kinds[int(spec.retry.backoff)]) + u','
            + QString::number(spec.retry.initialDelay.count()) + u','
            + QString::number(spec.retry.maxDelay.count()) + u','
            + QString::number(spec.retry.factor);
    }
    if (entry.setsJitter)
        text += u"|jitter:"_s + (spec.retry.jitter ? u"1"_s : u"0"_s);
    if (entry.setsNoRetryExit) {
        QStringList codes;
        for (int code : spec.retry.permanentExitCodes)
            codes.append(QString::number(code));
        text += u"|exit:"_s + codes.join(u',');
    }
    return text;
}

static QStringList describeJobs(const JobList &list)
{
    QStringList out;
    for (const JobListEntry &entry : list.jobs)
        out.append(describeJob(entry));
    return out;
}

using requeue::test::errorStrings;

// `[{"command": "a", FIELD}]`: FIELD starts at column 19.
static QByteArray withField(const QByteArray &field)
{
    return R"([{"command": "a", )"_ba + field + "}]";
}

class tst_JsonJobListParser : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parses_data();
    void parses();
    void errors_data();
    void errors();
    void unsetFieldsKeepDefaults();
    void tooManyErrors();
    void deepNesting_data();
    void deepNesting();
    void longString();
    void binaryGarbage();
    void hundredThousandJobs();
    void clusterResources();
    void clusterResourceErrors_data();
    void clusterResourceErrors();
};

void tst_JsonJobListParser::parses_data()
{
    QTest::addColumn<QByteArray>("data");
    QTest::addColumn<QStringList>("jobs");

    QTest::newRow("array") << R"([{"command": "echo hi"}])"_ba << QStringList {u"1|1|sh:echo hi"_s};
    QTest::newRow("two jobs, names default to the position")
        << R"([{"command": "a"}, {"name": "b", "command": "b"}, {"command": "c"}])"_ba
        << QStringList {u"1|1|sh:a"_s, u"2|b|sh:b"_s, u"3|3|sh:c"_s};
    QTest::newRow("argv") << R"([{"argv": ["ls", "-l", "a b", ""]}])"_ba
                          << QStringList {u"1|1|argv:ls,-l,a b,"_s};
    QTest::newRow("argv program only")
        << R"([{"argv": ["true"]}])"_ba << QStringList {u"1|1|argv:true"_s};
    QTest::newRow("every field")
        << R"([{"name": "n", "command": "c", "cwd": "/tmp", "env": {"B": "2", "A": "1"},
                   "max_attempts": 5, "timeout": "1.5s", "backoff": "exp:100ms:30s:3",
                   "jitter": true, "no_retry_exit": [2, 64, 2]}])"_ba
        << QStringList {u"1|n|sh:c|cwd:/tmp|env:A=1,B=2|max:5|timeout:1500"
                        "|backoff:exp,100,30000,3|jitter:1|exit:2,64"_s};
    QTest::newRow("unlimited attempts")
        << withField(R"("max_attempts": 0)") << QStringList {u"1|1|sh:a|max:0"_s};
    QTest::newRow("negative zero attempts")
        << withField(R"("max_attempts": -0)") << QStringList {u"1|1|sh:a|max:0"_s};
    QTest::newRow("largest attempts")
        << withField(R"("max_attempts": 2147483647)") << QStringList {u"1|1|sh:a|max:2147483647"_s};
    QTest::newRow("no timeout") << withField(R"("timeout": "0")")
                                << QStringList {u"1|1|sh:a|timeout:0"_s};
    QTest::newRow("fixed backoff") << withField(R"("backoff": "fixed:2s")")
                                   << QStringList {u"1|1|sh:a|backoff:fixed,2000,300000,2"_s};
    QTest::newRow("no backoff") << withField(R"("backoff": "none")")
                                << QStringList {u"1|1|sh:a|backoff:none,0,300000,2"_s};
    QTest::newRow("jitter off") << withField(R"("jitter": false)")
                                << QStringList {u"1|1|sh:a|jitter:0"_s};
    QTest::newRow("empty exit codes")
        << withField(R"("no_retry_exit": [])") << QStringList {u"1|1|sh:a|exit:"_s};
    QTest::newRow("empty env") << withField(R"("env": {})") << QStringList {u"1|1|sh:a"_s};
    QTest::newRow("object form") << R"({"jobs": [{"command": "a"}]})"_ba
                                 << QStringList {u"1|1|sh:a"_s};
    QTest::newRow("empty defaults")
        << R"({"defaults": {}, "jobs": [{"command": "a"}]})"_ba << QStringList {u"1|1|sh:a"_s};
    QTest::newRow("defaults")
        << R"({"defaults": {"max_attempts": 7, "timeout": "2s", "env": {"A": "d", "B": "d"},
                               "cwd": "/d", "backoff": "fixed:1s", "jitter": true,
                               "no_retry_exit": [3]},
                  "jobs": [{"command": "a"},
                           {"command": "b", "max_attempts": 1, "env": {"B": "j", "C": "j"},
                            "cwd": "/j", "timeout": "1s", "backoff": "none", "jitter": false,
                            "no_retry_exit": []}]})"_ba
        << QStringList {u"1|1|sh:a|cwd:/d|env:A=d,B=d|max:7|timeout:2000"
                        "|backoff:fixed,1000,300000,2|jitter:1|exit:3"_s,
                        u"2|2|sh:b|cwd:/j|env:A=d,B=j,C=j|max:1|timeout:1000"
                        "|backoff:none,0,300000,2|jitter:0|exit:"_s};
    QTest::newRow("defaults after jobs")
        << R"({"jobs": [{"command": "a"}], "defaults": {"jitter": true}})"_ba
        << QStringList {u"1|1|sh:a|jitter:1"_s};
    QTest::newRow("escapes")
        << R"([{"command": "printf '%s\\n' \"caf\u00e9\" \ud83d\ude00 \t\/\b\f\r\n"}])"_ba
        << QStringList {u"1|1|sh:printf '%s\\n' \"caf\u00e9\" \U0001F600 \t/\b\f\r\n"_s};
    QTest::newRow("raw utf-8") << "[{\"command\": \"echo caf\xc3\xa9 \xe2\x9c\x93\"}]"_ba
                               << QStringList {u"1|1|sh:echo caf\u00e9 \u2713"_s};
    QTest::newRow("escaped nul elsewhere is fine")
        << R"([{"command": "a", "env": {"A": "x"}, "name": "n\u0001"}])"_ba
        << QStringList {u"1|n\u0001|sh:a|env:A=x"_s};
    QTest::newRow("byte order mark")
        << "\xef\xbb\xbf[{\"command\": \"a\"}]"_ba << QStringList {u"1|1|sh:a"_s};
    QTest::newRow("whitespace everywhere")
        << " \r\n\t[ { \"command\" :\n\"a\" } , {\"command\":\"b\"} ] \n\n"_ba
        << QStringList {u"1|1|sh:a"_s, u"2|2|sh:b"_s};
    QTest::newRow("job keeps the bytes of its command")
        << R"([{"command": "  test \"$REQUEUE_ATTEMPT\" -ge 3  "}])"_ba
        << QStringList {u"1|1|sh:  test \"$REQUEUE_ATTEMPT\" -ge 3  "_s};
}

void tst_JsonJobListParser::parses()
{
    QFETCH(QByteArray, data);
    QFETCH(QStringList, jobs);
    const JobList list = parseJsonJobList(data, u"jobs.json"_s);
    QCOMPARE(errorStrings(list), QStringList());
    QCOMPARE(describeJobs(list), jobs);
    QVERIFY(list.ok());
}

void tst_JsonJobListParser::errors_data()
{
    QTest::addColumn<QByteArray>("data");
    QTest::addColumn<QStringList>("errors");

    const auto row = [](const char *name, const QByteArray &data, const QString &error) {
        QTest::newRow(name) << data << QStringList {error};
    };

    // Nothing to run.
    row("empty", QByteArray(), u"jobs.json: no jobs found (the file is empty)"_s);
    row("blank", " \n\t\r\n"_ba, u"jobs.json: no jobs found (the file is empty)"_s);
    row("empty array", "[]"_ba, u"jobs.json: no jobs found"_s);
    row("empty jobs", R"({"jobs": []})"_ba, u"jobs.json: no jobs found"_s);

    // Syntax.
    row("truncated", R"([{"command": "echo")"_ba,
        u"jobs.json:1:20: expected \",\" or \"}\" after a field, got the end of the file"_s);
    row("truncated string", R"([{"command": "ech)"_ba,
        u"jobs.json:1:14: unterminated string (the file ends before its closing quote)"_s);
    row("truncated after bracket", "["_ba,
        u"jobs.json:1:2: expected a value, got the end of the file"_s);
    row("truncated after colon", R"([{"command":)"_ba,
        u"jobs.json:1:13: expected a value, got the end of the file"_s);
    row("truncated array", R"([{"command": "a"})"_ba,
        u"jobs.json:1:18: expected \",\" or \"]\" after an array item, got the end of the file"_s);
    row("trailing comma in array", R"([{"command": "a"}, ])"_ba,
        u"jobs.json:1:18: trailing comma before \"]\" (JSON does not allow one)"_s);
    row("trailing comma in object", R"([{"command": "a",}])"_ba,
        u"jobs.json:1:17: trailing comma before \"}\" (JSON does not allow one)"_s);
    row("single quotes", R"([{'command': 'a'}])"_ba,
        u"jobs.json:1:3: expected a field name in double quotes, got \"'\" (JSON strings use "
        "double quotes)"_s);
    row("comment", "// jobs\n[]"_ba,
        u"jobs.json:1:1: expected a value, got \"/\" (JSON has no comments)"_s);
    row("missing colon", R"([{"command" "a"}])"_ba,
        u"jobs.json:1:13: expected \":\" after the field name \"command\", got a double quote"_s);
    row("missing comma", R"([{"command": "a" "name": "b"}])"_ba,
        u"jobs.json:1:18: expected \",\" or \"}\" after a field, got a double quote"_s);
    row("bad literal", withField(R"("jitter": True)"),
        u"jobs.json:1:29: expected a value, got \"True\""_s);
    row("leading zero", withField(R"("max_attempts": 01)"),
        u"jobs.json:1:35: invalid number \"01\""_s);
    row("number with letters", withField(R"("max_attempts": 3abc)"),
        u"jobs.json:1:35: invalid number \"3abc\""_s);
    row("lone minus", withField(R"("max_attempts": -)"), u"jobs.json:1:35: invalid number \"-\""_s);
    row("plus sign", withField(R"("max_attempts": +1)"),
        u"jobs.json:1:35: expected a value, got \"+\""_s);
    row("bad escape", R"([{"command": "a\q"}])"_ba,
        u"jobs.json:1:16: invalid escape \"\\q\" in a string"_s);
    row("short unicode escape", R"([{"command": "\u12"}])"_ba,
        u"jobs.json:1:15: \"\\u\" must be followed by four hex digits"_s);
    row("lone high surrogate", R"([{"command": "\ud800"}])"_ba,
        u"jobs.json:1:15: unpaired surrogate in a \"\\u\" escape"_s);
    row("lone low surrogate", R"([{"command": "x\udc00"}])"_ba,
        u"jobs.json:1:16: unpaired surrogate in a \"\\u\" escape"_s);
    row("high surrogate then letter", R"([{"command": "\ud800\u0041"}])"_ba,
        u"jobs.json:1:15: unpaired surrogate in a \"\\u\" escape"_s);
    row("raw tab in a string", "[{\"command\": \"a\tb\"}]"_ba,
        u"jobs.json:1:16: control character U+0009 in a string (escape it)"_s);
    row("raw line break in a string", "[{\"command\": \"a\nb\"}]"_ba,
        u"jobs.json:1:16: line break in a string (write it as \\n)"_s);
    row("raw nul in a string", QByteArray("[{\"command\": \"a\0b\"}]", 20),
        u"jobs.json:1:16: NUL byte in a string (write it as \\u0000)"_s);
    row("invalid utf-8 in a string", "[{\"command\": \"caf\xe9\"}]"_ba,
        u"jobs.json:1:18: invalid UTF-8 (byte 0xE9)"_s);
    row("invalid utf-8 outside strings", "[\xff]"_ba,
        u"jobs.json:1:2: expected a value, got byte 0xFF"_s);
    row("non-ascii outside strings", "[\xc3\xa9]"_ba,
        u"jobs.json:1:2: expected a value, got \"\u00e9\""_s);
    row("garbage after the document", R"([{"command": "a"}] x)"_ba,
        u"jobs.json:1:20: unexpected \"x\" after the end of the JSON document"_s);
    row("two documents", R"([{"command": "a"}][])"_ba,
        u"jobs.json:1:19: unexpected \"[\" after the end of the JSON document"_s);

    // The shape of the file.
    row("top-level number", "42"_ba,
        u"jobs.json:1:1: expected an array of jobs or an object with \"jobs\", got 42"_s);
    row("top-level string", R"("echo hi")"_ba,
        u"jobs.json:1:1: expected an array of jobs or an object with \"jobs\", got \"echo hi\""_s);
    row("top-level null", " null"_ba,
        u"jobs.json:1:2: expected an array of jobs or an object with \"jobs\", got null"_s);
    row("object without jobs", R"({"defaults": {}})"_ba,
        u"jobs.json:1:1: the object has no \"jobs\" array"_s);
    row("jobs not an array", R"({"jobs": {}})"_ba,
        u"jobs.json:1:10: \"jobs\" must be an array of jobs, got an object"_s);
    row("defaults not an object", R"({"defaults": [], "jobs": [{"command": "a"}]})"_ba,
        u"jobs.json:1:14: \"defaults\" must be an object, got an array"_s);
    row("unknown top-level field", R"({"job": [], "jobs": [{"command": "a"}]})"_ba,
        u"jobs.json:1:2: unknown field \"job\" (did you mean \"jobs\"?)"_s);
    row("unrelated top-level field", R"({"version": 2, "jobs": [{"command": "a"}]})"_ba,
        u"jobs.json:1:2: unknown field \"version\" (a job list object has \"jobs\" and optionally "
        "\"defaults\")"_s);
    row("duplicate jobs", R"({"jobs": [{"command": "a"}], "jobs": []})"_ba,
        u"jobs.json:1:30: duplicate field \"jobs\""_s);
    row("job not an object", R"(["echo hi"])"_ba,
        u"jobs.json:1:2: a job must be an object, got \"echo hi\""_s);
    row("job is an array", R"([["echo", "hi"]])"_ba,
        u"jobs.json:1:2: a job must be an object, got an array"_s);
    row("command in defaults", R"({"defaults": {"command": "a"}, "jobs": [{"command": "a"}]})"_ba,
        u"jobs.json:1:15: \"command\" cannot be in \"defaults\" (set it on each job)"_s);
    row("name in defaults", R"({"defaults": {"name": "a"}, "jobs": [{"command": "a"}]})"_ba,
        u"jobs.json:1:15: \"name\" cannot be in \"defaults\" (set it on each job)"_s);
    row("unknown field in defaults",
        R"({"defaults": {"timeot": "1s"}, "jobs": [{"command": "a"}]})"_ba,
        u"jobs.json:1:15: unknown field \"timeot\" in \"defaults\" (did you mean \"timeout\"?)"_s);
    row("bad value in defaults",
        R"({"defaults": {"max_attempts": "x"}, "jobs": [{"command": "a"}]})"_ba,
        u"jobs.json:1:31: \"max_attempts\" must be a whole number >= 0, got \"x\""_s);

    // Commands.
    row("neither command nor argv", R"([{"name": "x"}])"_ba,
        u"jobs.json:1:2: the job has no \"command\" (a shell command) or \"argv\" (a program and "
        "its arguments)"_s);
    row("both command and argv", withField(R"("argv": ["ls"])"),
        u"jobs.json:1:19: a job has either \"command\" or \"argv\", not both"_s);
    row("command not a string", R"([{"command": ["ls"]}])"_ba,
        u"jobs.json:1:14: \"command\" must be a string, got an array"_s);
    row("command empty", R"([{"command": "  "}])"_ba,
        u"jobs.json:1:14: \"command\" must not be empty"_s);
    row("command with nul", R"([{"command": "a\u0000b"}])"_ba,
        u"jobs.json:1:14: \"command\" must not contain a NUL character"_s);
    row("duplicate command", withField(R"("command": "b")"),
        u"jobs.json:1:19: duplicate field \"command\""_s);
    row("argv a string", R"([{"argv": "ls -l"}])"_ba,
        u"jobs.json:1:11: \"argv\" must be an array of strings (a program and its arguments), got "
        "\"ls -l\""_s);
    row("argv empty", R"([{"argv": []}])"_ba,
        u"jobs.json:1:11: \"argv\" must not be empty (it needs at least a program)"_s);
    row("argv item a number", R"([{"argv": ["ls", 3]}])"_ba,
        u"jobs.json:1:18: \"argv\" items must be strings, got 3"_s);
    row("argv empty program", R"([{"argv": [""]}])"_ba,
        u"jobs.json:1:12: the program (the first item of \"argv\") must not be empty"_s);
    row("argv with nul", R"([{"argv": ["a\u0000"]}])"_ba,
        u"jobs.json:1:12: \"argv\" items must not contain a NUL character"_s);

    // Other fields, each at column 19 (the value at 19 + key + 2).
    const QString mustBeWhole = u"\"max_attempts\" must be a whole number >= 0, got "_s;
    row("attempts a word", withField(R"("max_attempts": "three")"),
        u"jobs.json:1:35: "_s + mustBeWhole + u"\"three\""_s);
    row("attempts negative", withField(R"("max_attempts": -1)"),
        u"jobs.json:1:35: "_s + mustBeWhole + u"-1"_s);
    row("attempts fractional", withField(R"("max_attempts": 1.5)"),
        u"jobs.json:1:35: "_s + mustBeWhole + u"1.5"_s);
    row("attempts whole but written as a fraction", withField(R"("max_attempts": 3.0)"),
        u"jobs.json:1:35: "_s + mustBeWhole + u"3.0"_s);
    row("attempts with exponent", withField(R"("max_attempts": 1e30)"),
        u"jobs.json:1:35: "_s + mustBeWhole + u"1e30"_s);
    row("attempts huge", withField(R"("max_attempts": 99999999999999999999)"),
        u"jobs.json:1:35: \"max_attempts\" is too large (at most 2147483647), got "
        "99999999999999999999"_s);
    row("attempts just too large", withField(R"("max_attempts": 2147483648)"),
        u"jobs.json:1:35: \"max_attempts\" is too large (at most 2147483647), got 2147483648"_s);
    row("attempts true", withField(R"("max_attempts": true)"),
        u"jobs.json:1:35: "_s + mustBeWhole + u"true"_s);
    row("attempts null", withField(R"("max_attempts": null)"),
        u"jobs.json:1:35: "_s + mustBeWhole + u"null"_s);
    row("attempts an object", withField(R"("max_attempts": {"n": 3})"),
        u"jobs.json:1:35: "_s + mustBeWhole + u"an object"_s);
    row("timeout a number", withField(R"("timeout": 30)"),
        u"jobs.json:1:30: \"timeout\" must be a duration string like \"30s\", got 30"_s);
    row("timeout unknown unit", withField(R"("timeout": "3x")"),
        u"jobs.json:1:30: \"timeout\": unknown unit \"x\" in \"3x\" (use ms, s, m or h)"_s);
    row("timeout without unit", withField(R"("timeout": "30")"),
        u"jobs.json:1:30: \"timeout\": \"30\" has no unit (use ms, s, m or h)"_s);
    row("timeout negative", withField(R"("timeout": "-5s")"),
        u"jobs.json:1:30: \"timeout\": a duration cannot be negative, got \"-5s\""_s);
    row("backoff unknown", withField(R"("backoff": "linear")"),
        u"jobs.json:1:30: \"backoff\": unknown backoff \"linear\" (use \"none\", \"fixed:DELAY\" "
        u"or "
        "\"exp:INITIAL:CAP[:FACTOR]\")"_s);
    row("backoff a number", withField(R"("backoff": 2)"),
        u"jobs.json:1:30: \"backoff\" must be a string like \"exp:100ms:30s\", got 2"_s);
    row("backoff cap too small", withField(R"("backoff": "exp:5s:1s")"),
        u"jobs.json:1:30: \"backoff\": the cap in \"exp:5s:1s\" is smaller than the initial "
        "delay"_s);
    row("jitter a string", withField(R"("jitter": "yes")"),
        u"jobs.json:1:29: \"jitter\" must be true or false, got \"yes\""_s);
    row("jitter a number", withField(R"("jitter": 1)"),
        u"jobs.json:1:29: \"jitter\" must be true or false, got 1"_s);
    row("exit codes a number", withField(R"("no_retry_exit": 2)"),
        u"jobs.json:1:36: \"no_retry_exit\" must be an array of exit codes (whole numbers from 0 "
        "to 255), got 2"_s);
    row("exit codes a string", withField(R"("no_retry_exit": "2,64-78")"),
        u"jobs.json:1:36: \"no_retry_exit\" must be an array of exit codes (whole numbers from 0 "
        "to 255), got \"2,64-78\""_s);
    row("exit code too big", withField(R"("no_retry_exit": [2, 256])"),
        u"jobs.json:1:40: \"no_retry_exit\" items must be whole numbers from 0 to 255, got 256"_s);
    row("exit code negative", withField(R"("no_retry_exit": [-1])"),
        u"jobs.json:1:37: \"no_retry_exit\" items must be whole numbers from 0 to 255, got -1"_s);
    row("exit code a string", withField(R"("no_retry_exit": ["2"])"),
        u"jobs.json:1:37: \"no_retry_exit\" items must be whole numbers from 0 to 255, got \"2\""_s);
    row("exit code fractional", withField(R"("no_retry_exit": [2.5])"),
        u"jobs.json:1:37: \"no_retry_exit\" items must be whole numbers from 0 to 255, got 2.5"_s);
    row("env an array", withField(R"("env": ["A=1"])"),
        u"jobs.json:1:26: \"env\" must be an object of strings, got an array"_s);
    row("env value a number", withField(R"("env": {"A": 1})"),
        u"jobs.json:1:32: \"env\" values must be strings, got 1"_s);
    row("env name with equals", withField(R"("env": {"A=B": "1"})"),
        u"jobs.json:1:27: invalid environment variable name \"A=B\""_s);
    row("env name empty", withField(R"("env": {"": "1"})"),
        u"jobs.json:1:27: invalid environment variable name \"\""_s);
    row("env duplicate name", withField(R"("env": {"A": "1", "A": "2"})"),
        u"jobs.json:1:37: duplicate environment variable \"A\""_s);
    row("cwd a number", withField(R"("cwd": 3)"),
        u"jobs.json:1:26: \"cwd\" must be a string (a directory), got 3"_s);
    row("cwd empty", withField(R"("cwd": "")"), u"jobs.json:1:26: \"cwd\" must not be empty"_s);
    row("name empty", withField(R"("name": "")"), u"jobs.json:1:27: \"name\" must not be empty"_s);
    row("name a number", withField(R"("name": 7)"),
        u"jobs.json:1:27: \"name\" must be a string, got 7"_s);
    row("unknown field", withField(R"("comand": "x")"),
        u"jobs.json:1:19: unknown field \"comand\" (did you mean \"command\"?)"_s);
    row("unknown field near a known one", withField(R"("max_attempt": 3)"),
        u"jobs.json:1:19: unknown field \"max_attempt\" (did you mean \"max_attempts\"?)"_s);
    row("unknown field far from all", withField(R"("priority": 3)"),
        u"jobs.json:1:19: unknown field \"priority\""_s);
    row("duplicate field", withField(R"("timeout": "1s", "timeout": "2s")"),
        u"jobs.json:1:36: duplicate field \"timeout\""_s);
    row("long value is shortened", withField(R"("timeout": ")" + QByteArray(100, 'x') + "\""),
        u"jobs.json:1:30: \"timeout\": \""_s + QString(60, u'x')
            + u"...\" is not a duration (like \"30s\", \"250ms\", \"2m\" or \"1.5h\")"_s);

    // Positions.
    row("columns count code points", "[{\"name\": \"\xc3\xa9\xe2\x9c\x93\", \"command\": 5}]"_ba,
        u"jobs.json:1:28: \"command\" must be a string, got 5"_s);
    row("lines",
        "[\n  {\"command\": \"a\"},\n  {\"command\": \"b\", \"max_attempts\": \"three\"}\n]"_ba,
        u"jobs.json:3:36: "_s + mustBeWhole + u"\"three\""_s);
    row("crlf lines",
        "[\r\n  {\"command\": \"a\"},\r\n  {\"command\": \"b\", \"max_attempts\": \"three\"}\r\n]"_ba,
        u"jobs.json:3:36: "_s + mustBeWhole + u"\"three\""_s);
    row("byte order mark is not a column", "\xef\xbb\xbf[1]"_ba,
        u"jobs.json:1:2: a job must be an object, got 1"_s);
    row("tab is one column", "[\t\t{}]"_ba,
        u"jobs.json:1:4: the job has no \"command\" (a shell command) or \"argv\" (a program and "
        "its arguments)"_s);

    // Several errors, reported in reading order.
    QTest::newRow("several errors")
        << R"([{"command": 1, "timeout": 2}, {"argv": "x"}])"_ba
        << QStringList {u"jobs.json:1:14: \"command\" must be a string, got 1"_s,
                        u"jobs.json:1:28: \"timeout\" must be a duration string like \"30s\", "
                        "got 2"_s,
                        u"jobs.json:1:41: \"argv\" must be an array of strings (a program and "
                        "its arguments), got \"x\""_s};
    QTest::newRow("errors in reading order")
        << R"([{"timeout": 1}])"_ba
        << QStringList {u"jobs.json:1:2: the job has no \"command\" (a shell command) or "
                        "\"argv\" (a program and its arguments)"_s,
                        u"jobs.json:1:14: \"timeout\" must be a duration string like \"30s\", "
                        "got 1"_s};
    QTest::newRow("errors before a syntax error")
        << R"([{"command": 1}, {"command": "a" )"_ba
        << QStringList {u"jobs.json:1:14: \"command\" must be a string, got 1"_s,
                        u"jobs.json:1:34: expected \",\" or \"}\" after a field, got the end "
                        "of the file"_s};
}

void tst_JsonJobListParser::errors()
{
    QFETCH(QByteArray, data);
    QFETCH(QStringList, errors);
    const JobList list = parseJsonJobList(data, u"jobs.json"_s);
    QCOMPARE(errorStrings(list), errors);
    QVERIFY(list.jobs.isEmpty()); // a file with an error yields no jobs
    QVERIFY(!list.ok());
}

void tst_JsonJobListParser::unsetFieldsKeepDefaults()
{
    const JobList list = parseJsonJobList(R"([{"command": "a"}])"_ba, u"jobs.json"_s);
    QCOMPARE(list.jobs.size(), 1);
    const JobListEntry &entry = list.jobs.front();
    const RetryPolicy defaults;
    QCOMPARE(entry.spec.retry.maxAttempts, defaults.maxAttempts);
    QCOMPARE(entry.spec.retry.backoff, defaults.backoff);
    QCOMPARE(entry.spec.retry.initialDelay, defaults.initialDelay);
    QCOMPARE(entry.spec.retry.maxDelay, defaults.maxDelay);
    QCOMPARE(entry.spec.retry.factor, defaults.factor);
    QCOMPARE(entry.spec.retry.jitter, defaults.jitter);
    QCOMPARE(entry.spec.retry.permanentExitCodes, defaults.permanentExitCodes);
    QCOMPARE(entry.spec.timeout.count(), 0);
    QVERIFY(!entry.setsMaxAttempts);
    QVERIFY(!entry.setsTimeout);
    QVERIFY(!entry.setsBackoff);
    QVERIFY(!entry.setsJitter);
    QVERIFY(!entry.setsNoRetryExit);
    QVERIFY(!entry.spec.isCallable());
    QVERIFY(entry.spec.process.usesShell());
}

void tst_JsonJobListParser::tooManyErrors()
{
    QByteArray data = "[\n";
    for (int i = 0; i < 100; ++i)
        data += R"({"command": "a", "max_attempts": "x"},)"_ba + '\n';
    data += R"({"command": "a"}])";
    const JobList list = parseJsonJobList(data, u"jobs.json"_s);
    QCOMPARE(list.errors.size(), MaxJobFileErrors + 1);
    QCOMPARE(list.errors.at(19).toString(),
             u"jobs.json:21:34: \"max_attempts\" must be a whole number >= 0, got \"x\""_s);
    // On to the end, counting: the 80 errors left out and the good last job.
    QCOMPARE(list.errors.back().toString(),
             u"jobs.json: too many errors: the first 20 are listed, 80 more are not"_s);
    QCOMPARE(list.errorCount, 100);
    QVERIFY(!list.errorCountIsLowerBound);
    QVERIFY(list.jobs.isEmpty());

    // A syntax error ends the reading, and with it the counting.
    data.chop(1);
    const JobList cut = parseJsonJobList(data, u"jobs.json"_s);
    QCOMPARE(cut.errors.size(), MaxJobFileErrors + 1);
    QCOMPARE(cut.errors.back().toString(),
             u"jobs.json: too many errors: the first 20 are listed, at least 81 more are not"_s);
    QCOMPARE(cut.errorCount, 101);
    QVERIFY(cut.errorCountIsLowerBound);
}

void tst_JsonJobListParser::deepNesting_data()
{
    QTest::addColumn<QByteArray>("data");
    QTest::addColumn<QStringList>("errors");

    const QString tooDeep = u"the JSON is nested too deeply (more than 64 levels)"_s;
    QTest::newRow("10000 arrays") << QByteArray(10'000, '[')
                                  << QStringList {u"jobs.json:1:65: "_s + tooDeep};
    QTest::newRow("10000 closed arrays") << QByteArray(10'000, '[') + QByteArray(10'000, ']')
                                         << QStringList {u"jobs.json:1:65: "_s + tooDeep};
    QByteArray objects;
    for (int i = 0; i < 10'000; ++i)
        objects += R"({"a":)";
    QTest::newRow("10000 objects")
        << objects
        << QStringList {u"jobs.json:1:2: unknown field \"a\" (a job list object has \"jobs\" and "
                        "optionally \"defaults\")"_s,
                        u"jobs.json:1:321: "_s + tooDeep};
    QTest::newRow("deep inside a job") << R"([{"command": "a", "env": )"_ba
            + QByteArray(10'000, '[') << QStringList {u"jobs.json:1:88: "_s + tooDeep};
    QTest::newRow("64 levels are fine")
        << QByteArray(64, '[') + QByteArray(64, ']')
        << QStringList {u"jobs.json:1:2: a job must be an object, got an array"_s};
}

void tst_JsonJobListParser::deepNesting()
{
    QFETCH(QByteArray, data);
    QFETCH(QStringList, errors);
    const JobList list = parseJsonJobList(data, u"jobs.json"_s);
    QCOMPARE(errorStrings(list), errors);
}

void tst_JsonJobListParser::longString()
{
    const QByteArray command(MaxJobLineLength + 1, 'x');
    const JobList list = parseJsonJobList(R"([{"command": ")" + command + "\"}]", u"jobs.json"_s);
    QCOMPARE(
        errorStrings(list),
        QStringList {u"jobs.json:1:14: the string is too long (strings can be at most 1 MiB)"_s});

    const QByteArray atLimit(MaxJobLineLength, 'x');
    const JobList fine = parseJsonJobList(R"([{"command": ")" + atLimit + "\"}]", u"jobs.json"_s);
    QVERIFY(fine.ok());
    QCOMPARE(fine.jobs.front().spec.process.shellCommand.size(), MaxJobLineLength);
}

void tst_JsonJobListParser::binaryGarbage()
{
    QRandomGenerator random(7);
    for (int round = 0; round < 200; ++round) {
        QByteArray data(4096, Qt::Uninitialized);
        random.fillRange(reinterpret_cast<quint32 *>(data.data()), data.size() / 4);
        if (round % 2) // make the start plausible so that more of the parser runs
            data.prepend(R"([{"command": "a", "env": {)");
        const JobList list = parseJsonJobList(data, u"garbage.json"_s);
        QVERIFY(list.jobs.isEmpty());
        QVERIFY(!list.errors.isEmpty());
        QVERIFY(list.errors.size() <= MaxJobFileErrors + 1);
    }
}

void tst_JsonJobListParser::hundredThousandJobs()
{
    QByteArray data = "[\n";
    for (int i = 1; i <= 100'000; ++i) {
        data += R"(  {"name": "job )" + QByteArray::number(i) + R"(", "command": "echo )"
            + QByteArray::number(i) + R"( && sleep 0", "max_attempts": 3, "timeout": "30s"})"
            + (i < 100'000 ? ",\n" : "\n");
    }
    data += "]\n";
    QElapsedTimer timer;
    timer.start();
    const JobList list = parseJsonJobList(data, u"jobs.json"_s);
    qInfo("parsed 100000 jobs in %lld ms (this build)", timer.elapsed());
    QVERIFY(list.ok());
    QCOMPARE(list.jobs.size(), 100'000);
    const JobSpec &last = list.jobs.back().spec;
    QCOMPARE(last.seq, 100'000);
    QCOMPARE(last.name, u"job 100000"_s);
    QCOMPARE(last.process.shellCommand, u"echo 100000 && sleep 0"_s);
    QCOMPARE(last.timeout.count(), 30'000);
}

void tst_JsonJobListParser::clusterResources()
{
    const JobList list = parseJsonJobList(
        R"({"defaults": {"partition": "short", "mem": "1G"},
            "jobs": [{"command": "a", "mem": ["1G", "4G", "16G"], "time": "10m", "cpus": 2,
                      "sbatch_args": ["--exclusive"], "gpus": "a100:1", "account": "lab",
                      "qos": "high"},
                     {"command": "b", "cpus": ["1", "2"], "time": ["1:00:00", "2-00"]}]})"_ba,
        u"jobs.json"_s);
    QVERIFY2(list.ok(), qPrintable(list.errorText()));
    const ClusterResources &a = list.jobs[0].spec.resources;
    QCOMPARE(a.mem, QStringList({u"1G"_s, u"4G"_s, u"16G"_s}));
    QCOMPARE(ClusterResources::forAttempt(a.mem, 1), u"1G"_s);
    QCOMPARE(ClusterResources::forAttempt(a.mem, 9), u"16G"_s); // the last one repeats
    QCOMPARE(a.time, QStringList {u"10m"_s});
    QCOMPARE(a.cpus, QStringList {u"2"_s});
    QCOMPARE(a.partition, u"short"_s); // from "defaults"
    QCOMPARE(a.sbatchArgs, QStringList {u"--exclusive"_s});
    QCOMPARE(a.gpus, u"a100:1"_s);
    QCOMPARE(a.account, u"lab"_s);
    QCOMPARE(a.qos, u"high"_s);
    const ClusterResources &b = list.jobs[1].spec.resources;
    QCOMPARE(b.mem, QStringList {u"1G"_s});
    QCOMPARE(b.cpus, QStringList({u"1"_s, u"2"_s}));
    QCOMPARE(b.time, QStringList({u"1:00:00"_s, u"2-00"_s}));
}

void tst_JsonJobListParser::clusterResourceErrors_data()
{
    QTest::addColumn<QByteArray>("data");
    QTest::addColumn<QString>("error");
    QTest::newRow("mem unit") << withField(R"("mem": "4X")")
                              << u"jobs.json:1:26: \"mem\": expected a memory size like \"512M\" "
                                 "or \"4G\" (units K, M, G, T), got \"4X\""_s;
    QTest::newRow("mem in a list") << withField(R"("mem": ["1G", "lots"])")
                                   << u"jobs.json:1:33: \"mem\": expected a memory size like "
                                      "\"512M\" or \"4G\" (units K, M, G, T), got \"lots\""_s;
    QTest::newRow("time") << withField(R"("time": "soon")")
                          << u"jobs.json:1:27: \"time\": expected a time limit like \"10m\", "
                             "\"2h\" or Slurm's \"1-00:00:00\", got \"soon\""_s;
    QTest::newRow("cpus zero") << withField(R"("cpus": 0)")
                               << u"jobs.json:1:27: \"cpus\": expected a whole number of CPUs "
                                  "from 1, got 0"_s;
    QTest::newRow("partition blank") << withField(R"("partition": "a b")")
                                     << u"jobs.json:1:32: \"partition\": expected a name "
                                        "without blanks or commas, got \"a b\""_s;
    QTest::newRow("sbatch_args string") << withField(R"("sbatch_args": "--x")")
                                        << u"jobs.json:1:34: \"sbatch_args\" must be an array "
                                           "of strings (arguments for sbatch), got \"--x\""_s;
    QTest::newRow("empty mem list")
        << withField(R"("mem": [])") << u"jobs.json:1:26: \"mem\" must not be an empty list"_s;
}

void tst_JsonJobListParser::clusterResourceErrors()
{
    QFETCH(QByteArray, data);
    QFETCH(QString, error);
    const JobList list = parseJsonJobList(data, u"jobs.json"_s);
    QCOMPARE(errorStrings(list), QStringList {error});
}

} // namespace requeue

QTEST_APPLESS_MAIN(requeue::tst_JsonJobListParser)
#include "tst_jsonjoblistparser.moc"
