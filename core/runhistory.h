#pragma once

#include "attemptrecord.h"
#include "executor.h"
#include "joblist.h"
#include "recordedjob.h"
#include "runinfo.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QSet>
#include <QString>

#include <utility>
#include <vector>

namespace requeue {

// One attempt as a run directory recorded it. A value type.
struct RunAttempt
{
    AttemptRecord record; // record.finishedUs is 0 while (or if ever) unfinished
    bool finished = false;
    qint64 pid = 0;     // the attempt's process, 0 if none was recorded
    QString stdoutPath; // absolute; empty for callables
    QString stderrPath;
    QString clusterJobId; // its job id in a cluster scheduler, empty if it ran locally
};

// One job of a recorded run. A value type.
struct RunJob
{
    JobSpec spec;                      // as run.json has it
    JobState state = JobState::Queued; // the last one journalled
    int attempts = 0;                  // the highest attempt number recorded
    QList<RunAttempt> history;         // by attempt number, oldest first
    qint64 finishedUs = 0;             // when it last reached a terminal state

    int seq() const { return spec.seq; }
    // The latest finished attempt, or null.
    const RunAttempt *lastFinished() const;
    // The job as JobRunner::addRecordedJobs() takes it.
    RecordedJob toRecordedJob() const;
    // What a resumed run hands its executor to adopt (Executor::adopt()):
    // the attempt submitted to a cluster and never seen to end, by its job
    // id; else the next attempt, which a process killed right after
    // submitting it may have left unrecorded (no id).
    AdoptedAttempt attemptToAdopt() const;
    // The same, with the spec moved out of this job instead of copied (its
    // seq stays).
    RecordedJob takeRecordedJob();

private:
    RecordedJob recordWithoutSpec() const;
};

// A manual action from the journal. A value type.
struct RunAction
{
    qint64 us = 0;
    QString action;
    QList<int> seqs;
    int n = -1;
};

// One stretch of the run by one process: the first start, then each resume.
struct RunSegment
{
    qint64 startedUs = 0;
    qint64 endedUs = 0; // 0: no end record (still running, or crashed)
    qint64 pid = 0;
    QString host;
    QString how; // of its end record
    bool resumed = false;
};

// What a run directory holds, read back. A value type.
struct RunHistory
{
    enum class Status { Running, Finished, Crashed };

    QString dir;
    RunInfo info;
    QList<RunJob> jobs; // in seq order
    QList<RunSegment> segments;
    QList<RunAction> actions;
    // Lines that were skipped: each names the file and its line. Warnings are
    // harmless (a last line a crash cut short); errors mean lost records.
    QList<JobFileError> warnings;
    QList<JobFileError> errors;
    bool infoOk = false; // run.json was read; without it there are no jobs
    Status status = Status::Crashed;
    qint64 sizeOnDisk = 0; // bytes, when asked for

    bool ended() const { return !segments.isEmpty() && segments.constLast().endedUs != 0; }
    qint64 startedUs() const
    {
        return segments.isEmpty() ? info.startedUs : segments.first().startedUs;
    }
    // The end of the last segment, or of the last record if it has none.
    qint64 lastActivityUs = 0;
    int totalAttempts() const;
    int count(JobState state) const;
    // The index in `jobs` of the job with `seq`, or -1.
    int indexOfSeq(int seq) const;
    // What resuming the run hands its runner to adopt (JobRunner::adopt()):
    // RunJob::attemptToAdopt() of every job that did not succeed.
    QList<AdoptedAttempt> attemptsToAdopt() const;
    static QString statusName(Status status); // "running", "finished", "crashed"
};

// Reads a run directory, and follows it while another process writes it.
// Tolerates what a crash leaves: an incomplete last line is skipped with a
// warning naming the line (or, while following a live run, kept for the next
// read); a malformed line elsewhere is an error with its line number and the
// rest still loads.
//
// Thread affinity: none; one object is used by one thread at a time.
class RunReader
{
public:
    // Reads run.json and the whole journal. False only when `dir` is no run
    // directory or run.json cannot be read (history().errors says why).
    bool open(const QString &dir);
    // Applies journal lines written since the last call (a live run).
    // Returns the seqs of the jobs that changed. Sets status from the lock.
    QSet<int> readMore();
    const RunHistory &history() const { return m_history; }
    // Every job as JobRunner::addRecordedJobs() takes it, the specs moved out
    // of history() (their seqs stay): reading on needs none.
    QList<RecordedJob> takeRecordedJobs();
    RunHistory takeHistory() { return std::move(m_history); }

private:
    void applyLine(QByteArrayView line, int number, QSet<int> *changed);
    void finishRead(bool atEnd);
    RunJob *job(int seq, int line);
    QString resolve(const QString &path) const;
    void addError(int line, const QString &message);
    static bool readInfo(const QByteArray &bytes, RunInfo *info, QString *message);
    RunJob *deferredJob(int seq, int line);
    void takeDeferredJobs(QList<JobSpec> &&specs);
    void forgiveTornLine(int line);

    RunHistory m_history;
    QHash<int, int> m_indexOfSeq;
    QByteArray m_pending; // an incomplete last line
    qint64 m_offset = 0;
    int m_lines = 0;
    int m_lastBadLine = -1;
    qsizetype m_lastBadSize = 0;
    // While open() parses run.json on another thread, the journal is read
    // into jobs made on demand, by seq; the lines that touched each seq are
    // kept to report those run.json turns out not to have.
    bool m_deferring = false;
    std::vector<RunJob> m_deferred;                   // in the order first touched
    std::vector<int> m_deferredIndex;                 // seq -> index in m_deferred + 1, 0: none
    std::vector<std::pair<int, int>> m_deferredLines; // (line, seq)
};

// Opens `dir` in full (see RunReader); `withSize` adds its size on disk.
RunHistory readRunDirectory(const QString &dir, bool withSize = false);

// The runs in `root`, newest first, each read in full. runsToPrune(): the
// directories `runs --prune` removes: all but the newest `keep` that fit in
// `maxBytes` together; live runs are neither removed nor counted.
struct RunEntry
{
    QString id;
    RunHistory history; // with its size on disk
};
QList<RunEntry> listRuns(const QString &root);
QStringList runsToPrune(const QList<RunEntry> &runs, int keep, qint64 maxBytes);

// The size of every file under `dir`, in bytes.
qint64 directorySize(const QString &dir);

} // namespace requeue
