#pragma once

#include "etaestimator.h"
#include "jobrunner.h"
#include "runinfo.h"
#include "runoptions.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QHash>
#include <QObject>
#include <QSet>
#include <QTimer>

#include <atomic>
#include <memory>

namespace requeue {

class ControlServer;
class InterruptWatcher;
class JoblogWriter;
class RunRecorder;

// Runs one job list to its end without a window: what `requeue run` does.
// Reports on stderr (progress bar on a terminal, jobs that gave up, a final
// line), writes the joblog and the JSON summary, and turns SIGINT/SIGTERM/SIGHUP into
// a graceful cancel (a second one kills the jobs at once).
//
// Thread affinity: lives in the main thread, which needs a QCoreApplication;
// exec() runs a local event loop. Joblog lines are written on the workers.
class HeadlessRun : public QObject
{
    Q_OBJECT
public:
    explicit HeadlessRun(RunOptions options, QObject *parent = nullptr);
    ~HeadlessRun() override;

    // Runs the list once. Returns the exit status: 0 every job succeeded, 1 some
    // failed or were cancelled, 2 bad usage or input (nothing ran), 130 after
    // SIGINT or SIGTERM, 129 after SIGHUP.
    int exec();

private:
    struct JobInfo
    {
        int seq = 0;
        QString command;
        int attemptsBefore = 0; // made by an earlier run (--resume)
    };

    // Where one job's output has been printed up to (--output tag).
    struct TagReader
    {
        int attempt = 0; // the attempt being read; 0 before the first
        qint64 offset[2] = {0, 0};
        QByteArray partial[2]; // a line not finished yet, per stream
    };

    bool prepare(QList<JobSpec> *toRun);
    void noteIgnoredResources(const QList<JobSpec> &jobs) const;
    JobList readJobList() const;
    void printGroup(JobId id, int attempt);
    void pumpTagged(JobId id, bool final);
    void pumpAllTagged();
    void checkHalt();
    void cancelWaiting();
    void printBytes(int fd, const QByteArray &bytes);
    bool selectForResume(QList<JobSpec> *specs);
    bool prepareResume(QList<JobSpec> *toRun);
    void resumeBackend(const RunInfo &info);
    bool startRecording(const QList<JobSpec> &jobs);
    bool startRunDirectory(const QList<JobSpec> &jobs, QString *error);
    void onAttemptFinished(JobId id, const AttemptRecord &record); // on a worker
    void onJobFinished(JobId id, JobState state);
    std::optional<double> estimateRemaining(int queued) const;
    void onInterrupted(int signal, int count);
    void onDeadline();
    int interruptedStatus() const;
    void reportGaveUp(JobId id);
    QString gaveUpText(JobId id) const; // with the last lines of its stderr
    void sayUnreportedGaveUp();         // "and 212 more gave up; see the joblog"
    void drawProgress();
    void clearProgress();
    void say(const QString &line); // one line on stderr, below the progress bar
    int finish();
    void listenForControl();

    RunOptions m_options;
    std::unique_ptr<JobRunner> m_runner;            // Owning.
    std::unique_ptr<JoblogWriter> m_joblog;         // Owning.
    std::unique_ptr<InterruptWatcher> m_interrupts; // Owning.
    std::unique_ptr<RunRecorder> m_recorder;        // Owning.
    std::unique_ptr<ControlServer> m_control;       // Owning; `requeue ctl` steers through it
    QString m_resumeDir;          // `requeue resume`: the run directory it goes on with
    QString m_endHow;             // for the run directory's end record, once finished
    QHash<JobId, JobInfo> m_jobs; // filled before start(), read-only after
    QList<JobId> m_ids;           // in file order
    QSet<JobId> m_reported;       // jobs whose giving up was reported
    QSet<JobId> m_finishedSeen;   // jobs onJobFinished() handled
    QSet<JobId> m_started;        // started and not finished yet
    // `requeue resume`: the attempts the run may have left in Slurm.
    QList<AdoptedAttempt> m_liveAttempts;
    EtaEstimator m_eta;
    QEventLoop m_loop;
    QTimer m_progressTimer;
    QTimer m_deadlineTimer;
    QTimer m_tagTimer; // --output tag: reads what the running jobs printed
    QHash<JobId, TagReader> m_tagReaders;
    int m_failed = 0;
    bool m_halted = false;
    QTimer m_gaveUpTimer; // says how many gave up without a line of their own
    qint64 m_gaveUpWindowStartMs = 0;
    int m_gaveUpInWindow = 0;   // lines of their own in the current second
    int m_gaveUpUnreported = 0; // jobs that gave up without one
    QElapsedTimer m_clock;
    qint64 m_startedUs = 0;
    int m_skipped = 0;
    int m_skippedFailed = 0; // skipped because they gave up in an earlier run
    std::atomic<int> m_retries {0};
    std::atomic<int> m_joblogErrors {0};
    bool m_progress = false;      // stderr is a terminal and --quiet is off
    bool m_progressDrawn = false; // a bar is on the current line
    int m_interruptedBy = 0;      // the first SIGINT, SIGTERM or SIGHUP
    bool m_deadlineReached = false;
};

} // namespace requeue
