#include "timelineview.h"

#include "timeaxis.h"

#include <QElapsedTimer>
#include <QHelpEvent>
#include <QImage>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QRegion>
#include <QToolTip>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>
#include <optional>

namespace requeue {

namespace {

constexpr int LeftMargin = 64;
constexpr int RightMargin = 12;
constexpr int AxisHeight = 22;
constexpr int ChartHeight = 60;
constexpr int ChartGap = 10;
constexpr int RepaintIntervalMs = 33; // about 30 repaints a second at most
constexpr int LiveIntervalMs = 100;
constexpr int ChainLimit = 4000; // more bars than this: no chains (unreadable, slow)
constexpr qint64 MinSpanUs = 1000;
constexpr double ChainWidth = 2;

struct Geometry
{
    QRect lanes;
    QRect running;
    QRect finished;
};

Geometry geometryOf(const QRect &r)
{
    const int plotWidth = std::max(1, r.width() - LeftMargin - RightMargin);
    const int chartsTop = r.bottom() - 2 * (ChartHeight + ChartGap);
    Geometry g;
    g.lanes = QRect(r.left() + LeftMargin, r.top() + AxisHeight, plotWidth,
                    std::max(1, chartsTop - r.top() - AxisHeight));
    g.running = QRect(g.lanes.left(), chartsTop + ChartGap, plotWidth, ChartHeight);
    g.finished = QRect(g.lanes.left(), g.running.bottom() + ChartGap, plotWidth, ChartHeight);
    return g;
}

QColor barColor(BarKind kind)
{
    return QColor(QRgb(barRgb(kind)));
}

// Where lane `lane` is drawn: lanes share the height, at most 24 px each.
QRectF laneBand(const QRect &lanes, int laneCount, int lane)
{
    const double height = std::min(24.0, double(lanes.height()) / std::max(1, laneCount));
    return QRectF(lanes.left(), lanes.top() + lane * height, lanes.width(), height);
}

QRectF barRect(const QRectF &band, double x0, double x1)
{
    const double inset = band.height() >= 6 ? band.height() * 0.15 : 0;
    return QRectF(band.left() + x0, band.top() + inset, std::max(1.0, x1 - x0),
                  band.height() - 2 * inset);
}

} // namespace

TimelineView::TimelineView(QWidget *parent)
    : QWidget(parent)
    , m_clock(&nowUs)
{
    setObjectName(QStringLiteral("timelineView"));
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setMinimumSize(320, 200);
    setAttribute(Qt::WA_OpaquePaintEvent);
    m_repaintTimer.setSingleShot(true);
    m_repaintTimer.setInterval(RepaintIntervalMs);
    connect(&m_repaintTimer, &QTimer::timeout, this, qOverload<>(&QWidget::update));
    m_liveTimer.setInterval(LiveIntervalMs);
    connect(&m_liveTimer, &QTimer::timeout, this, [this] {
        if (m_layout.runningCount() == 0)
            m_liveTimer.stop();
        update();
    });
}

TimelineView::~TimelineView() = default;

void TimelineView::setRunner(JobRunner *runner)
{
    if (m_runner)
        disconnect(m_runner, nullptr, this, nullptr);
    m_runner = runner;
    clear();
    if (!runner)
        return;
    connect(runner, &JobRunner::jobsChanged, this, &TimelineView::onJobsChanged);
    for (JobId id : runner->jobIds()) {
        const JobSnapshot snap = runner->snapshot(id, true);
        for (const AttemptRecord &record : snap.history)
            addAttempt(id, snap.seq, record, false);
        m_finishedUpTo.insert(id, snap.attempts - (snap.state == JobState::Running ? 1 : 0));
        if (snap.state == JobState::Running && snap.runningSinceUs != 0) {
            AttemptRecord running;
            running.number = snap.attempts;
            running.startedUs = snap.runningSinceUs;
            addAttempt(id, snap.seq, running, true);
        }
    }
}

void TimelineView::addAttempt(JobId job, int seq, const AttemptRecord &record, bool running)
{
    m_layout.update(job, seq, record, running);
    if (running && !m_liveTimer.isActive())
        m_liveTimer.start();
    scheduleRepaint();
}

void TimelineView::clear()
{
    m_layout.clear();
    m_finishedUpTo.clear();
    m_changed.clear();
    update();
}

void TimelineView::setClock(std::function<qint64()> clock)
{
    m_clock = std::move(clock);
    update();
}

void TimelineView::onJobsChanged(const QList<JobId> &ids)
{
    m_changed.add(ids);
    applyBacklog();
}

void TimelineView::scheduleBacklog()
{
    if (m_changed.isEmpty() || m_backlogQueued)
        return;
    m_backlogQueued = true;
    QTimer::singleShot(1, Qt::PreciseTimer, this, &TimelineView::applyBacklog); // see JobTableModel
}

void TimelineView::applyBacklog()
{
    m_backlogQueued = false;
    QElapsedTimer pass;
    pass.start();
    do
        follow(m_changed.take());
    while (!m_changed.isEmpty() && pass.elapsed() < ChangedJobs::PassBudgetMs);
    scheduleBacklog();
}

void TimelineView::follow(const QList<JobId> &ids)
{
    if (!m_runner || ids.isEmpty())
        return;
    // One batch from the runner's feed: the latest finished attempt comes
    // with the snapshot; the history is read only for a job that finished
    // more than one attempt since the last batch (fast retries).
    for (const JobSnapshot &snap : m_runner->snapshots(ids)) {
        if (!snap.isValid())
            continue;
        // A Running job's latest attempt is in flight, begun or not: only a
        // begun one has a bar yet, and neither counts as finished.
        const bool inFlight = snap.state == JobState::Running;
        const bool running = inFlight && snap.runningSinceUs != 0;
        const int finished = snap.attempts - (inFlight ? 1 : 0);
        int &known = m_finishedUpTo[snap.id];
        if (finished > known + 1 || (finished == known + 1 && !snap.hasLastAttempt)) {
            for (const AttemptRecord &record : m_runner->snapshot(snap.id, true).history) {
                if (record.number > known && record.number <= finished)
                    addAttempt(snap.id, snap.seq, record, false);
            }
        } else if (finished == known + 1) {
            addAttempt(snap.id, snap.seq, snap.lastAttempt, false);
        }
        known = std::max(known, finished);
        if (running) {
            AttemptRecord record;
            record.number = snap.attempts;
            record.startedUs = snap.runningSinceUs;
            record.node = snap.clusterNode; // its lane group, while it runs on a cluster
            addAttempt(snap.id, snap.seq, record, true);
        }
    }
}

void TimelineView::scheduleRepaint()
{
    if (!m_repaintTimer.isActive())
        m_repaintTimer.start();
}

void TimelineView::setMode(Mode mode)
{
    if (mode == Mode::Follow && m_mode != Mode::Follow) {
        // Keep the current span, slide it to now.
        const TimeWindow w = timeWindow();
        const qint64 span = std::max<qint64>(w.toUs - w.fromUs, MinSpanUs);
        m_toUs = now();
        m_fromUs = m_toUs - span;
    }
    if (mode == m_mode)
        return update();
    m_mode = mode;
    update();
    Q_EMIT modeChanged(mode);
}

void TimelineView::setTimeRange(qint64 fromUs, qint64 toUs)
{
    m_fromUs = fromUs;
    m_toUs = std::max(toUs, fromUs + MinSpanUs);
    setMode(Mode::Manual);
    update();
}

TimeWindow TimelineView::timeWindow() const
{
    return windowFor(lanesRect().width());
}

TimeWindow TimelineView::windowFor(int width) const
{
    TimeWindow w;
    w.width = width;
    switch (m_mode) {
    case Mode::Fit: {
        const qint64 first = m_layout.firstStartUs();
        const qint64 last = std::max(m_layout.lastEndUs(now()), first + MinSpanUs);
        const qint64 pad = (last - first) / 50;
        w.fromUs = first - pad;
        w.toUs = last + pad;
        return w;
    }
    case Mode::Follow: {
        const qint64 span = m_toUs - m_fromUs;
        w.toUs = now() + span / 50;
        w.fromUs = w.toUs - span;
        return w;
    }
    case Mode::Manual:
        w.fromUs = m_fromUs;
        w.toUs = m_toUs;
        return w;
    }
    Q_UNREACHABLE();
    return w;
}

void TimelineView::zoom(double factor, double x)
{
    const TimeWindow w = timeWindow();
    const double anchor = m_mode == Mode::Follow ? w.width : std::clamp(x, 0.0, double(w.width));
    const qint64 at = w.time(anchor);
    const double span = std::max(double(MinSpanUs), double(w.toUs - w.fromUs) / factor);
    m_fromUs = at - qint64(span * anchor / w.width);
    m_toUs = m_fromUs + qint64(span);
    if (m_mode != Mode::Follow)
        setMode(Mode::Manual);
    update();
}

void TimelineView::zoomIn()
{
    zoom(1.5, timeWindow().width / 2.0);
}

void TimelineView::zoomOut()
{
    zoom(1 / 1.5, timeWindow().width / 2.0);
}

void TimelineView::pan(double pixels)
{
    const TimeWindow w = timeWindow();
    const qint64 shift = qint64(pixels * w.usPerPixel());
    m_fromUs = w.fromUs + shift;
    m_toUs = w.toUs + shift;
    setMode(Mode::Manual);
    update();
}

void TimelineView::setHighlightedJobs(const QList<JobId> &jobs)
{
    if (jobs == m_highlighted)
        return;
    m_highlighted = jobs;
    update();
}

QRect TimelineView::lanesRect() const
{
    return geometryOf(rect()).lanes;
}

QRect TimelineView::runningChartRect() const
{
    return geometryOf(rect()).running;
}

QRect TimelineView::finishedChartRect() const
{
    return geometryOf(rect()).finished;
}

double TimelineView::laneHeight() const
{
    return laneBand(lanesRect(), m_layout.laneCount(), 0).height();
}

int TimelineView::attemptAt(const QPoint &pos) const
{
    const QRect lanes = lanesRect();
    if (!lanes.contains(pos) || m_layout.laneCount() == 0)
        return -1;
    const int lane = int((pos.y() - lanes.top()) / laneHeight());
    const TimeWindow w = timeWindow();
    const qint64 slack = qint64(2 * w.usPerPixel());
    return m_layout.attemptAt(lane, w.time(pos.x() - lanes.left()), slack, now());
}

QString TimelineView::toolTipAt(const QPoint &pos) const
{
    const int index = attemptAt(pos);
    if (index < 0)
        return {};
    const TimelineAttempt &a = m_layout.attempts()[size_t(index)];
    QString name;
    if (m_runner)
        name = m_runner->snapshot(a.job).name;
    const QString job = name.isEmpty() ? tr("Job #%1").arg(a.seq)
                                       : tr("%1 (#%2)").arg(name.toHtmlEscaped()).arg(a.seq);
    const qint64 start = a.record.startedUs - m_layout.firstStartUs();
    const QString result = a.isRunning() ? tr("running") : a.record.summary().toHtmlEscaped();
    QString text = tr("<b>%1</b><br>attempt %2<br>start +%3<br>duration %4<br>result %5")
                       .arg(job)
                       .arg(a.record.number)
                       .arg(formatDurationUs(start))
                       .arg(formatDurationUs(a.endUs(now()) - a.record.startedUs))
                       .arg(result);
    if (!a.record.node.isEmpty())
        text += tr("<br>node %1").arg(a.record.node.toHtmlEscaped());
    return text;
}

QImage TimelineView::renderImage(QSize size) const
{
    if (size.isEmpty())
        size = this->size();
    QImage image(size, QImage::Format_ARGB32_Premultiplied);
    QPainter p(&image);
    paintTo(p, QRect(QPoint(0, 0), size));
    return image;
}

bool TimelineView::event(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(event);
        const QString text = toolTipAt(help->pos());
        if (text.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(help->globalPos(), text, this);
        return true;
    }
    return QWidget::event(event);
}

void TimelineView::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    paintTo(p, rect());
    if (m_dragging) {
        const QRect lanes = lanesRect();
        const QRect band(QPoint(std::min(m_pressPos.x(), m_dragPos.x()), lanes.top()),
                         QPoint(std::max(m_pressPos.x(), m_dragPos.x()), lanes.bottom()));
        p.fillRect(band, QColor(30, 111, 217, 50));
        p.setPen(QColor(30, 111, 217));
        p.drawRect(band.adjusted(0, 0, -1, -1));
    }
}

void TimelineView::paintTo(QPainter &p, const QRect &rect) const
{
    const Geometry g = geometryOf(rect);
    // The lanes' image covers its rectangle: filling it too would write the
    // biggest part of the view twice.
    for (const QRect &part : QRegion(rect).subtracted(QRegion(g.lanes)))
        p.fillRect(part, palette().base());
    const TimeWindow w = windowFor(g.lanes.width());
    p.setClipRect(rect);
    paintAxis(p, w, QRect(g.lanes.left(), rect.top(), g.lanes.width(), g.finished.bottom()));
    p.setClipRect(g.lanes);
    paintLanes(p, w, g.lanes);
    paintHighlight(p, w, g.lanes);
    p.setClipRect(rect);
    paintGroups(p, g.lanes);
    paintRunningChart(p, w, g.running);
    paintFinishedChart(p, w, g.finished);
}

void TimelineView::paintAxis(QPainter &p, const TimeWindow &w, const QRect &plot) const
{
    const qint64 origin = m_layout.firstStartUs();
    const QColor grid = palette().mid().color();
    p.setPen(palette().text().color());
    const QList<TimeTick> ticks = timeAxisTicks(w.fromUs - origin, w.toUs - origin, w.width, 90);
    for (const TimeTick &tick : ticks) {
        const double x = plot.left() + w.x(tick.offsetUs + origin);
        p.setPen(QPen(grid, 0, Qt::DotLine));
        p.drawLine(QPointF(x, plot.top() + AxisHeight - 4), QPointF(x, plot.bottom()));
        p.setPen(palette().text().color());
        p.drawText(QRectF(x - 50, plot.top(), 100, AxisHeight - 4), Qt::AlignCenter, tick.label);
    }
}

QString TimelineView::groupLabel(const LaneGroup &group) const
{
    if (group.label.isEmpty() && m_layout.grouping() == LaneGrouping::Nodes)
        return tr("no node");
    return group.label;
}

void TimelineView::paintGroups(QPainter &p, const QRect &lanes) const
{
    if (m_layout.grouping() == LaneGrouping::Slots)
        return;
    const int laneCount = m_layout.laneCount();
    const QFontMetrics metrics = p.fontMetrics();
    const int labelWidth = LeftMargin - 8;
    double labelsEnd = lanes.top(); // labels never overlap: one that would is left out
    for (const LaneGroup &group : m_layout.groups()) {
        if (group.laneCount == 0)
            continue;
        const QRectF first = laneBand(lanes, laneCount, group.firstLane);
        const QRectF last = laneBand(lanes, laneCount, group.firstLane + group.laneCount - 1);
        if (group.firstLane > 0) {
            p.setPen(palette().mid().color());
            p.drawLine(QPointF(lanes.left(), first.top()), QPointF(lanes.right(), first.top()));
        }
        const double height = std::max(double(metrics.height()), last.bottom() - first.top());
        if (first.top() < labelsEnd || first.top() + metrics.height() > lanes.bottom() + 1)
            continue;
        p.setPen(palette().text().color());
        const QRectF box(2, first.top(), labelWidth,
                         std::min(height, lanes.bottom() + 1 - first.top()));
        p.drawText(box, Qt::AlignRight | Qt::AlignVCenter,
                   metrics.elidedText(groupLabel(group), Qt::ElideMiddle, labelWidth));
        labelsEnd = box.bottom();
    }
}

void TimelineView::paintLanes(QPainter &p, const TimeWindow &w, const QRect &lanes) const
{
    const qreal dpr = p.device() ? p.device()->devicePixelRatioF() : 1.0;
    rasterizeLanes(w, lanes.size(), dpr);
    p.drawImage(lanes.topLeft(), m_pixels);
}

void TimelineView::rasterizeLanes(const TimeWindow &w, QSize size, qreal dpr) const
{
    const QSize pixels(qRound(size.width() * dpr), qRound(size.height() * dpr));
    if (m_pixels.size() != pixels)
        m_pixels = QImage(pixels, QImage::Format_RGB32);
    m_pixels.setDevicePixelRatio(dpr);
    const QRgb base = palette().base().color().rgb();
    const QRgb alternate = palette().alternateBase().color().rgb();
    std::array<QRgb, BarKindCount> colors;
    for (int kind = 0; kind < BarKindCount; ++kind)
        colors[size_t(kind)] = barColor(BarKind(kind)).rgb();
    const qint64 nowUs = now();
    const int laneCount = m_layout.laneCount();
    const int width = pixels.width();
    const auto device = [dpr](double logical) {
        return qRound(logical * dpr);
    };
    std::vector<QRgb> row(size_t(std::max(0, width)));
    QList<int> single; // bars drawn one by one, for the chains
    int written = 0;   // every row above is written
    for (int lane = 0; lane < laneCount; ++lane) {
        const QRectF band = laneBand(QRect(QPoint(0, 0), size), laneCount, lane);
        const int top = device(band.top());
        if (top >= pixels.height())
            break;
        const int bottom = std::min(device(band.bottom()), pixels.height());
        if (bottom <= written)
            continue; // a lane thinner than a pixel, under one painted already
        const QRgb background = lane % 2 == 1 ? alternate : base;
        std::fill(row.begin(), row.end(), background);
        for (const TimelineSpan &span : m_layout.laneSpans(lane, w, nowUs)) {
            const int x0 = std::clamp(device(span.x0), 0, width);
            const int x1 = std::clamp(std::max(device(span.x0 + 1), device(span.x1)), x0, width);
            std::fill(row.begin() + x0, row.begin() + x1, colors[size_t(span.kind)]);
            if (span.attempt >= 0 && single.size() <= ChainLimit)
                single.append(span.attempt);
        }
        const QRectF bar = barRect(band, 0, 1);
        const int barTop = device(bar.top());
        const int barBottom = device(bar.bottom());
        for (int y = std::max(top, written); y < bottom; ++y) {
            auto *line = reinterpret_cast<QRgb *>(m_pixels.scanLine(y));
            if (y >= barTop && y < barBottom)
                std::copy(row.begin(), row.end(), line);
            else
                std::fill(line, line + width, background);
        }
        written = std::max(written, bottom);
    }
    for (int y = written; y < pixels.height(); ++y) {
        auto *line = reinterpret_cast<QRgb *>(m_pixels.scanLine(y));
        std::fill(line, line + width, base);
    }
    if (single.size() > ChainLimit)
        return;
    // The chains go into the image too: their legs are thin rectangles, a
    // handful of pixels per row.
    const QRgb chain = QColor::fromRgb(waitRgb()).rgb();
    for (const QRectF &leg : chainLegs(w, QRect(QPoint(0, 0), size), single)) {
        const int x0 = std::clamp(device(leg.left()), 0, width);
        const int x1 = std::clamp(std::max(x0 + 1, device(leg.right())), x0, width);
        const int y0 = std::clamp(device(leg.top()), 0, pixels.height());
        const int y1 = std::clamp(std::max(y0 + 1, device(leg.bottom())), y0, pixels.height());
        for (int y = y0; y < y1; ++y) {
            auto *line = reinterpret_cast<QRgb *>(m_pixels.scanLine(y));
            std::fill(line + x0, line + x1, chain);
        }
    }
}

void TimelineView::paintChains(QPainter &p, const TimeWindow &w, const QRect &lanes,
                               const QList<int> &attempts) const
{
    const QColor color = QColor::fromRgb(waitRgb());
    for (const QRectF &leg : chainLegs(w, lanes, attempts))
        p.fillRect(leg, color);
}

QList<QRectF> TimelineView::chainLegs(const TimeWindow &w, const QRect &lanes,
                                      const QList<int> &attempts) const
{
    // A retry is linked to the attempt before it: the line spans the backoff
    // wait, from the end of one bar to the start of the next.
    QList<QRectF> legs;
    const int laneCount = m_layout.laneCount();
    const auto &all = m_layout.attempts();
    for (int index : attempts) {
        const TimelineAttempt &a = all[size_t(index)];
        if (a.record.number <= 1)
            continue;
        const int previous = m_layout.previousAttempt(index);
        if (previous < 0)
            continue;
        const TimelineAttempt &before = all[size_t(previous)];
        const QRectF from = laneBand(lanes, laneCount, before.lane);
        const QRectF to = laneBand(lanes, laneCount, a.lane);
        // Both legs are axis-parallel: filled as thin rectangles, they need
        // no antialiasing and cost a fraction of a stroked line.
        const double x0 = lanes.left() + w.x(before.record.finishedUs);
        const double x1 = lanes.left() + w.x(a.record.startedUs);
        const double y0 = from.center().y();
        const double y1 = to.center().y();
        if (x1 > x0)
            legs.append(QRectF(x0, y0 - ChainWidth / 2, x1 - x0, ChainWidth));
        if (y1 != y0)
            legs.append(
                QRectF(x1 - ChainWidth / 2, std::min(y0, y1), ChainWidth, std::abs(y1 - y0)));
    }
    return legs;
}

void TimelineView::paintHighlight(QPainter &p, const TimeWindow &w, const QRect &lanes) const
{
    if (m_highlighted.isEmpty())
        return;
    const qint64 nowUs = now();
    const int laneCount = m_layout.laneCount();
    QList<int> attempts;
    for (JobId job : m_highlighted)
        attempts += m_layout.attemptsOfJob(job);
    if (attempts.size() > ChainLimit)
        attempts.resize(ChainLimit);
    paintChains(p, w, lanes, attempts);
    p.setPen(QPen(palette().highlight().color(), 2));
    p.setBrush(Qt::NoBrush);
    for (int index : std::as_const(attempts)) {
        const TimelineAttempt &a = m_layout.attempts()[size_t(index)];
        const QRectF band = laneBand(lanes, laneCount, a.lane);
        const QRectF bar = barRect(band, w.x(a.record.startedUs), w.x(a.endUs(nowUs)));
        p.drawRect(bar.adjusted(-1, -1, 1, 1));
    }
}

void TimelineView::paintRunningChart(QPainter &p, const TimeWindow &w, const QRect &chart) const
{
    std::vector<qint64> times(size_t(std::max(0, chart.width())));
    for (size_t x = 0; x < times.size(); ++x)
        times[x] = w.time(double(x) + 0.5);
    std::vector<int> counts = m_layout.runningAtEach(times);
    int most = 1;
    const qint64 nowUs = now();
    for (size_t x = 0; x < counts.size(); ++x) {
        if (times[x] > nowUs)
            counts[x] = 0;
        most = std::max(most, counts[x]);
    }
    // A column per pixel: written into an image (see m_pixels), not filled
    // as a rectangle each.
    QImage image(chart.size(), QImage::Format_RGB32);
    image.fill(palette().alternateBase().color());
    const QRgb color = barColor(BarKind::Running).rgb();
    uchar *bits = image.bits();
    const qsizetype stride = image.bytesPerLine();
    for (size_t x = 0; x < counts.size(); ++x) {
        const int h = qRound(double(chart.height()) * counts[x] / most);
        for (int y = chart.height() - h; y < chart.height(); ++y)
            reinterpret_cast<QRgb *>(bits + y * stride)[x] = color;
    }
    p.drawImage(chart.topLeft(), image);
    p.setPen(palette().text().color());
    p.drawText(QRect(0, chart.top(), LeftMargin - 6, chart.height()), Qt::AlignRight | Qt::AlignTop,
               QString::number(most));
    p.drawText(QRect(0, chart.top(), LeftMargin - 6, chart.height()),
               Qt::AlignRight | Qt::AlignBottom, tr("running"));
}

void TimelineView::paintFinishedChart(QPainter &p, const TimeWindow &w, const QRect &chart) const
{
    // Buckets of a whole number of seconds (or a nice step), at least 4 px wide.
    const qint64 bucket = std::max<qint64>(1000000, timeAxisStep(w.toUs - w.fromUs, w.width, 4));
    const qint64 origin = m_layout.firstStartUs();
    qint64 first = origin + ((w.fromUs - origin) / bucket) * bucket;
    if (first > w.fromUs)
        first -= bucket;
    struct Bar
    {
        double x0, x1, ok, cancelled, failed;
    };
    std::vector<Bar> bars;
    double most = 1;
    const double seconds = double(bucket) / 1e6;
    for (qint64 t = first; t < w.toUs; t += bucket) {
        const FinishedCounts counts = m_layout.finishedIn(t, t + bucket);
        if (counts.total() == 0)
            continue;
        const Bar bar {w.x(t), w.x(t + bucket), counts.succeeded / seconds,
                       counts.cancelled / seconds, counts.failed / seconds};
        most = std::max(most, counts.total() / seconds);
        bars.push_back(bar);
    }
    p.fillRect(chart, palette().alternateBase());
    p.save();
    p.setClipRect(chart);
    const double scale = chart.height() / most;
    for (const Bar &bar : bars) {
        const double left = chart.left() + bar.x0;
        const double width = std::max(1.0, bar.x1 - bar.x0 - 1);
        // Stacked from the bottom: succeeded, cancelled, failed.
        double top = chart.bottom() + 1;
        const auto stack = [&](double rate, BarKind kind) {
            const double height = rate * scale;
            top -= height;
            p.fillRect(QRectF(left, top, width, height), barColor(kind));
        };
        stack(bar.ok, BarKind::Succeeded);
        stack(bar.cancelled, BarKind::Cancelled);
        stack(bar.failed, BarKind::Failed);
    }
    p.restore();
    p.setPen(palette().text().color());
    p.drawText(QRect(0, chart.top(), LeftMargin - 6, chart.height()), Qt::AlignRight | Qt::AlignTop,
               QString::number(most, 'g', 3));
    p.drawText(QRect(0, chart.top(), LeftMargin - 6, chart.height()),
               Qt::AlignRight | Qt::AlignBottom, tr("ended/s"));
}

void TimelineView::mousePressEvent(QMouseEvent *event)
{
    m_pressPos = m_dragPos = event->position().toPoint();
    m_panning = event->button() == Qt::MiddleButton
        || (event->button() == Qt::LeftButton && event->modifiers() & Qt::ShiftModifier);
    m_dragging = false;
}

void TimelineView::mouseMoveEvent(QMouseEvent *event)
{
    const QPoint pos = event->position().toPoint();
    if (event->buttons() == Qt::NoButton)
        return;
    if (m_panning) {
        pan(m_dragPos.x() - pos.x());
        m_dragPos = pos;
        return;
    }
    if (event->buttons() & Qt::LeftButton) {
        m_dragPos = pos;
        m_dragging = std::abs(pos.x() - m_pressPos.x()) > 4;
        update();
    }
}

void TimelineView::mouseReleaseEvent(QMouseEvent *event)
{
    const QPoint pos = event->position().toPoint();
    if (m_panning) {
        m_panning = false;
        return;
    }
    if (event->button() != Qt::LeftButton)
        return;
    if (m_dragging) {
        m_dragging = false;
        const TimeWindow w = timeWindow();
        const int left = lanesRect().left();
        const qint64 a = w.time(std::min(m_pressPos.x(), pos.x()) - left);
        const qint64 b = w.time(std::max(m_pressPos.x(), pos.x()) - left);
        setTimeRange(a, b);
        return;
    }
    const int index = attemptAt(pos);
    if (index >= 0)
        Q_EMIT jobClicked(m_layout.attempts()[size_t(index)].job);
}

void TimelineView::wheelEvent(QWheelEvent *event)
{
    const double steps = event->angleDelta().y() / 120.0;
    if (event->modifiers() & Qt::ControlModifier)
        zoom(std::pow(1.25, steps), event->position().x() - lanesRect().left());
    else
        pan(-steps * timeWindow().width / 10.0);
    event->accept();
}

void TimelineView::keyPressEvent(QKeyEvent *event)
{
    switch (event->key()) {
    case Qt::Key_Plus:
    case Qt::Key_Equal:
        zoomIn();
        return;
    case Qt::Key_Minus:
        zoomOut();
        return;
    case Qt::Key_Left:
        pan(-timeWindow().width / 10.0);
        return;
    case Qt::Key_Right:
        pan(timeWindow().width / 10.0);
        return;
    default:
        QWidget::keyPressEvent(event);
    }
}

} // namespace requeue
