#pragma once

#include <QLabel>

class QAbstractItemView;

namespace requeue {

class JobFilterProxy;

// The hint drawn over the job table's empty viewport: how to get jobs when
// there are none, "No matching jobs" when the filter hides them all. Follows
// the proxy's rows on its own; passes mouse and drop events through to the
// view, so drag-and-drop and the context menu keep working under it.
//
// GUI thread only.
class TablePlaceholder : public QLabel
{
    Q_OBJECT
public:
    // Not owning: `view` (the parent of the label's viewport) and `proxy`
    // must outlive the placeholder, which is a child of the viewport.
    TablePlaceholder(QAbstractItemView *view, JobFilterProxy *proxy);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void follow();

    JobFilterProxy *m_proxy; // Not owning.
};

} // namespace requeue
