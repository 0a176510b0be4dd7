#include "blockreserve.h"

#include <QMutexLocker>

#include <cstring>
#include <new>

namespace requeue {

BlockReserve::~BlockReserve()
{
    while (m_free) {
        FreeBlock *block = m_free;
        m_free = block->next;
        ::operator delete(block);
    }
}

void *BlockReserve::take(std::size_t bytes)
{
    {
        QMutexLocker locker(&m_mutex);
        if (m_blockBytes == 0 && bytes >= sizeof(FreeBlock))
            m_blockBytes = bytes;
        if (bytes == m_blockBytes && m_free) {
            FreeBlock *block = m_free;
            m_free = block->next;
            --m_count;
            return block;
        }
    }
    return ::operator new(bytes);
}

void BlockReserve::give(void *block, std::size_t bytes) noexcept
{
    {
        QMutexLocker locker(&m_mutex);
        // Twice the target: what a burst brought back is kept for the next.
        if (bytes == m_blockBytes && m_count < 2 * m_target) {
            push(block);
            return;
        }
    }
    ::operator delete(block);
}

void BlockReserve::refill()
{
    std::size_t missing = 0;
    std::size_t bytes = 0;
    {
        QMutexLocker locker(&m_mutex);
        if (m_blockBytes == 0 || m_count >= m_target)
            return;
        missing = m_target - m_count;
        bytes = m_blockBytes;
    }
    for (; missing > 0; --missing) {
        void *block = ::operator new(bytes);
        std::memset(block, 0, bytes); // its pages are in from now on
        QMutexLocker locker(&m_mutex);
        push(block);
    }
}

std::size_t BlockReserve::size() const
{
    QMutexLocker locker(&m_mutex);
    return m_count;
}

void BlockReserve::push(void *block) noexcept
{
    m_free = new (block) FreeBlock {m_free};
    ++m_count;
}

} // namespace requeue
