#include "runsummary.h"

#include <QJsonArray>
#include <QTest>

using namespace requeue;

class TestRunSummary : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void json();
    void line_data();
    void line();
};

namespace {

constexpr qint64 Start = 1'700'000'000'000'000;

JobSnapshot job(int seq, JobState state, AttemptOutcome outcome, int exitCode, int signal,
                qint64 firstStartUs, qint64 finishedUs)
{
    JobSnapshot s;
    s.id = JobId(seq);
    s.seq = seq;
    s.name = QStringLiteral("job %1").arg(seq);
    s.state = state;
    s.attempts = firstStartUs ? 2 : 0;
    s.firstStartedUs = firstStartUs;
    s.finishedUs = finishedUs;
    s.hasLastAttempt = firstStartUs != 0;
    s.lastAttempt.outcome = outcome;
    s.lastAttempt.exitCode = exitCode;
    s.lastAttempt.signal = signal;
    return s;
}

RunSummary sample()
{
    RunSummary summary;
    summary.startedUs = Start;
    summary.finishedUs = Start + 2'500'000;
    summary.resultsDir = QStringLiteral("/tmp/out");
    summary.attempts = 6;
    summary.jobs = {
        job(1, JobState::Succeeded, AttemptOutcome::Succeeded, 0, 0, Start + 1000, Start + 500'000),
        job(2, JobState::Failed, AttemptOutcome::ExitCode, 3, 0, Start, Start + 2'000'000),
        job(3, JobState::Cancelled, AttemptOutcome::Cancelled, -1, 15, Start + 10,
            Start + 2'400'000),
        job(4, JobState::Cancelled, AttemptOutcome::Succeeded, -1, 0, 0, Start + 2'400'000),
        job(5, JobState::Failed, AttemptOutcome::TimedOut, -1, 15, Start, Start + 1'000'000),
    };
    return summary;
}

} // namespace

void TestRunSummary::json()
{
    const QJsonObject root = sample().toJson();
    for (const char *key : {"jobs", "succeeded", "failed", "cancelled", "attempts", "wall_seconds",
                            "results_dir", "per_job"})
        QVERIFY2(root.contains(QLatin1String(key)), key);
    QCOMPARE(root.value(QLatin1String("jobs")).toInt(), 5);
    QCOMPARE(root.value(QLatin1String("succeeded")).toInt(), 1);
    QCOMPARE(root.value(QLatin1String("failed")).toInt(), 2);
    QCOMPARE(root.value(QLatin1String("cancelled")).toInt(), 2);
    QCOMPARE(root.value(QLatin1String("attempts")).toInt(), 6);
    QCOMPARE(root.value(QLatin1String("wall_seconds")).toDouble(), 2.5);
    QCOMPARE(root.value(QLatin1String("results_dir")).toString(), QStringLiteral("/tmp/out"));

    const QJsonArray perJob = root.value(QLatin1String("per_job")).toArray();
    QCOMPARE(perJob.size(), 5);
    const QJsonObject first = perJob.at(0).toObject();
    QCOMPARE(first.keys(),
             (QStringList {QStringLiteral("attempts"), QStringLiteral("exit_code"),
                           QStringLiteral("finished"), QStringLiteral("first_start"),
                           QStringLiteral("name"), QStringLiteral("seq"), QStringLiteral("signal"),
                           QStringLiteral("state")}));
    QCOMPARE(first.value(QLatin1String("seq")).toInt(), 1);
    QCOMPARE(first.value(QLatin1String("name")).toString(), QStringLiteral("job 1"));
    QCOMPARE(first.value(QLatin1String("state")).toString(), QStringLiteral("succeeded"));
    QCOMPARE(first.value(QLatin1String("exit_code")).toInt(), 0);
    QCOMPARE(first.value(QLatin1String("first_start")).toDouble(), 0.001);
    QCOMPARE(first.value(QLatin1String("finished")).toDouble(), 0.5);
    QCOMPARE(perJob.at(1).toObject().value(QLatin1String("exit_code")).toInt(), 3);
    QVERIFY(perJob.at(2).toObject().value(QLatin1String("exit_code")).isNull());
    QCOMPARE(perJob.at(2).toObject().value(QLatin1String("signal")).toInt(), 15);
    QVERIFY(perJob.at(3).toObject().value(QLatin1String("first_start")).isNull());
    QCOMPARE(perJob.at(4).toObject().value(QLatin1String("exit_code")).toInt(), -1);

    RunSummary unfinished = sample();
    unfinished.jobs[0].state = JobState::Running;
    unfinished.resultsDir.clear();
    const QJsonObject other = unfinished.toJson();
    QVERIFY(other.value(QLatin1String("results_dir")).isNull());
    QVERIFY(other.value(QLatin1String("per_job"))
                .toArray()
                .at(0)
                .toObject()
                .value(QLatin1String("finished"))
                .isNull());
}

void TestRunSummary::line_data()
{
    QTest::addColumn<bool>("withJobs");
    QTest::addColumn<int>("skippedFailed");
    QTest::addColumn<QString>("expected");
    QTest::newRow("mixed") << true << 0
                           << QStringLiteral(
                                  "5 jobs: 1 succeeded, 2 failed, 2 cancelled; 6 attempts "
                                  "in 2.5 s; output in /tmp/out");
    QTest::newRow("resumed after failures")
        << true << 2
        << QStringLiteral("5 jobs: 1 succeeded, 2 failed, 2 cancelled, 3 skipped (2 of them failed "
                          "before); 6 attempts in 2.5 s; output in /tmp/out");
    QTest::newRow("empty") << false << 0
                           << QStringLiteral("0 jobs: 0 succeeded, 0 failed; 6 attempts "
                                             "in 2.5 s; output in /tmp/out");
}

void TestRunSummary::line()
{
    QFETCH(bool, withJobs);
    QFETCH(int, skippedFailed);
    QFETCH(QString, expected);
    RunSummary summary = sample();
    if (!withJobs)
        summary.jobs.clear();
    if (skippedFailed > 0) {
        summary.skipped = 3;
        summary.skippedFailed = skippedFailed;
    }
    QCOMPARE(summary.line(), expected);
    // A failure skipped on resume fails the whole list (the exit status).
    QVERIFY(!summary.succeeded() || (!withJobs && skippedFailed == 0));
}

QTEST_GUILESS_MAIN(TestRunSummary)
#include "tst_runsummary.moc"
