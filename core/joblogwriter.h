#pragma once

#include "attemptrecord.h"

#include <QMutex>
#include <QString>

namespace requeue {

// Appends one joblog line (see joblog.h) per finished attempt to a file.
//
// Each line goes out in a single write() on an O_APPEND descriptor as soon as
// writeAttempt() is called, with no buffering in this process: if the process
// crashes, every line already written is in the file, and at most the line
// being written is cut short (readJoblog() skips such a last line, and open()
// cuts it off before appending).
//
// Thread affinity: none. Every method is thread-safe (one internal mutex), so
// attempts can be logged from the worker threads they end on.
class JoblogWriter
{
public:
    JoblogWriter() = default;
    ~JoblogWriter(); // closes the file
    Q_DISABLE_COPY_MOVE(JoblogWriter)

    // Opens `path` for appending, creating it and writing the header if it is
    // new or empty. Refuses a non-empty file whose first line is not the
    // header (it is not a joblog: appending would spoil it). Cuts off an
    // incomplete last line left by a crash. Closes any file open before.
    // Returns false and sets errorString() on failure.
    bool open(const QString &path);
    void close();
    bool isOpen() const;
    QString path() const;

    // Appends the line for attempt `record` of job `seq`, which wrote
    // `stdoutBytes` to stdout. Returns false and sets errorString() if the
    // line could not be written in full (disk full, file too large, not
    // open); later calls still try.
    bool writeAttempt(int seq, const AttemptRecord &record, const QString &command,
                      qint64 stdoutBytes = 0);

    // The last failure for a person, "joblog.txt: No space left on device";
    // empty while nothing failed.
    QString errorString() const;

private:
    bool writeAll(const QByteArray &bytes); // m_mutex held
    bool fail(const QString &what);         // m_mutex held; uses errno

    mutable QMutex m_mutex;
    int m_fd = -1; // Owning.
    QString m_path;
    QString m_errorString;
};

} // namespace requeue
