#include "timeaxis.h"

#include <array>
#include <cmath>

namespace requeue {

namespace {

constexpr qint64 ms = 1000;
constexpr qint64 second = 1000 * ms;
constexpr qint64 minute = 60 * second;
constexpr qint64 hour = 60 * minute;
constexpr qint64 day = 24 * hour;

constexpr std::array<qint64, 30> steps = {
    1 * ms,      2 * ms,      5 * ms,      10 * ms,    20 * ms,    50 * ms,
    100 * ms,    200 * ms,    500 * ms,    1 * second, 2 * second, 5 * second,
    10 * second, 15 * second, 30 * second, 1 * minute, 2 * minute, 5 * minute,
    10 * minute, 15 * minute, 30 * minute, 1 * hour,   2 * hour,   3 * hour,
    6 * hour,    12 * hour,   1 * day,     2 * day,    5 * day,    10 * day,
};

// Decimals that make multiples of `stepUs` exact in seconds.
int secondDecimals(qint64 stepUs)
{
    int decimals = 0;
    for (qint64 unit = second; stepUs % unit != 0 && decimals < 6; unit /= 10)
        ++decimals;
    return decimals;
}

QString twoUnits(qint64 us, qint64 big, const char *bigName, qint64 small, const char *smallName)
{
    const qint64 first = us / big;
    const qint64 rest = (us % big) / small;
    if (rest == 0)
        return QStringLiteral("%1 %2").arg(first).arg(QLatin1String(bigName));
    return QStringLiteral("%1 %2 %3 %4")
        .arg(first)
        .arg(QLatin1String(bigName))
        .arg(rest)
        .arg(QLatin1String(smallName));
}

} // namespace

qint64 timeAxisStep(qint64 spanUs, int widthPx, int minSpacingPx)
{
    const double usPerPx = double(std::max<qint64>(spanUs, 1)) / double(std::max(widthPx, 1));
    const double wanted = usPerPx * std::max(minSpacingPx, 1);
    for (qint64 step : steps) {
        if (double(step) >= wanted)
            return step;
    }
    return qint64(std::ceil(wanted / double(day))) * day;
}

QList<TimeTick> timeAxisTicks(qint64 fromUs, qint64 toUs, int widthPx, int minSpacingPx)
{
    QList<TimeTick> ticks;
    if (toUs <= fromUs)
        return ticks;
    const qint64 step = timeAxisStep(toUs - fromUs, widthPx, minSpacingPx);
    qint64 first = (fromUs / step) * step;
    if (first < fromUs)
        first += step;
    for (qint64 t = first; t <= toUs; t += step)
        ticks.append({t, formatTickLabel(t, step)});
    return ticks;
}

QString formatTickLabel(qint64 offsetUs, qint64 stepUs)
{
    if (offsetUs == 0)
        return QStringLiteral("0");
    const QString sign = offsetUs < 0 ? QStringLiteral("−") : QString();
    const qint64 us = std::abs(offsetUs);
    QString text;
    if (stepUs < second && us < second)
        text = QStringLiteral("%1 ms").arg(us / ms);
    else if (stepUs < second || (stepUs < minute && us < minute))
        text = QStringLiteral("%1 s").arg(double(us) / double(second), 0, 'f',
                                          secondDecimals(stepUs));
    else if (stepUs < minute)
        text = twoUnits(us, minute, "m", second, "s");
    else if (stepUs < hour && us < hour)
        text = QStringLiteral("%1 m").arg(us / minute);
    else if (stepUs < day)
        text = twoUnits(us, hour, "h", minute, "m");
    else
        text = twoUnits(us, day, "d", hour, "h");
    return sign + text;
}

QString formatDurationUs(qint64 us)
{
    if (us < ms)
        return QStringLiteral("%1 µs").arg(us);
    if (us < second)
        return QStringLiteral("%1 ms").arg(double(us) / double(ms), 0, 'f', us < 10 * ms ? 1 : 0);
    if (us < minute)
        return QStringLiteral("%1 s").arg(double(us) / double(second), 0, 'f', 2);
    if (us < hour)
        return QStringLiteral("%1 m %2 s")
            .arg(us / minute)
            .arg((us % minute) / second, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1 h %2 m")
        .arg(us / hour)
        .arg((us % hour) / minute, 2, 10, QLatin1Char('0'));
}

} // namespace requeue
