// Unit tests for requeue::TimelineLayout: lane assignment (no overlap in a
// lane, every attempt exactly once, no more lanes than attempts ever ran at
// once), grouping per node or per job, live updates, aggregation per pixel
// column and the chart queries. Pure value-type tests.

#include "timelinelayout.h"

#include <QRandomGenerator>
#include <QSet>
#include <QTest>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace requeue {

namespace {

AttemptRecord attempt(int number, qint64 start, qint64 end,
                      AttemptOutcome outcome = AttemptOutcome::Succeeded)
{
    AttemptRecord record;
    record.number = number;
    record.startedUs = start;
    record.finishedUs = end;
    record.outcome = outcome;
    record.exitCode = outcome == AttemptOutcome::ExitCode ? 1 : 0;
    return record;
}

// Random attempts in start order: `count` of them, up to `workers` at once.
TimelineLayout randomRun(quint32 seed, int count, int workers)
{
    QRandomGenerator random(seed);
    std::vector<qint64> slotFree(size_t(workers), 0);
    struct Item
    {
        qint64 start;
        qint64 end;
    };
    std::vector<Item> items;
    for (int i = 0; i < count; ++i) {
        auto slot = std::min_element(slotFree.begin(), slotFree.end());
        const qint64 start = *slot + random.bounded(0, 50);
        const qint64 end = start + random.bounded(0, 1000);
        *slot = end;
        items.push_back({start, end});
    }
    std::stable_sort(items.begin(), items.end(),
                     [](const Item &a, const Item &b) { return a.start < b.start; });
    TimelineLayout layout;
    for (size_t i = 0; i < items.size(); ++i) {
        const auto outcome
            = random.bounded(4) == 0 ? AttemptOutcome::ExitCode : AttemptOutcome::Succeeded;
        layout.update(JobId(i + 1), int(i + 1), attempt(1, items[i].start, items[i].end, outcome),
                      false);
    }
    return layout;
}

void verifyLanes(const TimelineLayout &layout, qint64 nowUs)
{
    QSet<int> seen;
    for (int lane = 0; lane < layout.laneCount(); ++lane) {
        qint64 previousEnd = std::numeric_limits<qint64>::min();
        for (int index : layout.lane(lane)) {
            QVERIFY2(!seen.contains(index), "an attempt is in two lanes");
            seen.insert(index);
            const TimelineAttempt &a = layout.attempts()[size_t(index)];
            QCOMPARE(a.lane, lane);
            QVERIFY2(a.record.startedUs >= previousEnd, "two attempts overlap in a lane");
            previousEnd = a.endUs(nowUs);
        }
    }
    QCOMPARE(seen.size(), int(layout.attempts().size()));
}

// The groups tile the lanes in order, no lane is empty, and each lane holds
// only its group's attempts: its node's, or its job's.
void verifyGroups(const TimelineLayout &layout)
{
    int next = 0;
    for (const LaneGroup &group : layout.groups()) {
        QCOMPARE(group.firstLane, next);
        next += group.laneCount;
        for (int lane = group.firstLane; lane < next; ++lane) {
            QVERIFY2(!layout.lane(lane).empty(), "an empty lane");
            for (int index : layout.lane(lane)) {
                const TimelineAttempt &a = layout.attempts()[size_t(index)];
                switch (layout.grouping()) {
                case LaneGrouping::Slots:
                    QVERIFY(group.label.isEmpty());
                    break;
                case LaneGrouping::Nodes:
                    QCOMPARE(a.record.node, group.label);
                    break;
                case LaneGrouping::Jobs:
                    QCOMPARE(QStringLiteral("#%1").arg(a.seq), group.label);
                    break;
                }
            }
        }
    }
    QCOMPARE(next, layout.laneCount());
}

// "label:lanes" of each group, as the tables below write them.
QString groupsText(const TimelineLayout &layout)
{
    QStringList parts;
    for (const LaneGroup &group : layout.groups())
        parts.append(QStringLiteral("%1:%2").arg(group.label).arg(group.laneCount));
    return parts.join(u' ');
}

// Attempts written "job.attempt start-end node", comma-separated: end "*"
// is still running, node "-" none. Added in the order written.
TimelineLayout layoutOf(const QString &script)
{
    TimelineLayout layout;
    for (const QString &item : script.split(u',', Qt::SkipEmptyParts)) {
        const QStringList words = item.trimmed().split(u' ');
        const QStringList ids = words.value(0).split(u'.');
        const QStringList times = words.value(1).split(u'-');
        const bool running = times.value(1) == u"*";
        AttemptRecord record = attempt(ids.value(1).toInt(), times.value(0).toLongLong(),
                                       running ? 0 : times.value(1).toLongLong());
        record.node = words.value(2) == u"-" ? QString() : words.value(2);
        const int job = ids.value(0).toInt();
        layout.update(JobId(job), job, record, running);
    }
    return layout;
}

// `jobs` jobs of `attempts` attempts each, one after another, every attempt
// on a node of its own: as many node lanes as attempts.
QString spreadRun(int jobs, int attempts, int firstJob = 1)
{
    QStringList items;
    for (int job = firstJob; job < firstJob + jobs; ++job) {
        for (int number = 1; number <= attempts; ++number) {
            items.append(QStringLiteral("%1.%2 %3-%4 n%1-%2")
                             .arg(job)
                             .arg(number)
                             .arg(number * 100)
                             .arg(number * 100 + 50));
        }
    }
    return items.join(u',');
}

QString nodeGroups(int jobs, int attempts)
{
    QStringList parts;
    for (int job = 1; job <= jobs; ++job) {
        for (int number = 1; number <= attempts; ++number)
            parts.append(QStringLiteral("n%1-%2:1").arg(job).arg(number));
    }
    return parts.join(u' ');
}

QString jobGroups(int jobs)
{
    QStringList parts;
    for (int job = 1; job <= jobs; ++job)
        parts.append(QStringLiteral("#%1:1").arg(job));
    return parts.join(u' ');
}

// A Slurm run as the window follows it: each attempt added running (on no
// node yet) at its start and finished on its node at its end, the events in
// time order. `jobs` jobs, `nodes` nodes, up to `perNode` attempts at once on
// a node, a third of the attempts failing into a retry (up to 3 attempts).
TimelineLayout liveClusterRun(quint32 seed, int jobs, int nodes, int perNode)
{
    QRandomGenerator random(seed);
    struct Event
    {
        qint64 us;
        JobId job;
        AttemptRecord record;
        bool running;
    };
    std::vector<Event> events;
    std::vector<std::vector<qint64>> slotFree(size_t(nodes),
                                              std::vector<qint64>(size_t(perNode), 0));
    for (int job = 1; job <= jobs; ++job) {
        qint64 ready = random.bounded(0, 1000);
        for (int number = 1; number <= 3; ++number) {
            const int node = random.bounded(nodes);
            auto slot
                = std::min_element(slotFree[size_t(node)].begin(), slotFree[size_t(node)].end());
            const qint64 start = std::max(ready, *slot) + random.bounded(0, 20);
            const qint64 end = start + random.bounded(1, 500);
            *slot = end;
            const bool fails = number < 3 && random.bounded(3) == 0;
            AttemptRecord record = attempt(
                number, start, end, fails ? AttemptOutcome::ExitCode : AttemptOutcome::Succeeded);
            AttemptRecord running = attempt(number, start, 0);
            record.node = QStringLiteral("node%1").arg(node + 1);
            events.push_back({start, JobId(job), running, true});
            events.push_back({end, JobId(job), record, false});
            if (!fails)
                break;
            ready = end + 10; // the backoff
        }
    }
    // Ends before starts at the same instant, as the runner reports them.
    std::stable_sort(events.begin(), events.end(), [](const Event &a, const Event &b) {
        return a.us < b.us || (a.us == b.us && !a.running && b.running);
    });
    TimelineLayout layout;
    for (const Event &event : events)
        layout.update(event.job, int(event.job), event.record, event.running);
    return layout;
}

} // namespace

class tst_TimelineLayout : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void lanesNeverOverlap_data();
    void lanesNeverOverlap();
    void lanesGroupPerNodeOrJob_data();
    void lanesGroupPerNodeOrJob();
    void runningAttemptMovesToItsNode();
    void liveClusterRunKeepsGroupsApart_data();
    void liveClusterRunKeepsGroupsApart();
    void backToBackAttemptsShareALane();
    void runningAttemptHoldsItsLaneUntilItEnds();
    void updateFinishesTheRunningAttempt();
    void attemptsOfJobInNumberOrder();
    void zoomedOutAggregatesPerPixelColumn();
    void failedWinsAnAggregatedColumn();
    void wideBarsStayOneSpanEach();
    void spansAccountForEveryVisibleAttempt_data();
    void spansAccountForEveryVisibleAttempt();
    void attemptAtFindsTheBar();
    void chartQueries();
    void barKindsFollowOutcomes();
};

void tst_TimelineLayout::lanesNeverOverlap_data()
{
    QTest::addColumn<quint32>("seed");
    QTest::addColumn<int>("count");
    QTest::addColumn<int>("workers");
    QTest::newRow("one worker") << 1u << 200 << 1;
    QTest::newRow("four workers") << 2u << 1000 << 4;
    QTest::newRow("sixty-four workers") << 3u << 5000 << 64;
    QTest::newRow("more workers than jobs") << 4u << 10 << 32;
}

void tst_TimelineLayout::lanesNeverOverlap()
{
    QFETCH(quint32, seed);
    QFETCH(int, count);
    QFETCH(int, workers);
    const TimelineLayout layout = randomRun(seed, count, workers);
    verifyLanes(layout, 0);
    // Greedy partitioning in start order is optimal.
    QCOMPARE(layout.laneCount(), layout.maxConcurrency());
    QVERIFY(layout.laneCount() <= workers);
}

void tst_TimelineLayout::lanesGroupPerNodeOrJob_data()
{
    QTest::addColumn<QString>("script");
    QTest::addColumn<LaneGrouping>("grouping");
    QTest::addColumn<QString>("groups");
    QTest::newRow("no node: slots")
        << u"1.1 0-10 -, 2.1 5-15 -, 3.1 10-20 -"_s << LaneGrouping::Slots << u":2"_s;
    QTest::newRow("one node") << u"1.1 0-10 n1, 2.1 5-15 n1, 3.1 12-20 n1"_s << LaneGrouping::Nodes
                              << u"n1:2"_s;
    QTest::newRow("nodes in order of appearance")
        << u"1.1 0-10 b, 2.1 5-15 a, 3.1 6-9 b, 4.1 20-30 a"_s << LaneGrouping::Nodes
        << u"b:2 a:1"_s;
    QTest::newRow("a retry on another node")
        << u"1.1 0-10 a, 1.2 20-30 b"_s << LaneGrouping::Nodes << u"a:1 b:1"_s;
    QTest::newRow("no node (never started, running) last")
        << u"1.1 0-10 -, 2.1 5-15 a, 3.1 20-* -, 4.1 21-* -"_s << LaneGrouping::Nodes
        << u"a:1 :2"_s;
    QTest::newRow("a node first seen after the no-node group")
        << u"1.1 0-* -, 2.1 1-5 a, 3.1 2-8 b, 4.1 3-9 a"_s << LaneGrouping::Nodes
        << u"a:2 b:1 :1"_s;
    QTest::newRow("node lanes at the limit: per node")
        << spreadRun(8, 8) << LaneGrouping::Nodes << nodeGroups(8, 8);
    QTest::newRow("node lanes over the limit, few jobs: per job")
        << spreadRun(8, 9) << LaneGrouping::Jobs << jobGroups(8);
    QTest::newRow("node lanes and jobs over the limit: per node")
        << spreadRun(65, 1) << LaneGrouping::Nodes << nodeGroups(65, 1);
    QTest::newRow("per job, then too many jobs: per node again")
        << spreadRun(8, 9) + u',' + spreadRun(65, 1, 101) << LaneGrouping::Nodes << QString();
}

void tst_TimelineLayout::lanesGroupPerNodeOrJob()
{
    QFETCH(QString, script);
    QFETCH(LaneGrouping, grouping);
    QFETCH(QString, groups);
    const TimelineLayout layout = layoutOf(script);
    verifyLanes(layout, 1000000);
    verifyGroups(layout);
    QCOMPARE(layout.grouping(), grouping);
    if (!groups.isEmpty())
        QCOMPARE(groupsText(layout), groups);
    // The same attempts in start order (as a report adds them) end alike.
    QStringList items = script.split(u',');
    std::stable_sort(items.begin(), items.end(), [](const QString &a, const QString &b) {
        return a.trimmed().section(u' ', 1, 1).section(u'-', 0, 0).toLongLong()
            < b.trimmed().section(u' ', 1, 1).section(u'-', 0, 0).toLongLong();
    });
    const TimelineLayout sorted = layoutOf(items.join(u','));
    verifyLanes(sorted, 1000000);
    verifyGroups(sorted);
    QCOMPARE(sorted.grouping(), grouping);
}

void tst_TimelineLayout::runningAttemptMovesToItsNode()
{
    TimelineLayout layout;
    const int first = layout.update(1, 1, attempt(1, 0, 0), true);
    layout.update(2, 2, attempt(1, 10, 0), true);
    QCOMPARE(layout.grouping(), LaneGrouping::Slots); // no node known yet
    QCOMPARE(layout.laneCount(), 2);

    AttemptRecord ended = attempt(1, 0, 100);
    ended.node = u"node1"_s;
    QCOMPARE(layout.update(1, 1, ended, false), first);
    QCOMPARE(layout.grouping(), LaneGrouping::Nodes);
    QCOMPARE(groupsText(layout), u"node1:1 :1"_s);
    QCOMPARE(layout.attempts()[1].lane, 1); // job 2 runs, on no node yet
    verifyLanes(layout, 150);
    verifyGroups(layout);

    layout.update(3, 3, attempt(1, 120, 0), true); // lane 1 is busy: a new one
    QCOMPARE(groupsText(layout), u"node1:1 :2"_s);

    ended = attempt(1, 10, 200, AttemptOutcome::ExitCode);
    ended.node = u"node1"_s;
    layout.update(2, 2, ended, false); // overlapped job 1 on node1: a second lane there
    QCOMPARE(groupsText(layout), u"node1:2 :1"_s);
    QCOMPARE(layout.attempts()[1].lane, 1);
    QCOMPARE(layout.attempts()[2].lane, 2);
    verifyLanes(layout, 250);
    verifyGroups(layout);

    ended = attempt(1, 120, 300);
    ended.node = u"node2"_s;
    layout.update(3, 3, ended, false);
    QCOMPARE(groupsText(layout), u"node1:2 node2:1 :0"_s);
    QCOMPARE(layout.runningCount(), 0);
    QCOMPARE(layout.finishedIn(0, 1000).failed, 1);
    QCOMPARE(layout.finishedIn(0, 1000).succeeded, 2);
    QCOMPARE(layout.lane(2), std::vector<int> {2});
    verifyLanes(layout, 400);
    verifyGroups(layout);
}

void tst_TimelineLayout::liveClusterRunKeepsGroupsApart_data()
{
    QTest::addColumn<quint32>("seed");
    QTest::addColumn<int>("jobs");
    QTest::addColumn<int>("nodes");
    QTest::addColumn<int>("perNode");
    QTest::addColumn<LaneGrouping>("grouping");
    QTest::newRow("one node, four at once") << 1u << 300 << 1 << 4 << LaneGrouping::Nodes;
    QTest::newRow("eight nodes, two at once") << 2u << 2000 << 8 << 2 << LaneGrouping::Nodes;
    QTest::newRow("a thousand nodes, sixty jobs") << 3u << 60 << 1000 << 1 << LaneGrouping::Jobs;
    QTest::newRow("a hundred nodes, a thousand jobs")
        << 4u << 1000 << 100 << 1 << LaneGrouping::Nodes;
}

void tst_TimelineLayout::liveClusterRunKeepsGroupsApart()
{
    QFETCH(quint32, seed);
    QFETCH(int, jobs);
    QFETCH(int, nodes);
    QFETCH(int, perNode);
    QFETCH(LaneGrouping, grouping);
    const TimelineLayout layout = liveClusterRun(seed, jobs, nodes, perNode);
    QCOMPARE(layout.runningCount(), 0);
    verifyLanes(layout, 0);
    verifyGroups(layout);
    QCOMPARE(layout.grouping(), grouping);
    if (grouping == LaneGrouping::Nodes) {
        // Every attempt ended on a node: the no-node group is empty, and a
        // node never needs more lanes than attempts ran on it at once.
        for (const LaneGroup &group : layout.groups()) {
            QVERIFY(!group.label.isEmpty() || group.laneCount == 0);
            QVERIFY2(group.laneCount <= perNode, qPrintable(groupsText(layout)));
        }
    }
}

void tst_TimelineLayout::backToBackAttemptsShareALane()
{
    TimelineLayout layout;
    layout.update(1, 1, attempt(1, 0, 100), false);
    layout.update(1, 1, attempt(2, 100, 200), false);
    layout.update(2, 2, attempt(1, 150, 300), false);
    QCOMPARE(layout.laneCount(), 2);
    QCOMPARE(layout.attempts()[1].lane, 0);
    QCOMPARE(layout.attempts()[2].lane, 1);
}

void tst_TimelineLayout::runningAttemptHoldsItsLaneUntilItEnds()
{
    TimelineLayout layout;
    layout.update(1, 1, attempt(1, 0, 0), true);
    layout.update(2, 2, attempt(1, 10, 20), false);
    layout.update(3, 3, attempt(1, 30, 40), false); // lane 1 is free again at 30
    QCOMPARE(layout.attempts()[1].lane, 1);
    QCOMPARE(layout.attempts()[2].lane, 1);
    layout.update(1, 1, attempt(1, 0, 50), false);
    layout.update(4, 4, attempt(1, 60, 70), false);
    QCOMPARE(layout.attempts()[3].lane, 0);
    verifyLanes(layout, 100);
}

void tst_TimelineLayout::updateFinishesTheRunningAttempt()
{
    TimelineLayout layout;
    const int index = layout.update(7, 3, attempt(1, 1000, 0), true);
    QCOMPARE(layout.runningCount(), 1);
    QCOMPARE(layout.attempts()[0].endUs(5000), 5000); // grows while it runs
    QCOMPARE(layout.lastEndUs(5000), 5000);
    QCOMPARE(layout.update(7, 3, attempt(1, 1000, 4000, AttemptOutcome::ExitCode), false), index);
    QCOMPARE(layout.attempts().size(), size_t(1));
    QCOMPARE(layout.runningCount(), 0);
    QCOMPARE(layout.attempts()[0].kind, BarKind::Failed);
    QCOMPARE(layout.attempts()[0].endUs(9000), 4000);
    QCOMPARE(layout.lastEndUs(9000), 4000);
    // A repeated report of the same finished attempt changes nothing.
    layout.update(7, 3, attempt(1, 1000, 4000, AttemptOutcome::ExitCode), false);
    QCOMPARE(layout.attempts().size(), size_t(1));
    QCOMPARE(layout.finishedIn(0, 10000).failed, 1);
}

void tst_TimelineLayout::attemptsOfJobInNumberOrder()
{
    TimelineLayout layout;
    layout.update(1, 1, attempt(2, 300, 400), false);
    layout.update(1, 1, attempt(1, 0, 100), false);
    layout.update(2, 2, attempt(1, 0, 100), false);
    const QList<int> ofJob = layout.attemptsOfJob(1);
    QCOMPARE(ofJob.size(), 2);
    QCOMPARE(layout.attempts()[size_t(ofJob[0])].record.number, 1);
    QCOMPARE(layout.attempts()[size_t(ofJob[1])].record.number, 2);
    QVERIFY(layout.attemptsOfJob(99).isEmpty());
    // The chains link each attempt to the one before it, out of order or not.
    layout.update(1, 1, attempt(3, 500, 600), false);
    QCOMPARE(layout.previousAttempt(ofJob[0]), -1);
    QCOMPARE(layout.previousAttempt(ofJob[1]), ofJob[0]);
    QCOMPARE(layout.previousAttempt(int(layout.attempts().size()) - 1), ofJob[1]);
    QCOMPARE(layout.previousAttempt(2), -1);
}

void tst_TimelineLayout::zoomedOutAggregatesPerPixelColumn()
{
    TimelineLayout layout;
    const int count = 100000;
    for (int i = 0; i < count; ++i)
        layout.update(JobId(i + 1), i + 1, attempt(1, i * 10, i * 10 + 5), false);
    QCOMPARE(layout.laneCount(), 1);
    const TimeWindow window {0, count * 10, 200};
    const std::vector<TimelineSpan> spans = layout.laneSpans(0, window, 0);
    QVERIFY2(spans.size() <= 2 * size_t(window.width) + 2, "one item per attempt");
    int drawn = 0;
    for (const TimelineSpan &span : spans)
        drawn += span.count;
    QCOMPARE(drawn, count);
    // All succeeded, contiguous: merged into one aggregated span.
    QCOMPARE(spans.size(), size_t(1));
    QCOMPARE(spans[0].attempt, -1);
}

void tst_TimelineLayout::failedWinsAnAggregatedColumn()
{
    TimelineLayout layout;
    for (int i = 0; i < 1000; ++i) {
        const auto outcome = i == 500 ? AttemptOutcome::ExitCode : AttemptOutcome::Succeeded;
        layout.update(JobId(i + 1), i + 1, attempt(1, i * 10, i * 10 + 5, outcome), false);
    }
    const TimeWindow window {0, 10000, 100}; // 10 attempts per pixel
    const std::vector<TimelineSpan> spans = layout.laneSpans(0, window, 0);
    QCOMPARE(spans.size(), size_t(3));
    QCOMPARE(spans[1].kind, BarKind::Failed);
    QCOMPARE(spans[1].x0, 50.0);
    QCOMPARE(spans[1].x1, 51.0);
    QCOMPARE(spans[0].kind, BarKind::Succeeded);
    QCOMPARE(spans[0].x1, 50.0);
    QCOMPARE(spans[0].count + spans[1].count + spans[2].count, 1000);
}

void tst_TimelineLayout::wideBarsStayOneSpanEach()
{
    TimelineLayout layout;
    layout.update(1, 1, attempt(1, 0, 400), false);
    layout.update(2, 2, attempt(1, 500, 900, AttemptOutcome::Signalled), false);
    layout.update(3, 3, attempt(1, 950, 0), true);
    const std::vector<TimelineSpan> spans = layout.laneSpans(0, TimeWindow {0, 1000, 100}, 1000);
    QCOMPARE(spans.size(), size_t(3));
    QCOMPARE(spans[0].attempt, 0);
    QCOMPARE(spans[0].x0, 0.0);
    QCOMPARE(spans[0].x1, 40.0);
    QCOMPARE(spans[1].kind, BarKind::Signalled);
    QCOMPARE(spans[2].kind, BarKind::Running);
    QCOMPARE(spans[2].x1, 100.0); // up to now
    // Outside the window: nothing.
    QVERIFY(layout.laneSpans(0, TimeWindow {2000, 3000, 100}, 1000).empty());
}

void tst_TimelineLayout::spansAccountForEveryVisibleAttempt_data()
{
    QTest::addColumn<qint64>("from");
    QTest::addColumn<qint64>("to");
    QTest::addColumn<int>("width");
    QTest::newRow("everything, narrow") << qint64(-100) << qint64(400000) << 50;
    QTest::newRow("everything, wide") << qint64(0) << qint64(400000) << 3000;
    QTest::newRow("a stretch") << qint64(100000) << qint64(120000) << 200;
    QTest::newRow("zoomed in") << qint64(100000) << qint64(101000) << 800;
}

void tst_TimelineLayout::spansAccountForEveryVisibleAttempt()
{
    QFETCH(qint64, from);
    QFETCH(qint64, to);
    QFETCH(int, width);
    const TimelineLayout layout = randomRun(5, 20000, 8);
    const TimeWindow window {from, to, width};
    for (int lane = 0; lane < layout.laneCount(); ++lane) {
        const std::vector<TimelineSpan> spans = layout.laneSpans(lane, window, 0);
        QVERIFY(spans.size() <= 2 * size_t(width) + 2);
        int visible = 0;
        for (int index : layout.lane(lane)) {
            const TimelineAttempt &a = layout.attempts()[size_t(index)];
            if (a.record.startedUs > to || a.record.finishedUs < from)
                continue;
            ++visible;
            // Its own bar, or a column whose colour wins over its own.
            const auto own = std::find_if(spans.begin(), spans.end(), [&](const TimelineSpan &s) {
                return s.attempt == index;
            });
            if (own != spans.end()) {
                QCOMPARE(own->kind, a.kind);
                continue;
            }
            const double x = std::max(-1.0, window.x(a.record.startedUs));
            const auto column
                = std::find_if(spans.begin(), spans.end(), [&](const TimelineSpan &s) {
                      return s.attempt == -1 && s.x0 <= x && x < s.x1;
                  });
            QVERIFY(column != spans.end());
            QVERIFY(barPriority(column->kind) >= barPriority(a.kind));
        }
        int drawn = 0;
        double previous = -2;
        for (const TimelineSpan &span : spans) {
            drawn += span.count;
            // In order; a column's pixel may touch the next bar's start.
            QVERIFY(span.x0 >= previous - 1);
            previous = span.x1;
            QCOMPARE(span.attempt >= 0, span.count == 1);
        }
        QCOMPARE(drawn, visible);
    }
}

void tst_TimelineLayout::attemptAtFindsTheBar()
{
    TimelineLayout layout;
    layout.update(1, 1, attempt(1, 0, 400), false);
    layout.update(2, 2, attempt(1, 500, 900), false);
    QCOMPARE(layout.attemptAt(0, 200, 0, 0), 0);
    QCOMPARE(layout.attemptAt(0, 600, 0, 0), 1);
    QCOMPARE(layout.attemptAt(0, 450, 0, 0), -1);
    QCOMPARE(layout.attemptAt(0, 470, 60, 0), 1);
    QCOMPARE(layout.attemptAt(1, 200, 0, 0), -1);
}

void tst_TimelineLayout::chartQueries()
{
    TimelineLayout layout;
    layout.update(1, 1, attempt(1, 0, 100, AttemptOutcome::ExitCode), false);
    layout.update(2, 2, attempt(1, 50, 150), false);
    layout.update(1, 1, attempt(2, 120, 0), true);
    QCOMPARE(layout.runningAt(-1), 0);
    QCOMPARE(layout.runningAt(60), 2);
    QCOMPARE(layout.runningAt(110), 1);
    QCOMPARE(layout.runningAt(130), 2);
    QCOMPARE(layout.runningAt(1000), 1);
    QCOMPARE(layout.maxConcurrency(), 2);
    const FinishedCounts all = layout.finishedIn(0, 1000);
    QCOMPARE(all.succeeded, 1);
    QCOMPARE(all.failed, 1);
    QCOMPARE(layout.finishedIn(0, 100).failed, 0); // [from, to)
    QCOMPARE(layout.finishedIn(100, 101).failed, 1);
    QCOMPARE(layout.firstStartUs(), 0);
    QCOMPARE(layout.lastEndUs(500), 500);

    // A cancelled attempt is counted as cancelled (grey in the chart), not
    // as failed (red).
    layout.update(3, 3, attempt(1, 200, 300, AttemptOutcome::Cancelled), false);
    layout.update(4, 4, attempt(1, 200, 310, AttemptOutcome::Signalled), false);
    const FinishedCounts later = layout.finishedIn(200, 1000);
    QCOMPARE(later.cancelled, 1);
    QCOMPARE(later.failed, 1);
    QCOMPARE(later.succeeded, 0);
    QCOMPARE(later.total(), 2);
}

void tst_TimelineLayout::barKindsFollowOutcomes()
{
    AttemptRecord record;
    record.outcome = AttemptOutcome::Exception;
    QCOMPARE(barKind(record, false), BarKind::Failed);
    QCOMPARE(barKind(record, true), BarKind::Running);
    record.outcome = AttemptOutcome::TimedOut;
    QCOMPARE(barKind(record, false), BarKind::TimedOut);
    QSet<quint32> colours;
    for (int kind = 0; kind < BarKindCount; ++kind)
        colours.insert(barRgb(BarKind(kind)));
    QCOMPARE(colours.size(), BarKindCount);
    QVERIFY(barPriority(BarKind::Failed) > barPriority(BarKind::Succeeded));
}

} // namespace requeue

QTEST_APPLESS_MAIN(requeue::tst_TimelineLayout)
#include "tst_timelinelayout.moc"
