#include "runoptions.h"

#include <QTest>

using namespace requeue;
using Action = CommandLine::Action;

Q_DECLARE_METATYPE(requeue::CommandLine::Action)

class TestRunOptions : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void actions_data();
    void actions();
    void errors_data();
    void errors();
    void values();
    void defaults();
    void fileOverridesStayUnset();
};

static QStringList argv(const QString &line)
{
    return QStringList {QStringLiteral("/usr/bin/requeue")}
    + line.split(QLatin1Char(' '), Qt::SkipEmptyParts);
}

void TestRunOptions::actions_data()
{
    QTest::addColumn<QString>("line");
    QTest::addColumn<Action>("action");
    QTest::addColumn<QString>("textContains");

    QTest::newRow("no arguments: window") << QString() << Action::Gui << QString();
    QTest::newRow("a file: window") << QStringLiteral("jobs.txt") << Action::Gui << QString();
    QTest::newRow("run") << QStringLiteral("run jobs.txt") << Action::Run << QString();
    QTest::newRow("help") << QStringLiteral("--help") << Action::Help
                          << QStringLiteral("Usage: requeue [options] [FILE]");
    QTest::newRow("-h") << QStringLiteral("-h") << Action::Help
                        << QStringLiteral("run [options] FILE");
    QTest::newRow("version") << QStringLiteral("--version") << Action::Version
                             << QStringLiteral("requeue ");
    QTest::newRow("version names Qt's")
        << QStringLiteral("--version") << Action::Version
        << QStringLiteral("\nQt %1\n").arg(QString::fromLatin1(qVersion()));
    QTest::newRow("run help") << QStringLiteral("run --help") << Action::Help
                              << QStringLiteral("Usage: requeue run [options] FILE");
    QTest::newRow("run help lists options")
        << QStringLiteral("run -h") << Action::Help << QStringLiteral("--no-retry-exit <CODES>");
    QTest::newRow("file after --") << QStringLiteral("run -- -odd") << Action::Run << QString();
}

void TestRunOptions::actions()
{
    QFETCH(QString, line);
    QFETCH(Action, action);
    QFETCH(QString, textContains);
    const CommandLine result = parseCommandLine(argv(line));
    QCOMPARE(result.action, action);
    QVERIFY2(result.text.contains(textContains), qPrintable(result.text));
}

void TestRunOptions::errors_data()
{
    QTest::addColumn<QString>("line");
    QTest::addColumn<QString>("message");

    QTest::newRow("unknown top-level option")
        << QStringLiteral("--frobnicate") << QStringLiteral("requeue: unknown option --frobnicate");
    QTest::newRow("unknown run option") << QStringLiteral("run --frobnicate f")
                                        << QStringLiteral("requeue: unknown option --frobnicate");
    QTest::newRow("unknown short option")
        << QStringLiteral("run -x f") << QStringLiteral("requeue: unknown option -x");
    QTest::newRow("option after a window file")
        << QStringLiteral("f --jobs 2") << QStringLiteral("requeue: unknown option --jobs");
    QTest::newRow("jobs not a number")
        << QStringLiteral("run --jobs x f")
        << QStringLiteral("requeue: --jobs: expected a whole number >= 1, got \"x\"");
    QTest::newRow("jobs zero") << QStringLiteral(
        "run -j 0 f") << QStringLiteral("requeue: --jobs: expected a whole number >= 1, got \"0\"");
    QTest::newRow("jobs missing value") << QStringLiteral("run f --jobs")
                                        << QStringLiteral("requeue: missing value after '--jobs'");
    QTest::newRow("max-attempts negative")
        << QStringLiteral("run --max-attempts -1 f")
        << QStringLiteral(
               "requeue: --max-attempts: expected a whole number >= 0 (0 = unlimited), got \"-1\"");
    QTest::newRow("retries bad") << QStringLiteral("run --retries 2.5 f")
                                 << QStringLiteral("requeue: --retries: expected a whole number");
    QTest::newRow("retries and max-attempts disagree")
        << QStringLiteral("run --retries 2 --max-attempts 3 f")
        << QStringLiteral("requeue: --max-attempts and --retries disagree");
    QTest::newRow("bad timeout") << QStringLiteral("run --timeout soon f")
                                 << QStringLiteral("requeue: --timeout: ");
    QTest::newRow("bad deadline") << QStringLiteral("run --deadline 5x f")
                                  << QStringLiteral("requeue: --deadline: ");
    QTest::newRow("zero deadline")
        << QStringLiteral("run --deadline 0 f")
        << QStringLiteral("requeue: --deadline: expected a duration > 0, got \"0\"");
    QTest::newRow("bad backoff") << QStringLiteral("run --backoff sometimes f")
                                 << QStringLiteral("requeue: --backoff: ");
    QTest::newRow("bad exit codes") << QStringLiteral("run --no-retry-exit 2,300 f")
                                    << QStringLiteral("requeue: --no-retry-exit: ");
    QTest::newRow("resume without joblog")
        << QStringLiteral("run --resume f")
        << QStringLiteral("requeue: --resume: needs --joblog FILE");
    QTest::newRow("resume-failed without joblog")
        << QStringLiteral("run --resume-failed f")
        << QStringLiteral("requeue: --resume-failed: needs --joblog FILE");
    QTest::newRow("no file") << QStringLiteral("run -j 2")
                             << QStringLiteral("requeue: run: no job file given");
    QTest::newRow("two files") << QStringLiteral("run a b")
                               << QStringLiteral("requeue: run: expected one job file, got 2: a b");
}

void TestRunOptions::errors()
{
    QFETCH(QString, line);
    QFETCH(QString, message);
    const CommandLine result = parseCommandLine(argv(line));
    QCOMPARE(result.action, Action::Error);
    QVERIFY2(result.text.startsWith(message), qPrintable(result.text));
    QVERIFY(result.text.endsWith(QLatin1Char('\n')));
}

void TestRunOptions::values()
{
    const CommandLine result = parseCommandLine(
        argv(QStringLiteral("run -j 3 --retries 5 --backoff fixed:250ms --jitter --timeout 2s "
                            "--deadline 1m --no-retry-exit 2,64-66 --joblog log --resume "
                            "--results out --summary-json s.json --quiet jobs.txt")));
    QCOMPARE(result.action, Action::Run);
    const RunOptions &run = result.run;
    QCOMPARE(run.jobFile, QStringLiteral("jobs.txt"));
    QCOMPARE(run.workers, 3);
    QCOMPARE(run.maxAttempts, std::optional<int>(5));
    QVERIFY(run.backoff);
    QCOMPARE(run.backoff->backoff, RetryPolicy::Backoff::Fixed);
    QCOMPARE(run.backoff->initialDelay, std::chrono::milliseconds(250));
    QVERIFY(run.jitter);
    QCOMPARE(*run.timeout, std::chrono::milliseconds(2000));
    QCOMPARE(*run.deadline, std::chrono::milliseconds(60000));
    QCOMPARE(*run.noRetryExit, (QList<int> {2, 64, 65, 66}));
    QCOMPARE(run.joblog, QStringLiteral("log"));
    QCOMPARE(run.resume, RunOptions::Resume::SkipDone);
    QCOMPARE(run.resultsDir, QStringLiteral("out"));
    QCOMPARE(run.summaryJson, QStringLiteral("s.json"));
    QVERIFY(run.quiet);

    const CommandLine failed = parseCommandLine(
        argv(QStringLiteral("run --joblog log --resume --resume-failed --max-attempts 0 f")));
    QCOMPARE(failed.action, Action::Run);
    QCOMPARE(failed.run.resume, RunOptions::Resume::SkipSucceeded);
    QCOMPARE(failed.run.maxAttempts, std::optional<int>(0));

    const CommandLine compact = parseCommandLine(argv(QStringLiteral("run -j4 f")));
    QCOMPARE(compact.action, Action::Run);
    QCOMPARE(compact.run.workers, 4);
}

void TestRunOptions::defaults()
{
    const CommandLine result = parseCommandLine(argv(QStringLiteral("run jobs.txt")));
    QCOMPARE(result.action, Action::Run);
    QCOMPARE(result.run.workers, 0);
    QCOMPARE(result.run.resume, RunOptions::Resume::No);
    QVERIFY(!result.run.quiet);
    QVERIFY(result.run.joblog.isEmpty());
}

// Unset options must stay unset, so that the file's defaults are not overridden.
void TestRunOptions::fileOverridesStayUnset()
{
    const RunOptions run = parseCommandLine(argv(QStringLiteral("run f"))).run;
    QVERIFY(!run.maxAttempts);
    QVERIFY(!run.backoff);
    QVERIFY(!run.jitter);
    QVERIFY(!run.timeout);
    QVERIFY(!run.deadline);
    QVERIFY(!run.noRetryExit);
}

QTEST_GUILESS_MAIN(TestRunOptions)
#include "tst_runoptions.moc"
