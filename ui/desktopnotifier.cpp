#include "desktopnotifier.h"

#include "uilogging.h"

#include <QDBusMessage>
#include <QDBusPendingCallWatcher>
#include <QDBusPendingReply>

#include <algorithm>
#include <cmath>

namespace requeue {

namespace {

const QString NotificationsService = QStringLiteral("org.freedesktop.Notifications");
const QString NotificationsPath = QStringLiteral("/org/freedesktop/Notifications");
const QString NotificationsInterface = QStringLiteral("org.freedesktop.Notifications");
const QString LauncherEntryPath = QStringLiteral("/io/github/requeue/LauncherEntry");
const QString LauncherEntryInterface = QStringLiteral("com.canonical.Unity.LauncherEntry");
// The docks match this against the desktop file the window names
// (QGuiApplication::setDesktopFileName).
const QString AppUri = QStringLiteral("application://requeue.desktop");
const QString DefaultAction = QStringLiteral("default");

} // namespace

DesktopNotifier::DesktopNotifier(QObject *parent)
    : DesktopNotifier(QDBusConnection::sessionBus(), parent)
{ }

DesktopNotifier::DesktopNotifier(const QDBusConnection &bus, QObject *parent)
    : QObject(parent)
    , m_bus(bus)
{
    if (!m_bus.isConnected()) {
        reportOnce(QStringLiteral("no D-Bus session bus (%1)").arg(m_bus.lastError().message()));
        return;
    }
    m_bus.connect(NotificationsService, NotificationsPath, NotificationsInterface,
                  QStringLiteral("ActionInvoked"), this, SLOT(onActionInvoked(uint, QString)));
}

void DesktopNotifier::notify(const QString &summary, const QString &body, Urgency urgency)
{
    if (!m_bus.isConnected())
        return;
    QDBusMessage call = QDBusMessage::createMethodCall(
        NotificationsService, NotificationsPath, NotificationsInterface, QStringLiteral("Notify"));
    const QVariantMap hints {
        {QStringLiteral("desktop-entry"), QStringLiteral("requeue")},
        {QStringLiteral("urgency"), QVariant::fromValue(uchar(urgency))},
    };
    call << QStringLiteral("Requeue") << m_lastId << QStringLiteral("requeue") << summary << body
         << QStringList {DefaultAction, tr("Show")} << hints << -1;
    auto *watcher = new QDBusPendingCallWatcher(m_bus.asyncCall(call), this);
    connect(watcher, &QDBusPendingCallWatcher::finished, this,
            [this](QDBusPendingCallWatcher *finished) {
                finished->deleteLater();
                const QDBusPendingReply<uint> reply = *finished;
                if (reply.isError())
                    reportOnce(reply.error().message());
                else
                    m_lastId = reply.value();
            });
}

void DesktopNotifier::setTaskbarProgress(double progress, bool progressVisible, qint64 count)
{
    if (!m_bus.isConnected())
        return;
    progress = std::clamp(progress, 0.0, 1.0);
    // A percent is as fine as a taskbar shows; more would be a signal per tick.
    const bool progressChanged = std::lround(progress * 100) != std::lround(m_progress * 100);
    if (!progressChanged && progressVisible == m_progressVisible && count == m_count)
        return;
    m_progress = progress;
    m_progressVisible = progressVisible;
    m_count = count;
    QDBusMessage signal = QDBusMessage::createSignal(LauncherEntryPath, LauncherEntryInterface,
                                                     QStringLiteral("Update"));
    const QVariantMap properties {
        {QStringLiteral("progress"), progress},
        {QStringLiteral("progress-visible"), progressVisible},
        {QStringLiteral("count"), count},
        {QStringLiteral("count-visible"), count > 0},
    };
    signal << AppUri << properties;
    m_bus.send(signal);
}

void DesktopNotifier::onActionInvoked(uint id, const QString &action)
{
    if (id == m_lastId && m_lastId != 0 && action == DefaultAction)
        Q_EMIT activated();
}

void DesktopNotifier::reportOnce(const QString &problem)
{
    if (m_reported)
        return;
    m_reported = true;
    qCWarning(lcUi).noquote() << "desktop notifications and taskbar progress are off:" << problem;
}

} // namespace requeue
