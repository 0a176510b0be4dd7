#pragma once

// A D-Bus session bus of the test's own (`dbus-daemon --session`, started
// and stopped by the test, so nothing reaches the desktop's bus) and a fake
// org.freedesktop.Notifications service on it that records every call.

#include <QDBusConnection>
#include <QDBusMessage>
#include <QDBusVirtualObject>
#include <QProcess>
#include <QStandardPaths>
#include <QStringList>

namespace requeue::test {

// Answers Notify with ids 1, 2, 3... GUI thread (it runs in the event loop
// of the thread that registered it).
class FakeNotifications : public QDBusVirtualObject
{
public:
    static constexpr const char *Service = "org.freedesktop.Notifications";
    static constexpr const char *Path = "/org/freedesktop/Notifications";

    QList<QDBusMessage> calls;

    bool handleMessage(const QDBusMessage &message, const QDBusConnection &connection) override
    {
        if (message.interface() != QLatin1String(Service))
            return false;
        calls.append(message);
        if (message.member() == QLatin1String("Notify"))
            connection.send(message.createReply(QVariant::fromValue(m_nextId++)));
        else
            connection.send(message.createErrorReply(QDBusError::UnknownMethod, QString()));
        return true;
    }
    QString introspect(const QString &) const override { return QString(); }

private:
    uint m_nextId = 1;
};

class FakeSessionBus
{
public:
    FakeSessionBus() = default;
    FakeSessionBus(const FakeSessionBus &) = delete;
    FakeSessionBus &operator=(const FakeSessionBus &) = delete;
    ~FakeSessionBus() { stop(); }

    // Starts the daemon; false with a message if it cannot.
    bool start(QString *error)
    {
        const QString daemon = QStandardPaths::findExecutable(QStringLiteral("dbus-daemon"));
        if (daemon.isEmpty()) {
            *error = QStringLiteral("dbus-daemon is not installed (package dbus-daemon)");
            return false;
        }
        m_daemon.start(daemon,
                       {QStringLiteral("--session"), QStringLiteral("--nofork"),
                        QStringLiteral("--nopidfile"), QStringLiteral("--print-address")});
        while (!m_daemon.canReadLine() && m_daemon.waitForReadyRead(10000)) { }
        m_address = QString::fromLocal8Bit(m_daemon.readLine()).trimmed();
        if (m_address.isEmpty()) {
            *error = QStringLiteral("dbus-daemon printed no address: %1")
                         .arg(QString::fromLocal8Bit(m_daemon.readAllStandardError()));
            return false;
        }
        return true;
    }

    // A connection of its own to the bus, named `name` in this process.
    QDBusConnection connect(const QString &name)
    {
        m_names.append(name);
        return QDBusConnection::connectToBus(m_address, name);
    }

    void stop()
    {
        for (const QString &name : std::as_const(m_names))
            QDBusConnection::disconnectFromBus(name);
        m_names.clear();
        if (m_daemon.state() != QProcess::NotRunning) {
            m_daemon.terminate();
            if (!m_daemon.waitForFinished(10000))
                m_daemon.kill();
            m_daemon.waitForFinished(10000);
        }
    }

private:
    QProcess m_daemon;
    QString m_address;
    QStringList m_names;
};

} // namespace requeue::test
