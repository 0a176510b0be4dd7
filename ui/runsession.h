#pragma once

#include "jobrunner.h"
#include "runcontrol.h"
#include "runinfo.h"

#include <QObject>
#include <QPointer>
#include <QSet>
#include <QString>

#include <chrono>
#include <memory>
#include <vector>

namespace requeue {

class ControlServer;
class RunControlClient;
class RunFollower;
class RunRecorder;

// The run directory behind what the window shows (see rundirectory.h):
//  - Recording: a run the window runs, recorded from its first Start and
//    served on its control socket, so that `requeue ctl` steers it as it
//    steers a `requeue run`;
//  - Opened: a finished or crashed run shown again with its history,
//    recorded on in the same directory once resumed (Recording then);
//  - Following: a run another process runs (`requeue run` in a terminal),
//    followed through its journal and steered through its control socket.
//    That process stays the only writer of the directory.
//
// GUI thread only (the runner's).
class RunSession : public QObject
{
    Q_OBJECT
public:
    enum class Mode { None, Recording, Opened, Following };
    Q_ENUM(Mode)

    // Not owning: `runner` must outlive the session.
    explicit RunSession(JobRunner *runner, QObject *parent = nullptr);
    ~RunSession() override;

    Mode mode() const { return m_mode; }
    QString directory() const { return m_dir; }
    // The run's id: its directory's name.
    QString runId() const;

    // Shows the run in `dir`: adds its jobs to the runner (which should hold
    // none), following them if the run is live. False with `error` set when
    // `dir` holds no readable run; `warnings` gets the lines that could not
    // be read (file:line), which do not stop the rest from loading.
    bool open(const QString &dir, QString *error, QStringList *warnings);
    // Records the runner's run from now on in a new directory under `root`
    // (`info` describes it; RunRecorder::startNewRun() stamps this process
    // on it). The runner's output goes to the directory's out/ folder.
    bool startRecording(const QString &root, RunInfo info, QString *error);
    // Goes on with an Opened run, recording in its directory. Attempts its
    // killed process left in a cluster are adopted (JobRunner::adopt()).
    bool resumeRecording(QString *error);
    // Jobs added to the run being recorded (a list added to it).
    bool recordJobs(const QList<JobSpec> &jobs, QString *error);
    // Journals a manual action while Recording (see RunRecorder::recordAction).
    void recordAction(const QString &action, const QList<JobId> &ids = {}, int n = -1);
    // Ends recording or following; back to None at once, ready for another
    // run. A recorded run's journal ends (with `how` as its end record) once
    // its jobs still active have ended, which the caller sees to (cancels
    // them), and every event of theirs is journalled: in the meantime only
    // their events are recorded there, and a run recorded next leaves them
    // out.
    void close(const QString &how);

    // Following: sends `request` to the run's process; steered() says how it went.
    void steer(const ControlRequest &request);
    bool isRemotePaused() const;
    // The run's workers as last recorded (its start, or a "workers" action);
    // 0 when no run is open.
    int workers() const { return m_workers; }
    // Where the run's jobs ran: "local" or "slurm" (run.json's backend).
    QString backend() const { return m_backend; }
    // How often the run polled Slurm (run.json's poll_ms); 0 when it does not say.
    std::chrono::milliseconds slurmPoll() const { return m_slurmPoll; }
    // The seqs of `ids`, as the journal and the control socket name jobs.
    QList<int> seqsOf(const QList<JobId> &ids) const;
    // One line for the status bar: the run, and who runs it or how it ended.
    QString description() const;

Q_SIGNALS:
    void steered(bool ok, const QString &message);
    void followedRunEnded();
    void remotePausedChanged(bool paused);
    // The run's workers changed through its journal or its control socket.
    void workersChanged(int workers);
    // Recording: `requeue ctl` (or another viewer) steered the window's run.
    void controlled(const requeue::ControlRequest &request);
    // The mode or the description changed.
    void changed();

private:
    // A recorded run closed while some of its jobs were still active.
    struct EndingRun
    {
        std::unique_ptr<RunRecorder> recorder;
        QString how;
        QSet<JobId> jobs;    // the run's
        QSet<JobId> pending; // active when last looked at
    };

    void setMode(Mode mode);
    void endRecording(const QString &how);
    void onJobFinished(JobId id);
    // Once none of its jobs is active: ends its journal after their events.
    void endWhenHeard(EndingRun &run);
    void endNow(RunRecorder *recorder);
    void releaseEndedRecorders();
    void recordWith(std::unique_ptr<RunRecorder> recorder);
    void serveControl();
    void onControlled(const ControlRequest &request);

    QPointer<JobRunner> m_runner; // Not owning.
    Mode m_mode = Mode::None;
    QString m_dir;
    QString m_endedHow; // Opened: how the run ended ("finished", "crashed"...)
    int m_workers = 0;
    QString m_backend;
    std::chrono::milliseconds m_slurmPoll {0};
    QList<AdoptedAttempt> m_liveAttempts; // Opened: for resumeRecording()
    std::unique_ptr<RunRecorder> m_recorder;
    std::vector<EndingRun> m_ending;
    // Ended, kept until no thread of the runner can be in one of their
    // slots (releaseEndedRecorders()).
    std::vector<std::unique_ptr<RunRecorder>> m_ended;
    std::unique_ptr<RunFollower> m_follower;
    std::unique_ptr<ControlServer> m_server; // Recording: `requeue ctl` steers through it
    RunControlClient *m_control;             // Owning (as QObject child).
};

} // namespace requeue
