#pragma once

#include <QList>
#include <QString>

namespace requeue {

// Ticks for a time axis whose times are offsets from the start of a run,
// readable from milliseconds to hours: steps of 1, 2, 5 ms ... 500 ms, 1, 2,
// 5, 10, 15, 30 s, 1, 2, 5, 10, 15, 30 min, 1, 2, 3, 6, 12 h, 1 day and whole
// days beyond. Pure functions, any thread.

struct TimeTick
{
    qint64 offsetUs = 0;
    QString label;

    bool operator==(const TimeTick &other) const
    {
        return offsetUs == other.offsetUs && label == other.label;
    }
};

// The smallest step that keeps ticks at least `minSpacingPx` apart when
// `spanUs` is shown over `widthPx` pixels.
qint64 timeAxisStep(qint64 spanUs, int widthPx, int minSpacingPx);
// The ticks inside [fromUs, toUs], on multiples of the step.
QList<TimeTick> timeAxisTicks(qint64 fromUs, qint64 toUs, int widthPx, int minSpacingPx = 80);
// An offset as a tick shows it at that step: "0", "250 ms", "1.5 s", "45 s",
// "2 m 30 s", "1 h 15 m".
QString formatTickLabel(qint64 offsetUs, qint64 stepUs);
// A duration for a person: "850 µs", "12 ms", "1.25 s", "3 m 05 s", "2 h 07 m".
QString formatDurationUs(qint64 us);

} // namespace requeue
