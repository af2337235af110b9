#pragma once

#include "core/base/cancellation.h"
#include "ui/session/attentionrequest.h"

#include <QElapsedTimer>
#include <QObject>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>

namespace attnscope {

class MultiHeadAttention;
class TextModel;

/**
 * What a computation may reuse from earlier ones: loaded models, and the random mode's attention
 * module (its weights depend on embed, seed and distribution only, and drawing 4·E² portable
 * normals costs far more than the attention itself at E=768). Thread-safe.
 */
class ComputeCache {
public:
    /** Loads `folder` once and keeps it. Throws Error. */
    std::shared_ptr<const TextModel> model(const QString& folder);
    /** The module for `spec` (seq is ignored). Throws Error. */
    std::shared_ptr<const MultiHeadAttention> randomModule(const RandomSpec& spec,
                                                           std::uint64_t memoryBudgetBytes);

private:
    std::mutex m_mutex;
    std::map<QString, std::shared_ptr<const TextModel>> m_models;
    struct RandomKey {
        std::int64_t embed = 0;
        std::int64_t heads = 0;
        std::uint64_t seed = 0;
        Distribution distribution = Distribution::Normal;
        friend bool operator==(const RandomKey&, const RandomKey&) = default;
    };
    RandomKey m_randomKey;
    std::shared_ptr<const MultiHeadAttention>
        m_randomModule; ///< the last one only: weights are big
};

/**
 * Runs attention requests off the GUI thread and delivers only the newest result.
 *
 * Every submit() gets a generation number and cancels the computation before it (through the
 * engine's CancellationToken, so a slider drag does not queue work); a result whose generation is
 * no longer the newest is dropped (hotspot's jobtracker pattern). Loaded models are cached by
 * folder, so typing in the sentence box only tokenizes and runs. At most one computation runs at a
 * time; a request arriving meanwhile replaces any waiting one.
 */
class AttentionJobRunner : public QObject {
    Q_OBJECT

public:
    explicit AttentionJobRunner(QObject* parent = nullptr);
    ~AttentionJobRunner() override;

    /** Starts (or queues behind the running one) `request`; returns its generation. */
    std::uint64_t submit(const AttentionRequest& request);
    /** Cancels the running and waiting requests; emits cancelled() for the running one. */
    void cancel();

    [[nodiscard]] bool isBusy() const { return m_running; }
    /** Milliseconds since the newest request was submitted while busy. */
    [[nodiscard]] qint64 busyMilliseconds() const;

    /** Threads for the engine (0 = every core). */
    void setThreads(int threads) { m_threads = threads; }
    [[nodiscard]] int threads() const { return m_threads; }

    /** Runs `request` on the calling thread (the worker body; also used by tests and benchmarks).
     */
    static AttentionOutcome compute(const AttentionRequest& request, int threads,
                                    const CancellationToken& cancel, ComputeCache& cache);

signals:
    /** The newest request finished; `generation` is the one submit() returned. */
    void finished(std::uint64_t generation, const attnscope::AttentionOutcome& outcome);
    /** The newest request failed; `message` names what is wrong (one line). */
    void failed(std::uint64_t generation, const QString& message);
    /** The newest request was cancelled by cancel(). */
    void cancelled(std::uint64_t generation);
    /** A computation started or the runner became idle. */
    void busyChanged(bool busy);

private:
    void startNext();

    std::uint64_t m_generation = 0;
    bool m_running = false;
    bool m_userCancelled = false;
    std::optional<std::pair<std::uint64_t, AttentionRequest>> m_waiting;
    CancellationToken m_cancel;
    QElapsedTimer m_busyTimer;
    int m_threads = 0;
    /** Shared with the worker, which may outlive a cancelled request. */
    std::shared_ptr<ComputeCache> m_cache = std::make_shared<ComputeCache>();
};

} // namespace attnscope

Q_DECLARE_METATYPE(attnscope::AttentionOutcome)
