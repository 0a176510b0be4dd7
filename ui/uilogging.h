#pragma once

#include <QLoggingCategory>

namespace requeue {
Q_DECLARE_LOGGING_CATEGORY(lcUi)
} // namespace requeue
