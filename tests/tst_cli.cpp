// End-to-end tests of `requeue run`: the built executable (REQUEUE_BINARY)
// runs as a QProcess on job lists written to a fresh folder.
#include "common/processes.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocalSocket>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <memory>
#include <sys/types.h>
#include <unistd.h>

using requeue::test::isRunning;
using requeue::test::liveGroupMembers;

namespace {

constexpr int RunTimeoutMs = 20000;

// One line of a joblog, as GNU parallel writes it.
struct JoblogLine
{
    int seq = 0;
    QString host;
    QString starttime;
    QString runtime;
    QString send;
    QString receive;
    int exitval = 0;
    int signal = 0;
    QString command;
};

struct Finished
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

} // namespace

class TestCli : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void helpAndVersion_data();
    void helpAndVersion();
    void usageErrors_data();
    void usageErrors();
    void fileErrors_data();
    void fileErrors();
    void formats_data();
    void formats();
    void workers_data();
    void workers();
    void maxAttempts_data();
    void maxAttempts();
    void noRetryExit();
    void timeout();
    void backoff();
    void deadline();
    void fileSettingsWin();
    void joblogFormat();
    void results();
    void defaultResultsDir();
    void runDirOption();
    void summaryJson();
    void gaveUpReport();
    void resume_data();
    void resume();
    void resumeSkipsWhatCouldNotStart();
    void resumeMismatch();
    void gnuParallelJoblogRoundTrip();
    void joblogEdgeCases();
    void interrupt_data();
    void interrupt();
    void secondInterruptKills();
    void killAndResume();
    void controlSteersALiveRun();
    void controlRefusesBadRequests();
    void runsAndShow();
    void showsUnnamedJobs();
    void pruneRuns();
    void noDisplayRunsNothing();
    void progressOnTerminal();
    void outputModes_data();
    void outputModes();
    void jobListFromStdin();
    void haltNow();
    void haltSoon();
    void haltShare();
    void progressSurvivesManyFailures();

private:
    QString path(const QString &name) const { return m_dir->filePath(name); }
    void write(const QString &name, const QByteArray &content);
    QStringList readLines(const QString &name) const;
    std::unique_ptr<QProcess> start(const QStringList &arguments,
                                    const QProcessEnvironment &env = {});
    Finished finish(QProcess *process, int timeoutMs = RunTimeoutMs);
    Finished run(const QStringList &arguments, const QProcessEnvironment &env = {});
    QList<JoblogLine> readJoblog(const QString &name);
    QJsonObject readJson(const QString &name);
    pid_t waitForPid(const QString &name);
    bool tmpIsEmpty() const;
    QStringList recordedRuns() const; // run directories in the default place, oldest first

    QString m_binary;
    std::unique_ptr<QTemporaryDir> m_dir;
    QList<pid_t> m_strays; // process groups to kill in cleanup()
};

void TestCli::initTestCase()
{
    m_binary = qEnvironmentVariable("REQUEUE_BINARY");
    QVERIFY2(!m_binary.isEmpty(), "REQUEUE_BINARY is not set (run through ctest)");
    QVERIFY2(QFile::exists(m_binary), qPrintable(m_binary));
}

void TestCli::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    QVERIFY(QDir(m_dir->path()).mkdir(QStringLiteral("tmp")));
}

void TestCli::cleanup()
{
    for (pid_t group : std::as_const(m_strays))
        ::kill(-group, SIGKILL);
    m_strays.clear();
    m_dir.reset();
}

void TestCli::write(const QString &name, const QByteArray &content)
{
    QFile file(path(name));
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    QCOMPARE(file.write(content), content.size());
}

QStringList TestCli::readLines(const QString &name) const
{
    QFile file(path(name));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(file.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
}

std::unique_ptr<QProcess> TestCli::start(const QStringList &arguments,
                                         const QProcessEnvironment &env)
{
    auto process = std::make_unique<QProcess>();
    QProcessEnvironment environment
        = env.isEmpty() ? QProcessEnvironment::systemEnvironment() : env;
    // Default run folders land here, so that a test can see none was made.
    environment.insert(QStringLiteral("TMPDIR"), path(QStringLiteral("tmp")));
    environment.insert(QStringLiteral("XDG_STATE_HOME"), path(QStringLiteral("state")));
    process->setProcessEnvironment(environment);
    process->setWorkingDirectory(m_dir->path());
    process->start(m_binary, arguments);
    return process;
}

Finished TestCli::finish(QProcess *process, int timeoutMs)
{
    Finished result;
    if (!process->waitForFinished(timeoutMs)) {
        process->kill();
        process->waitForFinished();
        qWarning("requeue did not finish in time: %s", process->readAllStandardError().constData());
        return result;
    }
    result.exitCode = process->exitStatus() == QProcess::NormalExit ? process->exitCode() : -1;
    result.out = process->readAllStandardOutput();
    result.err = process->readAllStandardError();
    return result;
}

Finished TestCli::run(const QStringList &arguments, const QProcessEnvironment &env)
{
    auto process = start(arguments, env);
    return finish(process.get());
}

QList<JoblogLine> TestCli::readJoblog(const QString &name)
{
    QList<JoblogLine> lines;
    QFile file(path(name));
    if (!file.open(QIODevice::ReadOnly)) {
        qWarning("no joblog %s", qPrintable(name));
        return lines;
    }
    const QList<QByteArray> raw = file.readAll().split('\n');
    if (raw.isEmpty()
        || raw.first()
            != "Seq\tHost\tStarttime\tJobRuntime\tSend\tReceive\tExitval\tSignal\tCommand") {
        qWarning("bad joblog header: %s", raw.value(0).constData());
        return {};
    }
    if (!raw.last().isEmpty()) {
        qWarning("the joblog does not end in a line break");
        return {};
    }
    static const QRegularExpression starttime(QStringLiteral("^\\d+\\.\\d{3}$"));
    static const QRegularExpression runtime(QStringLiteral("^ *\\d+\\.\\d{3}$"));
    for (qsizetype i = 1; i + 1 < raw.size(); ++i) {
        const QString text = QString::fromUtf8(raw[i]);
        // Like GNU parallel's readers: eight tabs, the command takes the rest.
        const QStringList fields = text.split(QLatin1Char('\t'));
        if (fields.size() < 9) {
            qWarning("joblog line %lld has %lld fields: %s", qlonglong(i + 1),
                     qlonglong(fields.size()), qPrintable(text));
            return {};
        }
        JoblogLine line;
        bool ok[3] = {};
        line.seq = fields[0].toInt(&ok[0]);
        line.host = fields[1];
        line.starttime = fields[2];
        line.runtime = fields[3];
        line.send = fields[4];
        line.receive = fields[5];
        line.exitval = fields[6].toInt(&ok[1]);
        line.signal = fields[7].toInt(&ok[2]);
        line.command = fields.mid(8).join(QLatin1Char('\t'));
        if (!ok[0] || !ok[1] || !ok[2] || !starttime.match(line.starttime).hasMatch()
            || !runtime.match(line.runtime).hasMatch() || line.runtime.size() < 10) {
            qWarning("malformed joblog line %lld: %s", qlonglong(i + 1), qPrintable(text));
            return {};
        }
        lines.append(line);
    }
    return lines;
}

QJsonObject TestCli::readJson(const QString &name)
{
    QFile file(path(name));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &error);
    if (error.error != QJsonParseError::NoError)
        qWarning("%s: %s", qPrintable(name), qPrintable(error.errorString()));
    return doc.object();
}

// Waits for a job to write its pid (`echo $$ > name`); the job is the leader of
// its process group, which cleanup() kills in any case.
pid_t TestCli::waitForPid(const QString &name)
{
    pid_t pid = 0;
    [&] {
        QTRY_VERIFY_WITH_TIMEOUT(readLines(name).size() == 1, 10000);
    }();
    pid = pid_t(readLines(name).value(0).toInt());
    if (pid > 0)
        m_strays.append(pid);
    return pid;
}

bool TestCli::tmpIsEmpty() const
{
    return QDir(path(QStringLiteral("tmp")))
        .isEmpty(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden);
}

QStringList TestCli::recordedRuns() const
{
    const QDir runs(path(QStringLiteral("state/requeue/runs")));
    QStringList dirs;
    for (const QString &name : runs.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name))
        dirs.append(runs.filePath(name));
    return dirs;
}

// ---

void TestCli::helpAndVersion_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("expected");
    QTest::newRow("--help") << QStringList {QStringLiteral("--help")}
                            << QStringLiteral("Usage: requeue [options] [FILE]");
    QTest::newRow("run --help") << QStringList {QStringLiteral("run"), QStringLiteral("--help")}
                                << QStringLiteral("--max-attempts <N>");
    QTest::newRow("--version") << QStringList {QStringLiteral("--version")}
                               << QStringLiteral("requeue 0.");
}

void TestCli::helpAndVersion()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, expected);
    const Finished result = run(arguments);
    QCOMPARE(result.exitCode, 0);
    QVERIFY2(QString::fromUtf8(result.out).contains(expected), result.out.constData());
}

void TestCli::usageErrors_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("expected");
    const auto args = [](const char *line) {
        return QString::fromLatin1(line).split(QLatin1Char(' '));
    };
    QTest::newRow("jobs") << args("run --jobs x jobs.txt --joblog log")
                          << QStringLiteral(
                                 "requeue: --jobs: expected a whole number >= 1, got \"x\"");
    QTest::newRow("unknown option") << args("run --bogus jobs.txt --joblog log")
                                    << QStringLiteral("requeue: unknown option --bogus");
    QTest::newRow("max-attempts") << args("run --max-attempts many jobs.txt --joblog log")
                                  << QStringLiteral(
                                         "requeue: --max-attempts: expected a whole number");
    QTest::newRow("timeout") << args("run --timeout 3 jobs.txt --joblog log")
                             << QStringLiteral("requeue: --timeout: ");
    QTest::newRow("backoff") << args("run --backoff exp: jobs.txt --joblog log")
                             << QStringLiteral("requeue: --backoff: ");
    QTest::newRow("no-retry-exit") << args("run --no-retry-exit 1-x jobs.txt --joblog log")
                                   << QStringLiteral("requeue: --no-retry-exit: ");
    QTest::newRow("resume without joblog")
        << args("run --resume jobs.txt") << QStringLiteral("requeue: --resume: needs --joblog");
    QTest::newRow("no file") << args("run --joblog log")
                             << QStringLiteral("requeue: run: no job file");
    QTest::newRow("output") << args("run --output lines jobs.txt --joblog log")
                            << QStringLiteral(
                                   "requeue: --output: expected group, tag or none, got \"lines\"");
    QTest::newRow("halt") << args("run --halt later,fail=1 jobs.txt --joblog log")
                          << QStringLiteral("requeue: --halt: expected never, soon,fail=N");
    QTest::newRow("halt share") << args("run --halt now,fail=120% jobs.txt --joblog log")
                                << QStringLiteral("requeue: --halt: the share must be 1% to 100%");
}

void TestCli::usageErrors()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, expected);
    write(QStringLiteral("jobs.txt"), "echo ran >> marker\n");
    const Finished result = run(arguments);
    QCOMPARE(result.exitCode, 2);
    QVERIFY2(QString::fromUtf8(result.err).startsWith(expected), result.err.constData());
    QVERIFY(!QFile::exists(path(QStringLiteral("marker"))));
    QVERIFY(!QFile::exists(path(QStringLiteral("log"))));
    QVERIFY(tmpIsEmpty());
    QVERIFY(recordedRuns().isEmpty());
}

void TestCli::fileErrors_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("expected");

    QTest::newRow("missing file") << QStringLiteral("nothing.txt") << QByteArray()
                                  << QStringLiteral("nothing.txt: cannot open: ");
    QTest::newRow("empty text") << QStringLiteral("jobs.txt") << QByteArray("# only a comment\n\n")
                                << QStringLiteral("jobs.txt: no jobs found");
    QTest::newRow("invalid UTF-8")
        << QStringLiteral("jobs.txt") << QByteArray("echo ran >> marker\necho \xff\n")
        << QStringLiteral("jobs.txt:2:6: invalid UTF-8");
    QTest::newRow("dangling backslash")
        << QStringLiteral("jobs.txt") << QByteArray("echo ran >> marker\necho \\")
        << QStringLiteral("jobs.txt:2:");
    QTest::newRow("json unknown field")
        << QStringLiteral("jobs.json")
        << QByteArray("[{\"command\": \"echo ran >> marker\"},\n {\"comand\": \"true\"}]")
        << QStringLiteral("jobs.json:2:3: unknown field \"comand\"");
    QTest::newRow("json syntax") << QStringLiteral("jobs.json")
                                 << QByteArray("[{\"command\": \"echo ran >> marker\"},]")
                                 << QStringLiteral("jobs.json:1:");
    QTest::newRow("json bad timeout")
        << QStringLiteral("jobs.json")
        << QByteArray("{\"jobs\": [{\"command\": \"echo ran >> marker\", \"timeout\": \"soon\"}]}")
        << QStringLiteral("jobs.json:1:");

    // The whole corpus of broken files, each with its first expected message.
    const QString corpus = QFINDTESTDATA("data/bad");
    QVERIFY2(!corpus.isEmpty(), "tests/data/bad not found");
    QFile expected(corpus + QStringLiteral("/EXPECTED"));
    QVERIFY(expected.open(QIODevice::ReadOnly));
    QSet<QString> seen;
    for (const QByteArray &line : expected.readAll().split('\n')) {
        const qsizetype tab = line.indexOf('\t');
        if (line.startsWith('#') || tab <= 0)
            continue;
        const QString name = QString::fromUtf8(line.first(tab));
        if (seen.contains(name))
            continue; // the first message is enough here
        seen.insert(name);
        QFile bad(corpus + QLatin1Char('/') + name);
        QVERIFY(bad.open(QIODevice::ReadOnly));
        // An empty file still has to exist: the placeholder byte is dropped below.
        const QByteArray bytes = bad.readAll();
        QTest::newRow(qPrintable(QStringLiteral("corpus ") + name))
            << name << (bytes.isEmpty() ? QByteArray("\0", 1) : bytes)
            << QString::fromUtf8(line.sliced(tab + 1));
    }
}

void TestCli::fileErrors()
{
    QFETCH(QString, file);
    QFETCH(QByteArray, content);
    QFETCH(QString, expected);
    if (content == QByteArray("\0", 1))
        write(file, QByteArray()); // an empty file from the corpus
    else if (!content.isEmpty())
        write(file, content);
    const Finished result
        = run({QStringLiteral("run"), QStringLiteral("--joblog"), QStringLiteral("log"),
               QStringLiteral("--results"), QStringLiteral("out"), QStringLiteral("--summary-json"),
               QStringLiteral("s.json"), file});
    QCOMPARE(result.exitCode, 2);
    QVERIFY2(QString::fromUtf8(result.err).contains(expected), result.err.constData());
    // Nothing ran and nothing was written.
    QVERIFY(!QFile::exists(path(QStringLiteral("marker"))));
    QVERIFY(!QFile::exists(path(QStringLiteral("log"))));
    QVERIFY(!QFile::exists(path(QStringLiteral("out"))));
    QVERIFY(!QFile::exists(path(QStringLiteral("s.json"))));
    QVERIFY(tmpIsEmpty());
    QVERIFY(recordedRuns().isEmpty());
}

void TestCli::formats_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QByteArray>("content");
    QTest::newRow("text") << QStringLiteral("jobs.txt")
                          << QByteArray(
                                 "# comment\necho one >> marker\n\necho two \\\n  >> marker\n"
                                 "echo three >> marker\n");
    QTest::newRow("json")
        << QStringLiteral("jobs.JSON")
        << QByteArray(
               "{\"defaults\": {\"max_attempts\": 1},\n \"jobs\": [\n"
               "  {\"command\": \"echo one >> marker\"},\n"
               "  {\"argv\": [\"sh\", \"-c\", \"echo two >> marker\"]},\n"
               "  {\"command\": \"echo $WORD >> marker\", \"env\": {\"WORD\": \"three\"}}\n]}\n");
}

void TestCli::formats()
{
    QFETCH(QString, file);
    QFETCH(QByteArray, content);
    write(file, content);
    const Finished result = run({QStringLiteral("run"), QStringLiteral("-j1"), file});
    QCOMPARE(result.exitCode, 0);
    QCOMPARE(readLines(QStringLiteral("marker")),
             (QStringList {QStringLiteral("one"), QStringLiteral("two"), QStringLiteral("three")}));
    QVERIFY2(result.err.contains("requeue: 3 jobs: 3 succeeded, 0 failed; 3 attempts in "),
             result.err.constData());
    QVERIFY(result.out.isEmpty());
}

void TestCli::workers_data()
{
    QTest::addColumn<int>("workers");
    QTest::newRow("-j 1") << 1;
    QTest::newRow("-j 2") << 2;
    QTest::newRow("-j 4") << 4;
}

// Each job records its start and end; the first `workers` jobs also wait for
// each other (bounded), so that the run must have used exactly that many.
void TestCli::workers()
{
    QFETCH(int, workers);
    const QByteArray job = QByteArrayLiteral("echo +$N >> events; touch started.$N; i=0; "
                                             "while [ $(ls started.* | wc -l) -lt W ] && [ $i -lt "
                                             "300 ]; do sleep 0.01; i=$((i+1)); done; "
                                             "echo -$N >> events\n");
    QByteArray list;
    for (int n = 1; n <= 2 * workers + 1; ++n)
        list += QByteArray(job)
                    .replace("$N", QByteArray::number(n))
                    .replace("W", QByteArray::number(workers));
    write(QStringLiteral("jobs.txt"), list);
    const Finished result = run({QStringLiteral("run"), QStringLiteral("--jobs"),
                                 QString::number(workers), QStringLiteral("jobs.txt")});
    QCOMPARE(result.exitCode, 0);
    int running = 0;
    int most = 0;
    const QStringList events = readLines(QStringLiteral("events"));
    QCOMPARE(events.size(), 2 * (2 * workers + 1));
    for (const QString &event : events) {
        running += event.startsWith(QLatin1Char('+')) ? 1 : -1;
        most = qMax(most, running);
    }
    QCOMPARE(most, workers);
}

void TestCli::maxAttempts_data()
{
    QTest::addColumn<QStringList>("options");
    QTest::addColumn<QString>("command");
    QTest::addColumn<int>("attempts");
    QTest::addColumn<int>("exitCode");
    const QString failing = QStringLiteral("echo $REQUEUE_ATTEMPT >> marker; exit 1");
    QTest::newRow("default is 3") << QStringList() << failing << 3 << 1;
    QTest::newRow("--max-attempts 5")
        << QStringList {QStringLiteral("--max-attempts"), QStringLiteral("5")} << failing << 5 << 1;
    QTest::newRow("--max-attempts 1")
        << QStringList {QStringLiteral("--max-attempts"), QStringLiteral("1")} << failing << 1 << 1;
    QTest::newRow("--retries 2") << QStringList {QStringLiteral("--retries"), QStringLiteral("2")}
                                 << failing << 2 << 1;
    QTest::newRow("0 is unlimited")
        << QStringList {QStringLiteral("--max-attempts"), QStringLiteral("0")}
        << QStringLiteral("echo $REQUEUE_ATTEMPT >> marker; test $REQUEUE_ATTEMPT -ge 7") << 7 << 0;
    QTest::newRow("succeeds on the second")
        << QStringList()
        << QStringLiteral("echo $REQUEUE_ATTEMPT >> marker; test $REQUEUE_ATTEMPT -ge 2") << 2 << 0;
}

void TestCli::maxAttempts()
{
    QFETCH(QStringList, options);
    QFETCH(QString, command);
    QFETCH(int, attempts);
    QFETCH(int, exitCode);
    write(QStringLiteral("jobs.txt"), command.toUtf8() + '\n');
    const Finished result = run(QStringList {QStringLiteral("run"), QStringLiteral("-q")} + options
                                + QStringList {QStringLiteral("jobs.txt")});
    QCOMPARE(result.exitCode, exitCode);
    QStringList expected;
    for (int n = 1; n <= attempts; ++n)
        expected.append(QString::number(n));
    QCOMPARE(readLines(QStringLiteral("marker")), expected);
}

void TestCli::noRetryExit()
{
    write(QStringLiteral("jobs.txt"), "echo a >> marker; exit 65\necho b >> marker; exit 1\n");
    const Finished result
        = run({QStringLiteral("run"), QStringLiteral("-j1"), QStringLiteral("--no-retry-exit"),
               QStringLiteral("2,64-78"), QStringLiteral("jobs.txt")});
    QCOMPARE(result.exitCode, 1);
    QCOMPARE(readLines(QStringLiteral("marker")),
             (QStringList {QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("b"),
                           QStringLiteral("b")}));
}

void TestCli::timeout()
{
    write(QStringLiteral("jobs.txt"), "sleep 30\n");
    QElapsedTimer clock;
    clock.start();
    const Finished result
        = run({QStringLiteral("run"), QStringLiteral("--timeout"), QStringLiteral("200ms"),
               QStringLiteral("--max-attempts"), QStringLiteral("2"), QStringLiteral("--joblog"),
               QStringLiteral("log"), QStringLiteral("jobs.txt")});
    QCOMPARE(result.exitCode, 1);
    QVERIFY(clock.elapsed() < 10000);
    const QList<JoblogLine> log = readJoblog(QStringLiteral("log"));
    QCOMPARE(log.size(), 2);
    for (const JoblogLine &line : log) {
        QCOMPARE(line.seq, 1);
        QCOMPARE(line.exitval, -1);
        QVERIFY(line.runtime.trimmed().toDouble() >= 0.19);
    }
    QVERIFY2(result.err.contains("timed out"), result.err.constData());
}

void TestCli::backoff()
{
    write(QStringLiteral("jobs.txt"), "test $REQUEUE_ATTEMPT -ge 3\n");
    const Finished result
        = run({QStringLiteral("run"), QStringLiteral("--backoff"), QStringLiteral("fixed:300ms"),
               QStringLiteral("--joblog"), QStringLiteral("log"), QStringLiteral("jobs.txt")});
    QCOMPARE(result.exitCode, 0);
    const QList<JoblogLine> log = readJoblog(QStringLiteral("log"));
    QCOMPARE(log.size(), 3);
    for (int i = 1; i < log.size(); ++i) {
        const double gap = log[i].starttime.toDouble()
            - (log[i - 1].starttime.toDouble() + log[i - 1].runtime.trimmed().toDouble());
        QVERIFY2(gap >= 0.28, qPrintable(QString::number(gap)));
    }
    // With jitter the delay is drawn from [0, 300ms]; the run still succeeds.
    QFile::remove(path(QStringLiteral("log")));
    QCOMPARE(
        run({QStringLiteral("run"), QStringLiteral("--backoff"), QStringLiteral("exp:50ms:200ms"),
             QStringLiteral("--jitter"), QStringLiteral("jobs.txt")})
            .exitCode,
        0);
}

void TestCli::deadline()
{
    write(QStringLiteral("jobs.txt"), "true\nsleep 30\nsleep 30\n");
    QElapsedTimer clock;
    clock.start();
    const Finished result
        = run({QStringLiteral("run"), QStringLiteral("-j2"), QStringLiteral("--deadline"),
               QStringLiteral("500ms"), QStringLiteral("--summary-json"), QStringLiteral("s.json"),
               QStringLiteral("jobs.txt")});
    QCOMPARE(result.exitCode, 1);
    QVERIFY(clock.elapsed() < 10000);
    QVERIFY2(result.err.contains("--deadline reached"), result.err.constData());
    const QJsonObject summary = readJson(QStringLiteral("s.json"));
    QCOMPARE(summary.value(QLatin1String("succeeded")).toInt(), 1);
    QCOMPARE(summary.value(QLatin1String("cancelled")).toInt(), 2);
}

void TestCli::fileSettingsWin()
{
    write(QStringLiteral("jobs.json"),
          "{\"defaults\": {\"max_attempts\": 2},\n"
          " \"jobs\": [{\"command\": \"echo a >> marker; exit 1\"},\n"
          "          {\"command\": \"echo b >> marker; exit 1\", \"max_attempts\": 1},\n"
          "          {\"command\": \"echo c >> marker; exit 3\", \"no_retry_exit\": [4]}]}\n");
    // The file sets max_attempts for every job, so --max-attempts changes nothing;
    // --no-retry-exit applies only where the file is silent.
    const Finished result
        = run({QStringLiteral("run"), QStringLiteral("-j1"), QStringLiteral("--max-attempts"),
               QStringLiteral("4"), QStringLiteral("--no-retry-exit"), QStringLiteral("1"),
               QStringLiteral("jobs.json")});
    QCOMPARE(result.exitCode, 1);
    const QStringList marker = readLines(QStringLiteral("marker"));
    QCOMPARE(marker.count(QStringLiteral("a")), 1); // exit 1 is permanent by the option
    QCOMPARE(marker.count(QStringLiteral("b")), 1);
    QCOMPARE(marker.count(QStringLiteral("c")), 2); // the file's no_retry_exit wins
}

void TestCli::joblogFormat()
{
    write(QStringLiteral("jobs.txt"),
          "echo one\ntest $REQUEUE_ATTEMPT -ge 2 && echo two\nexit 7\nkill -USR1 $$\n");
    const Finished result
        = run({QStringLiteral("run"), QStringLiteral("-j1"), QStringLiteral("--max-attempts"),
               QStringLiteral("2"), QStringLiteral("--joblog"), QStringLiteral("log"),
               QStringLiteral("jobs.txt")});
    QCOMPARE(result.exitCode, 1);
    const QList<JoblogLine> log = readJoblog(QStringLiteral("log"));
    QCOMPARE(log.size(), 7);
    // The runner queues a retry behind the jobs already waiting: sort by seq,
    // keeping each job's attempts in order.
    QMap<int, QList<JoblogLine>> bySeq;
    for (const JoblogLine &line : log) {
        bySeq[line.seq].append(line);
        QCOMPARE(line.host, QStringLiteral(":"));
        QCOMPARE(line.send, QStringLiteral("0"));
    }
    QCOMPARE(bySeq.keys(), (QList<int> {1, 2, 3, 4}));
    QCOMPARE(bySeq[1].size(), 1);
    QCOMPARE(bySeq[1][0].exitval, 0);
    QCOMPARE(bySeq[1][0].command, QStringLiteral("echo one"));
    // Receive is the attempt's stdout in bytes, as GNU parallel counts it.
    QCOMPARE(bySeq[1][0].receive, QStringLiteral("4"));
    QCOMPARE(bySeq[2][0].receive, QStringLiteral("0"));
    QCOMPARE(bySeq[2][1].receive, QStringLiteral("4"));
    QCOMPARE(bySeq[2].size(), 2);
    QCOMPARE(bySeq[2][0].exitval, 1);
    QCOMPARE(bySeq[2][1].exitval, 0);
    QCOMPARE(bySeq[2][1].command, QStringLiteral("test $REQUEUE_ATTEMPT -ge 2 && echo two"));
    QCOMPARE(bySeq[3].size(), 2);
    QCOMPARE(bySeq[3][1].exitval, 7);
    QCOMPARE(bySeq[3][1].signal, 0);
    QCOMPARE(bySeq[4].size(), 2);
    QCOMPARE(bySeq[4][0].signal, SIGUSR1);
    QCOMPARE(bySeq[4][0].exitval, 0);
    // Start times are seconds since the epoch and never go back for one job.
    const double now = double(QDateTime::currentMSecsSinceEpoch()) / 1000.0;
    QVERIFY(qAbs(log[0].starttime.toDouble() - now) < 60);
    QVERIFY(bySeq[2][1].starttime.toDouble() >= bySeq[2][0].starttime.toDouble());
}

void TestCli::results()
{
    write(QStringLiteral("jobs.txt"),
          "echo out$REQUEUE_ATTEMPT; echo err$REQUEUE_ATTEMPT >&2; "
          "test $REQUEUE_ATTEMPT -ge 2\necho second\n");
    const Finished result = run({QStringLiteral("run"), QStringLiteral("--results"),
                                 QStringLiteral("out/dir"), QStringLiteral("jobs.txt")});
    QCOMPARE(result.exitCode, 0);
    const auto contents = [this](const QString &name) {
        QFile file(path(name));
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray("(missing)");
    };
    QCOMPARE(contents(QStringLiteral("out/dir/1/1/stdout")), QByteArray("out1\n"));
    QCOMPARE(contents(QStringLiteral("out/dir/1/1/stderr")), QByteArray("err1\n"));
    QCOMPARE(contents(QStringLiteral("out/dir/1/2/stdout")), QByteArray("out2\n"));
    QCOMPARE(contents(QStringLiteral("out/dir/2/1/stdout")), QByteArray("second\n"));
    QVERIFY(!QFile::exists(path(QStringLiteral("out/dir/2/2"))));
    // Private: the results folder, each job's and attempt's, and the files.
    const auto mode = [this](const QString &name) {
        return QFile::permissions(path(name))
            & (QFile::ReadGroup | QFile::ReadOther | QFile::WriteGroup | QFile::WriteOther
               | QFile::ExeGroup | QFile::ExeOther);
    };
    for (const char *name : {"out/dir", "out/dir/1", "out/dir/1/1", "out/dir/1/1/stdout"})
        QVERIFY2(mode(QString::fromLatin1(name)) == 0, name);
    QVERIFY2(
        result.err.contains(QByteArray(
            "output in " + QFileInfo(path(QStringLiteral("out/dir"))).absoluteFilePath().toUtf8())),
        result.err.constData());
    QVERIFY(tmpIsEmpty());
}

// Without --results, output goes to the run directory, which is made in
// $XDG_STATE_HOME/requeue/runs.
void TestCli::defaultResultsDir()
{
    write(QStringLiteral("jobs.txt"), "echo hello\n");
    const Finished result = run({QStringLiteral("run"), QStringLiteral("--summary-json"),
                                 QStringLiteral("s.json"), QStringLiteral("jobs.txt")});
    QCOMPARE(result.exitCode, 0);
    const QStringList runs = recordedRuns();
    QCOMPARE(runs.size(), 1);
    const QString dir = runs.first();
    QVERIFY2(QRegularExpression(QStringLiteral("/\\d{8}-\\d{6}-jobs$")).match(dir).hasMatch(),
             qPrintable(dir));
    for (const QString &folder : {path(QStringLiteral("state/requeue")), dir})
        QCOMPARE(QFileInfo(folder).permissions()
                     & (QFile::ReadGroup | QFile::ReadOther | QFile::WriteOther),
                 QFile::Permissions());
    const QString out = dir + QStringLiteral("/out");
    QVERIFY2(result.err.contains(QString(QStringLiteral("output in ") + out).toUtf8()),
             result.err.constData());
    QCOMPARE(readJson(QStringLiteral("s.json")).value(QLatin1String("results_dir")).toString(),
             out);
    QFile stdoutFile(out + QStringLiteral("/1/1/stdout"));
    QVERIFY(stdoutFile.open(QIODevice::ReadOnly));
    QCOMPARE(stdoutFile.readAll(), QByteArray("hello\n"));
    for (const char *name : {"run.json", "events", "joblog"})
        QVERIFY2(QFile::exists(dir + QLatin1Char('/') + QLatin1String(name)), name);
    QVERIFY(tmpIsEmpty());
}

// --run-dir names the folder; one that holds a run already is refused.
void TestCli::runDirOption()
{
    write(QStringLiteral("jobs.txt"), "echo hello\nexit 4\n");
    const QStringList arguments = {QStringLiteral("run"), QStringLiteral("--run-dir"),
                                   QStringLiteral("my run"), QStringLiteral("jobs.txt")};
    const Finished result = run(arguments);
    QCOMPARE(result.exitCode, 1);
    const QString dir = path(QStringLiteral("my run"));
    QCOMPARE(QFileInfo(dir).permissions() & (QFile::ReadGroup | QFile::ReadOther),
             QFile::Permissions());
    const QList<JoblogLine> log = readJoblog(QStringLiteral("my run/joblog"));
    QCOMPARE(log.size(), 4); // 1 + 3 attempts
    const QStringList events = readLines(QStringLiteral("my run/events"));
    QVERIFY(events.first().startsWith(QStringLiteral("{\"ev\":\"run-started\"")));
    QVERIFY2(events.last().startsWith(QStringLiteral("{\"ev\":\"run-ended\",\"how\":\"finished\"")),
             qPrintable(events.last()));
    QVERIFY(recordedRuns().isEmpty());

    const Finished again = run(arguments);
    QCOMPARE(again.exitCode, 2);
    QVERIFY2(again.err.contains("already holds a run"), again.err.constData());
    QCOMPARE(readLines(QStringLiteral("my run/events")), events);
}

void TestCli::summaryJson()
{
    write(QStringLiteral("jobs.txt"),
          "#name: good\ntrue\ntest $REQUEUE_ATTEMPT -ge 2\nexit 4\nkill -TERM $$\n");
    const Finished result
        = run({QStringLiteral("run"), QStringLiteral("-j2"), QStringLiteral("--summary-json"),
               QStringLiteral("s.json"), QStringLiteral("--results"), QStringLiteral("out"),
               QStringLiteral("jobs.txt")});
    QCOMPARE(result.exitCode, 1);
    const QJsonObject root = readJson(QStringLiteral("s.json"));
    QCOMPARE(root.value(QLatin1String("jobs")).toInt(), 4);
    QCOMPARE(root.value(QLatin1String("succeeded")).toInt(), 2);
    QCOMPARE(root.value(QLatin1String("failed")).toInt(), 2);
    QCOMPARE(root.value(QLatin1String("cancelled")).toInt(), 0);
    QCOMPARE(root.value(QLatin1String("attempts")).toInt(), 1 + 2 + 3 + 3);
    QVERIFY(root.value(QLatin1String("wall_seconds")).isDouble());
    QVERIFY(root.value(QLatin1String("wall_seconds")).toDouble() > 0);
    QCOMPARE(root.value(QLatin1String("results_dir")).toString(),
             QFileInfo(path(QStringLiteral("out"))).absoluteFilePath());
    const QJsonArray perJob = root.value(QLatin1String("per_job")).toArray();
    QCOMPARE(perJob.size(), 4);
    const QStringList keys {QStringLiteral("attempts"), QStringLiteral("exit_code"),
                            QStringLiteral("finished"), QStringLiteral("first_start"),
                            QStringLiteral("name"),     QStringLiteral("seq"),
                            QStringLiteral("signal"),   QStringLiteral("state")};
    const double wall = root.value(QLatin1String("wall_seconds")).toDouble();
    for (int i = 0; i < perJob.size(); ++i) {
        const QJsonObject job = perJob.at(i).toObject();
        QCOMPARE(job.keys(), keys);
        QCOMPARE(job.value(QLatin1String("seq")).toInt(), i + 1);
        QVERIFY(job.value(QLatin1String("name")).isString());
        const double firstStart = job.value(QLatin1String("first_start")).toDouble(-1);
        const double finished = job.value(QLatin1String("finished")).toDouble(-1);
        QVERIFY(firstStart >= 0);
        QVERIFY(finished >= firstStart);
        QVERIFY(finished <= wall);
    }
    QCOMPARE(perJob.at(0).toObject().value(QLatin1String("name")).toString(),
             QStringLiteral("good"));
    QCOMPARE(perJob.at(1).toObject().value(QLatin1String("state")).toString(),
             QStringLiteral("succeeded"));
    QCOMPARE(perJob.at(1).toObject().value(QLatin1String("attempts")).toInt(), 2);
    QCOMPARE(perJob.at(2).toObject().value(QLatin1String("state")).toString(),
             QStringLiteral("failed"));
    QCOMPARE(perJob.at(2).toObject().value(QLatin1String("exit_code")).toInt(), 4);
    QCOMPARE(perJob.at(2).toObject().value(QLatin1String("signal")).toInt(), 0);
    QVERIFY(perJob.at(3).toObject().value(QLatin1String("exit_code")).isNull());
    QCOMPARE(perJob.at(3).toObject().value(QLatin1String("signal")).toInt(), SIGTERM);
}

void TestCli::gaveUpReport()
{
    write(QStringLiteral("jobs.txt"), "true\necho oops >&2; exit 9\nexit 5\n");
    const Finished result = run({QStringLiteral("run"), QStringLiteral("--results"),
                                 QStringLiteral("out"), QStringLiteral("jobs.txt")});
    QCOMPARE(result.exitCode, 1);
    const QString err = QString::fromUtf8(result.err);
    const QString stderrPath
        = QFileInfo(path(QStringLiteral("out"))).absoluteFilePath() + QStringLiteral("/2/3/stderr");
    QVERIFY2(err.contains(QStringLiteral("requeue: job 2 (")), qPrintable(err));
    QVERIFY2(
        err.contains(QStringLiteral("gave up after 3 attempts: exit 9; stderr: ") + stderrPath),
        qPrintable(err));
    QFile file(stderrPath);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), QByteArray("oops\n"));
    // A job that printed nothing has no stderr file to point at.
    QVERIFY2(err.contains(QStringLiteral("gave up after 3 attempts: exit 5; no stderr\n")),
             qPrintable(err));
    // The one-line summary comes last.
    QVERIFY2(err.trimmed()
                 .section(QLatin1Char('\n'), -1)
                 .startsWith(QStringLiteral("requeue: 3 jobs: 1 succeeded, 2 failed")),
             qPrintable(err));
}

void TestCli::resume_data()
{
    QTest::addColumn<QString>("option");
    QTest::addColumn<QStringList>("rerun");
    QTest::addColumn<int>("exitCode");
    // Job 3 gave up before the kill: --resume leaves it, --resume-failed reruns
    // it. Either way the exit status describes the whole list: job 3 failed.
    QTest::newRow("--resume") << QStringLiteral(
        "--resume") << QStringList {QStringLiteral("4"), QStringLiteral("5"), QStringLiteral("6")}
                              << 1;
    QTest::newRow("--resume-failed") << QStringLiteral("--resume-failed")
                                     << QStringList {QStringLiteral("3"), QStringLiteral("4"),
                                                     QStringLiteral("5"), QStringLiteral("6")}
                                     << 1;
}

// A run killed with SIGKILL while job 4 hangs: jobs 1-3 are in the joblog.
void TestCli::resume()
{
    QFETCH(QString, option);
    QFETCH(QStringList, rerun);
    QFETCH(int, exitCode);
    write(QStringLiteral("jobs.txt"),
          "echo 1 >> marker\n"
          "echo 2 >> marker\n"
          "echo 3 >> marker; exit 1\n"
          "echo 4 >> marker; if [ ! -e release ]; then echo $$ > pid; sleep 100; fi\n"
          "echo 5 >> marker\n"
          "echo 6 >> marker\n");
    const QStringList arguments {
        QStringLiteral("run"),     QStringLiteral("-j1"),      QStringLiteral("--max-attempts"),
        QStringLiteral("1"),       QStringLiteral("--joblog"), QStringLiteral("log"),
        QStringLiteral("jobs.txt")};
    auto first = start(arguments);
    const pid_t hanging = waitForPid(QStringLiteral("pid"));
    QVERIFY(hanging > 0);
    // Job 4 may start before job 3's line is written (observers come after
    // the next attempt): wait for it, then kill.
    QTRY_COMPARE_WITH_TIMEOUT(readJoblog(QStringLiteral("log")).size(), 3, 10000);
    ::kill(pid_t(first->processId()), SIGKILL);
    QVERIFY(first->waitForFinished(5000));
    ::kill(-hanging, SIGKILL); // the orphaned job
    QCOMPARE(readJoblog(QStringLiteral("log")).size(), 3);
    QCOMPARE(readLines(QStringLiteral("marker")),
             (QStringList {QStringLiteral("1"), QStringLiteral("2"), QStringLiteral("3"),
                           QStringLiteral("4")}));

    QFile::remove(path(QStringLiteral("marker")));
    write(QStringLiteral("release"), "");
    const Finished result = run(arguments + QStringList {option});
    QCOMPARE(result.exitCode, exitCode);
    QCOMPARE(readLines(QStringLiteral("marker")), rerun);
    // The joblog was appended to: the old lines, then one per new attempt.
    const QList<JoblogLine> log = readJoblog(QStringLiteral("log"));
    QCOMPARE(log.size(), 3 + rerun.size());
    QList<int> seqs;
    for (const JoblogLine &line : log)
        seqs.append(line.seq);
    QList<int> expected {1, 2, 3};
    for (const QString &seq : rerun)
        expected.append(seq.toInt());
    QCOMPARE(seqs, expected);
    QVERIFY2(result.err.contains(QByteArray(QByteArray::number(6 - rerun.size()) + " skipped")),
             result.err.constData());

    // Everything done: a second resume runs nothing, and still says job 3
    // failed.
    QFile::remove(path(QStringLiteral("marker")));
    if (option == QLatin1String("--resume")) {
        const Finished again = run(arguments + QStringList {option});
        QCOMPARE(again.exitCode, 1);
        QVERIFY2(again.err.contains("6 skipped (1 of them failed before)"), again.err.constData());
        QVERIFY(!QFile::exists(path(QStringLiteral("marker"))));
    }
}

// A job that could not start fails at once, live; --resume agrees (one retry
// decision) instead of running it again.
void TestCli::resumeSkipsWhatCouldNotStart()
{
    write(QStringLiteral("jobs.json"),
          R"([{"argv": ["/no/such/program"]}, {"command": "echo ran >> marker"}])");
    const QStringList arguments {QStringLiteral("run"), QStringLiteral("--joblog"),
                                 QStringLiteral("log"), QStringLiteral("jobs.json")};
    QCOMPARE(run(arguments).exitCode, 1);
    const QList<JoblogLine> log = readJoblog(QStringLiteral("log"));
    QCOMPARE(log.size(), 2); // not retried
    QFile::remove(path(QStringLiteral("marker")));
    const Finished resumed = run(arguments + QStringList {QStringLiteral("--resume")});
    QCOMPARE(resumed.exitCode, 1);
    QCOMPARE(readJoblog(QStringLiteral("log")).size(), 2);
    QVERIFY2(resumed.err.contains("2 skipped (1 of them failed before)"), resumed.err.constData());
}

void TestCli::resumeMismatch()
{
    write(QStringLiteral("jobs.txt"), "echo 1 >> marker\necho 2 >> marker\n");
    const QStringList arguments {QStringLiteral("run"), QStringLiteral("--joblog"),
                                 QStringLiteral("log"), QStringLiteral("jobs.txt")};
    QCOMPARE(run(arguments).exitCode, 0);
    QFile::remove(path(QStringLiteral("marker")));
    write(QStringLiteral("jobs.txt"),
          "echo 1 >> marker\necho changed >> marker\necho 3 >> marker\n");
    const Finished result = run(arguments + QStringList {QStringLiteral("--resume")});
    QCOMPARE(result.exitCode, 2);
    QVERIFY2(result.err.contains("echo changed >> marker"), result.err.constData());
    QVERIFY(!QFile::exists(path(QStringLiteral("marker"))));
    QCOMPARE(readJoblog(QStringLiteral("log")).size(), 2);
}

// Both directions against the real GNU parallel (20221122 on Debian 12):
// its joblog resumes in Requeue, and Requeue's resumes in `parallel --resume`.
// The commands have backslashes, a tab, quotes and UTF-8.
void TestCli::gnuParallelJoblogRoundTrip()
{
    const QString parallel = QStandardPaths::findExecutable(QStringLiteral("parallel"));
    if (parallel.isEmpty()) {
        if (qEnvironmentVariableIsSet("CI"))
            QFAIL("GNU parallel is missing: requeue.sh installs it");
        QSKIP("needs GNU parallel (requeue.sh installs it)");
    }
    const QByteArray firstFour = "printf '%s\\n' 'a\\tb\\\\c' \\\\\n"
                                 "printf 'x\ty\\n'\n"
                                 "echo \"double \\\"quoted\\\"\" 'single'\n"
                                 "echo caf\xc3\xa9 \xe2\x9c\x93 \xe6\x9d\xb1\xe4\xba\xac\n";
    write(QStringLiteral("first.txt"), firstFour);
    write(QStringLiteral("jobs.txt"), firstFour + "exit 3\necho six\n");
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("HOME"), m_dir->path()); // parallel's ~/.parallel goes away too
    const auto runParallel = [&](const QStringList &arguments, const QString &input) {
        QProcess process;
        process.setProcessEnvironment(env);
        process.setWorkingDirectory(m_dir->path());
        process.setStandardInputFile(path(input));
        process.start(parallel,
                      QStringList {QStringLiteral("--will-cite"), QStringLiteral("-j1")}
                          + arguments);
        Finished result;
        if (!process.waitForFinished(RunTimeoutMs))
            process.kill();
        process.waitForFinished();
        result.exitCode = process.exitCode();
        result.out = process.readAllStandardOutput();
        result.err = process.readAllStandardError();
        return result;
    };

    // GNU parallel -> Requeue.
    const Finished gnu = runParallel({QStringLiteral("--joblog"), QStringLiteral("gnu.log")},
                                     QStringLiteral("first.txt"));
    QVERIFY2(gnu.exitCode == 0, gnu.err.constData());
    const QList<JoblogLine> gnuLines = readJoblog(QStringLiteral("gnu.log"));
    QCOMPARE(gnuLines.size(), 4);
    const QStringList resume {QStringLiteral("run"),       QStringLiteral("-j1"),
                              QStringLiteral("--retries"), QStringLiteral("1"),
                              QStringLiteral("--joblog"),  QStringLiteral("gnu.log"),
                              QStringLiteral("--resume"),  QStringLiteral("jobs.txt")};
    const Finished resumed = run(resume, env);
    QVERIFY2(resumed.exitCode == 1, resumed.err.constData()); // job 5 exits 3
    QVERIFY2(resumed.err.contains("4 skipped"), resumed.err.constData());
    QList<JoblogLine> both = readJoblog(QStringLiteral("gnu.log"));
    QCOMPARE(both.size(), 6);
    QCOMPARE(both[4].seq, 5);
    QCOMPARE(both[4].exitval, 3);
    QCOMPARE(both[5].seq, 6);
    QCOMPARE(both[5].receive, QStringLiteral("4"));

    // Requeue -> GNU parallel: same lines as GNU parallel's own, field for
    // field but the times.
    QCOMPARE(run({QStringLiteral("run"), QStringLiteral("-j1"), QStringLiteral("--joblog"),
                  QStringLiteral("requeue.log"), QStringLiteral("first.txt")},
                 env)
                 .exitCode,
             0);
    QList<JoblogLine> ours = readJoblog(QStringLiteral("requeue.log"));
    QCOMPARE(ours.size(), 4);
    std::sort(ours.begin(), ours.end(),
              [](const JoblogLine &a, const JoblogLine &b) { return a.seq < b.seq; });
    for (int i = 0; i < 4; ++i) {
        QCOMPARE(ours[i].seq, gnuLines[i].seq);
        QCOMPARE(ours[i].host, gnuLines[i].host);
        QCOMPARE(ours[i].send, gnuLines[i].send);
        QCOMPARE(ours[i].receive, gnuLines[i].receive);
        QCOMPARE(ours[i].exitval, gnuLines[i].exitval);
        QCOMPARE(ours[i].signal, gnuLines[i].signal);
        QCOMPARE(ours[i].command, gnuLines[i].command);
    }
    const Finished gnuResumed = runParallel(
        {QStringLiteral("--resume"), QStringLiteral("--joblog"), QStringLiteral("requeue.log")},
        QStringLiteral("jobs.txt"));
    QCOMPARE(gnuResumed.exitCode, 1); // one job failed
    QCOMPARE(gnuResumed.out, QByteArray("six\n"));
    QVERIFY2(gnuResumed.err.isEmpty(), gnuResumed.err.constData());
    const QList<JoblogLine> appended = readJoblog(QStringLiteral("requeue.log"));
    QCOMPARE(appended.size(), 6);
    QCOMPARE(appended[4].seq + appended[5].seq, 11);
}

void TestCli::joblogEdgeCases()
{
    write(QStringLiteral("jobs.txt"), "echo ran >> marker\n");
    // Not a joblog: refused, left alone, nothing run.
    write(QStringLiteral("notes"), "my notes\n");
    const Finished refused = run({QStringLiteral("run"), QStringLiteral("--joblog"),
                                  QStringLiteral("notes"), QStringLiteral("jobs.txt")});
    QCOMPARE(refused.exitCode, 2);
    QVERIFY2(refused.err.startsWith("requeue: --joblog: "), refused.err.constData());
    QCOMPARE(readLines(QStringLiteral("notes")), QStringList {QStringLiteral("my notes")});
    QVERIFY(!QFile::exists(path(QStringLiteral("marker"))));

    // --resume without a joblog yet runs everything and starts one.
    QCOMPARE(run({QStringLiteral("run"), QStringLiteral("--joblog"), QStringLiteral("log"),
                  QStringLiteral("--resume"), QStringLiteral("jobs.txt")})
                 .exitCode,
             0);
    QCOMPARE(readLines(QStringLiteral("marker")).size(), 1);
    QCOMPARE(readJoblog(QStringLiteral("log")).size(), 1);

    // A run without --resume starts the joblog afresh, as GNU parallel does.
    QCOMPARE(run({QStringLiteral("run"), QStringLiteral("--joblog"), QStringLiteral("log"),
                  QStringLiteral("jobs.txt")})
                 .exitCode,
             0);
    QCOMPARE(readLines(QStringLiteral("marker")).size(), 2);
    QCOMPARE(readJoblog(QStringLiteral("log")).size(), 1);
}

void TestCli::interrupt_data()
{
    QTest::addColumn<int>("signal");
    QTest::addColumn<int>("status");
    QTest::newRow("SIGINT") << int(SIGINT) << 130;
    QTest::newRow("SIGTERM") << int(SIGTERM) << 130;
    // The terminal closed (tmux kill-session): graceful too, not a silent death.
    QTest::newRow("SIGHUP") << int(SIGHUP) << 129;
}

void TestCli::interrupt()
{
    QFETCH(int, signal);
    QFETCH(int, status);
    // The second job leaves a grandchild in a session of its own (setsid),
    // out of reach of its process group.
    write(QStringLiteral("jobs.txt"),
          "echo $$ > pid1; sleep 100\n"
          "setsid sh -c 'echo $$ > gpid; exec sleep 100' & echo $$ > pid2; wait\n"
          "echo never >> marker\n");
    auto process = start({QStringLiteral("run"), QStringLiteral("-j2"), QStringLiteral("--joblog"),
                          QStringLiteral("log"), QStringLiteral("--summary-json"),
                          QStringLiteral("s.json"), QStringLiteral("jobs.txt")});
    const pid_t first = waitForPid(QStringLiteral("pid1"));
    const pid_t second = waitForPid(QStringLiteral("pid2"));
    const pid_t grandchild = waitForPid(QStringLiteral("gpid"));
    QVERIFY(first > 0 && second > 0 && grandchild > 0);
    ::kill(pid_t(process->processId()), signal);
    const Finished result = finish(process.get(), 10000);
    QCOMPARE(result.exitCode, status);
    QVERIFY2(result.err.contains("requeue: 3 jobs:"), result.err.constData());
    QVERIFY(!isRunning(first));
    QVERIFY(!isRunning(second));
    QVERIFY(!isRunning(grandchild));
    QVERIFY(liveGroupMembers(first).isEmpty()); // nothing left in their groups either
    QVERIFY(liveGroupMembers(second).isEmpty());
    QVERIFY(!QFile::exists(path(QStringLiteral("marker"))));
    // The joblog has both cancelled attempts; the summary was written.
    const QList<JoblogLine> log = readJoblog(QStringLiteral("log"));
    QCOMPARE(log.size(), 2);
    for (const JoblogLine &line : log)
        QVERIFY(line.signal == SIGTERM || line.exitval != 0);
    const QJsonObject summary = readJson(QStringLiteral("s.json"));
    QCOMPARE(summary.value(QLatin1String("cancelled")).toInt(), 3);
    const QJsonObject never = summary.value(QLatin1String("per_job")).toArray().at(2).toObject();
    QVERIFY(never.value(QLatin1String("first_start")).isNull());
    QCOMPARE(never.value(QLatin1String("attempts")).toInt(), 0);
}

// A job that ignores SIGTERM outlives the grace period; a second Ctrl-C kills it.
void TestCli::secondInterruptKills()
{
    write(QStringLiteral("jobs.txt"), "trap '' TERM; echo $$ > pid; sleep 100\n");
    auto process = start({QStringLiteral("run"), QStringLiteral("--joblog"), QStringLiteral("log"),
                          QStringLiteral("jobs.txt")});
    const pid_t job = waitForPid(QStringLiteral("pid"));
    QVERIFY(job > 0);
    const pid_t requeue = pid_t(process->processId());
    ::kill(requeue, SIGINT);
    QByteArray err;
    QTRY_VERIFY_WITH_TIMEOUT((err += process->readAllStandardError()).contains("cancelling"), 5000);
    QVERIFY(isRunning(job)); // it ignores TERM
    QElapsedTimer clock;
    clock.start();
    ::kill(requeue, SIGINT);
    const Finished result = finish(process.get(), 10000);
    QCOMPARE(result.exitCode, 130);
    // Well within the runner's two-second grace period.
    QVERIFY2(clock.elapsed() < 1500, qPrintable(QString::number(clock.elapsed())));
    QVERIFY(!isRunning(job));
    QVERIFY(liveGroupMembers(job).isEmpty());
    const QList<JoblogLine> log = readJoblog(QStringLiteral("log"));
    QCOMPARE(log.size(), 1);
    QCOMPARE(log[0].signal, SIGKILL);
}

void TestCli::noDisplayRunsNothing()
{
    // Someone looking at a list over SSH must not get it run.
    write(QStringLiteral("jobs.txt"), "echo ran >> marker\n");
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("DISPLAY"));
    env.remove(QStringLiteral("WAYLAND_DISPLAY"));
    env.remove(QStringLiteral("QT_QPA_PLATFORM"));
    const Finished result = run({QStringLiteral("jobs.txt")}, env);
    QCOMPARE(result.exitCode, 2);
    QVERIFY2(result.err.contains("no display"), result.err.constData());
    QVERIFY2(result.err.contains("requeue run jobs.txt"), result.err.constData());
    QVERIFY(!QFile::exists(path(QStringLiteral("marker"))));

    const Finished nothing = run({}, env);
    QCOMPARE(nothing.exitCode, 2);
    QVERIFY2(nothing.err.contains("no display"), nothing.err.constData());

    // A DISPLAY with no server behind it: the same clear exit, not Qt's abort.
    env.insert(QStringLiteral("DISPLAY"), QStringLiteral(":4173"));
    const Finished stale = run({QStringLiteral("jobs.txt")}, env);
    QCOMPARE(stale.exitCode, 2);
    QVERIFY2(stale.err.contains("DISPLAY=:4173"), stale.err.constData());
    QVERIFY2(stale.err.contains("requeue run jobs.txt"), stale.err.constData());
    QVERIFY(!QFile::exists(path(QStringLiteral("marker"))));
}

// On a terminal stderr shows a progress bar; `script` provides the terminal.
void TestCli::progressOnTerminal()
{
    const QString script = QStandardPaths::findExecutable(QStringLiteral("script"));
    if (script.isEmpty())
        QSKIP("needs script(1) for a pseudo-terminal");
    write(QStringLiteral("jobs.txt"), "sleep 0.3\ntest $REQUEUE_ATTEMPT -ge 2\n");
    const auto shellQuote = [](QString s) {
        s.replace(QLatin1Char('\''), QLatin1String("'\\''"));
        return QString(QLatin1Char('\'') + s + QLatin1Char('\''));
    };
    const QString command = shellQuote(m_binary) + QStringLiteral(" run jobs.txt");
    QProcess process;
    process.setWorkingDirectory(m_dir->path());
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("TMPDIR"), path(QStringLiteral("tmp")));
    env.insert(QStringLiteral("XDG_STATE_HOME"), path(QStringLiteral("state")));
    process.setProcessEnvironment(env);
    process.start(script, {QStringLiteral("-qec"), command, QStringLiteral("/dev/null")});
    QVERIFY(process.waitForFinished(RunTimeoutMs));
    QCOMPARE(process.exitCode(), 0);
    const QByteArray output = process.readAllStandardOutput();
    QVERIFY2(output.contains("\r[") && output.contains("/2  ") && output.contains("1 retries"),
             output.constData());
    QVERIFY2(output.contains("requeue: 2 jobs: 2 succeeded"), output.constData());

    // --quiet: no bar, the summary line only.
    process.start(script,
                  {QStringLiteral("-qec"), command + QStringLiteral(" --quiet"),
                   QStringLiteral("/dev/null")});
    QVERIFY(process.waitForFinished(RunTimeoutMs));
    const QByteArray quiet = process.readAllStandardOutput();
    QVERIFY2(!quiet.contains("\r[") && quiet.contains("requeue: 2 jobs"), quiet.constData());
}

void TestCli::outputModes_data()
{
    QTest::addColumn<QStringList>("options");
    QTest::addColumn<QByteArray>("out");
    QTest::addColumn<QByteArray>("err");
    // With one worker the order of jobs is the file's. Group prints the bytes
    // as they are, as GNU parallel's --group does; tag ends the last line.
    QTest::newRow("default: group")
        << QStringList {} << QByteArray("one\na\nbthree\n") << QByteArray("oops\n");
    QTest::newRow("group") << QStringList {QStringLiteral("--output"), QStringLiteral("group")}
                           << QByteArray("one\na\nbthree\n") << QByteArray("oops\n");
    QTest::newRow("tag") << QStringList {QStringLiteral("--output"), QStringLiteral("tag")}
                         << QByteArray("1\tone\ntwo\ta\ntwo\tb\n4\tthree\n")
                         << QByteArray("1\toops\n");
    QTest::newRow("none") << QStringList {QStringLiteral("--output"), QStringLiteral("none")}
                          << QByteArray() << QByteArray();
}

void TestCli::outputModes()
{
    QFETCH(QStringList, options);
    QFETCH(QByteArray, out);
    QFETCH(QByteArray, err);
    // Job 2's second line has no line break: tag ends it.
    write(QStringLiteral("jobs.txt"),
          "echo one; echo oops >&2\n#name: two\nprintf 'a\\nb'\necho three\n");
    const Finished result = run(QStringList {QStringLiteral("run"), QStringLiteral("-j1")} + options
                                + QStringList {QStringLiteral("jobs.txt")});
    QCOMPARE(result.exitCode, 0);
    QCOMPARE(result.out, out);
    // The jobs' stderr comes before requeue's own lines.
    QVERIFY2(result.err.startsWith(err), result.err.constData());
    QVERIFY2(result.err.mid(err.size()).startsWith("requeue: 3 jobs"), result.err.constData());
}

void TestCli::jobListFromStdin()
{
    write(QStringLiteral("jobs.txt"), "echo from stdin\nexit 3\n");
    auto process = std::make_unique<QProcess>();
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("TMPDIR"), path(QStringLiteral("tmp")));
    process->setProcessEnvironment(environment);
    process->setWorkingDirectory(m_dir->path());
    process->setStandardInputFile(path(QStringLiteral("jobs.txt")));
    process->start(m_binary,
                   {QStringLiteral("run"), QStringLiteral("-j1"), QStringLiteral("--retries"),
                    QStringLiteral("1"), QStringLiteral("-")});
    const Finished result = finish(process.get());
    QCOMPARE(result.exitCode, 1);
    QCOMPARE(result.out, QByteArray("from stdin\n"));
    QVERIFY2(result.err.contains("requeue: 2 jobs: 1 succeeded, 1 failed"), result.err.constData());

    // Errors name the standard input.
    write(QStringLiteral("bad.txt"), "echo \xff\n");
    process = std::make_unique<QProcess>();
    process->setProcessEnvironment(environment);
    process->setStandardInputFile(path(QStringLiteral("bad.txt")));
    process->start(m_binary, {QStringLiteral("run"), QStringLiteral("-")});
    const Finished bad = finish(process.get());
    QCOMPARE(bad.exitCode, 2);
    QVERIFY2(bad.err.startsWith("<stdin>:1:"), bad.err.constData());
}

// --halt now,fail=1: the first failure cancels what runs and what waits. The
// worker that saw the failure has already taken the next job (retries and
// dispatch never wait for an observer): it is cancelled while it runs.
void TestCli::haltNow()
{
    write(QStringLiteral("jobs.txt"),
          "exit 1\nsleep 100\necho never >> marker\necho never >> marker\n");
    auto process = start({QStringLiteral("run"), QStringLiteral("-j1"), QStringLiteral("--retries"),
                          QStringLiteral("1"), QStringLiteral("--halt"),
                          QStringLiteral("now,fail=1"), QStringLiteral("jobs.txt")});
    const Finished result = finish(process.get());
    QCOMPARE(result.exitCode, 1);
    QVERIFY2(result.err.contains("requeue: --halt: 1 failed: cancelling the rest"),
             result.err.constData());
    QVERIFY2(result.err.contains("1 failed, 3 cancelled"), result.err.constData());
    QVERIFY(!QFile::exists(path(QStringLiteral("marker"))));
}

// --halt soon,fail=1: nothing new starts; the running job may finish.
void TestCli::haltSoon()
{
    write(QStringLiteral("jobs.txt"),
          "exit 1\n"
          "while [ ! -e go ]; do sleep 0.05; done; echo finished\n"
          "echo never >> marker\n");
    auto process = start({QStringLiteral("run"), QStringLiteral("-j1"), QStringLiteral("--retries"),
                          QStringLiteral("1"), QStringLiteral("--halt"),
                          QStringLiteral("soon,fail=1"), QStringLiteral("jobs.txt")});
    QByteArray err;
    QTRY_VERIFY_WITH_TIMEOUT((err += process->readAllStandardError()).contains("starting no more"),
                             10000);
    write(QStringLiteral("go"), "");
    const Finished result = finish(process.get());
    QCOMPARE(result.exitCode, 1);
    QCOMPARE(result.out, QByteArray("finished\n"));
    err += result.err;
    QVERIFY2(err.contains("3 jobs: 1 succeeded, 1 failed, 1 cancelled"), err.constData());
    QVERIFY(!QFile::exists(path(QStringLiteral("marker"))));
}

// fail=P%: a share of the jobs; one failure in four is not half.
void TestCli::haltShare()
{
    write(QStringLiteral("jobs.txt"), "exit 1\ntrue\ntrue\ntrue\n");
    const QStringList arguments {QStringLiteral("run"), QStringLiteral("-j1"),
                                 QStringLiteral("--retries"), QStringLiteral("1"),
                                 QStringLiteral("--halt")};
    const Finished half = run(
        arguments + QStringList {QStringLiteral("soon,fail=50%"), QStringLiteral("jobs.txt")});
    QCOMPARE(half.exitCode, 1);
    QVERIFY2(half.err.contains("4 jobs: 3 succeeded, 1 failed;"), half.err.constData());
    QVERIFY(!half.err.contains("--halt"));
    write(QStringLiteral("jobs.txt"), "exit 1\nexit 1\ntrue\ntrue\n");
    const Finished reached
        = run(arguments + QStringList {QStringLiteral("now,fail=50%"), QStringLiteral("jobs.txt")});
    QCOMPARE(reached.exitCode, 1);
    QVERIFY2(reached.err.contains("requeue: --halt: 2 failed"), reached.err.constData());
}

// Hundreds of jobs give up at once: a handful of lines a second, then one line
// for the rest; the bar is redrawn right after every line.
void TestCli::progressSurvivesManyFailures()
{
    const QString script = QStandardPaths::findExecutable(QStringLiteral("script"));
    if (script.isEmpty())
        QSKIP("needs script(1) for a pseudo-terminal");
    constexpr int jobs = 200;
    QByteArray list;
    for (int i = 0; i < jobs; ++i)
        list += "echo broken >&2; exit 1\n";
    write(QStringLiteral("jobs.txt"), list);
    const QString command
        = m_binary + QStringLiteral(" run -j4 --retries 1 --joblog log jobs.txt 2>&1");
    QProcess process;
    process.setWorkingDirectory(m_dir->path());
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("TMPDIR"), path(QStringLiteral("tmp")));
    env.insert(QStringLiteral("XDG_STATE_HOME"), path(QStringLiteral("state")));
    process.setProcessEnvironment(env);
    process.start(script, {QStringLiteral("-qec"), command, QStringLiteral("/dev/null")});
    QVERIFY(process.waitForFinished(RunTimeoutMs * 2));
    QCOMPARE(process.exitCode(), 1);
    const QByteArray output = process.readAllStandardOutput();
    QCOMPARE(readJoblog(QStringLiteral("log")).size(), jobs);

    const int ownLines = int(output.count("gave up after 1 attempt: exit 1"));
    int summarized = 0;
    static const QRegularExpression more(
        QStringLiteral("requeue: and (\\d+) more gave up; see the joblog log"));
    for (auto it = more.globalMatch(QString::fromUtf8(output)); it.hasNext();)
        summarized += it.next().captured(1).toInt();
    QVERIFY2(summarized > 0, output.constData());
    QCOMPARE(ownLines + summarized, jobs);
    QVERIFY2(ownLines < jobs / 2, qPrintable(QString::number(ownLines)));

    // While the bar is up (until the final clear before the summary), a line
    // is followed by the bar at once, never by another line. The terminal
    // turns "\n" into "\r\n".
    const qsizetype end = output.lastIndexOf("\r\x1b[K");
    QVERIFY(end > 0);
    const QByteArray running = output.left(end);
    for (qsizetype at = running.indexOf("\r\n"); at >= 0; at = running.indexOf("\r\n", at + 1)) {
        const QByteArray next = running.mid(at + 2, 2);
        if (next.startsWith("  ")) // the stderr lines of a gave-up line
            continue;
        QVERIFY2(next == "\r[" || at + 2 == running.size(),
                 qPrintable(QString::fromUtf8(running.mid(qMax<qsizetype>(0, at - 80), 160))));
    }
}

// SIGKILL halfway: `show` says what ran, `resume` runs exactly the jobs that
// did not succeed, their attempt numbers going on, in the same directory.
// `requeue ctl` from another process: pause, cancel, workers and resume
// take effect in the run, and its journal and joblog record them.
void TestCli::controlSteersALiveRun()
{
    write(QStringLiteral("jobs.txt"), "sleep 60\nsleep 60\nsleep 60\necho four\n");
    auto process
        = start({QStringLiteral("run"), QStringLiteral("-j"), QStringLiteral("1"),
                 QStringLiteral("--joblog"), QStringLiteral("log"), QStringLiteral("--run-dir"),
                 QStringLiteral("run"), QStringLiteral("jobs.txt")});
    const QString runDir = path(QStringLiteral("run"));
    QTRY_VERIFY_WITH_TIMEOUT(QFileInfo::exists(path(QStringLiteral("run/control"))), 10000);
    const auto ctl = [&](const QStringList &words) {
        return run(QStringList {QStringLiteral("ctl"), runDir} + words);
    };
    const auto status = [&] {
        return ctl({QStringLiteral("status")}).out.trimmed();
    };
    QCOMPARE(status(), QByteArray("4 jobs: 4 active, 0 finished"));

    QCOMPARE(ctl({QStringLiteral("pause")}).exitCode, 0);
    const Finished cancelled = ctl({QStringLiteral("cancel"), QStringLiteral("1")});
    QCOMPARE(cancelled.exitCode, 0);
    QVERIFY2(cancelled.out.contains("1 of 1 jobs cancelled"), cancelled.out.constData());
    // Paused: job 1 ends, and nothing takes its worker.
    QTRY_COMPARE_WITH_TIMEOUT(status(), QByteArray("4 jobs: 3 active, 1 finished, paused"), 10000);
    QVERIFY(!readLines(QStringLiteral("run/events")).filter(QStringLiteral("\"seq\":2,")).size());

    QCOMPARE(ctl({QStringLiteral("workers"), QStringLiteral("3")}).exitCode, 0);
    QCOMPARE(ctl({QStringLiteral("resume")}).exitCode, 0);
    QTRY_VERIFY_WITH_TIMEOUT(readLines(QStringLiteral("run/events"))
                                     .filter(QStringLiteral("\"seq\":4,\"state\":\"succeeded\""))
                                     .size()
                                 == 1,
                             10000);
    QCOMPARE(ctl({QStringLiteral("cancel-all")}).exitCode, 0);
    QVERIFY(process->waitForFinished(RunTimeoutMs));
    QCOMPARE(process->exitCode(), 1); // three jobs cancelled

    const QStringList actions
        = readLines(QStringLiteral("run/events")).filter(QStringLiteral("\"ev\":\"action\""));
    QCOMPARE(actions.size(), 5);
    QVERIFY(actions.at(0).contains(QStringLiteral("\"action\":\"pause\"")));
    QVERIFY(actions.at(1).contains(QStringLiteral("\"action\":\"cancel\"")));
    QVERIFY(actions.at(1).contains(QStringLiteral("\"seqs\":[1]")));
    QVERIFY(actions.at(2).contains(QStringLiteral("\"n\":3")));
    QVERIFY(actions.at(3).contains(QStringLiteral("\"action\":\"resume\"")));
    QVERIFY(actions.at(4).contains(QStringLiteral("\"action\":\"cancel-all\"")));
    QCOMPARE(readLines(QStringLiteral("log")).size(), 1 + 4); // header, one attempt each
    // The socket goes with the run.
    QVERIFY(!QFileInfo::exists(path(QStringLiteral("run/control"))));
    const Finished gone = ctl({QStringLiteral("status")});
    QCOMPARE(gone.exitCode, 1);
    QVERIFY2(gone.err.contains("is not running"), gone.err.constData());
}

// Malformed requests, unknown jobs and another user get an error and change
// nothing in the run.
void TestCli::controlRefusesBadRequests()
{
    write(QStringLiteral("jobs.txt"), "sleep 60\nsleep 60\n");
    auto process
        = start({QStringLiteral("run"), QStringLiteral("-j"), QStringLiteral("1"),
                 QStringLiteral("--run-dir"), QStringLiteral("run"), QStringLiteral("jobs.txt")});
    const QString runDir = path(QStringLiteral("run"));
    const QString socketPath = path(QStringLiteral("run/control"));
    QTRY_VERIFY_WITH_TIMEOUT(QFileInfo::exists(socketPath), 10000);
    QCOMPARE(QFileInfo(socketPath).permissions()
                 & ~(QFile::ReadOwner | QFile::WriteOwner | QFile::ReadUser | QFile::WriteUser),
             QFile::Permissions());
    const auto ctl = [&](const QStringList &words) {
        return run(QStringList {QStringLiteral("ctl"), runDir} + words);
    };
    const QByteArray before = "2 jobs: 2 active, 0 finished";
    QCOMPARE(ctl({QStringLiteral("status")}).out.trimmed(), before);

    const Finished unknownJob
        = ctl({QStringLiteral("cancel"), QStringLiteral("1"), QStringLiteral("9")});
    QCOMPARE(unknownJob.exitCode, 1);
    QVERIFY2(unknownJob.err.contains("no job #9"), unknownJob.err.constData());
    const Finished badWord = ctl({QStringLiteral("workers"), QStringLiteral("many")});
    QCOMPARE(badWord.exitCode, 2);
    QVERIFY2(badWord.err.contains("\"many\" is not a number of workers"), badWord.err.constData());

    QLocalSocket raw;
    raw.connectToServer(socketPath);
    QVERIFY(raw.waitForConnected(5000));
    for (const QByteArray &line :
         {QByteArray("not json\n"), QByteArray("{\"command\":\"explode\"}\n"),
          QByteArray("{\"command\":\"cancel\",\"jobs\":[\"1\"]}\n"),
          QByteArray("{\"command\":\"workers\",\"n\":0}\n")}) {
        raw.write(line);
        while (!raw.canReadLine() && raw.waitForReadyRead(5000)) { }
        const QByteArray reply = raw.readLine();
        QVERIFY2(reply.contains("\"ok\":false"), QByteArray(line + reply).constData());
    }

    if (::geteuid() == 0 && !QStandardPaths::findExecutable(QStringLiteral("setpriv")).isEmpty()) {
        QProcess other;
        other.start(QStringLiteral("setpriv"),
                    {QStringLiteral("--reuid=nobody"), QStringLiteral("--regid=nogroup"),
                     QStringLiteral("--clear-groups"), m_binary, QStringLiteral("ctl"), runDir,
                     QStringLiteral("cancel-all")});
        QVERIFY(other.waitForFinished(RunTimeoutMs));
        QVERIFY2(other.exitCode() != 0, other.readAllStandardOutput().constData());
    }
    QCOMPARE(ctl({QStringLiteral("status")}).out.trimmed(), before);
    QVERIFY(readLines(QStringLiteral("run/events")).filter(QStringLiteral("\"action\"")).isEmpty());

    QCOMPARE(ctl({QStringLiteral("cancel-all")}).exitCode, 0);
    QVERIFY(process->waitForFinished(RunTimeoutMs));
}

void TestCli::killAndResume()
{
    write(QStringLiteral("jobs.txt"),
          "echo one\n"
          "echo two\n"
          "exit 3\n"
          "test -e proceed || { echo $$ > pid4; exec sleep 60; }\n"
          "echo five\n");
    auto process
        = start({QStringLiteral("run"), QStringLiteral("-j"), QStringLiteral("1"),
                 QStringLiteral("--max-attempts"), QStringLiteral("2"), QStringLiteral("--run-dir"),
                 QStringLiteral("run"), QStringLiteral("jobs.txt")});
    // One worker: jobs 1 to 3 are over once job 4 runs, and recorded once
    // job 3's end is in the journal (its lines come after job 4's start).
    QVERIFY(waitForPid(QStringLiteral("pid4")) > 0);
    QTRY_VERIFY_WITH_TIMEOUT(readLines(QStringLiteral("run/events"))
                                     .filter(QStringLiteral("\"seq\":3,\"state\":\"failed\""))
                                     .size()
                                 == 1,
                             10000);
    ::kill(pid_t(process->processId()), SIGKILL);
    QVERIFY(process->waitForFinished(RunTimeoutMs));

    const auto show = [this] {
        const Finished shown
            = run({QStringLiteral("show"), QStringLiteral("--json"), path(QStringLiteral("run"))});
        return QJsonDocument::fromJson(shown.out).object();
    };
    const auto perJob = [](const QJsonObject &summary, const char *key) {
        QStringList values;
        for (const QJsonValue job : summary.value(QLatin1String("per_job")).toArray())
            values.append(job.toObject().value(QLatin1String(key)).toVariant().toString());
        return values.join(QLatin1Char(' '));
    };
    const QJsonObject crashed = show();
    QCOMPARE(perJob(crashed, "state"), QStringLiteral("succeeded succeeded failed running queued"));
    QCOMPARE(perJob(crashed, "attempts"), QStringLiteral("1 1 2 1 0"));
    QCOMPARE(crashed.value(QLatin1String("attempts")).toInt(), 5);
    const Finished listed = run({QStringLiteral("runs"), QStringLiteral("--json")});
    QCOMPARE(QJsonDocument::fromJson(listed.out).array().size(),
             0); // --run-dir: not in the list
    const Finished text = run({QStringLiteral("show"), path(QStringLiteral("run"))});
    QVERIFY2(text.out.contains("state:    crashed"), text.out.constData());

    write(QStringLiteral("proceed"), "");
    const Finished resumed = run({QStringLiteral("resume"), QStringLiteral("--summary-json"),
                                  QStringLiteral("resumed.json"), path(QStringLiteral("run"))});
    QCOMPARE(resumed.exitCode, 1); // job 3 fails again
    QVERIFY2(resumed.err.contains("2 skipped"), resumed.err.constData());
    const QJsonObject thisRun = readJson(QStringLiteral("resumed.json"));
    QCOMPARE(perJob(thisRun, "seq"), QStringLiteral("3 4 5"));
    QCOMPARE(thisRun.value(QLatin1String("attempts")).toInt(), 4); // 3, 3, 4, 5

    const QJsonObject after = show();
    QCOMPARE(perJob(after, "state"),
             QStringLiteral("succeeded succeeded failed succeeded succeeded"));
    QCOMPARE(perJob(after, "attempts"), QStringLiteral("1 1 4 2 1"));
    // Numbering went on: no earlier attempt's folder was reused.
    QVERIFY(QFile::exists(path(QStringLiteral("run/out/1/1/stdout"))));
    QVERIFY(!QFile::exists(path(QStringLiteral("run/out/1/2"))));
    QCOMPARE(readLines(QStringLiteral("run/out/5/1/stdout")), QStringList {QStringLiteral("five")});
    // The joblog has every attempt that ended, and the journal the resume.
    // In the order written: a failure retried at once is written by the
    // retry's thread, possibly before the emitter has written the jobs that
    // ended just before it.
    QStringList seqs;
    for (const JoblogLine &line : readJoblog(QStringLiteral("run/joblog")))
        seqs.append(QString::number(line.seq));
    seqs.sort();
    QCOMPARE(seqs.join(QLatin1Char(' ')), QStringLiteral("1 2 3 3 3 3 4 5"));
    const QStringList events = readLines(QStringLiteral("run/events"));
    QCOMPARE(events.filter(QStringLiteral("\"ev\":\"run-started\"")).size(), 2);
    QCOMPARE(events.filter(QStringLiteral("\"resume\":true")).size(), 1);
    QVERIFY(events.last().startsWith(QStringLiteral("{\"ev\":\"run-ended\"")));

    // Nothing is left to run but the job that fails for good.
    const Finished again = run({QStringLiteral("resume"), path(QStringLiteral("run"))});
    QCOMPARE(again.exitCode, 1);
    QVERIFY2(again.err.contains("1 job: 0 succeeded, 1 failed, 4 skipped"), again.err.constData());
}

// The window records a text list's jobs without names: `show` names them by
// their number alone, without empty brackets.
void TestCli::showsUnnamedJobs()
{
    write(QStringLiteral("jobs.txt"), "exit 2\n");
    const QString dir = path(QStringLiteral("run"));
    QCOMPARE(run({QStringLiteral("run"), QStringLiteral("--max-attempts"), QStringLiteral("1"),
                  QStringLiteral("--run-dir"), dir, QStringLiteral("jobs.txt")})
                 .exitCode,
             1);
    QFile info(dir + QLatin1String("/run.json"));
    QVERIFY(info.open(QIODevice::ReadOnly));
    QJsonObject object = QJsonDocument::fromJson(info.readAll()).object();
    info.close();
    QJsonArray jobs = object.value(QLatin1String("jobs")).toArray();
    QJsonObject job = jobs[0].toObject();
    QVERIFY(job.contains(QLatin1String("name")));
    job.remove(QLatin1String("name"));
    jobs[0] = job;
    object.insert(QLatin1String("jobs"), jobs);
    QVERIFY(info.open(QIODevice::WriteOnly | QIODevice::Truncate));
    QVERIFY(info.write(QJsonDocument(object).toJson()) > 0);
    info.close();

    const Finished shown = run({QStringLiteral("show"), dir});
    QCOMPARE(shown.exitCode, 0);
    QVERIFY2(shown.out.contains("  job 1: failed after 1 attempt, last: exit 2\n"),
             shown.out.constData());
}

// `runs` lists the recorded runs newest first; `show` finds one by a prefix.
void TestCli::runsAndShow()
{
    // None yet: no table, and where it looked.
    const Finished none = run({QStringLiteral("runs")});
    QCOMPARE(none.exitCode, 0);
    QCOMPARE(none.out, QByteArray());
    QVERIFY2(none.err.contains("no runs yet in ") && none.err.contains("requeue/runs"),
             none.err.constData());

    write(QStringLiteral("first.txt"), "echo a\nexit 2\n");
    write(QStringLiteral("second.txt"), "echo b\n");
    QCOMPARE(run({QStringLiteral("run"), QStringLiteral("first.txt")}).exitCode, 1);
    QCOMPARE(run({QStringLiteral("run"), QStringLiteral("second.txt")}).exitCode, 0);
    const Finished listed = run({QStringLiteral("runs"), QStringLiteral("--json")});
    QCOMPARE(listed.exitCode, 0);
    const QJsonArray runs = QJsonDocument::fromJson(listed.out).array();
    QCOMPARE(runs.size(), 2);
    const QJsonObject newest = runs[0].toObject();
    QVERIFY(newest.value(QLatin1String("id")).toString().endsWith(QLatin1String("-second")));
    QCOMPARE(newest.value(QLatin1String("state")).toString(), QStringLiteral("finished"));
    const QJsonObject oldest = runs[1].toObject();
    QCOMPARE(oldest.value(QLatin1String("jobs")).toInt(), 2);
    QCOMPARE(oldest.value(QLatin1String("succeeded")).toInt(), 1);
    QCOMPARE(oldest.value(QLatin1String("failed")).toInt(), 1);
    QCOMPARE(oldest.value(QLatin1String("attempts")).toInt(), 4);
    QVERIFY(oldest.value(QLatin1String("size_bytes")).toInteger() > 0);

    const Finished table = run({QStringLiteral("runs")});
    QVERIFY2(table.out.startsWith("ID "), table.out.constData());
    QCOMPARE(table.out.count('\n'), 3);

    const QString id = oldest.value(QLatin1String("id")).toString();
    const Finished shown = run({QStringLiteral("show"), id.left(id.size() - 3)});
    QCOMPARE(shown.exitCode, 0);
    QVERIFY2(shown.out.contains("job 2 (2): failed after 3 attempts, last: exit 2"),
             shown.out.constData());
    const Finished missing = run({QStringLiteral("show"), QStringLiteral("1999")});
    QCOMPARE(missing.exitCode, 2);
    QVERIFY2(missing.err.contains("no run 1999"), missing.err.constData());
    const Finished ambiguous = run({QStringLiteral("show"), id.left(4)});
    QCOMPARE(ambiguous.exitCode, 2);
    QVERIFY2(ambiguous.err.contains("is the start of 2 runs"), ambiguous.err.constData());
}

// --prune keeps the newest runs, never a live one.
void TestCli::pruneRuns()
{
    write(QStringLiteral("quick.txt"), "echo hi\n");
    for (int i = 0; i < 3; ++i)
        QCOMPARE(run({QStringLiteral("run"), QStringLiteral("quick.txt")}).exitCode, 0);
    write(QStringLiteral("slow.txt"), "echo $$ > pid; exec sleep 60\n");
    auto live = start({QStringLiteral("run"), QStringLiteral("slow.txt")});
    QVERIFY(waitForPid(QStringLiteral("pid")) > 0);
    QStringList before = recordedRuns();
    QCOMPARE(before.size(), 4);

    const Finished pruned = run({QStringLiteral("runs"), QStringLiteral("--prune"),
                                 QStringLiteral("--keep"), QStringLiteral("1")});
    QCOMPARE(pruned.exitCode, 0);
    const QStringList after = recordedRuns();
    // The live run and the newest finished one stay, whichever is newer.
    QCOMPARE(after.size(), 2);
    QVERIFY(std::any_of(after.cbegin(), after.cend(),
                        [](const QString &dir) { return dir.endsWith(QLatin1String("-slow")); }));
    QVERIFY2(pruned.out.count("removed ") == 2, pruned.out.constData());

    live->kill();
    QVERIFY(live->waitForFinished(RunTimeoutMs));
    const Finished usage
        = run({QStringLiteral("runs"), QStringLiteral("--keep"), QStringLiteral("3")});
    QCOMPARE(usage.exitCode, 2);
    QVERIFY2(usage.err.contains("need --prune"), usage.err.constData());
}

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
