#pragma once

#include "jobrunner.h"

#include <QWidget>

class QAction;

namespace requeue {

class TimelineView;

// The Timeline tab: a TimelineView under a tool bar (Fit, Follow live, zoom,
// export as PNG or SVG) and a legend of the bar colours.
//
// GUI thread only. Actions have object names ("actionTimelineFit",
// "actionTimelineFollow", "actionTimelineExport") for tests.
class TimelinePanel : public QWidget
{
    Q_OBJECT
public:
    // Follows `runner` (not owning; it must outlive the panel).
    explicit TimelinePanel(JobRunner *runner, QWidget *parent = nullptr);

    TimelineView *view() const { return m_view; }
    // Writes the timeline as an SVG image if `path` ends in .svg, else as a
    // PNG; false with a message in `error`.
    bool exportImage(const QString &path, QString *error) const;

private:
    void chooseExportFile();
    void syncModeActions();

    TimelineView *m_view = nullptr;
    QAction *m_fitAction = nullptr;
    QAction *m_followAction = nullptr;
};

} // namespace requeue
