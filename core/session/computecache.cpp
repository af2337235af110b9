#include "core/session/computecache.h"

#include "core/attention/memorybudget.h"
#include "core/attention/multiheadattention.h"
#include "core/models/textmodel.h"

#include <QDir>
#include <QFileInfo>
#include <algorithm>
#include <exception>
#include <utility>

namespace attnscope {

std::uint64_t defaultModelCacheBudget() noexcept {
    const std::uint64_t physical = physicalMemoryBytes();
    return physical > 0 ? physical / 4 : std::uint64_t(2) << 30;
}

ComputeCache::ComputeCache(std::uint64_t modelBudgetBytes)
    : m_modelBudget(modelBudgetBytes > 0 ? modelBudgetBytes : defaultModelCacheBudget()) {}

ComputeCache::~ComputeCache() = default;

std::shared_ptr<const TextModel> ComputeCache::model(const QString& folder) {
    // One entry per folder however it is written ("m", "./m/", "/abs/m").
    const QString key = QDir::cleanPath(QFileInfo(folder).absoluteFilePath());
    std::promise<std::shared_ptr<const TextModel>> promise;
    std::unique_lock lock(m_modelMutex);
    const auto cached = std::find_if(m_models.begin(), m_models.end(),
                                     [&](const CachedModel& m) { return m.folder == key; });
    if (cached != m_models.end()) {
        m_models.splice(m_models.begin(), m_models, cached); // most recently used first
        return m_models.front().model;
    }
    if (const auto loading = m_loading.find(key); loading != m_loading.end()) {
        // Another request is loading this folder: wait for it without the lock, so that
        // requests for other folders do not wait behind it.
        const ModelFuture pending = loading->second;
        lock.unlock();
        return pending.get(); // rethrows the loader's error
    }
    m_loading.emplace(key, promise.get_future().share());
    lock.unlock();
    // Loading takes seconds for a large model: no lock is held meanwhile.
    try {
        auto loaded = std::make_shared<const TextModel>(TextModel::load(key.toStdString()));
        lock.lock();
        m_loading.erase(key);
        m_models.push_front({key, loaded, loaded->residentBytes()});
        evictLocked();
        lock.unlock();
        promise.set_value(loaded);
        return loaded;
    } catch (...) {
        if (!lock.owns_lock())
            lock.lock();
        m_loading.erase(key); // a failed load is not remembered: the next request tries again
        lock.unlock();
        promise.set_exception(std::current_exception());
        throw;
    }
}

void ComputeCache::evictLocked() {
    std::uint64_t total = 0;
    for (const CachedModel& m : m_models)
        total = saturatingAdd(total, m.bytes);
    while (m_models.size() > 1 && total > m_modelBudget) {
        total -= m_models.back().bytes;
        m_models.pop_back(); // a computation still running on it keeps its own reference
    }
}

QStringList ComputeCache::cachedModelFolders() const {
    std::lock_guard lock(m_modelMutex);
    QStringList folders;
    for (const CachedModel& m : m_models)
        folders << m.folder;
    return folders;
}

std::uint64_t ComputeCache::cachedModelBytes() const {
    std::lock_guard lock(m_modelMutex);
    std::uint64_t total = 0;
    for (const CachedModel& m : m_models)
        total = saturatingAdd(total, m.bytes);
    return total;
}

std::shared_ptr<const MultiHeadAttention>
ComputeCache::randomModule(const RandomSpec& spec, std::uint64_t memoryBudgetBytes) {
    std::lock_guard lock(m_randomMutex);
    const RandomKey key{spec.embed, spec.seed, spec.distribution};
    if (m_randomModule && key == m_moduleKey && m_randomModule->numHeads() == spec.heads)
        return m_randomModule;
    MultiHeadAttentionWeights weights;
    if (m_randomModule && key == m_moduleKey) {
        weights = m_randomModule->weights(); // only the head count changed: the same tensors
        weights.numHeads = spec.heads;
    } else {
        m_randomModule.reset(); // free the old weights before drawing new ones
        weights = makeRandomWeights(spec, memoryBudgetBytes);
    }
    m_randomModule = std::make_shared<const MultiHeadAttention>(std::move(weights));
    m_moduleKey = key;
    return m_randomModule;
}

namespace {

/** Rows [begin, end) of every batch item of t [batch, rows, width], as a new tensor. */
Tensor rowsOf(const Tensor& t, std::int64_t begin, std::int64_t end) {
    const std::int64_t batch = t.dim(0), rows = t.dim(1), width = t.dim(2);
    Tensor out = Tensor::uninitialized({batch, end - begin, width});
    for (std::int64_t b = 0; b < batch; ++b)
        std::copy_n(t.data() + (b * rows + begin) * width, (end - begin) * width,
                    out.data() + b * (end - begin) * width);
    return out;
}

/** a [batch, n, width] then b [batch, m, width], row blocks of each batch item together. */
Tensor joinRows(const Tensor& a, const Tensor& b) {
    const std::int64_t batch = a.dim(0), n = a.dim(1), m = b.dim(1), width = a.dim(2);
    Tensor out = Tensor::uninitialized({batch, n + m, width});
    for (std::int64_t i = 0; i < batch; ++i) {
        std::copy_n(a.data() + i * n * width, n * width, out.data() + i * (n + m) * width);
        std::copy_n(b.data() + i * m * width, m * width, out.data() + (i * (n + m) + n) * width);
    }
    return out;
}

} // namespace

ComputeCache::Projections ComputeCache::randomProjections(const RandomSpec& spec,
                                                          const ComputeOptions& options) {
    std::lock_guard lock(m_projectionMutex);
    const RandomKey key{spec.embed, spec.seed, spec.distribution};
    const bool same =
        key == m_projectionKey && spec.batch == m_projectionBatch && !m_projections.query.empty();
    const std::int64_t cached = same ? m_projections.query.dim(1) : 0;
    if (cached >= spec.seq) {
        checkMemoryBudget(saturatingProduct({2, spec.batch, spec.seq, spec.embed, sizeof(float)}),
                          options.memoryBudgetBytes, "random projections");
        if (cached == spec.seq)
            return m_projections;
        return {rowsOf(m_projections.query, 0, spec.seq), rowsOf(m_projections.key, 0, spec.seq)};
    }
    // The weights do not depend on the head count: any module of this embed, seed and
    // distribution projects the same.
    const std::shared_ptr<const MultiHeadAttention> module =
        randomModule(spec, options.memoryBudgetBytes);
    const Tensor input = randomInput(spec, options.memoryBudgetBytes);
    // Only the rows never projected; rows are independent in a projection.
    const Tensor fresh = rowsOf(input, cached, spec.seq);
    Tensor query = module->project(MultiHeadAttention::Projection::Query, fresh, options);
    Tensor keyRows = module->project(MultiHeadAttention::Projection::Key, fresh, options);
    if (cached > 0) {
        query = joinRows(m_projections.query, query);
        keyRows = joinRows(m_projections.key, keyRows);
    }
    m_projections = {std::move(query), std::move(keyRows)};
    m_projectionKey = key;
    m_projectionBatch = spec.batch;
    return m_projections;
}

Tensor ComputeCache::randomInput(const RandomSpec& spec, std::uint64_t memoryBudgetBytes) {
    std::lock_guard lock(m_randomMutex);
    const RandomKey key{spec.embed, spec.seed, spec.distribution};
    const bool covered = !m_randomInput.empty() && key == m_inputKey &&
                         m_inputBatch == spec.batch && m_randomInput.dim(1) >= spec.seq;
    if (!covered) {
        m_randomInput = Tensor(); // free the old input before drawing the new one
        m_randomInput = makeRandomInput(spec, memoryBudgetBytes);
        m_inputKey = key;
        m_inputBatch = spec.batch;
        return m_randomInput;
    }
    if (m_randomInput.dim(1) == spec.seq)
        return m_randomInput;
    // The first seq rows of each batch item are exactly what makeRandomInput would draw.
    checkMemoryBudget(
        saturatingProduct({spec.batch, spec.seq, spec.embed, std::int64_t(sizeof(float))}),
        memoryBudgetBytes, "random input");
    Tensor input = Tensor::uninitialized({spec.batch, spec.seq, spec.embed});
    const std::int64_t rows = spec.seq * spec.embed;
    const std::int64_t cachedRows = m_randomInput.dim(1) * spec.embed;
    for (std::int64_t b = 0; b < spec.batch; ++b)
        std::copy_n(m_randomInput.data() + b * cachedRows, rows, input.data() + b * rows);
    return input;
}

} // namespace attnscope
