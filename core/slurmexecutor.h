#pragma once

#include "executor.h"
#include "slurmjobstatus.h"

#include <chrono>
#include <memory>
#include <optional>

namespace requeue {

class SlurmExecutorPrivate;

// How the Slurm backend talks to the cluster. A value type.
struct SlurmSettings
{
    // How often one `squeue` call asks about every job of the run.
    std::chrono::milliseconds pollInterval {5000};
    // Ties the Slurm jobs to the run: they are named "requeue-<runTag>-<job>.<attempt>".
    QString runTag;
    // Where sbatch, squeue, scontrol and scancel are; empty: on PATH.
    QString binDirectory;
};

// Runs each attempt as one Slurm batch job (`sbatch --parsable --no-requeue`)
// through a small wrapper script that writes the command's exit status to a
// file beside the attempt's output. One tracker thread submits, polls the
// whole run with one `squeue` call per interval (at once when an exit file
// appears, where inotify sees it), cancels with one `scancel`
// for many jobs, and reads how each job ended (`scontrol show job`, the exit
// file, the job's log for "Exceeded job memory limit"). Submission failures
// that look transient (timeouts, "try again") are retried with backoff and do
// not count as attempts; permanent ones end the attempt as not started with
// sbatch's message. Jobs an earlier process of the run submitted and never
// saw end can be adopted (adopt()): the attempt that would submit one follows
// it instead, so that a resumed run submits nothing twice.
//
// Thread-safe: execute() and status() may be called from any thread. The
// sink is called from the tracker thread.
class SlurmExecutor final : public Executor
{
public:
    explicit SlurmExecutor(SlurmSettings settings = {});
    // Waits for the tracker thread; the runner has cancelled every job by
    // then. Adopted jobs that no ticket claimed are cancelled in Slurm.
    ~SlurmExecutor() override;

    void setSink(AttemptSink *sink) override;
    void execute(AttemptTicket ticket) override;
    void setMaxConcurrency(int count) override;
    int maxConcurrency() const override;
    bool waitForDone(QDeadlineTimer deadline) override;
    // Always takes them: Slurm keeps a job whoever submitted it.
    bool adopt(const QList<AdoptedAttempt> &attempts) override;

    // What Slurm last said about job `id`'s attempt in flight: its Slurm job
    // id, state (PENDING with a reason, RUNNING on a node). Nothing when the
    // job has no attempt in Slurm.
    std::optional<SlurmJobStatus> status(JobId id) const;
    // How often it polls Slurm: SlurmSettings::pollInterval until changed.
    // Changing it takes effect at once, with jobs in Slurm too.
    std::chrono::milliseconds pollInterval() const;
    void setPollInterval(std::chrono::milliseconds interval);

private:
    std::unique_ptr<SlurmExecutorPrivate> d; // Owning.
};

} // namespace requeue
