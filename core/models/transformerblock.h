#pragma once

#include "core/attention/linear.h"
#include "core/attention/multiheadattention.h"
#include "core/attention/threading.h"
#include "core/base/tensor.h"
#include "core/models/layerops.h"

namespace attnscope {

/** Where a block's LayerNorms sit relative to the residual connections. */
enum class NormPlacement {
    /**
     * After each residual addition: x ← LN(x + Attn(x)); x ← LN(x + FFN(x)). The original
     * Transformer (Vaswani et al. 2017) as used by BERT, RoBERTa and DistilBERT.
     */
    Post,
    /**
     * Before each sublayer: x ← x + Attn(LN(x)); x ← x + FFN(LN(x)), with a final LayerNorm after
     * the last block. GPT-2 (Radford et al. 2019, section 2.3).
     */
    Pre,
};

/**
 * One transformer layer: multi-head self-attention and a two-layer feed-forward network
 * (Linear → activation → Linear), each with a residual connection and a LayerNorm. Self-attention
 * runs on the engine's MultiHeadAttention, whose packed in-projection holds the layer's query,
 * key and value weights, so every head's probabilities come out of the engine itself.
 */
struct TransformerBlock {
    MultiHeadAttention attention;
    /** BERT attention.output.LayerNorm, DistilBERT sa_layer_norm, GPT-2 ln_1. */
    LayerNormWeights attentionNorm;
    LinearLayer ffnIn;  ///< weight [I, E], bias [I]
    LinearLayer ffnOut; ///< weight [E, I], bias [E]
    /** BERT output.LayerNorm, DistilBERT output_layer_norm, GPT-2 ln_2. */
    LayerNormWeights outputNorm;
    NormPlacement placement = NormPlacement::Post;
    Activation activation = Activation::Gelu;
    bool causal = false;
    /** Multiplies q·k before the softmax (1/sqrt(head dim) unless the model says otherwise). */
    float attentionScale = 1.0f;

    /**
     * x [1, S, E] → [1, S, E]; the attention probabilities [1, H, S, S] are moved into
     * `attentionWeights`. Throws Error (e.g. over the memory budget), Cancelled on cancel.
     */
    [[nodiscard]] Tensor forward(const Tensor& x, const ComputeOptions& options,
                                 Tensor& attentionWeights) const;
};

} // namespace attnscope
