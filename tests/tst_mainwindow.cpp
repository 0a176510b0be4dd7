#include "common/privatestatehome.h"
#include "detailspane.h"
#include "elidedlabel.h"
#include "filterbar.h"
#include "jobfilterproxy.h"
#include "jobrunner.h"
#include "jobtablemodel.h"
#include "mainwindow.h"
#include "outputview.h"
#include "runsettingswidget.h"
#include "runstatuswidget.h"
#include "stateicons.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QComboBox>
#include <QDesktopServices>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollBar>
#include <QSettings>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QThreadPool>
#include <QToolButton>
#include <QTreeWidget>

#include <memory>

using namespace requeue;

namespace {

QAction *action(MainWindow &window, const char *name)
{
    auto *found = window.findChild<QAction *>(QString::fromLatin1(name));
    Q_ASSERT(found);
    return found;
}

int count(JobRunner *runner, JobState state)
{
    return runner->stateCounts()[int(state)];
}

bool allFinished(JobRunner *runner)
{
    return runner->jobCount() > 0 && runner->stateCounts().active() == 0;
}

QString cellOf(MainWindow &window, JobId id, int column)
{
    JobTableModel *model = window.model();
    return model->index(model->rowOf(id), column).data().toString();
}

// Pixels of `image` inside `rect` within a few steps of `colour` on every channel.
int pixelsNear(const QImage &image, const QRect &rect, const QColor &colour)
{
    int count = 0;
    const QRect inside = rect.intersected(image.rect());
    for (int y = inside.top(); y <= inside.bottom(); ++y) {
        for (int x = inside.left(); x <= inside.right(); ++x) {
            const QColor pixel = image.pixelColor(x, y);
            if (qAbs(pixel.red() - colour.red()) <= 8 && qAbs(pixel.green() - colour.green()) <= 8
                && qAbs(pixel.blue() - colour.blue()) <= 8)
                ++count;
        }
    }
    return count;
}

QMessageBox *visibleBox(MainWindow &window, const QString &name)
{
    const QList<QMessageBox *> boxes = window.findChildren<QMessageBox *>(name);
    for (QMessageBox *box : boxes) {
        if (box->isVisible())
            return box;
    }
    return nullptr;
}

// True while a process whose command line contains `token` exists.
bool processExists(const QByteArray &token)
{
    const QStringList pids = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs);
    for (const QString &pid : pids) {
        QFile cmdline(QStringLiteral("/proc/%1/cmdline").arg(pid));
        if (cmdline.open(QIODevice::ReadOnly) && cmdline.readAll().contains(token))
            return true;
    }
    return false;
}

} // namespace

class tst_MainWindow : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void loadingDoesNotStart();
    void loadErrorsNameLineAndColumn();
    void runsToTheEndAndRetriesSelected();
    void cancelsARunningSleepWithinASecond();
    void filterButtonsAndSearch();
    void filtersShowSeveralStatesAtOnce();
    void filterCountsFollowTheSearch();
    void emptyTableSaysWhy();
    void detailsShowTheChosenAttemptsOutput();
    void detailsFollowLiveOutput();
    void shortcutsDriveTheRun();
    void retryAllFailedOnTenThousandJobs();
    void actionsFollowTheSelection();
    void closingWhileRunningAsks();
    void dropLoadsFiles();
    void settingsAreRemembered();
    void rendersAfterADemoRun();
    void notificationsCanBeTurnedOff();
    void aboutNamesBothVersions();
    void openingAnotherListAsksAndStartsNothing();
    void replacingCancelsTheActiveJobs();
    void namesTheRunAndLeavesDefaultNamesEmpty();
    void clearFinishedAsksAndFixesTheTitle();
    void cancelAllAsksForManyJobs();
    void statusBarFitsAnEightHundredPixelWindow();
    void statusBarCutsTheCountsBeforeTheEta();
    void defaultColumnsFitTheDefaultWindow();
    void finishedRunSaysSoAndPauseBecomesResume();
    void opensTheOutputFolder();
    void errorDialogCountsTheErrors();
    void errorDialogSaysHowManyMore();

public Q_SLOTS:
    void recordUrl(const QUrl &url) { m_openedUrls.append(url); }

private:
    QString writeList(const QByteArray &text);
    std::unique_ptr<MainWindow> makeWindow();

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<test::PrivateStateHome> m_stateHome; // before the runner: it outlives it
    std::unique_ptr<JobRunner> m_runner;
    int m_files = 0;
    QList<QUrl> m_openedUrls;
};

void tst_MainWindow::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("RequeueTest"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_mainwindow"));
}

void tst_MainWindow::init()
{
    QSettings().clear();
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_stateHome = std::make_unique<test::PrivateStateHome>();
    QVERIFY(m_stateHome->isValid());
    m_runner = std::make_unique<JobRunner>();
    m_runner->setOutputDirectory(m_dir->filePath(QStringLiteral("out")));
}

void tst_MainWindow::cleanup()
{
    m_runner.reset();
    QThreadPool::globalInstance()->waitForDone(10'000); // the window's pruning of old runs
    m_stateHome.reset();
    m_dir.reset();
}

QString tst_MainWindow::writeList(const QByteArray &text)
{
    const QString path = m_dir->filePath(QStringLiteral("jobs%1.txt").arg(++m_files));
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(text) != text.size())
        qFatal("cannot write %s", qPrintable(path));
    return path;
}

std::unique_ptr<MainWindow> tst_MainWindow::makeWindow()
{
    auto window = std::make_unique<MainWindow>(m_runner.get());
    window->show();
    return window;
}

void tst_MainWindow::loadingDoesNotStart()
{
    auto window = makeWindow();
    QAbstractItemModelTester tester(window->proxy(),
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVERIFY(window->loadFile(writeList("true\nfalse\necho hello\n")));
    QCOMPARE(window->table()->model()->rowCount(), 3);
    QCOMPARE(count(m_runner.get(), JobState::Queued), 3);
    QVERIFY(m_runner->isPaused());
    // Nothing may start behind the user's back: not on a queued call, and
    // not on what the window hears from the runner's feed.
    QCoreApplication::sendPostedEvents();
    m_runner->flushChanges();
    QCoreApplication::sendPostedEvents();
    QVERIFY(m_runner->isPaused());
    QCOMPARE(m_runner->totalAttempts(), 0);
    QVERIFY(action(*window, "actionStartPause")->isEnabled());
    QVERIFY(window->windowTitle().contains(QStringLiteral("jobs")));
}

void tst_MainWindow::loadErrorsNameLineAndColumn()
{
    auto window = makeWindow();
    const QString path = writeList("true\nbad \xff byte\n");
    QVERIFY(!window->loadFile(path));
    QCOMPARE(m_runner->jobCount(), 0);
    QMessageBox *box = visibleBox(*window, QStringLiteral("loadErrorBox"));
    QVERIFY(box);
    QVERIFY2(box->detailedText().startsWith(path + QStringLiteral(":2:")),
             qPrintable(box->detailedText()));
    box->close();
}

void tst_MainWindow::runsToTheEndAndRetriesSelected()
{
    auto window = makeWindow();
    window->findChild<QSpinBox *>(QStringLiteral("maxAttemptsSpin"))->setValue(2);
    QCOMPARE(window->runSettings().maxAttempts, 2);
    QVERIFY(window->loadFile(writeList("true\nexit 3\n")));
    action(*window, "actionStartPause")->trigger();
    QTRY_VERIFY(allFinished(m_runner.get()));
    const JobId failed = m_runner->jobIds().at(1);
    QTRY_COMPARE(cellOf(*window, failed, JobTableModel::StateColumn), QStringLiteral("Failed"));
    QCOMPARE(cellOf(*window, failed, JobTableModel::AttemptsColumn), QStringLiteral("2 / 2"));
    QCOMPARE(cellOf(*window, failed, JobTableModel::LastResultColumn), QStringLiteral("exit 3"));
    QTRY_VERIFY(window->windowTitle().startsWith(QStringLiteral("Done:")));
    QTRY_VERIFY2(
        window->runStatus()->countsText().contains(QStringLiteral("1 succeeded, 1 failed")),
        qPrintable(window->runStatus()->countsText()));

    window->selectJobs({failed});
    QCOMPARE(window->selectedJobIds(), QList<JobId> {failed});
    QAction *retry = action(*window, "actionRetry");
    QTRY_VERIFY(retry->isEnabled());
    retry->trigger();
    QTRY_COMPARE(m_runner->snapshot(failed).attempts, 4);
    QTRY_COMPARE(cellOf(*window, failed, JobTableModel::StateColumn), QStringLiteral("Failed"));
    QTRY_COMPARE(window->detailsPane()->historyView()->topLevelItemCount(), 4);
}

void tst_MainWindow::cancelsARunningSleepWithinASecond()
{
    auto window = makeWindow();
    const QByteArray token = "60.0" + QByteArray::number(QCoreApplication::applicationPid());
    QVERIFY(window->loadFile(writeList("sleep " + token + "\n")));
    action(*window, "actionStartPause")->trigger();
    const JobId id = m_runner->jobIds().constFirst();
    QTRY_COMPARE(cellOf(*window, id, JobTableModel::StateColumn), QStringLiteral("Running"));
    QTRY_VERIFY(processExists(token));
    window->selectJobs({id});
    QAction *cancel = action(*window, "actionCancel");
    QVERIFY(cancel->isEnabled());
    QElapsedTimer clock;
    clock.start();
    cancel->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(
        cellOf(*window, id, JobTableModel::StateColumn) == QStringLiteral("Cancelled"), 1000);
    QVERIFY2(clock.elapsed() < 1000, qPrintable(QString::number(clock.elapsed())));
    QVERIFY(!processExists(token));
    QCOMPARE(m_runner->snapshot(id).attempts, 1); // never retried behind the user's back
}

void tst_MainWindow::filterButtonsAndSearch()
{
    auto window = makeWindow();
    QVERIFY(window->loadFile(writeList("true\nfalse\necho needle\nexit 4\n")));
    action(*window, "actionStartPause")->trigger();
    QTRY_VERIFY(allFinished(m_runner.get()));
    QTRY_COMPARE(count(m_runner.get(), JobState::Failed), 2);

    QToolButton *failedButton = window->filterBar()->button(JobState::Failed);
    QTRY_COMPARE(failedButton->text(), QStringLiteral("Failed (2)"));
    failedButton->click();
    QAbstractItemModel *view = window->table()->model();
    QTRY_COMPARE(view->rowCount(), 2); // the table follows the runner within a tick
    window->filterBar()->button(std::nullopt)->click();
    QCOMPARE(view->rowCount(), 4);
    QTest::keyClicks(window->filterBar()->searchField(), QStringLiteral("NEEDLE"));
    QTRY_COMPARE(view->rowCount(), 1);
    QCOMPARE(view->index(0, JobTableModel::CommandColumn).data().toString(),
             QStringLiteral("echo needle"));
    window->filterBar()->button(JobState::Succeeded)->click();
    QCOMPARE(view->rowCount(), 1);
    window->filterBar()->button(JobState::Succeeded)->click(); // unchecked: All again
    QVERIFY(window->filterBar()->button(std::nullopt)->isChecked());
    window->filterBar()->button(JobState::Failed)->click();
    QCOMPARE(view->rowCount(), 0);
}

void tst_MainWindow::filtersShowSeveralStatesAtOnce()
{
    auto window = makeWindow();
    window->findChild<QSpinBox *>(QStringLiteral("maxAttemptsSpin"))->setValue(1);
    QVERIFY(window->loadFile(writeList("true\nexit 3\necho cancel me\n")));
    m_runner->cancel(m_runner->jobIds().constLast());
    action(*window, "actionStartPause")->trigger();
    QTRY_VERIFY(allFinished(m_runner.get()));
    FilterBar *bar = window->filterBar();
    QTRY_COMPARE(bar->button(JobState::Failed)->text(), QStringLiteral("Failed (1)"));

    QAbstractItemModel *view = window->table()->model();
    bar->button(JobState::Failed)->click();
    QTRY_COMPARE(view->rowCount(), 1);
    bar->button(JobState::Cancelled)->click(); // joins Failed, does not replace it
    QCOMPARE(view->rowCount(), 2);
    QVERIFY(bar->button(JobState::Failed)->isChecked());
    QVERIFY(bar->button(JobState::Cancelled)->isChecked());
    QVERIFY(!bar->button(std::nullopt)->isChecked());
    QCOMPARE(window->proxy()->stateFilter(), jobStateSet({JobState::Failed, JobState::Cancelled}));
    bar->button(JobState::Failed)->click(); // leaves Cancelled alone
    QCOMPARE(view->rowCount(), 1);
    QCOMPARE(view->index(0, JobTableModel::CommandColumn).data().toString(),
             QStringLiteral("echo cancel me"));
    bar->button(std::nullopt)->click();
    QCOMPARE(view->rowCount(), 3);
    QVERIFY(!bar->button(JobState::Cancelled)->isChecked());
    QVERIFY(bar->button(std::nullopt)->isChecked());
}

void tst_MainWindow::filterCountsFollowTheSearch()
{
    auto window = makeWindow();
    window->findChild<QSpinBox *>(QStringLiteral("maxAttemptsSpin"))->setValue(1);
    QVERIFY(window->loadFile(writeList("true\nexit 3\necho cancel me\nexit 4\n")));
    m_runner->cancel(m_runner->jobIds().constLast());
    m_runner->cancel(m_runner->jobIds().at(2));
    action(*window, "actionStartPause")->trigger();
    QTRY_VERIFY(allFinished(m_runner.get()));
    FilterBar *bar = window->filterBar();
    QTRY_COMPARE(bar->button(std::nullopt)->text(), QStringLiteral("All (4)"));
    QTRY_COMPARE(bar->button(JobState::Cancelled)->text(), QStringLiteral("Cancelled (2)"));
    QTRY_COMPARE(bar->button(JobState::Failed)->text(), QStringLiteral("Failed (1)"));
    QTRY_COMPARE(bar->button(JobState::Succeeded)->text(), QStringLiteral("Succeeded (1)"));

    QTest::keyClicks(bar->searchField(), QStringLiteral("EXIT"));
    QTRY_COMPARE(bar->button(std::nullopt)->text(), QStringLiteral("All (2)"));
    QCOMPARE(bar->button(JobState::Failed)->text(), QStringLiteral("Failed (1)"));
    QCOMPARE(bar->button(JobState::Cancelled)->text(), QStringLiteral("Cancelled (1)"));
    QCOMPARE(bar->button(JobState::Succeeded)->text(), QStringLiteral("Succeeded (0)"));
    bar->searchField()->clear();
    QTRY_COMPARE(bar->button(std::nullopt)->text(), QStringLiteral("All (4)"));
    QCOMPARE(bar->button(JobState::Succeeded)->text(), QStringLiteral("Succeeded (1)"));
}

void tst_MainWindow::emptyTableSaysWhy()
{
    auto window = makeWindow();
    window->findChild<QSpinBox *>(QStringLiteral("maxAttemptsSpin"))->setValue(1);
    auto *placeholder
        = window->table()->viewport()->findChild<QLabel *>(QStringLiteral("tablePlaceholder"));
    QVERIFY(placeholder);
    QVERIFY(placeholder->isVisible());
    QVERIFY2(placeholder->text().contains(QStringLiteral("File > Open")),
             qPrintable(placeholder->text()));
    QCOMPARE(placeholder->geometry(), window->table()->viewport()->rect());

    QVERIFY(window->loadFile(writeList("true\nfalse\n")));
    QVERIFY(!placeholder->isVisible());
    window->filterBar()->button(JobState::Failed)->click(); // nothing has failed yet
    QCOMPARE(window->table()->model()->rowCount(), 0);
    QVERIFY(placeholder->isVisible());
    QVERIFY2(placeholder->text().startsWith(QStringLiteral("No matching jobs")),
             qPrintable(placeholder->text()));
    action(*window, "actionStartPause")->trigger(); // `false` fails and shows up
    QTRY_COMPARE(window->table()->model()->rowCount(), 1);
    QVERIFY(!placeholder->isVisible());
    window->filterBar()->button(std::nullopt)->click();
    QTest::keyClicks(window->filterBar()->searchField(), QStringLiteral("no such job"));
    QTRY_VERIFY(placeholder->isVisible());
    window->resize(window->width() + 40, window->height() + 30); // follows the viewport
    QTRY_COMPARE(placeholder->geometry(), window->table()->viewport()->rect());
}

void tst_MainWindow::detailsShowTheChosenAttemptsOutput()
{
    auto window = makeWindow();
    window->findChild<QSpinBox *>(QStringLiteral("maxAttemptsSpin"))->setValue(3);
    QVERIFY(window->loadFile(
        writeList("echo \"out of attempt $REQUEUE_ATTEMPT\"; echo oops >&2; exit 1\n")));
    action(*window, "actionStartPause")->trigger();
    QTRY_VERIFY(allFinished(m_runner.get()));
    const JobId id = m_runner->jobIds().constFirst();
    window->selectJobs({id});
    DetailsPane *details = window->detailsPane();
    QCOMPARE(details->job(), id);
    QTRY_COMPARE(details->historyView()->topLevelItemCount(), 3);
    QCOMPARE(details->shownAttempt(), 3);
    QTRY_COMPARE(details->stdoutView()->text(), QStringLiteral("out of attempt 3\n"));
    details->showAttempt(2);
    QCOMPARE(details->shownAttempt(), 2);
    QTRY_COMPARE(details->stdoutView()->text(), QStringLiteral("out of attempt 2\n"));
    QCOMPARE(details->stderrView()->text(), QStringLiteral("oops\n"));
}

void tst_MainWindow::detailsFollowLiveOutput()
{
    auto window = makeWindow();
    QVERIFY(window->loadFile(writeList("echo first; sleep 2; echo second\n")));
    const JobId id = m_runner->jobIds().constFirst();
    window->selectJobs({id});
    action(*window, "actionStartPause")->trigger();
    OutputView *out = window->detailsPane()->stdoutView();
    QTRY_COMPARE(out->text(), QStringLiteral("first\n")); // while it still runs
    QCOMPARE(m_runner->snapshot(id).state, JobState::Running);
    QTRY_COMPARE_WITH_TIMEOUT(out->text(), QStringLiteral("first\nsecond\n"), 10000);
    QTRY_COMPARE(m_runner->snapshot(id).state, JobState::Succeeded);
}

void tst_MainWindow::shortcutsDriveTheRun()
{
    auto window = makeWindow();
    QApplication::setActiveWindow(window.get());
    if (!QTest::qWaitForWindowActive(window.get()))
        QSKIP("Shortcuts need an active window; this platform has no window manager.");
    QVERIFY(window->loadFile(writeList("sleep 30\nsleep 30\n")));
    window->table()->setFocus();
    QTest::keyClick(window.get(), Qt::Key_F5); // Start
    QTRY_COMPARE(count(m_runner.get(), JobState::Running), 2);
    QTest::keyClick(window->table(), Qt::Key_A, Qt::ControlModifier); // select all
    QCOMPARE(window->selectedJobIds().size(), 2);
    QTest::keyClick(window.get(), Qt::Key_K, Qt::ControlModifier); // cancel selected
    QTRY_COMPARE(count(m_runner.get(), JobState::Cancelled), 2);
    QTRY_VERIFY(action(*window, "actionRetry")->isEnabled());      // as a person would wait
    QTest::keyClick(window.get(), Qt::Key_R, Qt::ControlModifier); // retry selected
    QTRY_COMPARE(count(m_runner.get(), JobState::Running), 2);
    QTest::keyClick(window.get(), Qt::Key_K, Qt::ControlModifier | Qt::ShiftModifier); // all
    QTRY_COMPARE(count(m_runner.get(), JobState::Cancelled), 2);
    QCOMPARE(m_runner->totalAttempts(), 4);
}

void tst_MainWindow::retryAllFailedOnTenThousandJobs()
{
    constexpr int Jobs = 10000;
    QList<JobSpec> specs;
    for (int i = 0; i < Jobs; ++i) {
        JobSpec spec;
        spec.name = QStringLiteral("callable %1").arg(i);
        spec.retry.maxAttempts = 1;
        spec.callable = [](const AttemptContext &) {
            return 1;
        };
        specs.append(spec);
    }
    m_runner->addJobs(specs); // behind the window's back: the model must cope
    auto window = makeWindow();
    m_runner->start();
    QTRY_VERIFY_WITH_TIMEOUT(allFinished(m_runner.get()), 60000);
    QTRY_COMPARE(window->filterBar()->button(JobState::Failed)->text(),
                 QStringLiteral("Failed (10000)"));
    QAction *retryFailed = action(*window, "actionRetryFailed");
    QTRY_VERIFY(retryFailed->isEnabled());
    QElapsedTimer clock;
    clock.start();
    retryFailed->trigger();
    const qint64 triggerMs = clock.elapsed();
    QVERIFY2(triggerMs < 2000, qPrintable(QString::number(triggerMs)));
    QTRY_VERIFY_WITH_TIMEOUT(m_runner->totalAttempts() == 2 * Jobs && allFinished(m_runner.get()),
                             60000);
    QTRY_COMPARE(window->model()->index(Jobs - 1, JobTableModel::AttemptsColumn).data().toString(),
                 QStringLiteral("2 \u00b7 1 / 1")); // every attempt, then the budget
    QCOMPARE(m_runner->snapshot(m_runner->jobIds().constLast()).attempts, 2);
    qInfo("retry all failed on %d jobs: %lld ms in the GUI thread", Jobs, triggerMs);
}

void tst_MainWindow::actionsFollowTheSelection()
{
    auto window = makeWindow();
    QVERIFY(window->loadFile(writeList("true\nsleep 30\n")));
    QAction *retry = action(*window, "actionRetry");
    QAction *cancel = action(*window, "actionCancel");
    QVERIFY(!retry->isEnabled());
    QVERIFY(!cancel->isEnabled());
    const QList<JobId> ids = m_runner->jobIds();
    window->selectJobs({ids[0]});
    QVERIFY(!retry->isEnabled()); // queued: nothing to retry
    QVERIFY(cancel->isEnabled());
    action(*window, "actionCancelAll")->trigger();
    QTRY_VERIFY(retry->isEnabled());
    QVERIFY(!cancel->isEnabled());
    QVERIFY(action(*window, "actionClearFinished")->isEnabled());
    action(*window, "actionClearFinished")->trigger();
    QMessageBox *box = visibleBox(*window, QStringLiteral("clearBox"));
    QVERIFY(box); // cancelled jobs would go: asked first
    box->findChild<QPushButton *>(QStringLiteral("clearAllButton"))->click();
    QCOMPARE(window->model()->rowCount(), 0);
    QCOMPARE(m_runner->jobCount(), 0);
}

void tst_MainWindow::closingWhileRunningAsks()
{
    auto window = makeWindow();
    QVERIFY(window->loadFile(writeList("sleep 30\n")));
    action(*window, "actionStartPause")->trigger();
    QTRY_COMPARE(count(m_runner.get(), JobState::Running), 1);
    QVERIFY(!window->close());
    QVERIFY(window->isVisible());
    QMessageBox *box = visibleBox(*window, QStringLiteral("quitBox"));
    QVERIFY(box);
    box->findChild<QPushButton *>(QStringLiteral("keepButton"))->click();
    QVERIFY(window->isVisible());
    QCOMPARE(count(m_runner.get(), JobState::Running), 1);

    QVERIFY(!window->close());
    QTRY_VERIFY((box = visibleBox(*window, QStringLiteral("quitBox"))));
    box->findChild<QPushButton *>(QStringLiteral("quitButton"))->click();
    QTRY_VERIFY(!window->isVisible());
    QTRY_COMPARE(count(m_runner.get(), JobState::Cancelled), 1);
}

void tst_MainWindow::dropLoadsFiles()
{
    auto window = makeWindow();
    QMimeData mime;
    mime.setUrls({QUrl::fromLocalFile(writeList("true\ntrue\n"))});
    QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(window.get(), &enter);
    QVERIFY(enter.isAccepted());
    QDropEvent drop(QPointF(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(window.get(), &drop);
    QCOMPARE(window->model()->rowCount(), 2);
}

void tst_MainWindow::settingsAreRemembered()
{
    const QString path = writeList("true\n");
    {
        auto window = makeWindow();
        auto *workers = window->findChild<QSpinBox *>(QStringLiteral("workersSpin"));
        workers->setValue(3);
        QCOMPARE(m_runner->maxWorkers(), 3); // at once
        window->findChild<QSpinBox *>(QStringLiteral("maxAttemptsSpin"))->setValue(0);
        window->loadFile(path);
        QCOMPARE(m_runner->snapshot(m_runner->jobIds().constFirst()).maxAttempts, 0);
        QCOMPARE(cellOf(*window, m_runner->jobIds().constFirst(), JobTableModel::AttemptsColumn),
                 QStringLiteral("0 / \u221e"));
        window->table()->horizontalHeader()->setSectionHidden(JobTableModel::StartedColumn, true);
        window->table()->horizontalHeader()->resizeSection(JobTableModel::NameColumn, 321);
    }
    auto window = makeWindow();
    QCOMPARE(window->runSettings().workers, 3);
    QCOMPARE(window->runSettings().maxAttempts, 0);
    QCOMPARE(window->findChild<QSpinBox *>(QStringLiteral("workersSpin"))->value(), 3);
    QHeaderView *header = window->table()->horizontalHeader();
    QVERIFY(header->isSectionHidden(JobTableModel::StartedColumn));
    QCOMPARE(header->sectionSize(JobTableModel::NameColumn), 321);

    // The recent files menu lists the file and loads it again.
    auto *recent = window->findChild<QMenu *>(QStringLiteral("recentMenu"));
    QVERIFY(recent);
    QMetaObject::invokeMethod(recent, "aboutToShow");
    const QList<QAction *> entries = recent->actions();
    QVERIFY(!entries.isEmpty());
    QVERIFY(entries.first()->text().endsWith(path));
    entries.first()->trigger();
    QMessageBox *box = visibleBox(*window, QStringLiteral("openModeBox"));
    QVERIFY(box); // the window shows jobs: Replace or Add?
    box->findChild<QPushButton *>(QStringLiteral("addButton"))->click();
    QCOMPARE(m_runner->jobCount(), 2);
}

void tst_MainWindow::rendersAfterADemoRun()
{
    auto window = makeWindow();
    window->resize(1280, 800);
    window->findChild<QSpinBox *>(QStringLiteral("maxAttemptsSpin"))->setValue(3);
    window->findChild<QSpinBox *>(QStringLiteral("workersSpin"))->setValue(3);
    window->findChild<QComboBox *>(QStringLiteral("backoffCombo"))->setCurrentIndex(1); // fixed
    window->findChild<QSpinBox *>(QStringLiteral("delaySpin"))->setValue(5000);
    QVERIFY(window->loadFile(
        writeList("#name: fetch sources\necho 'cloning into src/...'; echo 'done: 1432 files'\n"
                  "#name: build\necho '[1/3] compile'; echo '[2/3] link'; echo '[3/3] done'\n"
                  "#name: flaky test\necho \"attempt $REQUEUE_ATTEMPT of $REQUEUE_MAX_ATTEMPTS\"; "
                  "echo 'connection reset by peer' >&2; exit 2\n"
                  "#name: render video\nsleep 30\n"
                  "#name: lint\necho ok\n"
                  "#name: upload artefacts\nsleep 25\n"
                  "#name: missing tool\n/nonexistent/tool --check\n"
                  "#name: docs\necho 'writing docs/index.html'\n"
                  "#name: thumbnails\nfor i in 1 2 3; do echo thumb $i; done\n"
                  "#name: archive logs\ntar --version > /dev/null\n")));
    action(*window, "actionStartPause")->trigger();
    QTRY_COMPARE(count(m_runner.get(), JobState::Running), 2);
    QTRY_COMPARE(count(m_runner.get(), JobState::WaitingForRetry), 2);
    QTRY_COMPARE(count(m_runner.get(), JobState::Succeeded), 6);
    const QList<JobId> ids = m_runner->jobIds();
    const JobId flaky = ids.at(2);
    const JobId render = ids.at(3);
    window->selectJobs({flaky});

    // What the picture shows, each a real outcome of the run: the counts,
    QTRY_VERIFY2(window->runStatus()->countsText().contains(QStringLiteral("6 succeeded")),
                 qPrintable(window->runStatus()->countsText()));
    // the cells (the flaky job retries every 5 s: its first or second wait),
    QTRY_VERIFY2(cellOf(*window, flaky, JobTableModel::StateColumn).startsWith(u"Waiting: "),
                 qPrintable(cellOf(*window, flaky, JobTableModel::StateColumn)));
    const QString flakyAttempts = cellOf(*window, flaky, JobTableModel::AttemptsColumn);
    QVERIFY2(flakyAttempts == u"1 / 3" || flakyAttempts == u"2 / 3", qPrintable(flakyAttempts));
    QCOMPARE(cellOf(*window, flaky, JobTableModel::LastResultColumn), QStringLiteral("exit 2"));
    QCOMPARE(cellOf(*window, ids.at(0), JobTableModel::StateColumn), QStringLiteral("Succeeded"));
    QCOMPARE(cellOf(*window, render, JobTableModel::StateColumn), QStringLiteral("Running"));
    // a duration that ticks while its job runs,
    QTRY_VERIFY(!cellOf(*window, render, JobTableModel::DurationColumn).isEmpty());
    const QString duration = cellOf(*window, render, JobTableModel::DurationColumn);
    QTRY_VERIFY(cellOf(*window, render, JobTableModel::DurationColumn) != duration);
    // the selected job's output,
    DetailsPane *details = window->detailsPane();
    QTRY_VERIFY2(details->stderrView()->text().startsWith(u"connection reset by peer\n"),
                 qPrintable(details->stderrView()->text()));
    QVERIFY2(details->stdoutView()->text().startsWith(u"attempt "),
             qPrintable(details->stdoutView()->text()));

    // and each state cell drawn in its state's colour (the selected row's
    // icon is tinted with the highlight: left out).
    const QImage image = window->grab().toImage();
    QVERIFY(!image.isNull());
    QTableView *table = window->table();
    JobTableModel *model = window->model();
    int checked = 0;
    for (JobId id : ids) {
        const QModelIndex source = model->index(model->rowOf(id), JobTableModel::StateColumn);
        const auto state = JobState(source.data(JobTableModel::StateRole).toInt());
        QRect cell = table->visualRect(window->proxy()->mapFromSource(source));
        if (id == flaky || !table->viewport()->rect().contains(cell))
            continue; // the docks leave room for the first rows only
        ++checked;
        cell.moveTopLeft(table->viewport()->mapTo(window.get(), cell.topLeft()));
        const QString where = QStringLiteral("job %1 (%2)").arg(id).arg(jobStateName(state));
        QVERIFY2(pixelsNear(image, cell, stateColor(state)) >= 20, qPrintable(where));
        for (JobState other : {JobState::Running, JobState::WaitingForRetry, JobState::Succeeded,
                               JobState::Failed}) {
            if (other != state)
                QVERIFY2(pixelsNear(image, cell, stateColor(other)) == 0, qPrintable(where));
        }
    }
    QVERIFY2(checked >= 5, qPrintable(QString::number(checked)));
    const QString out = qEnvironmentVariable("REQUEUE_SCREENSHOT");
    if (!out.isEmpty())
        QVERIFY(image.save(out));
    m_runner->cancelAll();
}

// The View menu's switch, remembered for the next window (RunAlerts has the
// notifications themselves, tst_runalerts their D-Bus calls).
void tst_MainWindow::notificationsCanBeTurnedOff()
{
    {
        auto window = makeWindow();
        QAction *notifications = action(*window, "actionNotifications");
        QVERIFY(notifications->isCheckable());
        QVERIFY(notifications->isChecked());
        notifications->trigger();
    }
    auto window = makeWindow();
    QVERIFY(!action(*window, "actionNotifications")->isChecked());
}

// The same versions as `requeue --version`.
void tst_MainWindow::aboutNamesBothVersions()
{
    QCoreApplication::setApplicationVersion(QStringLiteral("9.8.7"));
    auto window = makeWindow();
    action(*window, "actionAbout")->trigger();
    QMessageBox *box = nullptr;
    QTRY_VERIFY((box = visibleBox(*window, QStringLiteral("aboutBox"))));
    QVERIFY2(box->text().contains(QStringLiteral("9.8.7")), qPrintable(box->text()));
    QVERIFY2(box->text().contains(QStringLiteral("Qt ") + QString::fromLatin1(qVersion())),
             qPrintable(box->text()));
    box->accept();
    QCoreApplication::setApplicationVersion(QString());
}

// Bug: opening a list after a run started its jobs at once, appended them
// with repeating # values and named only the new file.
void tst_MainWindow::openingAnotherListAsksAndStartsNothing()
{
    auto window = makeWindow();
    QAbstractItemModelTester tester(window->proxy(),
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    const QString first = writeList("true\ntrue\n");
    QVERIFY(window->loadFile(first));
    action(*window, "actionStartPause")->trigger();
    QTRY_VERIFY(allFinished(m_runner.get()));
    QVERIFY(!m_runner->isPaused()); // the run ended without a pause

    const QString second = writeList("true\ntrue\ntrue\n");
    QVERIFY(window->loadFile(second));
    QMessageBox *box = visibleBox(*window, QStringLiteral("openModeBox"));
    QVERIFY(box);
    QCOMPARE(box->defaultButton()->objectName(), QStringLiteral("replaceButton"));
    QCOMPARE(m_runner->jobCount(), 2); // nothing added before the answer
    box->findChild<QPushButton *>(QStringLiteral("addButton"))->click();
    QCOMPARE(window->model()->rowCount(), 5);
    QVERIFY(m_runner->isPaused()); // so nothing of the new list can start
    QCOMPARE(count(m_runner.get(), JobState::Queued), 3);
    QCOMPARE(m_runner->totalAttempts(), 2);
    QSet<QString> seqs;
    for (int row = 0; row < window->model()->rowCount(); ++row)
        seqs.insert(window->model()->index(row, JobTableModel::SeqColumn).data().toString());
    QCOMPARE(seqs.size(), 5); // # stays unique
    QVERIFY2(window->windowTitle().contains(QFileInfo(first).fileName())
                 && window->windowTitle().contains(QFileInfo(second).fileName()),
             qPrintable(window->windowTitle()));

    const QString third = writeList("true\n");
    QVERIFY(window->loadFile(third));
    QVERIFY((box = visibleBox(*window, QStringLiteral("openModeBox"))));
    box->findChild<QPushButton *>(QStringLiteral("replaceButton"))->click();
    QCOMPARE(window->model()->rowCount(), 1);
    QCOMPARE(cellOf(*window, m_runner->jobIds().constFirst(), JobTableModel::SeqColumn),
             QStringLiteral("1"));
    QVERIFY(m_runner->isPaused());
    QCOMPARE(count(m_runner.get(), JobState::Queued), 1);
    QVERIFY2(!window->windowTitle().contains(QFileInfo(first).fileName()),
             qPrintable(window->windowTitle()));
    QVERIFY(window->windowTitle().contains(QFileInfo(third).fileName()));
    QCOMPARE(action(*window, "actionStartPause")->text(), QStringLiteral("&Start"));
}

void tst_MainWindow::replacingCancelsTheActiveJobs()
{
    auto window = makeWindow();
    QVERIFY(window->loadFile(writeList("sleep 30\n")));
    action(*window, "actionStartPause")->trigger();
    QTRY_COMPARE(count(m_runner.get(), JobState::Running), 1);
    QVERIFY(window->loadFile(writeList("true\ntrue\n")));
    QMessageBox *box = visibleBox(*window, QStringLiteral("openModeBox"));
    QVERIFY(box);
    QVERIFY2(box->informativeText().contains(QStringLiteral("cancels")),
             qPrintable(box->informativeText()));
    box->findChild<QPushButton *>(QStringLiteral("replaceButton"))->click();
    // The cancelled sleep leaves the table once its process has ended.
    QTRY_COMPARE(window->model()->rowCount(), 2);
    QCOMPARE(m_runner->jobCount(), 2);
    QCOMPARE(count(m_runner.get(), JobState::Queued), 2);
    QCOMPARE(m_runner->totalAttempts(), 1);
}

void tst_MainWindow::namesTheRunAndLeavesDefaultNamesEmpty()
{
    auto window = makeWindow();
    QVERIFY(window->loadFile(writeList("true\n#name: named\ntrue\n")));
    const QList<JobId> ids = m_runner->jobIds();
    QCOMPARE(cellOf(*window, ids[0], JobTableModel::NameColumn), QString());
    QCOMPARE(cellOf(*window, ids[1], JobTableModel::NameColumn), QStringLiteral("named"));
    // Command comes before the time columns.
    QVERIFY(JobTableModel::CommandColumn < JobTableModel::DurationColumn);
    QCOMPARE(window->table()->horizontalHeader()->visualIndex(JobTableModel::CommandColumn),
             int(JobTableModel::CommandColumn));
}

// Bug: the title still said "Done: ..." after Clear finished emptied the table.
void tst_MainWindow::clearFinishedAsksAndFixesTheTitle()
{
    auto window = makeWindow();
    window->findChild<QSpinBox *>(QStringLiteral("maxAttemptsSpin"))->setValue(1);
    QVERIFY(window->loadFile(writeList("true\ntrue\nexit 3\n")));
    action(*window, "actionStartPause")->trigger();
    QTRY_VERIFY(allFinished(m_runner.get()));
    QTRY_VERIFY(window->windowTitle().startsWith(QStringLiteral("Done:")));
    QTRY_VERIFY(action(*window, "actionClearFinished")->isEnabled());

    action(*window, "actionClearFinished")->trigger();
    QMessageBox *box = visibleBox(*window, QStringLiteral("clearBox"));
    QVERIFY(box); // a failed job would go: asked first
    QCOMPARE(box->defaultButton()->objectName(), QStringLiteral("clearSucceededButton"));
    box->defaultButton()->click();
    QCOMPARE(m_runner->jobCount(), 1);
    QCOMPARE(count(m_runner.get(), JobState::Failed), 1);
    QVERIFY2(window->windowTitle().contains(QStringLiteral("0 succeeded, 1 failed")),
             qPrintable(window->windowTitle()));

    action(*window, "actionClearFinished")->trigger();
    QVERIFY((box = visibleBox(*window, QStringLiteral("clearBox"))));
    box->findChild<QPushButton *>(QStringLiteral("clearAllButton"))->click();
    QCOMPARE(m_runner->jobCount(), 0);
    QVERIFY2(!window->windowTitle().contains(QStringLiteral("Done")),
             qPrintable(window->windowTitle()));
}

void tst_MainWindow::cancelAllAsksForManyJobs()
{
    auto window = makeWindow();
    QVERIFY(window->loadFile(writeList(QByteArray("true\n").repeated(12))));
    action(*window, "actionCancelAll")->trigger();
    QMessageBox *box = visibleBox(*window, QStringLiteral("cancelAllBox"));
    QVERIFY(box);
    QCOMPARE(box->defaultButton()->objectName(), QStringLiteral("keepButton"));
    box->defaultButton()->click();
    QCOMPARE(count(m_runner.get(), JobState::Queued), 12);
    action(*window, "actionCancelAll")->trigger();
    QVERIFY((box = visibleBox(*window, QStringLiteral("cancelAllBox"))));
    box->findChild<QPushButton *>(QStringLiteral("cancelJobsButton"))->click();
    QCOMPARE(count(m_runner.get(), JobState::Cancelled), 12);
}

// Bug: the status bar made the window at least 1,157 px wide and cut its texts.
void tst_MainWindow::statusBarFitsAnEightHundredPixelWindow()
{
    auto window = makeWindow();
    RunStatusWidget *status = window->runStatus();
    QCOMPARE(status->progressText(), QString()); // no jobs: no "0 / 1"
    StateCounts counts {};
    counts[int(JobState::Queued)] = 1000;
    counts[int(JobState::Running)] = 16;
    counts[int(JobState::WaitingForRetry)] = 120;
    counts[int(JobState::Succeeded)] = 16789;
    counts[int(JobState::Failed)] = 258;
    counts[int(JobState::Cancelled)] = 1817;
    status->update(counts, 1234567, 98765.0);
    window->resize(800, 600);
    QVERIFY2(window->minimumSizeHint().width() <= 800,
             qPrintable(QString::number(window->minimumSizeHint().width())));
    QVERIFY2(window->minimumWidth() <= 800, qPrintable(QString::number(window->minimumWidth())));
    QTRY_COMPARE(window->width(), 800);
    QCOMPARE(status->progressText(), QStringLiteral("18864 / 20000"));
    auto *bar = status->findChild<QProgressBar *>(QStringLiteral("statusProgress"));
    QVERIFY(bar->width() >= bar->fontMetrics().horizontalAdvance(status->progressText()));
    QVERIFY(status->countsText().contains(QStringLiteral("258 failed")));
}

void tst_MainWindow::statusBarCutsTheCountsBeforeTheEta()
{
    auto window = makeWindow();
    RunStatusWidget *status = window->runStatus();
    auto *eta = status->findChild<ElidedLabel *>(QStringLiteral("statusEta"));
    auto *rate = status->findChild<ElidedLabel *>(QStringLiteral("statusRate"));
    auto *counts = status->findChild<ElidedLabel *>(QStringLiteral("statusCounts"));
    StateCounts few {};
    few[int(JobState::Running)] = 2;
    few[int(JobState::Queued)] = 3;
    status->update(few, 10, 3.0);
    QCOMPARE(eta->fullText(), QStringLiteral("ETA about 3 s"));
    QTRY_VERIFY2(!eta->isElided(), qPrintable(eta->text()));
    status->update(few, 20, 12345.0); // longer text, same room at first
    QCOMPARE(eta->fullText(), QStringLiteral("ETA about 3 h 25 min"));
    QTRY_VERIFY2(!eta->isElided(), qPrintable(eta->text()));

    StateCounts many {};
    many[int(JobState::Queued)] = 1000;
    many[int(JobState::Running)] = 16;
    many[int(JobState::WaitingForRetry)] = 120;
    many[int(JobState::Succeeded)] = 16789;
    many[int(JobState::Failed)] = 258;
    many[int(JobState::Cancelled)] = 1817;
    window->resize(800, 600);
    status->update(many, 1234567, 98765.0);
    QTRY_COMPARE(window->width(), 800);
    QTRY_VERIFY2(counts->isElided(), qPrintable(counts->text()));
    QVERIFY2(!eta->isElided(), qPrintable(eta->text()));
    QVERIFY2(!rate->isElided(), qPrintable(rate->text()));
}

void tst_MainWindow::defaultColumnsFitTheDefaultWindow()
{
    auto window = makeWindow(); // no saved geometry: the default size
    QCOMPARE(window->size(), QSize(1200, 760));
    QVERIFY(window->loadFile(writeList("true\n")));
    QTableView *table = window->table();
    QTRY_VERIFY(table->viewport()->width() > 0);
    QHeaderView *header = table->horizontalHeader();
    int lastVisible = header->count() - 1;
    while (header->isSectionHidden(header->logicalIndex(lastVisible)))
        --lastVisible;
    int widths = 0;
    for (int visual = 0; visual < lastVisible; ++visual) {
        if (!header->isSectionHidden(header->logicalIndex(visual)))
            widths += header->sectionSize(header->logicalIndex(visual));
    }
    // The last column stretches into the rest; the others fit beside it.
    QVERIFY2(widths < table->viewport()->width(),
             qPrintable(QStringLiteral("%1 > %2").arg(widths).arg(table->viewport()->width())));
    QTRY_VERIFY(!table->horizontalScrollBar()->isVisible());
    // The search field's placeholder is not cut either.
    QLineEdit *search = window->filterBar()->searchField();
    QVERIFY2(search->width()
                 > search->fontMetrics().horizontalAdvance(search->placeholderText()) + 20,
             qPrintable(QString::number(search->width())));
}

void tst_MainWindow::finishedRunSaysSoAndPauseBecomesResume()
{
    auto window = makeWindow();
    QVERIFY(window->loadFile(writeList("true\nsleep 30\n")));
    QAction *start = action(*window, "actionStartPause");
    QCOMPARE(start->text(), QStringLiteral("&Start"));
    start->trigger();
    QTRY_COMPARE(start->text(), QStringLiteral("&Pause"));
    QTRY_COMPARE(count(m_runner.get(), JobState::Succeeded), 1);
    start->trigger();
    QTRY_COMPARE(start->text(), QStringLiteral("&Resume"));
    m_runner->cancelAll();
    QTRY_VERIFY(allFinished(m_runner.get()));
    QTRY_VERIFY2(window->runStatus()->countsText().startsWith(QStringLiteral("Finished in")),
                 qPrintable(window->runStatus()->countsText()));
    QVERIFY2(window->runStatus()->countsText().contains(QStringLiteral("1 succeeded, 1 cancelled")),
             qPrintable(window->runStatus()->countsText()));
    QCOMPARE(window->runStatus()->etaText(), QString());
}

void tst_MainWindow::opensTheOutputFolder()
{
    QDesktopServices::setUrlHandler(QStringLiteral("file"), this, "recordUrl");
    auto window = makeWindow();
    QAction *open = action(*window, "actionOpenOutputFolder");
    QVERIFY(window->loadFile(writeList("echo hello\n")));
    action(*window, "actionStartPause")->trigger();
    QTRY_VERIFY(allFinished(m_runner.get()));
    QTRY_VERIFY(open->isEnabled());
    open->trigger();
    QCOMPARE(m_openedUrls, QList<QUrl> {QUrl::fromLocalFile(m_runner->outputDirectory())});
    QVERIFY(window->runStatus()->toolTip().contains(m_runner->outputDirectory()));

    window->selectJobs({m_runner->jobIds().constFirst()});
    DetailsPane *details = window->detailsPane();
    QTRY_COMPARE(details->stdoutView()->text(), QStringLiteral("hello\n"));
    auto *openFile = details->findChild<QToolButton *>(QStringLiteral("openFileButton"));
    QVERIFY(openFile->isEnabled());
    openFile->click();
    QCOMPARE(m_openedUrls.size(), 2);
    QCOMPARE(m_openedUrls.last(), QUrl::fromLocalFile(details->stdoutView()->path()));
    QDesktopServices::unsetUrlHandler(QStringLiteral("file"));
}

void tst_MainWindow::errorDialogCountsTheErrors()
{
    auto window = makeWindow();
    QVERIFY(!window->loadFile(writeList(QByteArray("bad \xff\n").repeated(3))));
    QMessageBox *box = visibleBox(*window, QStringLiteral("loadErrorBox"));
    QVERIFY(box);
    QVERIFY2(box->text().contains(QStringLiteral("has 3 error")), qPrintable(box->text()));
    box->close();
}

void tst_MainWindow::errorDialogSaysHowManyMore()
{
    auto window = makeWindow();
    QByteArray json = "[\n";
    for (int i = 0; i < 25; ++i)
        json += "{\"command\": \"true\", \"max_attempts\": \"x\"},\n";
    json += "{\"command\": \"true\"}]\n";
    const QString path = m_dir->filePath(QStringLiteral("jobs.json"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly) && file.write(json) == json.size());
    file.close();
    QVERIFY(!window->loadFile(path));
    QMessageBox *box = visibleBox(*window, QStringLiteral("loadErrorBox"));
    QVERIFY(box);
    const QStringList lines = box->detailedText().split(QLatin1Char('\n'));
    QCOMPARE(lines.size(), MaxJobFileErrors + 1);
    QCOMPARE(lines.last(),
             path + QStringLiteral(": too many errors: the first 20 are listed, 5 more are not"));
    // The headline gives the total, not only "more than 20".
    QCOMPARE(box->text(), QStringLiteral("The job list has 25 errors; no job was added."));
    box->close();
}

QTEST_MAIN(tst_MainWindow)
#include "tst_mainwindow.moc"
