#include "stateicons.h"

#include <QFile>
#include <QImage>
#include <QPainter>
#include <QPainterPath>
#include <QPixmap>

#include <array>

namespace requeue {

namespace {

// Strokes in a 16x16 design grid, scaled to the pixmap.
void drawGlyph(QPainter &p, JobState state)
{
    QPen pen(Qt::white, 2.0, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin);
    p.setPen(pen);
    switch (state) {
    case JobState::Queued:
        p.setBrush(Qt::white);
        p.drawEllipse(QPointF(8, 8), 1.5, 1.5);
        return;
    case JobState::Running:
        p.setPen(Qt::NoPen);
        p.setBrush(Qt::white);
        p.drawPolygon(QPolygonF({QPointF(6, 4.5), QPointF(12, 8), QPointF(6, 11.5)}));
        return;
    case JobState::WaitingForRetry:
        p.drawLine(QPointF(8, 8), QPointF(8, 4.5));
        p.drawLine(QPointF(8, 8), QPointF(10.5, 9.5));
        return;
    case JobState::Succeeded:
        p.drawPolyline(QPolygonF({QPointF(4.5, 8.5), QPointF(7, 11), QPointF(11.5, 5.5)}));
        return;
    case JobState::Failed:
        p.drawLine(QPointF(5.5, 5.5), QPointF(10.5, 10.5));
        p.drawLine(QPointF(10.5, 5.5), QPointF(5.5, 10.5));
        return;
    case JobState::Cancelled:
        p.drawLine(QPointF(5, 8), QPointF(11, 8));
        return;
    }
    Q_UNREACHABLE();
}

QPixmap drawStatePixmap(JobState state, int size)
{
    QPixmap pixmap(size, size);
    pixmap.fill(Qt::transparent);
    QPainter p(&pixmap);
    p.setRenderHint(QPainter::Antialiasing);
    p.scale(size / 16.0, size / 16.0);
    p.setPen(Qt::NoPen);
    p.setBrush(stateColor(state));
    p.drawEllipse(QRectF(1, 1, 14, 14));
    drawGlyph(p, state);
    return pixmap;
}

} // namespace

QString stateLabel(JobState state)
{
    switch (state) {
    case JobState::Queued:
        return QObject::tr("Queued");
    case JobState::Running:
        return QObject::tr("Running");
    case JobState::WaitingForRetry:
        return QObject::tr("Waiting");
    case JobState::Succeeded:
        return QObject::tr("Succeeded");
    case JobState::Failed:
        return QObject::tr("Failed");
    case JobState::Cancelled:
        return QObject::tr("Cancelled");
    }
    Q_UNREACHABLE();
    return {};
}

QColor stateColor(JobState state)
{
    switch (state) {
    case JobState::Queued:
        return QColor(0x80, 0x86, 0x8b);
    case JobState::Running:
        return QColor(0x1e, 0x6f, 0xd9);
    case JobState::WaitingForRetry:
        return QColor(0xd9, 0x82, 0x1e);
    case JobState::Succeeded:
        return QColor(0x2e, 0x9e, 0x44);
    case JobState::Failed:
        return QColor(0xd2, 0x2d, 0x2d);
    case JobState::Cancelled:
        return QColor(0x5a, 0x5a, 0x5a);
    }
    Q_UNREACHABLE();
    return {};
}

QIcon stateIcon(JobState state)
{
    static std::array<QIcon, JobStateCount> icons;
    QIcon &icon = icons[size_t(state)];
    if (icon.isNull()) {
        for (int size : {16, 24, 32, 48})
            icon.addPixmap(drawStatePixmap(state, size));
    }
    return icon;
}

QImage renderAppIcon(int size)
{
    QImage image(size, size, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::transparent);
    QPainter p(&image);
    p.setRenderHint(QPainter::Antialiasing);
    p.scale(size / 64.0, size / 64.0);
    // A rounded tile, a circular "again" arrow and a play triangle inside it.
    QLinearGradient tile(0, 0, 0, 64);
    tile.setColorAt(0, QColor(0x2b, 0x7b, 0xe4));
    tile.setColorAt(1, QColor(0x17, 0x4e, 0xa6));
    p.setPen(Qt::NoPen);
    p.setBrush(tile);
    p.drawRoundedRect(QRectF(2, 2, 60, 60), 13, 13);
    QPen arc(Qt::white, 6.0, Qt::SolidLine, Qt::FlatCap);
    p.setPen(arc);
    p.setBrush(Qt::NoBrush);
    const QRectF circle(14, 14, 36, 36);
    p.drawArc(circle, 118 * 16, 282 * 16);
    p.setPen(Qt::NoPen);
    p.setBrush(Qt::white);
    // The arrowhead sits on the arc's start (120 degrees) and points clockwise,
    // across the gap: round and round again.
    p.drawPolygon(QPolygonF({QPointF(30, 12.5), QPointF(17.3, 11.0), QPointF(24.8, 24.0)}));
    p.setBrush(QColor(0x9c, 0xe0, 0x8a));
    p.drawPolygon(QPolygonF({QPointF(28, 24), QPointF(41, 32), QPointF(28, 40)}));
    return image;
}

QIcon appIcon()
{
    static QIcon icon;
    if (icon.isNull()) {
        for (int size : {16, 32, 48, 64, 128, 256}) {
            const QString path = QStringLiteral(":/icons/requeue-%1.png").arg(size);
            if (QFile::exists(path))
                icon.addFile(path, QSize(size, size));
            else
                icon.addPixmap(QPixmap::fromImage(renderAppIcon(size)));
        }
    }
    return icon;
}

} // namespace requeue
