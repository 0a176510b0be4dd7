// Tests for the HTML run report (requeue::renderRunReport and its inputs):
// the page is well-formed XML (QXmlStreamReader reads it to the end), holds
// no external URL, its numbers match the run's summary, stderr tails appear
// for the attempts that failed, and 10,000 attempts stay under 5 MB. Also the
// SVG timeline on its own and reading a joblog into a report.

#include "joblog.h"
#include "runhistory.h"
#include "runreport.h"
#include "timelinelayout.h"
#include "timelinesvg.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <QXmlStreamReader>

namespace requeue {

namespace {

constexpr qint64 s = 1000000;
constexpr qint64 t0 = 1'700'000'000 * s;

AttemptRecord attempt(int number, qint64 start, qint64 end, AttemptOutcome outcome,
                      int exitCode = 0)
{
    AttemptRecord r;
    r.number = number;
    r.startedUs = t0 + start;
    r.finishedUs = t0 + end;
    r.outcome = outcome;
    r.exitCode = exitCode;
    return r;
}

// Parses `html` as XML; returns the error or an empty string. Collects the
// text of elements by id and every src/href attribute.
struct Parsed
{
    QString error;
    QHash<QString, QString> byId;
    QStringList links;
    int svgs = 0;
};

Parsed parse(const QByteArray &html)
{
    Parsed parsed;
    QXmlStreamReader xml(html);
    QString id;
    while (!xml.atEnd()) {
        xml.readNext();
        if (xml.isDTD())
            continue;
        if (xml.isStartElement()) {
            const QXmlStreamAttributes attributes = xml.attributes();
            for (const char *name : {"src", "href", "xlink:href", "action"}) {
                if (attributes.hasAttribute(QLatin1String(name)))
                    parsed.links.append(attributes.value(QLatin1String(name)).toString());
            }
            if (xml.name() == QLatin1String("svg"))
                ++parsed.svgs;
            if (attributes.hasAttribute(QLatin1String("id")))
                id = attributes.value(QLatin1String("id")).toString();
        } else if (xml.isCharacters() && !id.isEmpty()) {
            parsed.byId[id] += xml.text().toString();
        } else if (xml.isEndElement()) {
            id.clear();
        }
    }
    if (xml.hasError())
        parsed.error = QStringLiteral("%1 at line %2, column %3")
                           .arg(xml.errorString())
                           .arg(xml.lineNumber())
                           .arg(xml.columnNumber());
    return parsed;
}

} // namespace

class tst_RunReport : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void summaryCountsTheRun();
    void reportIsWellFormedAndSelfContained();
    void numbersMatchTheSummary();
    void troubleTableShowsStderrTails();
    void hostileTextStaysWellFormed();
    void emptyRunStillRenders();
    void tenThousandAttemptsStayUnderFiveMegabytes_data();
    void tenThousandAttemptsStayUnderFiveMegabytes();
    void svgTimelineAggregates();
    void svgChartCountsCancelledApart();
    void clusterRunLanesPerNode();
    void fromJoblog();
    void fromRunHistory_data();
    void fromRunHistory();
    void writeFailsWithPath();

private:
    ReportInput scriptedRun() const;
    std::unique_ptr<QTemporaryDir> m_dir;
};

void tst_RunReport::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void tst_RunReport::cleanup()
{
    m_dir.reset();
}

// Job 1 fails twice then succeeds; job 2 succeeds at once; job 3 fails all
// three attempts and writes to stderr.
ReportInput tst_RunReport::scriptedRun() const
{
    ReportInput input;
    input.title = QStringLiteral("jobs.txt");
    ReportJob one;
    one.seq = 1;
    one.name = QStringLiteral("flaky");
    one.command = QStringLiteral("./flaky.sh");
    one.state = JobState::Succeeded;
    one.attempts = {attempt(1, 0, 1 * s, AttemptOutcome::ExitCode, 1),
                    attempt(2, 2 * s, 3 * s, AttemptOutcome::Signalled),
                    attempt(3, 4 * s, 5 * s, AttemptOutcome::Succeeded)};
    one.attempts[1].signal = 9;
    ReportJob two;
    two.seq = 2;
    two.name = QStringLiteral("steady");
    two.command = QStringLiteral("true");
    two.state = JobState::Succeeded;
    two.attempts = {attempt(1, 0, 6 * s, AttemptOutcome::Succeeded)};
    ReportJob three;
    three.seq = 3;
    three.name = QStringLiteral("broken");
    three.command = QStringLiteral("exit 3");
    three.state = JobState::Failed;
    for (int i = 1; i <= 3; ++i) {
        three.attempts.append(
            attempt(i, (i - 1) * 2 * s + s / 2, (i - 1) * 2 * s + s, AttemptOutcome::ExitCode, 3));
        const QString path = m_dir->filePath(QStringLiteral("stderr-%1").arg(i));
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly))
            qFatal("cannot write %s", qPrintable(path));
        for (int line = 1; line <= 20; ++line)
            file.write(QStringLiteral("attempt %1 line %2\n").arg(i).arg(line).toUtf8());
        three.stderrPaths.append(path);
    }
    input.jobs = {one, two, three};
    return input;
}

void tst_RunReport::summaryCountsTheRun()
{
    const ReportSummary summary = summarizeReport(scriptedRun());
    QCOMPARE(summary.jobs, 3);
    QCOMPARE(summary.succeeded, 2);
    QCOMPARE(summary.failed, 1);
    QCOMPARE(summary.attempts, 7);
    QCOMPARE(summary.retries, 4);
    QCOMPARE(summary.wallSeconds, 6.0);
    QCOMPARE(summary.attemptsPerSecond, 7 / 6.0);
}

void tst_RunReport::reportIsWellFormedAndSelfContained()
{
    const QByteArray html = renderRunReport(scriptedRun());
    const Parsed parsed = parse(html);
    QVERIFY2(parsed.error.isEmpty(), qPrintable(parsed.error));
    QVERIFY(parsed.links.isEmpty());
    QVERIFY(!html.contains("http://"));
    QVERIFY(!html.contains("https://"));
    QVERIFY(!html.contains("url("));
    QVERIFY(!html.contains("@import"));
    QCOMPARE(parsed.svgs, 2); // the timeline and the histogram
    QVERIFY(html.startsWith("<!DOCTYPE html>"));
}

void tst_RunReport::numbersMatchTheSummary()
{
    const ReportInput input = scriptedRun();
    const ReportSummary summary = summarizeReport(input);
    const Parsed parsed = parse(renderRunReport(input));
    QVERIFY2(parsed.error.isEmpty(), qPrintable(parsed.error));
    QCOMPARE(parsed.byId.value(QStringLiteral("jobs")), QString::number(summary.jobs));
    QCOMPARE(parsed.byId.value(QStringLiteral("succeeded")), QString::number(summary.succeeded));
    QCOMPARE(parsed.byId.value(QStringLiteral("failed")), QString::number(summary.failed));
    QCOMPARE(parsed.byId.value(QStringLiteral("attempts")), QString::number(summary.attempts));
    QCOMPARE(parsed.byId.value(QStringLiteral("retries")), QString::number(summary.retries));
    QCOMPARE(parsed.byId.value(QStringLiteral("wall")), QStringLiteral("6.00 s"));
    QCOMPARE(parsed.byId.value(QStringLiteral("rate")), QStringLiteral("1.17"));
}

void tst_RunReport::troubleTableShowsStderrTails()
{
    const QString html = QString::fromUtf8(renderRunReport(scriptedRun()));
    QVERIFY(html.contains(QStringLiteral("Jobs that failed or were retried (2)")));
    // The last lines of each failed attempt's stderr, not the first ones.
    for (int i = 1; i <= 3; ++i) {
        QVERIFY(html.contains(QStringLiteral("attempt %1 line 20").arg(i)));
        QVERIFY(html.contains(QStringLiteral("attempt %1 line 15").arg(i)));
        QVERIFY(!html.contains(QStringLiteral("attempt %1 line 14\n").arg(i)));
    }
    QVERIFY(html.contains(QStringLiteral("exit 3")));
    QVERIFY(html.contains(QStringLiteral("SIGKILL")));
    // The failed job is listed before the retried one that succeeded.
    const qsizetype table = html.indexOf(QStringLiteral("id=\"trouble\""));
    QVERIFY(table > 0);
    const QString rows = html.mid(table);
    QVERIFY(rows.indexOf(QStringLiteral("broken")) < rows.indexOf(QStringLiteral("flaky")));
    // The job that succeeded at once is not in the table.
    QVERIFY(!rows.contains(QStringLiteral("steady")));
}

void tst_RunReport::hostileTextStaysWellFormed()
{
    ReportInput input = scriptedRun();
    input.title = QStringLiteral("<script>alert(1)</script> & \"x\"");
    input.jobs[2].name = QStringLiteral("a]]>b<c&d\x01\x0b") + QChar(0xD800) + QStringLiteral("e");
    input.jobs[2].command = QStringLiteral("echo '<img src=http://example.com/x>'");
    const QString path = m_dir->filePath(QStringLiteral("binary"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(QByteArray("\x00\x01\xff\xfe <b> &amp; \x1b[31m\n", 21));
    file.close();
    input.jobs[2].stderrPaths = {path, path, path};
    const QByteArray html = renderRunReport(input);
    const Parsed parsed = parse(html);
    QVERIFY2(parsed.error.isEmpty(), qPrintable(parsed.error));
    QVERIFY(parsed.links.isEmpty());
    QVERIFY(!html.contains("<script"));
    QVERIFY(!html.contains("<img"));
}

void tst_RunReport::emptyRunStillRenders()
{
    ReportInput input;
    input.title = QStringLiteral("nothing");
    const Parsed parsed = parse(renderRunReport(input));
    QVERIFY2(parsed.error.isEmpty(), qPrintable(parsed.error));
    QCOMPARE(parsed.byId.value(QStringLiteral("attempts")), QStringLiteral("0"));
}

void tst_RunReport::tenThousandAttemptsStayUnderFiveMegabytes_data()
{
    QTest::addColumn<int>("jobs");
    QTest::addColumn<int>("attemptsPerJob");
    QTest::addColumn<int>("workers");
    // The first three attempts of each job fail.
    QTest::newRow("2,500 jobs retried, 16 workers") << 2500 << 4 << 16;
    // Every job in the trouble table, and lanes enough to draw many bars.
    QTest::newRow("10,000 jobs failed once, 256 workers") << 10000 << 1 << 256;
}

void tst_RunReport::tenThousandAttemptsStayUnderFiveMegabytes()
{
    QFETCH(int, jobs);
    QFETCH(int, attemptsPerJob);
    QFETCH(int, workers);
    // With a stderr file for every failed attempt.
    ReportInput input;
    input.title = QStringLiteral("big");
    const QString errPath = m_dir->filePath(QStringLiteral("err"));
    QFile err(errPath);
    QVERIFY(err.open(QIODevice::WriteOnly));
    err.write(QByteArray(4000, 'x') + "\nlast words\n");
    err.close();
    std::vector<qint64> slot(size_t(workers), 0);
    for (int j = 0; j < jobs; ++j) {
        ReportJob job;
        job.seq = j + 1;
        job.name = QStringLiteral("job %1").arg(j + 1);
        job.command = QStringLiteral("./work.sh %1").arg(j + 1);
        job.state = attemptsPerJob > 1 ? JobState::Succeeded : JobState::Failed;
        for (int a = 1; a <= attemptsPerJob; ++a) {
            qint64 &free = *std::min_element(slot.begin(), slot.end());
            const qint64 start = free;
            free += 100000 + (j * 7919 + a * 104729) % 400000;
            const bool fails = a < 4 || attemptsPerJob == 1;
            job.attempts.append(attempt(
                a, start, free, fails ? AttemptOutcome::ExitCode : AttemptOutcome::Succeeded,
                fails ? 1 : 0));
            job.stderrPaths.append(fails ? errPath : QString());
        }
        input.jobs.append(job);
    }
    QElapsedTimer clock;
    clock.start();
    const QByteArray html = renderRunReport(input);
    qInfo("10,000 attempts: %.2f MB in %lld ms", html.size() / 1e6, clock.elapsed());
    QVERIFY2(html.size() < 5 * 1000 * 1000, qPrintable(QString::number(html.size())));
    const Parsed parsed = parse(html);
    QVERIFY2(parsed.error.isEmpty(), qPrintable(parsed.error));
    QCOMPARE(parsed.byId.value(QStringLiteral("attempts")), QStringLiteral("10000"));
    QCOMPARE(parsed.byId.value(QStringLiteral("retries")),
             QString::number(jobs * (attemptsPerJob - 1)));
    QVERIFY(html.contains("more jobs not listed"));
}

void tst_RunReport::svgTimelineAggregates()
{
    TimelineLayout layout;
    for (int i = 0; i < 100000; ++i) {
        layout.update(JobId(i + 1), i + 1,
                      attempt(1, i * 10, i * 10 + 5,
                              i == 50000 ? AttemptOutcome::ExitCode : AttemptOutcome::Succeeded),
                      false);
    }
    TimelineSvgOptions options;
    options.width = 600;
    const QString svg = renderTimelineSvg(layout, options);
    QVERIFY2(svg.size() < 200000, qPrintable(QString::number(svg.size())));
    QXmlStreamReader xml(svg);
    int bars = 0;
    while (!xml.atEnd()) {
        xml.readNext();
        if (xml.isStartElement()
            && xml.attributes().value(QLatin1String("class")) == QLatin1String("bar"))
            ++bars;
    }
    QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
    QCOMPARE(bars, 3); // succeeded, the failure's column, succeeded
    QVERIFY(
        svg.contains(QStringLiteral("#%1").arg(barRgb(BarKind::Failed), 6, 16, QLatin1Char('0'))));
}

// The "ended/s" chart stacks cancelled attempts in their own colour, apart
// from the failures, as the legend says.
void tst_RunReport::svgChartCountsCancelledApart()
{
    TimelineLayout layout;
    layout.update(1, 1, attempt(1, 0, 100000, AttemptOutcome::Succeeded), false);
    layout.update(2, 2, attempt(1, 0, 200000, AttemptOutcome::Cancelled), false);
    layout.update(3, 3, attempt(1, 0, 300000, AttemptOutcome::ExitCode, 1), false);
    TimelineSvgOptions options;
    options.width = 600;
    const QString svg = renderTimelineSvg(layout, options);
    QVERIFY2(svg.contains(QStringLiteral("1/s succeeded, 1/s cancelled, 1/s failed")),
             qPrintable(svg));
}

// A Slurm run's timeline: lanes grouped per node, each group labelled with
// its node, and each bar's hover text naming the node.
void tst_RunReport::clusterRunLanesPerNode()
{
    ReportInput input = scriptedRun();
    const QStringList nodes = {QStringLiteral("c1"), QStringLiteral("c2"), QStringLiteral("c1")};
    for (int job = 0; job < input.jobs.size(); ++job) {
        for (AttemptRecord &record : input.jobs[job].attempts)
            record.node = nodes[job];
    }
    const QByteArray html = renderRunReport(input);
    const Parsed parsed = parse(html);
    QVERIFY2(parsed.error.isEmpty(), qPrintable(parsed.error));
    QVERIFY(html.contains("Lanes grouped per node"));
    QVERIFY(html.contains("<title>c1</title>c1</text>"));
    QVERIFY(html.contains("<title>c2</title>c2</text>"));
    QVERIFY(html.contains("attempt 1: exit 0 on c2"));
    QVERIFY(html.contains(">exit 3 on c1</td>")); // the trouble table
    QVERIFY(!html.contains("no node"));

    // A local run says nothing of nodes.
    const QByteArray local = renderRunReport(scriptedRun());
    QVERIFY(local.contains("One lane per worker slot"));
    QVERIFY(!local.contains(" on c1"));
}

void tst_RunReport::fromJoblog()
{
    QByteArray text = joblogHeader() + '\n';
    const auto line = [](int seq, double start, double runtime, int exitValue, int signal,
                         const char *command) -> QByteArray {
        return QByteArray::number(seq) + "\t:\t" + QByteArray::number(start, 'f', 3) + '\t'
            + QByteArray::number(runtime, 'f', 3) + "\t0\t0\t" + QByteArray::number(exitValue)
            + '\t' + QByteArray::number(signal) + '\t' + command + '\n';
    };
    text += line(1, 1700000000.0, 1.0, 3, 0, "exit 3");
    text += line(2, 1700000000.5, 0.25, 0, 0, "true");
    text += line(1, 1700000001.5, 1.0, 0, 9, "exit 3");
    text += line(1, 1700000003.0, 2.0, -1, 15, "exit 3");
    const Joblog log = parseJoblog(text, QStringLiteral("run.log"));
    QVERIFY(log.ok());
    QCOMPARE(log.attempts.size(), 4);
    QCOMPARE(log.attempts[1].startUs, 1700000000500000);
    QCOMPARE(log.attempts[1].runtimeUs, 250000);
    QCOMPARE(log.attempts[3].line, 5);

    QDir(m_dir->path()).mkpath(QStringLiteral("results/1/2"));
    QFile err(m_dir->filePath(QStringLiteral("results/1/2/stderr")));
    QVERIFY(err.open(QIODevice::WriteOnly));
    err.write("killed here\n");
    err.close();

    const ReportInput input = reportFromJoblog(log, m_dir->filePath(QStringLiteral("results")));
    QCOMPARE(input.jobs.size(), 2);
    const ReportJob &one = input.jobs[0];
    QCOMPARE(one.seq, 1);
    QCOMPARE(one.state, JobState::Failed);
    QCOMPARE(one.attempts.size(), 3);
    QCOMPARE(one.attempts[0].outcome, AttemptOutcome::ExitCode);
    QCOMPARE(one.attempts[1].outcome, AttemptOutcome::Signalled);
    QCOMPARE(one.attempts[2].outcome, AttemptOutcome::TimedOut);
    QCOMPARE(one.attempts[2].durationUs(), 2 * s);
    QCOMPARE(input.jobs[1].state, JobState::Succeeded);
    const ReportSummary summary = summarizeReport(input);
    QCOMPARE(summary.attempts, 4);
    QCOMPARE(summary.retries, 2);
    QCOMPARE(summary.wallSeconds, 5.0);
    const QString html = QString::fromUtf8(renderRunReport(input));
    QVERIFY(html.contains(QStringLiteral("killed here")));
}

void tst_RunReport::fromRunHistory_data()
{
    QTest::addColumn<bool>("live");
    QTest::addColumn<AttemptOutcome>("outcome");
    QTest::addColumn<qint64>("finishedUs");
    QTest::newRow("live: still running") << true << AttemptOutcome::Succeeded << qint64(0);
    QTest::newRow("crashed: lost at the last record")
        << false << AttemptOutcome::Lost << t0 + 9 * s;
}

// A recorded run: the journal's attempts and stderr paths; the attempt a
// run left unfinished runs on while the run is live and is lost once it is not.
void tst_RunReport::fromRunHistory()
{
    QFETCH(bool, live);
    QFETCH(AttemptOutcome, outcome);
    QFETCH(qint64, finishedUs);
    QFile err(m_dir->filePath(QStringLiteral("stderr")));
    QVERIFY(err.open(QIODevice::WriteOnly));
    err.write("journalled trouble\n");
    err.close();
    RunHistory history;
    history.dir = m_dir->filePath(QStringLiteral("20260101-000000-jobs"));
    history.info.listPath = QStringLiteral("/lists/jobs.txt");
    history.status = live ? RunHistory::Status::Running : RunHistory::Status::Crashed;
    history.lastActivityUs = t0 + 9 * s;
    RunJob job;
    job.spec.seq = 4;
    job.spec.name = QStringLiteral("four");
    job.state = live ? JobState::Running : JobState::Failed;
    RunAttempt failed;
    failed.record = attempt(1, 0, 2 * s, AttemptOutcome::ExitCode, 3);
    failed.record.node = QStringLiteral("node3");
    failed.finished = true;
    failed.stderrPath = err.fileName();
    RunAttempt unfinished;
    unfinished.record = attempt(2, 3 * s, 0, AttemptOutcome::Succeeded);
    unfinished.record.finishedUs = 0;
    job.history = {failed, unfinished};
    job.attempts = 2;
    history.jobs.append(job);

    const ReportInput input = reportFromRunHistory(history);
    QCOMPARE(input.title, QStringLiteral("jobs.txt"));
    QCOMPARE(input.jobs.size(), 1);
    const ReportJob &four = input.jobs.first();
    QCOMPARE(four.seq, 4);
    QCOMPARE(four.name, QStringLiteral("four"));
    QCOMPARE(four.attempts.size(), 2);
    QCOMPARE(four.stderrPaths.first(), err.fileName());
    QCOMPARE(four.attempts[1].outcome, outcome);
    QCOMPARE(four.attempts[1].finishedUs, finishedUs);
    QCOMPARE(four.attempts[0].node, QStringLiteral("node3"));
    const QString html = QString::fromUtf8(renderRunReport(input));
    QVERIFY(html.contains(QStringLiteral("journalled trouble")));
}

void tst_RunReport::writeFailsWithPath()
{
    const QString path = m_dir->filePath(QStringLiteral("missing/report.html"));
    QString error;
    QVERIFY(!writeRunReport(scriptedRun(), path, &error));
    QVERIFY2(error.startsWith(path + QStringLiteral(": ")), qPrintable(error));
    const QString good = m_dir->filePath(QStringLiteral("report.html"));
    QVERIFY2(writeRunReport(scriptedRun(), good, &error), qPrintable(error));
    QVERIFY(QFile(good).size() > 1000);
}

} // namespace requeue

QTEST_APPLESS_MAIN(requeue::tst_RunReport)
#include "tst_runreport.moc"
