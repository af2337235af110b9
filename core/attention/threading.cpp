#include "core/attention/threading.h"

#include "core/base/error.h"

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/partitioner.h>
#include <tbb/task_arena.h>
#include <tbb/task_group.h>
#include <thread>

namespace attnscope {

int hardwareThreads() noexcept {
    // oneTBB honours the process affinity mask (taskset, cgroups), unlike hardware_concurrency.
    const int cores = tbb::this_task_arena::max_concurrency();
    if (cores > 0)
        return cores;
    const unsigned fallback = std::thread::hardware_concurrency();
    return fallback > 0 ? static_cast<int>(fallback) : 1;
}

int resolveThreadCount(int requested) {
    if (requested < 0)
        throw Error("threads must be 0 (all cores) or a positive count, got " +
                    std::to_string(requested));
    // 0 means every core. More workers than cores would only add contention (and oneTBB caps its
    // pool at the core count anyway); results are the same for any count.
    const int cores = hardwareThreads();
    return requested == 0 ? cores : std::min(requested, cores);
}

namespace {

/**
 * One task arena per worker count, made once and kept: constructing and tearing down an arena on
 * every call cost milliseconds (workers join and leave), which dominated small problems — a model
 * runs a dozen parallel loops per layer. Arenas are safe to enter from several threads at once.
 */
tbb::task_arena& arenaFor(int workers) {
    static std::mutex mutex;
    // Never destroyed (reachable until exit, so not a leak): destroying the arenas among the static
    // destructors would send oneTBB's workers into shutdown while the exit handlers run, and
    // LeakSanitizer's exit-time check, which stops every thread, crashed once in CI on a thread
    // that was going away. With the arenas alive the workers just sleep until the process ends.
    static auto& arenas = *new std::map<int, std::unique_ptr<tbb::task_arena>>();
    std::lock_guard lock(mutex);
    std::unique_ptr<tbb::task_arena>& arena = arenas[workers];
    if (!arena) {
        arena = std::make_unique<tbb::task_arena>(workers);
        arena->initialize();
    }
    return *arena;
}

} // namespace

void parallelForBlocks(int threads, std::int64_t count, const CancellationToken& cancel,
                       const std::function<void(std::int64_t)>& body) {
    if (count <= 0)
        return;
    const int workers = resolveThreadCount(threads);
    if (cancel.isCancelled())
        throw Cancelled();

    if (workers == 1) {
        // Same blocks, same order of work inside each block: identical results, no scheduler cost.
        for (std::int64_t i = 0; i < count; ++i) {
            if (cancel.isCancelled())
                throw Cancelled();
            body(i);
        }
        return;
    }

    tbb::task_group_context context;
    arenaFor(workers).execute([&] {
        // simple_partitioner with grain 1: every index is scheduled as its own task, so the
        // partition of work never depends on the number of workers.
        tbb::parallel_for(
            tbb::blocked_range<std::int64_t>(0, count, 1),
            [&](const tbb::blocked_range<std::int64_t>& range) {
                for (std::int64_t i = range.begin(); i != range.end(); ++i) {
                    if (cancel.isCancelled()) {
                        context.cancel_group_execution();
                        return;
                    }
                    body(i);
                }
            },
            tbb::simple_partitioner(), context);
    });
    if (cancel.isCancelled())
        throw Cancelled();
}

} // namespace attnscope
