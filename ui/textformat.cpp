#include "textformat.h"

#include <QDateTime>
#include <QLocale>

namespace requeue {

QString formatDuration(qint64 us)
{
    const qint64 ms = std::max<qint64>(0, us) / 1000;
    if (ms < 10'000)
        return QStringLiteral("%1 s").arg(double(ms) / 1000.0, 0, 'f', 1);
    const qint64 s = ms / 1000;
    if (s < 60)
        return QStringLiteral("%1 s").arg(s);
    if (s < 3600)
        return QStringLiteral("%1:%2").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1:%2:%3")
        .arg(s / 3600)
        .arg((s / 60) % 60, 2, 10, QLatin1Char('0'))
        .arg(s % 60, 2, 10, QLatin1Char('0'));
}

QString formatTimestamp(qint64 us)
{
    if (us <= 0)
        return {};
    const QDateTime when = QDateTime::fromMSecsSinceEpoch(us / 1000);
    if (when.date() == QDate::currentDate())
        return when.toString(QStringLiteral("HH:mm:ss"));
    return when.toString(QStringLiteral("yyyy-MM-dd HH:mm"));
}

QString attemptsText(int attemptsInBudget, int maxAttempts)
{
    if (maxAttempts <= 0)
        return QStringLiteral("%1 / \u221e").arg(attemptsInBudget);
    return QStringLiteral("%1 / %2").arg(attemptsInBudget).arg(maxAttempts);
}

QString attemptsText(int attempts, int attemptsInBudget, int maxAttempts)
{
    const QString budget = attemptsText(attemptsInBudget, maxAttempts);
    if (attempts <= attemptsInBudget)
        return budget;
    return QStringLiteral("%1 \u00b7 %2").arg(attempts).arg(budget);
}

QString retryCountdown(qint64 us)
{
    // Rounded up: "retry in 0 s" would be a lie for most of a second.
    const qint64 seconds = (us + 999'999) / 1'000'000;
    if (seconds <= 0)
        return QStringLiteral("retry now");
    if (seconds < 60)
        return QStringLiteral("retry in %1 s").arg(seconds);
    return QStringLiteral("retry in %1").arg(formatDuration(seconds * 1'000'000));
}

QString formatBytes(qint64 bytes)
{
    return QLocale::c().formattedDataSize(bytes, 1, QLocale::DataSizeIecFormat);
}

QString formatEta(qint64 seconds)
{
    if (seconds < 0)
        return {};
    if (seconds < 1)
        return QStringLiteral("under a second");
    if (seconds < 60)
        return QStringLiteral("about %1 s").arg(seconds);
    if (seconds < 3600)
        return QStringLiteral("about %1 min").arg((seconds + 30) / 60);
    return QStringLiteral("about %1 h %2 min").arg(seconds / 3600).arg((seconds % 3600) / 60);
}

} // namespace requeue
