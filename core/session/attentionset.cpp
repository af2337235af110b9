#include "core/session/attentionset.h"

#include "core/base/error.h"

#include <algorithm>
#include <cstddef>
#include <string>

namespace attnscope {

float AttentionSet::weight(int layer, int head, int query, int key) const {
    const std::int64_t s = attentions.dim(2);
    const std::int64_t offset =
        ((std::int64_t(layer) * attentions.dim(1) + head) * s + query) * s + key;
    return attentions[offset];
}

bool AttentionSet::isSpecial(int index) const {
    return index >= 0 && std::size_t(index) < special.size() && special[std::size_t(index)];
}

int AttentionSet::visibleTokens(bool hideSpecial) const {
    if (!hideSpecial)
        return seq();
    int n = 0;
    for (int i = 0; i < seq(); ++i)
        n += isSpecial(i) ? 0 : 1;
    return n;
}

void AttentionSet::validate() const {
    if (attentions.rank() != 4 || attentions.dim(2) != attentions.dim(3))
        throw Error("attention set: expected attentions of shape [L, H, S, S], got " +
                    shapeToString(attentions.shape()));
    const auto s = std::size_t(seq());
    if (std::size_t(tokens.size()) != s)
        throw Error("attention set: " + std::to_string(tokens.size()) + " token labels for " +
                    std::to_string(s) + " tokens");
    if (!special.empty() && special.size() != s)
        throw Error("attention set: " + std::to_string(special.size()) + " special flags for " +
                    std::to_string(s) + " tokens");
    if (!offsets.empty() && offsets.size() != s)
        throw Error("attention set: " + std::to_string(offsets.size()) + " offsets for " +
                    std::to_string(s) + " tokens");
}

int HeadMatrix::indexOf(int token) const {
    const auto it = std::lower_bound(tokens.begin(), tokens.end(), token);
    return it != tokens.end() && *it == token ? int(it - tokens.begin()) : -1;
}

HeadMatrix headMatrix(const AttentionSet& set, int layer, int head, bool hideSpecial) {
    const int s = set.seq();
    HeadMatrix matrix;
    matrix.tokens.reserve(std::size_t(s));
    for (int i = 0; i < s; ++i) {
        if (!hideSpecial || !set.isSpecial(i))
            matrix.tokens.push_back(i);
    }
    const std::size_t n = matrix.tokens.size();
    matrix.values.resize(n * n);
    const float* base = set.attentions.data() + (std::int64_t(layer) * set.heads() + head) * s * s;
    const bool all = int(n) == s;
    for (std::size_t r = 0; r < n; ++r) {
        const float* row = base + std::int64_t(matrix.tokens[r]) * s;
        float* out = matrix.values.data() + r * n;
        if (all) {
            std::copy(row, row + s, out);
            continue;
        }
        // The kept weights of a row no longer sum to 1 once special tokens are dropped; dividing
        // by their sum shows how the row's attention is shared among the visible tokens.
        double sum = 0.0;
        for (std::size_t c = 0; c < n; ++c)
            sum += double(row[matrix.tokens[c]]);
        const double scale = sum > 0.0 ? 1.0 / sum : 0.0;
        for (std::size_t c = 0; c < n; ++c)
            out[c] = float(double(row[matrix.tokens[c]]) * scale);
    }
    return matrix;
}

} // namespace attnscope
