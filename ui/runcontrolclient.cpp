#include "runcontrolclient.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QLocalSocket>
#include <QTimer>

#include <memory>
#include <utility>

namespace requeue {

RunControlClient::RunControlClient(QObject *parent)
    : QObject(parent)
{ }

void RunControlClient::send(const ControlRequest &request)
{
    auto *socket = new QLocalSocket(this);
    // Called once per request: the reply, an error or the timeout, whichever
    // comes first.
    const auto answered = std::make_shared<bool>(false);
    const auto answer = [this, socket, answered](bool ok, const QString &text) {
        if (std::exchange(*answered, true))
            return;
        socket->disconnect(this);
        socket->abort();
        socket->deleteLater();
        Q_EMIT replied(ok, text);
    };
    connect(socket, &QLocalSocket::connected, this,
            [socket, line = request.toLine()] { socket->write(line); });
    connect(socket, &QLocalSocket::readyRead, this, [socket, answer] {
        if (!socket->canReadLine())
            return;
        const QJsonObject reply = QJsonDocument::fromJson(socket->readLine()).object();
        if (reply.value(QLatin1String("ok")).toBool())
            answer(true, reply.value(QLatin1String("message")).toString());
        else if (reply.contains(QLatin1String("error")))
            answer(false, reply.value(QLatin1String("error")).toString());
        else
            answer(false, tr("The run sent a reply that is not one."));
    });
    connect(socket, &QLocalSocket::errorOccurred, this, [this, socket, answer] {
        answer(false, tr("The run in %1 cannot be reached: %2").arg(m_dir, socket->errorString()));
    });
    QTimer::singleShot(ReplyTimeoutMs, socket, [this, answer] {
        answer(false, tr("The run in %1 did not answer.").arg(m_dir));
    });
    socket->connectToServer(controlSocketPath(m_dir));
}

} // namespace requeue
