#include "jobtablemodel.h"

#include "etaestimator.h"
#include "jobrunner.h"
#include "stateicons.h"
#include "textformat.h"

#include <QElapsedTimer>
#include <QTimer>
#include <QtGlobal>

#include <algorithm>
#include <iterator>
#include <limits>

namespace requeue {

namespace {

constexpr auto ClockTick = std::chrono::seconds(1);

constexpr quint32 bit(int column)
{
    return 1u << column;
}

// Whether the Last result cell would read the same for both.
bool sameResult(const std::optional<AttemptRecord> &a, const std::optional<AttemptRecord> &b)
{
    if (!a || !b)
        return bool(a) == bool(b);
    return a->outcome == b->outcome && a->exitCode == b->exitCode && a->signal == b->signal
        && a->message == b->message;
}

template<typename T>
int compareValues(const T &a, const T &b)
{
    return a < b ? -1 : (b < a ? 1 : 0);
}

} // namespace

JobTableModel::JobTableModel(JobRunner *runner, QObject *parent)
    : QAbstractTableModel(parent)
    , m_runner(runner)
{
    m_clockTick.setInterval(ClockTick);
    connect(&m_clockTick, &QTimer::timeout, this, &JobTableModel::onClockTick);
    connect(m_runner, &JobRunner::jobsChanged, this, &JobTableModel::onJobsChanged);
    resetFromRunner();
}

JobTableModel::~JobTableModel() = default;

int JobTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int JobTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant JobTableModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid())
        return {};
    Q_ASSERT(checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid));
    const Row &row = m_rows[size_t(index.row())];
    const int column = index.column();
    switch (role) {
    case Qt::DisplayRole:
        return displayData(row, column);
    case SortRole:
        return sortData(row, column);
    case Qt::DecorationRole:
        return decorationData(row, column);
    case Qt::ForegroundRole:
        return column == StateColumn ? QVariant(stateColor(row.state)) : QVariant();
    case Qt::TextAlignmentRole:
        return column == SeqColumn || column == AttemptsColumn || column == DurationColumn
            ? QVariant(int(Qt::AlignRight | Qt::AlignVCenter))
            : QVariant();
    case Qt::ToolTipRole:
        if (column == LastResultColumn && row.last && !row.last->message.isEmpty())
            return row.last->message;
        if (column == StateColumn && !row.clusterState.isEmpty())
            return tr("Slurm job %1: %2").arg(row.clusterJobId, row.clusterState);
        return column == CommandColumn || column == NameColumn ? displayData(row, column)
                                                               : QVariant();
    case JobIdRole:
        return qulonglong(row.id);
    case StateRole:
        return int(row.state);
    default:
        return {};
    }
}

QVariant JobTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (Column(section)) {
    case SeqColumn:
        return tr("#");
    case NameColumn:
        return tr("Name");
    case StateColumn:
        return tr("State");
    case AttemptsColumn:
        return tr("Attempts");
    case LastResultColumn:
        return tr("Last result");
    case DurationColumn:
        return tr("Duration");
    case StartedColumn:
        return tr("Started");
    case FinishedColumn:
        return tr("Finished");
    case CommandColumn:
        return tr("Command");
    case ClusterJobColumn:
        return tr("Slurm job");
    case ColumnCount:
        break;
    }
    return {};
}

int JobTableModel::rowOf(JobId id) const
{
    const auto it = std::lower_bound(m_rows.begin(), m_rows.end(), id,
                                     [](const Row &row, JobId value) { return row.id < value; });
    return it != m_rows.end() && it->id == id ? int(it - m_rows.begin()) : -1;
}

bool JobTableModel::matches(int row, const QString &needle) const
{
    const Row &r = m_rows[size_t(row)];
    return r.name.contains(needle, Qt::CaseInsensitive)
        || r.command.contains(needle, Qt::CaseInsensitive);
}

bool JobTableModel::lessThan(int leftRow, int rightRow, int column) const
{
    const Row &a = m_rows[size_t(leftRow)];
    const Row &b = m_rows[size_t(rightRow)];
    int order = 0;
    switch (Column(column)) {
    case NameColumn:
        order = QString::compare(a.name, b.name, Qt::CaseInsensitive);
        break;
    case CommandColumn:
        order = QString::compare(a.command, b.command, Qt::CaseInsensitive);
        break;
    default:
        order = compareValues(numericKey(a, column), numericKey(b, column));
        break;
    }
    // Ties fall back to the order of addition, so sorting is stable and total.
    return order != 0 ? order < 0 : a.id < b.id;
}

void JobTableModel::refreshNow()
{
    m_runner->flushChanges(); // arrives in onJobsChanged()
    if (drain(std::numeric_limits<qsizetype>::max()))
        Q_EMIT refreshed();
    updateClockTick();
}

void JobTableModel::onJobsChanged(const QList<JobId> &ids)
{
    m_changed.add(ids);
    applyBacklog();
}

void JobTableModel::applyBacklog()
{
    m_backlogQueued = false;
    QElapsedTimer pass;
    pass.start();
    bool changed = false;
    do
        changed = drain(ChangedJobs::ChunkSize) || changed;
    while (hasBacklog() && pass.elapsed() < ChangedJobs::PassBudgetMs);
    if (changed)
        Q_EMIT refreshed();
    // A 1 ms timer, not a queued call (nor a zero timer, which Qt 6 makes
    // one): Qt delivers what is posted while it delivers posted events in
    // the same pass, so input, painting and timers would wait for the whole
    // backlog.
    if (hasBacklog() && !m_backlogQueued) {
        m_backlogQueued = true;
        QTimer::singleShot(1, Qt::PreciseTimer, this, &JobTableModel::applyBacklog);
    }
    updateClockTick();
}

bool JobTableModel::drain(qsizetype limit)
{
    if (!hasBacklog())
        return false;
    const QList<JobId> ids = m_changed.take(limit);
    applySnapshots(ids, m_runner->snapshots(ids));
    return true;
}

int JobTableModel::removeFinished(const QList<JobId> &ids)
{
    const int removed = m_runner->removeFinishedJobs(ids);
    if (removed > 0)
        refreshNow(); // the rows go at once, not at the next feed
    return removed;
}

QList<JobId> JobTableModel::finishedJobIds() const
{
    QList<JobId> ids;
    for (const Row &row : m_rows) {
        if (isTerminal(row.state))
            ids.append(row.id);
    }
    return ids;
}

std::optional<double> JobTableModel::remainingSeconds(int workers) const
{
    // Rebuilt from the rows at each call (about once a second): no state to
    // keep in step with retries and removals.
    EtaEstimator estimator;
    QList<double> running;
    int waiting = 0;
    const qint64 now = nowUs();
    for (const Row &row : m_rows) {
        switch (row.state) {
        case JobState::Succeeded:
        case JobState::Failed:
            // A job that took under a microsecond has a duration too: 0 s.
            if (row.firstStartedUs > 0 && row.finishedUs >= row.firstStartedUs)
                estimator.addFinished(double(row.finishedUs - row.firstStartedUs) / 1e6);
            break;
        case JobState::Running:
            running.append(
                double(now - (row.firstStartedUs ? row.firstStartedUs : row.runningSinceUs)) / 1e6);
            break;
        case JobState::Queued:
        case JobState::WaitingForRetry:
            ++waiting;
            break;
        case JobState::Cancelled:
            break;
        }
    }
    return estimator.remainingSeconds(running, waiting, workers);
}

qsizetype JobTableModel::approximateBytesPerRow() const
{
    if (m_rows.empty())
        return qsizetype(sizeof(Row));
    qsizetype chars = 0;
    for (const Row &row : m_rows)
        chars += row.name.capacity() + row.command.capacity()
            + (row.last ? row.last->message.capacity() : 0);
    return qsizetype(sizeof(Row)) + chars * 2 / qsizetype(m_rows.size());
}

JobTableModel::Row JobTableModel::rowFromSnapshot(const JobSnapshot &s)
{
    Row row;
    row.id = s.id;
    row.name = s.name;
    row.command = s.command;
    row.firstStartedUs = s.firstStartedUs;
    row.finishedUs = s.finishedUs;
    row.runningSinceUs = s.runningSinceUs;
    row.ranUs = s.ranUs;
    row.retryAtUs = s.retryAtUs;
    row.seq = s.seq;
    row.attempts = s.attempts;
    row.budgetStart = s.budgetStart;
    row.maxAttempts = s.maxAttempts;
    row.state = s.state;
    if (s.hasLastAttempt)
        row.last = s.lastAttempt;
    row.clusterJobId = s.clusterJobId;
    row.clusterState = s.clusterState;
    return row;
}

JobTableModel::ColumnMask JobTableModel::diff(const Row &old, const Row &now, bool *stateChanged)
{
    ColumnMask mask = 0;
    *stateChanged = old.state != now.state;
    if (*stateChanged)
        mask |= bit(StateColumn) | bit(DurationColumn);
    if (old.name != now.name)
        mask |= bit(NameColumn);
    if (old.command != now.command)
        mask |= bit(CommandColumn);
    if (old.retryAtUs != now.retryAtUs)
        mask |= bit(StateColumn);
    if (old.ranUs != now.ranUs || old.runningSinceUs != now.runningSinceUs)
        mask |= bit(DurationColumn);
    if (old.attempts != now.attempts || old.budgetStart != now.budgetStart
        || old.maxAttempts != now.maxAttempts)
        mask |= bit(AttemptsColumn);
    if (!sameResult(old.last, now.last))
        mask |= bit(LastResultColumn);
    if (old.firstStartedUs != now.firstStartedUs)
        mask |= bit(StartedColumn) | bit(DurationColumn);
    if (old.finishedUs != now.finishedUs)
        mask |= bit(FinishedColumn) | bit(DurationColumn);
    if (old.clusterJobId != now.clusterJobId || old.clusterState != now.clusterState)
        mask |= bit(ClusterJobColumn) | bit(StateColumn);
    return mask;
}

QVariant JobTableModel::displayData(const Row &row, int column) const
{
    switch (Column(column)) {
    case SeqColumn:
        return row.seq > 0 ? row.seq : qlonglong(row.id);
    case NameColumn:
        return row.name;
    case StateColumn:
        return stateText(row);
    case ClusterJobColumn:
        return row.clusterJobId;
    case AttemptsColumn:
        return attemptsText(row.attempts, row.attempts - row.budgetStart, row.maxAttempts);
    case LastResultColumn:
        return lastResultText(row);
    case DurationColumn:
        return row.attempts > 0 ? formatDuration(durationUs(row)) : QString();
    case StartedColumn:
        return formatTimestamp(row.firstStartedUs);
    case FinishedColumn:
        return formatTimestamp(row.finishedUs);
    case CommandColumn:
        return row.command;
    case ColumnCount:
        break;
    }
    return {};
}

QVariant JobTableModel::sortData(const Row &row, int column) const
{
    if (column == NameColumn)
        return row.name;
    if (column == CommandColumn)
        return row.command;
    return numericKey(row, column);
}

qint64 JobTableModel::numericKey(const Row &row, int column) const
{
    switch (Column(column)) {
    case SeqColumn:
        return row.seq > 0 ? row.seq : qint64(row.id);
    case StateColumn:
        return qint64(row.state);
    case AttemptsColumn:
        return qint64(row.attempts - row.budgetStart) << 32 | qint64(row.attempts);
    case LastResultColumn:
        // Not run yet first, then by outcome, then by code.
        return row.last ? (qint64(row.last->outcome) + 1) << 32
                | quint32(row.last->outcome == AttemptOutcome::Signalled ? row.last->signal
                                                                         : row.last->exitCode)
                        : 0;
    case DurationColumn:
        return row.attempts > 0 ? durationUs(row) : -1;
    case StartedColumn:
        return row.firstStartedUs;
    case FinishedColumn:
        return row.finishedUs;
    case ClusterJobColumn:
        return row.clusterJobId.toLongLong();
    case NameColumn:
    case CommandColumn:
    case ColumnCount:
        break;
    }
    return 0;
}

QVariant JobTableModel::decorationData(const Row &row, int column) const
{
    return column == StateColumn ? QVariant(stateIcon(row.state)) : QVariant();
}

QString JobTableModel::lastResultText(const Row &row) const
{
    if (!row.last)
        return {};
    const AttemptRecord &record = *row.last;
    // The reason alone ("cannot start foo: No such file or directory") reads
    // in a narrow cell; the state column already says the job failed.
    if (record.outcome == AttemptOutcome::NotStarted && !record.message.isEmpty())
        return record.message;
    return record.summary();
}

QString JobTableModel::stateText(const Row &row) const
{
    // Submitted to Slurm but not running yet: queued there, and why.
    if (row.clusterState.startsWith(QLatin1String("PENDING")))
        return tr("queued in Slurm%1").arg(row.clusterState.mid(7));
    if (row.state == JobState::WaitingForRetry && row.retryAtUs > 0)
        return QStringLiteral("%1: %2").arg(stateLabel(row.state),
                                            retryCountdown(row.retryAtUs - nowUs()));
    return stateLabel(row.state);
}

qint64 JobTableModel::durationUs(const Row &row) const
{
    // Time spent running, not from the first start to the last end: a job
    // retried by hand minutes later did not run in between.
    const qint64 running = row.state == JobState::Running && row.runningSinceUs
        ? std::max<qint64>(0, nowUs() - row.runningSinceUs)
        : 0;
    return row.ranUs + running;
}

void JobTableModel::resetFromRunner()
{
    beginResetModel();
    m_rows.clear();
    m_stateCounts = {};
    m_changed.clear();
    const QList<JobSnapshot> all = m_runner->snapshots(m_runner->jobIds());
    m_rows.reserve(size_t(all.size()));
    for (const JobSnapshot &snapshot : all) {
        if (!snapshot.isValid())
            continue;
        m_rows.push_back(rowFromSnapshot(snapshot));
        ++m_stateCounts[snapshot.state];
    }
    std::sort(m_rows.begin(), m_rows.end(), [](const Row &a, const Row &b) { return a.id < b.id; });
    endResetModel();
    updateClockTick();
}

void JobTableModel::applySnapshots(const QList<JobId> &ids, const QList<JobSnapshot> &snapshots)
{
    std::vector<RowChange> changes;
    std::vector<int> removed;
    std::vector<Row> added;
    for (qsizetype i = 0; i < ids.size(); ++i) {
        const JobSnapshot &snapshot = snapshots[i];
        const int row = rowOf(ids[i]); // a removed job's snapshot has no id
        if (row < 0) {
            if (snapshot.isValid())
                added.push_back(rowFromSnapshot(snapshot));
            continue;
        }
        if (!snapshot.isValid()) {
            removed.push_back(row);
            continue;
        }
        Row fresh = rowFromSnapshot(snapshot);
        Row &current = m_rows[size_t(row)];
        bool stateChanged = false;
        const ColumnMask columns = diff(current, fresh, &stateChanged);
        --m_stateCounts[current.state];
        ++m_stateCounts[fresh.state];
        current = std::move(fresh);
        if (columns)
            changes.push_back({row, columns, stateChanged});
    }
    emitChanges(std::move(changes));
    dropRows(std::move(removed));
    appendRows(std::move(added));
}

void JobTableModel::emitChanges(std::vector<RowChange> changes)
{
    if (changes.empty())
        return;
    std::sort(changes.begin(), changes.end(),
              [](const RowChange &a, const RowChange &b) { return a.row < b.row; });
    if (changes.size() * 2 > m_rows.size()) {
        // Most rows changed: one signal for the whole table is cheaper for
        // every view and proxy than thousands of ranges.
        ColumnMask all = 0;
        bool anyState = false;
        for (const RowChange &change : changes) {
            all |= change.columns;
            anyState = anyState || change.stateChanged;
        }
        emitRange(0, int(m_rows.size()) - 1, all, anyState);
        return;
    }
    size_t begin = 0;
    while (begin < changes.size()) {
        size_t end = begin;
        ColumnMask columns = changes[begin].columns;
        bool anyState = changes[begin].stateChanged;
        while (end + 1 < changes.size() && changes[end + 1].row == changes[end].row + 1) {
            ++end;
            columns |= changes[end].columns;
            anyState = anyState || changes[end].stateChanged;
        }
        emitRange(changes[begin].row, changes[end].row, columns, anyState);
        begin = end + 1;
    }
}

void JobTableModel::emitRange(int first, int last, ColumnMask columns, bool stateChanged)
{
    int firstColumn = 0;
    while (!(columns & bit(firstColumn)))
        ++firstColumn;
    int lastColumn = ColumnCount - 1;
    while (!(columns & bit(lastColumn)))
        --lastColumn;
    QList<int> roles {Qt::DisplayRole, SortRole, Qt::ToolTipRole};
    if (stateChanged)
        roles << Qt::DecorationRole << Qt::ForegroundRole << StateRole;
    Q_EMIT dataChanged(index(first, firstColumn), index(last, lastColumn), roles);
}

void JobTableModel::dropRows(std::vector<int> rows)
{
    if (rows.empty())
        return;
    std::sort(rows.begin(), rows.end());
    rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
    for (int row : rows)
        --m_stateCounts[m_rows[size_t(row)].state];
    // Past a handful of ranges, one reset is far cheaper for the proxy and
    // the view than many removals.
    int ranges = 1;
    for (size_t i = 1; i < rows.size(); ++i)
        ranges += rows[i] != rows[i - 1] + 1;
    if (ranges > 16) {
        beginResetModel();
        compactRows(rows);
        endResetModel();
        return;
    }
    // Back to front, so earlier row numbers stay valid.
    size_t end = rows.size();
    while (end > 0) {
        size_t begin = end - 1;
        while (begin > 0 && rows[begin - 1] == rows[begin] - 1)
            --begin;
        beginRemoveRows({}, rows[begin], rows[end - 1]);
        m_rows.erase(m_rows.begin() + rows[begin], m_rows.begin() + rows[end - 1] + 1);
        endRemoveRows();
        end = begin;
    }
}

void JobTableModel::compactRows(const std::vector<int> &sortedRowsToDrop)
{
    size_t next = 0;
    size_t kept = 0;
    for (size_t row = 0; row < m_rows.size(); ++row) {
        if (next < sortedRowsToDrop.size() && size_t(sortedRowsToDrop[next]) == row) {
            ++next;
            continue;
        }
        if (kept != row)
            m_rows[kept] = std::move(m_rows[row]);
        ++kept;
    }
    m_rows.resize(kept);
}

void JobTableModel::appendRows(std::vector<Row> rows)
{
    if (rows.empty())
        return;
    std::sort(rows.begin(), rows.end(), [](const Row &a, const Row &b) { return a.id < b.id; });
    for (const Row &row : rows)
        ++m_stateCounts[row.state];
    if (!m_rows.empty() && rows.front().id < m_rows.back().id) {
        // Ids out of order (not expected from JobRunner): merge under a reset.
        beginResetModel();
        m_rows.insert(m_rows.end(), std::make_move_iterator(rows.begin()),
                      std::make_move_iterator(rows.end()));
        std::sort(m_rows.begin(), m_rows.end(),
                  [](const Row &a, const Row &b) { return a.id < b.id; });
        endResetModel();
        return;
    }
    const int first = int(m_rows.size());
    beginInsertRows({}, first, first + int(rows.size()) - 1);
    m_rows.insert(m_rows.end(), std::make_move_iterator(rows.begin()),
                  std::make_move_iterator(rows.end()));
    endInsertRows();
}

void JobTableModel::onClockTick()
{
    // Running rows tick their duration, waiting ones their countdown;
    // contiguous rows share a signal.
    tickColumn(DurationColumn, JobState::Running);
    tickColumn(StateColumn, JobState::WaitingForRetry);
}

void JobTableModel::tickColumn(int column, JobState state)
{
    int first = -1;
    const QList<int> roles {Qt::DisplayRole, SortRole};
    const int count = int(m_rows.size());
    for (int row = 0; row <= count; ++row) {
        const bool ticking = row < count && m_rows[size_t(row)].state == state;
        if (ticking && first < 0)
            first = row;
        if (!ticking && first >= 0) {
            Q_EMIT dataChanged(index(first, column), index(row - 1, column), roles);
            first = -1;
        }
    }
}

void JobTableModel::updateClockTick()
{
    const bool ticking
        = m_stateCounts[JobState::Running] + m_stateCounts[JobState::WaitingForRetry] > 0;
    if (ticking && !m_clockTick.isActive())
        m_clockTick.start();
    else if (!ticking && m_clockTick.isActive())
        m_clockTick.stop();
}

} // namespace requeue
