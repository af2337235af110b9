#include "core/analysis/linkranking.h"

#include "core/base/error.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace attnscope {

namespace {

/** Checks the shape and returns S. */
std::int64_t checkedSequence(const Tensor& attentions) {
    const Shape& shape = attentions.shape();
    if (shape.size() != 4 || shape[2] != shape[3] || shape[0] < 1 || shape[1] < 1)
        throw Error(
            "link ranking: attentions must be [layers, heads, tokens, tokens] with at least "
            "one layer and head, found " +
            shapeToString(shape));
    return shape[2];
}

void checkToken(std::int64_t index, std::int64_t tokens, const char* what) {
    if (index < 0 || index >= tokens)
        throw Error(std::string("link ranking: ") + what + " token " + std::to_string(index) +
                    " is outside the " + std::to_string(tokens) + " tokens");
}

/**
 * Largest weight first, then layer, then head. NaN sorts after every number, which keeps the
 * comparison a strict weak ordering (std::sort is undefined behaviour otherwise).
 */
bool heavierFirst(const HeadWeight& a, const HeadWeight& b) {
    const bool aNan = std::isnan(a.weight);
    const bool bNan = std::isnan(b.weight);
    if (aNan != bNan)
        return bNan;
    if (!aNan && a.weight != b.weight)
        return a.weight > b.weight;
    if (a.layer != b.layer)
        return a.layer < b.layer;
    return a.head < b.head;
}

} // namespace

std::vector<HeadWeight> rankHeadsForLink(const Tensor& attentions, std::int64_t query,
                                         std::int64_t key) {
    const std::int64_t keys[] = {key};
    return rankHeadsForKeys(attentions, query, keys);
}

Tensor linkWeights(const Tensor& attentions, std::int64_t query, std::int64_t key) {
    const std::int64_t tokens = checkedSequence(attentions);
    checkToken(query, tokens, "query");
    checkToken(key, tokens, "key");
    const std::int64_t layers = attentions.dim(0);
    const std::int64_t heads = attentions.dim(1);
    Tensor weights({layers, heads});
    for (std::int64_t lh = 0; lh < layers * heads; ++lh)
        weights[lh] = attentions[(lh * tokens + query) * tokens + key];
    return weights;
}

std::vector<HeadWeight> rankHeadsForKeys(const Tensor& attentions, std::int64_t query,
                                         std::span<const std::int64_t> keys) {
    const std::int64_t tokens = checkedSequence(attentions);
    checkToken(query, tokens, "query");
    if (keys.empty())
        throw Error("link ranking: the set of key tokens is empty");
    std::vector<std::int64_t> unique(keys.begin(), keys.end());
    for (std::int64_t key : unique)
        checkToken(key, tokens, "key");
    std::sort(unique.begin(), unique.end());
    unique.erase(std::unique(unique.begin(), unique.end()), unique.end());

    const std::int64_t layers = attentions.dim(0);
    const std::int64_t heads = attentions.dim(1);
    std::vector<HeadWeight> ranking;
    ranking.reserve(static_cast<std::size_t>(layers * heads));
    for (std::int64_t lh = 0; lh < layers * heads; ++lh) {
        const float* row = attentions.data() + (lh * tokens + query) * tokens;
        // Summed in double so that a single key gives its float weight exactly.
        double sum = 0.0;
        for (std::int64_t key : unique)
            sum += row[key];
        ranking.push_back({lh / heads, lh % heads, sum});
    }
    std::sort(ranking.begin(), ranking.end(), heavierFirst);
    return ranking;
}

HeadWeight bestHeadForKeys(const Tensor& attentions, std::int64_t query,
                           std::span<const std::int64_t> keys) {
    return rankHeadsForKeys(attentions, query, keys).front();
}

} // namespace attnscope
