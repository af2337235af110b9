#include "core/base/alignedallocator.h"

#include <cstdlib>
#include <mutex>
#include <vector>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace attnscope::detail {

namespace {
constexpr std::size_t kCacheLine = 64;
constexpr std::size_t kHugePage = std::size_t{2} << 20;
constexpr std::size_t kHugeThreshold = std::size_t{4} << 20;
/** Blocks from this size on are kept for reuse when freed (see LargeBlockCache). */
constexpr std::size_t kCacheThreshold = std::size_t{64} << 10;
/** Freed large blocks kept for reuse, in total at most this many bytes. */
constexpr std::size_t kCacheCapacity = std::size_t{1} << 30;

std::size_t roundUp(std::size_t bytes, std::size_t multiple) {
    return (bytes + multiple - 1) / multiple * multiple;
}

/**
 * Recently freed blocks of 64 KiB and more. The app recomputes the same shapes on every slider
 * move and a benchmark repeats one shape, and glibc returns such blocks to the kernel (mmap) so
 * that every call page-faults them in again; on a virtual machine first-touching fresh pages costs
 * more than the attention itself (see alignedallocator.h). A freed block of the same size is
 * handed back instead. Bounded by kCacheCapacity.
 */
class LargeBlockCache {
public:
    void* take(std::size_t size) {
        std::lock_guard lock(m_mutex);
        for (std::size_t i = 0; i < m_blocks.size(); ++i) {
            if (m_blocks[i].size == size) {
                void* pointer = m_blocks[i].pointer;
                m_bytes -= size;
                m_blocks.erase(m_blocks.begin() + static_cast<std::ptrdiff_t>(i));
                return pointer;
            }
        }
        return nullptr;
    }

    /** Keeps the block (returns true) or leaves it to the caller to free. */
    bool keep(void* pointer, std::size_t size) {
        std::lock_guard lock(m_mutex);
        if (size > kCacheCapacity)
            return false;
        // Make room by dropping the oldest blocks.
        while (m_bytes + size > kCacheCapacity && !m_blocks.empty()) {
            std::free(m_blocks.front().pointer);
            m_bytes -= m_blocks.front().size;
            m_blocks.erase(m_blocks.begin());
        }
        m_blocks.push_back({pointer, size});
        m_bytes += size;
        return true;
    }

    ~LargeBlockCache() {
        for (const Block& block : m_blocks)
            std::free(block.pointer);
    }

private:
    struct Block {
        void* pointer;
        std::size_t size;
    };
    std::mutex m_mutex;
    std::vector<Block> m_blocks;
    std::size_t m_bytes = 0;
};

LargeBlockCache& largeBlockCache() {
    static LargeBlockCache cache;
    return cache;
}

} // namespace

void* allocateAligned(std::size_t bytes) {
    if (bytes == 0)
        bytes = 1;
    const bool huge = bytes >= kHugeThreshold;
    const std::size_t alignment = huge ? kHugePage : kCacheLine;
    const std::size_t size = roundUp(bytes, alignment);
    if (size < bytes) // wrapped around
        throw std::bad_alloc();
    if (size >= kCacheThreshold) {
        if (void* reused = largeBlockCache().take(size))
            return reused;
    }
    void* pointer = std::aligned_alloc(alignment, size);
    if (pointer == nullptr)
        throw std::bad_alloc();
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    if (huge)
        (void)madvise(pointer, size, MADV_HUGEPAGE); // a hint; failure just means 4 KiB pages
#endif
    return pointer;
}

void deallocateAligned(void* pointer, std::size_t bytes) noexcept {
    if (pointer == nullptr)
        return;
    if (bytes == 0)
        bytes = 1;
    const std::size_t size = roundUp(bytes, bytes >= kHugeThreshold ? kHugePage : kCacheLine);
    if (size >= kCacheThreshold) {
        try {
            if (largeBlockCache().keep(pointer, size))
                return;
        } catch (...) { // bad_alloc growing the list: just free the block
        }
    }
    std::free(pointer);
}

} // namespace attnscope::detail
