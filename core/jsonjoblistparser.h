#pragma once

#include "joblist.h"

namespace requeue {

// Parses a JSON job list: an array of jobs, or {"defaults": {...}, "jobs": [...]}.
// A job is an object with "command" (a shell string) or "argv" (strings, no
// shell), and optionally "name", "cwd", "env", "max_attempts", "timeout",
// "backoff", "jitter" and "no_retry_exit". "defaults" takes the same fields but
// "command", "argv" and "name"; a job's own fields win, and its "env" is merged
// over the default "env" key by key. A job without "name" is named after its
// position in the list.
//
// Unknown fields, wrong types and out-of-range values are errors that point at
// the offending value (line and column in code points). Nesting deeper than
// MaxJsonDepth is an error, not a crash. `fileName` is only used in error
// messages. Reentrant.
JobList parseJsonJobList(const QByteArray &data, const QString &fileName);

} // namespace requeue
