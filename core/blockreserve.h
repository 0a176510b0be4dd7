#pragma once

#include "spinningmutex.h"

#include <cstddef>
#include <memory>
#include <type_traits>

namespace requeue {

// Memory blocks of one size, kept ready for a container that one thread
// fills and another empties: JobRunner's event queue, which workers fill and
// the emitter thread empties.
//
// While a slow observer falls behind, that queue grows, and a block fresh
// from malloc is memory nobody has written yet: the first write faults its
// page in, on the worker that queued the event, between a failed attempt and
// its retry (20-40 us for one retry in a hundred with a 1 ms observer). So
// the emitter keeps a reserve of blocks it has written itself (refill(),
// between two events) and takes back the blocks it emptied, up to a bound;
// the rest goes back to malloc.
//
// The block size is that of the first take(). Thread-safe.
class BlockReserve
{
public:
    explicit BlockReserve(std::size_t target)
        : m_target(target)
    { }
    Q_DISABLE_COPY_MOVE(BlockReserve)
    ~BlockReserve();

    void *take(std::size_t bytes);
    void give(void *block, std::size_t bytes) noexcept;
    // Tops the reserve up to its target with blocks written once. From the
    // thread that empties the container, where a page fault harms nobody.
    void refill();
    // Blocks in the reserve now.
    std::size_t size() const;

private:
    struct FreeBlock
    {
        FreeBlock *next;
    };
    void push(void *block) noexcept; // m_mutex held

    mutable SpinningMutex m_mutex;
    FreeBlock *m_free = nullptr;
    std::size_t m_count = 0;
    std::size_t m_blockBytes = 0;
    const std::size_t m_target;
};

// An allocator that takes its `Pooled` allocations (a deque's blocks of
// elements) from a BlockReserve, and anything else (the deque's map) from the
// heap. Every copy shares the reserve, which must outlive the container.
template<typename T, typename Pooled = T>
class ReserveAllocator
{
public:
    using value_type = T;
    template<typename U>
    struct rebind
    {
        using other = ReserveAllocator<U, Pooled>;
    };

    explicit ReserveAllocator(BlockReserve *reserve) noexcept
        : m_reserve(reserve)
    { }
    template<typename U>
    ReserveAllocator(const ReserveAllocator<U, Pooled> &other) noexcept
        : m_reserve(other.reserve())
    { }

    T *allocate(std::size_t n)
    {
        if constexpr (std::is_same_v<T, Pooled>)
            return static_cast<T *>(m_reserve->take(n * sizeof(T)));
        else
            return std::allocator<T>().allocate(n);
    }
    void deallocate(T *p, std::size_t n) noexcept
    {
        if constexpr (std::is_same_v<T, Pooled>)
            m_reserve->give(p, n * sizeof(T));
        else
            std::allocator<T>().deallocate(p, n);
    }

    BlockReserve *reserve() const noexcept { return m_reserve; }
    friend bool operator==(const ReserveAllocator &a, const ReserveAllocator &b) noexcept
    {
        return a.m_reserve == b.m_reserve;
    }
    friend bool operator!=(const ReserveAllocator &a, const ReserveAllocator &b) noexcept
    {
        return !(a == b);
    }

private:
    BlockReserve *m_reserve;
};

} // namespace requeue
