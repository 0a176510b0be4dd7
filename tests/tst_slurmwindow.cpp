// The window running a job list on the test cluster (tests/slurm/cluster.sh,
// started by the ctest fixture): "Run on: Slurm cluster" in the run settings,
// jobs queued in Slurm with a reason, a Slurm job column, and a failed
// attempt resubmitted at once.
#include "jobrunner.h"
#include "jobtablemodel.h"
#include "mainwindow.h"
#include "runsettingswidget.h"

#include <QAction>
#include <QComboBox>
#include <QFile>
#include <QSettings>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace requeue;

class tst_SlurmWindow : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void runsAListOnSlurm();
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

    auto *backend = window.runSettingsWidget()->findChild<QComboBox *>(QStringLiteral("backendCombo"));
    QVERIFY(backend);
    backend->setCurrentIndex(int(RunSettings::Backend::Slurm));
    QCOMPARE(window.runSettings().backend, RunSettings::Backend::Slurm);
    QVERIFY(!table->isColumnHidden(JobTableModel::ClusterJobColumn));

    QVERIFY(window.loadFile(list));
    window.findChild<QAction *>(QStringLiteral("actionStartPause"))->trigger();
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

QTEST_MAIN(tst_SlurmWindow)
#include "tst_slurmwindow.moc"
