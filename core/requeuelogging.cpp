#include "requeuelogging.h"

namespace requeue {
Q_LOGGING_CATEGORY(lcCore, "requeue.core", QtWarningMsg)
} // namespace requeue
