#pragma once

// Internal building blocks shared by scaledDotProductAttention and MultiHeadAttention. Not part of
// the public API: they take raw strided pointers so that both the [B,H,S,D] layout of
// scaledDotProductAttention and the [B,S,E] layout of the projected heads inside
// MultiHeadAttention run through the same code without copies.

#include "core/attention/gemm.h"
#include "core/attention/scaleddotproduct.h"
#include "core/base/cancellation.h"
#include "core/base/tensor.h"

#include <cstdint>
#include <string>
#include <vector>

namespace attnscope::detail {

/** Where head (b, h) of a tensor starts: base + b*batchStride + h*headStride; rows rowStride apart.
 */
struct HeadLayout {
    const float* base = nullptr;
    std::int64_t batchStride = 0;
    std::int64_t headStride = 0;
    std::int64_t rowStride = 0;

    [[nodiscard]] const float* head(std::int64_t b, std::int64_t h) const noexcept {
        return base + b * batchStride + h * headStride;
    }
};

struct MutableHeadLayout {
    float* base = nullptr;
    std::int64_t batchStride = 0;
    std::int64_t headStride = 0;
    std::int64_t rowStride = 0;

    [[nodiscard]] float* head(std::int64_t b, std::int64_t h) const noexcept {
        return base + b * batchStride + h * headStride;
    }
};

/**
 * One attention computation over B × H heads. Masks apply to the first `maskedKeys` keys; keys at
 * or beyond it (appended bias_k / zero-attention keys of MultiHeadAttention) are always visible,
 * as PyTorch pads its masks with zeros for them.
 */
struct AttentionProblem {
    std::int64_t batch = 0, heads = 0, seq = 0, keySeq = 0, headDim = 0, valueDim = 0;
    HeadLayout query, key, value;
    MutableHeadLayout output; ///< base null: weights only (no values are read)
    float* weights = nullptr; ///< [B, H, S, keySeq] contiguous, or null
    float logitScale = 1.0f;  ///< scale / temperature

    std::int64_t maskedKeys = 0;
    bool causal = false;
    const std::uint8_t* keyPadding = nullptr; ///< [B, maskedKeys]
    const std::uint8_t* hidden = nullptr;     ///< [S, maskedKeys] or [B, H, S, maskedKeys]
    bool hiddenPerHead = false;
    const float* additive = nullptr; ///< [S, maskedKeys] or [B, H, S, maskedKeys]
    bool additivePerHead = false;
};

/** Rows of queries that one task handles: fixed by the shape alone, never by the thread count. */
std::int64_t queryBlockRows(std::int64_t seq, std::int64_t keySeq) noexcept;

/** Runs `problem` on `threads` workers; bitwise identical whatever the thread count. */
void runAttention(const AttentionProblem& problem, int threads, const CancellationToken& cancel);

/** Y[r, :] = X[r, :] · Wᵀ + bias for one linear layer, W packed (depth in, width out). */
struct LinearTask {
    const float* input = nullptr; ///< [rows, weight.depth], row stride weight.depth
    std::int64_t rows = 0;
    PackedRhsView weight;        ///< Wᵀ for W [out, in]
    const float* bias = nullptr; ///< [weight.width] or null
    float* output = nullptr;     ///< [rows, weight.width] with row stride outputRowStride
    std::int64_t outputRowStride = 0;
};

/**
 * Runs several independent linear layers as one parallel loop over fixed (row block, column
 * block) tiles, so that the three in-projections of a MultiHeadAttention share the workers.
 */
void runLinear(const std::vector<LinearTask>& tasks, int threads, const CancellationToken& cancel);

/**
 * Checks that an attention mask is [S, T] or [B, H, S, T] (and, when flatBatchHeads, PyTorch's
 * [B*H, S, T]); returns true for the per-head forms. Throws Error naming `what` otherwise.
 */
template <typename MaskT>
bool checkAttentionMaskShape(const MaskT& mask, std::int64_t batch, std::int64_t heads,
                             std::int64_t seq, std::int64_t keySeq, const std::string& what,
                             bool flatBatchHeads);

/**
 * Checks the masks against the problem's shape (batch, heads, seq set) and points the problem at
 * them; they cover the first `maskedKeys` keys. PyTorch's [B*H, S, T] form is accepted with
 * `flatBatchHeads` (MultiHeadAttention's attn_mask). Throws Error naming the mask.
 */
void setMasks(AttentionProblem& p, const AttentionMasks& masks, std::int64_t maskedKeys,
              bool flatBatchHeads);

/** Throws Error when neither needWeights nor needOutput is set. */
void requireSomethingToCompute(const AttentionParams& params);

/** scale / temperature, with scale defaulting to 1/sqrt(headDim); throws Error when invalid. */
float resolveLogitScale(const AttentionParams& params, std::int64_t headDim);

/**
 * Bytes runAttention allocates besides its inputs and outputs: every head's keys and values packed
 * for the GEMM kernel, and per worker a block's scores when the weights are not kept (and the
 * kernel's few padded edge rows).
 */
std::uint64_t attentionWorkingBytes(std::int64_t batch, std::int64_t heads, std::int64_t seq,
                                    std::int64_t keySeq, std::int64_t headDim,
                                    std::int64_t valueDim, bool weightsKept, int threads) noexcept;

} // namespace attnscope::detail
