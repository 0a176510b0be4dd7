#include "detailspane.h"
#include "jobrunner.h"
#include "outputview.h"
#include "stateicons.h"

#include <QIcon>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

#include <memory>

using namespace requeue;

namespace {

JobSpec shellJob(const QString &command, int maxAttempts = 1)
{
    JobSpec spec;
    spec.name = command;
    spec.process.shellCommand = command;
    spec.retry.maxAttempts = maxAttempts;
    return spec;
}

bool allFinished(JobRunner *runner)
{
    const StateCounts counts = runner->stateCounts();
    return counts[int(JobState::Queued)] + counts[int(JobState::Running)]
        + counts[int(JobState::WaitingForRetry)]
        == 0;
}

// The icon of a history row as an image, to compare icons by what they show.
QImage iconImage(const QIcon &icon)
{
    return icon.pixmap(16, 16).toImage();
}

} // namespace

class tst_DetailsPane : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void everySelectionShowsTheLatestAttempt();
    void cancelledAttemptHasTheCancelledIcon();
    void stderrTabSaysWhenItHasContent();
    void silentAttemptReadsAsEmpty();

private:
    QList<JobId> runToTheEnd(const QList<JobSpec> &specs);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<JobRunner> m_runner;
};

void tst_DetailsPane::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_runner = std::make_unique<JobRunner>();
    m_runner->setOutputDirectory(m_dir->filePath(QStringLiteral("out")));
}

void tst_DetailsPane::cleanup()
{
    m_runner.reset();
    m_dir.reset();
}

QList<JobId> tst_DetailsPane::runToTheEnd(const QList<JobSpec> &specs)
{
    const QList<JobId> ids = m_runner->addJobs(specs);
    m_runner->start();
    if (!QTest::qWaitFor([this] { return allFinished(m_runner.get()); }, 20000))
        qWarning("the jobs did not finish");
    return ids;
}

// Bug: every other selection change showed the attempts with none chosen and
// empty output, because clearing the history announced "no attempt chosen".
void tst_DetailsPane::everySelectionShowsTheLatestAttempt()
{
    const QList<JobId> ids = runToTheEnd({shellJob(QStringLiteral("echo one; exit 1"), 2),
                                          shellJob(QStringLiteral("echo two; exit 1"), 2),
                                          shellJob(QStringLiteral("echo three"))});
    QVERIFY(allFinished(m_runner.get()));
    DetailsPane pane(m_runner.get());
    const QStringList expected {QStringLiteral("one\n"), QStringLiteral("two\n"),
                                QStringLiteral("three\n")};
    const int order[] = {0, 1, 2, 1, 0, 2, 0};
    for (int i : order) {
        pane.setJob(ids[i]);
        const int attempts = m_runner->snapshot(ids[i]).attempts;
        QCOMPARE(pane.historyView()->topLevelItemCount(), attempts);
        QVERIFY2(pane.historyView()->currentItem(), qPrintable(QString::number(i)));
        QCOMPARE(pane.shownAttempt(), attempts);
        QCOMPARE(pane.stdoutView()->text(), expected[i]);
    }
}

void tst_DetailsPane::cancelledAttemptHasTheCancelledIcon()
{
    const QList<JobId> ids = m_runner->addJobs({shellJob(QStringLiteral("sleep 30"))});
    m_runner->start();
    QTRY_COMPARE(m_runner->snapshot(ids[0]).state, JobState::Running);
    m_runner->cancelAll();
    QTRY_COMPARE(m_runner->snapshot(ids[0]).state, JobState::Cancelled);
    DetailsPane pane(m_runner.get());
    pane.setJob(ids[0]);
    QCOMPARE(pane.historyView()->topLevelItemCount(), 1);
    const QIcon shown = pane.historyView()->topLevelItem(0)->icon(3);
    // The table shows a cancelled job with the cancelled icon; so must the history.
    QCOMPARE(iconImage(shown), iconImage(stateIcon(JobState::Cancelled)));
}

void tst_DetailsPane::stderrTabSaysWhenItHasContent()
{
    const QList<JobId> ids = runToTheEnd(
        {shellJob(QStringLiteral("echo quiet")), shellJob(QStringLiteral("echo loud >&2"))});
    DetailsPane pane(m_runner.get());
    auto *tabs = pane.findChild<QTabWidget *>();
    QVERIFY(tabs);
    pane.setJob(ids[0]);
    QCOMPARE(tabs->tabText(1), QStringLiteral("stderr"));
    pane.setJob(ids[1]);
    QVERIFY2(tabs->tabText(1).startsWith(QStringLiteral("stderr (")), qPrintable(tabs->tabText(1)));
    pane.setJob(ids[0]);
    QCOMPARE(tabs->tabText(1), QStringLiteral("stderr"));
}

void tst_DetailsPane::silentAttemptReadsAsEmpty()
{
    const QList<JobId> ids = runToTheEnd({shellJob(QStringLiteral("true"))});
    // An attempt that printed nothing may leave no file at all.
    QFile::remove(m_runner->outputPath(ids[0], 1, OutputStream::Stdout));
    DetailsPane pane(m_runner.get());
    pane.setJob(ids[0]);
    QCOMPARE(pane.stdoutView()->infoText(), QStringLiteral("Empty."));
}

QTEST_MAIN(tst_DetailsPane)
#include "tst_detailspane.moc"
