#pragma once

#include <QString>

namespace requeue {

// mkdir -p where every folder it creates gets mode 0700: job output may hold
// anything the jobs print. Existing folders keep their mode. On failure,
// returns false with errno set. Thread-safe.
bool makePrivateDirectory(const QString &dir);

} // namespace requeue
