#include "jobfilterproxy.h"

#include "jobtablemodel.h"

namespace requeue {

JobFilterProxy::JobFilterProxy(QObject *parent)
    : QSortFilterProxyModel(parent)
{
    setSortRole(JobTableModel::SortRole);
    setDynamicSortFilter(true);
}

void JobFilterProxy::setSourceModel(QAbstractItemModel *model)
{
    m_jobs = qobject_cast<JobTableModel *>(model);
    Q_ASSERT(m_jobs || !model);
    QSortFilterProxyModel::setSourceModel(model);
}

bool JobFilterProxy::setStateFilter(std::optional<JobState> state)
{
    if (m_state == state)
        return false;
    m_state = state;
    invalidateRowsFilter();
    return true;
}

bool JobFilterProxy::setSearchText(const QString &text)
{
    const QString trimmed = text.trimmed();
    if (m_search == trimmed)
        return false;
    m_search = trimmed;
    invalidateRowsFilter();
    return true;
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
    if (m_state && m_jobs->state(sourceRow) != *m_state)
        return false;
    return m_search.isEmpty() || m_jobs->matches(sourceRow, m_search);
}

bool JobFilterProxy::lessThan(const QModelIndex &left, const QModelIndex &right) const
{
    return m_jobs->lessThan(left.row(), right.row(), left.column());
}

} // namespace requeue
