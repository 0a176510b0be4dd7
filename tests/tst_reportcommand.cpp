// End-to-end tests of the HTML report: `requeue run --report FILE` and
// `requeue report RUN -o FILE` (RUN a joblog, a run directory or the start of
// a run id) run the built executable (REQUEUE_BINARY);
// the pages must parse as XML, hold no external URL, and show the numbers of
// the run's --summary-json and the stderr of failed attempts.

#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QTemporaryDir>
#include <QTest>
#include <QXmlStreamReader>

namespace requeue {

namespace {

constexpr int TimeoutMs = 60000;

struct Result
{
    int exitCode = -1;
    QString err;
};

// The text of each element with an id, or the parse error under "error".
QHash<QString, QString> parseReport(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {{QStringLiteral("error"), QStringLiteral("cannot open ") + path}};
    const QByteArray html = file.readAll();
    QHash<QString, QString> byId;
    if (html.contains("http://") || html.contains("https://"))
        byId.insert(QStringLiteral("error"), QStringLiteral("an external URL"));
    QXmlStreamReader xml(html);
    QString id;
    while (!xml.atEnd()) {
        xml.readNext();
        if (xml.isStartElement()) {
            id = xml.attributes().value(QLatin1String("id")).toString();
            for (const char *name : {"src", "href"}) {
                if (xml.attributes().hasAttribute(QLatin1String(name)))
                    byId.insert(QStringLiteral("error"), QStringLiteral("a link"));
            }
        } else if (xml.isCharacters() && !id.isEmpty()) {
            byId[id] += xml.text().toString();
        } else if (xml.isEndElement()) {
            id.clear();
        }
    }
    if (xml.hasError())
        byId.insert(QStringLiteral("error"), xml.errorString());
    byId.insert(QStringLiteral("html"), QString::fromUtf8(html));
    return byId;
}

} // namespace

class tst_ReportCommand : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void runWritesAReportMatchingItsSummary();
    void reportFromAJoblog();
    void reportFromARunDirectory_data();
    void reportFromARunDirectory();
    void badInput_data();
    void badInput();

private:
    Result run(const QStringList &arguments,
               const QProcessEnvironment &environment = QProcessEnvironment::systemEnvironment());
    QString path(const QString &name) const { return m_dir.filePath(name); }
    void writeJobList();
    void runJobs();
    void runJobsInARunDirectory();
    QProcessEnvironment stateEnvironment() const;

    QString m_binary;
    QTemporaryDir m_dir;
    bool m_ran = false;
    bool m_ranInDirectory = false;
};

void tst_ReportCommand::initTestCase()
{
    m_binary = qEnvironmentVariable("REQUEUE_BINARY");
    QVERIFY2(!m_binary.isEmpty(), "REQUEUE_BINARY is not set (run through ctest)");
    QVERIFY(m_dir.isValid());
}

Result tst_ReportCommand::run(const QStringList &arguments, const QProcessEnvironment &environment)
{
    QProcess process;
    process.setProcessEnvironment(environment);
    process.start(m_binary, arguments);
    Result result;
    if (!process.waitForFinished(TimeoutMs)) {
        process.kill();
        process.waitForFinished();
        result.err = QStringLiteral("timed out");
        return result;
    }
    result.exitCode = process.exitCode();
    result.err = QString::fromLocal8Bit(process.readAllStandardError());
    return result;
}

// Three jobs: one succeeds, one fails three times, one fails once with a
// line on stderr and then succeeds.
void tst_ReportCommand::writeJobList()
{
    QFile list(path(QStringLiteral("jobs.txt")));
    if (list.exists())
        return;
    QVERIFY(list.open(QIODevice::WriteOnly));
    list.write("true\n"
               "exit 3\n"
               "echo \"trouble in attempt $REQUEUE_ATTEMPT\" >&2; test $REQUEUE_ATTEMPT -ge 2\n");
}

void tst_ReportCommand::runJobs()
{
    if (m_ran)
        return;
    writeJobList();
    const Result result
        = run({QStringLiteral("run"), QStringLiteral("-q"), QStringLiteral("-j2"),
               QStringLiteral("--max-attempts"), QStringLiteral("3"), QStringLiteral("--joblog"),
               path(QStringLiteral("run.log")), QStringLiteral("--results"),
               path(QStringLiteral("results")), QStringLiteral("--summary-json"),
               path(QStringLiteral("summary.json")), QStringLiteral("--report"),
               path(QStringLiteral("run.html")), path(QStringLiteral("jobs.txt"))});
    QCOMPARE(result.exitCode, 1);
    m_ran = true;
}

// Where runs are kept, for the run ids: in the test's own folder.
QProcessEnvironment tst_ReportCommand::stateEnvironment() const
{
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("XDG_STATE_HOME"), path(QStringLiteral("state")));
    return environment;
}

// The same jobs recorded in a run directory only (no --results, no joblog),
// whose id starts with "reportrun".
void tst_ReportCommand::runJobsInARunDirectory()
{
    if (m_ranInDirectory)
        return;
    writeJobList();
    const Result result
        = run({QStringLiteral("run"), QStringLiteral("-q"), QStringLiteral("-j2"),
               QStringLiteral("--max-attempts"), QStringLiteral("3"), QStringLiteral("--run-dir"),
               path(QStringLiteral("state/requeue/runs/reportrun-jobs")),
               path(QStringLiteral("jobs.txt"))},
              stateEnvironment());
    QCOMPARE(result.exitCode, 1);
    m_ranInDirectory = true;
}

void tst_ReportCommand::runWritesAReportMatchingItsSummary()
{
    runJobs();
    QFile file(path(QStringLiteral("summary.json")));
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QJsonObject summary = QJsonDocument::fromJson(file.readAll()).object();
    const QHash<QString, QString> report = parseReport(path(QStringLiteral("run.html")));
    QVERIFY2(!report.contains(QStringLiteral("error")),
             qPrintable(report.value(QStringLiteral("error"))));
    for (const char *key : {"jobs", "succeeded", "failed", "attempts"}) {
        QCOMPARE(report.value(QLatin1String(key)),
                 QString::number(summary.value(QLatin1String(key)).toInt()));
    }
    QCOMPARE(report.value(QStringLiteral("attempts")), QStringLiteral("6"));
    QCOMPARE(report.value(QStringLiteral("retries")), QStringLiteral("3"));
    const QString html = report.value(QStringLiteral("html"));
    QVERIFY(html.contains(QStringLiteral("trouble in attempt 1")));
    QVERIFY(html.contains(QStringLiteral("exit 3")));
}

void tst_ReportCommand::reportFromAJoblog()
{
    runJobs();
    const QString out = path(QStringLiteral("joblog.html"));
    const Result result
        = run({QStringLiteral("report"), path(QStringLiteral("run.log")), QStringLiteral("-o"), out,
               QStringLiteral("--results"), path(QStringLiteral("results"))});
    QVERIFY2(result.exitCode == 0, qPrintable(result.err));
    const QHash<QString, QString> report = parseReport(out);
    QVERIFY2(!report.contains(QStringLiteral("error")),
             qPrintable(report.value(QStringLiteral("error"))));
    QCOMPARE(report.value(QStringLiteral("jobs")), QStringLiteral("3"));
    QCOMPARE(report.value(QStringLiteral("succeeded")), QStringLiteral("2"));
    QCOMPARE(report.value(QStringLiteral("failed")), QStringLiteral("1"));
    QCOMPARE(report.value(QStringLiteral("attempts")), QStringLiteral("6"));
    QVERIFY(report.value(QStringLiteral("html")).contains(QStringLiteral("trouble in attempt 1")));
}

void tst_ReportCommand::reportFromARunDirectory_data()
{
    QTest::addColumn<QString>("run");
    QTest::newRow("directory") << path(QStringLiteral("state/requeue/runs/reportrun-jobs"));
    QTest::newRow("id prefix") << QStringLiteral("reportr");
}

// The attempts come from the journal and stderr from the run's out/ folder;
// the numbers are those `requeue show --json` gives.
void tst_ReportCommand::reportFromARunDirectory()
{
    QFETCH(QString, run);
    runJobsInARunDirectory();
    const QString runDir = path(QStringLiteral("state/requeue/runs/reportrun-jobs"));
    QVERIFY(QFileInfo::exists(runDir + QLatin1String("/out/3/1/stderr")));
    QProcess show;
    show.setProcessEnvironment(stateEnvironment());
    show.start(m_binary, {QStringLiteral("show"), QStringLiteral("--json"), runDir});
    QVERIFY(show.waitForFinished(TimeoutMs));
    const QJsonObject summary = QJsonDocument::fromJson(show.readAllStandardOutput()).object();
    QCOMPARE(summary.value(QLatin1String("attempts")).toInt(), 6);

    const QString out = path(QStringLiteral("rundir.html"));
    QFile::remove(out);
    const Result result
        = this->run({QStringLiteral("report"), run, QStringLiteral("-o"), out}, stateEnvironment());
    QVERIFY2(result.exitCode == 0, qPrintable(result.err));
    const QHash<QString, QString> report = parseReport(out);
    QVERIFY2(!report.contains(QStringLiteral("error")),
             qPrintable(report.value(QStringLiteral("error"))));
    for (const char *key : {"jobs", "succeeded", "failed", "attempts"}) {
        QCOMPARE(report.value(QLatin1String(key)),
                 QString::number(summary.value(QLatin1String(key)).toInt()));
    }
    QCOMPARE(report.value(QStringLiteral("retries")), QStringLiteral("3"));
    const QString html = report.value(QStringLiteral("html"));
    QVERIFY(html.contains(QStringLiteral("trouble in attempt 1")));
    QVERIFY(html.contains(QStringLiteral("exit 3")));
}

void tst_ReportCommand::badInput_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("message");
    QTest::newRow("no output") << QStringList {QStringLiteral("report"), QStringLiteral("x.log")}
                               << QStringLiteral("no output file given");
    QTest::newRow("no run") << QStringList {QStringLiteral("report"), QStringLiteral("-o"),
                                            QStringLiteral("x.html")}
                            << QStringLiteral("no run given");
    QTest::newRow("missing joblog")
        << QStringList {QStringLiteral("report"), QStringLiteral("/nonexistent/run.log"),
                        QStringLiteral("-o"), QStringLiteral("x.html")}
        << QStringLiteral("/nonexistent/run.log: no such joblog or run directory");
    QTest::newRow("unknown run id")
        << QStringList {QStringLiteral("report"), QStringLiteral("zz-no-such-run"),
                        QStringLiteral("-o"), QStringLiteral("x.html")}
        << QStringLiteral("no run zz-no-such-run");
    QTest::newRow("folder that is no run")
        << QStringList {QStringLiteral("report"), QStringLiteral("/"), QStringLiteral("-o"),
                        QStringLiteral("x.html")}
        << QStringLiteral("/ is not a run directory");
}

void tst_ReportCommand::badInput()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, message);
    const Result result = run(arguments);
    QCOMPARE(result.exitCode, 2);
    QVERIFY2(result.err.contains(message), qPrintable(result.err));
}

} // namespace requeue

QTEST_GUILESS_MAIN(requeue::tst_ReportCommand)
#include "tst_reportcommand.moc"
