#include "core/models/transformerblock.h"

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

        Tensor inner = ffnIn.forward(hidden, options);
        activateInPlace(inner, activation, options);
        Tensor out = ffnOut.forward(inner, options);
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
    Tensor inner = ffnIn.forward(normed, options);
    activateInPlace(inner, activation, options);
    Tensor out = ffnOut.forward(inner, options);
    addInPlace(out, hidden, "feed-forward residual");
    return out;
}

} // namespace attnscope
