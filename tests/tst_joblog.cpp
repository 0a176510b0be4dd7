#include "joblog.h"

#include "common/joblisttesting.h"

#include <QFile>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

namespace requeue {

static AttemptRecord record(AttemptOutcome outcome, int exitCode = 0, int signal = 0)
{
    AttemptRecord rec;
    rec.number = 1;
    rec.startedUs = 1'712'345'678'123'456;
    rec.finishedUs = rec.startedUs + 1'500'000;
    rec.outcome = outcome;
    rec.exitCode = exitCode;
    rec.signal = signal;
    return rec;
}

// Each job as "seq:attempts:lastExit:lastSignal:succeeded:line:command".
static QStringList describe(const Joblog &log)
{
    QStringList out;
    for (const JoblogJob &job : log.jobs) {
        out.append(u"%1:%2:%3:%4:%5:%6:"_s.arg(job.seq)
                       .arg(job.attempts)
                       .arg(job.lastExitValue)
                       .arg(job.lastSignal)
                       .arg(job.succeeded ? 1 : 0)
                       .arg(job.line)
                   + job.command);
    }
    return out;
}

using requeue::test::errorStrings;

static const QByteArray header
    = "Seq\tHost\tStarttime\tJobRuntime\tSend\tReceive\tExitval\tSignal\tCommand\n";

class tst_Joblog : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void headerLine();
    void status_data();
    void status();
    void formatLine_data();
    void formatLine();
    void formatLineReceive();
    void attemptFromColumns_data();
    void attemptFromColumns();
    void escape_data();
    void escape();
    void escapeRoundTripsAnything();
    void unescapeReadsGnuParallelNewlines();
    void parse_data();
    void parse();
    void seqSets();
    void readFile();
    void readFileInChunks();
    void readLongLines();
    void readUnreadable_data();
    void readUnreadable();
    void compareCommands_data();
    void compareCommands();
};

void tst_Joblog::headerLine()
{
    QCOMPARE(joblogHeader() + '\n', header);
}

void tst_Joblog::status_data()
{
    QTest::addColumn<AttemptOutcome>("outcome");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<int>("signal");
    QTest::addColumn<int>("exitValue");
    QTest::addColumn<int>("signalColumn");

    using O = AttemptOutcome;
    QTest::newRow("succeeded") << O::Succeeded << 0 << 0 << 0 << 0;
    QTest::newRow("exit code") << O::ExitCode << 3 << 0 << 3 << 0;
    QTest::newRow("exit 255") << O::ExitCode << 255 << 0 << 255 << 0;
    QTest::newRow("signal, as GNU parallel") << O::Signalled << -1 << 15 << 0 << 15;
    QTest::newRow("timed out, as GNU parallel") << O::TimedOut << -1 << 15 << -1 << 15;
    QTest::newRow("timed out after SIGKILL") << O::TimedOut << -1 << 9 << -1 << 9;
    QTest::newRow("timed out callable") << O::TimedOut << -1 << 0 << -1 << 0;
    QTest::newRow("cancelled") << O::Cancelled << -1 << 15 << -1 << 15;
    QTest::newRow("not started") << O::NotStarted << -1 << 0 << 127 << 0;
    QTest::newRow("exception") << O::Exception << -1 << 0 << 255 << 0;
}

void tst_Joblog::status()
{
    QFETCH(AttemptOutcome, outcome);
    QFETCH(int, exitCode);
    QFETCH(int, signal);
    QFETCH(int, exitValue);
    QFETCH(int, signalColumn);
    const JoblogStatus status = joblogStatus(record(outcome, exitCode, signal));
    QCOMPARE(status.exitValue, exitValue);
    QCOMPARE(status.signal, signalColumn);
}

void tst_Joblog::formatLine_data()
{
    QTest::addColumn<int>("seq");
    QTest::addColumn<AttemptRecord>("rec");
    QTest::addColumn<QString>("command");
    QTest::addColumn<QByteArray>("line");

    QTest::newRow("success") << 1 << record(AttemptOutcome::Succeeded) << u"echo hi"_s
                             << "1\t:\t1712345678.123\t     1.500\t0\t0\t0\t0\techo hi\n"_ba;
    QTest::newRow("exit code") << 12 << record(AttemptOutcome::ExitCode, 3) << u"exit 3"_s
                               << "12\t:\t1712345678.123\t     1.500\t0\t0\t3\t0\texit 3\n"_ba;
    QTest::newRow("signal") << 2 << record(AttemptOutcome::Signalled, -1, 9) << u"kill -9 $$"_s
                            << "2\t:\t1712345678.123\t     1.500\t0\t0\t0\t9\tkill -9 $$\n"_ba;
    QTest::newRow("timeout") << 3 << record(AttemptOutcome::TimedOut, -1, 15) << u"sleep 5"_s
                             << "3\t:\t1712345678.123\t     1.500\t0\t0\t-1\t15\tsleep 5\n"_ba;
    AttemptRecord rounding = record(AttemptOutcome::Succeeded);
    rounding.startedUs = 1'700'000'000'999'500; // rounds up into the next second
    rounding.finishedUs = rounding.startedUs + 12'345'678'499;
    QTest::newRow("rounding") << 4 << rounding << u"x"_s
                              << "4\t:\t1700000001.000\t 12345.678\t0\t0\t0\t0\tx\n"_ba;
    AttemptRecord longRun = record(AttemptOutcome::Succeeded);
    longRun.finishedUs = longRun.startedUs + qint64(1234567) * 1'000'000;
    QTest::newRow("runtime wider than the column")
        << 5 << longRun << u"x"_s << "5\t:\t1712345678.123\t1234567.000\t0\t0\t0\t0\tx\n"_ba;
    AttemptRecord unfinished = record(AttemptOutcome::Cancelled);
    unfinished.finishedUs = 0;
    QTest::newRow("never finished")
        << 6 << unfinished << u"x"_s << "6\t:\t1712345678.123\t     0.000\t0\t0\t-1\t0\tx\n"_ba;
    // As GNU parallel 20221122 writes it: byte for byte, a line break as NUL.
    QTest::newRow("backslashes, tabs, quotes, line breaks")
        << 7 << record(AttemptOutcome::Succeeded) << u"printf 'a\\tb'\techo \"x\"\nls"_s
        << "7\t:\t1712345678.123\t     1.500\t0\t0\t0\t0\tprintf 'a\\tb'\techo \"x\"\0ls\n"_ba;
    QTest::newRow("utf-8 command")
        << 8 << record(AttemptOutcome::Succeeded) << u"echo caf\u00e9 \u2713"_s
        << "8\t:\t1712345678.123\t     1.500\t0\t0\t0\t0\techo caf\xc3\xa9 \xe2\x9c\x93\n"_ba;
}

void tst_Joblog::formatLine()
{
    QFETCH(int, seq);
    QFETCH(AttemptRecord, rec);
    QFETCH(QString, command);
    QFETCH(QByteArray, line);
    QCOMPARE(formatJoblogLine(seq, rec, command), line);
}

// Receive holds the bytes of the attempt's stdout, as GNU parallel's does.
void tst_Joblog::formatLineReceive()
{
    QCOMPARE(formatJoblogLine(3, record(AttemptOutcome::Succeeded), u"echo hello"_s, 6),
             "3\t:\t1712345678.123\t     1.500\t0\t6\t0\t0\techo hello\n"_ba);
}

void tst_Joblog::attemptFromColumns_data()
{
    QTest::addColumn<int>("exitValue");
    QTest::addColumn<int>("signal");
    QTest::addColumn<AttemptOutcome>("outcome");

    QTest::newRow("success") << 0 << 0 << AttemptOutcome::Succeeded;
    QTest::newRow("exit code") << 3 << 0 << AttemptOutcome::ExitCode;
    QTest::newRow("signal") << 0 << 9 << AttemptOutcome::Signalled;
    QTest::newRow("timeout or cancel") << -1 << 15 << AttemptOutcome::TimedOut;
    QTest::newRow("could not start") << 127 << 0 << AttemptOutcome::NotStarted;
    QTest::newRow("exception") << 255 << 0 << AttemptOutcome::ExitCode;
}

// joblogAttempt() undoes joblogStatus() wherever the columns tell outcomes apart.
void tst_Joblog::attemptFromColumns()
{
    QFETCH(int, exitValue);
    QFETCH(int, signal);
    QFETCH(AttemptOutcome, outcome);
    const AttemptRecord attempt = joblogAttempt(exitValue, signal);
    QCOMPARE(attempt.outcome, outcome);
    const JoblogStatus status = joblogStatus(attempt);
    QCOMPARE(status.exitValue, exitValue);
    QCOMPARE(status.signal, signal);
}

void tst_Joblog::escape_data()
{
    QTest::addColumn<QString>("raw");
    QTest::addColumn<QString>("escaped");

    QTest::newRow("plain") << u"echo hi"_s << u"echo hi"_s;
    QTest::newRow("empty") << QString() << QString();
    QTest::newRow("newline") << u"a\nb"_s << u"a\0b"_s;
    QTest::newRow("tab stays") << u"a\tb"_s << u"a\tb"_s;
    QTest::newRow("carriage return stays") << u"a\rb"_s << u"a\rb"_s;
    QTest::newRow("backslash-t stays") << u"printf \"a\\tb\""_s << u"printf \"a\\tb\""_s;
    QTest::newRow("backslashes stay") << u"a\\\\n \\"_s << u"a\\\\n \\"_s;
    QTest::newRow("quotes and UTF-8")
        << u"echo 'caf\u00e9' \"\u2713\""_s << u"echo 'caf\u00e9' \"\u2713\""_s;
}

void tst_Joblog::escape()
{
    QFETCH(QString, raw);
    QFETCH(QString, escaped);
    QCOMPARE(escapeJoblogCommand(raw), escaped);
    QCOMPARE(unescapeJoblogCommand(escaped), raw);
}

void tst_Joblog::escapeRoundTripsAnything()
{
    // The characters that matter, in every mix up to 8 long (8^8 is too
    // many; a seeded sample of 200,000 covers the pairs and triples).
    const QChar alphabet[] = {u'a', u'\\', u'n', u't', u'r', u'\n', u'\t', u'\r'};
    QRandomGenerator random(42);
    for (int round = 0; round < 200'000; ++round) {
        QString raw;
        const int length = int(random.bounded(9));
        for (int i = 0; i < length; ++i)
            raw += alphabet[random.bounded(8)];
        const QString escaped = escapeJoblogCommand(raw);
        QVERIFY(!escaped.contains(u'\n'));
        if (unescapeJoblogCommand(escaped) != raw)
            QFAIL(qPrintable(u"no round trip for "_s
                             + QString::fromLatin1(raw.toUtf8().toPercentEncoding())));
    }
}

void tst_Joblog::unescapeReadsGnuParallelNewlines()
{
    QCOMPARE(unescapeJoblogCommand(u"echo a\0echo b"_s), u"echo a\necho b"_s);
}

void tst_Joblog::parse_data()
{
    QTest::addColumn<QByteArray>("data");
    QTest::addColumn<QStringList>("jobs");
    QTest::addColumn<QStringList>("errors");
    QTest::addColumn<QStringList>("warnings");

    const QStringList none;
    QTest::newRow("empty file") << QByteArray() << none << none << none;
    QTest::newRow("header only") << header << none << none << none;
    QTest::newRow("written by GNU parallel 20221122")
        << header
            + "1\t:\t1795829651.338\t     0.003\t0\t0\t0\t0\ttrue\n"
              "2\t:\t1795829651.340\t     0.006\t0\t0\t3\t0\texit 3\n"
              "3\t:\t1795829651.343\t     0.009\t0\t0\t0\t15\tkill -TERM $$\n"
              "5\t:\t1795829651.352\t     0.000\t0\t0\t0\t9\tkill -KILL $$\n"
              "6\t:\t1795829651.354\t     0.001\t0\t3\t0\t0\tprintf \"a\\tb\"\n"
              "4\t:\t1795829651.346\t     1.723\t0\t0\t-1\t15\tsleep 5\n"_ba
        << QStringList {u"1:1:0:0:1:2:true"_s, u"2:1:3:0:0:3:exit 3"_s,
                        u"3:1:0:15:0:4:kill -TERM $$"_s, u"4:1:-1:15:0:7:sleep 5"_s,
                        u"5:1:0:9:0:5:kill -KILL $$"_s,
                        // Byte for byte: backslash-t is two characters.
                        u"6:1:0:0:1:6:printf \"a\\tb\""_s}
        << none << none;
    QTest::newRow("one line per attempt")
        << header
            + "1\t:\t10.000\t     1.000\t0\t0\t1\t0\tflaky\n"
              "2\t:\t10.000\t     1.000\t0\t0\t0\t0\tfine\n"
              "1\t:\t11.000\t     1.000\t0\t0\t0\t9\tflaky\n"
              "1\t:\t12.000\t     1.000\t0\t0\t0\t0\tflaky\n"_ba
        << QStringList {u"1:3:0:0:1:5:flaky"_s, u"2:1:0:0:1:3:fine"_s} << none << none;
    QTest::newRow("succeeded, then failed on a manual retry") << header
            + "1\t:\t10.000\t     1.000\t0\t0\t0\t0\tx\n"
              "1\t:\t20.000\t     1.000\t0\t0\t2\t0\tx\n"_ba << QStringList {u"1:2:2:0:1:3:x"_s}
                                                              << none << none;
    QTest::newRow("backslashes are not escapes")
        << header + "1\t:\t1.000\t     1.000\t0\t0\t0\t0\ta\\nb\\tc\\\\n\n"_ba
        << QStringList {u"1:1:0:0:1:2:a\\nb\\tc\\\\n"_s} << none << none;
    QTest::newRow("NUL is a line break")
        << header + "1\t:\t1.000\t     1.000\t0\t0\t0\t0\techo a\0echo b\n"_ba
        << QStringList {u"1:1:0:0:1:2:echo a\necho b"_s} << none << none;
    QTest::newRow("raw tabs in a command")
        << header + "1\t:\t1.000\t     1.000\t0\t0\t0\t0\ta\tb\t\n"_ba
        << QStringList {u"1:1:0:0:1:2:a\tb\t"_s} << none << none;
    QTest::newRow("empty command") << header + "1\t:\t1.000\t1.000\t0\t0\t0\t0\t\n"_ba
                                   << QStringList {u"1:1:0:0:1:2:"_s} << none << none;
    QTest::newRow("crlf")
        << "Seq\tHost\tStarttime\tJobRuntime\tSend\tReceive\tExitval\tSignal\tCommand\r\n"
           "1\t:\t1.000\t     1.000\t0\t0\t0\t0\tx\r\n"_ba
        << QStringList {u"1:1:0:0:1:2:x"_s} << none << none;
    QTest::newRow("blank lines are skipped")
        << header + "\n1\t:\t1.000\t     1.000\t0\t0\t0\t0\tx\n\n"_ba
        << QStringList {u"1:1:0:0:1:3:x"_s} << none << none;
    QTest::newRow("another host") << header
            + "1\t4//ssh server\t1.000\t     1.000\t1023\t1222\t0\t0\tx\n"_ba
                                  << QStringList {u"1:1:0:0:1:2:x"_s} << none << none;
    QTest::newRow("incomplete last line is ignored")
        << header
            + "1\t:\t1.000\t     1.000\t0\t0\t0\t0\tx\n"
              "2\t:\t2.000\t     1.0"_ba
        << QStringList {u"1:1:0:0:1:2:x"_s} << none
        << QStringList {u"jobs.log:3: ignored the last line: it has no line break, so the run "
                        "that wrote it was probably cut short"_s};
    QTest::newRow("well-formed but unterminated last line is ignored")
        << header + "1\t:\t1.000\t     1.000\t0\t0\t1\t0\tx"_ba << none << none
        << QStringList {u"jobs.log:2: ignored the last line: it has no line break, so the run "
                        "that wrote it was probably cut short"_s};
    QTest::newRow("nul-filled tail after a crash")
        << header + "1\t:\t1.000\t     1.000\t0\t0\t0\t0\tx\n"_ba + QByteArray(100, '\0')
        << QStringList {u"1:1:0:0:1:2:x"_s} << none
        << QStringList {u"jobs.log:3: ignored the last line: it has no line break, so the run "
                        "that wrote it was probably cut short"_s};
    QTest::newRow("garbled last line is ignored")
        << header
            + "1\t:\t1.000\t     1.000\t0\t0\t0\t0\tx\n"
              "2\t:\tgarbage\n"_ba
        << QStringList {u"1:1:0:0:1:2:x"_s} << none
        << QStringList {u"jobs.log:3:1: ignored the malformed last line (the run that wrote it "
                        "was probably cut short): expected 9 tab-separated fields, got 3"_s};
    QTest::newRow("garbled middle line is an error")
        << header
            + "1\t:\tgarbage\n"
              "2\t:\t1.000\t     1.000\t0\t0\t0\t0\tx\n"_ba
        << QStringList {u"2:1:0:0:1:3:x"_s}
        << QStringList {u"jobs.log:2:1: expected 9 tab-separated fields, got 3"_s} << none;
    const QByteArray goodLine = "9\t:\t1.000\t     1.000\t0\t0\t0\t0\tx\n";
    QTest::newRow("bad seq")
        << header + "x\t:\t1.000\t     1.000\t0\t0\t0\t0\tx\n"_ba + goodLine
        << QStringList {u"9:1:0:0:1:3:x"_s}
        << QStringList {u"jobs.log:2:1: Seq must be a whole number >= 1, got \"x\""_s} << none;
    QTest::newRow("seq zero")
        << header + "0\t:\t1.000\t     1.000\t0\t0\t0\t0\tx\n"_ba + goodLine
        << QStringList {u"9:1:0:0:1:3:x"_s}
        << QStringList {u"jobs.log:2:1: Seq must be a whole number >= 1, got \"0\""_s} << none;
    QTest::newRow("seq too big")
        << header + "99999999999\t:\t1.000\t     1.000\t0\t0\t0\t0\tx\n"_ba + goodLine
        << QStringList {u"9:1:0:0:1:3:x"_s}
        << QStringList {u"jobs.log:2:1: Seq must be a whole number >= 1, got \"99999999999\""_s}
        << none;
    QTest::newRow("empty host") << header + "1\t\t1.000\t     1.000\t0\t0\t0\t0\tx\n"_ba + goodLine
                                << QStringList {u"9:1:0:0:1:3:x"_s}
                                << QStringList {u"jobs.log:2:3: Host is empty"_s} << none;
    QTest::newRow("bad start time")
        << header + "1\t:\tnoon\t     1.000\t0\t0\t0\t0\tx\n"_ba + goodLine
        << QStringList {u"9:1:0:0:1:3:x"_s}
        << QStringList {u"jobs.log:2:5: Starttime must be a number, got \"noon\""_s} << none;
    QTest::newRow("bad runtime")
        << header + "1\t:\t1.000\t1.2.3\t0\t0\t0\t0\tx\n"_ba + goodLine
        << QStringList {u"9:1:0:0:1:3:x"_s}
        << QStringList {u"jobs.log:2:11: JobRuntime must be a number, got \"1.2.3\""_s} << none;
    QTest::newRow("bad send") << header + "1\t:\t1.000\t1.000\tx\t0\t0\t0\tx\n"_ba + goodLine
                              << QStringList {u"9:1:0:0:1:3:x"_s}
                              << QStringList {u"jobs.log:2:17: Send must be a number, got \"x\""_s}
                              << none;
    QTest::newRow("bad receive")
        << header + "1\t:\t1.000\t1.000\t0\t\t0\t0\tx\n"_ba + goodLine
        << QStringList {u"9:1:0:0:1:3:x"_s}
        << QStringList {u"jobs.log:2:19: Receive must be a number, got \"\""_s} << none;
    QTest::newRow("bad exit value")
        << header + "1\t:\t1.000\t     1.000\t0\t0\tx\t0\tx\n"_ba + goodLine
        << QStringList {u"9:1:0:0:1:3:x"_s}
        << QStringList {u"jobs.log:2:26: Exitval must be a whole number, got \"x\""_s} << none;
    QTest::newRow("exit value too big")
        << header + "1\t:\t1.000\t     1.000\t0\t0\t99999999999\t0\tx\n"_ba + goodLine
        << QStringList {u"9:1:0:0:1:3:x"_s}
        << QStringList {u"jobs.log:2:26: Exitval must be a whole number, got \"99999999999\""_s}
        << none;
    QTest::newRow("negative signal")
        << header + "1\t:\t1.000\t     1.000\t0\t0\t0\t-9\tx\n"_ba + goodLine
        << QStringList {u"9:1:0:0:1:3:x"_s}
        << QStringList {u"jobs.log:2:28: Signal must be a whole number >= 0, got \"-9\""_s} << none;
    QTest::newRow("columns count code points")
        << header + "1\t\xc3\xa9\xc3\xa9\t1.000\t     1.000\t0\t0\tx\t0\tx\n"_ba + goodLine
        << QStringList {u"9:1:0:0:1:3:x"_s}
        << QStringList {u"jobs.log:2:27: Exitval must be a whole number, got \"x\""_s} << none;
    QTest::newRow("not a joblog")
        << "echo a\necho b\n"_ba << none
        << QStringList {u"jobs.log:1:1: not a joblog: the first line must be the header "
                        "\"Seq\\tHost\\tStarttime\\tJobRuntime\\tSend\\tReceive\\tExitval\\tSignal"
                        "\\tCommand\""_s}
        << none;
    QTest::newRow("incomplete header")
        << "Seq\tHost\tStart"_ba << none << none
        << QStringList {u"jobs.log:1: ignored an incomplete header line"_s};
    QByteArray manyBad = header;
    for (int i = 0; i < 50; ++i)
        manyBad += "bad\n";
    manyBad += goodLine;
    QStringList manyErrors;
    for (int line = 2; line < 22; ++line)
        manyErrors.append(u"jobs.log:%1:1: expected 9 tab-separated fields, got 1"_s.arg(line));
    manyErrors.append(u"jobs.log: too many errors, stopped after the first 20"_s);
    QTest::newRow("too many errors") << manyBad << none << manyErrors << none;
}

void tst_Joblog::parse()
{
    QFETCH(QByteArray, data);
    QFETCH(QStringList, jobs);
    QFETCH(QStringList, errors);
    QFETCH(QStringList, warnings);
    const Joblog log = parseJoblog(data, u"jobs.log"_s);
    QCOMPARE(log.path, u"jobs.log"_s);
    QCOMPARE(describe(log), jobs);
    QCOMPARE(errorStrings(log.errors), errors);
    QCOMPARE(errorStrings(log.warnings), warnings);
    QCOMPARE(log.ok(), errors.isEmpty());
}

void tst_Joblog::seqSets()
{
    const Joblog log = parseJoblog(header
                                       + "1\t:\t1.000\t1.000\t0\t0\t1\t0\ta\n"
                                         "2\t:\t1.000\t1.000\t0\t0\t0\t0\tb\n"
                                         "3\t:\t1.000\t1.000\t0\t0\t0\t15\tc\n"
                                         "1\t:\t1.000\t1.000\t0\t0\t0\t0\ta\n"
                                         "4\t:\t1.000\t1.000\t0\t0\t-1\t15\td\n"_ba,
                                   u"jobs.log"_s);
    QVERIFY(log.ok());
    QCOMPARE(log.succeededSeqs(), (QSet<int> {1, 2}));
    QCOMPARE(log.attemptedSeqs(), (QSet<int> {1, 2, 3, 4}));
}

void tst_Joblog::readFile()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(u"run.log"_s);
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(header + "1\t:\t1.000\t     1.000\t0\t0\t0\t0\tx\n2\t:\t2.0"_ba);
    file.close();
    const Joblog log = readJoblog(path);
    QCOMPARE(log.path, path);
    QCOMPARE(describe(log), QStringList {u"1:1:0:0:1:2:x"_s});
    QVERIFY(log.ok());
    QCOMPARE(log.warnings.size(), 1);
    QCOMPARE(log.warnings.front().line, 3);
}

void tst_Joblog::readFileInChunks()
{
    // Several MiB, so that lines straddle the reader's 1 MiB chunks; the
    // result must match parsing the bytes in one go.
    QByteArray data = header;
    for (int i = 1; i <= 60'000; ++i) {
        data += QByteArray::number(i % 5000 + 1) + "\t:\t1712345678.123\t     0.250\t0\t0\t"
            + QByteArray::number(i % 3) + "\t0\techo " + QByteArray(i % 97, 'x') + "\n";
    }
    data += "7\t:\t1.0"; // cut short
    QTemporaryDir dir;
    const QString path = dir.filePath(u"big.log"_s);
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    QCOMPARE(file.write(data), data.size());
    file.close();

    const Joblog fromFile = readJoblog(path);
    const Joblog fromMemory = parseJoblog(data, path);
    QVERIFY(fromFile.ok());
    QCOMPARE(fromFile.jobs.size(), 5000);
    QCOMPARE(describe(fromFile), describe(fromMemory));
    QCOMPARE(errorStrings(fromFile.warnings), errorStrings(fromMemory.warnings));
    QCOMPARE(fromFile.warnings.size(), 1);
}

void tst_Joblog::readLongLines()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"long.log"_s);
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(header);
    file.write("1\t:\t1.000\t1.000\t0\t0\t0\t0\t" + QByteArray(6 * 1024 * 1024, 'x') + '\n');
    file.write("2\t:\t1.000\t1.000\t0\t0\t0\t0\tfine\n");
    file.write(QByteArray(5 * 1024 * 1024, 'y')); // a long, unterminated last line
    file.close();
    const Joblog log = readJoblog(path);
    QCOMPARE(describe(log), QStringList {u"2:1:0:0:1:3:fine"_s});
    QCOMPARE(errorStrings(log.errors),
             QStringList {path + u":2:1: the line is too long (more than 4 MiB)"_s});
    QCOMPARE(log.warnings.size(), 1);
    QCOMPARE(log.warnings.front().line, 4);

    // The same as reading the bytes in one go.
    QVERIFY(file.open(QIODevice::ReadOnly));
    const Joblog fromMemory = parseJoblog(file.readAll(), path);
    QCOMPARE(describe(fromMemory), describe(log));
    QCOMPARE(errorStrings(fromMemory.errors), errorStrings(log.errors));
    QCOMPARE(errorStrings(fromMemory.warnings), errorStrings(log.warnings));
}

void tst_Joblog::readUnreadable_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("message");
    QTest::newRow("missing") << u"/nonexistent/run.log"_s
                             << u"/nonexistent/run.log: cannot open: No such file or directory"_s;
    QTest::newRow("directory") << u"/"_s << u"/: is a directory, not a joblog"_s;
}

void tst_Joblog::readUnreadable()
{
    QFETCH(QString, path);
    QFETCH(QString, message);
    const Joblog log = readJoblog(path);
    QCOMPARE(errorStrings(log.errors), QStringList {message});
    QVERIFY(log.jobs.isEmpty());
}

void tst_Joblog::compareCommands_data()
{
    QTest::addColumn<QByteArray>("data");
    QTest::addColumn<QStringList>("commands");
    QTest::addColumn<QStringList>("errors");

    const QByteArray log = header
        + "1\t:\t1.000\t1.000\t0\t0\t1\t0\techo a\n"
          "2\t:\t1.000\t1.000\t0\t0\t0\t0\tprintf 'x\\\\ty'\\necho b\n"
          "1\t:\t2.000\t1.000\t0\t0\t0\t0\techo a\n"_ba;
    QTest::newRow("same list, as Requeue 0.x escaped it")
        << log << QStringList {u"echo a"_s, u"printf 'x\\ty'\necho b"_s, u"c"_s} << QStringList();
    QTest::newRow("same list, as GNU parallel writes it")
        << header + "1\t:\t1.000\t1.000\t0\t2\t0\t0\tprintf 'x\\ty'\t\\\\n\0echo b\n"_ba
        << QStringList {u"printf 'x\\ty'\t\\\\n\necho b"_s} << QStringList();
    QTest::newRow("changed command")
        << log << QStringList {u"echo A"_s, u"printf 'x\\ty'\necho b"_s}
        << QStringList {u"run.log:4: job 1 ran \"echo a\" but is \"echo A\" in the job list: the "
                        "joblog was written for another job list"_s};
    QTest::newRow("shorter list")
        << log << QStringList {u"echo a"_s}
        << QStringList {u"run.log:3: job 2 is not in the job list, which has 1 jobs: the joblog "
                        "was written for another job list"_s};
    QTest::newRow("empty log") << header << QStringList {u"x"_s} << QStringList();
}

void tst_Joblog::compareCommands()
{
    QFETCH(QByteArray, data);
    QFETCH(QStringList, commands);
    QFETCH(QStringList, errors);
    const Joblog log = parseJoblog(data, u"run.log"_s);
    QVERIFY(log.ok());
    QCOMPARE(errorStrings(compareJoblogCommands(log, commands)), errors);
}

} // namespace requeue

QTEST_APPLESS_MAIN(requeue::tst_Joblog)
#include "tst_joblog.moc"
