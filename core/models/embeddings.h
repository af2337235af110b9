#pragma once

#include "core/attention/threading.h"
#include "core/base/tensor.h"
#include "core/models/layerops.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace attnscope {

/** How token positions are numbered before the position table is looked up. */
enum class PositionScheme {
    /** 0, 1, 2, ... (BERT, DistilBERT, GPT-2). */
    Sequential,
    /**
     * RoBERTa (transformers' create_position_ids_from_input_ids, after fairseq's
     * make_positions): padding_idx + 1 + the count of non-pad tokens so far for a non-pad token,
     * padding_idx for a pad token.
     */
    AfterPadding,
};

/**
 * The input layer of a transformer: word embedding + position embedding (+ token type 0 for
 * BERT and RoBERTa), then LayerNorm for the BERT family (GPT-2 has none).
 */
struct Embeddings {
    Tensor word;      ///< [vocab, E]
    Tensor position;  ///< [positions, E]
    Tensor tokenType; ///< [types, E], or empty when the family has no token types
    std::optional<LayerNormWeights> norm;
    PositionScheme scheme = PositionScheme::Sequential;
    std::int64_t paddingIdx = -1; ///< for PositionScheme::AfterPadding

    /** Longest input whose position ids stay inside the position table. */
    [[nodiscard]] std::int64_t maxPositions() const;
    /** The position id of every token (the caller has checked ids and their count). */
    [[nodiscard]] std::vector<std::int64_t> positionIds(const std::vector<int>& ids) const;
    /** [1, S, E] for ids already checked against the vocabulary and maxPositions(). */
    [[nodiscard]] Tensor forward(const std::vector<int>& ids, const ComputeOptions& options) const;
};

/**
 * DistilBERT's fixed sinusoidal table (transformers' create_sinusoidal_embeddings, from
 * "Attention Is All You Need", Vaswani et al. 2017, section 3.5): even columns sin, odd columns
 * cos of pos / 10000^(2·⌊j/2⌋/dim). [positions, dim].
 */
Tensor sinusoidalPositionTable(std::int64_t positions, std::int64_t dim);

} // namespace attnscope
