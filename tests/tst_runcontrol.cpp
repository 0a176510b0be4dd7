// The control protocol of a live run (core/runcontrol.h): the words of
// `requeue ctl`, the lines on the socket, and what a request does to a runner.
#include "jobrunner.h"
#include "runcontrol.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSemaphore>
#include <QTest>

using namespace requeue;

class tst_RunControl : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void fromArguments_data();
    void fromArguments();
    void lineRoundTrip();
    void badLines_data();
    void badLines();
    void appliesToTheRunner();
    void socketPathFitsSunPath();
};

void tst_RunControl::fromArguments_data()
{
    QTest::addColumn<QStringList>("words");
    QTest::addColumn<QByteArray>("line"); // empty: rejected
    QTest::addColumn<QString>("error");
    const auto words = [](const char *text) {
        return QString::fromLatin1(text).split(QLatin1Char(' '), Qt::SkipEmptyParts);
    };
    QTest::newRow("status") << words("status") << QByteArray("{\"command\":\"status\"}") << "";
    QTest::newRow("retry") << words("retry 3 4")
                           << QByteArray("{\"command\":\"retry\",\"jobs\":[3,4]}") << "";
    QTest::newRow("workers") << words("workers 8")
                             << QByteArray("{\"command\":\"workers\",\"n\":8}") << "";
    QTest::newRow("no command") << QStringList() << QByteArray() << "a command is missing";
    QTest::newRow("unknown") << words("explode") << QByteArray() << "unknown command \"explode\"";
    QTest::newRow("retry without jobs")
        << words("retry") << QByteArray() << "retry needs at least one job number";
    QTest::newRow("job zero") << words("cancel 0") << QByteArray()
                              << "cancel: \"0\" is not a job number (#) from 1";
    QTest::newRow("jobs for pause")
        << words("pause 3") << QByteArray() << "pause takes no job numbers";
    QTest::newRow("two worker counts")
        << words("workers 2 3") << QByteArray() << "workers takes one number";
    QTest::newRow("no worker count")
        << words("workers") << QByteArray() << "workers needs a number of workers from 1";
}

void tst_RunControl::fromArguments()
{
    QFETCH(QStringList, words);
    QFETCH(QByteArray, line);
    QFETCH(QString, error);
    QString problem;
    const auto request = ControlRequest::fromArguments(words, &problem);
    QCOMPARE(bool(request), !line.isEmpty());
    if (request)
        QCOMPARE(request->toLine(), line + '\n');
    else
        QVERIFY2(problem.startsWith(error), qPrintable(problem));
}

void tst_RunControl::lineRoundTrip()
{
    ControlRequest request;
    request.command = ControlRequest::Command::Cancel;
    request.seqs = {7, 2};
    QString error;
    const auto back = ControlRequest::fromLine(request.toLine(), &error);
    QVERIFY2(back, qPrintable(error));
    QCOMPARE(back->command, request.command);
    QCOMPARE(back->seqs, request.seqs);
}

void tst_RunControl::badLines_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::newRow("not json") << QByteArray("retry 3\n");
    QTest::newRow("an array") << QByteArray("[1,2]\n");
    QTest::newRow("no command") << QByteArray("{\"jobs\":[1]}\n");
    QTest::newRow("jobs as strings") << QByteArray("{\"command\":\"retry\",\"jobs\":[\"1\"]}\n");
    QTest::newRow("fractional job") << QByteArray("{\"command\":\"retry\",\"jobs\":[1.5]}\n");
    QTest::newRow("no workers") << QByteArray("{\"command\":\"workers\"}\n");
}

void tst_RunControl::badLines()
{
    QFETCH(QByteArray, line);
    QString error;
    QVERIFY(!ControlRequest::fromLine(line, &error));
    QVERIFY(!error.isEmpty());
}

void tst_RunControl::appliesToTheRunner()
{
    JobRunner runner;
    runner.setMaxWorkers(1);
    QSemaphore release;
    QList<JobSpec> specs;
    for (int seq = 1; seq <= 3; ++seq) {
        JobSpec spec;
        spec.seq = seq;
        spec.callable = [&release](const AttemptContext &context) {
            while (!context.shouldStop() && !release.tryAcquire(1, 10)) { }
            return 0;
        };
        specs.append(spec);
    }
    runner.addJobs(specs);
    const auto apply = [&](const QStringList &words) {
        QString error;
        const auto request = ControlRequest::fromArguments(words, &error);
        return QJsonDocument::fromJson(applyControlRequest(&runner, nullptr, *request)).object();
    };
    const auto word = [](const char *text) {
        return QString::fromLatin1(text);
    };

    QJsonObject reply = apply({word("resume")});
    QVERIFY(reply.value(u"ok").toBool());
    QVERIFY(!runner.isPaused());
    reply = apply({word("cancel"), word("2"), word("4")});
    QCOMPARE(reply.value(u"error").toString(), QStringLiteral("no job #4 in this run"));
    QCOMPARE(runner.stateCounts()[JobState::Cancelled], 0); // nothing happened
    reply = apply({word("cancel"), word("2")});
    QVERIFY(reply.value(u"ok").toBool());
    QCOMPARE(runner.stateCounts()[JobState::Cancelled], 1);
    reply = apply({word("workers"), word("2")});
    QCOMPARE(runner.maxWorkers(), 2);
    reply = apply({word("status")});
    QCOMPARE(reply.value(u"workers").toInt(), 2);
    QCOMPARE(reply.value(u"counts").toObject().value(u"cancelled").toInt(), 1);
    release.release(2);
    QVERIFY(runner.waitForIdle(QDeadlineTimer(10'000)));
    QCOMPARE(runner.stateCounts()[JobState::Succeeded], 2);
    reply = apply({word("retry"), word("2")});
    QVERIFY(reply.value(u"message").toString().startsWith(u"1 of 1 jobs retried"));
    release.release(1);
    QVERIFY(runner.waitForIdle(QDeadlineTimer(10'000)));
    QCOMPARE(runner.stateCounts()[JobState::Succeeded], 3);
}

void tst_RunControl::socketPathFitsSunPath()
{
    QCOMPARE(controlSocketPath(QStringLiteral("/tmp/run")), QStringLiteral("/tmp/run/control"));
    const QString deep = QStringLiteral("/tmp/") + QString(120, QLatin1Char('d'));
    const QString path = controlSocketPath(deep);
    QVERIFY(QFile::encodeName(path).size() < 108);
    QVERIFY(!path.startsWith(deep));
    QCOMPARE(controlSocketPath(deep), path); // the run and its clients agree
    QVERIFY(controlSocketPath(deep + QLatin1Char('x')) != path);
}

QTEST_GUILESS_MAIN(tst_RunControl)
#include "tst_runcontrol.moc"
