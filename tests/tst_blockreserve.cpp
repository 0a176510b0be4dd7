// BlockReserve: blocks of its size come back for reuse, refill() tops the
// reserve up, other sizes and a surplus go to the heap, and a deque that one
// thread fills while another empties it keeps every element in order
// (AddressSanitizer and ThreadSanitizer builds check the memory).
#include "blockreserve.h"

#include <QTest>

#include <deque>
#include <mutex>
#include <thread>

using namespace requeue;

namespace {

constexpr std::size_t BlockBytes = 512;

struct Item
{
    quint64 value = 0;
    QString text; // something that owns memory, as an event does
};

using ItemQueue = std::deque<Item, ReserveAllocator<Item>>;

} // namespace

class tst_BlockReserve : public QObject
{
    Q_OBJECT

private slots:
    void aGivenBlockIsTakenAgain();
    void refillTopsUpToTheTarget();
    void otherSizesGoToTheHeap();
    void keepsAtMostTwiceTheTarget();
    void aDequeFilledAndEmptiedOnTwoThreads();
};

void tst_BlockReserve::aGivenBlockIsTakenAgain()
{
    BlockReserve reserve(4);
    void *block = reserve.take(BlockBytes);
    reserve.give(block, BlockBytes);
    QCOMPARE(reserve.size(), std::size_t(1));
    QCOMPARE(reserve.take(BlockBytes), block);
    QCOMPARE(reserve.size(), std::size_t(0));
    reserve.give(block, BlockBytes);
}

void tst_BlockReserve::refillTopsUpToTheTarget()
{
    BlockReserve reserve(8);
    reserve.refill(); // no size known yet: nothing to make
    QCOMPARE(reserve.size(), std::size_t(0));
    reserve.give(reserve.take(BlockBytes), BlockBytes);
    reserve.refill();
    QCOMPARE(reserve.size(), std::size_t(8));
    void *block = reserve.take(BlockBytes);
    QCOMPARE(reserve.size(), std::size_t(7));
    reserve.refill();
    QCOMPARE(reserve.size(), std::size_t(8));
    reserve.give(block, BlockBytes);
}

void tst_BlockReserve::otherSizesGoToTheHeap()
{
    BlockReserve reserve(4);
    reserve.give(reserve.take(BlockBytes), BlockBytes); // sets the size
    void *small = reserve.take(64);
    reserve.give(small, 64);
    QCOMPARE(reserve.size(), std::size_t(1));
}

void tst_BlockReserve::keepsAtMostTwiceTheTarget()
{
    BlockReserve reserve(4);
    std::vector<void *> blocks;
    for (int i = 0; i < 12; ++i)
        blocks.push_back(reserve.take(BlockBytes));
    for (void *block : blocks)
        reserve.give(block, BlockBytes);
    QCOMPARE(reserve.size(), std::size_t(8));
}

void tst_BlockReserve::aDequeFilledAndEmptiedOnTwoThreads()
{
    constexpr quint64 Items = 200'000;
    BlockReserve reserve(16);
    std::mutex mutex;
    ItemQueue queue {ReserveAllocator<Item>(&reserve)};
    bool done = false;
    std::thread filler([&] {
        for (quint64 i = 0; i < Items; ++i) {
            std::lock_guard lock(mutex);
            queue.push_back({i, QString::number(i)});
        }
        std::lock_guard lock(mutex);
        done = true;
    });
    ItemQueue batch {ReserveAllocator<Item>(&reserve)};
    quint64 next = 0;
    bool inOrder = true;
    for (bool last = false; !last;) {
        {
            std::lock_guard lock(mutex);
            last = done;
            batch.swap(queue);
        }
        for (const Item &item : batch) {
            inOrder = inOrder && item.value == next && item.text == QString::number(next);
            ++next;
            reserve.refill();
        }
        batch.clear();
        if (!last)
            std::this_thread::yield();
    }
    filler.join();
    QVERIFY(inOrder);
    QCOMPARE(next, Items);
    QVERIFY(reserve.size() <= 32);
}

QTEST_GUILESS_MAIN(tst_BlockReserve)
#include "tst_blockreserve.moc"
