#pragma once

#include "runoptions.h"

#include <QStringList>

namespace requeue {

// `requeue report [options] RUN`: parses the arguments after "report" (the
// program name first). Needs no application object.
CommandLine parseReportCommand(const QStringList &arguments);

// Reads the run, writes the report, says what went wrong on stderr.
// Returns the exit status: 0 written, 2 bad input or an unwritable output.
int runReportCommand(const ReportOptions &options);

} // namespace requeue
