#pragma once

#include "core/base/cancellation.h"
#include "core/session/attentionrequest.h"
#include "core/session/computeattention.h"
#include "ui/session/workerthread.h"

#include <QElapsedTimer>
#include <QObject>
#include <cstdint>
#include <memory>
#include <optional>
#include <utility>

namespace attnscope {

class ComputeCache;

/**
 * Runs attention requests (computeAttention) off the GUI thread and delivers only the newest
 * result, on the GUI thread.
 *
 * Every submit() gets a generation number and cancels the computation before it (through the
 * engine's CancellationToken, so that a slider drag does not queue work); a result whose
 * generation is no longer the newest is dropped (hotspot's jobtracker pattern). At most one
 * computation runs at a time, on the runner's own thread (a WorkerThread); a request arriving
 * meanwhile replaces any waiting one. Loaded models and random tensors are reused through a
 * ComputeCache.
 *
 * After cancel() returns, the generations it covered end in cancelled(), never in finished() or
 * failed(), whether or not the engine had already finished them.
 */
class AttentionJobRunner : public QObject {
    Q_OBJECT

public:
    explicit AttentionJobRunner(QObject* parent = nullptr);
    /** Cancels and waits for the runner's own computation only. */
    ~AttentionJobRunner() override;

    /** Starts (or queues behind the running one) `request`; returns its generation. */
    std::uint64_t submit(const AttentionRequest& request);
    /** Cancels the running and the waiting request. */
    void cancel();

    /**
     * Blocks until the running computation has ended. Its result still arrives through the event
     * loop, and stays subject to newer requests and cancel(): tests use this to make a finished
     * result due before they submit or cancel, instead of guessing at timings.
     */
    void waitForComputation() { m_worker.waitUntilIdle(); }

    [[nodiscard]] bool isBusy() const { return m_running; }
    /** Milliseconds since the running computation started, while busy. */
    [[nodiscard]] qint64 busyMilliseconds() const;
    /** The generation of the newest submit() (0 before the first). */
    [[nodiscard]] std::uint64_t latestGeneration() const { return m_generation; }

    /** Threads for the engine (0 = every core). */
    void setThreads(int threads) { m_threads = threads; }
    [[nodiscard]] int threads() const { return m_threads; }

    /** What computations reuse (loaded models, random tensors); shared with the worker. */
    [[nodiscard]] ComputeCache& cache() const { return *m_cache; }

signals:
    /** The newest request finished; outcome.generation is the one submit() returned. */
    void finished(const attnscope::AttentionOutcome& outcome);
    /** The newest request failed; `message` is core's one line naming what is wrong. */
    void failed(std::uint64_t generation, const QString& message);
    /** The newest request was stopped by cancel(). */
    void cancelled(std::uint64_t generation);
    /** A computation started, or the runner became idle. */
    void busyChanged(bool busy);

private:
    void startNext();

    std::uint64_t m_generation = 0;
    std::uint64_t m_cancelledUpTo = 0; ///< generations up to this one were cancelled by cancel()
    bool m_running = false;
    std::optional<std::pair<std::uint64_t, AttentionRequest>> m_waiting;
    CancellationToken m_cancel;
    QElapsedTimer m_busyTimer;
    int m_threads = 0;
    /** Shared with the worker, which may still run while a newer request waits. */
    std::shared_ptr<ComputeCache> m_cache;
    /** The runner's own thread: the destructor waits for it, not for Qt's global pool. Last, so
     *  that it is destroyed (and joined) before everything its replies use. */
    WorkerThread m_worker{QStringLiteral("attnscope-compute")};
};

} // namespace attnscope

Q_DECLARE_METATYPE(attnscope::AttentionOutcome)
