// Tests for requeue::TimelineView: a scripted run rendered offscreen and
// checked at known pixels (bar colours, running bars growing to now, the
// highlight), hover and click mapped to the right job, zooming by keys,
// wheel and drag, and the window's wiring (click selects the job in the
// table; selecting in the table highlights it).

#include "common/fakeexecutor.h"
#include "jobfilterproxy.h"
#include "jobrunner.h"
#include "mainwindow.h"
#include "timelinelayout.h"
#include "timelinepanel.h"
#include "timelineview.h"

#include <QApplication>
#include <QFile>
#include <QImage>
#include <QItemSelectionModel>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QWheelEvent>

#include <memory>

namespace requeue {

namespace {

constexpr qint64 ms = 1000;
constexpr qint64 s = 1000 * ms;
constexpr qint64 t0 = 1'700'000'000 * s; // an arbitrary epoch time

AttemptRecord record(int number, qint64 start, qint64 end, AttemptOutcome outcome, int code = 0)
{
    AttemptRecord r;
    r.number = number;
    r.startedUs = t0 + start;
    r.finishedUs = end ? t0 + end : 0;
    r.outcome = outcome;
    r.exitCode = code;
    return r;
}

AttemptRecord onNode(AttemptRecord r, const QString &node)
{
    r.node = node;
    return r;
}

// Whether anything but the background is painted in `area` of `image`.
bool paintedIn(const QImage &image, const QRect &area, QRgb background)
{
    for (int y = area.top(); y <= area.bottom(); ++y) {
        for (int x = area.left(); x <= area.right(); ++x) {
            if (image.pixel(x, y) != background)
                return true;
        }
    }
    return false;
}

QRgb rgbOf(BarKind kind)
{
    return QColor(QRgb(barRgb(kind))).rgb();
}

} // namespace

class tst_TimelineView : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void barsHaveTheirOutcomeColours();
    void runningBarGrowsToNow();
    void highlightOutlinesTheJob();
    void hoverDescribesTheAttempt();
    void clickPicksTheJob();
    void keysAndWheelZoom();
    void dragZoomsIntoTheRange();
    void chartsCountTheRun();
    void exportWritesAnImage();
    void followsTheRunnerInTheWindow();
    void attemptHandedOutBeforeItBegins();
    void clusterLanesGroupedPerNode();

private:
    QPoint pointAt(qint64 offsetUs, int lane) const;

    std::unique_ptr<TimelineView> m_view;
};

void tst_TimelineView::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("RequeueTest"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_timelineview"));
}

// The scripted run, shown from t0 to t0 + 4 s, "now" at 3.5 s:
//   lane 0: job 1 attempt 1 [0, 1 s] exit 1, wait, attempt 2 [1.5 s, 2.5 s] ok
//   lane 1: job 2 [0, 3 s] ok
//   lane 2: job 3 [0.5 s, running]
void tst_TimelineView::init()
{
    m_view = std::make_unique<TimelineView>();
    m_view->resize(876, 400); // 800 px of plot
    m_view->setClock([] { return t0 + 3500 * ms; });
    m_view->addAttempt(1, 1, record(1, 0, 1 * s, AttemptOutcome::ExitCode, 1), false);
    m_view->addAttempt(2, 2, record(1, 0, 3 * s, AttemptOutcome::Succeeded), false);
    m_view->addAttempt(3, 3, record(1, 500 * ms, 0, AttemptOutcome::Succeeded), true);
    m_view->addAttempt(1, 1, record(2, 1500 * ms, 2500 * ms, AttemptOutcome::Succeeded), false);
    m_view->setTimeRange(t0, t0 + 4 * s);
}

void tst_TimelineView::cleanup()
{
    m_view.reset();
}

QPoint tst_TimelineView::pointAt(qint64 offsetUs, int lane) const
{
    const QRect lanes = m_view->lanesRect();
    const TimeWindow w = m_view->timeWindow();
    const double y = lanes.top() + (lane + 0.5) * m_view->laneHeight();
    return QPoint(lanes.left() + int(w.x(t0 + offsetUs)), int(y));
}

void tst_TimelineView::barsHaveTheirOutcomeColours()
{
    QCOMPARE(m_view->timeline().laneCount(), 3);
    QCOMPARE(m_view->lanesRect().width(), 800);
    const QImage image = m_view->renderImage();
    QCOMPARE(image.pixel(pointAt(500 * ms, 0)), rgbOf(BarKind::Failed));
    QCOMPARE(image.pixel(pointAt(2 * s, 0)), rgbOf(BarKind::Succeeded));
    QCOMPARE(image.pixel(pointAt(2 * s, 1)), rgbOf(BarKind::Succeeded));
    // The wait between job 1's attempts is not a bar (a chain line at most).
    QVERIFY(image.pixel(pointAt(1250 * ms, 0) + QPoint(0, 3)) != rgbOf(BarKind::Failed));
    QVERIFY(image.pixel(pointAt(1250 * ms, 0) + QPoint(0, 3)) != rgbOf(BarKind::Succeeded));
}

void tst_TimelineView::runningBarGrowsToNow()
{
    QImage image = m_view->renderImage();
    QCOMPARE(image.pixel(pointAt(3 * s, 2)), rgbOf(BarKind::Running));
    QVERIFY(image.pixel(pointAt(3800 * ms, 2)) != rgbOf(BarKind::Running));
    m_view->setClock([] { return t0 + 3900 * ms; });
    image = m_view->renderImage();
    QCOMPARE(image.pixel(pointAt(3800 * ms, 2)), rgbOf(BarKind::Running));
}

// How many pixels of the column at `offsetUs` in `lane` have `rgb`.
static int countInLane(const QImage &image, const TimelineView &view, QPoint at, QRgb rgb)
{
    const int half = int(view.laneHeight() / 2);
    int count = 0;
    for (int y = at.y() - half; y < at.y() + half; ++y)
        count += image.pixel(at.x(), y) == rgb;
    return count;
}

void tst_TimelineView::highlightOutlinesTheJob()
{
    const QRgb highlight = m_view->palette().highlight().color().rgb();
    QCOMPARE(countInLane(m_view->renderImage(), *m_view, pointAt(2 * s, 0), highlight), 0);
    m_view->setHighlightedJobs({1});
    const QImage image = m_view->renderImage();
    // Outlined above and below the bar; the bar keeps its colour.
    QVERIFY(countInLane(image, *m_view, pointAt(2 * s, 0), highlight) >= 2);
    QCOMPARE(image.pixel(pointAt(2 * s, 0)), rgbOf(BarKind::Succeeded));
    QVERIFY(countInLane(image, *m_view, pointAt(500 * ms, 0), highlight) >= 2);
    // Job 2's bar is not outlined.
    QCOMPARE(countInLane(image, *m_view, pointAt(2 * s, 1), highlight), 0);
}

void tst_TimelineView::hoverDescribesTheAttempt()
{
    const QString failed = m_view->toolTipAt(pointAt(500 * ms, 0));
    QVERIFY2(failed.contains(QStringLiteral("Job #1")), qPrintable(failed));
    QVERIFY2(failed.contains(QStringLiteral("attempt 1")), qPrintable(failed));
    QVERIFY2(failed.contains(QStringLiteral("exit 1")), qPrintable(failed));
    QVERIFY2(failed.contains(QStringLiteral("duration 1.00 s")), qPrintable(failed));
    const QString retry = m_view->toolTipAt(pointAt(2 * s, 0));
    QVERIFY2(retry.contains(QStringLiteral("attempt 2")), qPrintable(retry));
    QVERIFY2(retry.contains(QStringLiteral("start +1.50 s")), qPrintable(retry));
    const QString running = m_view->toolTipAt(pointAt(3 * s, 2));
    QVERIFY2(running.contains(QStringLiteral("Job #3")), qPrintable(running));
    QVERIFY2(running.contains(QStringLiteral("running")), qPrintable(running));
    QVERIFY(m_view->toolTipAt(pointAt(1250 * ms, 0)).isEmpty());
    QVERIFY(m_view->toolTipAt(QPoint(2, 2)).isEmpty());
}

void tst_TimelineView::clickPicksTheJob()
{
    m_view->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_view.get()));
    QSignalSpy clicked(m_view.get(), &TimelineView::jobClicked);
    QTest::mouseClick(m_view.get(), Qt::LeftButton, {}, pointAt(2 * s, 1));
    QTest::mouseClick(m_view.get(), Qt::LeftButton, {}, pointAt(500 * ms, 0));
    QTest::mouseClick(m_view.get(), Qt::LeftButton, {}, pointAt(1250 * ms, 0)); // the wait
    QCOMPARE(clicked.size(), 2);
    QCOMPARE(clicked[0][0].value<JobId>(), JobId(2));
    QCOMPARE(clicked[1][0].value<JobId>(), JobId(1));
}

void tst_TimelineView::keysAndWheelZoom()
{
    m_view->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_view.get()));
    const auto span = [this] {
        const TimeWindow w = m_view->timeWindow();
        return double(w.toUs - w.fromUs);
    };
    QCOMPARE(span(), double(4 * s));
    QTest::keyClick(m_view.get(), Qt::Key_Plus);
    QVERIFY(qAbs(span() - 4 * s / 1.5) < 2);
    QTest::keyClick(m_view.get(), Qt::Key_Minus);
    QVERIFY(qAbs(span() - 4 * s) < 4);

    // Ctrl+wheel zooms about the cursor: the time under it stays put.
    const QPoint at = pointAt(1 * s, 0);
    const qint64 before = m_view->timeWindow().time(at.x() - m_view->lanesRect().left());
    QWheelEvent wheel(at, m_view->mapToGlobal(at), {}, QPoint(0, 120), Qt::NoButton,
                      Qt::ControlModifier, Qt::NoScrollPhase, false);
    QApplication::sendEvent(m_view.get(), &wheel);
    QVERIFY(qAbs(span() - 4 * s / 1.25) < 4);
    const qint64 after = m_view->timeWindow().time(at.x() - m_view->lanesRect().left());
    QVERIFY2(qAbs(after - before) < 10 * ms, qPrintable(QString::number(after - before)));

    // A plain wheel pans.
    const qint64 from = m_view->timeWindow().fromUs;
    QWheelEvent pan(at, m_view->mapToGlobal(at), {}, QPoint(0, -120), Qt::NoButton, {},
                    Qt::NoScrollPhase, false);
    QApplication::sendEvent(m_view.get(), &pan);
    QVERIFY(m_view->timeWindow().fromUs > from);

    m_view->fit();
    QCOMPARE(m_view->mode(), TimelineView::Mode::Fit);
    QVERIFY(m_view->timeWindow().fromUs <= t0);
    QVERIFY(m_view->timeWindow().toUs >= t0 + 3500 * ms);
}

void tst_TimelineView::dragZoomsIntoTheRange()
{
    m_view->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_view.get()));
    const QPoint from = pointAt(1 * s, 1);
    const QPoint to = pointAt(2 * s, 1);
    QTest::mousePress(m_view.get(), Qt::LeftButton, {}, from);
    QMouseEvent move(QEvent::MouseMove, to, m_view->mapToGlobal(to), Qt::NoButton, Qt::LeftButton,
                     {});
    QApplication::sendEvent(m_view.get(), &move);
    QSignalSpy clicked(m_view.get(), &TimelineView::jobClicked);
    QTest::mouseRelease(m_view.get(), Qt::LeftButton, {}, to);
    QCOMPARE(clicked.size(), 0); // a drag is not a click
    const TimeWindow w = m_view->timeWindow();
    QVERIFY(qAbs(w.fromUs - (t0 + 1 * s)) < 10 * ms);
    QVERIFY(qAbs(w.toUs - (t0 + 2 * s)) < 10 * ms);
}

void tst_TimelineView::chartsCountTheRun()
{
    const TimelineLayout &layout = m_view->timeline();
    QCOMPARE(layout.runningAt(t0 + 200 * ms), 2);
    QCOMPARE(layout.runningAt(t0 + 2 * s), 3);
    const QImage image = m_view->renderImage();
    // The running chart is full height (3 of 3) at 2 s, two thirds at 0.2 s.
    const QRect chart = m_view->runningChartRect();
    const int x2s = pointAt(2 * s, 0).x();
    QCOMPARE(image.pixel(x2s, chart.top() + 2), rgbOf(BarKind::Running));
    const int x02 = pointAt(200 * ms, 0).x();
    QVERIFY(image.pixel(x02, chart.top() + 2) != rgbOf(BarKind::Running));
    QCOMPARE(image.pixel(x02, chart.bottom() - 2), rgbOf(BarKind::Running));
    // Finished per second: the failure of second 0-1 ends at exactly 1 s,
    // so it is counted in the bucket [1 s, 2 s); red sits on top there.
    const QRect finished = m_view->finishedChartRect();
    const int x15 = pointAt(1500 * ms, 0).x();
    QCOMPARE(image.pixel(x15, finished.bottom() - 1), rgbOf(BarKind::Failed));
}

void tst_TimelineView::exportWritesAnImage()
{
    TimelinePanel panel(nullptr);
    panel.resize(900, 500);
    panel.view()->addAttempt(1, 1, record(1, 0, 1 * s, AttemptOutcome::ExitCode, 1), false);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("timeline.png"));
    QString error;
    QVERIFY2(panel.exportImage(path, &error), qPrintable(error));
    QImage image(path);
    QCOMPARE(image.size(), panel.view()->size());
    QVERIFY(!panel.exportImage(dir.filePath(QStringLiteral("missing/x.png")), &error));
    QVERIFY(error.contains(QStringLiteral("missing/x.png")));
}

// A job the runner has handed out (state Running) whose attempt has not
// begun when the feed reports it: its attempt is neither finished nor drawn
// yet, and its end later replaces its running bar.
void tst_TimelineView::attemptHandedOutBeforeItBegins()
{
    auto executor = std::make_unique<test::FakeExecutor>();
    test::FakeExecutor *fake = executor.get();
    JobRunner runner(std::move(executor));
    TimelineView view;
    view.setRunner(&runner);
    JobSpec spec;
    spec.callable = [](const AttemptContext &) {
        return 0;
    };
    const JobId id = runner.addJob(spec);
    runner.start();
    QTRY_VERIFY(fake->isInFlight(id));
    runner.flushChanges(); // Running, not begun
    QCOMPARE(int(view.timeline().attempts().size()), 0);
    fake->begin(id);
    runner.flushChanges();
    QCOMPARE(view.timeline().runningCount(), 1);
    fake->finish(id, AttemptOutcome::Succeeded);
    runner.flushChanges();
    QCOMPARE(view.timeline().runningCount(), 0);
    QCOMPARE(int(view.timeline().attempts().size()), 1);
    QCOMPARE(view.timeline().attempts()[0].record.outcome, AttemptOutcome::Succeeded);
}

void tst_TimelineView::followsTheRunnerInTheWindow()
{
    QSettings().clear();
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    JobRunner runner;
    runner.setOutputDirectory(dir.filePath(QStringLiteral("out")));
    MainWindow window(&runner);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    const QString list = dir.filePath(QStringLiteral("jobs.txt"));
    QFile file(list);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("true\nexit 3\n");
    file.close();
    QVERIFY(window.loadFile(list));
    runner.start();
    TimelineView *view = window.timelinePanel()->view();
    // Two jobs, the second failing every attempt (3 by default).
    QTRY_COMPARE_WITH_TIMEOUT(int(view->timeline().attempts().size()), 1 + 3, 30000);
    QTRY_COMPARE_WITH_TIMEOUT(view->timeline().runningCount(), 0, 30000);

    // A click on the failing job's last bar selects it in the table.
    const QList<JobId> ids = runner.jobIds();
    const QList<int> failing = view->timeline().attemptsOfJob(ids[1]);
    QCOMPARE(failing.size(), 3);
    view->fit();
    const TimelineAttempt &last = view->timeline().attempts()[size_t(failing.last())];
    const TimeWindow w = view->timeWindow();
    const double mid = w.x((last.record.startedUs + last.record.finishedUs) / 2);
    const QPoint at(view->lanesRect().left() + int(mid),
                    view->lanesRect().top() + int((last.lane + 0.5) * view->laneHeight()));
    QCOMPARE(view->attemptAt(at), failing.last());
    QTest::mouseClick(view, Qt::LeftButton, {}, at);
    QCOMPARE(window.selectedJobIds(), QList<JobId> {ids[1]});

    // Selecting the first job in the table highlights it in the timeline.
    window.selectJobs({ids[0]});
    QCOMPARE(view->highlightedJobs(), QList<JobId> {ids[0]});
    QSettings().clear();
}

// A Slurm run: job 1 fails on c1 and is retried on c2, job 2 runs on c1 at
// the same time, job 3 runs on no node yet. Lanes: c1 (two), c2, no node;
// each group labelled in the margin, the node in the hover text.
void tst_TimelineView::clusterLanesGroupedPerNode()
{
    const QRgb base = m_view->palette().base().color().rgb();
    const QRect slotMargin(0, m_view->lanesRect().top(), m_view->lanesRect().left() - 1,
                           m_view->lanesRect().height());
    QVERIFY(!paintedIn(m_view->renderImage(), slotMargin, base)); // worker slots: no labels

    m_view->clear();
    const auto c1 = QStringLiteral("c1");
    const auto c2 = QStringLiteral("c2");
    m_view->addAttempt(1, 1, onNode(record(1, 0, 1 * s, AttemptOutcome::ExitCode, 1), c1), false);
    m_view->addAttempt(2, 2, onNode(record(1, 0, 3 * s, AttemptOutcome::Succeeded), c1), false);
    m_view->addAttempt(3, 3, record(1, 500 * ms, 0, AttemptOutcome::Succeeded), true);
    m_view->addAttempt(1, 1, onNode(record(2, 1500 * ms, 2500 * ms, AttemptOutcome::Succeeded), c2),
                       false);
    const TimelineLayout &layout = m_view->timeline();
    QCOMPARE(layout.grouping(), LaneGrouping::Nodes);
    QCOMPARE(layout.laneCount(), 4);
    QCOMPARE(layout.groups().size(), size_t(3));
    QCOMPARE(layout.groups()[0].label, c1);
    QCOMPARE(layout.groups()[0].laneCount, 2);
    QCOMPARE(layout.groups()[1].label, c2);
    QVERIFY(layout.groups()[2].label.isEmpty());

    const QImage image = m_view->renderImage();
    QCOMPARE(image.pixel(pointAt(500 * ms, 0)), rgbOf(BarKind::Failed));
    QCOMPARE(image.pixel(pointAt(2 * s, 1)), rgbOf(BarKind::Succeeded));
    QCOMPARE(image.pixel(pointAt(2 * s, 2)), rgbOf(BarKind::Succeeded));
    QCOMPARE(image.pixel(pointAt(3 * s, 3)), rgbOf(BarKind::Running));
    const QRect lanes = m_view->lanesRect();
    const int laneHeight = int(m_view->laneHeight());
    for (int lane : {0, 2, 3}) { // where each group's label is
        const QRect margin(0, lanes.top() + lane * laneHeight, lanes.left() - 1, laneHeight);
        QVERIFY2(paintedIn(image, margin, base), qPrintable(QString::number(lane)));
    }
    QVERIFY(m_view->toolTipAt(pointAt(2 * s, 2)).contains(QStringLiteral("node c2")));
    QVERIFY(!m_view->toolTipAt(pointAt(3 * s, 3)).contains(QStringLiteral("node")));
}

} // namespace requeue

QTEST_MAIN(requeue::tst_TimelineView)
#include "tst_timelineview.moc"
