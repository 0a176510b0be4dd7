#pragma once

#include "jobrunner.h"
#include "runhistory.h"

#include <QHash>
#include <QObject>
#include <QTimer>

namespace requeue {

// Shows a run directory in a JobRunner: its jobs as recorded and, while the
// process that runs it is alive, what its journal records next. A finished or
// crashed run's jobs are added to go on with (Recorded::Resumable); a live
// run's are mirrored (Recorded::Mirrored) and brought up to date every
// FollowIntervalMs from the lines appended since (reading an unchanged
// journal costs a stat), until that process ends.
//
// Lives in the runner's thread.
class RunFollower : public QObject
{
    Q_OBJECT
public:
    static constexpr int FollowIntervalMs = 200;

    // Not owning: `runner` must outlive the follower.
    explicit RunFollower(JobRunner *runner, QObject *parent = nullptr);

    // Reads `dir` and adds its jobs to the runner. False, with the reasons
    // in history().errors, when `dir` holds no readable run; lines that
    // could not be read are in history().warnings and errors either way.
    bool open(const QString &dir);
    // What was read; its jobs' specs went to the runner (they are empty here).
    const RunHistory &history() const { return m_reader.history(); }
    // True while another process runs the run and its changes are followed.
    bool isFollowing() const { return m_timer.isActive(); }
    // Whether the run's process was last told to pause (journalled actions).
    bool isRemotePaused() const { return m_remotePaused; }
    // The run's workers: as it started, or as its last "workers" action set.
    int workers() const { return m_workers; }
    // The job of the run with this seq, or 0.
    JobId jobOf(int seq) const { return m_ids.value(seq); }
    // Reads what the journal got since the last read now, not at the next tick.
    void readNow();

Q_SIGNALS:
    // The process that ran the run has ended (history().status says how);
    // nothing is followed from now on.
    void runEnded();
    void remotePausedChanged(bool paused);
    // A "workers" action (`requeue ctl ... workers N`, a viewer) changed them.
    void workersChanged(int workers);

private:
    void applyActions();

    JobRunner *m_runner; // Not owning.
    RunReader m_reader;
    QHash<int, JobId> m_ids; // seq -> the runner's job
    QTimer m_timer;
    qsizetype m_actionsSeen = 0;
    bool m_remotePaused = false;
    int m_workers = 0;
};

} // namespace requeue
