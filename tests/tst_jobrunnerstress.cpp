// Many jobs failing at random while another thread cancels and retries them:
// the runner's bookkeeping must match what actually ran.
#include "jobrunner.h"

#include <QDir>
#include <QRandomGenerator>
#include <QScopeGuard>
#include <QTest>
#include <QThread>

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

using namespace requeue;

namespace {
int openFdCount()
{
    return int(QDir(QStringLiteral("/proc/self/fd")).entryList(QDir::Files | QDir::System).size());
}
} // namespace

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
    QTest::addColumn<bool>("processes");
    // The `stress` ctest label runs this with REQUEUE_STRESS_SCALE set: about
    // a million callable attempts and over 20,000 process attempts.
    const int scale = qMax(1, qEnvironmentVariableIntValue("REQUEUE_STRESS_SCALE"));
    QTest::newRow("callables, 4 workers") << 5000 * scale << 4 << false;
    QTest::newRow("callables, 1 worker") << 2000 * scale << 1 << false;
    QTest::newRow("processes, 4 workers") << (scale > 1 ? 30'000 : 200) << 4 << true;
}

void tst_JobRunnerStress::randomFailuresCancelsAndRetries()
{
    QFETCH(int, jobCount);
    QFETCH(int, workers);
    QFETCH(bool, processes);
    const int fdsBefore = openFdCount();

    auto runner = std::make_unique<JobRunner>();
    runner->setMaxWorkers(workers);
    // Per job: how often its callable ran and succeeded.
    auto calls = std::make_unique<std::atomic_int[]>(size_t(jobCount) + 1);
    auto successes = std::make_unique<std::atomic_int[]>(size_t(jobCount) + 1);
    std::atomic_int finishedAttempts {0};
    connect(
        runner.get(), &JobRunner::attemptFinished, runner.get(),
        [&](JobId, const AttemptRecord &) { ++finishedAttempts; }, Qt::DirectConnection);

    QList<JobSpec> specs;
    for (int i = 0; i < jobCount; ++i) {
        JobSpec spec;
        spec.name = QString::number(i);
        spec.retry.maxAttempts = 1 + i % 5;
        if (processes) {
            // Fails 40% of its attempts, like the callables.
            spec.process.shellCommand = QStringLiteral("test $(($$ % 10)) -ge 4");
            specs.append(spec);
            continue;
        }
        spec.callable = [&calls, &successes](const AttemptContext &context) {
            ++calls[context.jobId];
            if (QRandomGenerator::global()->bounded(100) < 40)
                return 1;
            ++successes[context.jobId];
            return 0;
        };
        specs.append(spec);
    }
    const QList<JobId> ids = runner->addJobs(specs);
    runner->start();

    // Two other threads meddle until everything settled: both cancel at
    // random, one also retries failed and cancelled jobs. Only one retries:
    // its snapshot-then-retry is not atomic, and a second retrier could
    // retry a job the first had just seen through to success.
    std::atomic_bool stop {false};
    std::atomic_int retried {0};
    // Each stops once a good number of attempts went by, the runner is idle,
    // or it has meddled enough: cancelling queued jobs makes no attempts, so
    // the attempt count alone might never be reached.
    const auto meddlingDone = [&](int operations) {
        return stop.load() || operations >= 20 * jobCount || finishedAttempts.load() >= 2 * jobCount
            || runner->isIdle();
    };
    const auto meddle = [&](bool retries) {
        auto *random = QRandomGenerator::global();
        for (int operations = 0; !meddlingDone(operations); ++operations) {
            const JobId id = ids[random->bounded(int(ids.size()))];
            if (!retries || random->bounded(2) == 0) {
                runner->cancel(id);
            } else {
                const JobSnapshot s = runner->snapshot(id);
                if (s.state == JobState::Failed || s.state == JobState::Cancelled)
                    retried += runner->retry(id) ? 1 : 0;
            }
        }
    };
    // std::thread, not QThread: its join() is visible to ThreadSanitizer.
    std::vector<std::thread> meddlers;
    meddlers.emplace_back(meddle, true);
    meddlers.emplace_back(meddle, false);
    const auto joinMeddlers = [&] {
        stop = true;
        for (std::thread &meddler : meddlers) {
            if (meddler.joinable())
                meddler.join();
        }
    };
    // Joined on every way out, a failed check included.
    const auto stopMeddling = qScopeGuard(joinMeddlers);
    // Generous: the stress label runs a million jobs, maybe under TSan.
    const int waitMs = 30'000 + jobCount / 10;
    for (std::thread &meddler : meddlers)
        meddler.join(); // they stop by themselves, see meddlingDone
    QVERIFY(runner->waitForIdle(QDeadlineTimer(waitMs)));

    int recorded = 0;
    int terminal = 0;
    for (const JobSnapshot &s : runner->snapshots(ids)) {
        QVERIFY2(isTerminal(s.state), qPrintable(s.name));
        ++terminal;
        recorded += s.attempts;
        if (processes)
            continue; // no in-process counters to compare with
        QVERIFY2(successes[s.id].load() <= 1, qPrintable(s.name)); // never succeeded twice
        QVERIFY(calls[s.id].load() <= s.attempts);
        QCOMPARE(s.state == JobState::Succeeded, successes[s.id].load() == 1);
    }
    QCOMPARE(terminal, jobCount);
    const StateCounts counts = runner->stateCounts();
    QCOMPARE(counts.finished(), jobCount);
    QCOMPARE(counts.total(), jobCount);
    QCOMPARE(recorded, runner->totalAttempts());
    // The last attemptFinished is emitted just after the runner went idle.
    QTRY_COMPARE(finishedAttempts.load(), recorded);
    qInfo("%d jobs, %d attempts, %d manual retries", jobCount, recorded, retried.load());
    // Threads keep an eventfd each while they live: count once they are gone.
    runner.reset();
    // The process guard's socket stays open once made; nothing else may.
    QVERIFY(openFdCount() <= fdsBefore + 1);
}

QTEST_GUILESS_MAIN(tst_JobRunnerStress)
#include "tst_jobrunnerstress.moc"
