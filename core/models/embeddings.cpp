#include "core/models/embeddings.h"

#include <algorithm>
#include <cmath>

namespace attnscope {

std::int64_t Embeddings::maxPositions() const {
    const std::int64_t rows = position.rank() == 2 ? position.dim(0) : 0;
    // RoBERTa's first position id is padding_idx + 1, so its table holds padding_idx + 1 fewer
    // usable positions (514 rows → 512 tokens for roberta-base).
    return scheme == PositionScheme::AfterPadding ? std::max<std::int64_t>(0, rows - paddingIdx - 1)
                                                  : rows;
}

std::vector<std::int64_t> Embeddings::positionIds(const std::vector<int>& ids) const {
    std::vector<std::int64_t> positions(ids.size());
    std::int64_t nonPad = 0;
    for (std::size_t i = 0; i < ids.size(); ++i) {
        if (scheme == PositionScheme::Sequential) {
            positions[i] = static_cast<std::int64_t>(i);
        } else if (ids[i] == paddingIdx) {
            positions[i] = paddingIdx;
        } else {
            positions[i] = paddingIdx + 1 + nonPad++;
        }
    }
    return positions;
}

Tensor Embeddings::forward(const std::vector<int>& ids, const ComputeOptions& options) const {
    const std::int64_t S = static_cast<std::int64_t>(ids.size());
    const std::int64_t E = word.dim(1);
    const std::vector<std::int64_t> positions = positionIds(ids);
    Tensor x = Tensor::uninitialized({1, S, E});
    for (std::int64_t s = 0; s < S; ++s) {
        const float* w = word.data() + std::int64_t(ids[std::size_t(s)]) * E;
        const float* p = position.data() + positions[std::size_t(s)] * E;
        float* out = x.data() + s * E;
        // BertEmbeddings adds (word + token_type) + position, in that order.
        if (!tokenType.empty()) {
            const float* t = tokenType.data(); // token type 0: one sequence
            for (std::int64_t e = 0; e < E; ++e)
                out[e] = (w[e] + t[e]) + p[e];
        } else {
            for (std::int64_t e = 0; e < E; ++e)
                out[e] = w[e] + p[e];
        }
    }
    if (norm)
        layerNormInPlace(x, *norm, options);
    return x;
}

Tensor sinusoidalPositionTable(std::int64_t positions, std::int64_t dim) {
    Tensor table = Tensor::uninitialized({positions, dim});
    for (std::int64_t pos = 0; pos < positions; ++pos) {
        for (std::int64_t j = 0; j < dim; ++j) {
            // 2·⌊j/2⌋: the pair (sin, cos) of columns 2i and 2i+1 shares its frequency.
            const double angle = double(pos) / std::pow(10000.0, double(j - j % 2) / double(dim));
            table[pos * dim + j] =
                static_cast<float>(j % 2 == 0 ? std::sin(angle) : std::cos(angle));
        }
    }
    return table;
}

} // namespace attnscope
