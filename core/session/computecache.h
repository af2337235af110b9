#pragma once

#include "core/attention/randomtensors.h"
#include "core/attention/threading.h"
#include "core/base/tensor.h"

#include <QString>
#include <QStringList>
#include <cstdint>
#include <future>
#include <list>
#include <map>
#include <memory>
#include <mutex>

namespace attnscope {

class MultiHeadAttention;
class TextModel;

/** The default byte budget of the loaded-model cache: a quarter of the physical memory. */
std::uint64_t defaultModelCacheBudget() noexcept;

/**
 * What a computation may reuse from earlier ones; thread-safe.
 *
 * - Loaded models, least recently used first out once their bytes (weights and the packed copies
 *   the engine keeps, TextModel::residentBytes) pass the budget; the model just used always stays.
 *   A model is loaded outside every lock: a second request for the same folder waits for that
 *   load, a request for another folder or for random tensors does not wait at all.
 * - The random mode's attention module: its weights depend on embed, seed and distribution only,
 *   and drawing 4·E² portable normals costs far more than the attention itself at E = 768.
 * - The random mode's input: its rows do not depend on the sequence length (one stream per batch
 *   item), so the longest input drawn so far gives every shorter one as its first rows.
 * - The random mode's projected queries and keys, for the same reason: dragging the sequence
 *   length projects only rows that were never projected (nothing, going down).
 */
class ComputeCache {
public:
    /** `modelBudgetBytes` 0 means defaultModelCacheBudget(). */
    explicit ComputeCache(std::uint64_t modelBudgetBytes = 0);
    ComputeCache(const ComputeCache&) = delete;
    ComputeCache& operator=(const ComputeCache&) = delete;
    ~ComputeCache();

    /** The model of `folder`, loaded once (TextModel::load). Throws Error; a failure is not cached.
     */
    std::shared_ptr<const TextModel> model(const QString& folder);

    /** The module for `spec` (seq and batch are ignored). Throws Error. */
    std::shared_ptr<const MultiHeadAttention> randomModule(const RandomSpec& spec,
                                                           std::uint64_t memoryBudgetBytes);
    /** makeRandomInput(spec), bit for bit, from the cached longer input when there is one. */
    Tensor randomInput(const RandomSpec& spec, std::uint64_t memoryBudgetBytes);

    /** The random problem's projected queries and keys, each [batch, seq, embed]. */
    struct Projections {
        Tensor query;
        Tensor key;
    };
    /**
     * randomModule(spec)'s projections of randomInput(spec) (MultiHeadAttention::project), bit
     * for bit, projecting only the rows not projected before. Throws Error, Cancelled.
     */
    Projections randomProjections(const RandomSpec& spec, const ComputeOptions& options);

    /** The cached model folders (absolute paths), most recently used first. */
    [[nodiscard]] QStringList cachedModelFolders() const;
    /** What the cached models hold, in bytes. */
    [[nodiscard]] std::uint64_t cachedModelBytes() const;
    [[nodiscard]] std::uint64_t modelBudgetBytes() const noexcept { return m_modelBudget; }

private:
    struct CachedModel {
        QString folder;
        std::shared_ptr<const TextModel> model;
        std::uint64_t bytes = 0;
    };
    using ModelFuture = std::shared_future<std::shared_ptr<const TextModel>>;

    /** Drops least recently used models until the budget holds (the first one always stays). */
    void evictLocked();

    const std::uint64_t m_modelBudget;
    mutable std::mutex m_modelMutex; ///< guards m_models and m_loading, never held while loading
    std::list<CachedModel> m_models; ///< most recently used first
    std::map<QString, ModelFuture> m_loading;

    struct RandomKey {
        std::int64_t embed = 0;
        std::uint64_t seed = 0;
        Distribution distribution = Distribution::Normal;
        friend bool operator==(const RandomKey&, const RandomKey&) = default;
    };
    std::mutex m_randomMutex; ///< guards the random mode's module and input
    RandomKey m_moduleKey;
    std::shared_ptr<const MultiHeadAttention>
        m_randomModule; ///< the last one only: weights are big
    RandomKey m_inputKey;
    std::int64_t m_inputBatch = 0;
    Tensor m_randomInput; ///< the longest input drawn for m_inputKey, [batch, seq, embed]

    std::mutex m_projectionMutex; ///< guards the projections (takes the random mutex inside)
    RandomKey m_projectionKey;
    std::int64_t m_projectionBatch = 0;
    Projections m_projections; ///< of the longest input projected for m_projectionKey
};

} // namespace attnscope
