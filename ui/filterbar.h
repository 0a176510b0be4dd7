#pragma once

#include "jobrunner.h"

#include <QTimer>
#include <QWidget>

#include <array>

class QButtonGroup;
class QLineEdit;
class QToolButton;

namespace requeue {

class JobFilterProxy;

// The row of state buttons (All, Running, Waiting, Failed, Succeeded,
// Cancelled, Queued), each with a live count, and the search field over name
// and command. Drives a JobFilterProxy; the search is applied after a short
// pause in typing so that 100,000 rows are not re-filtered per key.
//
// GUI thread only.
class FilterBar : public QWidget
{
    Q_OBJECT
public:
    // Not owning: `proxy` must outlive the bar.
    explicit FilterBar(JobFilterProxy *proxy, QWidget *parent = nullptr);

    // Updates the counts on the buttons.
    void setCounts(const StateCounts &counts);
    // Checks the button of `state` (no value: All) and filters by it.
    void selectState(std::optional<JobState> state);
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
    void updateCompact();
    static QString buttonText(int id, int count);

    JobFilterProxy *m_proxy; // Not owning.
    QButtonGroup *m_group;   // Owning (as QObject child).
    QLineEdit *m_search;     // Owning (as QObject child).
    QTimer m_searchDelay;
    std::array<int, JobStateCount + 1> m_counts {}; // [0]: all, [1 + state]
};

} // namespace requeue
