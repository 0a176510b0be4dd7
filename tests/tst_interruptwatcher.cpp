#include "interruptwatcher.h"

#include <QSignalSpy>
#include <QTest>

#include <csignal>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

using namespace requeue;

class TestInterruptWatcher : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void signalsArriveInOrder_data();
    void signalsArriveInOrder();
    void restoresHandlers();
};

void TestInterruptWatcher::signalsArriveInOrder_data()
{
    QTest::addColumn<QList<int>>("sent");
    QTest::newRow("one SIGINT") << QList<int> {SIGINT};
    QTest::newRow("SIGTERM then SIGINT") << QList<int> {SIGTERM, SIGINT};
    QTest::newRow("three") << QList<int> {SIGINT, SIGINT, SIGTERM};
}

void TestInterruptWatcher::signalsArriveInOrder()
{
    QFETCH(QList<int>, sent);
    InterruptWatcher watcher;
    QVERIFY(watcher.isActive());
    QSignalSpy spy(&watcher, &InterruptWatcher::interrupted);
    for (int signal : sent)
        QCOMPARE(::raise(signal), 0);
    QTRY_COMPARE_WITH_TIMEOUT(spy.size(), sent.size(), 5000);
    for (int i = 0; i < sent.size(); ++i) {
        QCOMPARE(spy.at(i).at(0).toInt(), sent.at(i));
        QCOMPARE(spy.at(i).at(1).toInt(), i + 1);
    }
    QCOMPARE(watcher.count(), sent.size());
}

// After the watcher is gone SIGINT's handler is the one from before it.
void TestInterruptWatcher::restoresHandlers()
{
    struct sigaction before = {};
    ::sigaction(SIGINT, nullptr, &before);
    {
        InterruptWatcher watcher;
        struct sigaction during = {};
        ::sigaction(SIGINT, nullptr, &during);
        QVERIFY(during.sa_handler != before.sa_handler);
    }
    struct sigaction after = {};
    ::sigaction(SIGINT, nullptr, &after);
    QVERIFY(after.sa_handler == before.sa_handler);
    // A second watcher can be made once the first is gone.
    InterruptWatcher again;
    QVERIFY(again.isActive());
}

QTEST_GUILESS_MAIN(TestInterruptWatcher)
#include "tst_interruptwatcher.moc"
