#pragma once

#include "joblist.h"

namespace requeue {

// Parses a plain-text job list: one `/bin/sh -c` command per line.
//  - Blank lines and lines whose first non-blank character is '#' are skipped.
//  - A line ending in an odd number of backslashes continues on the next line;
//    the last backslash and the line break are removed, nothing else
//    ("a \" + "b" gives "a b"). Comment lines never continue.
//  - A job is named after the line it starts on, unless the line right above
//    it is a "#name: NAME" comment.
//  - Commands keep their bytes (leading blanks, tabs, quotes); only a trailing
//    "\r" of a CRLF line end is dropped.
//  - Invalid UTF-8, a NUL byte and lines over MaxJobLineLength bytes are errors.
// `fileName` is only used in error messages. Reentrant.
JobList parseTextJobList(const QByteArray &data, const QString &fileName);

} // namespace requeue
