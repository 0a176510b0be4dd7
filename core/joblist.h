#pragma once

#include "jobspec.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <chrono>
#include <optional>

namespace requeue {

// Limits that keep a hostile or mistaken job file from hanging or exhausting
// the process. Each is reported as an ordinary error.
constexpr qint64 MaxJobFileSize = qint64(256) * 1024 * 1024;
constexpr qsizetype MaxJobLineLength = 1024 * 1024; // text lines and JSON strings, in bytes
constexpr int MaxJsonDepth = 64;
constexpr int MaxJobFileErrors = 20; // after this many, one "too many errors" error ends the list

// One problem found in a job file (or a joblog). A value type.
struct JobFileError
{
    QString file;
    int line = 0;   // 1-based; 0 when the error is about the whole file
    int column = 0; // 1-based, in code points of the line; 0 when unknown
    QString message;

    // "file:line:column: message", leaving out the parts that are 0 or empty.
    QString toString() const;
    bool operator==(const JobFileError &other) const;
};

// Settings for the jobs of a list where their file says nothing: the options
// of `requeue run` or the window's run settings. A value type. What is unset
// keeps JobSpec's and RetryPolicy's defaults.
struct JobDefaults
{
    std::optional<int> maxAttempts; // 0: unlimited
    std::optional<std::chrono::milliseconds> timeout;
    std::optional<RetryPolicy> backoff; // only backoff, initialDelay, maxDelay, factor
    std::optional<bool> jitter;
    std::optional<QList<int>> permanentExitCodes;
    ClusterResources resources; // fills in each resource a job leaves unset
};

// One job read from a job file. A value type.
struct JobListEntry
{
    // spec.seq is the job's 1-based position in the file and spec.name is set.
    // Settings the file leaves out keep RetryPolicy's and JobSpec's defaults.
    JobSpec spec;
    // Whether the file named the job ("#name:", "name"); if not, spec.name is
    // its line number (text) or its seq (JSON), for messages.
    bool named = false;
    // Which settings the file set (on the job or in "defaults"), so that
    // command-line options fill in only the rest.
    bool setsMaxAttempts = false;
    bool setsTimeout = false;
    bool setsBackoff = false; // backoff, initialDelay, maxDelay and factor
    bool setsJitter = false;
    bool setsNoRetryExit = false;

    // The one place that fills in what the file left out: `spec` with
    // `defaults` wherever the file set nothing. Both front ends use it.
    JobSpec withDefaults(const JobDefaults &defaults) const;
};

// The result of reading a job file. A value type.
struct JobList
{
    QString path;
    QList<JobListEntry> jobs; // empty whenever `errors` is not
    QList<JobFileError> errors;
    // Every error found, the ones past the first MaxJobFileErrors (which
    // `errors` leaves out) included; a lower bound when a syntax error
    // stopped the reading early.
    int errorCount = 0;
    bool errorCountIsLowerBound = false;

    bool ok() const { return errors.isEmpty() && !jobs.isEmpty(); }
    // Every error as toString(), one per line.
    QString errorText() const;
};

} // namespace requeue
