#pragma once

#include "jobstate.h"

#include <QColor>
#include <QIcon>

namespace requeue {

// How the GUI shows job states. Icons are drawn with QPainter at first use
// (no image plugin needed); call from the GUI thread only.

// "Queued", "Running", "Waiting", "Succeeded", "Failed", "Cancelled".
QString stateLabel(JobState state);
QColor stateColor(JobState state);
QIcon stateIcon(JobState state);
// The application icon: the window's and the one installed for the desktop.
QIcon appIcon();
// Draws the application icon at `size` pixels (for exporting PNGs).
QImage renderAppIcon(int size);

} // namespace requeue
