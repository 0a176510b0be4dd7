#include "joblogwriter.h"

#include "joblog.h"

#include <QFile>

#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace requeue {

namespace {

// pread() in full, or -1.
qint64 readAt(int fd, char *buffer, qint64 size, qint64 offset)
{
    qint64 done = 0;
    while (done < size) {
        const ssize_t got = ::pread(fd, buffer + done, size_t(size - done), off_t(offset + done));
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            return -1;
        if (got == 0)
            break;
        done += got;
    }
    return done;
}

// The size the file should have so that it ends in a line break: the offset
// just past its last '\n' (0 if it has none), or -1 on a read error.
qint64 completeLinesSize(int fd, qint64 size)
{
    constexpr qint64 chunk = 64 * 1024;
    char buffer[chunk];
    qint64 end = size;
    while (end > 0) {
        const qint64 begin = qMax<qint64>(0, end - chunk);
        if (readAt(fd, buffer, end - begin, begin) != end - begin)
            return -1;
        for (qint64 i = end - begin; i > 0; --i) {
            if (buffer[i - 1] == '\n')
                return begin + i;
        }
        end = begin;
    }
    return 0;
}

} // namespace

JoblogWriter::~JoblogWriter()
{
    close();
}

bool JoblogWriter::fail(const QString &what)
{
    const int error = errno;
    m_errorString = m_path + u": "_s + what + qt_error_string(error);
    return false;
}

bool JoblogWriter::open(const QString &path)
{
    QMutexLocker locker(&m_mutex);
    if (m_fd >= 0) {
        ::close(m_fd);
        m_fd = -1;
    }
    m_path = path;
    m_errorString.clear();

    int fd = -1;
    do {
        fd = ::open(QFile::encodeName(path).constData(),
                    O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0666);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0)
        return fail(u"cannot open: "_s);
    const auto closeAndFail = [&](const QString &what) {
        const int error = errno;
        ::close(fd);
        errno = error;
        return fail(what);
    };

    struct stat info;
    if (::fstat(fd, &info) != 0)
        return closeAndFail(u"cannot open: "_s);
    const QByteArray header = joblogHeader() + '\n';
    bool needsHeader = true;
    if (S_ISREG(info.st_mode) && info.st_size > 0) {
        // It must be a joblog already; anything else is not ours to append to.
        QByteArray start(header.size() + 1, '\0'); // room for a CRLF
        const qint64 got = readAt(fd, start.data(), start.size(), 0);
        if (got < 0)
            return closeAndFail(u"cannot read: "_s);
        start.resize(got);
        const qsizetype newline = start.indexOf('\n');
        QByteArray firstLine = start.first(newline < 0 ? start.size() : newline);
        if (firstLine.endsWith('\r'))
            firstLine.chop(1);
        // A header cut short by a crash is all there is: start afresh.
        const bool partialHeader
            = newline < 0 && got == info.st_size && joblogHeader().startsWith(firstLine);
        if (!partialHeader && (newline < 0 || firstLine != joblogHeader())) {
            ::close(fd);
            m_errorString = m_path
                + u": not a joblog (its first line is not the joblog header), so it was "
                  "left alone"_s;
            return false;
        }
        // Cut off an incomplete last line (a crash mid-write), so that the
        // next line starts on a line of its own.
        const qint64 keep = partialHeader ? 0 : completeLinesSize(fd, info.st_size);
        if (keep < 0)
            return closeAndFail(u"cannot read: "_s);
        if (keep < info.st_size && ::ftruncate(fd, off_t(keep)) != 0)
            return closeAndFail(u"cannot cut off the incomplete last line: "_s);
        needsHeader = keep == 0;
    }
    m_fd = fd;
    if (needsHeader && !writeAll(header)) {
        ::close(m_fd);
        m_fd = -1;
        return false;
    }
    return true;
}

void JoblogWriter::close()
{
    QMutexLocker locker(&m_mutex);
    if (m_fd >= 0) {
        ::close(m_fd);
        m_fd = -1;
    }
}

bool JoblogWriter::isOpen() const
{
    QMutexLocker locker(&m_mutex);
    return m_fd >= 0;
}

QString JoblogWriter::path() const
{
    QMutexLocker locker(&m_mutex);
    return m_path;
}

QString JoblogWriter::errorString() const
{
    QMutexLocker locker(&m_mutex);
    return m_errorString;
}

bool JoblogWriter::writeAttempt(int seq, const AttemptRecord &record, const QString &command,
                                qint64 stdoutBytes)
{
    const QByteArray line = formatJoblogLine(seq, record, command, stdoutBytes); // outside the lock
    QMutexLocker locker(&m_mutex);
    if (m_fd < 0) {
        m_errorString
            = m_path.isEmpty() ? u"no joblog is open"_s : m_path + u": the joblog is not open"_s;
        return false;
    }
    return writeAll(line);
}

bool JoblogWriter::writeAll(const QByteArray &bytes)
{
    qsizetype done = 0;
    while (done < bytes.size()) {
        const ssize_t written
            = ::write(m_fd, bytes.constData() + done, size_t(bytes.size() - done));
        if (written < 0 && errno == EINTR)
            continue;
        if (written < 0)
            return fail(u"cannot write: "_s);
        done += written;
    }
    return true;
}

} // namespace requeue
