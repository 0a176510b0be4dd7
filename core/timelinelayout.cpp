#include "timelinelayout.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace requeue {

namespace {

constexpr qint64 stillRunning = std::numeric_limits<qint64>::max();

void insertSorted(std::vector<qint64> &values, qint64 value)
{
    // Attempts arrive nearly in time order, so this is almost always an append.
    values.insert(std::upper_bound(values.begin(), values.end(), value), value);
}

qsizetype countUpTo(const std::vector<qint64> &values, qint64 value)
{
    return std::upper_bound(values.begin(), values.end(), value) - values.begin();
}

// The first k >= from where inColumn(k) is false (inColumn(from) is true):
// a galloping search, as a column usually holds few attempts.
template<typename Predicate>
size_t endOfColumn(const std::vector<int> &ids, size_t from, Predicate inColumn)
{
    size_t low = from; // inColumn(low) holds
    size_t step = 1;
    while (low + step < ids.size() && inColumn(low + step)) {
        low += step;
        step *= 2;
    }
    size_t high = std::min(ids.size(), low + step); // inColumn(high) fails, or the end
    while (high - low > 1) {
        const size_t mid = low + (high - low) / 2;
        if (inColumn(mid))
            low = mid;
        else
            high = mid;
    }
    return high;
}

// countUpTo(values, value), searching from `from` (<= the answer) onwards:
// a galloping search, as successive pixel columns are close in the values.
size_t gallopPast(const std::vector<qint64> &values, size_t from, qint64 value)
{
    size_t step = 1;
    size_t low = from; // every element before low is <= value
    while (low + step <= values.size() && values[low + step - 1] <= value) {
        low += step;
        step *= 2;
    }
    const size_t high = std::min(values.size(), low + step);
    return size_t(
        std::upper_bound(values.begin() + qsizetype(low), values.begin() + qsizetype(high), value)
        - values.begin());
}

qsizetype countBefore(const std::vector<qint64> &values, qint64 value)
{
    return std::lower_bound(values.begin(), values.end(), value) - values.begin();
}

} // namespace

BarKind barKind(const AttemptRecord &record, bool running)
{
    if (running)
        return BarKind::Running;
    switch (record.outcome) {
    case AttemptOutcome::Succeeded:
        return BarKind::Succeeded;
    case AttemptOutcome::ExitCode:
    case AttemptOutcome::Exception:
    case AttemptOutcome::Lost: // the retry policy treats it as any failure
        return BarKind::Failed;
    case AttemptOutcome::Signalled:
        return BarKind::Signalled;
    case AttemptOutcome::TimedOut:
        return BarKind::TimedOut;
    case AttemptOutcome::Cancelled:
        return BarKind::Cancelled;
    case AttemptOutcome::NotStarted:
        return BarKind::NotStarted;
    }
    Q_UNREACHABLE();
    return BarKind::Failed;
}

quint32 barRgb(BarKind kind)
{
    switch (kind) {
    case BarKind::Succeeded:
        return 0x2e9e44;
    case BarKind::Failed:
        return 0xd22d2d;
    case BarKind::Signalled:
        return 0x9c2fae;
    case BarKind::TimedOut:
        return 0xb35c00;
    case BarKind::Cancelled:
        return 0x5a5a5a;
    case BarKind::NotStarted:
        return 0x8d6e63;
    case BarKind::Running:
        return 0x1e6fd9;
    }
    Q_UNREACHABLE();
    return 0;
}

quint32 waitRgb()
{
    return 0xd9821e;
}

QString barKindName(BarKind kind)
{
    switch (kind) {
    case BarKind::Succeeded:
        return QStringLiteral("succeeded");
    case BarKind::Failed:
        return QStringLiteral("failed");
    case BarKind::Signalled:
        return QStringLiteral("signalled");
    case BarKind::TimedOut:
        return QStringLiteral("timed out");
    case BarKind::Cancelled:
        return QStringLiteral("cancelled");
    case BarKind::NotStarted:
        return QStringLiteral("not started");
    case BarKind::Running:
        return QStringLiteral("running");
    }
    Q_UNREACHABLE();
    return {};
}

int barPriority(BarKind kind)
{
    switch (kind) {
    case BarKind::Succeeded:
        return 0;
    case BarKind::Running:
        return 1;
    case BarKind::Cancelled:
        return 2;
    case BarKind::NotStarted:
        return 3;
    case BarKind::TimedOut:
        return 4;
    case BarKind::Signalled:
        return 5;
    case BarKind::Failed:
        return 6;
    }
    Q_UNREACHABLE();
    return 0;
}

int TimelineLayout::update(JobId job, int seq, const AttemptRecord &record, bool running)
{
    QList<int> &ofJob = m_byJob[job];
    for (int index : std::as_const(ofJob)) {
        const TimelineAttempt &known = m_attempts[size_t(index)];
        if (known.record.number != record.number)
            continue;
        if (known.isRunning())
            refresh(index, record, running);
        return index;
    }

    const int index = int(m_attempts.size());
    m_attempts.emplace_back();
    TimelineAttempt &attempt = m_attempts.back();
    attempt.job = job;
    attempt.seq = seq;
    setRecord(attempt, record, running);
    insertSorted(m_starts, record.startedUs);
    if (running)
        ++m_running;
    // Keep a job's attempts in number order even if they arrive out of order.
    const auto pos
        = std::upper_bound(ofJob.begin(), ofJob.end(), record.number, [this](int n, int i) {
              return n < m_attempts[size_t(i)].record.number;
          });
    const auto at = ofJob.insert(pos, index);
    if (at != ofJob.begin())
        attempt.previous = *(at - 1);
    if (at + 1 != ofJob.end())
        m_attempts[size_t(*(at + 1))].previous = index;
    arrange(index);
    return index;
}

void TimelineLayout::clear()
{
    *this = TimelineLayout();
}

// A running attempt ends, or learns its node.
void TimelineLayout::refresh(int index, const AttemptRecord &record, bool running)
{
    TimelineAttempt &known = m_attempts[size_t(index)];
    const bool nodeChanged = record.node != known.record.node;
    if (running && !nodeChanged)
        return;
    if (!running)
        --m_running;
    // Its node decides its group: it leaves the lane it held while running
    // (the last of that lane, so nothing behind it moves).
    if (nodeChanged && m_grouping != LaneGrouping::Jobs) {
        unplace(index);
        setRecord(known, record, running);
        arrange(index);
        return;
    }
    if (running)
        known.record.node = record.node;
    else
        finishInPlace(known, record);
}

void TimelineLayout::finishInPlace(TimelineAttempt &attempt, const AttemptRecord &record)
{
    setRecord(attempt, record, false);
    // Only a lane's last attempt can be running.
    Lane &lane = m_lanes[size_t(attempt.lane)];
    Q_ASSERT(&m_attempts[size_t(lane.ids.back())] == &attempt);
    KindCounts &counts = lane.kinds.back();
    --counts[size_t(BarKind::Running)];
    ++counts[size_t(attempt.kind)];
    lane.starts.back() = attempt.record.startedUs;
    lane.ends.back() = attempt.record.finishedUs;
    qint64 &laneEnd = m_laneEnds[size_t(attempt.lane)];
    if (laneEnd == stillRunning)
        laneEnd = attempt.record.finishedUs;
}

void TimelineLayout::setRecord(TimelineAttempt &attempt, const AttemptRecord &record, bool running)
{
    attempt.record = record;
    attempt.kind = barKind(record, running);
    if (running)
        return;
    attempt.record.finishedUs = std::max(record.finishedUs, record.startedUs);
    noteFinished(attempt);
}

void TimelineLayout::arrange(int index)
{
    const LaneGrouping wanted = groupingFor(m_attempts[size_t(index)]);
    if (wanted != m_grouping) {
        regroup(wanted);
    } else {
        const TimelineAttempt &attempt = m_attempts[size_t(index)];
        place(index, assignLane(groupOf(attempt), attempt.record.startedUs));
    }
    if (m_grouping == LaneGrouping::Nodes && laneCount() > MaxGroupedLanes
        && m_byJob.size() <= MaxGroupedLanes) {
        regroup(LaneGrouping::Jobs);
    }
}

LaneGrouping TimelineLayout::groupingFor(const TimelineAttempt &attempt) const
{
    switch (m_grouping) {
    case LaneGrouping::Slots:
        return attempt.record.node.isEmpty() ? LaneGrouping::Slots : LaneGrouping::Nodes;
    case LaneGrouping::Nodes:
        return LaneGrouping::Nodes;
    case LaneGrouping::Jobs:
        // A lane per job is no better than the node lanes once the jobs
        // are too many as well; the node lanes at least tell where.
        return m_byJob.size() > MaxGroupedLanes ? LaneGrouping::Nodes : LaneGrouping::Jobs;
    }
    Q_UNREACHABLE();
    return LaneGrouping::Slots;
}

void TimelineLayout::regroup(LaneGrouping grouping)
{
    m_grouping = grouping;
    m_groups.clear();
    m_nodeGroups.clear();
    m_jobGroups.clear();
    m_noNodeGroup = -1;
    m_lanes.clear();
    m_laneEnds.clear();
    // In start order, as greedy lanes need.
    std::vector<int> order(m_attempts.size());
    for (size_t i = 0; i < order.size(); ++i)
        order[i] = int(i);
    std::stable_sort(order.begin(), order.end(), [this](int a, int b) {
        return m_attempts[size_t(a)].record.startedUs < m_attempts[size_t(b)].record.startedUs;
    });
    for (int index : order) {
        const TimelineAttempt &attempt = m_attempts[size_t(index)];
        place(index, assignLane(groupOf(attempt), attempt.record.startedUs));
    }
}

int TimelineLayout::groupOf(const TimelineAttempt &attempt)
{
    switch (m_grouping) {
    case LaneGrouping::Slots:
        if (m_groups.empty())
            m_groups.push_back(LaneGroup {});
        return 0;
    case LaneGrouping::Nodes: {
        const QString &node = attempt.record.node;
        if (node.isEmpty()) {
            if (m_noNodeGroup < 0) {
                m_noNodeGroup = int(m_groups.size());
                m_groups.push_back(LaneGroup {QString(), laneCount(), 0});
            }
            return m_noNodeGroup;
        }
        const auto known = m_nodeGroups.constFind(node);
        if (known != m_nodeGroups.cend())
            return *known;
        // The no-node group stays last: its lanes come and go as attempts
        // run and end, and renumbering lanes after them is cheap.
        const int group = m_noNodeGroup < 0 ? int(m_groups.size()) : m_noNodeGroup;
        const int first = m_noNodeGroup < 0 ? laneCount() : m_groups[size_t(group)].firstLane;
        m_groups.insert(m_groups.begin() + group, LaneGroup {node, first, 0});
        if (m_noNodeGroup >= 0) {
            ++m_noNodeGroup;
            for (Lane &lane : m_lanes) {
                if (lane.group >= group)
                    ++lane.group;
            }
        }
        m_nodeGroups.insert(node, group);
        return group;
    }
    case LaneGrouping::Jobs: {
        const auto known = m_jobGroups.constFind(attempt.job);
        if (known != m_jobGroups.cend())
            return *known;
        const int group = int(m_groups.size());
        m_groups.push_back(LaneGroup {QStringLiteral("#%1").arg(attempt.seq), laneCount(), 0});
        m_jobGroups.insert(attempt.job, group);
        return group;
    }
    }
    Q_UNREACHABLE();
    return 0;
}

int TimelineLayout::assignLane(int group, qint64 startUs)
{
    const LaneGroup &g = m_groups[size_t(group)];
    const int end = g.firstLane + g.laneCount;
    if (m_grouping == LaneGrouping::Slots) {
        // Attempts come in start order: any free lane is as good; the
        // lowest keeps the busy slots on top.
        for (int lane = g.firstLane; lane < end; ++lane) {
            if (m_laneEnds[size_t(lane)] <= startUs)
                return lane;
        }
        return insertLane(group);
    }
    // Attempts come to their node when they end, not in start order: the
    // free lane that became free last leaves the others to attempts that
    // started earlier, which keeps a node's lanes near its attempts' most
    // at once.
    int best = -1;
    for (int lane = g.firstLane; lane < end; ++lane) {
        const qint64 laneEnd = m_laneEnds[size_t(lane)];
        if (laneEnd <= startUs && (best < 0 || laneEnd > m_laneEnds[size_t(best)]))
            best = lane;
    }
    return best >= 0 ? best : insertLane(group);
}

int TimelineLayout::insertLane(int group)
{
    LaneGroup &g = m_groups[size_t(group)];
    const int lane = g.firstLane + g.laneCount;
    ++g.laneCount;
    for (size_t later = size_t(group) + 1; later < m_groups.size(); ++later)
        ++m_groups[later].firstLane;
    Lane fresh;
    fresh.group = group;
    m_lanes.insert(m_lanes.begin() + lane, std::move(fresh));
    m_laneEnds.insert(m_laneEnds.begin() + lane, stillRunning);
    renumberFrom(lane + 1);
    return lane;
}

void TimelineLayout::removeLane(int lane)
{
    const int group = m_lanes[size_t(lane)].group;
    --m_groups[size_t(group)].laneCount;
    for (size_t later = size_t(group) + 1; later < m_groups.size(); ++later)
        --m_groups[later].firstLane;
    m_lanes.erase(m_lanes.begin() + lane);
    m_laneEnds.erase(m_laneEnds.begin() + lane);
    renumberFrom(lane);
}

void TimelineLayout::renumberFrom(int first)
{
    for (int lane = first; lane < laneCount(); ++lane) {
        for (int index : m_lanes[size_t(lane)].ids)
            m_attempts[size_t(index)].lane = lane;
    }
}

void TimelineLayout::place(int index, int laneIndex)
{
    TimelineAttempt &attempt = m_attempts[size_t(index)];
    attempt.lane = laneIndex;
    const qint64 end = attempt.isRunning() ? stillRunning : attempt.record.finishedUs;
    m_laneEnds[size_t(laneIndex)] = end;
    Lane &lane = m_lanes[size_t(laneIndex)];
    lane.ids.push_back(index);
    lane.starts.push_back(attempt.record.startedUs);
    lane.ends.push_back(end);
    lane.kinds.push_back(lane.kinds.back());
    ++lane.kinds.back()[size_t(attempt.kind)];
}

void TimelineLayout::unplace(int index)
{
    TimelineAttempt &attempt = m_attempts[size_t(index)];
    const int laneIndex = attempt.lane;
    Lane &lane = m_lanes[size_t(laneIndex)];
    Q_ASSERT(!lane.ids.empty() && lane.ids.back() == index);
    lane.ids.pop_back();
    lane.starts.pop_back();
    lane.ends.pop_back();
    lane.kinds.pop_back();
    attempt.lane = -1;
    if (lane.ids.empty())
        removeLane(laneIndex); // an empty lane would be a gap in the picture
    else
        m_laneEnds[size_t(laneIndex)] = lane.ends.back();
}

void TimelineLayout::noteFinished(const TimelineAttempt &attempt)
{
    const qint64 end = attempt.record.finishedUs;
    insertSorted(m_ends, end);
    switch (attempt.kind) {
    case BarKind::Succeeded:
        insertSorted(m_succeededEnds, end);
        break;
    case BarKind::Cancelled:
        insertSorted(m_cancelledEnds, end);
        break;
    default:
        insertSorted(m_failedEnds, end);
        break;
    }
    m_lastEndUs = std::max(m_lastEndUs, end);
}

qint64 TimelineLayout::lastEndUs(qint64 nowUs) const
{
    if (m_running > 0)
        return std::max(nowUs, m_lastEndUs);
    return m_lastEndUs;
}

std::vector<TimelineSpan> TimelineLayout::laneSpans(int laneIndex, const TimeWindow &window,
                                                    qint64 nowUs) const
{
    const Lane &lane = m_lanes[size_t(laneIndex)];
    const std::vector<int> &ids = lane.ids;
    const double usPerPixel = window.usPerPixel();
    const double width = window.width;
    const auto x = [&](qint64 us) {
        return double(us - window.fromUs) / usPerPixel;
    };
    const auto left = [&](size_t k) {
        return std::max(-1.0, x(lane.starts[k]));
    };
    const auto right = [&](size_t k) {
        return std::min(width + 1, x(lane.ends[k] == stillRunning ? nowUs : lane.ends[k]));
    };
    // A lane's attempts do not overlap, so their ends are sorted as their
    // starts are; only the last one can be running (its end: now).
    size_t i = size_t(std::lower_bound(lane.ends.begin(), lane.ends.end(), window.fromUs)
                      - lane.ends.begin());
    if (i + 1 == ids.size() && lane.ends[i] == stillRunning && nowUs < window.fromUs)
        ++i;
    std::vector<TimelineSpan> spans;
    while (i < ids.size() && lane.starts[i] <= window.toUs) {
        const double x0 = left(i);
        const double x1 = right(i);
        if (x1 - x0 >= 1.0) {
            spans.push_back({x0, x1, m_attempts[size_t(ids[i])].kind, ids[i], 1});
            ++i;
            continue;
        }
        // Every attempt starting in this pixel column joins it, except a
        // last one that reaches past the column: that one is a bar of its own.
        const double column = std::floor(x0);
        size_t j = endOfColumn(ids, i, [&](size_t k) { return std::floor(left(k)) <= column; });
        if (j - i > 1 && right(j - 1) - left(j - 1) >= 1.0)
            --j;
        appendColumn(spans,
                     TimelineSpan {column, column + 1, BarKind::Succeeded, ids[i], int(j - i)},
                     lane.kinds[i], lane.kinds[j]);
        i = j;
    }
    return spans;
}

void TimelineLayout::appendColumn(std::vector<TimelineSpan> &spans, TimelineSpan column,
                                  const KindCounts &before, const KindCounts &after) const
{
    int best = -1;
    for (int kind = 0; kind < BarKindCount; ++kind) {
        if (after[size_t(kind)] > before[size_t(kind)]
            && (best < 0 || barPriority(BarKind(kind)) > barPriority(BarKind(best))))
            best = kind;
    }
    column.kind = BarKind(best);
    if (column.count == 1) {
        spans.push_back(column);
        return;
    }
    column.attempt = -1;
    TimelineSpan *last = spans.empty() ? nullptr : &spans.back();
    if (last && last->attempt == -1 && last->kind == column.kind && last->x1 == column.x0) {
        last->x1 = column.x1;
        last->count += column.count;
    } else {
        spans.push_back(column);
    }
}

int TimelineLayout::attemptAt(int lane, qint64 timeUs, qint64 slackUs, qint64 nowUs) const
{
    if (lane < 0 || lane >= laneCount())
        return -1;
    const std::vector<int> &ids = m_lanes[size_t(lane)].ids;
    const auto it
        = std::lower_bound(ids.begin(), ids.end(), timeUs - slackUs,
                           [&](int i, qint64 t) { return m_attempts[size_t(i)].endUs(nowUs) < t; });
    if (it == ids.end() || m_attempts[size_t(*it)].record.startedUs > timeUs + slackUs)
        return -1;
    return *it;
}

int TimelineLayout::runningAt(qint64 timeUs) const
{
    return int(countUpTo(m_starts, timeUs) - countUpTo(m_ends, timeUs));
}

std::vector<int> TimelineLayout::runningAtEach(const std::vector<qint64> &times) const
{
    std::vector<int> counts;
    counts.reserve(times.size());
    size_t started = 0;
    size_t ended = 0;
    for (qint64 t : times) {
        started = gallopPast(m_starts, started, t);
        ended = gallopPast(m_ends, ended, t);
        counts.push_back(int(started) - int(ended));
    }
    return counts;
}

FinishedCounts TimelineLayout::finishedIn(qint64 fromUs, qint64 toUs) const
{
    FinishedCounts counts;
    counts.succeeded
        = int(countBefore(m_succeededEnds, toUs) - countBefore(m_succeededEnds, fromUs));
    counts.cancelled
        = int(countBefore(m_cancelledEnds, toUs) - countBefore(m_cancelledEnds, fromUs));
    counts.failed = int(countBefore(m_failedEnds, toUs) - countBefore(m_failedEnds, fromUs));
    return counts;
}

int TimelineLayout::maxConcurrency() const
{
    // Ends sort before starts at the same instant: back-to-back attempts
    // share a slot.
    int running = 0;
    int most = running;
    size_t end = 0;
    for (qint64 start : m_starts) {
        while (end < m_ends.size() && m_ends[end] <= start) {
            ++end;
            --running;
        }
        most = std::max(most, ++running);
    }
    return most;
}

} // namespace requeue
