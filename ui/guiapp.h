#pragma once

#include <QStringList>

namespace requeue {

// Shows the main window and runs the event loop; returns the exit code.
// Expects a QApplication to exist. Loads the first of `filesToOpen` (if any)
// without starting it: the user presses Start.
int runGui(const QStringList &filesToOpen);

} // namespace requeue
