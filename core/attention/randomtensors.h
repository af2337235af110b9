#pragma once

#include "core/attention/multiheadattention.h"
#include "core/base/tensor.h"

#include <cstdint>
#include <string>

namespace attnscope {

/**
 * A pseudo-random stream that gives the same numbers on every platform, compiler and standard
 * library. std::normal_distribution is implementation-defined (libstdc++, libc++ and MSVC differ),
 * so attnscope specifies its own:
 *  - generator: SplitMix64 (Steele, Lea & Flood 2014): state += 0x9E3779B97F4A7C15, then the
 *    xor-shift-multiply finaliser; one 64-bit output per step;
 *  - uniform double in [0, 1): the top 53 bits × 2^-53;
 *  - standard normal: Marsaglia's polar method (u, v uniform in (-1, 1), s = u² + v², rejected
 *    unless 0 < s < 1; z = u·sqrt(-2 ln s / s), and the spare v·sqrt(...) is used next), where ln
 * is computed by attnscope's own series in plain IEEE double arithmetic (frexp reduction, atanh
 *    series) because libm's log may differ in the last bit between platforms; sqrt is exactly
 *    rounded by IEEE 754. Compiled without FMA contraction.
 * Every tensor of a problem has its own stream, seeded by mixing the user's seed with the tensor's
 * name, so that changing the number of heads does not change the input, and growing the sequence
 * keeps the earlier rows.
 */
class DeterministicRandom {
public:
    explicit DeterministicRandom(std::uint64_t seed) noexcept
        : m_state(seed) {}
    /** A stream for (seed, name): independent streams for the tensors of one problem. */
    static DeterministicRandom forStream(std::uint64_t seed, const std::string& name) noexcept;

    std::uint64_t nextU64() noexcept;
    /** Uniform in [0, 1). */
    double nextUniform() noexcept;
    /** Standard normal N(0, 1). */
    double nextNormal() noexcept;

private:
    std::uint64_t m_state;
    double m_spareNormal = 0.0;
    bool m_hasSpare = false;
};

/** ln(x) for finite x > 0 in portable IEEE arithmetic (within ~1 ulp of libm); exposed for tests.
 */
double portableLog(double x) noexcept;

enum class Distribution {
    Normal,  ///< N(0, 1) inputs
    Uniform, ///< U(-sqrt 3, sqrt 3): unit variance, like Normal, but bounded
};

/** Parses "normal" / "uniform"; throws Error "distribution must be ..." otherwise. */
Distribution parseDistribution(const std::string& name);
std::string distributionName(Distribution distribution);

/** What the app's "random tensors" mode varies. */
struct RandomSpec {
    std::int64_t batch = 1;
    std::int64_t seq = 16;
    std::int64_t embed = 64;
    std::int64_t heads = 4;
    std::uint64_t seed = 0;
    Distribution distribution = Distribution::Normal;
};

/** A self-attention problem: input x [B, S, E] and the weights of a MultiHeadAttention. */
struct RandomProblem {
    Tensor input;
    MultiHeadAttentionWeights weights;
};

/**
 * Deterministic inputs and projection weights for `spec`. Inputs have unit variance; projection
 * weights have variance 1/E (so q·k/sqrt(Dh) has unit variance and the softmax is neither uniform
 * nor one-hot); biases are zero. Throws Error for non-positive sizes or heads not dividing embed
 * (the message lists the allowed head counts), and refuses before allocating above `memoryBudget`.
 */
RandomProblem makeRandomProblem(const RandomSpec& spec, std::uint64_t memoryBudgetBytes = 0);

/**
 * The two halves of makeRandomProblem, bit for bit the same tensors. The weights depend only on
 * (embed, seed, distribution) — not on seq or heads — so the app draws them once and redraws only
 * the input while the user drags the sequence length or changes the heads.
 */
Tensor makeRandomInput(const RandomSpec& spec, std::uint64_t memoryBudgetBytes = 0);
MultiHeadAttentionWeights makeRandomWeights(const RandomSpec& spec,
                                            std::uint64_t memoryBudgetBytes = 0);

} // namespace attnscope
