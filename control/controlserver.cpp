#include "controlserver.h"

#include "runcontrol.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocalServer>
#include <QLocalSocket>

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
    const QString path = socketPath();
    m_server->close(); // removes the socket file
    if (!path.isEmpty())
        QFile::remove(path);
}

bool ControlServer::listen(const QString &runDir, QString *error)
{
    const QString path = controlSocketPath(runDir);
    if (QFileInfo(path).path() != QDir(runDir).absolutePath()
        && !ensurePrivateFolder(QFileInfo(path).path(), error))
        return false;
    QLocalServer::removeServer(path);
    if (!m_server->listen(path)) {
        *error = QStringLiteral("cannot listen at %1: %2").arg(path, m_server->errorString());
        return false;
    }
    ::chmod(QFile::encodeName(path).constData(), 0600);
    return true;
}

QString ControlServer::socketPath() const
{
    return m_server->fullServerName();
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
