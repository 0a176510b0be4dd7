#include "jobfile.h"

#include "common/joblisttesting.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <unistd.h>

using namespace Qt::StringLiterals;

namespace requeue {

using requeue::test::errorStrings;

class tst_JobFile : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void errorToString_data();
    void errorToString();
    void picksTheFormatBySuffix_data();
    void picksTheFormatBySuffix();
    void unreadablePaths_data();
    void unreadablePaths();
    void unreadableFileWithoutPermission();
    void characterDevice();
    void generatedBadFiles_data();
    void generatedBadFiles();
    void badCorpus_data();
    void badCorpus();
    void demoListsAgree();

private:
    QString write(const QString &name, const QByteArray &data);

    QTemporaryDir m_dir;
};

void tst_JobFile::initTestCase()
{
    QVERIFY(m_dir.isValid());
}

QString tst_JobFile::write(const QString &name, const QByteArray &data)
{
    const QString path = m_dir.filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(data) != data.size())
        qFatal("cannot write %s", qPrintable(path));
    return path;
}

void tst_JobFile::errorToString_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<int>("line");
    QTest::addColumn<int>("column");
    QTest::addColumn<QString>("expected");

    QTest::newRow("full") << u"jobs.json"_s << 14 << 22 << u"jobs.json:14:22: oops"_s;
    QTest::newRow("no column") << u"jobs.txt"_s << 3 << 0 << u"jobs.txt:3: oops"_s;
    QTest::newRow("no line") << u"jobs.txt"_s << 0 << 0 << u"jobs.txt: oops"_s;
    QTest::newRow("no file") << QString() << 0 << 0 << u"oops"_s;
}

void tst_JobFile::errorToString()
{
    QFETCH(QString, file);
    QFETCH(int, line);
    QFETCH(int, column);
    QFETCH(QString, expected);
    QCOMPARE((JobFileError {file, line, column, u"oops"_s}.toString()), expected);
}

void tst_JobFile::picksTheFormatBySuffix_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("command");

    // The same bytes read as JSON give one job, as text one job per line.
    QTest::newRow(".json") << u"list.json"_s << u"echo json"_s;
    QTest::newRow(".JSON") << u"LIST.JSON"_s << u"echo json"_s;
    QTest::newRow(".txt") << u"list.txt"_s << u"[{\"command\": \"echo json\"}]"_s;
    QTest::newRow(".json.txt") << u"list.json.txt"_s << u"[{\"command\": \"echo json\"}]"_s;
    QTest::newRow("no suffix") << u"jobs"_s << u"[{\"command\": \"echo json\"}]"_s;
}

void tst_JobFile::picksTheFormatBySuffix()
{
    QFETCH(QString, name);
    QFETCH(QString, command);
    const QString path = write(name, "\xef\xbb\xbf[{\"command\": \"echo json\"}]\r\n"_ba);
    const JobList list = loadJobList(path);
    QCOMPARE(errorStrings(list), QStringList());
    QCOMPARE(list.path, path);
    QCOMPARE(list.jobs.size(), 1);
    QCOMPARE(list.jobs.front().spec.process.shellCommand, command);
}

void tst_JobFile::unreadablePaths_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("message");

    const QString missing = m_dir.filePath(u"missing.txt"_s);
    QTest::newRow("missing") << missing << missing + u": cannot open: No such file or directory"_s;
    const QString missingJson = m_dir.filePath(u"missing.json"_s);
    QTest::newRow("missing json") << missingJson
                                  << missingJson + u": cannot open: No such file or directory"_s;
    QTest::newRow("directory") << m_dir.path()
                               << m_dir.path() + u": is a directory, not a job file"_s;
    const QString dotJsonDir = m_dir.filePath(u"dir.json"_s);
    QDir().mkpath(dotJsonDir);
    QTest::newRow("directory named .json")
        << dotJsonDir << dotJsonDir + u": is a directory, not a job file"_s;
    // Even root cannot read through a file as if it were a directory.
    const QString file = write(u"plain"_s, "echo\n");
    const QString throughFile = file + u"/jobs.txt"_s;
    QTest::newRow("through a file")
        << throughFile << throughFile + u": cannot open: Not a directory"_s;
    QTest::newRow("empty path") << QString() << u"no job file given"_s;
}

void tst_JobFile::unreadablePaths()
{
    QFETCH(QString, path);
    QFETCH(QString, message);
    const JobList list = loadJobList(path);
    QCOMPARE(errorStrings(list), QStringList {message});
    QVERIFY(list.jobs.isEmpty());
}

void tst_JobFile::unreadableFileWithoutPermission()
{
    if (::geteuid() == 0)
        QSKIP("root reads files whatever their mode");
    const QString path = write(u"secret.txt"_s, "echo hi\n");
    QVERIFY(QFile::setPermissions(path, QFile::WriteOwner));
    const JobList list = loadJobList(path);
    QCOMPARE(errorStrings(list), QStringList {path + u": cannot open: Permission denied"_s});
}

void tst_JobFile::characterDevice()
{
    const JobList list = loadJobList(u"/dev/null"_s);
    QCOMPARE(errorStrings(list), QStringList {u"/dev/null: no jobs found"_s});
}

void tst_JobFile::generatedBadFiles_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QByteArray>("data");
    QTest::addColumn<QStringList>("errors");

    QTest::newRow("10 MB line") << u"huge-line.txt"_s << QByteArray(10 * 1024 * 1024, 'x')
                                << QStringList {u"huge-line.txt:1:1: the line is too long (10 MiB; "
                                                "lines can be at most 1 MiB)"_s};
    QTest::newRow("1,000,000 empty lines") << u"empty-lines.txt"_s << QByteArray(1'000'000, '\n')
                                           << QStringList {u"empty-lines.txt: no jobs found"_s};
    QTest::newRow("10,000 levels of JSON")
        << u"deep.json"_s << QByteArray(10'000, '[') + QByteArray(10'000, ']')
        << QStringList {u"deep.json:1:65: the JSON is nested too deeply (more than 64 levels)"_s};
    QByteArray garbage(64 * 1024, '\0');
    for (qsizetype i = 0; i < garbage.size(); ++i)
        garbage[i] = char((i * 7919 + 13) % 256);
    QTest::newRow("binary garbage as text")
        << u"garbage.txt"_s << garbage
        << QStringList {u"garbage.txt:1:2: invalid UTF-8 (byte 0xFC)"_s,
                        u"garbage.txt:2:1: invalid UTF-8 (byte 0xF9)"_s};
    QTest::newRow("binary garbage as json")
        << u"garbage.json"_s << garbage
        << QStringList {u"garbage.json:1:2: expected a value, got byte 0xFC"_s};
}

void tst_JobFile::generatedBadFiles()
{
    QFETCH(QString, name);
    QFETCH(QByteArray, data);
    QFETCH(QStringList, errors);
    write(name, data);
    const QString oldDir = QDir::currentPath();
    QVERIFY(QDir::setCurrent(m_dir.path()));
    QElapsedTimer timer;
    timer.start();
    const JobList list = loadJobList(name);
    const qint64 elapsed = timer.elapsed();
    QDir::setCurrent(oldDir);
    QCOMPARE(errorStrings(list).mid(0, errors.size()), errors);
    QVERIFY(list.errors.size() <= MaxJobFileErrors + 1);
    QVERIFY(list.jobs.isEmpty());
    QCOMPARE_LT(elapsed, 5000); // generous for sanitizer builds; ~10 ms in release
}

void tst_JobFile::badCorpus_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QStringList>("errors");

    const QString dir = QFINDTESTDATA("data/bad");
    QVERIFY2(!dir.isEmpty(), "tests/data/bad not found");
    QFile expectedFile(dir + u"/EXPECTED"_s);
    QVERIFY(expectedFile.open(QIODevice::ReadOnly));
    QMap<QString, QStringList> expected;
    for (const QByteArray &line : expectedFile.readAll().split('\n')) {
        if (line.isEmpty() || line.startsWith('#'))
            continue;
        const qsizetype tab = line.indexOf('\t');
        QVERIFY2(tab > 0, line.constData());
        expected[QString::fromUtf8(line.first(tab))].append(
            QString::fromUtf8(line.sliced(tab + 1)));
    }
    const QStringList files = QDir(dir).entryList(QDir::Files, QDir::Name);
    for (const QString &name : files) {
        if (name == u"EXPECTED"_s)
            continue;
        // Every bad file needs its expectation, so none is silently skipped.
        QVERIFY2(expected.contains(name), qPrintable(name + u" has no line in EXPECTED"_s));
        QTest::newRow(qPrintable(name)) << name << expected.take(name);
    }
    QVERIFY2(expected.isEmpty(),
             qPrintable(u"EXPECTED names missing files: "_s
                        + QStringList(expected.keys()).join(u", "_s)));
}

void tst_JobFile::badCorpus()
{
    QFETCH(QString, name);
    QFETCH(QStringList, errors);
    const QString oldDir = QDir::currentPath();
    QVERIFY(QDir::setCurrent(QFINDTESTDATA("data/bad")));
    const JobList list = loadJobList(name); // so that messages name the bare file
    QDir::setCurrent(oldDir);
    QCOMPARE(errorStrings(list), errors);
    QVERIFY(list.jobs.isEmpty());
}

void tst_JobFile::demoListsAgree()
{
    const QString text = QFINDTESTDATA("../resources/examples/demo.txt");
    const QString json = QFINDTESTDATA("../resources/examples/demo.json");
    QVERIFY(!text.isEmpty() && !json.isEmpty());
    const JobList fromText = loadJobList(text);
    const JobList fromJson = loadJobList(json);
    QCOMPARE(errorStrings(fromText), QStringList());
    QCOMPARE(errorStrings(fromJson), QStringList());
    QCOMPARE(fromText.jobs.size(), 12);
    QCOMPARE(fromJson.jobs.size(), fromText.jobs.size());
    for (qsizetype i = 0; i < fromText.jobs.size(); ++i) {
        const JobSpec &a = fromText.jobs.at(i).spec;
        const JobSpec &b = fromJson.jobs.at(i).spec;
        QCOMPARE(a.seq, int(i) + 1);
        QCOMPARE(b.seq, a.seq);
        QCOMPARE(b.name, a.name);
        QVERIFY(a.process.usesShell() && b.process.usesShell());
        QCOMPARE(b.process.shellCommand, a.process.shellCommand);
    }

    // What the JSON sets per job, which the text list leaves to options.
    const auto byName = [&fromJson](const QString &name) {
        for (const JobListEntry &entry : fromJson.jobs) {
            if (entry.spec.name == name)
                return entry;
        }
        qFatal("no job %s", qPrintable(name));
    };
    QCOMPARE(byName(u"stuck-once"_s).spec.timeout.count(), 4000);
    QCOMPARE(byName(u"bad-usage"_s).spec.retry.permanentExitCodes, QList<int> {64});
    QCOMPARE(byName(u"flaky-network"_s).spec.retry.maxAttempts, 5);
    QVERIFY(byName(u"hello"_s).setsMaxAttempts); // from "defaults"
    QVERIFY(!byName(u"hello"_s).setsTimeout);
}

} // namespace requeue

QTEST_GUILESS_MAIN(requeue::tst_JobFile)
#include "tst_jobfile.moc"
