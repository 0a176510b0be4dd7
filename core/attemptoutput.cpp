#include "attemptoutput.h"

#include "privatedirectory.h"

#include <QFile>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <unistd.h>

namespace requeue {

namespace {

// How much one transfer() moves before the attempt looks at its clock and
// its cancel switch again.
constexpr qint64 TransferBudget = 4 * 1024 * 1024;

void closeFd(int &fd)
{
    if (fd >= 0)
        ::close(fd);
    fd = -1;
}

// Bytes waiting in the pipe; 0 when it is empty (or on error).
qint64 bytesWaiting(int fd)
{
    int count = 0;
    return ::ioctl(fd, FIONREAD, &count) == 0 ? qMax(0, count) : 0;
}

// write() until all of `size` is written; false with errno set.
bool writeAll(int fd, const char *data, qint64 size)
{
    while (size > 0) {
        const ssize_t written = ::write(fd, data, size_t(size));
        if (written < 0 && errno == EINTR)
            continue;
        if (written <= 0)
            return false;
        data += written;
        size -= written;
    }
    return true;
}

} // namespace

AttemptOutput::AttemptOutput(const QString &path)
    : m_path(path)
{ }

AttemptOutput::~AttemptOutput()
{
    closeFd(m_readFd);
    closeFd(m_writeFd);
    closeFd(m_fileFd);
}

bool AttemptOutput::open()
{
    int fds[2];
    // Blocking on both ends: the child expects an ordinary stdout. Reads
    // never wait anyway: they take only what FIONREAD reports.
    if (::pipe2(fds, O_CLOEXEC) != 0)
        return false;
    m_readFd = fds[0];
    m_writeFd = fds[1];
    return true;
}

void AttemptOutput::closeWriteEnd()
{
    closeFd(m_writeFd);
}

void AttemptOutput::transfer(short revents)
{
    // A pipe polls POLLIN while it holds bytes and POLLHUP once every writer
    // has gone: a stream that ended empty is closed without another look.
    if (!(revents & POLLIN)) {
        if (revents & (POLLHUP | POLLERR))
            closeRead();
        return;
    }
    qint64 budget = TransferBudget;
    while (m_readFd >= 0 && budget > 0) {
        const qint64 waiting = bytesWaiting(m_readFd);
        if (waiting == 0)
            return; // poll() says when more comes, or that the stream ended
        const qint64 chunk = qMin(waiting, budget);
        if (!move(chunk))
            return;
        budget -= chunk;
    }
}

void AttemptOutput::finish()
{
    if (m_readFd >= 0) {
        // Only what is there now: a writer that left the job's process group
        // may go on writing, and the attempt must end regardless.
        const qint64 waiting = bytesWaiting(m_readFd);
        if (waiting > 0)
            move(waiting);
    }
    closeRead();
}

void AttemptOutput::append(const QByteArray &bytes)
{
    if (bytes.isEmpty() || !m_error.isEmpty() || !ensureFile())
        return;
    if (!writeAll(m_fileFd, bytes.constData(), bytes.size()))
        fail(errno);
}

bool AttemptOutput::ensureFile()
{
    if (m_fileFd >= 0)
        return true;
    const QByteArray path = QFile::encodeName(m_path);
    constexpr int flags = O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY;
    m_fileFd = ::open(path.constData(), flags, 0600);
    if (m_fileFd < 0 && errno == ENOENT) {
        const qsizetype slash = m_path.lastIndexOf(QLatin1Char('/'));
        if (slash > 0 && !makePrivateDirectory(m_path.left(slash))) {
            fail(errno);
            return false;
        }
        m_fileFd = ::open(path.constData(), flags, 0600);
    }
    if (m_fileFd < 0) {
        fail(errno);
        return false;
    }
    return true;
}

bool AttemptOutput::move(qint64 size)
{
    while (size > 0) {
        if (!ensureFile()) {
            closeRead();
            return false;
        }
        ssize_t moved = -1;
        if (m_canSplice) {
            moved = ::splice(m_readFd, nullptr, m_fileFd, nullptr, size_t(size),
                             SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
            // Some file systems cannot splice: copy through a buffer.
            if (moved < 0 && errno == EINVAL)
                m_canSplice = false;
        }
        if (!m_canSplice) {
            char buffer[64 * 1024];
            moved = ::read(m_readFd, buffer, size_t(qMin<qint64>(size, sizeof buffer)));
            if (moved > 0 && !writeAll(m_fileFd, buffer, moved))
                moved = -1;
        }
        if (moved < 0 && errno == EINTR)
            continue;
        if (moved < 0 && errno == EAGAIN)
            return true;
        if (moved <= 0) {
            if (moved < 0)
                fail(errno);
            closeRead();
            return false;
        }
        size -= moved;
    }
    return true;
}

void AttemptOutput::fail(int error)
{
    if (m_error.isEmpty()) {
        m_error = QStringLiteral("cannot write output %1: %2")
                      .arg(m_path, QString::fromLocal8Bit(strerror(error)));
    }
}

void AttemptOutput::closeRead()
{
    closeFd(m_readFd);
}

} // namespace requeue
