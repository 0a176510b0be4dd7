#pragma once

#include <QString>

namespace requeue {

// One output stream (stdout or stderr) of a process attempt. The job writes
// into a pipe; the bytes move on to `path` as they arrive (splice(), so they
// never pass through Requeue's memory), and the file and its folders are made
// only when the first byte comes: an attempt that prints nothing leaves
// nothing on disk, and a missing file means "empty". Readers see the file
// grow while the job runs, as before.
//
// When the output cannot be stored (a full disk, a folder that went away),
// the pipe's read end is closed: the job's next write fails (EPIPE, or
// SIGPIPE), as a write to a full disk would, and error() says why.
//
// Lives on the worker thread that runs the attempt.
class AttemptOutput
{
public:
    explicit AttemptOutput(const QString &path);
    Q_DISABLE_COPY_MOVE(AttemptOutput)
    ~AttemptOutput();

    // Makes the pipe. Returns false with errno set.
    bool open();
    // The pipe's write end, for the child's stdout or stderr.
    int writeFd() const { return m_writeFd; }
    // Once the child has its copy: ours would keep the stream from ending.
    void closeWriteEnd();

    // The read end to poll for POLLIN, or -1 once the stream has ended.
    int readFd() const { return m_readFd; }
    // Moves what the pipe holds now to the file, up to a bounded amount so
    // that a fast writer cannot keep the caller from its other duties, or
    // closes the stream once it ended. `revents`: what poll() said of readFd().
    void transfer(short revents);
    // The attempt is over: moves what the pipe holds at this moment, then
    // closes it (a writer that escaped the job's group gets EPIPE from now on).
    void finish();
    // Adds bytes of Requeue's own after the job's (what sh would have printed).
    void append(const QByteArray &bytes);

    // Empty, or "cannot write output <path>: <reason>".
    QString error() const { return m_error; }

private:
    bool ensureFile();
    // Moves `size` bytes that are waiting; false once the stream is closed.
    bool move(qint64 size);
    void fail(int error);
    void closeRead();

    QString m_path;
    QString m_error;
    int m_readFd = -1;
    int m_writeFd = -1;
    int m_fileFd = -1;
    bool m_canSplice = true;
};

} // namespace requeue
