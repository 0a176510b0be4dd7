#pragma once

#include <QDBusConnection>
#include <QObject>

namespace requeue {

// What the desktop hears from Requeue over the D-Bus session bus: a
// notification (org.freedesktop.Notifications, each one replacing this
// notifier's previous one) and progress on the taskbar entry (the
// com.canonical.Unity.LauncherEntry signal that KDE's task manager and the
// GNOME docks read). Without a bus, or without a notification service on it,
// it logs one line and does nothing else.
//
// GUI thread only. Calls are asynchronous: a slow notification daemon never
// blocks the window.
class DesktopNotifier : public QObject
{
    Q_OBJECT
public:
    enum class Urgency : uchar { Low = 0, Normal = 1, Critical = 2 };

    // Talks to the session bus.
    explicit DesktopNotifier(QObject *parent = nullptr);
    // Talks to `bus` (tests start a bus of their own).
    explicit DesktopNotifier(const QDBusConnection &bus, QObject *parent = nullptr);

    bool isConnected() const { return m_bus.isConnected(); }
    // The server's id of the last notification shown; 0 before its reply.
    uint notificationId() const { return m_lastId; }

    // Shows a notification, in place of the last one this notifier showed
    // if that is still on screen.
    void notify(const QString &summary, const QString &body, Urgency urgency = Urgency::Normal);
    // The taskbar entry: `progress` in [0, 1] shown or hidden, and a badge
    // with `count` unless it is 0. Sends only what changed.
    void setTaskbarProgress(double progress, bool progressVisible, qint64 count);

Q_SIGNALS:
    // The user clicked the notification (its default action).
    void activated();

private Q_SLOTS:
    void onActionInvoked(uint id, const QString &action);

private:
    void reportOnce(const QString &problem);

    QDBusConnection m_bus;
    uint m_lastId = 0; // the server's id of our last notification; 0: none
    bool m_reported = false;
    // What the taskbar was last told; count -1: nothing yet.
    double m_progress = 0;
    bool m_progressVisible = false;
    qint64 m_count = -1;
};

} // namespace requeue
