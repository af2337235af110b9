#pragma once

#include "core/attention/threading.h"
#include "core/base/tensor.h"

#include <optional>

namespace attnscope {

/**
 * Which keys each query may see. All masks combine: a key is hidden when any mask hides it.
 * A query whose keys are all hidden gets all-zero attention weights and a zero output row (PyTorch
 * returns NaN there; a visualiser should show "nothing to attend to", not poison the colour scale).
 */
struct AttentionMasks {
    /**
     * Query i sees keys j <= i, aligned at the top left when T != S (the convention of
     * torch.nn.functional.scaled_dot_product_attention(is_causal=True)).
     */
    bool causal = false;
    /** [B, T]; nonzero hides key t of batch b (PyTorch's key_padding_mask: true = ignore). */
    const MaskTensor* keyPadding = nullptr;
    /** [S, T] or [B, H, S, T]; nonzero hides the key (PyTorch's boolean attn_mask convention). */
    const MaskTensor* hidden = nullptr;
    /** [S, T] or [B, H, S, T]; added to the scaled scores. -inf hides a key; NaN/+inf are errors.
     */
    const Tensor* additive = nullptr;
};

/** Scalars of the softmax: weights = softmax(q·k * scale / temperature + additive). */
struct AttentionParams {
    /** Defaults to 1/sqrt(head dim), as in "Attention Is All You Need" (Vaswani et al. 2017, eq.
     * 1). */
    std::optional<float> scale;
    /** Divides the logits; > 1 flattens the distribution, < 1 sharpens it. Must be > 0. */
    float temperature = 1.0f;
    /** Return the attention probabilities of every head ([B, H, S, T]). */
    bool needWeights = true;
    /**
     * Compute the output: p·v (and MultiHeadAttention's value and output projections). A view that
     * shows only the weights turns it off: about half the work of a short sequence. The weights
     * are the same bits either way. At least one of needWeights and needOutput must be set.
     */
    bool needOutput = true;
};

struct AttentionResult {
    /**
     * [B, H, S, Dv] for scaledDotProductAttention, [B, S, E] for MultiHeadAttention; empty
     * without needOutput.
     */
    Tensor output;
    Tensor weights; ///< [B, H, S, T] when needWeights, else empty
};

/**
 * Scaled dot-product attention on already-projected tensors: Q [B,H,S,Dh], K [B,H,T,Dh],
 * V [B,H,T,Dv]. Multithreaded over batch × head × query blocks; bitwise identical whatever
 * options.threads is. Throws Error for shape mismatches, non-finite inputs (naming the tensor and
 * index), bad scale/temperature, or a working set above the memory budget; Cancelled on cancel.
 */
AttentionResult scaledDotProductAttention(const Tensor& query, const Tensor& key,
                                          const Tensor& value, const AttentionMasks& masks = {},
                                          const AttentionParams& params = {},
                                          const ComputeOptions& options = {});

/** Bytes scaledDotProductAttention will hold for these sizes (inputs, outputs and scratch). */
std::uint64_t estimateScaledDotProductBytes(std::int64_t batch, std::int64_t heads,
                                            std::int64_t seq, std::int64_t keySeq,
                                            std::int64_t headDim, std::int64_t valueDim,
                                            bool needWeights, int threads);

} // namespace attnscope
