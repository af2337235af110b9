#pragma once

#include "core/base/cancellation.h"

#include <cstdint>
#include <functional>

namespace attnscope {

/** How a computation runs: threads, cancellation and the memory budget. */
struct ComputeOptions {
    /** Worker threads; 0 means every core of the machine. Results do not depend on it. */
    int threads = 0;
    /** Set from another thread to stop the computation; it then throws Cancelled. */
    CancellationToken cancel;
    /** Largest estimated working set allowed, in bytes; 0 means defaultMemoryBudget(). */
    std::uint64_t memoryBudgetBytes = 0;
};

/** Number of cores the machine reports (at least 1). */
int hardwareThreads() noexcept;

/**
 * `requested` resolved against the machine: 0 → all cores; more than the cores → the cores;
 * negative → Error naming "threads".
 */
int resolveThreadCount(int requested);

/**
 * Runs body(i) for every i in [0, count) on `threads` oneTBB workers. Each index is one fixed block
 * of work whose result does not depend on which thread runs it, which keeps results bitwise
 * identical whatever the thread count. The token is polled before each block; when it is set the
 * remaining blocks are skipped and Cancelled is thrown. Exceptions from body propagate to the
 * caller.
 */
void parallelForBlocks(int threads, std::int64_t count, const CancellationToken& cancel,
                       const std::function<void(std::int64_t)>& body);

} // namespace attnscope
