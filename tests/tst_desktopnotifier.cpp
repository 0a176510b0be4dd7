// DesktopNotifier against a session bus the test starts, with a fake
// notification service on it: the Notify call and its arguments, the
// LauncherEntry signal, the default action, and the one log line when there
// is no bus or no service.
#include "common/fakesessionbus.h"
#include "desktopnotifier.h"

#include <QDBusArgument>
#include <QDBusMetaType>
#include <QDBusPendingCallWatcher>
#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTest>

using namespace requeue;
using requeue::test::FakeNotifications;
using requeue::test::FakeSessionBus;

class TestDesktopNotifier : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void notifySendsTheCall();
    void nextNotificationReplacesTheLast();
    void taskbarProgressIsASignal();
    void defaultActionActivates();
    void noBusIsOneLogLine();
    void noServiceIsOneLogLine();

    void onLauncherUpdate(const QDBusMessage &message) { m_updates.append(message); }

private:
    // The bus as the desktop's side sees it: the fake service lives here.
    QDBusConnection desktop() { return QDBusConnection(QStringLiteral("desktop")); }
    QDBusConnection app() { return QDBusConnection(QStringLiteral("app")); }

    std::unique_ptr<FakeSessionBus> m_bus;
    std::unique_ptr<FakeNotifications> m_service;
    QList<QDBusMessage> m_updates;
};

void TestDesktopNotifier::initTestCase()
{
    QString error;
    m_bus = std::make_unique<FakeSessionBus>();
    if (!m_bus->start(&error))
        QSKIP(qPrintable(error));
}

void TestDesktopNotifier::init()
{
    QDBusConnection desktop = m_bus->connect(QStringLiteral("desktop"));
    QVERIFY(desktop.isConnected());
    QVERIFY(m_bus->connect(QStringLiteral("app")).isConnected());
    m_service = std::make_unique<FakeNotifications>();
    QVERIFY(desktop.registerVirtualObject(QLatin1String(FakeNotifications::Path), m_service.get()));
    QVERIFY(desktop.registerService(QLatin1String(FakeNotifications::Service)));
    QVERIFY(desktop.connect(QString(), QString(),
                            QStringLiteral("com.canonical.Unity.LauncherEntry"),
                            QStringLiteral("Update"), this, SLOT(onLauncherUpdate(QDBusMessage))));
    m_updates.clear();
}

void TestDesktopNotifier::cleanup()
{
    QDBusConnection::disconnectFromBus(QStringLiteral("desktop"));
    QDBusConnection::disconnectFromBus(QStringLiteral("app"));
    m_service.reset();
}

void TestDesktopNotifier::notifySendsTheCall()
{
    DesktopNotifier notifier(app());
    QVERIFY(notifier.isConnected());
    notifier.notify(QStringLiteral("Run finished"), QStringLiteral("2 succeeded, 1 failed"),
                    DesktopNotifier::Urgency::Critical);
    QTRY_COMPARE(m_service->calls.size(), 1);
    const QDBusMessage call = m_service->calls.constFirst();
    QCOMPARE(call.member(), QStringLiteral("Notify"));
    QCOMPARE(call.path(), QStringLiteral("/org/freedesktop/Notifications"));
    QCOMPARE(call.signature(), QStringLiteral("susssasa{sv}i"));
    const QList<QVariant> args = call.arguments();
    QCOMPARE(args.at(0).toString(), QStringLiteral("Requeue"));               // app_name
    QCOMPARE(args.at(1).value<uint>(), 0u);                                   // replaces_id: none
    QCOMPARE(args.at(2).toString(), QStringLiteral("requeue"));               // app_icon
    QCOMPARE(args.at(3).toString(), QStringLiteral("Run finished"));          // summary
    QCOMPARE(args.at(4).toString(), QStringLiteral("2 succeeded, 1 failed")); // body
    QCOMPARE(args.at(5).toStringList(),
             (QStringList {QStringLiteral("default"), QStringLiteral("Show")}));
    const QVariantMap hints = qdbus_cast<QVariantMap>(args.at(6));
    QCOMPARE(hints.value(QStringLiteral("desktop-entry")).toString(), QStringLiteral("requeue"));
    const QVariant urgency = hints.value(QStringLiteral("urgency"));
    QCOMPARE(urgency.metaType(), QMetaType::fromType<uchar>());
    QCOMPARE(urgency.value<uchar>(), uchar(2));
    QCOMPARE(args.at(7).toInt(), -1); // expire_timeout: the server's default
    QTRY_COMPARE(notifier.notificationId(), 1u);
}

void TestDesktopNotifier::nextNotificationReplacesTheLast()
{
    DesktopNotifier notifier(app());
    notifier.notify(QStringLiteral("1 job gave up"), QString());
    QTRY_COMPARE(notifier.notificationId(), 1u);
    notifier.notify(QStringLiteral("Run finished"), QString());
    QTRY_COMPARE(m_service->calls.size(), 2);
    QCOMPARE(m_service->calls.at(1).arguments().at(1).value<uint>(), 1u);
    QTRY_COMPARE(notifier.notificationId(), 2u);
}

void TestDesktopNotifier::taskbarProgressIsASignal()
{
    DesktopNotifier notifier(app());
    notifier.setTaskbarProgress(0.5, true, 3);
    notifier.setTaskbarProgress(0.501, true, 3); // the same percent: not sent
    notifier.setTaskbarProgress(1.0, false, 0);
    QTRY_COMPARE(m_updates.size(), 2);
    // Signals of one connection arrive in order: the second is the third call.
    const QDBusMessage first = m_updates.at(0);
    QCOMPARE(first.interface(), QStringLiteral("com.canonical.Unity.LauncherEntry"));
    QCOMPARE(first.signature(), QStringLiteral("sa{sv}"));
    QCOMPARE(first.arguments().at(0).toString(), QStringLiteral("application://requeue.desktop"));
    const QVariantMap running = qdbus_cast<QVariantMap>(first.arguments().at(1));
    QCOMPARE(running.value(QStringLiteral("progress")).toDouble(), 0.5);
    QCOMPARE(running.value(QStringLiteral("progress-visible")).toBool(), true);
    QCOMPARE(running.value(QStringLiteral("count")).metaType(), QMetaType::fromType<qlonglong>());
    QCOMPARE(running.value(QStringLiteral("count")).toLongLong(), 3);
    QCOMPARE(running.value(QStringLiteral("count-visible")).toBool(), true);
    const QVariantMap done = qdbus_cast<QVariantMap>(m_updates.at(1).arguments().at(1));
    QCOMPARE(done.value(QStringLiteral("progress")).toDouble(), 1.0);
    QCOMPARE(done.value(QStringLiteral("progress-visible")).toBool(), false);
    QCOMPARE(done.value(QStringLiteral("count-visible")).toBool(), false);
}

void TestDesktopNotifier::defaultActionActivates()
{
    DesktopNotifier notifier(app());
    QSignalSpy activated(&notifier, &DesktopNotifier::activated);
    notifier.notify(QStringLiteral("Run finished"), QString());
    QTRY_COMPARE(notifier.notificationId(), 1u);
    const auto invoke = [this](uint id, const QString &action) {
        QDBusMessage signal = QDBusMessage::createSignal(QLatin1String(FakeNotifications::Path),
                                                         QLatin1String(FakeNotifications::Service),
                                                         QStringLiteral("ActionInvoked"));
        signal << id << action;
        QVERIFY(desktop().send(signal));
    };
    invoke(7, QStringLiteral("default")); // someone else's notification
    invoke(1, QStringLiteral("default"));
    QVERIFY(activated.wait());
    QCOMPARE(activated.size(), 1);
}

void TestDesktopNotifier::noBusIsOneLogLine()
{
    const QString name = QStringLiteral("nobus");
    const QDBusConnection none = QDBusConnection::connectToBus(
        QStringLiteral("unix:path=/nonexistent/requeue-test-bus"), name);
    QVERIFY(!none.isConnected());
    QTest::ignoreMessage(QtWarningMsg,
                         QRegularExpression(QStringLiteral(
                             "^desktop notifications and taskbar progress are off: no D-Bus")));
    QTest::failOnWarning(QRegularExpression(QStringLiteral(".")));
    {
        DesktopNotifier notifier(none);
        QVERIFY(!notifier.isConnected());
        notifier.notify(QStringLiteral("Run finished"), QString());
        notifier.setTaskbarProgress(0.5, true, 1);
    }
    QDBusConnection::disconnectFromBus(name);
}

void TestDesktopNotifier::noServiceIsOneLogLine()
{
    // The bus would start a real notification daemon it knows of instead.
    const QStringList services = QDir(QStringLiteral("/usr/share/dbus-1/services"))
                                     .entryList({QStringLiteral("*.service")}, QDir::Files);
    for (const QString &service : services) {
        QFile file(QStringLiteral("/usr/share/dbus-1/services/") + service);
        if (file.open(QIODevice::ReadOnly)
            && file.readAll().contains("Name=org.freedesktop.Notifications\n"))
            QSKIP("a notification daemon is installed for D-Bus activation");
    }
    desktop().unregisterService(QLatin1String(FakeNotifications::Service));
    QTest::ignoreMessage(QtWarningMsg,
                         QRegularExpression(QStringLiteral(
                             "^desktop notifications and taskbar progress are off: .+")));
    DesktopNotifier notifier(app());
    QVERIFY(notifier.isConnected());
    notifier.notify(QStringLiteral("first"), QString());
    notifier.notify(QStringLiteral("second"), QString());
    // Both calls fail; the second error must not log again.
    QTest::failOnWarning(QRegularExpression(QStringLiteral(".")));
    QTRY_VERIFY(notifier.findChildren<QDBusPendingCallWatcher *>().isEmpty());
    QCOMPARE(m_service->calls.size(), 0);
}

QTEST_GUILESS_MAIN(TestDesktopNotifier)
#include "tst_desktopnotifier.moc"
