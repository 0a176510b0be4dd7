#pragma once

#include "jobspec.h"
#include "jobstate.h"
#include "runinfo.h"

#include <QHash>
#include <QMutex>
#include <QObject>
#include <QPointer>
#include <QSet>

#include <atomic>
#include <memory>
#include <optional>

namespace requeue {

class JobRunner;
class JoblogWriter;
class RunLock;
struct AttemptRecord;
struct JobSnapshot;

// Records a run in its run directory (see rundirectory.h) as it happens: the
// `events` journal, the joblog and run.json. The journal has one JSON object
// per line, written with a single write() on an O_APPEND descriptor the
// moment it happens (an attempt's "finished" line and the state the runner
// gave its job then share one), so a SIGKILL loses at most what one write()
// carried:
//
//   {"ev":"run-started","t":US,"pid":N,"host":S,"resume":BOOL}   true: `requeue resume`
//   {"ev":"started","seq":N,"attempt":N,"t":US,"stdout":PATH,"stderr":PATH
//    [,"pid":N][,"cluster":S]}
//   {"ev":"pid","seq":N,"attempt":N,"pid":N}   a pid learnt after the "started" line
//   {"ev":"finished","seq":N,"attempt":N,"start":US,"end":US,"outcome":S,
//    "exit":N,"signal":N,"msg":S[,"node":S]}                      node: cluster attempts
//   {"ev":"state","seq":N,"state":S,"attempts":N,"t":US}
//   {"ev":"action","action":S,"t":US[,"seqs":[N...]][,"n":N]}
//   {"ev":"run-ended","how":S,"t":US}
//
// US are microseconds since the epoch; PATH is relative to the run directory
// when inside it; "cluster" is the attempt's job id in a cluster scheduler
// (Slurm), whose start is its submission. A local process's "started" line
// is written once the process exists, with its "pid", while it runs (the
// attempt's start waits for no write); one that could not be spawned gets
// it just before its "finished" line. S for outcome and state are
// attemptOutcomeName() and jobStateName(); a job's move to running has no
// "state" line: the attempt's "started" line says it. A "state" line carries
// the job's state as the runner had it when the line was written (not as the
// signal said), so that the last one of a job is its latest state even though
// workers emit concurrently. An attempt's "finished" line always comes before
// the "started" line of the job's next attempt, although a retry's thread
// reports its start before the emitter thread reports the failure.
//
// Thread affinity: lives in the thread that made it; the runner's signals are
// handled on the workers that emit them (direct connections), and every
// method may be called from any thread once start() or resume() returned.
class RunRecorder : public QObject
{
    Q_OBJECT
public:
    explicit RunRecorder(QObject *parent = nullptr);
    // Closes the files (and drops the lock) without an end record if
    // finish() was not called: the run then reads as crashed.
    ~RunRecorder() override;

    // A new run in `dir` (created 0700 if missing; it must not hold a run):
    // takes its lock, writes run.json, opens the journal and the joblog.
    bool start(const QString &dir, const RunInfo &info, QString *error);
    // A new run of this process: stamps `info` with what only the process
    // knows (Requeue's version, the host, the pid, the start time: now) and
    // start()s it in `dir`, or, when `dir` is empty, in a fresh directory
    // under `root` named after info.listPath (RunDirectory::create()).
    bool startNewRun(RunInfo info, const QString &root, const QString &dir, QString *error);
    // Goes on with the run in `dir`: takes its lock and appends to its files.
    bool resume(const QString &dir, QString *error);
    // Records what `runner` does from now on, until finish(). Jobs are known
    // by their seq. `runner` must outlive the recording or finish() first.
    void follow(JobRunner *runner);
    // Which of the runner's jobs are the run's, when a runner holds more
    // than one run (the window's, whose replaced run's attempts end while the
    // next run starts). leaveOut(): these jobs are another run's and never
    // recorded. recordOnly(): from now on only these jobs are recorded; the
    // ones added later are another run's. Any thread.
    void leaveOut(const QSet<JobId> &ids);
    void recordOnly(const QSet<JobId> &ids);

    // Jobs added to the run after it started (the window adds lists to a
    // run): run.json is written again with them, atomically. Runner's thread.
    bool addJobs(const QList<JobSpec> &jobs, QString *error);

    QString directory() const { return m_dir; }
    QString outputDirectory() const; // <dir>/out
    // Journals a manual action: "retry", "cancel" (with seqs), "retry-failed",
    // "cancel-all", "pause", "resume", "workers" (with n).
    void recordAction(const QString &action, const QList<int> &seqs = {}, int n = -1);
    // Journals the end ("finished", "interrupted", "deadline", "closed"...),
    // flushes the files to disk, stops following and lets go of the run's
    // lock: the run reads as finished at once. Nothing is journalled after.
    // Idempotent. Call it once the runner is gone or drained: after
    // waitForIdle() a worker may still be emitting, and what it reports
    // would be lost (JobRunner::afterEvents() says when it has been heard).
    void finish(const QString &how);
    // Lines that could not be written (disk full...), and the last reason.
    int writeErrors() const { return m_writeErrors.load(); }
    QString errorString() const;

private:
    struct JobInfo
    {
        int seq = 0;
        QString command;
        // What the last "state" line said, so that an unchanged state (a
        // retry's queued-then-running seen once both happened) is not repeated.
        JobState lastState = JobState::Queued;
        int lastAttempts = 0;
        // The last attempts whose "started" and "finished" lines were written.
        int startedAttempt = 0;
        int finishedAttempt = 0;
        // A local process's attempt whose "started" line waits for its pid
        // (0: none), and when it started.
        int pendingStart = 0;
        qint64 pendingStartUs = 0;

        // A job the recorder has not journalled anything of yet.
        static JobInfo of(const JobSnapshot &job);
    };

    // Takes the run's lock and makes its output folder (start and resume).
    bool lockAndPrepare(const QString &dir, QString *error);
    bool open(const QString &dir, bool resuming, QString *error);
    void onAttemptStarted(quint64 id, int attempt);
    void onAttemptSpawned(quint64 id, int attempt, qint64 pid);
    QByteArray startedLine(quint64 id, int seq, int attempt, qint64 startedUs,
                           const QString &cluster, qint64 pid) const;
    void onAttemptFinished(quint64 id, const AttemptRecord &record);
    // Whether the "finished" line of `attempt` is this caller's to write:
    // the job is recorded and no other thread has written it. Its info if so.
    std::optional<JobInfo> claimFinishedLocked(quint64 id, int attempt);
    // Writes the "finished" line of `record` followed by `stateLine`, with one
    // write(), and the joblog line.
    void writeFinished(quint64 id, const JobInfo &info, const AttemptRecord &record,
                       const QByteArray &stateLine);
    // Before a retry's "started" line: writes the previous attempt's
    // "finished" line if the emitter has not yet (see onAttemptStarted()).
    void writeFinishedBeforeRetry(quint64 id, int attempt);
    void onStateChanged(quint64 id, JobState signalled);
    // The "state" line that `job` calls for, or nothing: the state is the
    // last one journalled, or Running (its attempt's "started" line says it),
    // or an attempt the journal started has no "finished" line yet (which
    // will bring the state; nothing is noted then).
    QByteArray stateLineLocked(quint64 id, const JobSnapshot &job);
    // Whether the last "state" line of `id` says `state` and no attempt
    // started since its last "finished" line, which it came with.
    bool journalled(quint64 id, JobState state) const;
    JobInfo &jobInfo(quint64 id); // m_mutex held
    // Whether `id`'s events are journalled (see leaveOut()). m_mutex held.
    bool recordsLocked(quint64 id) const;
    QString relative(const QString &path) const;
    // Without m_mutex: O_APPEND puts each write() whole at the end, and a
    // worker reporting its attempt must not wait for another thread's write.
    void write(const QByteArray &line);

    QString m_dir;
    std::unique_ptr<RunLock> m_lock;        // Owning.
    std::unique_ptr<JoblogWriter> m_joblog; // Owning.
    QPointer<JobRunner> m_runner;           // Not owning.
    // Guards m_jobs, m_leftOut, m_only, m_onlyListed, m_errorString, m_finished.
    mutable QMutex m_mutex;
    QHash<quint64, JobInfo> m_jobs;
    QSet<quint64> m_leftOut;
    QSet<quint64> m_only;
    bool m_onlyListed = false; // recordOnly() was called
    QString m_errorString;
    int m_eventsFd = -1; // Owning.
    std::atomic<int> m_writeErrors {0};
    bool m_finished = false;
};

} // namespace requeue
