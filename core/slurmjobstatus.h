#pragma once

#include "attemptrecord.h"

#include <QHash>
#include <QString>

#include <optional>

namespace requeue {

// What Slurm says about one job, read from `squeue` while it is queued or
// running and from `scontrol -o show job` once it has ended. A value type.
struct SlurmJobStatus
{
    QString jobId;
    QString state;  // Slurm's word: PENDING, RUNNING, COMPLETED, FAILED, TIMEOUT...
    QString reason; // why it is pending (Resources, Priority...), or None
    QString nodes;  // where it runs
    int exitCode = 0;
    int signal = 0;

    // True once Slurm is done with the job (any state but PENDING, RUNNING,
    // CONFIGURING, COMPLETING, SUSPENDED, REQUEUED, RESIZING...).
    bool hasEnded() const;
};

// Parses the one line of `scontrol -o show job ID`. Nothing if the line
// holds no JobId and JobState.
std::optional<SlurmJobStatus> parseScontrolJob(const QString &line);

// Parses the output of `squeue --noheader --format=<squeueFormat()>`, one
// job a line, by job id. Lines it cannot read are skipped.
QString squeueFormat();
QHash<QString, SlurmJobStatus> parseSqueue(const QString &output);

// Turns how a job ended into the attempt's outcome, the way the retry policy
// sees local attempts. `exitFile` is what the job's wrapper wrote (its
// command's exit status), if it wrote anything; `memoryExceeded` is whether
// the job's log says Slurm killed it for its memory limit; `cancelRequested`
// whether Requeue cancelled it. Sets outcome, exitCode, signal and message.
AttemptRecord classifySlurmEnd(const SlurmJobStatus &status, std::optional<int> exitFile,
                               bool memoryExceeded, bool cancelRequested);

// The attempt's outcome when Slurm no longer knows the job (past MinJobAge,
// or lost): the exit file decides, else the attempt is Lost.
AttemptRecord classifyVanished(std::optional<int> exitFile, bool cancelRequested);

} // namespace requeue
