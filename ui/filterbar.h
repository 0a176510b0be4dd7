#pragma once

#include "jobfilterproxy.h"
#include "jobrunner.h"

#include <QTimer>
#include <QWidget>

#include <array>

class QButtonGroup;
class QLineEdit;
class QToolButton;

namespace requeue {

// The row of state buttons (All, Running, Waiting, Failed, Succeeded,
// Cancelled, Queued), each with a live count, and the search field over name
// and command. Drives a JobFilterProxy. The state buttons toggle, so several
// states show at once (Failed and Cancelled); All unchecks them. The counts
// are of the jobs the search text matches, so each says what its button
// would show. The search is applied after a short pause in typing so that
// 100,000 rows are not re-filtered per key.
//
// GUI thread only.
class FilterBar : public QWidget
{
    Q_OBJECT
public:
    // Not owning: `proxy` must outlive the bar.
    explicit FilterBar(JobFilterProxy *proxy, QWidget *parent = nullptr);

    // The runner's counts; the buttons show them while the search is empty,
    // else the counts of the matching rows.
    void setCounts(const StateCounts &counts);
    // Checks the buttons of `states` (empty: All) and filters by them.
    void selectStates(JobStateSet states);
    QLineEdit *searchField() const { return m_search; }
    // The button of `state`, or of All.
    QToolButton *button(std::optional<JobState> state) const;

    QSize minimumSizeHint() const override;

protected:
    void resizeEvent(QResizeEvent *event) override;

private:
    void addButton(int id, const QString &objectName);
    void applyButton(int id);
    void applySearch();
    void showCounts();
    void updateCompact();
    static QString buttonText(int id, int count);
    static QString toolTip(int id, int count);

    JobFilterProxy *m_proxy; // Not owning.
    QButtonGroup *m_group;   // Owning (as QObject child).
    QLineEdit *m_search;     // Owning (as QObject child).
    QTimer m_searchDelay;
    StateCounts m_runnerCounts;
    std::array<int, JobStateCount + 1> m_counts {}; // [0]: all, [1 + state]
};

} // namespace requeue
