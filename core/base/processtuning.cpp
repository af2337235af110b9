#include "core/base/processtuning.h"

#include <cstdlib> // defines __GLIBC__ (through <features.h>) on glibc systems

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace attnscope {

void keepFreedMemoryForReuse() noexcept {
#if defined(__GLIBC__)
    // 32 MiB is glibc's largest mmap threshold on 64-bit (DEFAULT_MMAP_THRESHOLD_MAX); setting it
    // also turns off the dynamic threshold. Larger blocks (attention maps) come from the engine's
    // own allocator, which caches them (alignedallocator.cpp).
    // mallopt is not thread-safe: entry points call this first, before any thread exists.
    mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);   // NOLINT(concurrency-mt-unsafe)
    mallopt(M_TRIM_THRESHOLD, 1024 * 1024 * 1024); // NOLINT(concurrency-mt-unsafe)
#endif
}

} // namespace attnscope
