#include "attemptrecord.h"
#include "common/fakeexecutor.h"
#include "jobfilterproxy.h"
#include "jobrunner.h"
#include "jobtablemodel.h"

#include <QAbstractItemModelTester>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace requeue;

namespace {

JobSpec callableJob(const QString &name, int exitCode, int maxAttempts = 3, int seq = 0)
{
    JobSpec spec;
    spec.name = name;
    spec.seq = seq;
    spec.retry.maxAttempts = maxAttempts;
    spec.callable = [exitCode](const AttemptContext &) {
        return exitCode;
    };
    return spec;
}

// Runs until cancelled: a job that stays in Running for as long as a test needs.
JobSpec blockingJob(const QString &name)
{
    JobSpec spec;
    spec.name = name;
    spec.callable = [](const AttemptContext &context) {
        while (!context.shouldStop())
            QThread::msleep(2);
        return 1;
    };
    return spec;
}

QString cell(const QAbstractItemModel &model, int row, int column)
{
    return model.data(model.index(row, column)).toString();
}

} // namespace

class tst_JobTableModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void startsEmpty();
    void showsJobsAddedToTheRunnerDirectly();
    void finalRow_data();
    void finalRow();
    void changesArriveAsRowRangesWithRoles();
    void mostRowsChangedGivesOneWholeTableSignal();
    void sortsOnRawValues();
    void filterSettersReportChanges();
    void filtersByStateAndSearchText();
    void filtersBySeveralStates();
    void searchCountsFollowTheSearchText();
    void removeFinishedDropsOnlyFinishedRows();
    void removeFinishedManyRangesResets();
    void bigBatchesAreSpreadOverTicks();
    void durationTicksWhileRunning();
    void runningJobShowsItsStart();
    void compactRows();
    void manualRetryShowsEveryAttemptAndTheBudget();
    void durationIsTimeSpentRunning();
    void waitingJobShowsItsCountdown();
    void remainingTimeBoundsARunningJobByItsElapsedTime();

private:
    std::unique_ptr<JobRunner> m_runner;
    std::unique_ptr<JobTableModel> m_model;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
};

void tst_JobTableModel::init()
{
    m_runner = std::make_unique<JobRunner>();
    m_runner->setMaxWorkers(4);
    m_model = std::make_unique<JobTableModel>(m_runner.get());
    m_tester = std::make_unique<QAbstractItemModelTester>(
        m_model.get(), QAbstractItemModelTester::FailureReportingMode::QtTest);
}

void tst_JobTableModel::cleanup()
{
    m_tester.reset();
    m_model.reset();
    m_runner.reset();
}

void tst_JobTableModel::startsEmpty()
{
    QCOMPARE(m_model->rowCount(), 0);
    QCOMPARE(m_model->columnCount(), int(JobTableModel::ColumnCount));
    QCOMPARE(m_model->headerData(JobTableModel::AttemptsColumn, Qt::Horizontal).toString(),
             QStringLiteral("Attempts"));
}

void tst_JobTableModel::showsJobsAddedToTheRunnerDirectly()
{
    QSignalSpy inserted(m_model.get(), &QAbstractItemModel::rowsInserted);
    const QList<JobId> ids = m_runner->addJobs(
        {callableJob(QStringLiteral("a"), 0), callableJob(QStringLiteral("b"), 0)});
    // The runner's change feed brings them without any call from the test.
    QTRY_COMPARE(m_model->rowCount(), 2);
    QCOMPARE(inserted.count(), 1); // one batch, one signal
    QCOMPARE(m_model->jobId(0), ids[0]);
    QCOMPARE(m_model->rowOf(ids[1]), 1);
    QCOMPARE(cell(*m_model, 1, JobTableModel::NameColumn), QStringLiteral("b"));
    QCOMPARE(cell(*m_model, 0, JobTableModel::StateColumn), QStringLiteral("Queued"));
    QCOMPARE(cell(*m_model, 0, JobTableModel::AttemptsColumn), QStringLiteral("0 / 3"));
}

void tst_JobTableModel::finalRow_data()
{
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<int>("maxAttempts");
    QTest::addColumn<QString>("state");
    QTest::addColumn<QString>("attempts");
    QTest::addColumn<QString>("lastResult");

    QTest::newRow("succeeds") << 0 << 3 << "Succeeded"
                              << "1 / 3"
                              << "exit 0";
    QTest::newRow("fails three times") << 2 << 3 << "Failed"
                                       << "3 / 3"
                                       << "exit 2";
    QTest::newRow("fails once") << 7 << 1 << "Failed"
                                << "1 / 1"
                                << "exit 7";
}

void tst_JobTableModel::finalRow()
{
    QFETCH(int, exitCode);
    QFETCH(int, maxAttempts);
    QFETCH(QString, state);
    QFETCH(QString, attempts);
    QFETCH(QString, lastResult);
    m_runner->addJob(callableJob(QStringLiteral("job"), exitCode, maxAttempts));
    m_runner->start();
    QTRY_COMPARE(cell(*m_model, 0, JobTableModel::StateColumn), state);
    QCOMPARE(cell(*m_model, 0, JobTableModel::AttemptsColumn), attempts);
    QCOMPARE(cell(*m_model, 0, JobTableModel::LastResultColumn), lastResult);
    QVERIFY(!cell(*m_model, 0, JobTableModel::FinishedColumn).isEmpty());
    const QModelIndex stateCell = m_model->index(0, JobTableModel::StateColumn);
    QVERIFY(!m_model->data(stateCell, Qt::DecorationRole).value<QIcon>().isNull());
    QVERIFY(m_model->data(stateCell, Qt::ForegroundRole).value<QColor>().isValid());
}

void tst_JobTableModel::changesArriveAsRowRangesWithRoles()
{
    QList<JobSpec> specs;
    for (int i = 0; i < 10; ++i)
        specs.append(callableJob(QString::number(i), 0));
    m_runner->addJobs(specs);
    m_model->refreshNow();
    QCOMPARE(m_model->rowCount(), 10);

    QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);
    m_runner->cancel(QList<JobId> {m_model->jobId(3), m_model->jobId(4), m_model->jobId(8)});
    m_model->refreshNow();
    QCOMPARE(changed.count(), 2); // rows 3-4 and row 8
    const auto first = changed.at(0);
    QCOMPARE(first.at(0).toModelIndex().row(), 3);
    QCOMPARE(first.at(1).toModelIndex().row(), 4);
    const auto roles = first.at(2).value<QList<int>>();
    QVERIFY(roles.contains(Qt::DisplayRole));
    QVERIFY(roles.contains(JobTableModel::SortRole));
    QVERIFY(roles.contains(Qt::DecorationRole)); // the state changed
    QCOMPARE(changed.at(1).at(0).toModelIndex().row(), 8);
    QCOMPARE(cell(*m_model, 8, JobTableModel::StateColumn), QStringLiteral("Cancelled"));
}

void tst_JobTableModel::mostRowsChangedGivesOneWholeTableSignal()
{
    QList<JobSpec> specs;
    for (int i = 0; i < 100; ++i)
        specs.append(callableJob(QString::number(i), 0));
    m_runner->addJobs(specs);
    m_model->refreshNow();
    QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);
    QList<JobId> evenIds;
    for (int row = 0; row < 100; row += 2)
        evenIds.append(m_model->jobId(row));
    evenIds.append(m_model->jobId(1));
    m_runner->cancel(evenIds);
    m_model->refreshNow();
    QCOMPARE(changed.count(), 1);
    QCOMPARE(changed.at(0).at(0).toModelIndex().row(), 0);
    QCOMPARE(changed.at(0).at(1).toModelIndex().row(), 99);
}

void tst_JobTableModel::sortsOnRawValues()
{
    m_runner->addJobs({callableJob(QStringLiteral("ten"), 0, 3, 10),
                       callableJob(QStringLiteral("two"), 0, 3, 2),
                       callableJob(QStringLiteral("one hundred"), 0, 3, 100)});
    m_model->refreshNow();
    JobFilterProxy proxy;
    proxy.setSourceModel(m_model.get());
    QAbstractItemModelTester proxyTester(&proxy,
                                         QAbstractItemModelTester::FailureReportingMode::QtTest);
    proxy.sort(JobTableModel::SeqColumn, Qt::AscendingOrder);
    // As text "10" < "100" < "2"; as numbers 2 < 10 < 100.
    QCOMPARE(cell(proxy, 0, JobTableModel::SeqColumn), QStringLiteral("2"));
    QCOMPARE(cell(proxy, 1, JobTableModel::SeqColumn), QStringLiteral("10"));
    QCOMPARE(cell(proxy, 2, JobTableModel::SeqColumn), QStringLiteral("100"));
    QCOMPARE(proxy.data(proxy.index(0, 0), JobTableModel::SortRole).toLongLong(), 2);
    proxy.sort(JobTableModel::NameColumn, Qt::DescendingOrder);
    QCOMPARE(cell(proxy, 0, JobTableModel::NameColumn), QStringLiteral("two"));
}

void tst_JobTableModel::filterSettersReportChanges()
{
    JobFilterProxy proxy;
    proxy.setSourceModel(m_model.get());
    QVERIFY(proxy.setStateFilter(jobStateSet({JobState::Failed})));
    QVERIFY(!proxy.setStateFilter(jobStateSet({JobState::Failed})));
    QVERIFY(proxy.setStateFilter(jobStateSet({JobState::Failed, JobState::Cancelled})));
    QVERIFY(proxy.setStateFilter({}));
    QVERIFY(proxy.setSearchText(QStringLiteral("abc")));
    QVERIFY(!proxy.setSearchText(QStringLiteral(" abc ")));
    QVERIFY(proxy.setSearchText(QString()));
}

void tst_JobTableModel::filtersByStateAndSearchText()
{
    JobSpec shell;
    shell.name = QStringLiteral("compress");
    shell.process.shellCommand = QStringLiteral("gzip -9 big.log");
    m_runner->addJobs(
        {callableJob(QStringLiteral("alpha"), 0), shell, callableJob(QStringLiteral("beta"), 0)});
    m_runner->cancel(m_runner->jobIds().constLast());
    m_model->refreshNow();
    JobFilterProxy proxy;
    proxy.setSourceModel(m_model.get());
    QAbstractItemModelTester proxyTester(&proxy,
                                         QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(proxy.rowCount(), 3);
    proxy.setStateFilter(jobStateSet({JobState::Cancelled}));
    QCOMPARE(proxy.rowCount(), 1);
    QCOMPARE(cell(proxy, 0, JobTableModel::NameColumn), QStringLiteral("beta"));
    proxy.setStateFilter({});
    proxy.setSearchText(QStringLiteral("GZIP")); // the command, any case
    QCOMPARE(proxy.rowCount(), 1);
    QCOMPARE(proxy.jobIdAt(0), m_runner->jobIds().at(1));
    proxy.setSearchText(QStringLiteral("a")); // alpha and beta, not "compress"
    QCOMPARE(proxy.rowCount(), 2);
}

void tst_JobTableModel::filtersBySeveralStates()
{
    m_runner->addJobs({callableJob(QStringLiteral("fails"), 1, 1),
                       callableJob(QStringLiteral("succeeds"), 0, 1)});
    m_runner->start();
    QTRY_COMPARE(m_model->stateCounts().finished(), 2);
    m_runner->pause();
    const QList<JobId> later = m_runner->addJobs(
        {callableJob(QStringLiteral("cancelled"), 0), callableJob(QStringLiteral("queued"), 0)});
    m_runner->cancel(later.constFirst());
    m_model->refreshNow();
    JobFilterProxy proxy;
    proxy.setSourceModel(m_model.get());
    QAbstractItemModelTester proxyTester(&proxy,
                                         QAbstractItemModelTester::FailureReportingMode::QtTest);
    proxy.sort(JobTableModel::SeqColumn, Qt::AscendingOrder);
    proxy.setStateFilter(jobStateSet({JobState::Failed, JobState::Cancelled}));
    QCOMPARE(proxy.rowCount(), 2);
    QCOMPARE(cell(proxy, 0, JobTableModel::NameColumn), QStringLiteral("fails"));
    QCOMPARE(cell(proxy, 1, JobTableModel::NameColumn), QStringLiteral("cancelled"));
    proxy.setSearchText(QStringLiteral("cancel")); // both filters apply
    QCOMPARE(proxy.rowCount(), 1);
    QCOMPARE(cell(proxy, 0, JobTableModel::NameColumn), QStringLiteral("cancelled"));
    proxy.setSearchText(QString());
    proxy.setStateFilter(jobStateSet({JobState::Succeeded, JobState::Queued, JobState::Failed}));
    QCOMPARE(proxy.rowCount(), 3);
    proxy.setStateFilter({});
    QCOMPARE(proxy.rowCount(), 4);
}

void tst_JobTableModel::searchCountsFollowTheSearchText()
{
    const QList<JobId> ids = m_runner->addJobs({callableJob(QStringLiteral("resize a.png"), 0),
                                                callableJob(QStringLiteral("resize b.png"), 0),
                                                callableJob(QStringLiteral("upload a.png"), 0)});
    m_runner->cancel(ids[1]);
    m_model->refreshNow();
    JobFilterProxy proxy;
    proxy.setSourceModel(m_model.get());
    proxy.setStateFilter(jobStateSet({JobState::Cancelled})); // counts ignore it
    QCOMPARE(proxy.searchCounts(), m_model->stateCounts());
    proxy.setSearchText(QStringLiteral("RESIZE"));
    StateCounts expected;
    expected[JobState::Queued] = 1;
    expected[JobState::Cancelled] = 1;
    QCOMPARE(proxy.searchCounts(), expected);
    m_runner->cancel(ids[0]); // the state changes, the match is remembered
    m_model->refreshNow();
    expected[JobState::Queued] = 0;
    expected[JobState::Cancelled] = 2;
    QCOMPARE(proxy.searchCounts(), expected);
    m_runner->addJob(callableJob(QStringLiteral("resize c.png"), 0)); // new rows are matched
    m_model->refreshNow();
    expected[JobState::Queued] = 1;
    QCOMPARE(proxy.searchCounts(), expected);
    proxy.setSearchText(QStringLiteral("a.png"));
    expected = {};
    expected[JobState::Cancelled] = 1;
    expected[JobState::Queued] = 1;
    QCOMPARE(proxy.searchCounts(), expected);
}

void tst_JobTableModel::removeFinishedDropsOnlyFinishedRows()
{
    const QList<JobId> ids = m_runner->addJobs({callableJob(QStringLiteral("a"), 0),
                                                callableJob(QStringLiteral("b"), 0),
                                                callableJob(QStringLiteral("c"), 0)});
    m_runner->cancel(QList<JobId> {ids[0], ids[2]});
    m_model->refreshNow();
    QCOMPARE(m_model->finishedJobIds(), (QList<JobId> {ids[0], ids[2]}));
    QCOMPARE(m_model->removeFinished(ids), 2);
    QCOMPARE(m_model->rowCount(), 1);
    QCOMPARE(m_model->jobId(0), ids[1]);
    QCOMPARE(m_model->rowOf(ids[2]), -1);
}

void tst_JobTableModel::removeFinishedManyRangesResets()
{
    QList<JobSpec> specs;
    for (int i = 0; i < 100; ++i)
        specs.append(callableJob(QString::number(i), 0));
    const QList<JobId> ids = m_runner->addJobs(specs);
    QList<JobId> odd;
    for (int i = 1; i < 100; i += 2)
        odd.append(ids[i]);
    m_runner->cancel(odd);
    m_model->refreshNow();
    QSignalSpy reset(m_model.get(), &QAbstractItemModel::modelReset);
    QCOMPARE(m_model->removeFinished(ids), 50);
    QCOMPARE(reset.count(), 1); // 50 ranges: one reset, not 50 removals
    QCOMPARE(m_model->rowCount(), 50);
    for (int row = 0; row < 50; ++row)
        QCOMPARE(m_model->jobId(row), ids[row * 2]);
    QCOMPARE(m_model->rowOf(ids[1]), -1);
}

void tst_JobTableModel::bigBatchesAreSpreadOverTicks()
{
    QList<JobSpec> specs;
    for (int i = 0; i < 10000; ++i)
        specs.append(callableJob(QString::number(i), 0));
    m_runner->addJobs(specs);
    m_model->refreshNow();
    QCOMPARE(m_model->rowCount(), 10000);
    QSignalSpy refreshed(m_model.get(), &JobTableModel::refreshed);
    m_runner->cancelAll();
    QTRY_COMPARE(cell(*m_model, 9999, JobTableModel::StateColumn), QStringLiteral("Cancelled"));
    QVERIFY2(refreshed.count() >= 3, qPrintable(QString::number(refreshed.count())));
    for (int row = 0; row < 10000; row += 997)
        QCOMPARE(m_model->state(row), JobState::Cancelled);
}

void tst_JobTableModel::durationTicksWhileRunning()
{
    m_runner->addJob(blockingJob(QStringLiteral("long")));
    m_runner->start();
    QTRY_COMPARE(cell(*m_model, 0, JobTableModel::StateColumn), QStringLiteral("Running"));
    QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);
    const auto tickedDuration = [&] {
        for (const auto &args : changed) {
            if (args.at(0).toModelIndex().column() == JobTableModel::DurationColumn)
                return true;
        }
        return false;
    };
    QTRY_VERIFY_WITH_TIMEOUT(tickedDuration(), 2500);
    QVERIFY(!cell(*m_model, 0, JobTableModel::DurationColumn).isEmpty());
    m_runner->cancelAll();
    QTRY_COMPARE(cell(*m_model, 0, JobTableModel::StateColumn), QStringLiteral("Cancelled"));
}

void tst_JobTableModel::runningJobShowsItsStart()
{
    // The executor begins the attempt only when told, after the table has
    // already shown the job as Running: the start must still reach the row.
    auto owned = std::make_unique<test::FakeExecutor>();
    test::FakeExecutor *executor = owned.get();
    JobRunner runner(std::move(owned));
    // A failed check must not leave the runner waiting for its attempt.
    const auto finishLeftovers = qScopeGuard([&] { executor->cancelAll(); });
    JobTableModel model(&runner);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const JobId id = runner.addJob(callableJob(QStringLiteral("slow to start"), 0));
    runner.start();
    model.refreshNow();
    QCOMPARE(cell(model, 0, JobTableModel::StateColumn), QStringLiteral("Running"));
    QCOMPARE(cell(model, 0, JobTableModel::StartedColumn), QString());

    executor->begin(id);
    QTRY_VERIFY(!cell(model, 0, JobTableModel::StartedColumn).isEmpty());
    QVERIFY(!cell(model, 0, JobTableModel::DurationColumn).isEmpty());
    executor->finish(id, AttemptOutcome::Succeeded);
    QTRY_COMPARE(cell(model, 0, JobTableModel::StateColumn), QStringLiteral("Succeeded"));
}

void tst_JobTableModel::compactRows()
{
    QList<JobSpec> specs;
    for (int i = 0; i < 1000; ++i)
        specs.append(callableJob(QStringLiteral("job %1").arg(i), 0));
    m_runner->addJobs(specs);
    m_model->refreshNow();
    QCOMPARE(m_model->rowCount(), 1000);
    QVERIFY2(m_model->approximateBytesPerRow() < 512,
             qPrintable(QString::number(m_model->approximateBytesPerRow())));
}

// Bug: after a manual retry the cell said "3 / 3" with 6 attempts made.
void tst_JobTableModel::manualRetryShowsEveryAttemptAndTheBudget()
{
    const JobId id = m_runner->addJob(callableJob(QStringLiteral("job"), 1, 3));
    m_runner->start();
    QTRY_COMPARE(m_runner->snapshot(id).state, JobState::Failed);
    m_model->refreshNow();
    QCOMPARE(cell(*m_model, 0, JobTableModel::AttemptsColumn), QStringLiteral("3 / 3"));
    QVERIFY(m_runner->retry(id));
    QTRY_VERIFY(m_runner->snapshot(id).attempts == 6
                && m_runner->snapshot(id).state == JobState::Failed);
    m_model->refreshNow();
    QCOMPARE(cell(*m_model, 0, JobTableModel::AttemptsColumn), QStringLiteral("6 \u00b7 3 / 3"));
}

// Bug: Duration ran from the first start to the last end, idle time included.
void tst_JobTableModel::durationIsTimeSpentRunning()
{
    const JobId id = m_runner->addJob(callableJob(QStringLiteral("quick"), 1, 1));
    m_runner->start();
    QTRY_COMPARE(m_runner->snapshot(id).state, JobState::Failed);
    const qint64 firstEnd = m_runner->snapshot(id).finishedUs;
    // Idle for a while before the manual retry, by the clock, not by a sleep.
    QTRY_VERIFY(nowUs() - firstEnd > 600'000);
    QVERIFY(m_runner->retry(id));
    QTRY_VERIFY(m_runner->snapshot(id).attempts == 2
                && m_runner->snapshot(id).state == JobState::Failed);
    m_model->refreshNow();
    const JobSnapshot s = m_runner->snapshot(id, true);
    QVERIFY(s.finishedUs - s.firstStartedUs > 600'000); // what the old cell showed
    const qint64 shown = m_model->index(0, JobTableModel::DurationColumn)
                             .data(JobTableModel::SortRole)
                             .toLongLong();
    QCOMPARE(shown, s.history[0].durationUs() + s.history[1].durationUs());
    QVERIFY2(shown < 300'000, qPrintable(QString::number(shown)));

    // Live while an attempt runs. A fresh model reads the start that the
    // runner knows (the feed reports a start itself; see tst_jobrunner).
    const JobId running = m_runner->addJob(blockingJob(QStringLiteral("blocking")));
    QTRY_VERIFY(m_runner->snapshot(running).runningSinceUs > 0);
    JobTableModel live(m_runner.get());
    const QModelIndex duration = live.index(live.rowOf(running), JobTableModel::DurationColumn);
    QTRY_VERIFY(duration.data(JobTableModel::SortRole).toLongLong() > 200'000);
    QVERIFY(!duration.data().toString().isEmpty());
    m_runner->cancelAll();
}

void tst_JobTableModel::waitingJobShowsItsCountdown()
{
    JobSpec spec = callableJob(QStringLiteral("backs off"), 1, 2);
    spec.retry.backoff = RetryPolicy::Backoff::Fixed;
    spec.retry.initialDelay = std::chrono::seconds(30);
    const JobId id = m_runner->addJob(spec);
    m_runner->start();
    QTRY_COMPARE(m_runner->snapshot(id).state, JobState::WaitingForRetry);
    m_model->refreshNow();
    const QString state = cell(*m_model, 0, JobTableModel::StateColumn);
    QVERIFY2(state.startsWith(QStringLiteral("Waiting: retry in ")), qPrintable(state));
    m_runner->cancelAll();
}

// Bug: "about 5 s" with 41 s of a sleep 60 left. A running job's elapsed
// time is a lower bound of its duration, and no data means no estimate.
void tst_JobTableModel::remainingTimeBoundsARunningJobByItsElapsedTime()
{
    QVERIFY(!m_model->remainingSeconds(4)); // nothing yet
    const JobId blocking = m_runner->addJob(blockingJob(QStringLiteral("long")));
    m_runner->start();
    QTRY_COMPARE(m_runner->snapshot(blocking).state, JobState::Running);
    m_model->refreshNow();
    QVERIFY(!m_model->remainingSeconds(4)); // no job has finished: say nothing
    const JobId quick = m_runner->addJob(callableJob(QStringLiteral("quick"), 0));
    QTRY_COMPARE(m_runner->snapshot(quick).state, JobState::Succeeded);
    QTRY_VERIFY(nowUs() - m_runner->snapshot(blocking).firstStartedUs > 1'000'000);
    m_model->refreshNow();
    const std::optional<double> left = m_model->remainingSeconds(4);
    QVERIFY(left);
    // The quick job says "0 s", but the running one has run over a second.
    QVERIFY2(*left >= 0.9, qPrintable(QString::number(*left)));
    m_runner->cancelAll();
}

QTEST_MAIN(tst_JobTableModel)
#include "tst_jobtablemodel.moc"
