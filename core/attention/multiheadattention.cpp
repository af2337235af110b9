#include "core/attention/multiheadattention.h"

#include "core/attention/kernels.h"
#include "core/attention/memorybudget.h"
#include "core/attention/validation.h"
#include "core/base/error.h"
#include "core/formats/safetensors.h"

#include <algorithm>
#include <set>
#include <vector>

namespace attnscope {

namespace {} // namespace

namespace detail {
/** A module's four projection weights, each packed as Wᵀ (see gemm.h). */
struct PackedProjections {
    PackedRhs query, key, value, out;
};
} // namespace detail

std::string allowedHeadCounts(std::int64_t embed) {
    std::string list;
    for (std::int64_t h = 1; h <= embed; ++h) {
        if (embed % h == 0)
            list += (list.empty() ? "" : ", ") + std::to_string(h);
    }
    return list;
}

MultiHeadAttention::MultiHeadAttention(MultiHeadAttentionWeights weights)
    : m_weights(std::move(weights)) {
    const MultiHeadAttentionWeights& w = m_weights;
    if (w.outProjWeight.rank() != 2 || w.outProjWeight.dim(0) != w.outProjWeight.dim(1) ||
        w.outProjWeight.dim(0) <= 0)
        throw Error("out_proj.weight must be a square [E, E] matrix with E > 0 but has shape " +
                    shapeToString(w.outProjWeight.shape()));
    const std::int64_t E = w.outProjWeight.dim(0);
    m_embedDim = E;
    if (w.numHeads <= 0)
        throw Error("num_heads must be positive, got " + std::to_string(w.numHeads));
    if (E % w.numHeads != 0)
        throw Error("num_heads " + std::to_string(w.numHeads) + " does not divide embed_dim " +
                    std::to_string(E) + " (allowed: " + allowedHeadCounts(E) + ")");

    const bool packed = !w.inProjWeight.empty();
    const bool separate =
        !w.qProjWeight.empty() || !w.kProjWeight.empty() || !w.vProjWeight.empty();
    if (packed && separate)
        throw Error("both in_proj_weight and q_proj_weight/k_proj_weight/v_proj_weight are "
                    "present; expected one or the other");
    if (packed) {
        requireShape(w.inProjWeight.shape(), {3 * E, E}, "in_proj_weight");
        m_keyDim = m_valueDim = E;
    } else {
        if (w.qProjWeight.empty() || w.kProjWeight.empty() || w.vProjWeight.empty())
            throw Error("expected in_proj_weight, or all of q_proj_weight, k_proj_weight and "
                        "v_proj_weight");
        requireShape(w.qProjWeight.shape(), {E, E}, "q_proj_weight");
        if (w.kProjWeight.rank() != 2 || w.kProjWeight.dim(0) != E)
            throw Error("k_proj_weight must have shape [" + std::to_string(E) + ", kdim] but has " +
                        shapeToString(w.kProjWeight.shape()));
        if (w.vProjWeight.rank() != 2 || w.vProjWeight.dim(0) != E)
            throw Error("v_proj_weight must have shape [" + std::to_string(E) + ", vdim] but has " +
                        shapeToString(w.vProjWeight.shape()));
        m_keyDim = w.kProjWeight.dim(1);
        m_valueDim = w.vProjWeight.dim(1);
    }
    if (!w.inProjBias.empty())
        requireShape(w.inProjBias.shape(), {3 * E}, "in_proj_bias");
    if (!w.outProjBias.empty())
        requireShape(w.outProjBias.shape(), {E}, "out_proj.bias");
    if (w.biasK.empty() != w.biasV.empty())
        throw Error("bias_k and bias_v must be given together (add_bias_kv=True)");
    if (!w.biasK.empty()) {
        requireShape(w.biasK.shape(), {1, 1, E}, "bias_k");
        requireShape(w.biasV.shape(), {1, 1, E}, "bias_v");
    }

    const std::pair<const Tensor*, const char*> named[] = {{&w.inProjWeight, "in_proj_weight"},
                                                           {&w.qProjWeight, "q_proj_weight"},
                                                           {&w.kProjWeight, "k_proj_weight"},
                                                           {&w.vProjWeight, "v_proj_weight"},
                                                           {&w.inProjBias, "in_proj_bias"},
                                                           {&w.outProjWeight, "out_proj.weight"},
                                                           {&w.outProjBias, "out_proj.bias"},
                                                           {&w.biasK, "bias_k"},
                                                           {&w.biasV, "bias_v"}};
    for (const auto& [tensor, name] : named)
        requireFinite(*tensor, name);

    // Packed once here rather than on every forward (a window redraw, a model layer): every call
    // multiplies by the same weights.
    const int threads = resolveThreadCount(0);
    auto packedProjections = std::make_shared<detail::PackedProjections>();
    packedProjections->query = detail::PackedRhs::fromTransposed(
        packed ? w.inProjWeight.data() : w.qProjWeight.data(), E, E, threads);
    packedProjections->key = detail::PackedRhs::fromTransposed(
        packed ? w.inProjWeight.data() + E * E : w.kProjWeight.data(), E, m_keyDim, threads);
    packedProjections->value = detail::PackedRhs::fromTransposed(
        packed ? w.inProjWeight.data() + 2 * E * E : w.vProjWeight.data(), E, m_valueDim, threads);
    packedProjections->out =
        detail::PackedRhs::fromTransposed(w.outProjWeight.data(), E, E, threads);
    m_packed = std::move(packedProjections);
}

std::uint64_t MultiHeadAttention::residentBytes() const noexcept {
    const MultiHeadAttentionWeights& w = m_weights;
    std::uint64_t bytes = 0;
    for (const Tensor* t : {&w.inProjWeight, &w.qProjWeight, &w.kProjWeight, &w.vProjWeight,
                            &w.inProjBias, &w.outProjWeight, &w.outProjBias, &w.biasK, &w.biasV})
        bytes = saturatingAdd(bytes, saturatingProduct({t->numel(), sizeof(float)}));
    if (m_packed)
        for (const detail::PackedRhs* p :
             {&m_packed->query, &m_packed->key, &m_packed->value, &m_packed->out})
            bytes = saturatingAdd(bytes, p->bytes());
    return bytes;
}

MultiHeadAttention MultiHeadAttention::fromStateDict(const safetensors::File& file,
                                                     std::int64_t numHeads, bool addZeroAttention,
                                                     const std::string& keyPrefix) {
    MultiHeadAttentionWeights w;
    w.numHeads = numHeads;
    w.addZeroAttention = addZeroAttention;
    const std::pair<const char*, Tensor*> slots[] = {{"in_proj_weight", &w.inProjWeight},
                                                     {"q_proj_weight", &w.qProjWeight},
                                                     {"k_proj_weight", &w.kProjWeight},
                                                     {"v_proj_weight", &w.vProjWeight},
                                                     {"in_proj_bias", &w.inProjBias},
                                                     {"out_proj.weight", &w.outProjWeight},
                                                     {"out_proj.bias", &w.outProjBias},
                                                     {"bias_k", &w.biasK},
                                                     {"bias_v", &w.biasV}};
    std::set<std::string> known;
    for (const auto& [name, slot] : slots) {
        const std::string full = keyPrefix + name;
        known.insert(full);
        if (file.contains(full))
            *slot = file.toFloat(full);
    }
    std::string unknown;
    for (const std::string& name : file.names()) {
        if (name.rfind(keyPrefix, 0) == 0 && !known.contains(name))
            unknown += (unknown.empty() ? "" : ", ") + name;
    }
    if (!unknown.empty())
        throw Error(file.path() + ": unexpected tensors for nn.MultiheadAttention: " + unknown);
    if (w.outProjWeight.empty())
        throw Error(file.path() + ": missing tensor '" + keyPrefix + "out_proj.weight'");
    try {
        return MultiHeadAttention(std::move(w));
    } catch (const Cancelled&) {
        throw;
    } catch (const Error& e) {
        throw Error(file.path() + ": " + e.what());
    }
}

std::uint64_t MultiHeadAttention::estimateForwardBytes(std::int64_t batch, std::int64_t seq,
                                                       std::int64_t keySeq, bool needWeights,
                                                       int threads) const {
    const std::int64_t E = m_embedDim;
    const std::int64_t extra =
        (m_weights.biasK.empty() ? 0 : 1) + (m_weights.addZeroAttention ? 1 : 0);
    const std::int64_t keys = keySeq + extra;
    std::uint64_t n = saturatingProduct({batch, seq, E}); // query input
    n = saturatingAdd(
        n, saturatingProduct({batch, keySeq, m_keyDim + m_valueDim})); // key/value inputs
    n = saturatingAdd(n, saturatingProduct({batch, seq, E}));          // projected q
    n = saturatingAdd(n, saturatingProduct({batch, keys, 2 * E}));     // projected k, v
    n = saturatingAdd(n, saturatingProduct({batch, seq, E}));          // heads concatenated
    n = saturatingAdd(n, saturatingProduct({batch, seq, E}));          // output
    if (needWeights)
        n = saturatingAdd(n, saturatingProduct({batch, m_weights.numHeads, seq, keys}));
    const std::uint64_t bytes = saturatingMul(n, sizeof(float));
    const std::int64_t headDim = E / m_weights.numHeads;
    return saturatingAdd(bytes,
                         detail::attentionWorkingBytes(batch, m_weights.numHeads, seq, keys,
                                                       headDim, headDim, needWeights, threads));
}

double MultiHeadAttention::forwardFlops(std::int64_t batch, std::int64_t seq,
                                        std::int64_t keySeq) const {
    const double B = static_cast<double>(batch), S = static_cast<double>(seq);
    const double E = static_cast<double>(m_embedDim);
    const double keys = static_cast<double>(keySeq + (m_weights.biasK.empty() ? 0 : 1) +
                                            (m_weights.addZeroAttention ? 1 : 0));
    const double T = static_cast<double>(keySeq);
    const double projections = 2.0 * B *
                               (S * E * E + T * static_cast<double>(m_keyDim) * E +
                                T * static_cast<double>(m_valueDim) * E + S * E * E);
    const double attention = 2.0 * 2.0 * B * S * keys * E; // q·kᵀ and p·v over all heads
    return projections + attention;
}

detail::AttentionProblem MultiHeadAttention::problemFor(std::int64_t batch, std::int64_t seq,
                                                        std::int64_t keySeq,
                                                        const MultiHeadMasks& masks,
                                                        const AttentionParams& params) const {
    const std::int64_t Dh = m_embedDim / m_weights.numHeads;
    detail::AttentionProblem p;
    p.batch = batch;
    p.heads = m_weights.numHeads;
    p.seq = seq;
    p.keySeq = keySeq + (m_weights.biasK.empty() ? 0 : 1) + (m_weights.addZeroAttention ? 1 : 0);
    p.headDim = Dh;
    p.valueDim = Dh;
    // Appended keys (bias_k, zero attention) are never masked, as PyTorch pads its masks.
    detail::setMasks(p, {masks.causal, masks.keyPadding, masks.hidden, masks.additive}, keySeq,
                     /*flatBatchHeads=*/true);
    p.logitScale = detail::resolveLogitScale(params, Dh);
    detail::requireSomethingToCompute(params);
    return p;
}

void MultiHeadAttention::checkForwardBudget(std::int64_t batch, std::int64_t seq,
                                            std::int64_t keySeq, const AttentionParams& params,
                                            const ComputeOptions& options, int threads) const {
    checkMemoryBudget(estimateForwardBytes(batch, seq, keySeq, params.needWeights, threads),
                      options.memoryBudgetBytes,
                      "multi-head attention (batch " + std::to_string(batch) + ", " +
                          std::to_string(seq) + " queries × " + std::to_string(keySeq) + " keys, " +
                          std::to_string(m_weights.numHeads) + " heads, embed " +
                          std::to_string(m_embedDim) + ")");
}

void MultiHeadAttention::appendExtraKeys(float* keys, float* values, std::int64_t batch,
                                         std::int64_t keySeq) const {
    const std::int64_t E = m_embedDim;
    const bool hasBiasKV = !m_weights.biasK.empty();
    const std::int64_t rows = keySeq + (hasBiasKV ? 1 : 0) + (m_weights.addZeroAttention ? 1 : 0);
    for (std::int64_t b = 0; b < batch; ++b) {
        // PyTorch appends bias_k / bias_v after the projection, as one more key of every batch,
        // then add_zero_attn's zero key and value.
        if (hasBiasKV) {
            std::copy_n(m_weights.biasK.data(), E, keys + (b * rows + keySeq) * E);
            if (values != nullptr)
                std::copy_n(m_weights.biasV.data(), E, values + (b * rows + keySeq) * E);
        }
        if (m_weights.addZeroAttention) {
            std::fill_n(keys + (b * rows + rows - 1) * E, E, 0.0f);
            if (values != nullptr)
                std::fill_n(values + (b * rows + rows - 1) * E, E, 0.0f);
        }
    }
}

AttentionResult MultiHeadAttention::attendHeads(detail::AttentionProblem p, const float* query,
                                                const float* keys, const float* values,
                                                const AttentionParams& params, int threads,
                                                const CancellationToken& cancel) const {
    const std::int64_t E = m_embedDim, B = p.batch, S = p.seq;
    const std::int64_t Dh = p.headDim;
    AttentionResult result;
    if (params.needWeights)
        result.weights = Tensor::uninitialized({B, p.heads, S, p.keySeq});
    const bool output = values != nullptr;
    AlignedVector<float> heads(static_cast<std::size_t>(output ? B * S * E : 0));
    // Head h of [B, S, E] / [B, keys, E] is columns [h·Dh, (h+1)·Dh).
    p.query = {query, S * E, Dh, E};
    p.key = {keys, p.keySeq * E, Dh, E};
    if (output) {
        p.value = {values, p.keySeq * E, Dh, E};
        p.output = {heads.data(), S * E, Dh, E};
    }
    p.weights = params.needWeights ? result.weights.data() : nullptr;
    detail::runAttention(p, threads, cancel);
    if (!output)
        return result;

    result.output = Tensor::uninitialized({B, S, E});
    const float* outBias = m_weights.outProjBias.empty() ? nullptr : m_weights.outProjBias.data();
    detail::runLinear(
        {{heads.data(), B * S, m_packed->out.view(), outBias, result.output.data(), E}}, threads,
        cancel);
    requireFiniteResult(result.output);
    return result;
}

AttentionResult MultiHeadAttention::forward(const Tensor& query, const Tensor* key,
                                            const Tensor* value, const MultiHeadMasks& masks,
                                            const AttentionParams& params,
                                            const ComputeOptions& options) const {
    const std::int64_t E = m_embedDim;
    if (query.rank() != 3 || query.dim(2) != E)
        throw Error("query must have shape [B, S, " + std::to_string(E) + "] but has " +
                    shapeToString(query.shape()));
    const std::int64_t B = query.dim(0), S = query.dim(1);
    if ((key == nullptr) != (value == nullptr))
        throw Error("key and value must be given together (or neither, for self-attention)");
    const bool selfAttention = key == nullptr;
    if (selfAttention && (m_keyDim != E || m_valueDim != E))
        throw Error("this module has kdim=" + std::to_string(m_keyDim) +
                    ", vdim=" + std::to_string(m_valueDim) + " != embed_dim " + std::to_string(E) +
                    ": give key and value explicitly");
    const Tensor& keyInput = selfAttention ? query : *key;
    const Tensor& valueInput = selfAttention ? query : *value;
    if (!selfAttention) {
        if (keyInput.rank() != 3 || keyInput.dim(0) != B || keyInput.dim(2) != m_keyDim)
            throw Error("key must have shape [" + std::to_string(B) + ", T, " +
                        std::to_string(m_keyDim) + "] but has " + shapeToString(keyInput.shape()));
        requireShape(valueInput.shape(), {B, keyInput.dim(1), m_valueDim}, "value");
    }
    const std::int64_t T = keyInput.dim(1);
    const detail::AttentionProblem p = problemFor(B, S, T, masks, params);
    const std::int64_t keys = p.keySeq;

    const int threads = resolveThreadCount(options.threads);
    checkForwardBudget(B, S, T, params, options, threads);

    requireFinite(query, "query");
    if (!selfAttention) {
        requireFinite(keyInput, "key");
        requireFinite(valueInput, "value");
    }

    // In-projections, laid out [B, S, E] / [B, keys, E].
    AlignedVector<float> projectedQuery(static_cast<std::size_t>(B * S * E));
    AlignedVector<float> projectedKey(static_cast<std::size_t>(B * keys * E));
    // Values feed only the output: a weights-only forward neither projects nor reads them.
    const bool output = params.needOutput;
    AlignedVector<float> projectedValue(static_cast<std::size_t>(output ? B * keys * E : 0));

    const float* bias = m_weights.inProjBias.empty() ? nullptr : m_weights.inProjBias.data();
    std::vector<detail::LinearTask> tasks;
    tasks.push_back({query.data(), B * S, m_packed->query.view(), bias, projectedQuery.data(), E});
    auto addKeyValueTasks = [&](const Tensor& input, const detail::PackedRhs& weight,
                                const float* taskBias, AlignedVector<float>& out) {
        const std::int64_t inFeatures = weight.view().depth;
        if (keys == T) {
            tasks.push_back({input.data(), B * T, weight.view(), taskBias, out.data(), E});
            return;
        }
        // Appended keys (bias_k, zero attention) leave a gap after each batch's T rows.
        for (std::int64_t b = 0; b < B; ++b)
            tasks.push_back({input.data() + b * T * inFeatures, T, weight.view(), taskBias,
                             out.data() + b * keys * E, E});
    };
    addKeyValueTasks(keyInput, m_packed->key, bias ? bias + E : nullptr, projectedKey);
    if (output)
        addKeyValueTasks(valueInput, m_packed->value, bias ? bias + 2 * E : nullptr,
                         projectedValue);
    // The three projections share the workers: one parallel loop over all their tiles.
    detail::runLinear(tasks, threads, options.cancel);
    appendExtraKeys(projectedKey.data(), output ? projectedValue.data() : nullptr, B, T);
    return attendHeads(p, projectedQuery.data(), projectedKey.data(),
                       output ? projectedValue.data() : nullptr, params, threads, options.cancel);
}

Tensor MultiHeadAttention::project(Projection which, const Tensor& input,
                                   const ComputeOptions& options) const {
    const char* name = which == Projection::Query ? "query"
                       : which == Projection::Key ? "key"
                                                  : "value";
    const detail::PackedRhs& weight = which == Projection::Query ? m_packed->query
                                      : which == Projection::Key ? m_packed->key
                                                                 : m_packed->value;
    const std::int64_t inFeatures = weight.view().depth;
    if (input.rank() != 3 || input.dim(2) != inFeatures)
        throw Error(std::string(name) + " must have shape [B, S, " + std::to_string(inFeatures) +
                    "] but has " + shapeToString(input.shape()));
    const std::int64_t B = input.dim(0), S = input.dim(1), E = m_embedDim;
    checkMemoryBudget(saturatingProduct({B, S, E + inFeatures, sizeof(float)}),
                      options.memoryBudgetBytes,
                      std::string(name) + " projection (" + std::to_string(B * S) + " rows)");
    requireFinite(input, name);
    const float* bias = m_weights.inProjBias.empty()
                            ? nullptr
                            : m_weights.inProjBias.data() + E * std::int64_t(which);
    Tensor projected = Tensor::uninitialized({B, S, E});
    detail::runLinear({{input.data(), B * S, weight.view(), bias, projected.data(), E}},
                      resolveThreadCount(options.threads), options.cancel);
    return projected;
}

AttentionResult MultiHeadAttention::forwardProjected(const Tensor& query, const Tensor& key,
                                                     const Tensor* value,
                                                     const MultiHeadMasks& masks,
                                                     const AttentionParams& params,
                                                     const ComputeOptions& options) const {
    const std::int64_t E = m_embedDim;
    if (query.rank() != 3 || query.dim(2) != E)
        throw Error("projected query must have shape [B, S, " + std::to_string(E) + "] but has " +
                    shapeToString(query.shape()));
    const std::int64_t B = query.dim(0), S = query.dim(1);
    if (key.rank() != 3 || key.dim(0) != B || key.dim(2) != E)
        throw Error("projected key must have shape [" + std::to_string(B) + ", T, " +
                    std::to_string(E) + "] but has " + shapeToString(key.shape()));
    const std::int64_t T = key.dim(1);
    if (params.needOutput && value == nullptr)
        throw Error("projected value missing: the output needs it (or turn needOutput off)");
    if (value != nullptr)
        requireShape(value->shape(), {B, T, E}, "projected value");
    const detail::AttentionProblem p = problemFor(B, S, T, masks, params);
    const int threads = resolveThreadCount(options.threads);
    checkForwardBudget(B, S, T, params, options, threads);
    const bool output = params.needOutput;
    if (p.keySeq == T) // nothing appended: the projections are read where they are
        return attendHeads(p, query.data(), key.data(), output ? value->data() : nullptr, params,
                           threads, options.cancel);
    // Room after each batch's T rows for bias_k and the zero key, as forward() lays them out.
    const auto withGaps = [&](const Tensor& t) {
        AlignedVector<float> out(static_cast<std::size_t>(B * p.keySeq * E));
        for (std::int64_t b = 0; b < B; ++b)
            std::copy_n(t.data() + b * T * E, T * E, out.data() + b * p.keySeq * E);
        return out;
    };
    AlignedVector<float> keys = withGaps(key);
    AlignedVector<float> values = output ? withGaps(*value) : AlignedVector<float>();
    appendExtraKeys(keys.data(), output ? values.data() : nullptr, B, T);
    return attendHeads(p, query.data(), keys.data(), output ? values.data() : nullptr, params,
                       threads, options.cancel);
}

} // namespace attnscope
