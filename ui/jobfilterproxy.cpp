#include "jobfilterproxy.h"

#include "jobtablemodel.h"

namespace requeue {

JobStateSet jobStateSet(std::initializer_list<JobState> states)
{
    JobStateSet set;
    for (JobState state : states)
        set.set(size_t(state));
    return set;
}

JobFilterProxy::JobFilterProxy(QObject *parent)
    : QSortFilterProxyModel(parent)
{
    setSortRole(JobTableModel::SortRole);
    setDynamicSortFilter(true);
}

void JobFilterProxy::setSourceModel(QAbstractItemModel *model)
{
    if (m_jobs)
        disconnect(m_jobs, nullptr, this, nullptr);
    m_jobs = qobject_cast<JobTableModel *>(model);
    Q_ASSERT(m_jobs || !model);
    m_searchMatches.clear();
    QSortFilterProxyModel::setSourceModel(model);
    if (!m_jobs)
        return;
    // Names and commands never change, rows only come and go.
    const auto forgetMatches = [this] {
        m_searchMatches.clear();
    };
    connect(m_jobs, &QAbstractItemModel::rowsInserted, this, forgetMatches);
    connect(m_jobs, &QAbstractItemModel::rowsRemoved, this, forgetMatches);
    connect(m_jobs, &QAbstractItemModel::modelReset, this, forgetMatches);
}

bool JobFilterProxy::setStateFilter(JobStateSet states)
{
    if (m_states == states)
        return false;
    m_states = states;
    invalidateRowsFilter();
    return true;
}

bool JobFilterProxy::setSearchText(const QString &text)
{
    const QString trimmed = text.trimmed();
    if (m_search == trimmed)
        return false;
    m_search = trimmed;
    m_searchMatches.clear();
    invalidateRowsFilter();
    return true;
}

StateCounts JobFilterProxy::searchCounts() const
{
    if (!m_jobs)
        return {};
    if (m_search.isEmpty())
        return m_jobs->stateCounts();
    const int rows = m_jobs->rowCount();
    if (m_searchMatches.size() != size_t(rows)) {
        m_searchMatches.assign(size_t(rows), false);
        for (int row = 0; row < rows; ++row)
            m_searchMatches[size_t(row)] = m_jobs->matches(row, m_search);
    }
    StateCounts counts;
    for (int row = 0; row < rows; ++row) {
        if (m_searchMatches[size_t(row)])
            ++counts[m_jobs->state(row)];
    }
    return counts;
}

JobId JobFilterProxy::jobIdAt(int proxyRow) const
{
    return m_jobs->jobId(mapToSource(index(proxyRow, 0)).row());
}

std::vector<int> JobFilterProxy::sourceRows(const QItemSelection &selection) const
{
    std::vector<int> rows;
    qsizetype selected = 0;
    for (const QItemSelectionRange &range : selection)
        selected += range.height();
    if (selected == 0)
        return rows;
    rows.reserve(size_t(selected));
    if (selected == rowCount()) {
        const int sourceCount = m_jobs->rowCount();
        for (int row = 0; row < sourceCount; ++row) {
            if (filterAcceptsRow(row, {}))
                rows.push_back(row);
        }
        return rows;
    }
    for (const QItemSelectionRange &range : selection) {
        for (int row = range.top(); row <= range.bottom(); ++row)
            rows.push_back(mapToSource(index(row, 0)).row());
    }
    return rows;
}

bool JobFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    if (sourceParent.isValid() || !m_jobs)
        return false;
    if (!acceptsState(sourceRow))
        return false;
    return m_search.isEmpty() || m_jobs->matches(sourceRow, m_search);
}

bool JobFilterProxy::acceptsState(int sourceRow) const
{
    return m_states.none() || m_states.test(size_t(m_jobs->state(sourceRow)));
}

bool JobFilterProxy::lessThan(const QModelIndex &left, const QModelIndex &right) const
{
    return m_jobs->lessThan(left.row(), right.row(), left.column());
}

} // namespace requeue
