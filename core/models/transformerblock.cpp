#include "core/models/transformerblock.h"

#include "core/attention/linear.h"

namespace attnscope {

Tensor TransformerBlock::forward(const Tensor& x, const ComputeOptions& options,
                                 Tensor& attentionWeights) const {
    MultiHeadMasks masks;
    masks.causal = causal;
    AttentionParams params;
    params.scale = attentionScale;
    params.needWeights = true;

    if (placement == NormPlacement::Post) {
        AttentionResult attended = attention.forward(x, nullptr, nullptr, masks, params, options);
        attentionWeights = std::move(attended.weights);
        Tensor hidden = std::move(attended.output);
        addInPlace(hidden, x, "attention residual");
        layerNormInPlace(hidden, attentionNorm, options);

        Tensor inner = linear(hidden, ffnInWeight, &ffnInBias, options, "feed-forward in");
        activateInPlace(inner, activation, options);
        Tensor out = linear(inner, ffnOutWeight, &ffnOutBias, options, "feed-forward out");
        addInPlace(out, hidden, "feed-forward residual");
        layerNormInPlace(out, outputNorm, options);
        return out;
    }

    Tensor normed = x;
    layerNormInPlace(normed, attentionNorm, options);
    AttentionResult attended = attention.forward(normed, nullptr, nullptr, masks, params, options);
    attentionWeights = std::move(attended.weights);
    Tensor hidden = std::move(attended.output);
    addInPlace(hidden, x, "attention residual");

    normed = hidden;
    layerNormInPlace(normed, outputNorm, options);
    Tensor inner = linear(normed, ffnInWeight, &ffnInBias, options, "feed-forward in");
    activateInPlace(inner, activation, options);
    Tensor out = linear(inner, ffnOutWeight, &ffnOutBias, options, "feed-forward out");
    addInPlace(out, hidden, "feed-forward residual");
    return out;
}

} // namespace attnscope
