#include "core/attention/scaleddotproduct.h"

#include "core/attention/kernels.h"
#include "core/attention/memorybudget.h"
#include "core/attention/validation.h"
#include "core/base/error.h"

#include <cmath>

namespace attnscope {

namespace detail {

/** Checks a [S,T] or [B,H,S,T] mask; returns true when it is per head. Shared with MHA. */
template <typename MaskT>
bool checkAttentionMaskShape(const MaskT& mask, std::int64_t batch, std::int64_t heads,
                             std::int64_t seq, std::int64_t keySeq, const std::string& what,
                             bool flatBatchHeads) {
    const Shape& shape = mask.shape();
    if (shape == Shape{seq, keySeq})
        return false;
    if (shape == Shape{batch, heads, seq, keySeq})
        return true;
    if (flatBatchHeads && shape == Shape{batch * heads, seq, keySeq})
        return true;
    std::string expected =
        shapeToString({seq, keySeq}) + " or " + shapeToString({batch, heads, seq, keySeq});
    if (flatBatchHeads)
        expected += " or " + shapeToString({batch * heads, seq, keySeq});
    throw Error(what + " must have shape " + expected + " but has " + shapeToString(shape));
}

template bool checkAttentionMaskShape<Tensor>(const Tensor&, std::int64_t, std::int64_t,
                                              std::int64_t, std::int64_t, const std::string&, bool);
template bool checkAttentionMaskShape<MaskTensor>(const MaskTensor&, std::int64_t, std::int64_t,
                                                  std::int64_t, std::int64_t, const std::string&,
                                                  bool);

void setMasks(AttentionProblem& p, const AttentionMasks& masks, std::int64_t maskedKeys,
              bool flatBatchHeads) {
    const std::int64_t B = p.batch, H = p.heads, S = p.seq, T = maskedKeys;
    p.maskedKeys = T;
    p.causal = masks.causal;
    if (masks.keyPadding != nullptr) {
        requireShape(masks.keyPadding->shape(), {B, T}, "key padding mask");
        p.keyPadding = masks.keyPadding->data();
    }
    if (masks.hidden != nullptr) {
        p.hiddenPerHead = checkAttentionMaskShape(*masks.hidden, B, H, S, T,
                                                  "boolean attention mask", flatBatchHeads);
        p.hidden = masks.hidden->data();
    }
    if (masks.additive != nullptr) {
        p.additivePerHead = checkAttentionMaskShape(*masks.additive, B, H, S, T,
                                                    "additive attention mask", flatBatchHeads);
        requireFiniteOrNegativeInfinity(*masks.additive, "additive attention mask");
        p.additive = masks.additive->data();
    }
}

void requireSomethingToCompute(const AttentionParams& params) {
    if (!params.needWeights && !params.needOutput)
        throw Error("nothing to compute: neither the weights nor the output are asked for");
}

float resolveLogitScale(const AttentionParams& params, std::int64_t headDim) {
    if (!(params.temperature > 0.0f) || !std::isfinite(params.temperature))
        throw Error("temperature must be a finite number > 0, got " +
                    std::to_string(params.temperature));
    const float scale =
        params.scale ? *params.scale : 1.0f / std::sqrt(static_cast<float>(headDim));
    if (!std::isfinite(scale))
        throw Error("scale must be a finite number, got " + std::to_string(scale));
    return scale / params.temperature;
}

} // namespace detail

std::uint64_t estimateScaledDotProductBytes(std::int64_t batch, std::int64_t heads,
                                            std::int64_t seq, std::int64_t keySeq,
                                            std::int64_t headDim, std::int64_t valueDim,
                                            bool needWeights, int threads) {
    std::uint64_t floats = saturatingProduct({batch, heads, seq, headDim});              // Q
    floats = saturatingAdd(floats, saturatingProduct({batch, heads, keySeq, headDim}));  // K
    floats = saturatingAdd(floats, saturatingProduct({batch, heads, keySeq, valueDim})); // V
    floats = saturatingAdd(floats, saturatingProduct({batch, heads, seq, valueDim}));    // out
    if (needWeights)
        floats = saturatingAdd(floats, saturatingProduct({batch, heads, seq, keySeq}));
    const std::uint64_t bytes = saturatingMul(floats, sizeof(float));
    return saturatingAdd(bytes, detail::attentionWorkingBytes(batch, heads, seq, keySeq, headDim,
                                                              valueDim, needWeights, threads));
}

AttentionResult scaledDotProductAttention(const Tensor& query, const Tensor& key,
                                          const Tensor& value, const AttentionMasks& masks,
                                          const AttentionParams& params,
                                          const ComputeOptions& options) {
    if (query.rank() != 4)
        throw Error("query must have shape [B, H, S, Dh] but has " + shapeToString(query.shape()));
    const std::int64_t B = query.dim(0), H = query.dim(1), S = query.dim(2), Dh = query.dim(3);
    if (key.rank() != 4)
        throw Error("key must have shape [B, H, T, Dh] but has " + shapeToString(key.shape()));
    const std::int64_t T = key.dim(2);
    requireShape(key.shape(), {B, H, T, Dh}, "key");
    if (value.rank() != 4 || value.dim(0) != B || value.dim(1) != H || value.dim(2) != T)
        throw Error("value must have shape [" + std::to_string(B) + ", " + std::to_string(H) +
                    ", " + std::to_string(T) + ", Dv] but has " + shapeToString(value.shape()));
    const std::int64_t Dv = value.dim(3);
    if (Dh <= 0)
        throw Error("query head dimension must be positive, got " + std::to_string(Dh));

    detail::AttentionProblem p;
    p.batch = B;
    p.heads = H;
    p.seq = S;
    p.keySeq = T;
    p.headDim = Dh;
    p.valueDim = Dv;
    detail::setMasks(p, masks, T, /*flatBatchHeads=*/false);
    p.logitScale = detail::resolveLogitScale(params, Dh);
    detail::requireSomethingToCompute(params);

    const int threads = resolveThreadCount(options.threads);
    checkMemoryBudget(
        estimateScaledDotProductBytes(B, H, S, T, Dh, Dv, params.needWeights, threads),
        options.memoryBudgetBytes,
        "attention over " + shapeToString(query.shape()) + " × " + shapeToString(key.shape()));

    requireFinite(query, "query");
    requireFinite(key, "key");
    requireFinite(value, "value");

    AttentionResult result;
    if (params.needOutput)
        result.output = Tensor::uninitialized({B, H, S, Dv});
    if (params.needWeights)
        result.weights = Tensor::uninitialized({B, H, S, T});

    p.query = {query.data(), H * S * Dh, S * Dh, Dh};
    p.key = {key.data(), H * T * Dh, T * Dh, Dh};
    if (params.needOutput) {
        p.value = {value.data(), H * T * Dv, T * Dv, Dv};
        p.output = {result.output.data(), H * S * Dv, S * Dv, Dv};
    }
    p.weights = params.needWeights ? result.weights.data() : nullptr;
    detail::runAttention(p, threads, options.cancel);
    if (params.needOutput)
        requireFiniteResult(result.output);
    return result;
}

} // namespace attnscope
