#pragma once

#include <cstddef>
#include <new>
#include <vector>

namespace attnscope {

namespace detail {
/** 64-byte aligned storage; blocks of 4 MiB and more are 2 MiB aligned and backed by huge pages. */
void* allocateAligned(std::size_t bytes);
void deallocateAligned(void* pointer, std::size_t bytes) noexcept;
} // namespace detail

/**
 * The allocator of every tensor and engine buffer.
 *  - 64-byte alignment (a cache line, an AVX-512 register): every buffer handed to Eigen starts
 *    aligned, so the alignment of any row is a function of the shape alone; Eigen's vectorised
 *    loops peel a different number of leading elements depending on alignment, and this keeps
 *    results bitwise reproducible from call to call.
 *  - Large blocks (attention weights reach hundreds of MB) are asked to use transparent huge pages:
 *    on virtual machines a 4 KiB page fault costs microseconds, and first-touching 268 MB of
 *    weights page by page took longer than computing them.
 *  - Elements are default-initialised (no zero fill) when a size alone is given, since the engine
 *    overwrites every output element; BasicTensor's constructors still fill explicitly.
 */
template <typename T> struct AlignedAllocator {
    using value_type = T;

    AlignedAllocator() noexcept = default;
    template <typename U> AlignedAllocator(const AlignedAllocator<U>&) noexcept {}

    T* allocate(std::size_t n) { return static_cast<T*>(detail::allocateAligned(n * sizeof(T))); }
    void deallocate(T* p, std::size_t n) noexcept { detail::deallocateAligned(p, n * sizeof(T)); }

    template <typename U> void construct(U* p) noexcept { ::new (static_cast<void*>(p)) U; }
    template <typename U, typename... Args> void construct(U* p, Args&&... args) {
        ::new (static_cast<void*>(p)) U(static_cast<Args&&>(args)...);
    }

    template <typename U> bool operator==(const AlignedAllocator<U>&) const noexcept {
        return true;
    }
};

/** A std::vector on aligned storage whose `resize(n)` / `(n)` constructor leaves floats unset. */
template <typename T> using AlignedVector = std::vector<T, AlignedAllocator<T>>;

} // namespace attnscope
