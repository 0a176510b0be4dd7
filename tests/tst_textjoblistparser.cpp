#include "textjoblistparser.h"

#include "common/joblisttesting.h"

#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QTest>

using namespace Qt::StringLiterals;

namespace requeue {

// A job as the tests compare it: "seq|name|command".
static QStringList describeJobs(const JobList &list)
{
    QStringList out;
    for (const JobListEntry &entry : list.jobs) {
        out.append(QString::number(entry.spec.seq) + u'|' + entry.spec.name + u'|'
                   + entry.spec.process.shellCommand);
    }
    return out;
}

using requeue::test::errorStrings;

class tst_TextJobListParser : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parses_data();
    void parses();
    void errors_data();
    void errors();
    void entriesUseTheShellAndDefaults();
    void errorPositions();
    void tooManyErrors();
    void millionEmptyLines();
    void tenMegabyteLine();
    void lineAtTheLimit();
    void continuedLinesOverTheLimit();
    void binaryGarbage();
    void hundredThousandLines();
};

void tst_TextJobListParser::parses_data()
{
    QTest::addColumn<QByteArray>("data");
    QTest::addColumn<QStringList>("jobs");

    QTest::newRow("one line") << "echo hi\n"_ba << QStringList {u"1|1|echo hi"_s};
    QTest::newRow("no final line break") << "echo hi"_ba << QStringList {u"1|1|echo hi"_s};
    QTest::newRow("two lines") << "echo a\necho b\n"_ba
                               << QStringList {u"1|1|echo a"_s, u"2|2|echo b"_s};
    QTest::newRow("blank lines and comments")
        << "\n# a comment\n  \t\necho a\n   # indented comment\necho b\n"_ba
        << QStringList {u"1|4|echo a"_s, u"2|6|echo b"_s};
    QTest::newRow("hash inside a command")
        << "echo a # not a comment\n"_ba << QStringList {u"1|1|echo a # not a comment"_s};
    QTest::newRow("continuation") << "a \\\nb\n"_ba << QStringList {u"1|1|a b"_s};
    QTest::newRow("continuation without blank")
        << "ec\\\nho hi"_ba << QStringList {u"1|1|echo hi"_s};
    QTest::newRow("continuation over three lines")
        << "for i in 1 2; do \\\necho $i; \\\ndone\necho after\n"_ba
        << QStringList {u"1|1|for i in 1 2; do echo $i; done"_s, u"2|4|echo after"_s};
    QTest::newRow("continuation keeps indentation")
        << "a \\\n    b\n"_ba << QStringList {u"1|1|a     b"_s};
    QTest::newRow("even backslashes do not continue")
        << "echo a\\\\\necho b\n"_ba << QStringList {u"1|1|echo a\\\\"_s, u"2|2|echo b"_s};
    QTest::newRow("odd backslashes continue")
        << "echo \\\\\\\nx\n"_ba << QStringList {u"1|1|echo \\\\x"_s};
    QTest::newRow("continued onto a hash line")
        << "echo a \\\n# still the command\n"_ba
        << QStringList {u"1|1|echo a # still the command"_s};
    QTest::newRow("continued onto a blank line")
        << "echo a\\\n\necho b\n"_ba << QStringList {u"1|1|echo a"_s, u"2|3|echo b"_s};
    QTest::newRow("comments do not continue")
        << "# comment \\\necho a\n"_ba << QStringList {u"1|2|echo a"_s};
    QTest::newRow("a lone backslash line") << "\\\necho x\n"_ba << QStringList {u"1|1|echo x"_s};
    QTest::newRow("name") << "#name: build\nmake\n"_ba << QStringList {u"1|build|make"_s};
    QTest::newRow("name without blank") << "#name:x\nmake\n"_ba << QStringList {u"1|x|make"_s};
    QTest::newRow("name trimmed") << "  # name: \t spaced out \t\nmake\n"_ba
                                  << QStringList {u"1|spaced out|make"_s};
    QTest::newRow("name with unicode") << "#name: caf\xc3\xa9 \xe2\x9c\x93\nmake\n"_ba
                                       << QStringList {u"1|caf\u00e9 \u2713|make"_s};
    QTest::newRow("name then blank line") << "#name: x\n\nmake\n"_ba << QStringList {u"1|3|make"_s};
    QTest::newRow("name then comment")
        << "#name: x\n# other\nmake\n"_ba << QStringList {u"1|3|make"_s};
    QTest::newRow("last name wins")
        << "#name: a\n#name: b\nmake\n"_ba << QStringList {u"1|b|make"_s};
    QTest::newRow("name applies once")
        << "#name: a\none\ntwo\n"_ba << QStringList {u"1|a|one"_s, u"2|3|two"_s};
    QTest::newRow("name of a continued job")
        << "#name: loop\nfor i in 1; do \\\necho; done\necho x\n"_ba
        << QStringList {u"1|loop|for i in 1; do echo; done"_s, u"2|4|echo x"_s};
    QTest::newRow("not a name comment") << "#names: x\nmake\n"_ba << QStringList {u"1|2|make"_s};
    QTest::newRow("name at the end is ignored")
        << "make\n#name: orphan\n"_ba << QStringList {u"1|1|make"_s};
    QTest::newRow("crlf") << "echo a\r\necho b\r\n"_ba
                          << QStringList {u"1|1|echo a"_s, u"2|2|echo b"_s};
    QTest::newRow("crlf continuation") << "a \\\r\nb\r\n"_ba << QStringList {u"1|1|a b"_s};
    QTest::newRow("crlf name") << "#name: n\r\nmake\r\n"_ba << QStringList {u"1|n|make"_s};
    QTest::newRow("crlf blank line") << "\r\necho a\r\n"_ba << QStringList {u"1|2|echo a"_s};
    QTest::newRow("only one cr is stripped")
        << "echo a\r\r\n"_ba << QStringList {u"1|1|echo a\r"_s};
    QTest::newRow("cr inside is kept") << "echo a\rb\n"_ba << QStringList {u"1|1|echo a\rb"_s};
    QTest::newRow("tabs quotes and utf-8 kept")
        << "\tprintf '%s\\n' \"na\xc3\xafve caf\xc3\xa9 \xe2\x9c\x93\"\t'x'  \n"_ba
        << QStringList {u"1|1|\tprintf '%s\\n' \"na\u00efve caf\u00e9 \u2713\"\t'x'  "_s};
    QTest::newRow("leading blanks kept") << "   echo hi\n"_ba << QStringList {u"1|1|   echo hi"_s};
    QTest::newRow("four-byte utf-8")
        << "echo \xf0\x9f\x98\x80\n"_ba << QStringList {u"1|1|echo \U0001F600"_s};
    QTest::newRow("byte order mark") << "\xef\xbb\xbf"
                                        "echo hi\n"_ba
                                     << QStringList {u"1|1|echo hi"_s};
    QTest::newRow("byte order mark before a name")
        << "\xef\xbb\xbf#name: n\nmake\n"_ba << QStringList {u"1|n|make"_s};
    QTest::newRow("quotes and dollars")
        << "test \"$REQUEUE_ATTEMPT\" -ge 3 && echo '$HOME' `date`\n"_ba
        << QStringList {u"1|1|test \"$REQUEUE_ATTEMPT\" -ge 3 && echo '$HOME' `date`"_s};
}

void tst_TextJobListParser::parses()
{
    QFETCH(QByteArray, data);
    QFETCH(QStringList, jobs);
    const JobList list = parseTextJobList(data, u"jobs.txt"_s);
    QCOMPARE(errorStrings(list), QStringList());
    QCOMPARE(describeJobs(list), jobs);
    QVERIFY(list.ok());
    QCOMPARE(list.path, u"jobs.txt"_s);
}

void tst_TextJobListParser::errors_data()
{
    QTest::addColumn<QByteArray>("data");
    QTest::addColumn<QStringList>("errors");

    const QString noJobs = u"jobs.txt: no jobs found"_s;
    QTest::newRow("empty") << QByteArray() << QStringList {noJobs};
    QTest::newRow("blank lines") << "\n\n  \n\t\n"_ba << QStringList {noJobs};
    QTest::newRow("comments only") << "# one\n#name: two\n"_ba << QStringList {noJobs};
    QTest::newRow("byte order mark only") << "\xef\xbb\xbf"_ba << QStringList {noJobs};
    QTest::newRow("invalid utf-8")
        << "echo ok\necho \xff\n"_ba << QStringList {u"jobs.txt:2:6: invalid UTF-8 (byte 0xFF)"_s};
    QTest::newRow("columns count code points")
        << "echo \xc3\xa9\xe2\x9c\x93\xff\n"_ba
        << QStringList {u"jobs.txt:1:8: invalid UTF-8 (byte 0xFF)"_s};
    QTest::newRow("tab is one column")
        << "\techo \xfe"_ba << QStringList {u"jobs.txt:1:7: invalid UTF-8 (byte 0xFE)"_s};
    QTest::newRow("overlong") << "echo \xc0\xaf\n"_ba
                              << QStringList {u"jobs.txt:1:6: invalid UTF-8 (byte 0xC0)"_s};
    QTest::newRow("overlong three bytes")
        << "\xe0\x80\xaf"_ba << QStringList {u"jobs.txt:1:1: invalid UTF-8 (byte 0xE0)"_s};
    QTest::newRow("surrogate") << "echo \xed\xa0\x80\n"_ba
                               << QStringList {u"jobs.txt:1:6: invalid UTF-8 (byte 0xED)"_s};
    QTest::newRow("above U+10FFFF") << "echo \xf4\x90\x80\x80\n"_ba
                                    << QStringList {u"jobs.txt:1:6: invalid UTF-8 (byte 0xF4)"_s};
    QTest::newRow("truncated sequence")
        << "echo \xe2\x82\n"_ba << QStringList {u"jobs.txt:1:6: invalid UTF-8 (byte 0xE2)"_s};
    QTest::newRow("truncated at end of file")
        << "echo \xe2\x82"_ba << QStringList {u"jobs.txt:1:6: invalid UTF-8 (byte 0xE2)"_s};
    QTest::newRow("stray continuation byte")
        << "\x80"_ba << QStringList {u"jobs.txt:1:1: invalid UTF-8 (byte 0x80)"_s};
    QTest::newRow("latin-1 text") << "echo caf\xe9\n"_ba
                                  << QStringList {u"jobs.txt:1:9: invalid UTF-8 (byte 0xE9)"_s};
    QTest::newRow("nul byte") << QByteArray("echo a\0b\n", 9)
                              << QStringList {u"jobs.txt:1:7: the line contains a NUL byte"_s};
    QTest::newRow("nul byte in a comment")
        << QByteArray("# \0\necho a\n", 11)
        << QStringList {u"jobs.txt:1:3: the line contains a NUL byte"_s};
    QTest::newRow("nul byte in a continued line")
        << QByteArray("echo a \\\nb\0\n", 12)
        << QStringList {u"jobs.txt:2:2: the line contains a NUL byte"_s};
    QTest::newRow("several errors") << "\xff\necho ok\n  \xfe\n"_ba
                                    << QStringList {u"jobs.txt:1:1: invalid UTF-8 (byte 0xFF)"_s,
                                                    u"jobs.txt:3:3: invalid UTF-8 (byte 0xFE)"_s};
    QTest::newRow("backslash at the end of the file")
        << "echo a \\"_ba
        << QStringList {
               u"jobs.txt:1:8: the line ends with a backslash, but no line follows to continue it"_s};
    QTest::newRow("backslash on the last line")
        << "echo ok\necho a \\\n"_ba
        << QStringList {
               u"jobs.txt:2:8: the line ends with a backslash, but no line follows to continue it"_s};
    QTest::newRow("backslash then crlf at the end")
        << "echo \xc3\xa9\\\r\n"_ba
        << QStringList {
               u"jobs.txt:1:7: the line ends with a backslash, but no line follows to continue it"_s};
    QTest::newRow("empty name") << "#name:\necho\n"_ba
                                << QStringList {u"jobs.txt:1:1: \"#name:\" has no name"_s};
    QTest::newRow("blank name") << "  # name:  \t\necho\n"_ba
                                << QStringList {u"jobs.txt:1:3: \"#name:\" has no name"_s};
}

void tst_TextJobListParser::errors()
{
    QFETCH(QByteArray, data);
    QFETCH(QStringList, errors);
    const JobList list = parseTextJobList(data, u"jobs.txt"_s);
    QCOMPARE(errorStrings(list), errors);
    QVERIFY(list.jobs.isEmpty()); // a file with an error yields no jobs
    QVERIFY(!list.ok());
}

void tst_TextJobListParser::entriesUseTheShellAndDefaults()
{
    const JobList list = parseTextJobList("echo a\n"_ba, u"jobs.txt"_s);
    QCOMPARE(list.jobs.size(), 1);
    const JobListEntry &entry = list.jobs.front();
    QVERIFY(entry.spec.process.usesShell());
    QVERIFY(entry.spec.process.program.isEmpty());
    QVERIFY(entry.spec.process.arguments.isEmpty());
    QVERIFY(entry.spec.process.workingDirectory.isEmpty());
    QVERIFY(entry.spec.process.environment.isEmpty());
    QVERIFY(!entry.spec.isCallable());
    QCOMPARE(entry.spec.timeout.count(), 0);
    QCOMPARE(entry.spec.retry.maxAttempts, RetryPolicy().maxAttempts);
    // The text format sets nothing: command-line options decide all of it.
    QVERIFY(!entry.setsMaxAttempts);
    QVERIFY(!entry.setsTimeout);
    QVERIFY(!entry.setsBackoff);
    QVERIFY(!entry.setsJitter);
    QVERIFY(!entry.setsNoRetryExit);
}

void tst_TextJobListParser::errorPositions()
{
    const JobList list = parseTextJobList("ok\n  \xff"_ba, u"dir/my jobs.txt"_s);
    QCOMPARE(list.errors.size(), 1);
    const JobFileError &error = list.errors.front();
    QCOMPARE(error.file, u"dir/my jobs.txt"_s);
    QCOMPARE(error.line, 2);
    QCOMPARE(error.column, 3);
    QCOMPARE(error.message, u"invalid UTF-8 (byte 0xFF)"_s);
    QCOMPARE(list.errorText(), u"dir/my jobs.txt:2:3: invalid UTF-8 (byte 0xFF)"_s);
}

void tst_TextJobListParser::tooManyErrors()
{
    QByteArray data;
    for (int i = 0; i < 1000; ++i)
        data += "\xff\n";
    const JobList list = parseTextJobList(data, u"jobs.txt"_s);
    QCOMPARE(list.errors.size(), MaxJobFileErrors + 1);
    QCOMPARE(list.errors.at(19).toString(), u"jobs.txt:20:1: invalid UTF-8 (byte 0xFF)"_s);
    // requeue run stops listing after 20 and says how many more there are.
    QCOMPARE(list.errors.back().toString(),
             u"jobs.txt: too many errors: the first 20 are listed, 980 more are not"_s);
    QCOMPARE(list.errorCount, 1000);
    QVERIFY(!list.errorCountIsLowerBound);
}

void tst_TextJobListParser::millionEmptyLines()
{
    const QByteArray data(1'000'000, '\n');
    QElapsedTimer timer;
    timer.start();
    const JobList list = parseTextJobList(data, u"jobs.txt"_s);
    // Generous, so that sanitizer builds pass; linear time is ~10 ms.
    QCOMPARE_LT(timer.elapsed(), 5000);
    QCOMPARE(errorStrings(list), QStringList {u"jobs.txt: no jobs found"_s});
}

void tst_TextJobListParser::tenMegabyteLine()
{
    QByteArray data(10 * 1024 * 1024, 'a');
    data += "\necho after\n";
    QElapsedTimer timer;
    timer.start();
    const JobList list = parseTextJobList(data, u"jobs.txt"_s);
    QCOMPARE_LT(timer.elapsed(), 5000);
    QCOMPARE(
        errorStrings(list),
        QStringList {u"jobs.txt:1:1: the line is too long (10 MiB; lines can be at most 1 MiB)"_s});
}

void tst_TextJobListParser::lineAtTheLimit()
{
    const QByteArray data(MaxJobLineLength, 'a');
    const JobList list = parseTextJobList(data + "\r\n", u"jobs.txt"_s);
    QCOMPARE(errorStrings(list), QStringList());
    QCOMPARE(list.jobs.size(), 1);
    QCOMPARE(list.jobs.front().spec.process.shellCommand.size(), MaxJobLineLength);

    const JobList over = parseTextJobList(data + "b", u"jobs.txt"_s);
    QCOMPARE(
        errorStrings(over),
        QStringList {
            u"jobs.txt:1:1: the line is too long (1048577 bytes; lines can be at most 1 MiB)"_s});
}

void tst_TextJobListParser::continuedLinesOverTheLimit()
{
    const QByteArray half(MaxJobLineLength / 2, 'a');
    const QByteArray data = half + "\\\n" + half + "\\\n" + half + "\n";
    const JobList list = parseTextJobList(data, u"jobs.txt"_s);
    QCOMPARE(errorStrings(list),
             QStringList {u"jobs.txt:3:1: the command is too long (its continued lines add up to "
                          "more than 1 MiB)"_s});
}

void tst_TextJobListParser::binaryGarbage()
{
    QRandomGenerator random(20240601);
    QByteArray data(1024 * 1024, Qt::Uninitialized);
    random.fillRange(reinterpret_cast<quint32 *>(data.data()), data.size() / 4);
    const JobList list = parseTextJobList(data, u"garbage.txt"_s);
    QVERIFY(list.jobs.isEmpty());
    QVERIFY(!list.errors.isEmpty());
    QVERIFY(list.errors.size() <= MaxJobFileErrors + 1);
}

void tst_TextJobListParser::hundredThousandLines()
{
    QByteArray data;
    for (int i = 1; i <= 100'000; ++i)
        data += "echo job " + QByteArray::number(i) + " && sleep 0\n";
    QElapsedTimer timer;
    timer.start();
    const JobList list = parseTextJobList(data, u"jobs.txt"_s);
    qInfo("parsed 100000 lines in %lld ms (this build)", timer.elapsed());
    QVERIFY(list.ok());
    QCOMPARE(list.jobs.size(), 100'000);
    QCOMPARE(list.jobs.back().spec.seq, 100'000);
    QCOMPARE(list.jobs.back().spec.name, u"100000"_s);
    QCOMPARE(list.jobs.back().spec.process.shellCommand, u"echo job 100000 && sleep 0"_s);
}

} // namespace requeue

QTEST_APPLESS_MAIN(requeue::tst_TextJobListParser)
#include "tst_textjoblistparser.moc"
