#pragma once

#include "changedjobs.h"
#include "jobrunner.h"
#include "timelinelayout.h"

#include <QImage>
#include <QPointer>
#include <QTimer>
#include <QWidget>

#include <functional>

namespace requeue {

// The attempt timeline: one lane per worker slot (a Slurm run's lanes are
// grouped per node, or one per job: see TimelineLayout, labelled in the left
// margin), each attempt a bar from its
// start to its end coloured by outcome (running bars grow live), a job's
// attempts linked by a line across their backoff waits, a time axis on top
// and two charts under it on the same axis (attempts running; attempts
// finished per second, succeeded and failed). Painted directly from a
// TimelineLayout: zoomed out, bars thinner than a pixel are drawn per pixel
// column, so the cost of a repaint follows the width, not the attempts.
//
// Follows a JobRunner through its coalesced change feed (jobsChanged, at
// most about 30 batches a second), repainting at most as often. Mouse: hover for a tooltip, click
// to pick a job, drag to zoom into a range, Ctrl+wheel to zoom, wheel or Shift+drag to pan. Keys: +
// and -, Left and Right.
//
// GUI thread only.
class TimelineView : public QWidget
{
    Q_OBJECT
public:
    enum class Mode {
        Fit,    // the whole run, growing with it
        Follow, // the latest stretch of time, sliding with the clock
        Manual, // where the user zoomed or panned to
    };

    explicit TimelineView(QWidget *parent = nullptr);
    ~TimelineView() override;

    // Room for a few lanes above the two charts; the table keeps the rest.
    QSize sizeHint() const override { return {640, 220}; }

    // Follows `runner` (not owning), starting from the attempts it has.
    void setRunner(JobRunner *runner);
    // Adds or updates one attempt, as the runner's signals do (for tests,
    // benchmarks and replays).
    void addAttempt(JobId job, int seq, const AttemptRecord &record, bool running);
    void clear();
    const TimelineLayout &timeline() const { return m_layout; }
    // The clock for running bars; nowUs() unless a test sets one.
    void setClock(std::function<qint64()> clock);

    Mode mode() const { return m_mode; }
    void setMode(Mode mode);
    // Shows [fromUs, toUs] (absolute times) and switches to Manual.
    void setTimeRange(qint64 fromUs, qint64 toUs);
    TimeWindow timeWindow() const;
    // Zooms by `factor` (> 1 zooms in) keeping the time under `x` in place.
    void zoom(double factor, double x);
    void zoomIn();
    void zoomOut();
    void fit() { setMode(Mode::Fit); }

    // Outlines these jobs' attempts and links them.
    void setHighlightedJobs(const QList<JobId> &jobs);
    QList<JobId> highlightedJobs() const { return m_highlighted; }

    // Geometry, in widget coordinates.
    QRect lanesRect() const;
    QRect runningChartRect() const;
    QRect finishedChartRect() const;
    double laneHeight() const;
    // The attempt under `pos`, an index into timeline().attempts(), or -1.
    int attemptAt(const QPoint &pos) const;
    // What hovering `pos` shows; empty over nothing.
    QString toolTipAt(const QPoint &pos) const;

    // The view as it is painted now, at `size` (the widget's size if empty).
    QImage renderImage(QSize size = {}) const;

Q_SIGNALS:
    void jobClicked(requeue::JobId job);
    void modeChanged(requeue::TimelineView::Mode mode);

protected:
    bool event(QEvent *event) override;
    void paintEvent(QPaintEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;

private:
    void onJobsChanged(const QList<JobId> &ids);
    // Follows a chunk of the changed jobs (ChangedJobs), and comes back for the
    // rest from the event loop: a run finishing thousands of jobs a second
    // must not hold up the GUI thread (as JobTableModel does).
    void scheduleBacklog();
    void applyBacklog();
    void follow(const QList<JobId> &ids);
    void scheduleRepaint();
    qint64 now() const { return m_clock(); }
    TimeWindow windowFor(int width) const;
    void pan(double pixels);

    void paintTo(QPainter &p, const QRect &rect) const;
    void paintAxis(QPainter &p, const TimeWindow &w, const QRect &plot) const;
    void paintLanes(QPainter &p, const TimeWindow &w, const QRect &lanes) const;
    // Each group's label in the left margin and a line between groups.
    void paintGroups(QPainter &p, const QRect &lanes) const;
    QString groupLabel(const LaneGroup &group) const;
    // The lanes' backgrounds, bars and chains into m_pixels, one scanline per
    // lane written once and copied to each row of its bars.
    void rasterizeLanes(const TimeWindow &w, QSize size, qreal dpr) const;
    // The legs of the lines linking each of `attempts` to the job's attempt
    // before it, as thin rectangles in the coordinates of `lanes`.
    QList<QRectF> chainLegs(const TimeWindow &w, const QRect &lanes,
                            const QList<int> &attempts) const;
    void paintChains(QPainter &p, const TimeWindow &w, const QRect &lanes,
                     const QList<int> &attempts) const;
    void paintHighlight(QPainter &p, const TimeWindow &w, const QRect &lanes) const;
    void paintRunningChart(QPainter &p, const TimeWindow &w, const QRect &chart) const;
    void paintFinishedChart(QPainter &p, const TimeWindow &w, const QRect &chart) const;

    TimelineLayout m_layout;
    // Zoomed out, bars are a pixel or two wide: filling them one rectangle
    // at a time costs a call per row of each, so lanes and the running chart
    // are written straight into these pixels and drawn with one blit. Kept
    // between repaints so its memory is not allocated each time.
    mutable QImage m_pixels;
    QPointer<JobRunner> m_runner;     // Not owning.
    QHash<JobId, int> m_finishedUpTo; // per job: attempts 1..n are in the layout
    ChangedJobs m_changed;            // from the feed, not followed yet
    bool m_backlogQueued = false;     // an applyBacklog() call is on its way
    std::function<qint64()> m_clock;
    Mode m_mode = Mode::Fit;
    qint64 m_fromUs = 0; // Manual and Follow: the range shown
    qint64 m_toUs = 0;
    QList<JobId> m_highlighted;
    QTimer m_repaintTimer; // coalesces changes
    QTimer m_liveTimer;    // running bars grow
    QPoint m_pressPos;
    QPoint m_dragPos;
    bool m_dragging = false;
    bool m_panning = false;
};

} // namespace requeue

Q_DECLARE_METATYPE(requeue::TimelineView::Mode)
