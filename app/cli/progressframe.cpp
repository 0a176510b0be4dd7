#include "progressframe.h"

#include <cmath>

namespace requeue {

QString formatEta(double seconds)
{
    const qint64 s = qint64(std::ceil(qMax(0.0, seconds)));
    if (s < 60)
        return QStringLiteral("%1s").arg(s);
    if (s < 3600)
        return QStringLiteral("%1m%2s").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1h%2m").arg(s / 3600).arg(s % 3600 / 60, 2, 10, QLatin1Char('0'));
}

QString ProgressFrame::render(int width) const
{
    const int digits = int(QString::number(total).size());
    QString tail = QStringLiteral("  %1/%2  %3 running  %4 failed  %5 retries")
                       .arg(done, digits)
                       .arg(total)
                       .arg(running)
                       .arg(failed)
                       .arg(retries);
    // The rate means nothing until a job has finished.
    if (done > 0 && elapsedSeconds > 0) {
        const double rate = done / elapsedSeconds;
        tail += QStringLiteral("  %1/s").arg(rate, 0, 'f', rate < 10 ? 1 : 0);
    }
    if (etaSeconds && done < total)
        tail += QLatin1String("  ETA ") + formatEta(*etaSeconds);
    // A fixed width while it fits, so that the bar does not jitter as the tail changes.
    const int barWidth = qMin(20, width - int(tail.size()) - 2);
    if (barWidth < 5)
        return tail.mid(2).left(qMax(0, width));
    const int filled = total > 0 ? int(qint64(barWidth) * done / total) : 0;
    return QLatin1Char('[') + QString(filled, QLatin1Char('#'))
        + QString(barWidth - filled, QLatin1Char('.')) + QLatin1Char(']') + tail;
}

} // namespace requeue
