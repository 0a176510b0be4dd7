#pragma once

#include <QString>

namespace requeue {

// "0.4 s", "12 s", "3:07", "1:02:03". Negative durations read as zero.
QString formatDuration(qint64 us);
// Local time: "14:03:27" today, "2026-11-27 14:03" on other days; empty for 0.
QString formatTimestamp(qint64 us);
// "2 / 5", or "7 / ∞" when `maxAttempts` is 0 (unlimited).
QString attemptsText(int attemptsInBudget, int maxAttempts);
// The same, led by every attempt ever made when that is more (a manual retry
// gave a fresh budget): "6 · 3 / 3".
QString attemptsText(int attempts, int attemptsInBudget, int maxAttempts);
// "retry in 4 s", "retry in 2:05", "retry now": how long a waiting job waits.
QString retryCountdown(qint64 us);
// "512 B", "3.4 KiB", "1.2 GiB".
QString formatBytes(qint64 bytes);
// "about 3 min", "about 1 h 20 min", "under a second"; empty if unknown (< 0).
QString formatEta(qint64 seconds);

} // namespace requeue
