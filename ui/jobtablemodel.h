#pragma once

#include "jobsnapshot.h"

#include <QAbstractTableModel>
#include <QElapsedTimer>
#include <QTimer>

#include <array>
#include <memory>
#include <vector>

namespace requeue {

class JobRunner;

// The job table: one row per job of a JobRunner, keyed by JobId, in the order
// the jobs were added. Keeps a compact copy of each job (no history, no
// output) and refreshes it by draining JobRunner::takeChangedJobs() on a
// ~30 Hz timer that runs only while something is active; changes go out as
// dataChanged() over contiguous row ranges with the roles that changed.
//
// Lives in the GUI thread and must only be used from it. The one piece that
// runs on worker threads is the wake-up hook connected to the runner's
// signals: an atomic flag and, at most once per refresh, a queued call.
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
        DurationColumn,
        StartedColumn,
        FinishedColumn,
        CommandColumn,
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

    // Drains all of the runner's changes now instead of over the next ticks.
    void refreshNow();
    // Polls at full rate (if not already); call after changing the runner.
    void wake();
    // True while polling at full rate (~30 Hz); otherwise about once a second,
    // which catches jobs added to the runner behind the model's back.
    bool isPolling() const { return m_pollTimer.interval() == FastPollMs; }
    // Removes the finished jobs among `ids` from the runner and the table;
    // returns how many went. Active jobs are left alone.
    int removeFinished(const QList<JobId> &ids);
    // Ids of every finished (terminal) job in the table, in row order.
    QList<JobId> finishedJobIds() const;
    // Bytes the model holds for one row, strings included (for benchmarks).
    qsizetype approximateBytesPerRow() const;

Q_SIGNALS:
    // After a refresh that changed, added or removed rows.
    void refreshed();

private:
    static constexpr int FastPollMs = 33;
    static constexpr int IdlePollMs = 1000;
    // Rows refreshed per tick at most, so a burst of 100,000 changes is
    // spread over a few frames instead of stalling one.
    static constexpr qsizetype ChunkSize = 4096;

    // Everything a row shows, nothing more: about 120 bytes plus the strings.
    struct Row
    {
        JobId id = 0;
        QString name;
        QString command;
        QString lastMessage; // usually empty
        qint64 firstStartedUs = 0;
        qint64 finishedUs = 0;
        qint64 runningSinceUs = 0;
        int seq = 0;
        int attempts = 0;
        int budgetStart = 0;
        int maxAttempts = 0;
        int lastExitCode = -1;
        int lastSignal = 0;
        JobState state = JobState::Queued;
        AttemptOutcome lastOutcome = AttemptOutcome::Succeeded;
        bool hasLast = false;
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
    qint64 durationUs(const Row &row) const;

    void onPollTick();
    // Applies up to `limit` pending changes; returns whether any were applied.
    bool drain(qsizetype limit);
    void resetFromRunner();
    void applySnapshots(const QList<JobSnapshot> &snapshots);
    void emitChanges(std::vector<RowChange> changes);
    void emitRange(int first, int last, ColumnMask columns, bool stateChanged);
    void dropRows(std::vector<int> rows);
    void compactRows(const std::vector<int> &sortedRowsToDrop);
    void appendRows(std::vector<Row> rows);
    void tickDurations();
    void updatePolling(bool changed = false);
    void connectWakeHook();

    JobRunner *m_runner;     // Not owning.
    std::vector<Row> m_rows; // sorted by id
    // Changed ids taken from the runner, sorted, not yet applied. New ones
    // are taken only once these are done: meanwhile the runner's own set
    // coalesces repeated changes.
    QList<JobId> m_pending;
    qsizetype m_pendingNext = 0;
    std::array<int, JobStateCount> m_stateCounts {};
    QTimer m_pollTimer;
    QTimer m_durationTimer;
    // Shared with the worker-thread hook, which may outlive a running emit.
    struct WakeHook;
    std::shared_ptr<WakeHook> m_hook;
};

} // namespace requeue
