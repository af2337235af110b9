#pragma once

#include "core/attention/scaleddotproduct.h"
#include "core/base/tensor.h"

#include <cstdint>
#include <map>
#include <memory>
#include <string>

namespace attnscope {

namespace safetensors {
class File;
}
namespace detail {
struct PackedProjections;
struct AttentionProblem;
} // namespace detail

/**
 * The parameters of torch.nn.MultiheadAttention, named and laid out as in its state_dict
 * (weights are [out_features, in_features]). Either the packed `inProjWeight` [3E, E] is set, or
 * the three separate projections (used by PyTorch when kdim or vdim differ from E).
 */
struct MultiHeadAttentionWeights {
    std::int64_t numHeads = 0;
    Tensor inProjWeight;  ///< [3E, E] (packed), or empty
    Tensor qProjWeight;   ///< [E, E]    (separate), or empty
    Tensor kProjWeight;   ///< [E, kdim] (separate), or empty
    Tensor vProjWeight;   ///< [E, vdim] (separate), or empty
    Tensor inProjBias;    ///< [3E], or empty when bias=False
    Tensor outProjWeight; ///< [E, E]
    Tensor outProjBias;   ///< [E], or empty when bias=False
    Tensor biasK;         ///< [1, 1, E] (add_bias_kv=True), or empty
    Tensor biasV;         ///< [1, 1, E] (add_bias_kv=True), or empty
    /** add_zero_attn=True: a zero key and value are appended (not part of the state_dict). */
    bool addZeroAttention = false;
};

/** "1, 2, 4, 8": the head counts that divide `embed`, for messages and the app's spin box. */
std::string allowedHeadCounts(std::int64_t embed);

/** Masks of MultiHeadAttention.forward, in PyTorch's conventions. */
struct MultiHeadMasks {
    bool causal = false;                    ///< as AttentionMasks::causal
    const MaskTensor* keyPadding = nullptr; ///< [B, T], nonzero = ignore that key
    const MaskTensor* hidden = nullptr; ///< boolean attn_mask [S, T] or [B*H, S, T]; nonzero = hide
    const Tensor* additive = nullptr;   ///< float attn_mask [S, T] or [B*H, S, T], added to scores
};

/**
 * Equivalent of torch.nn.MultiheadAttention(batch_first=True) in inference: in-projection,
 * per-head scaled dot-product attention, out-projection. Inputs are [B, S, E] (query) and
 * [B, T, kdim] / [B, T, vdim] (key / value); the output is [B, S, E] and the weights of every head
 * [B, H, S, T'] (T' = T plus one per bias_k and zero-attention column). Multithreaded with oneTBB,
 * bitwise identical whatever the thread count.
 */
class MultiHeadAttention {
public:
    /** Validates every shape and value (errors name the tensor); throws Error. */
    explicit MultiHeadAttention(MultiHeadAttentionWeights weights);

    /**
     * Builds from a state_dict with PyTorch's key names: in_proj_weight or q_proj_weight /
     * k_proj_weight / v_proj_weight, in_proj_bias, out_proj.weight, out_proj.bias, bias_k, bias_v.
     * `keyPrefix` is prepended to every name (e.g. "attn."). Unknown keys are errors that list
     * them.
     */
    static MultiHeadAttention fromStateDict(const safetensors::File& file, std::int64_t numHeads,
                                            bool addZeroAttention = false,
                                            const std::string& keyPrefix = {});

    [[nodiscard]] std::int64_t embedDim() const noexcept { return m_embedDim; }
    [[nodiscard]] std::int64_t numHeads() const noexcept { return m_weights.numHeads; }
    [[nodiscard]] std::int64_t headDim() const noexcept { return m_embedDim / m_weights.numHeads; }
    [[nodiscard]] std::int64_t keyDim() const noexcept { return m_keyDim; }
    [[nodiscard]] std::int64_t valueDim() const noexcept { return m_valueDim; }
    [[nodiscard]] const MultiHeadAttentionWeights& weights() const noexcept { return m_weights; }
    /** Bytes the module holds: its weights and their packed copies for the kernel. */
    [[nodiscard]] std::uint64_t residentBytes() const noexcept;

    /**
     * query [B, S, E]; key [B, T, kdim] and value [B, T, vdim], or both null for self-attention.
     * params.scale defaults to 1/sqrt(E/H). Throws Error on bad shapes, non-finite values or a
     * working set over the memory budget (estimated before any allocation); Cancelled on cancel.
     */
    [[nodiscard]] AttentionResult forward(const Tensor& query, const Tensor* key = nullptr,
                                          const Tensor* value = nullptr,
                                          const MultiHeadMasks& masks = {},
                                          const AttentionParams& params = {},
                                          const ComputeOptions& options = {}) const;

    /** The in-projections of MultiHeadAttention, in the order of the packed in_proj_weight. */
    enum class Projection { Query = 0, Key = 1, Value = 2 };

    /**
     * One in-projection of `input` [B, S, in] (in = E, kdim or vdim): [B, S, E], the very numbers
     * forward() computes inside (the same kernel and packed weight; each element depends only on
     * its row, its column and the depth). With forwardProjected, a caller can keep projections:
     * the rows of an input that does not change need not be projected again.
     */
    [[nodiscard]] Tensor project(Projection which, const Tensor& input,
                                 const ComputeOptions& options = {}) const;

    /**
     * forward() from projections that project() made: query [B, S, E], key [B, T, E], value
     * [B, T, E] (may be null without params.needOutput). Gives the same bits as forward() on the
     * inputs they were projected from. Throws Error like forward().
     */
    [[nodiscard]] AttentionResult forwardProjected(const Tensor& query, const Tensor& key,
                                                   const Tensor* value,
                                                   const MultiHeadMasks& masks = {},
                                                   const AttentionParams& params = {},
                                                   const ComputeOptions& options = {}) const;

    /** Bytes forward() holds at its peak for these sizes (inputs, projections, outputs, scratch).
     */
    [[nodiscard]] std::uint64_t estimateForwardBytes(std::int64_t batch, std::int64_t seq,
                                                     std::int64_t keySeq, bool needWeights,
                                                     int threads) const;

    /** Floating-point operations of one forward pass (multiply-add = 2), for GFLOP/s reports. */
    [[nodiscard]] double forwardFlops(std::int64_t batch, std::int64_t seq,
                                      std::int64_t keySeq) const;

private:
    /** The attention problem of these sizes with the masks and scale set (no pointers yet). */
    [[nodiscard]] detail::AttentionProblem problemFor(std::int64_t batch, std::int64_t seq,
                                                      std::int64_t keySeq,
                                                      const MultiHeadMasks& masks,
                                                      const AttentionParams& params) const;
    void checkForwardBudget(std::int64_t batch, std::int64_t seq, std::int64_t keySeq,
                            const AttentionParams& params, const ComputeOptions& options,
                            int threads) const;
    /** Writes bias_k / bias_v and the zero key and value after each batch's keySeq rows. */
    void appendExtraKeys(float* keys, float* values, std::int64_t batch, std::int64_t keySeq) const;
    /** Runs every head on projections laid out [B, rows, E]; values null: weights only. */
    [[nodiscard]] AttentionResult attendHeads(detail::AttentionProblem problem, const float* query,
                                              const float* keys, const float* values,
                                              const AttentionParams& params, int threads,
                                              const CancellationToken& cancel) const;

    MultiHeadAttentionWeights m_weights;
    /** The projection weights packed for the GEMM kernel once, shared by copies (immutable). */
    std::shared_ptr<const detail::PackedProjections> m_packed;
    std::int64_t m_embedDim = 0;
    std::int64_t m_keyDim = 0;
    std::int64_t m_valueDim = 0;
};

} // namespace attnscope
