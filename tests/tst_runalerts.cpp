// RunAlerts decides what the desktop hears about a run; checked on a session
// bus the test starts, with a fake notification service recording the calls.
// Messages of one connection arrive in order, so "nothing was sent" is shown
// by the next call being the first to arrive.
#include "common/fakesessionbus.h"
#include "desktopnotifier.h"
#include "runalerts.h"

#include <QApplication>
#include <QDBusArgument>
#include <QSettings>
#include <QStandardPaths>
#include <QTest>
#include <QWidget>

using namespace requeue;
using namespace std::chrono_literals;
using requeue::test::FakeNotifications;
using requeue::test::FakeSessionBus;

namespace {

StateCounts counts(int running, int succeeded, int failed, int cancelled = 0)
{
    StateCounts result {};
    result[int(JobState::Running)] = running;
    result[int(JobState::Succeeded)] = succeeded;
    result[int(JobState::Failed)] = failed;
    result[int(JobState::Cancelled)] = cancelled;
    return result;
}

QString summaryOf(const QDBusMessage &call)
{
    return call.arguments().at(3).toString();
}

} // namespace

class TestRunAlerts : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void cleanupTestCase();
    void runEndIsANotification();
    void givingUpIsBatchedPerQuietPeriod();
    void activeWindowHearsNothing();
    void notificationsCanBeTurnedOff();
    void taskbarFollowsTheCounts();

    void onLauncherUpdate(const QDBusMessage &message) { m_updates.append(message); }

private:
    std::unique_ptr<RunAlerts> makeAlerts(QWidget *window)
    {
        auto *notifier = new DesktopNotifier(QDBusConnection(QStringLiteral("app")));
        return std::make_unique<RunAlerts>(window, notifier);
    }

    std::unique_ptr<FakeSessionBus> m_bus;
    std::unique_ptr<FakeNotifications> m_service;
    QList<QDBusMessage> m_updates;
};

void TestRunAlerts::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("RequeueTest"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_runalerts"));
    QString error;
    m_bus = std::make_unique<FakeSessionBus>();
    if (!m_bus->start(&error))
        QSKIP(qPrintable(error));
}

void TestRunAlerts::init()
{
    QSettings().clear();
    QDBusConnection desktop = m_bus->connect(QStringLiteral("desktop"));
    QVERIFY(m_bus->connect(QStringLiteral("app")).isConnected());
    m_service = std::make_unique<FakeNotifications>();
    QVERIFY(desktop.registerVirtualObject(QLatin1String(FakeNotifications::Path), m_service.get()));
    QVERIFY(desktop.registerService(QLatin1String(FakeNotifications::Service)));
    QVERIFY(desktop.connect(QString(), QString(),
                            QStringLiteral("com.canonical.Unity.LauncherEntry"),
                            QStringLiteral("Update"), this, SLOT(onLauncherUpdate(QDBusMessage))));
    m_updates.clear();
}

void TestRunAlerts::cleanup()
{
    QDBusConnection::disconnectFromBus(QStringLiteral("desktop"));
    QDBusConnection::disconnectFromBus(QStringLiteral("app"));
    m_service.reset();
}

void TestRunAlerts::cleanupTestCase()
{
    QSettings settings;
    settings.clear();
    settings.sync();
    QFile::remove(settings.fileName());
}

void TestRunAlerts::runEndIsANotification()
{
    QWidget window; // never shown: not the active window
    auto alerts = makeAlerts(&window);
    alerts->runFinished(counts(0, 5, 0));
    QTRY_COMPARE(m_service->calls.size(), 1);
    QCOMPARE(summaryOf(m_service->calls.at(0)), QStringLiteral("Run finished"));
    QCOMPARE(m_service->calls.at(0).arguments().at(4).toString(),
             QStringLiteral("5 succeeded, 0 failed, 0 cancelled"));

    alerts->runFinished(counts(0, 3, 2));
    QTRY_COMPARE(m_service->calls.size(), 2);
    const QDBusMessage failed = m_service->calls.at(1);
    QCOMPARE(summaryOf(failed), QStringLiteral("Run finished with failures"));
    const QVariantMap hints = qdbus_cast<QVariantMap>(failed.arguments().at(6));
    QCOMPARE(hints.value(QStringLiteral("urgency")).value<uchar>(),
             uchar(DesktopNotifier::Urgency::Critical));
}

void TestRunAlerts::givingUpIsBatchedPerQuietPeriod()
{
    QWidget window;
    auto alerts = makeAlerts(&window);
    alerts->setGiveUpQuietPeriod(200ms);
    alerts->updateCounts(counts(4, 0, 0));
    alerts->updateCounts(counts(3, 0, 1)); // one gave up: told at once
    alerts->updateCounts(counts(2, 0, 2)); // within the quiet period: kept
    alerts->updateCounts(counts(1, 0, 3));
    QTRY_COMPARE(m_service->calls.size(), 1);
    QCOMPARE(summaryOf(m_service->calls.at(0)), QStringLiteral("1 job(s) gave up"));
    QCOMPARE(m_service->calls.at(0).arguments().at(4).toString(),
             QStringLiteral("1 of 4 jobs finished"));
    // After the quiet period, the two kept ones in one notification.
    QTRY_COMPARE(m_service->calls.size(), 2);
    QCOMPARE(summaryOf(m_service->calls.at(1)), QStringLiteral("2 job(s) gave up"));
    // The run's end says the rest, replacing the last notification (once
    // the notifier has its id).
    QTRY_COMPARE(alerts->notifier()->notificationId(), 2u);
    alerts->runFinished(counts(0, 1, 3));
    QTRY_COMPARE(m_service->calls.size(), 3);
    QCOMPARE(summaryOf(m_service->calls.at(2)), QStringLiteral("Run finished with failures"));
    QCOMPARE(m_service->calls.at(2).arguments().at(1).value<uint>(), 2u);
}

void TestRunAlerts::activeWindowHearsNothing()
{
    QWidget window;
    window.show();
    QApplication::setActiveWindow(&window);
    if (!QTest::qWaitForWindowActive(&window))
        QSKIP("This platform has no active windows.");
    auto alerts = makeAlerts(&window);
    alerts->updateCounts(counts(1, 0, 1));
    alerts->runFinished(counts(0, 0, 2));
    window.hide();
    QTRY_VERIFY(!window.isActiveWindow());
    alerts->runFinished(counts(0, 1, 2));
    QTRY_COMPARE(m_service->calls.size(), 1);
    QCOMPARE(m_service->calls.at(0).arguments().at(4).toString(),
             QStringLiteral("1 succeeded, 2 failed, 0 cancelled"));
}

void TestRunAlerts::notificationsCanBeTurnedOff()
{
    QWidget window;
    {
        auto alerts = makeAlerts(&window);
        QVERIFY(alerts->notificationsEnabled());
        alerts->setNotificationsEnabled(false);
        alerts->updateCounts(counts(1, 0, 1));
        alerts->runFinished(counts(0, 0, 2));
    }
    auto alerts = makeAlerts(&window); // the choice is remembered
    QVERIFY(!alerts->notificationsEnabled());
    alerts->setNotificationsEnabled(true);
    alerts->runFinished(counts(0, 2, 0));
    QTRY_COMPARE(m_service->calls.size(), 1);
    QCOMPARE(m_service->calls.at(0).arguments().at(4).toString(),
             QStringLiteral("2 succeeded, 0 failed, 0 cancelled"));
}

void TestRunAlerts::taskbarFollowsTheCounts()
{
    QWidget window;
    auto alerts = makeAlerts(&window);
    alerts->setNotificationsEnabled(false);
    alerts->updateCounts(counts(3, 1, 0));
    alerts->updateCounts(counts(2, 1, 1));
    alerts->runFinished(counts(0, 2, 2));
    QTRY_COMPARE(m_updates.size(), 3);
    const auto properties = [this](int i) {
        return qdbus_cast<QVariantMap>(m_updates.at(i).arguments().at(1));
    };
    QCOMPARE(properties(0).value(QStringLiteral("progress")).toDouble(), 0.25);
    QCOMPARE(properties(0).value(QStringLiteral("progress-visible")).toBool(), true);
    QCOMPARE(properties(0).value(QStringLiteral("count-visible")).toBool(), false);
    QCOMPARE(properties(1).value(QStringLiteral("progress")).toDouble(), 0.5);
    QCOMPARE(properties(1).value(QStringLiteral("count")).toLongLong(), 1);
    QCOMPARE(properties(1).value(QStringLiteral("count-visible")).toBool(), true);
    QCOMPARE(properties(2).value(QStringLiteral("progress")).toDouble(), 1.0);
    QCOMPARE(properties(2).value(QStringLiteral("progress-visible")).toBool(), false);
    QCOMPARE(properties(2).value(QStringLiteral("count")).toLongLong(), 2);
}

QTEST_MAIN(TestRunAlerts)
#include "tst_runalerts.moc"
