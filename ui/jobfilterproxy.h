#pragma once

#include "jobstate.h"
#include "statecounts.h"

#include <QItemSelection>
#include <QSortFilterProxyModel>

#include <bitset>
#include <initializer_list>
#include <vector>

namespace requeue {

class JobTableModel;

// A set of job states, bit int(state) for each. Empty: no filter.
using JobStateSet = std::bitset<JobStateCount>;
JobStateSet jobStateSet(std::initializer_list<JobState> states);

// Filters the job table by a set of states (Failed and Cancelled together)
// and by a search text over name and command, and sorts it on raw values
// (JobTableModel::lessThan), never on display text. Reads the source rows
// directly instead of through QVariant, so filtering and sorting 100,000 rows
// stays cheap.
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

    // Shows the jobs in any of `states`; an empty set shows every state.
    // Returns whether the filter changed; re-filters only then.
    bool setStateFilter(JobStateSet states);
    JobStateSet stateFilter() const { return m_states; }
    // Case-insensitive substring of name or command; empty matches all.
    // Returns whether the text changed; re-filters only then.
    bool setSearchText(const QString &text);
    QString searchText() const { return m_search; }
    // Jobs per state among the source rows the search text matches, whatever
    // the state filter: what each state's filter would show. Remembers which
    // rows match until the text or the rows change, so following a run's
    // states costs one pass over an array.
    StateCounts searchCounts() const;

    // The job id of a row of this proxy.
    JobId jobIdAt(int proxyRow) const;
    // The source rows of `selection` (of this proxy). When it covers every
    // row, scans the source directly instead of mapping 100,000 indexes.
    std::vector<int> sourceRows(const QItemSelection &selection) const;

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;
    bool lessThan(const QModelIndex &left, const QModelIndex &right) const override;

private:
    bool acceptsState(int sourceRow) const;

    JobTableModel *m_jobs = nullptr; // Not owning.
    JobStateSet m_states;
    QString m_search;
    // Per source row, whether m_search matches it; empty when stale.
    mutable std::vector<bool> m_searchMatches;
};

} // namespace requeue
