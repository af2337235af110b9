#pragma once

#include "core/base/tensor.h"

#include <cstdint>
#include <span>
#include <vector>

namespace attnscope {

/** The attention a head gives to a link. Layer and head are 0-based. */
struct HeadWeight {
    std::int64_t layer = 0;
    std::int64_t head = 0;
    /** The weight (for a set of keys: the sum of the weights onto them). */
    double weight = 0.0;

    friend bool operator==(const HeadWeight&, const HeadWeight&) = default;
};

/**
 * The link finder's question, "which heads link this query token to that key token?": every
 * (layer, head) with attentions[layer, head, query, key], sorted by weight, largest first; equal
 * weights in order of layer, then head. NaN weights come last. `attentions` is [L, H, S, S] (as
 * the models return it); throws Error for another shape or a token index outside [0, S).
 */
std::vector<HeadWeight> rankHeadsForLink(const Tensor& attentions, std::int64_t query,
                                         std::int64_t key);

/** The same weights as a [L, H] matrix, for the link finder's heat map. */
Tensor linkWeights(const Tensor& attentions, std::int64_t query, std::int64_t key);

/**
 * Like rankHeadsForLink for a set of keys (e.g. the word pieces of one word): each head's weight
 * is the sum of its weights from `query` onto the keys, each key counted once however often it is
 * listed. Throws Error for an empty set or an index outside [0, S).
 */
std::vector<HeadWeight> rankHeadsForKeys(const Tensor& attentions, std::int64_t query,
                                         std::span<const std::int64_t> keys);

/** The first of rankHeadsForKeys: the head that puts the most attention on the keys. */
HeadWeight bestHeadForKeys(const Tensor& attentions, std::int64_t query,
                           std::span<const std::int64_t> keys);

} // namespace attnscope
