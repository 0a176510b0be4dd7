// The window running a job list on the test cluster (tests/slurm/cluster.sh,
// started by the ctest fixture): "Run on: Slurm cluster" in the run settings,
// jobs queued in Slurm with a reason, a Slurm job column, and a failed
// attempt resubmitted at once, polled as the settings say; a killed `requeue run --backend slurm`
// (the built executable) resumed in the window follows the jobs it left in Slurm.
#include "common/slurmtesting.h"
#include "jobrunner.h"
#include "jobtablemodel.h"
#include "mainwindow.h"
#include "runhistory.h"
#include "runsession.h"
#include "runsettingswidget.h"
#include "slurmexecutor.h"

#include <QAction>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSettings>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace requeue;
using namespace requeue::test;
using namespace std::chrono_literals;

class tst_SlurmWindow : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void runsAListOnSlurm();
    void killedRunResumesWithoutSubmittingTwice();
};

void tst_SlurmWindow::initTestCase()
{
    if (qEnvironmentVariableIsEmpty("SLURM_CONF"))
        QSKIP("no test cluster: run through ctest, which starts tests/slurm/cluster.sh");
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("RequeueTest"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_slurmwindow"));
    QSettings().clear();
}

void tst_SlurmWindow::runsAListOnSlurm()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString list = dir.filePath(QStringLiteral("jobs.json"));
    QFile file(list);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(R"([{"command": "echo ok"},
                   {"command": "[ $REQUEUE_ATTEMPT -ge 2 ] || exit 4", "max_attempts": 3},
                   {"command": "true", "sbatch_args": ["--begin=now+1hour"]}])");
    file.close();

    JobRunner runner;
    runner.setOutputDirectory(dir.filePath(QStringLiteral("out")));
    MainWindow window(&runner);
    window.show();
    QTableView *table = window.table();
    QVERIFY(table->isColumnHidden(JobTableModel::ClusterJobColumn));

    auto *backend
        = window.runSettingsWidget()->findChild<QComboBox *>(QStringLiteral("backendCombo"));
    QVERIFY(backend);
    backend->setCurrentIndex(int(RunSettings::Backend::Slurm));
    QCOMPARE(window.runSettings().backend, RunSettings::Backend::Slurm);
    QVERIFY(!table->isColumnHidden(JobTableModel::ClusterJobColumn));
    // Polled as often as the settings say, and recorded so for a resume.
    auto *poll
        = window.runSettingsWidget()->findChild<QDoubleSpinBox *>(QStringLiteral("slurmPollSpin"));
    QVERIFY(poll && poll->isEnabled());
    poll->setValue(0.3);
    QCOMPARE(window.runSettings().slurmPoll, 300ms);
    QVERIFY(window.slurmExecutor());
    QCOMPARE(window.slurmExecutor()->pollInterval(), 300ms);

    QVERIFY(window.loadFile(list));
    window.findChild<QAction *>(QStringLiteral("actionStartPause"))->trigger();
    QFile info(window.session()->directory() + QLatin1String("/run.json"));
    QVERIFY(info.open(QIODevice::ReadOnly));
    const QJsonObject options
        = QJsonDocument::fromJson(info.readAll()).object().value(u"options").toObject();
    QCOMPARE(options.value(u"poll_ms").toInteger(), 300);
    const QList<JobId> ids = runner.jobIds();
    QCOMPARE(ids.size(), 3);
    JobTableModel *model = window.model();
    const auto cell = [model](JobId id, int column) {
        return model->index(model->rowOf(id), column).data().toString();
    };
    QTRY_COMPARE_WITH_TIMEOUT(runner.snapshot(ids[0]).state, JobState::Succeeded, 60'000);
    QTRY_COMPARE_WITH_TIMEOUT(runner.snapshot(ids[1]).state, JobState::Succeeded, 60'000);
    QCOMPARE(runner.snapshot(ids[1]).attempts, 2);
    // The third waits in Slurm's queue until its begin time, and says so.
    QTRY_VERIFY_WITH_TIMEOUT(cell(ids[2], JobTableModel::StateColumn)
                                 .startsWith(QLatin1String("queued in Slurm (BeginTime")),
                             30'000);
    QVERIFY(!cell(ids[2], JobTableModel::ClusterJobColumn).isEmpty());
    runner.cancel(ids[2]);
    QTRY_COMPARE_WITH_TIMEOUT(runner.snapshot(ids[2]).state, JobState::Cancelled, 30'000);
    QSettings().clear();
}

// Opened and resumed in the window, a run killed while its jobs were
// pending and running in Slurm goes on with those jobs: one Slurm job per
// attempt, attempt numbers and the run's count of attempts as they were.
void tst_SlurmWindow::killedRunResumesWithoutSubmittingTwice()
{
    const QString binary = qEnvironmentVariable("REQUEUE_BINARY");
    QVERIFY2(QFile::exists(binary), "REQUEUE_BINARY is not set (run through ctest)");
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    // Job 1 fails once and is resubmitted before the kill; the others outnumber
    // the node's CPUs, so that some are pending and some running when it comes.
    constexpr int Jobs = 4;
    QByteArray text = "[ $REQUEUE_ATTEMPT -ge 2 ] || exit 3; sleep 3; echo one\n";
    QList<QPair<int, int>> inSlurm {{1, 2}};
    for (int seq = 2; seq <= Jobs; ++seq) {
        text += "sleep 3; echo attempt $REQUEUE_ATTEMPT\n";
        inSlurm.append({seq, 1});
    }
    const QString list = dir.filePath(QStringLiteral("jobs.txt"));
    QFile file(list);
    QVERIFY(file.open(QIODevice::WriteOnly) && file.write(text) == text.size());
    file.close();
    const QString runDir = dir.filePath(QStringLiteral("run"));
    qint64 killedPid = 0;
    killSlurmRunOnceSubmitted(binary, list, runDir,
                              {QStringLiteral("--max-attempts"), QStringLiteral("3")}, inSlurm,
                              &killedPid);
    if (QTest::currentTestFailed())
        return;
    const RunHistory killed = readRunDirectory(runDir);
    QCOMPARE(killed.status, RunHistory::Status::Crashed);
    QCOMPARE(killed.totalAttempts(), Jobs + 1);
    qint64 lastSubmitted = 0;
    for (const QSet<QString> &attempt : clusterIdsByAttempt(runDir)) {
        for (const QString &id : attempt)
            lastSubmitted = std::max(lastSubmitted, id.toLongLong());
    }

    JobRunner runner;
    MainWindow window(&runner);
    window.show();
    QVERIFY(window.openRun(runDir));
    QCOMPARE(window.runSettings().backend, RunSettings::Backend::Slurm);
    QVERIFY(window.slurmExecutor());
    QCOMPARE(window.slurmExecutor()->pollInterval(), 200ms); // the killed run's --poll
    const QList<JobId> ids = runner.jobIds();
    QCOMPARE(ids.size(), Jobs);
    window.findChild<QAction *>(QStringLiteral("actionStartPause"))->trigger();
    QCOMPARE(window.session()->mode(), RunSession::Mode::Recording);
    for (JobId id : ids)
        QTRY_COMPARE_WITH_TIMEOUT(runner.snapshot(id).state, JobState::Succeeded, SlurmWaitMs);
    QCOMPARE(runner.snapshot(ids[0]).attempts, 2);
    for (int i = 1; i < Jobs; ++i)
        QCOMPARE(runner.snapshot(ids[i]).attempts, 1);
    QCOMPARE(runner.totalAttempts(), Jobs + 1);
    QCOMPARE(readFile(runDir + QLatin1String("/out/1/2/stdout")), QByteArray("one\n"));
    QCOMPARE(readFile(runDir + QLatin1String("/out/2/1/stdout")), QByteArray("attempt 1\n"));

    // One Slurm job per attempt, in the journal and in Slurm: nothing was
    // submitted since the kill.
    const auto clusterIds = clusterIdsByAttempt(runDir);
    QCOMPARE(clusterIds.size(), Jobs + 1);
    for (auto it = clusterIds.cbegin(); it != clusterIds.cend(); ++it) {
        QVERIFY2(it->size() == 1,
                 qPrintable(QStringLiteral("job %1 attempt %2 has %3 Slurm jobs")
                                .arg(it.key().first)
                                .arg(it.key().second)
                                .arg(it->size())));
    }
    QCOMPARE(submittedWithTag(QString::number(killedPid)), Jobs + 1);
    QCOMPARE(submittedAfter(lastSubmitted), 0);
    QSettings().clear();
}

QTEST_MAIN(tst_SlurmWindow)
#include "tst_slurmwindow.moc"
