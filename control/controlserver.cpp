#include "controlserver.h"

#include "runcontrol.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocalServer>
#include <QLocalSocket>

#include <cerrno>
#include <cstring>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

namespace requeue {

namespace {

// A request line longer than this is not one of ours: the connection closes.
constexpr qint64 MaxRequestBytes = 64 * 1024;

// The uid of the process at the other end, or -1 if the system does not say.
qint64 peerUid(const QLocalSocket *socket)
{
    struct ucred credentials
    {
    };
    socklen_t size = sizeof credentials;
    if (::getsockopt(int(socket->socketDescriptor()), SOL_SOCKET, SO_PEERCRED, &credentials, &size)
        != 0)
        return -1;
    return qint64(credentials.uid);
}

// The folder of a socket outside its run directory (a path too long for
// sun_path) must be ours alone, as the run directory is.
bool ensurePrivateFolder(const QString &path, QString *error)
{
    const QByteArray native = QFile::encodeName(path);
    QDir().mkpath(QFileInfo(path).path());
    ::mkdir(native.constData(), 0700);
    struct stat info
    {
    };
    if (::lstat(native.constData(), &info) != 0 || !S_ISDIR(info.st_mode)
        || info.st_uid != ::getuid() || (info.st_mode & 077) != 0) {
        *error = QStringLiteral("%1 is not a private folder of this user").arg(path);
        return false;
    }
    return true;
}

// Where the server listens before its socket is moved to `path`: beside it,
// a name of the same length (so it fits in sun_path as `path` does) that
// only this run uses.
QString stagingPath(const QString &path)
{
    const QFileInfo info(path);
    return info.path() + QStringLiteral("/.") + info.fileName().chopped(1);
}

bool isOkReply(const QByteArray &reply)
{
    return QJsonDocument::fromJson(reply).object().value(QLatin1String("ok")).toBool();
}

} // namespace

ControlServer::ControlServer(JobRunner *runner, RunRecorder *recorder, QObject *parent)
    : QObject(parent)
    , m_runner(runner)
    , m_recorder(recorder)
    , m_server(new QLocalServer(this))
{
    m_server->setSocketOptions(QLocalServer::UserAccessOption);
    connect(m_server, &QLocalServer::newConnection, this, &ControlServer::acceptConnections);
}

ControlServer::~ControlServer()
{
    m_server->close();
    if (!m_path.isEmpty())
        QFile::remove(m_path);
}

// The socket is made at a staging name, given mode 0600 there and then
// renamed into place, so that no one ever sees it at its path with another
// mode (Qt makes it 0700).
bool ControlServer::listen(const QString &runDir, QString *error)
{
    const QString path = controlSocketPath(runDir);
    if (QFileInfo(path).path() != QDir(runDir).absolutePath()
        && !ensurePrivateFolder(QFileInfo(path).path(), error))
        return false;
    const QString staging = stagingPath(path);
    QLocalServer::removeServer(staging);
    if (!m_server->listen(staging)) {
        *error = QStringLiteral("cannot listen at %1: %2").arg(staging, m_server->errorString());
        return false;
    }
    if (::chmod(QFile::encodeName(staging).constData(), 0600) != 0
        || ::rename(QFile::encodeName(staging).constData(), QFile::encodeName(path).constData())
            != 0) {
        *error = QStringLiteral("cannot make %1: %2")
                     .arg(path, QString::fromLocal8Bit(strerror(errno)));
        m_server->close();
        return false;
    }
    m_path = path;
    return true;
}

QString ControlServer::socketPath() const
{
    return m_path;
}

void ControlServer::acceptConnections()
{
    while (QLocalSocket *socket = m_server->nextPendingConnection()) {
        connect(socket, &QLocalSocket::disconnected, socket, &QObject::deleteLater);
        if (peerUid(socket) != qint64(::getuid())) {
            socket->write(controlErrorReply(QStringLiteral("refused: not the user of this run")));
            socket->disconnectFromServer();
            continue;
        }
        connect(socket, &QLocalSocket::readyRead, this, [this, socket] { readRequests(socket); });
        readRequests(socket);
    }
}

void ControlServer::readRequests(QLocalSocket *socket)
{
    while (socket->canReadLine()) {
        const QByteArray line = socket->readLine(MaxRequestBytes);
        QString error;
        const auto request = ControlRequest::fromLine(line, &error);
        if (!request) {
            socket->write(controlErrorReply(error));
            continue;
        }
        const QByteArray reply = applyControlRequest(m_runner, m_recorder, *request);
        socket->write(reply);
        if (request->command != ControlRequest::Command::Status && isOkReply(reply))
            Q_EMIT requestApplied(*request);
    }
    if (socket->bytesAvailable() > MaxRequestBytes) {
        socket->write(controlErrorReply(QStringLiteral("request too long")));
        socket->disconnectFromServer();
    }
}

} // namespace requeue
