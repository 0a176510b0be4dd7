#include "uilogging.h"

namespace requeue {
Q_LOGGING_CATEGORY(lcUi, "requeue.ui", QtWarningMsg)
} // namespace requeue
