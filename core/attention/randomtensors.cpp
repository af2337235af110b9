#include "core/attention/randomtensors.h"

#include "core/attention/memorybudget.h"
#include "core/base/error.h"

#include <cmath>

// This file is compiled with -ffp-contract=off (see core/CMakeLists.txt): every operation below is
// a single IEEE-754 double operation, so the numbers are the same on every conforming platform.

namespace attnscope {

namespace {

/** FNV-1a, 64-bit: a fixed, portable hash of the stream name. */
std::uint64_t fnv1a(const std::string& text) noexcept {
    std::uint64_t hash = 0xcbf29ce484222325ULL;
    for (unsigned char c : text) {
        hash ^= c;
        hash *= 0x100000001b3ULL;
    }
    return hash;
}

void fill(Tensor& tensor, DeterministicRandom& random, Distribution distribution, double stddev) {
    const double sqrt3 = 1.7320508075688772;
    for (float& v : tensor.values()) {
        const double z = distribution == Distribution::Normal
                             ? random.nextNormal()
                             : (2.0 * random.nextUniform() - 1.0) * sqrt3;
        v = static_cast<float>(z * stddev);
    }
}

void requirePositive(std::int64_t value, const char* name) {
    if (value <= 0)
        throw Error(std::string(name) + " must be a positive integer, got " +
                    std::to_string(value));
}

} // namespace

double portableLog(double x) noexcept {
    if (!(x > 0.0) || std::isinf(x))
        return x == 0.0 ? -INFINITY : (std::isinf(x) ? x : NAN);
    int exponent = 0;
    double mantissa = std::frexp(x, &exponent); // exact: x = mantissa · 2^exponent, in [0.5, 1)
    if (mantissa < 0.70710678118654752440) {
        mantissa *= 2.0; // exact
        exponent -= 1;
    }
    // ln(m) = 2·atanh(s) = 2(s + s³/3 + s⁵/5 + …) with s = (m-1)/(m+1), |s| <= 0.1716:
    // twelve terms reach below double rounding.
    const double s = (mantissa - 1.0) / (mantissa + 1.0);
    const double s2 = s * s;
    double series = 1.0 / 23.0;
    for (int k = 21; k >= 1; k -= 2)
        series = 1.0 / k + s2 * series;
    const double logMantissa = 2.0 * s * series;
    // ln 2 split in two (fdlibm's constants) so that exponent·ln2 keeps full precision.
    const double ln2High = 6.93147180369123816490e-01;
    const double ln2Low = 1.90821492927058770002e-10;
    const double e = static_cast<double>(exponent);
    return e * ln2High + (logMantissa + e * ln2Low);
}

DeterministicRandom DeterministicRandom::forStream(std::uint64_t seed,
                                                   const std::string& name) noexcept {
    DeterministicRandom mixer(seed ^ fnv1a(name));
    return DeterministicRandom(mixer.nextU64());
}

std::uint64_t DeterministicRandom::nextU64() noexcept {
    std::uint64_t z = (m_state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

double DeterministicRandom::nextUniform() noexcept {
    return static_cast<double>(nextU64() >> 11) * 0x1.0p-53;
}

double DeterministicRandom::nextNormal() noexcept {
    if (m_hasSpare) {
        m_hasSpare = false;
        return m_spareNormal;
    }
    for (;;) {
        const double u = 2.0 * nextUniform() - 1.0;
        const double v = 2.0 * nextUniform() - 1.0;
        const double s = u * u + v * v;
        if (s >= 1.0 || s == 0.0)
            continue;
        const double factor = std::sqrt(-2.0 * portableLog(s) / s);
        m_spareNormal = v * factor;
        m_hasSpare = true;
        return u * factor;
    }
}

Distribution parseDistribution(const std::string& name) {
    if (name == "normal")
        return Distribution::Normal;
    if (name == "uniform")
        return Distribution::Uniform;
    throw Error("distribution must be 'normal' or 'uniform', got '" + name + "'");
}

std::string distributionName(Distribution distribution) {
    return distribution == Distribution::Normal ? "normal" : "uniform";
}

namespace {

void validateSpec(const RandomSpec& spec) {
    requirePositive(spec.batch, "batch");
    requirePositive(spec.seq, "seq");
    requirePositive(spec.embed, "embed");
    requirePositive(spec.heads, "heads");
    if (spec.embed % spec.heads != 0)
        throw Error("heads " + std::to_string(spec.heads) + " does not divide embed " +
                    std::to_string(spec.embed) + " (allowed: " + allowedHeadCounts(spec.embed) +
                    ")");
}

/** Bytes of the four [E, E] projection weights and their biases. */
std::uint64_t weightBytes(std::int64_t E) {
    return saturatingMul(saturatingAdd(saturatingProduct({4, E, E}), saturatingProduct({4, E})),
                         sizeof(float));
}

std::string describeSizes(const RandomSpec& spec) {
    return "random tensors (batch " + std::to_string(spec.batch) + ", seq " +
           std::to_string(spec.seq) + ", embed " + std::to_string(spec.embed) + ")";
}

} // namespace

Tensor makeRandomInput(const RandomSpec& spec, std::uint64_t memoryBudgetBytes) {
    validateSpec(spec);
    const std::int64_t E = spec.embed;
    checkMemoryBudget(saturatingProduct({spec.batch, spec.seq, E, sizeof(float)}),
                      memoryBudgetBytes, describeSizes(spec));
    // One stream per batch item: growing seq keeps every earlier row of every item.
    Tensor input({spec.batch, spec.seq, E});
    const std::int64_t rowsPerItem = spec.seq * E;
    for (std::int64_t b = 0; b < spec.batch; ++b) {
        DeterministicRandom random =
            DeterministicRandom::forStream(spec.seed, "input/" + std::to_string(b));
        Tensor item({spec.seq, E});
        fill(item, random, spec.distribution, 1.0);
        std::copy(item.data(), item.data() + rowsPerItem, input.data() + b * rowsPerItem);
    }
    return input;
}

MultiHeadAttentionWeights makeRandomWeights(const RandomSpec& spec,
                                            std::uint64_t memoryBudgetBytes) {
    validateSpec(spec);
    const std::int64_t E = spec.embed;
    checkMemoryBudget(weightBytes(E), memoryBudgetBytes, describeSizes(spec));

    // Variance 1/E keeps projected queries and keys at unit variance, so q·k/sqrt(Dh) does too.
    const double weightStd = 1.0 / std::sqrt(static_cast<double>(E));
    MultiHeadAttentionWeights w;
    w.numHeads = spec.heads;
    w.inProjWeight = Tensor({3 * E, E});
    DeterministicRandom inRandom = DeterministicRandom::forStream(spec.seed, "in_proj_weight");
    fill(w.inProjWeight, inRandom, spec.distribution, weightStd);
    w.outProjWeight = Tensor({E, E});
    DeterministicRandom outRandom = DeterministicRandom::forStream(spec.seed, "out_proj.weight");
    fill(w.outProjWeight, outRandom, spec.distribution, weightStd);
    w.inProjBias = Tensor({3 * E}, 0.0f);
    w.outProjBias = Tensor({E}, 0.0f);
    return w;
}

RandomProblem makeRandomProblem(const RandomSpec& spec, std::uint64_t memoryBudgetBytes) {
    validateSpec(spec);
    const std::int64_t E = spec.embed;
    checkMemoryBudget(
        saturatingAdd(saturatingProduct({spec.batch, spec.seq, E, sizeof(float)}), weightBytes(E)),
        memoryBudgetBytes, describeSizes(spec));

    RandomProblem problem;
    problem.input = makeRandomInput(spec, memoryBudgetBytes);
    problem.weights = makeRandomWeights(spec, memoryBudgetBytes);
    return problem;
}

} // namespace attnscope
