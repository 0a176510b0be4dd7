#include "mainwindowactions.h"

#include <QAction>
#include <QTest>
#include <QWidget>

using namespace requeue;

namespace {

StateCounts countsOf(int queued, int failed, int succeeded)
{
    StateCounts counts;
    counts[JobState::Queued] = queued;
    counts[JobState::Failed] = failed;
    counts[JobState::Succeeded] = succeeded;
    return counts;
}

} // namespace

class tst_MainWindowActions : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void namesShortcutsAndTooltips();
    void startPauseFollowsTheRun_data();
    void startPauseFollowsTheRun();
    void bulkActionsFollowTheCounts_data();
    void bulkActionsFollowTheCounts();
    void selectionActionsFollowTheSelection_data();
    void selectionActionsFollowTheSelection();
    void outputFolder();
};

void tst_MainWindowActions::namesShortcutsAndTooltips()
{
    QWidget window;
    MainWindowActions actions(&window);
    // Tests and the window find them by name among the window's children.
    QCOMPARE(window.findChild<QAction *>(QStringLiteral("actionStartPause")), actions.startPause());
    QCOMPARE(window.findChild<QAction *>(QStringLiteral("actionOpenOutputFolder")),
             actions.openOutputFolder());
    QCOMPARE(actions.startPause()->shortcut(), QKeySequence(Qt::Key_F5));
    QCOMPARE(actions.cancelAll()->shortcut(), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_K));
    QCOMPARE(actions.retrySelected()->toolTip(), QStringLiteral("Retry Selected (Ctrl+R)"));
    QVERIFY(!actions.retryAllFailed()->icon().isNull());
}

void tst_MainWindowActions::startPauseFollowsTheRun_data()
{
    QTest::addColumn<bool>("paused");
    QTest::addColumn<bool>("started");
    QTest::addColumn<int>("queued");
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("enabled");

    QTest::newRow("loaded, not started") << true << false << 3 << "&Start" << true;
    QTest::newRow("running") << false << true << 3 << "&Pause" << true;
    QTest::newRow("paused by hand") << true << true << 3 << "&Resume" << true;
    QTest::newRow("paused, nothing to run") << true << true << 0 << "&Resume" << false;
    QTest::newRow("running, nothing left") << false << true << 0 << "&Pause" << true;
}

void tst_MainWindowActions::startPauseFollowsTheRun()
{
    QFETCH(bool, paused);
    QFETCH(bool, started);
    QFETCH(int, queued);
    QFETCH(QString, text);
    QFETCH(bool, enabled);
    QWidget window;
    MainWindowActions actions(&window);
    actions.setCounts(countsOf(queued, 0, 0));
    actions.setRunState(paused, started);
    QCOMPARE(actions.startPause()->text(), text);
    QCOMPARE(actions.startPause()->isEnabled(), enabled);
    QVERIFY(!actions.startPause()->icon().isNull());
}

void tst_MainWindowActions::bulkActionsFollowTheCounts_data()
{
    QTest::addColumn<int>("queued");
    QTest::addColumn<int>("failed");
    QTest::addColumn<int>("succeeded");
    QTest::addColumn<bool>("retryAllFailed");
    QTest::addColumn<bool>("cancelAll");
    QTest::addColumn<bool>("clearFinished");

    QTest::newRow("no jobs") << 0 << 0 << 0 << false << false << false;
    QTest::newRow("only queued") << 4 << 0 << 0 << false << true << false;
    QTest::newRow("all succeeded") << 0 << 0 << 4 << false << false << true;
    QTest::newRow("one failed") << 0 << 1 << 3 << true << false << true;
    QTest::newRow("mixed") << 2 << 1 << 1 << true << true << true;
}

void tst_MainWindowActions::bulkActionsFollowTheCounts()
{
    QFETCH(int, queued);
    QFETCH(int, failed);
    QFETCH(int, succeeded);
    QWidget window;
    MainWindowActions actions(&window);
    actions.setCounts(countsOf(queued, failed, succeeded));
    QTEST(actions.retryAllFailed()->isEnabled(), "retryAllFailed");
    QTEST(actions.cancelAll()->isEnabled(), "cancelAll");
    QTEST(actions.clearFinished()->isEnabled(), "clearFinished");
}

void tst_MainWindowActions::selectionActionsFollowTheSelection_data()
{
    QTest::addColumn<int>("finished");
    QTest::addColumn<int>("active");
    QTest::addColumn<bool>("retry");
    QTest::addColumn<bool>("cancel");
    QTest::addColumn<bool>("copy");

    QTest::newRow("nothing selected") << 0 << 0 << false << false << false;
    QTest::newRow("finished only") << 2 << 0 << true << false << true;
    QTest::newRow("active only") << 0 << 5 << false << true << true;
    QTest::newRow("both") << 1 << 1 << true << true << true;
}

void tst_MainWindowActions::selectionActionsFollowTheSelection()
{
    QFETCH(int, finished);
    QFETCH(int, active);
    QWidget window;
    MainWindowActions actions(&window);
    actions.setSelection(finished, active);
    QTEST(actions.retrySelected()->isEnabled(), "retry");
    QTEST(actions.cancelSelected()->isEnabled(), "cancel");
    QTEST(actions.copyCommand()->isEnabled(), "copy");
}

void tst_MainWindowActions::outputFolder()
{
    QWidget window;
    MainWindowActions actions(&window);
    QVERIFY(!actions.openOutputFolder()->isEnabled()); // made with the first attempt
    actions.setOutputFolderExists(true);
    QVERIFY(actions.openOutputFolder()->isEnabled());
    actions.setOutputFolderExists(false);
    QVERIFY(!actions.openOutputFolder()->isEnabled());
}

QTEST_MAIN(tst_MainWindowActions)
#include "tst_mainwindowactions.moc"
