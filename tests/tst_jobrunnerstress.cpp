// Many jobs failing at random while another thread cancels and retries them:
// the runner's bookkeeping must match what actually ran.
#include "jobrunner.h"

#include <QRandomGenerator>
#include <QTest>
#include <QThread>

#include <atomic>
#include <memory>
#include <vector>

using namespace requeue;

class tst_JobRunnerStress : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void randomFailuresCancelsAndRetries_data();
    void randomFailuresCancelsAndRetries();
};

void tst_JobRunnerStress::randomFailuresCancelsAndRetries_data()
{
    QTest::addColumn<int>("jobCount");
    QTest::addColumn<int>("workers");
    const int scale = qEnvironmentVariableIntValue("REQUEUE_STRESS_SCALE");
    QTest::newRow("5000 jobs, 4 workers") << 5000 * qMax(1, scale) << 4;
    QTest::newRow("2000 jobs, 1 worker") << 2000 * qMax(1, scale) << 1;
}

void tst_JobRunnerStress::randomFailuresCancelsAndRetries()
{
    QFETCH(int, jobCount);
    QFETCH(int, workers);

    JobRunner runner;
    runner.setMaxWorkers(workers);
    // Per job: how often its callable ran and succeeded.
    auto calls = std::make_unique<std::atomic_int[]>(size_t(jobCount) + 1);
    auto successes = std::make_unique<std::atomic_int[]>(size_t(jobCount) + 1);
    std::atomic_int finishedAttempts{0};
    connect(&runner, &JobRunner::attemptFinished, &runner,
            [&](JobId, const AttemptRecord &) { ++finishedAttempts; }, Qt::DirectConnection);

    QList<JobSpec> specs;
    for (int i = 0; i < jobCount; ++i) {
        JobSpec spec;
        spec.name = QString::number(i);
        spec.retry.maxAttempts = 1 + i % 5;
        spec.callable = [&calls, &successes](const AttemptContext &context) {
            ++calls[context.jobId];
            if (QRandomGenerator::global()->bounded(100) < 40)
                return 1;
            ++successes[context.jobId];
            return 0;
        };
        specs.append(spec);
    }
    const QList<JobId> ids = runner.addJobs(specs);
    runner.start();

    // Another thread cancels and retries at random until everything settled.
    std::atomic_bool stop{false};
    std::atomic_int retried{0};
    std::unique_ptr<QThread> meddler(QThread::create([&] {
        auto *random = QRandomGenerator::global();
        while (!stop.load()) {
            const JobId id = ids[random->bounded(int(ids.size()))];
            if (random->bounded(2) == 0) {
                runner.cancel(id);
            } else {
                const JobSnapshot s = runner.snapshot(id);
                if (s.state == JobState::Failed || s.state == JobState::Cancelled)
                    retried += runner.retry(id) ? 1 : 0;
            }
        }
    }));
    meddler->start();
    // Meddle while a good number of attempts go by, retries included.
    QTRY_VERIFY_WITH_TIMEOUT(finishedAttempts.load() >= 2 * jobCount || runner.isIdle(), 30'000);
    stop = true;
    QVERIFY(meddler->wait(5000));
    QVERIFY(runner.waitForIdle(QDeadlineTimer(30'000)));

    int recorded = 0;
    int terminal = 0;
    for (const JobSnapshot &s : runner.snapshots(ids)) {
        QVERIFY2(isTerminal(s.state), qPrintable(s.name));
        ++terminal;
        recorded += s.attempts;
        QVERIFY2(successes[s.id].load() <= 1, qPrintable(s.name)); // never succeeded twice
        QVERIFY(calls[s.id].load() <= s.attempts);
        QCOMPARE(s.state == JobState::Succeeded, successes[s.id].load() == 1);
    }
    QCOMPARE(terminal, jobCount);
    const StateCounts counts = runner.stateCounts();
    QCOMPARE(counts[int(JobState::Succeeded)] + counts[int(JobState::Failed)]
                 + counts[int(JobState::Cancelled)],
             jobCount);
    QCOMPARE(recorded, runner.totalAttempts());
    QCOMPARE(recorded, finishedAttempts.load());
    qInfo("%d jobs, %d attempts, %d manual retries", jobCount, recorded, retried.load());
}

QTEST_GUILESS_MAIN(tst_JobRunnerStress)
#include "tst_jobrunnerstress.moc"
