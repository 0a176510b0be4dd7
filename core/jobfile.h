#pragma once

#include "joblist.h"

namespace requeue {

// Reads `path` and parses it as JSON when its name ends in ".json" (any case),
// else as plain text. Never throws; every problem, including an unreadable
// path, a directory or a file over MaxJobFileSize, ends up in `errors`.
// Errors name the file as `path` was given.
JobList loadJobList(const QString &path);

} // namespace requeue
