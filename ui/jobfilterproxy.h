#pragma once

#include "jobstate.h"

#include <QItemSelection>
#include <QSortFilterProxyModel>

#include <optional>
#include <vector>

namespace requeue {

class JobTableModel;

// Filters the job table by state and by a search text over name and command,
// and sorts it on raw values (JobTableModel::lessThan), never on display text.
// Reads the source rows directly instead of through QVariant, so filtering and
// sorting 100,000 rows stays cheap.
//
// Lives in the GUI thread, like its source model.
class JobFilterProxy : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    explicit JobFilterProxy(QObject *parent = nullptr);

    // The source must be a JobTableModel.
    void setSourceModel(QAbstractItemModel *model) override;
    JobTableModel *jobModel() const { return m_jobs; }

    // No value: every state. Returns whether the filter changed; re-filters
    // only then.
    bool setStateFilter(std::optional<JobState> state);
    std::optional<JobState> stateFilter() const { return m_state; }
    // Case-insensitive substring of name or command; empty matches all.
    // Returns whether the text changed; re-filters only then.
    bool setSearchText(const QString &text);
    QString searchText() const { return m_search; }

    // The job id of a row of this proxy.
    JobId jobIdAt(int proxyRow) const;
    // The source rows of `selection` (of this proxy). When it covers every
    // row, scans the source directly instead of mapping 100,000 indexes.
    std::vector<int> sourceRows(const QItemSelection &selection) const;

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;
    bool lessThan(const QModelIndex &left, const QModelIndex &right) const override;

private:
    JobTableModel *m_jobs = nullptr; // Not owning.
    std::optional<JobState> m_state;
    QString m_search;
};

} // namespace requeue
