#pragma once

#include "timelinelayout.h"

#include <QString>

#include <functional>

namespace requeue {

// What renderTimelineSvg() draws and how big.
struct TimelineSvgOptions
{
    int width = 1000; // of the whole picture, pixels
    int laneHeight = 14;
    int chartHeight = 70;
    qint64 nowUs = 0; // where running bars end
    // The hover text of one attempt's bar (an SVG <title>); the default
    // names the job by its seq.
    std::function<QString(const TimelineAttempt &)> describe;
};

// The timeline with its axis and the two charts (running attempts, attempts
// finished per second) as one standalone <svg> element, well-formed XML that
// also works inline in HTML. Bars thinner than a pixel are aggregated per
// column as in the window, so the size follows the width, not the attempt
// count. Pure function, any thread.
QString renderTimelineSvg(const TimelineLayout &layout, const TimelineSvgOptions &options);

// `text` escaped for XML text and attribute values; characters XML 1.0 does
// not allow become U+FFFD.
QString xmlEscaped(QStringView text);

} // namespace requeue
