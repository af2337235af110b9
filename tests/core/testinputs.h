#pragma once

// Deterministic test inputs (values from the project's portable generator, so failures reproduce
// on any machine), and a bitwise comparison of results.

#include "core/attention/randomtensors.h"
#include "core/base/tensor.h"

#include <cstring>
#include <string>

namespace attnscope::testing {

inline Tensor randomTensor(const Shape& shape, std::uint64_t seed, double stddev = 1.0) {
    Tensor t(shape);
    DeterministicRandom random(seed);
    for (float& v : t.values())
        v = static_cast<float>(random.nextNormal() * stddev);
    return t;
}

/** Each element true with probability `fraction`. */
inline MaskTensor randomMask(const Shape& shape, std::uint64_t seed, double fraction) {
    MaskTensor m(shape);
    DeterministicRandom random(seed);
    for (auto& v : m.values())
        v = random.nextUniform() < fraction ? 1 : 0;
    return m;
}

/** Same shape and the same bits in every element (results that must not depend on threads). */
inline bool bitwiseEqual(const Tensor& a, const Tensor& b) {
    return a.shape() == b.shape() &&
           std::memcmp(a.data(), b.data(), sizeof(float) * std::size_t(a.numel())) == 0;
}

} // namespace attnscope::testing
