#pragma once

#include "retrypolicy.h"

#include <QList>
#include <QString>
#include <QStringView>

#include <chrono>
#include <optional>

namespace requeue {

// Parsers for the small values that job files and command-line options share.
// On failure each returns nothing (or false), leaves its output untouched and,
// if `error` is not null, sets it to one sentence for a person that does not
// name the field (callers prefix it: `"timeout": <error>`). Reentrant.

// The longest duration accepted, so that delays and deadlines cannot overflow.
constexpr std::chrono::hours MaxParsedDuration {24 * 365};

// "250ms", "30s", "2m", "1h", "1.5s", "1m30s", or "0". Units are ms, s, m and h
// (lower case); the result must be a whole number of milliseconds.
std::optional<std::chrono::milliseconds> parseDuration(QStringView text, QString *error = nullptr);

// "none", "fixed:DELAY" or "exp:INITIAL:CAP[:FACTOR]" (factor 2 by default,
// greater than 1 and at most 100; INITIAL > 0 and CAP >= INITIAL). Sets
// `policy`'s backoff, initialDelay, maxDelay and factor; the ones the kind does
// not use get RetryPolicy's defaults. Other members are left alone.
bool parseBackoff(QStringView text, RetryPolicy *policy, QString *error = nullptr);

// A comma-separated list of exit codes and ranges, "2,64-78", each within
// 0..255; blanks around items are allowed. Returns the codes in the order
// given, each once.
std::optional<QList<int>> parseExitCodes(QStringView text, QString *error = nullptr);

} // namespace requeue
