#include "timelinesvg.h"

#include "timeaxis.h"

#include <algorithm>
#include <cmath>

namespace requeue {

namespace {

constexpr int LeftMargin = 64;
constexpr int RightMargin = 12;
constexpr int AxisHeight = 22;
constexpr int ChartGap = 14;

QString hex(quint32 rgb)
{
    return QStringLiteral("#%1").arg(rgb, 6, 16, QLatin1Char('0'));
}

QString num(double value)
{
    return QString::number(value, 'f', 1);
}

QString defaultDescription(const TimelineAttempt &a)
{
    QString text = QStringLiteral("job #%1, attempt %2: %3")
                       .arg(a.seq)
                       .arg(a.record.number)
                       .arg(a.isRunning() ? QStringLiteral("running") : a.record.summary());
    if (!a.record.node.isEmpty())
        text += QStringLiteral(" on ") + a.record.node;
    return text;
}

// At most `chars` characters, the middle left out: node names differ at
// their ends ("node-gpu-017").
QString elided(const QString &text, int chars)
{
    if (text.size() <= chars)
        return text;
    const int head = (chars - 1) / 2;
    return text.left(head) + QStringLiteral("…") + text.right(chars - 1 - head);
}

class SvgWriter
{
public:
    SvgWriter(const TimelineLayout &layout, const TimelineSvgOptions &options)
        : m_layout(layout)
        , m_options(options)
    {
        const int plotWidth = std::max(1, options.width - LeftMargin - RightMargin);
        const qint64 first = layout.firstStartUs();
        const qint64 last = std::max(layout.lastEndUs(options.nowUs), first + 1000);
        m_window = TimeWindow {first, last, plotWidth};
        m_lanesHeight = std::max(1, layout.laneCount()) * options.laneHeight;
        m_runningTop = AxisHeight + m_lanesHeight + ChartGap;
        m_finishedTop = m_runningTop + options.chartHeight + ChartGap;
        m_height = m_finishedTop + options.chartHeight + 4;
    }

    QString render()
    {
        m_out += QStringLiteral("<svg class=\"timeline\" width=\"%1\" height=\"%2\" viewBox=\"0 0 "
                                "%1 %2\" role=\"img\">\n")
                     .arg(m_options.width)
                     .arg(m_height);
        m_out += QStringLiteral("<style>.lbl{font:11px sans-serif;fill:#444}"
                                ".bar:hover{stroke:#000;stroke-width:1}</style>\n");
        writeAxis();
        writeLanes();
        writeRunningChart();
        writeFinishedChart();
        m_out += QStringLiteral("</svg>\n");
        return m_out;
    }

private:
    double x(qint64 us) const { return LeftMargin + m_window.x(us); }

    void writeAxis()
    {
        const qint64 origin = m_window.fromUs;
        for (const TimeTick &tick : timeAxisTicks(0, m_window.toUs - origin, m_window.width, 90)) {
            const double at = x(origin + tick.offsetUs);
            m_out += QStringLiteral("<line x1=\"%1\" y1=\"%2\" x2=\"%1\" y2=\"%3\" stroke=\"#ccc\" "
                                    "stroke-dasharray=\"2,2\"/>")
                         .arg(num(at))
                         .arg(AxisHeight - 4)
                         .arg(m_height - 4);
            m_out += QStringLiteral("<text class=\"lbl\" x=\"%1\" y=\"14\" "
                                    "text-anchor=\"middle\">%2</text>\n")
                         .arg(num(at), xmlEscaped(tick.label));
        }
    }

    void writeLanes()
    {
        const int laneHeight = m_options.laneHeight;
        QList<int> single;
        for (int lane = 0; lane < m_layout.laneCount(); ++lane) {
            const int top = AxisHeight + lane * laneHeight;
            if (lane % 2 == 1) {
                m_out += QStringLiteral("<rect x=\"%1\" y=\"%2\" width=\"%3\" height=\"%4\" "
                                        "fill=\"#f4f4f4\"/>\n")
                             .arg(LeftMargin)
                             .arg(top)
                             .arg(m_window.width)
                             .arg(laneHeight);
            }
            const double inset = laneHeight * 0.15;
            for (const TimelineSpan &span : m_layout.laneSpans(lane, m_window, m_options.nowUs)) {
                m_out += QStringLiteral("<rect class=\"bar\" x=\"%1\" y=\"%2\" width=\"%3\" "
                                        "height=\"%4\" fill=\"%5\">")
                             .arg(num(LeftMargin + span.x0), num(top + inset),
                                  num(std::max(1.0, span.x1 - span.x0)),
                                  num(laneHeight - 2 * inset), hex(barRgb(span.kind)));
                m_out += QStringLiteral("<title>%1</title></rect>\n").arg(xmlEscaped(title(span)));
                if (span.attempt >= 0)
                    single.append(span.attempt);
            }
        }
        writeGroups();
        writeChains(single);
    }

    // Each group's label in the left margin and a line between groups.
    void writeGroups()
    {
        if (m_layout.grouping() == LaneGrouping::Slots)
            return;
        const int laneHeight = m_options.laneHeight;
        constexpr int LabelHeight = 12;
        int labelsEnd = AxisHeight; // labels never overlap: one that would is left out
        for (const LaneGroup &group : m_layout.groups()) {
            if (group.laneCount == 0)
                continue;
            const int top = AxisHeight + group.firstLane * laneHeight;
            if (group.firstLane > 0) {
                m_out += QStringLiteral("<line x1=\"%1\" y1=\"%2\" x2=\"%3\" y2=\"%2\" "
                                        "stroke=\"#999\"/>\n")
                             .arg(LeftMargin)
                             .arg(top)
                             .arg(LeftMargin + m_window.width);
            }
            if (top < labelsEnd)
                continue;
            const int height = std::max(LabelHeight, group.laneCount * laneHeight);
            const QString label
                = group.label.isEmpty() && m_layout.grouping() == LaneGrouping::Nodes
                ? QStringLiteral("no node")
                : group.label;
            m_out += QStringLiteral("<text class=\"lbl\" x=\"%1\" y=\"%2\" "
                                    "text-anchor=\"end\"><title>%3</title>%4</text>\n")
                         .arg(LeftMargin - 4)
                         .arg(top + std::min(height, 2 * LabelHeight) / 2 + 4)
                         .arg(xmlEscaped(label), xmlEscaped(elided(label, 10)));
            labelsEnd = top + LabelHeight;
        }
    }

    QString title(const TimelineSpan &span) const
    {
        if (span.attempt < 0)
            return QStringLiteral("%1 attempts (%2 shown)")
                .arg(span.count)
                .arg(barKindName(span.kind));
        const TimelineAttempt &a = m_layout.attempts()[size_t(span.attempt)];
        const QString what = m_options.describe ? m_options.describe(a) : defaultDescription(a);
        return QStringLiteral("%1\nstart +%2, duration %3")
            .arg(what, formatDurationUs(a.record.startedUs - m_window.fromUs),
                 formatDurationUs(a.endUs(m_options.nowUs) - a.record.startedUs));
    }

    void writeChains(const QList<int> &attempts)
    {
        // A retry is linked to the attempt before it across the backoff wait.
        QString path;
        const auto &all = m_layout.attempts();
        const double half = m_options.laneHeight / 2.0;
        for (int index : attempts) {
            const TimelineAttempt &a = all[size_t(index)];
            const QList<int> ofJob = m_layout.attemptsOfJob(a.job);
            const int at = int(ofJob.indexOf(index));
            if (at <= 0)
                continue;
            const TimelineAttempt &before = all[size_t(ofJob[at - 1])];
            const double y0 = AxisHeight + before.lane * m_options.laneHeight + half;
            const double y1 = AxisHeight + a.lane * m_options.laneHeight + half;
            path += QStringLiteral("M%1 %2H%3V%4")
                        .arg(num(x(before.record.finishedUs)), num(y0), num(x(a.record.startedUs)),
                             num(y1));
        }
        if (!path.isEmpty()) {
            m_out += QStringLiteral("<path d=\"%1\" fill=\"none\" stroke=\"%2\" "
                                    "stroke-width=\"1.5\"/>\n")
                         .arg(path, hex(waitRgb()));
        }
    }

    void writeChartFrame(int top, const QString &label, const QString &most)
    {
        m_out += QStringLiteral("<rect x=\"%1\" y=\"%2\" width=\"%3\" height=\"%4\" "
                                "fill=\"#f4f4f4\"/>\n")
                     .arg(LeftMargin)
                     .arg(top)
                     .arg(m_window.width)
                     .arg(m_options.chartHeight);
        m_out += QStringLiteral(
                     "<text class=\"lbl\" x=\"%1\" y=\"%2\" text-anchor=\"end\">%3</text>"
                     "<text class=\"lbl\" x=\"%1\" y=\"%4\" text-anchor=\"end\">%5</text>\n")
                     .arg(LeftMargin - 6)
                     .arg(top + 10)
                     .arg(xmlEscaped(most))
                     .arg(top + m_options.chartHeight)
                     .arg(xmlEscaped(label));
    }

    void writeRunningChart()
    {
        const int columns = m_window.width;
        std::vector<int> counts(static_cast<size_t>(columns));
        int most = 1;
        for (int column = 0; column < columns; ++column) {
            counts[size_t(column)] = m_layout.runningAt(m_window.time(column + 0.5));
            most = std::max(most, counts[size_t(column)]);
        }
        writeChartFrame(m_runningTop, QStringLiteral("running"), QString::number(most));
        const double bottom = m_runningTop + m_options.chartHeight;
        const double scale = double(m_options.chartHeight) / most;
        QString path = QStringLiteral("M%1 %2").arg(LeftMargin).arg(num(bottom));
        for (int column = 0; column < columns; ++column) {
            const int count = counts[size_t(column)];
            if (column > 0 && count == counts[size_t(column - 1)])
                continue;
            path += QStringLiteral("H%1V%2")
                        .arg(LeftMargin + column)
                        .arg(num(bottom - count * scale));
        }
        path += QStringLiteral("H%1V%2Z").arg(LeftMargin + columns).arg(num(bottom));
        m_out += QStringLiteral("<path d=\"%1\" fill=\"%2\"/>\n")
                     .arg(path, hex(barRgb(BarKind::Running)));
    }

    void writeFinishedChart()
    {
        const qint64 span = m_window.toUs - m_window.fromUs;
        const qint64 bucket = std::max<qint64>(1000000, timeAxisStep(span, m_window.width, 4));
        const double seconds = double(bucket) / 1e6;
        std::vector<std::pair<qint64, FinishedCounts>> bars;
        double most = 1;
        for (qint64 t = m_window.fromUs; t < m_window.toUs; t += bucket) {
            const FinishedCounts counts = m_layout.finishedIn(t, t + bucket);
            if (counts.total() == 0)
                continue;
            bars.emplace_back(t, counts);
            most = std::max(most, counts.total() / seconds);
        }
        writeChartFrame(m_finishedTop, QStringLiteral("ended/s"), QString::number(most, 'g', 3));
        const double scale = m_options.chartHeight / most / seconds; // per attempt
        for (const auto &[at, counts] : bars) {
            const double left = x(at);
            const double width = std::max(1.0, x(at + bucket) - left - 1);
            const auto rate = [seconds](int count) {
                return QString::number(count / seconds, 'g', 3);
            };
            const QString tip
                = QStringLiteral("%1/s succeeded, %2/s cancelled, %3/s failed")
                      .arg(rate(counts.succeeded), rate(counts.cancelled), rate(counts.failed));
            m_out += QStringLiteral("<g><title>%1</title>").arg(xmlEscaped(tip));
            // Stacked from the bottom: succeeded, cancelled, failed.
            double top = m_finishedTop + m_options.chartHeight;
            const auto stack = [&](int count, BarKind kind) {
                if (count == 0)
                    return;
                const double height = count * scale;
                top -= height;
                m_out += QStringLiteral("<rect x=\"%1\" y=\"%2\" width=\"%3\" height=\"%4\" "
                                        "fill=\"%5\"/>")
                             .arg(num(left), num(top), num(width), num(height), hex(barRgb(kind)));
            };
            stack(counts.succeeded, BarKind::Succeeded);
            stack(counts.cancelled, BarKind::Cancelled);
            stack(counts.failed, BarKind::Failed);
            m_out += QStringLiteral("</g>\n");
        }
    }

    const TimelineLayout &m_layout;
    const TimelineSvgOptions &m_options;
    TimeWindow m_window;
    int m_lanesHeight = 0;
    int m_runningTop = 0;
    int m_finishedTop = 0;
    int m_height = 0;
    QString m_out;
};

bool isXmlChar(char32_t c)
{
    return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF)
        || (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
}

} // namespace

QString renderTimelineSvg(const TimelineLayout &layout, const TimelineSvgOptions &options)
{
    return SvgWriter(layout, options).render();
}

QString xmlEscaped(QStringView text)
{
    QString out;
    out.reserve(text.size());
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text[i];
        if (c.isHighSurrogate() && i + 1 < text.size() && text[i + 1].isLowSurrogate()) {
            out += c;
            out += text[++i];
            continue;
        }
        switch (c.unicode()) {
        case '&':
            out += QLatin1String("&amp;");
            continue;
        case '<':
            out += QLatin1String("&lt;");
            continue;
        case '>':
            out += QLatin1String("&gt;");
            continue;
        case '"':
            out += QLatin1String("&quot;");
            continue;
        default:
            break;
        }
        out += c.isSurrogate() || !isXmlChar(c.unicode()) ? QChar(QChar::ReplacementCharacter) : c;
    }
    return out;
}

} // namespace requeue
