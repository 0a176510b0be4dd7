#pragma once

#include <QDateTime>
#include <QString>

namespace requeue {

// Where runs are kept and what a run directory holds:
//
//   run.json   how the run was set up (RunInfo), written once
//   events     the journal, one JSON object per line (see runrecorder.h)
//   joblog     GNU parallel's joblog, one line per attempt
//   out/<seq>/<attempt>/stdout|stderr
//   lock       held (flock) by the one process that runs the jobs
//
// Every function here is reentrant.
namespace RunDirectory {

inline constexpr char InfoFile[] = "run.json";
inline constexpr char EventsFile[] = "events";
inline constexpr char JoblogFile[] = "joblog";
inline constexpr char OutputFolder[] = "out";
inline constexpr char LockFile[] = "lock";

// $XDG_STATE_HOME/requeue/runs, or ~/.local/state/requeue/runs when
// XDG_STATE_HOME is unset or not absolute (as the XDG spec says).
QString defaultRoot();

// "<YYYYmmdd-HHMMSS>-<list name>", the list's file name without its
// extension, in local time.
QString runName(const QString &listPath, const QDateTime &start);

// Makes a fresh directory for a run under `root` (created as needed, 0700),
// named by runName(), with "-2", "-3"... added if that name is taken.
// Returns its absolute path, or an empty string with `error` set.
QString create(const QString &root, const QString &listPath, const QDateTime &start,
               QString *error);

// True if `dir` looks like a run directory (it has run.json).
bool isRunDirectory(const QString &dir);

// True while a process holds the run's lock, i.e. runs its jobs. A process
// killed by any signal drops the lock, so a run whose lock is free and whose
// journal has no end record has crashed.
bool isLive(const QString &dir);

} // namespace RunDirectory

// The lock that makes a process the one writer of a run directory. Lives in
// the thread that made it; the lock goes with the object or the process.
class RunLock
{
public:
    RunLock() = default;
    ~RunLock();
    Q_DISABLE_COPY_MOVE(RunLock)

    // Takes `dir`'s lock without waiting. Returns false with `error` set if
    // another process holds it (the run is live) or the file cannot be made.
    bool acquire(const QString &dir, QString *error);
    void release();

private:
    int m_fd = -1; // Owning.
};

} // namespace requeue
