#pragma once

#include "attemptrecord.h"
#include "jobstate.h"

#include <QHash>
#include <QList>

#include <array>
#include <vector>

namespace requeue {

// How an attempt's bar is coloured: its outcome, or Running while it runs.
enum class BarKind : quint8 {
    Succeeded,
    Failed, // a non-zero exit code or an exception
    Signalled,
    TimedOut,
    Cancelled,
    NotStarted,
    Running,
};
constexpr int BarKindCount = 7;

BarKind barKind(const AttemptRecord &record, bool running);
// 0xRRGGBB, shared by the window and the report so both read alike; the
// succeeded, failed, running and cancelled colours are the table's.
quint32 barRgb(BarKind kind);
// The colour of a backoff wait between two attempts of a job (the table's "waiting").
quint32 waitRgb();
// "succeeded", "failed", ... (for legends and CSS classes).
QString barKindName(BarKind kind);
// Which kind an aggregated pixel column shows: failures must stay visible
// however far one zooms out, so they win over successes.
int barPriority(BarKind kind);

// How a TimelineLayout groups its lanes.
enum class LaneGrouping : quint8 {
    Slots, // one lane per worker slot: no attempt names a node (local runs)
    Nodes, // a group of lanes per cluster node
    Jobs,  // one lane per job: the node lanes would be too many
};

// Lanes that belong together, lanes firstLane .. firstLane + laneCount - 1.
// A value type.
struct LaneGroup
{
    // The node, or "#<seq>" of the job; empty for Slots, and for the
    // attempts that are on no node (yet): running, or never started.
    QString label;
    int firstLane = 0;
    int laneCount = 0;
};

// One attempt as the timeline draws it. A value type.
struct TimelineAttempt
{
    JobId job = 0;
    int seq = 0;
    AttemptRecord record; // finishedUs == 0 while running
    BarKind kind = BarKind::Running;
    int lane = -1;
    int previous = -1; // the job's attempt before this one (index into attempts()), or -1

    bool isRunning() const { return kind == BarKind::Running; }
    // Where the bar ends: `nowUs` while running.
    qint64 endUs(qint64 nowUs) const { return isRunning() ? nowUs : record.finishedUs; }
};

// The visible time range and the pixels it maps to.
struct TimeWindow
{
    qint64 fromUs = 0;
    qint64 toUs = 1;
    int width = 1; // pixels

    double usPerPixel() const { return double(toUs - fromUs) / double(qMax(1, width)); }
    double x(qint64 us) const { return double(us - fromUs) / usPerPixel(); }
    qint64 time(double x) const { return fromUs + qint64(x * usPerPixel()); }
};

// What to paint on one lane: one attempt's bar, or one or more pixel columns
// that several attempts share (attempt == -1, `count` attempts, the kind of
// highest barPriority()).
struct TimelineSpan
{
    double x0 = 0;
    double x1 = 0;
    BarKind kind = BarKind::Succeeded;
    int attempt = -1; // index into attempts(), or -1 when aggregated
    int count = 1;
};

struct FinishedCounts
{
    int succeeded = 0;
    int cancelled = 0; // stopped on request
    int failed = 0;    // every other outcome

    int total() const { return succeeded + cancelled + failed; }
};

// Attempts laid out in lanes, grouped as grouping() says, so that no two
// attempts of a lane overlap. Within a group an attempt goes to the lowest
// lane that is free at its start (greedy interval partitioning), so with
// attempts added in start order a group uses no more lanes than its attempts
// ever ran at once. Also answers the charts' questions (running at a time,
// finished in a range) in O(log n).
//
// Grouping: Slots (one group, every lane) while no attempt names a node, so
// a local run's lanes are its worker slots and only ever appended: a live
// view never sees a bar jump. Once an attempt names a node (Slurm), a group
// per node, in the order the nodes first appear, and last a group for the
// attempts on no node: the running ones (a node is recorded when an attempt
// ends) and those that never started; a running attempt moves to its node's
// group when it ends. When the node lanes would be more than MaxGroupedLanes
// and the run has at most that many jobs, one lane per job instead (its
// attempts in a row); with more jobs too, the node lanes stay. Changing the
// grouping lays every attempt out again, at most three times in a run
// (Slots, Nodes, Jobs, Nodes: the job count only grows).
//
// A value type without thread affinity; not thread-safe.
class TimelineLayout
{
public:
    // Adds the attempt, or updates it when `job` already has attempt
    // `record.number` (a running attempt that finished). Returns its index.
    int update(JobId job, int seq, const AttemptRecord &record, bool running);
    void clear();

    // More lanes than this are too many to read: about 4 px each in the
    // window's default size, 6 px in the report.
    static constexpr int MaxGroupedLanes = 64;

    const std::vector<TimelineAttempt> &attempts() const { return m_attempts; }
    int laneCount() const { return int(m_lanes.size()); }
    LaneGrouping grouping() const { return m_grouping; }
    // In lane order; a group may have no lanes (left).
    const std::vector<LaneGroup> &groups() const { return m_groups; }
    // Indices into attempts(), in start order.
    const std::vector<int> &lane(int lane) const { return m_lanes[size_t(lane)].ids; }
    // Indices of `job`'s attempts by attempt number.
    QList<int> attemptsOfJob(JobId job) const { return m_byJob.value(job); }
    // The index of the attempt of the same job before attempts()[index] in
    // number order, or -1.
    int previousAttempt(int index) const { return m_attempts[size_t(index)].previous; }
    int runningCount() const { return m_running; }

    // 0 when empty.
    qint64 firstStartUs() const { return m_starts.empty() ? 0 : m_starts.front(); }
    // The latest end, or `nowUs` while anything runs; 0 when empty.
    qint64 lastEndUs(qint64 nowUs) const;

    // What to paint on `lane` inside `window`: bars at least a pixel wide one
    // by one, everything thinner aggregated per pixel column, so a lane never
    // yields more than about two spans per pixel column however many attempts
    // it holds.
    std::vector<TimelineSpan> laneSpans(int lane, const TimeWindow &window, qint64 nowUs) const;
    // The attempt of `lane` covering `timeUs` (within `slackUs`), else -1.
    int attemptAt(int lane, qint64 timeUs, qint64 slackUs, qint64 nowUs) const;

    // Attempts running at `timeUs`.
    int runningAt(qint64 timeUs) const;
    // runningAt() of each of `times` (ascending), cheaper than one by one:
    // each search starts where the last one ended.
    std::vector<int> runningAtEach(const std::vector<qint64> &times) const;
    // Attempts that ended in [fromUs, toUs).
    FinishedCounts finishedIn(qint64 fromUs, qint64 toUs) const;
    // The most attempts that ever ran at once.
    int maxConcurrency() const;

private:
    using KindCounts = std::array<int, BarKindCount>;
    // What painting a lane reads, stored by lane and contiguous: a repaint
    // searches these and never touches the attempts it aggregates (which lie
    // scattered among the other lanes' in m_attempts).
    struct Lane
    {
        std::vector<int> ids;       // indices into m_attempts, in start order
        std::vector<qint64> starts; // of each of ids
        std::vector<qint64> ends;   // of each of ids; max while it runs
        // Entry k counts the kinds of the first k attempts, so a pixel
        // column's kind is found without visiting its attempts. Append-only:
        // only a lane's last attempt can be running, so only the last entry
        // changes.
        std::vector<KindCounts> kinds = std::vector<KindCounts>(1, KindCounts {});
        int group = 0; // index into m_groups
    };
    void refresh(int index, const AttemptRecord &record, bool running);
    void finishInPlace(TimelineAttempt &attempt, const AttemptRecord &record);
    void setRecord(TimelineAttempt &attempt, const AttemptRecord &record, bool running);
    // Puts attempt `index` (in no lane) into a lane, changing the grouping
    // first or afterwards when it calls for it.
    void arrange(int index);
    LaneGrouping groupingFor(const TimelineAttempt &attempt) const;
    void regroup(LaneGrouping grouping);
    int groupOf(const TimelineAttempt &attempt);
    int assignLane(int group, qint64 startUs);
    int insertLane(int group);
    void removeLane(int lane);
    void renumberFrom(int lane);
    void place(int index, int lane);
    // Takes attempt `index`, the last of its lane, out of it.
    void unplace(int index);
    void appendColumn(std::vector<TimelineSpan> &spans, TimelineSpan column,
                      const KindCounts &before, const KindCounts &after) const;
    void noteFinished(const TimelineAttempt &attempt);

    std::vector<TimelineAttempt> m_attempts;
    LaneGrouping m_grouping = LaneGrouping::Slots;
    std::vector<LaneGroup> m_groups;
    QHash<QString, int> m_nodeGroups; // Nodes: index into m_groups by node
    QHash<JobId, int> m_jobGroups;    // Jobs: index into m_groups by job
    int m_noNodeGroup = -1;           // Nodes: always the last group, once there
    std::vector<Lane> m_lanes;
    std::vector<qint64> m_laneEnds; // the end of each lane's last attempt; max while it runs
    QHash<JobId, QList<int>> m_byJob;
    std::vector<qint64> m_starts; // sorted, every attempt
    std::vector<qint64> m_ends;   // sorted, finished attempts
    std::vector<qint64> m_succeededEnds;
    std::vector<qint64> m_cancelledEnds;
    std::vector<qint64> m_failedEnds;
    qint64 m_lastEndUs = 0;
    int m_running = 0;
};

} // namespace requeue
