#pragma once

#include "changedjobs.h"
#include "jobsnapshot.h"
#include "statecounts.h"

#include <QAbstractTableModel>
#include <QTimer>

#include <optional>
#include <vector>

namespace requeue {

class JobRunner;

// The job table: one row per job of a JobRunner, keyed by JobId, in the order
// the jobs were added. Keeps a compact copy of each job (no history, no
// output) and follows the runner's change feed (JobRunner::jobsChanged):
// changes go out as dataChanged() over contiguous row ranges with the roles
// that changed, or over the whole table when most rows changed. It never
// polls the runner; a 1 Hz clock tick repaints the Duration of running jobs,
// which changes with time alone.
//
// Lives in the GUI thread (the runner's) and must only be used from it.
class JobTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        SeqColumn,
        NameColumn,
        StateColumn,
        AttemptsColumn,
        LastResultColumn,
        CommandColumn, // before the times: what a job is matters more than when
        DurationColumn,
        StartedColumn,
        FinishedColumn,
        ClusterJobColumn, // the attempt's Slurm job id; the window shows it for Slurm runs
        ColumnCount
    };
    Q_ENUM(Column)
    enum Role {
        SortRole = Qt::UserRole + 1, // raw value for sorting (number or string)
        JobIdRole,                   // JobId as qulonglong
        StateRole,                   // int(JobState)
    };
    Q_ENUM(Role)

    // Not owning: `runner` must outlive the model.
    explicit JobTableModel(JobRunner *runner, QObject *parent = nullptr);
    ~JobTableModel() override;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    JobRunner *runner() const { return m_runner; }
    JobId jobId(int row) const { return m_rows[size_t(row)].id; }
    JobState state(int row) const { return m_rows[size_t(row)].state; }
    // The row of `id`, or -1.
    int rowOf(JobId id) const;
    // Whether the job's name or command contains `needle` (case-insensitive).
    bool matches(int row, const QString &needle) const;
    // Compares two rows on `column`'s raw value (what SortRole returns).
    bool lessThan(int leftRow, int rightRow, int column) const;

    // Applies the runner's changes now (flushing its feed for every
    // observer) instead of at the next feed and over several event-loop passes.
    void refreshNow();
    // Changes received from the feed but not applied yet (a big batch is
    // applied a chunk per event-loop pass).
    bool hasBacklog() const { return !m_changed.isEmpty(); }
    // Jobs per state among the rows.
    const StateCounts &stateCounts() const { return m_stateCounts; }
    // Removes the finished jobs among `ids` from the runner and the table;
    // returns how many went. Active jobs are left alone.
    int removeFinished(const QList<JobId> &ids);
    // Ids of every finished (terminal) job in the table, in row order.
    QList<JobId> finishedJobIds() const;
    // Seconds until every active job is done, from how long the finished
    // ones took (EtaEstimator's rules); nothing until a job has finished.
    std::optional<double> remainingSeconds(int workers) const;
    // Bytes the model holds for one row, strings included (for benchmarks).
    qsizetype approximateBytesPerRow() const;

Q_SIGNALS:
    // After a refresh that changed, added or removed rows.
    void refreshed();

private:
    // Rows refreshed per event-loop pass at most, so a burst of 100,000
    // changes is spread over a few frames instead of stalling one.

    // Everything a row shows, nothing more: about 120 bytes plus the strings.
    struct Row
    {
        JobId id = 0;
        QString name;
        QString command;
        QString clusterJobId; // empty unless a cluster runs the attempt
        QString clusterState;
        qint64 firstStartedUs = 0;
        qint64 finishedUs = 0;
        qint64 runningSinceUs = 0;
        qint64 ranUs = 0;
        qint64 retryAtUs = 0;
        int seq = 0;
        int attempts = 0;
        int budgetStart = 0;
        int maxAttempts = 0;
        JobState state = JobState::Queued;
        std::optional<AttemptRecord> last; // the last attempt that ended, if any
    };
    using ColumnMask = quint32;
    struct RowChange
    {
        int row;
        ColumnMask columns;
        bool stateChanged;
    };

    static Row rowFromSnapshot(const JobSnapshot &snapshot);
    static ColumnMask diff(const Row &old, const Row &now, bool *stateChanged);
    QVariant displayData(const Row &row, int column) const;
    QVariant sortData(const Row &row, int column) const;
    // The raw value of a numeric column, without a QVariant (sorting hot path).
    qint64 numericKey(const Row &row, int column) const;
    QVariant decorationData(const Row &row, int column) const;
    QString lastResultText(const Row &row) const;
    QString stateText(const Row &row) const;
    qint64 durationUs(const Row &row) const;

    void onJobsChanged(const QList<JobId> &ids);
    void applyBacklog();
    // Applies up to `limit` pending changes; returns whether any were applied.
    bool drain(qsizetype limit);
    void resetFromRunner();
    // `snapshots` are those of `ids`, in the same order.
    void applySnapshots(const QList<JobId> &ids, const QList<JobSnapshot> &snapshots);
    void emitChanges(std::vector<RowChange> changes);
    void emitRange(int first, int last, ColumnMask columns, bool stateChanged);
    void dropRows(std::vector<int> rows);
    void compactRows(const std::vector<int> &sortedRowsToDrop);
    void appendRows(std::vector<Row> rows);
    void onClockTick();
    void tickColumn(int column, JobState state);
    void updateClockTick();

    JobRunner *m_runner;          // Not owning.
    std::vector<Row> m_rows;      // sorted by id
    ChangedJobs m_changed;        // from the feed, not applied yet
    bool m_backlogQueued = false; // an applyBacklog() call is queued
    StateCounts m_stateCounts;
    // Repaints durations while jobs run; a clock, not a poll of the runner.
    QTimer m_clockTick;
};

} // namespace requeue
