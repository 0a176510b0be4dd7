#include "joblogwriter.h"

#include "joblog.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <csignal>
#include <memory>
#include <sys/resource.h>
#include <thread>
#include <vector>

using namespace Qt::StringLiterals;

namespace requeue {

static const QByteArray header = joblogHeader() + '\n';

static AttemptRecord record(AttemptOutcome outcome, int exitCode = 0, int signal = 0)
{
    AttemptRecord rec;
    rec.startedUs = 1'712'345'678'000'000;
    rec.finishedUs = rec.startedUs + 250'000;
    rec.outcome = outcome;
    rec.exitCode = exitCode;
    rec.signal = signal;
    return rec;
}

static QByteArray contents(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray("<unreadable>");
}

static void setContents(const QString &path, const QByteArray &data)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(data) != data.size())
        qFatal("cannot write %s", qPrintable(path));
}

class tst_JoblogWriter : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void createsTheFileWithAHeader();
    void writesEachLineAtOnce();
    void appendsWithoutASecondHeader();
    void existingFiles_data();
    void existingFiles();
    void refusesAFileThatIsNotAJoblog();
    void openFailures_data();
    void openFailures();
    void writeWithoutOpen();
    void fileTooLarge();
    void concurrentWriters();
    void roundTrip();

private:
    QString path(const QString &name) const { return m_dir->filePath(name); }
    std::unique_ptr<QTemporaryDir> m_dir;
};

void tst_JoblogWriter::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void tst_JoblogWriter::createsTheFileWithAHeader()
{
    JoblogWriter writer;
    QVERIFY(!writer.isOpen());
    QVERIFY2(writer.open(path(u"run.log"_s)), qPrintable(writer.errorString()));
    QVERIFY(writer.isOpen());
    QCOMPARE(writer.path(), path(u"run.log"_s));
    QCOMPARE(contents(path(u"run.log"_s)), header);
    QVERIFY(writer.errorString().isEmpty());
}

void tst_JoblogWriter::writesEachLineAtOnce()
{
    JoblogWriter writer;
    QVERIFY(writer.open(path(u"run.log"_s)));
    QVERIFY(writer.writeAttempt(3, record(AttemptOutcome::ExitCode, 2), u"make\tall"_s));
    // Not buffered: the line is in the file before close(). The tab stays a
    // tab, as GNU parallel writes it.
    QCOMPARE(contents(path(u"run.log"_s)),
             header + "3\t:\t1712345678.000\t     0.250\t0\t0\t2\t0\tmake\tall\n");
    QVERIFY(writer.writeAttempt(3, record(AttemptOutcome::Succeeded), u"make\tall"_s));
    QCOMPARE(contents(path(u"run.log"_s)).count('\n'), 3);
}

void tst_JoblogWriter::appendsWithoutASecondHeader()
{
    {
        JoblogWriter writer;
        QVERIFY(writer.open(path(u"run.log"_s)));
        QVERIFY(writer.writeAttempt(1, record(AttemptOutcome::Succeeded), u"a"_s));
    }
    JoblogWriter writer;
    QVERIFY(writer.open(path(u"run.log"_s)));
    QVERIFY(writer.writeAttempt(2, record(AttemptOutcome::Succeeded), u"b"_s));
    writer.close();
    QVERIFY(!writer.isOpen());
    const Joblog log = readJoblog(path(u"run.log"_s));
    QVERIFY(log.ok());
    QVERIFY(log.warnings.isEmpty());
    QCOMPARE(log.jobs.keys(), (QList<int> {1, 2}));
    QCOMPARE(contents(path(u"run.log"_s)).count("Seq\t"), 1);
}

void tst_JoblogWriter::existingFiles_data()
{
    QTest::addColumn<QByteArray>("before");
    QTest::addColumn<QByteArray>("after"); // once opened and closed again

    const QByteArray line = "1\t:\t1.000\t     1.000\t0\t0\t0\t0\tx\n";
    QTest::newRow("empty") << QByteArray() << header;
    QTest::newRow("header only") << header << header;
    QTest::newRow("complete lines") << header + line << header + line;
    QTest::newRow("incomplete last line is cut off") << header + line + "2\t:\t17" << header + line;
    QTest::newRow("nul tail is cut off") << header + line + QByteArray(50, '\0') << header + line;
    QTest::newRow("incomplete header starts afresh") << "Seq\tHost\tSta"_ba << header;
    QTest::newRow("header without line break starts afresh") << joblogHeader() << header;
    QTest::newRow("crlf header") << joblogHeader() + "\r\n" + line
                                 << joblogHeader() + "\r\n" + line;
    QByteArray longTail = header + line + QByteArray(200 * 1024, 'y'); // past one read chunk
    QTest::newRow("long incomplete last line") << longTail << header + line;
}

void tst_JoblogWriter::existingFiles()
{
    QFETCH(QByteArray, before);
    QFETCH(QByteArray, after);
    const QString file = path(u"run.log"_s);
    setContents(file, before);
    JoblogWriter writer;
    QVERIFY2(writer.open(file), qPrintable(writer.errorString()));
    writer.close();
    QCOMPARE(contents(file), after);
}

void tst_JoblogWriter::refusesAFileThatIsNotAJoblog()
{
    const QString file = path(u"jobs.txt"_s);
    setContents(file, "echo a\necho b\n");
    JoblogWriter writer;
    QVERIFY(!writer.open(file));
    QVERIFY(!writer.isOpen());
    QCOMPARE(
        writer.errorString(),
        file + u": not a joblog (its first line is not the joblog header), so it was left alone"_s);
    QCOMPARE(contents(file), "echo a\necho b\n"_ba);
}

void tst_JoblogWriter::openFailures_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("error");

    QTest::newRow("missing directory")
        << u"/nonexistent/dir/run.log"_s
        << u"/nonexistent/dir/run.log: cannot open: No such file or directory"_s;
    QTest::newRow("a directory") << u"/tmp"_s << u"/tmp: cannot open: Is a directory"_s;
    QTest::newRow("full device") << u"/dev/full"_s
                                 << u"/dev/full: cannot write: No space left on device"_s;
}

void tst_JoblogWriter::openFailures()
{
    QFETCH(QString, file);
    QFETCH(QString, error);
    JoblogWriter writer;
    QVERIFY(!writer.open(file));
    QVERIFY(!writer.isOpen());
    QCOMPARE(writer.errorString(), error);
}

void tst_JoblogWriter::writeWithoutOpen()
{
    JoblogWriter writer;
    QVERIFY(!writer.writeAttempt(1, record(AttemptOutcome::Succeeded), u"a"_s));
    QCOMPARE(writer.errorString(), u"no joblog is open"_s);

    QVERIFY(writer.open(path(u"run.log"_s)));
    writer.close();
    QVERIFY(!writer.writeAttempt(1, record(AttemptOutcome::Succeeded), u"a"_s));
    QCOMPARE(writer.errorString(), path(u"run.log"_s) + u": the joblog is not open"_s);
}

void tst_JoblogWriter::fileTooLarge()
{
    // A write that fails after open(): RLIMIT_FSIZE makes write() fail with
    // EFBIG part-way through the file, as a full disk fails with ENOSPC (which
    // openFailures() checks with /dev/full).
    struct sigaction ignore = {};
    ignore.sa_handler = SIG_IGN;
    struct sigaction previous = {};
    QCOMPARE(::sigaction(SIGXFSZ, &ignore, &previous), 0);
    rlimit oldLimit {};
    QCOMPARE(::getrlimit(RLIMIT_FSIZE, &oldLimit), 0);

    const QString file = path(u"run.log"_s);
    JoblogWriter writer;
    QVERIFY(writer.open(file));
    rlimit small = oldLimit;
    small.rlim_cur = rlim_t(header.size() + 100);
    QCOMPARE(::setrlimit(RLIMIT_FSIZE, &small), 0);
    bool failed = false;
    for (int i = 0; i < 10 && !failed; ++i)
        failed = !writer.writeAttempt(i + 1, record(AttemptOutcome::Succeeded), u"echo hello"_s);
    const QString error = writer.errorString();
    QCOMPARE(::setrlimit(RLIMIT_FSIZE, &oldLimit), 0);
    QCOMPARE(::sigaction(SIGXFSZ, &previous, nullptr), 0);

    QVERIFY(failed);
    QCOMPARE(error, file + u": cannot write: File too large"_s);
    writer.close();

    // The cut-short line is skipped by the reader and cut off by the next open.
    QVERIFY(!contents(file).endsWith('\n'));
    const Joblog partial = readJoblog(file);
    QVERIFY(partial.ok());
    QCOMPARE(partial.warnings.size(), 1);
    QVERIFY(writer.open(file));
    QVERIFY(writer.writeAttempt(99, record(AttemptOutcome::Succeeded), u"after"_s));
    const Joblog log = readJoblog(file);
    QVERIFY(log.ok());
    QVERIFY(log.warnings.isEmpty());
    QVERIFY(log.jobs.contains(99));
}

void tst_JoblogWriter::concurrentWriters()
{
    constexpr int threads = 8;
    constexpr int perThread = 300;
    const QString file = path(u"run.log"_s);
    JoblogWriter writer;
    QVERIFY(writer.open(file));
    // Long commands, so that an interleaved write would show.
    std::vector<QString> commands;
    for (int t = 0; t < threads; ++t)
        commands.push_back(QString(4000 + t, QChar(u'a' + t)));
    std::vector<std::thread> workers;
    std::atomic_int failures {0};
    for (int t = 0; t < threads; ++t) {
        workers.emplace_back([&, t] {
            for (int i = 0; i < perThread; ++i) {
                const auto outcome = i % 2 ? AttemptOutcome::Succeeded : AttemptOutcome::ExitCode;
                if (!writer.writeAttempt(t + 1, record(outcome, i % 2 ? 0 : 1), commands[t]))
                    ++failures;
            }
        });
    }
    for (std::thread &worker : workers)
        worker.join();
    QCOMPARE(failures.load(), 0);

    const Joblog log = readJoblog(file);
    QVERIFY(log.ok());
    QVERIFY(log.warnings.isEmpty());
    QCOMPARE(log.jobs.size(), threads);
    for (int t = 0; t < threads; ++t) {
        const JoblogJob &job = log.jobs.value(t + 1);
        QCOMPARE(job.attempts, perThread);
        QCOMPARE(job.command, commands[t]);
        QVERIFY(job.succeeded);
        QCOMPARE(job.lastExitValue, 0); // each thread's last attempt succeeded
    }
    QCOMPARE(contents(file).count('\n'), threads * perThread + 1);
}

void tst_JoblogWriter::roundTrip()
{
    struct Attempt
    {
        int seq;
        AttemptRecord rec;
        QString command;
    };
    const QString tricky = u"printf 'a\\tb\\n' \"caf\u00e9\"\techo \\\\ done\nls\r"_s;
    const QList<Attempt> attempts = {
        {1, record(AttemptOutcome::ExitCode, 1), tricky},
        {2, record(AttemptOutcome::Signalled, -1, 9), u"kill -9 $$"_s},
        {1, record(AttemptOutcome::TimedOut, -1, 15), tricky},
        {3, record(AttemptOutcome::NotStarted), u"/no/such/program"_s},
        {1, record(AttemptOutcome::Succeeded), tricky},
    };
    const QString file = path(u"run.log"_s);
    JoblogWriter writer;
    QVERIFY(writer.open(file));
    for (const Attempt &attempt : attempts)
        QVERIFY(writer.writeAttempt(attempt.seq, attempt.rec, attempt.command));
    const Joblog log = readJoblog(file);
    QVERIFY(log.ok());
    QCOMPARE(log.jobs.size(), 3);
    QCOMPARE(log.jobs[1].attempts, 3);
    QCOMPARE(log.jobs[1].command, tricky);
    QVERIFY(log.jobs[1].succeeded);
    QCOMPARE(log.jobs[2].lastExitValue, 0);
    QCOMPARE(log.jobs[2].lastSignal, 9);
    QVERIFY(!log.jobs[2].succeeded);
    QCOMPARE(log.jobs[3].lastExitValue, 127);
    QVERIFY(compareJoblogCommands(log, {tricky, u"kill -9 $$"_s, u"/no/such/program"_s}).isEmpty());
}

} // namespace requeue

QTEST_APPLESS_MAIN(requeue::tst_JoblogWriter)
#include "tst_joblogwriter.moc"
