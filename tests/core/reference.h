#pragma once

// An independent, deliberately naive double-precision reference for attention: plain loops, no
// Eigen, no blocking, no threads. The engine is checked against it with explicit tolerances.

#include "core/attention/multiheadattention.h"
#include "core/base/tensor.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

namespace attnscope::reference {

/** A dense double array [B, H, rows, cols]. */
struct Heads {
    std::int64_t batch = 0, heads = 0, rows = 0, cols = 0;
    std::vector<double> values;
    double& at(std::int64_t b, std::int64_t h, std::int64_t r, std::int64_t c) {
        return values[static_cast<std::size_t>(((b * heads + h) * rows + r) * cols + c)];
    }
    double at(std::int64_t b, std::int64_t h, std::int64_t r, std::int64_t c) const {
        return values[static_cast<std::size_t>(((b * heads + h) * rows + r) * cols + c)];
    }
};

inline Heads headsFromTensor(const Tensor& t) {
    Heads out{t.dim(0), t.dim(1), t.dim(2), t.dim(3), {}};
    out.values.assign(t.values().begin(), t.values().end());
    return out;
}

struct Masks {
    bool causal = false;
    const MaskTensor* keyPadding = nullptr; ///< [B, maskedKeys]
    const MaskTensor* hidden = nullptr;     ///< [S, maskedKeys] or per head
    const Tensor* additive = nullptr;       ///< [S, maskedKeys] or per head
    std::int64_t maskedKeys = -1;           ///< keys at or past this are never masked; -1 = all
};

struct Result {
    Heads output;  ///< [B, H, S, Dv]
    Heads weights; ///< [B, H, S, T]
};

/** softmax(q·k·scale + mask)·v, the textbook way; a row with no visible key is all zero. */
inline Result attention(const Heads& q, const Heads& k, const Heads& v, const Masks& masks,
                        double logitScale) {
    const std::int64_t B = q.batch, H = q.heads, S = q.rows, T = k.rows, Dv = v.cols;
    const std::int64_t masked = masks.maskedKeys < 0 ? T : masks.maskedKeys;
    Result r;
    r.output = {B, H, S, Dv, std::vector<double>(static_cast<std::size_t>(B * H * S * Dv), 0.0)};
    r.weights = {B, H, S, T, std::vector<double>(static_cast<std::size_t>(B * H * S * T), 0.0)};
    const double ninf = -std::numeric_limits<double>::infinity();
    for (std::int64_t b = 0; b < B; ++b)
        for (std::int64_t h = 0; h < H; ++h)
            for (std::int64_t i = 0; i < S; ++i) {
                std::vector<double> logits(static_cast<std::size_t>(T));
                for (std::int64_t j = 0; j < T; ++j) {
                    double dot = 0;
                    for (std::int64_t d = 0; d < q.cols; ++d)
                        dot += q.at(b, h, i, d) * k.at(b, h, j, d);
                    double x = dot * logitScale;
                    if (j < masked) {
                        const std::int64_t perHead = ((b * H + h) * S + i) * masked + j;
                        const std::int64_t shared = i * masked + j;
                        if (masks.causal && j > i)
                            x = ninf;
                        if (masks.keyPadding && (*masks.keyPadding)[b * masked + j])
                            x = ninf;
                        if (masks.hidden) {
                            const bool perHeadMask = masks.hidden->rank() != 2;
                            if ((*masks.hidden)[perHeadMask ? perHead : shared])
                                x = ninf;
                        }
                        if (masks.additive) {
                            const bool perHeadMask = masks.additive->rank() != 2;
                            x += (*masks.additive)[perHeadMask ? perHead : shared];
                        }
                    }
                    logits[static_cast<std::size_t>(j)] = x;
                }
                double maximum = ninf;
                for (double x : logits)
                    maximum = std::max(maximum, x);
                if (maximum == ninf)
                    continue; // nothing visible: zeros
                double sum = 0;
                for (double& x : logits) {
                    x = std::exp(x - maximum);
                    sum += x;
                }
                for (std::int64_t j = 0; j < T; ++j) {
                    const double p = logits[static_cast<std::size_t>(j)] / sum;
                    r.weights.at(b, h, i, j) = p;
                    for (std::int64_t d = 0; d < Dv; ++d)
                        r.output.at(b, h, i, d) += p * v.at(b, h, j, d);
                }
            }
    return r;
}

/** y = x·Wᵀ + bias for x [rows, in], W [out, in] (row offset into W), in double. */
inline std::vector<double> linear(const float* x, std::int64_t rows, std::int64_t in,
                                  const float* w, const float* bias, std::int64_t out) {
    std::vector<double> y(static_cast<std::size_t>(rows * out));
    for (std::int64_t r = 0; r < rows; ++r)
        for (std::int64_t o = 0; o < out; ++o) {
            double acc = bias ? bias[o] : 0.0;
            for (std::int64_t c = 0; c < in; ++c)
                acc += static_cast<double>(x[r * in + c]) * w[o * in + c];
            y[static_cast<std::size_t>(r * out + o)] = acc;
        }
    return y;
}

/** nn.MultiheadAttention's forward in double, following torch/nn/functional.py step by step. */
inline Result multiHeadAttention(const MultiHeadAttentionWeights& w, const Tensor& query,
                                 const Tensor& key, const Tensor& value, const Masks& masks,
                                 std::vector<double>* finalOutput, double temperature = 1.0) {
    const std::int64_t B = query.dim(0), S = query.dim(1), E = query.dim(2);
    const std::int64_t T = key.dim(1), H = w.numHeads, Dh = E / H;
    const bool packed = !w.inProjWeight.empty();
    const float* bias = w.inProjBias.empty() ? nullptr : w.inProjBias.data();
    const auto q = linear(query.data(), B * S, E,
                          packed ? w.inProjWeight.data() : w.qProjWeight.data(), bias, E);
    const auto k = linear(key.data(), B * T, key.dim(2),
                          packed ? w.inProjWeight.data() + E * E : w.kProjWeight.data(),
                          bias ? bias + E : nullptr, E);
    const auto v = linear(value.data(), B * T, value.dim(2),
                          packed ? w.inProjWeight.data() + 2 * E * E : w.vProjWeight.data(),
                          bias ? bias + 2 * E : nullptr, E);
    const std::int64_t keys = T + (w.biasK.empty() ? 0 : 1) + (w.addZeroAttention ? 1 : 0);
    Heads qh{B, H, S, Dh, std::vector<double>(static_cast<std::size_t>(B * H * S * Dh))};
    Heads kh{B, H, keys, Dh, std::vector<double>(static_cast<std::size_t>(B * H * keys * Dh), 0.0)};
    Heads vh = kh;
    for (std::int64_t b = 0; b < B; ++b)
        for (std::int64_t h = 0; h < H; ++h)
            for (std::int64_t d = 0; d < Dh; ++d) {
                for (std::int64_t s = 0; s < S; ++s)
                    qh.at(b, h, s, d) = q[static_cast<std::size_t>((b * S + s) * E + h * Dh + d)];
                for (std::int64_t t = 0; t < T; ++t) {
                    kh.at(b, h, t, d) = k[static_cast<std::size_t>((b * T + t) * E + h * Dh + d)];
                    vh.at(b, h, t, d) = v[static_cast<std::size_t>((b * T + t) * E + h * Dh + d)];
                }
                if (!w.biasK.empty()) {
                    kh.at(b, h, T, d) = w.biasK[h * Dh + d];
                    vh.at(b, h, T, d) = w.biasV[h * Dh + d];
                }
            }
    Masks m = masks;
    m.maskedKeys = T;
    Result r = attention(qh, kh, vh, m, 1.0 / std::sqrt(static_cast<double>(Dh)) / temperature);
    if (finalOutput) {
        std::vector<float> concat(static_cast<std::size_t>(B * S * E));
        std::vector<double> concatD(concat.size());
        for (std::int64_t b = 0; b < B; ++b)
            for (std::int64_t s = 0; s < S; ++s)
                for (std::int64_t h = 0; h < H; ++h)
                    for (std::int64_t d = 0; d < Dh; ++d)
                        concatD[static_cast<std::size_t>((b * S + s) * E + h * Dh + d)] =
                            r.output.at(b, h, s, d);
        finalOutput->assign(static_cast<std::size_t>(B * S * E), 0.0);
        for (std::int64_t row = 0; row < B * S; ++row)
            for (std::int64_t o = 0; o < E; ++o) {
                double acc = w.outProjBias.empty() ? 0.0 : w.outProjBias[o];
                for (std::int64_t c = 0; c < E; ++c)
                    acc +=
                        concatD[static_cast<std::size_t>(row * E + c)] * w.outProjWeight[o * E + c];
                (*finalOutput)[static_cast<std::size_t>(row * E + o)] = acc;
            }
    }
    return r;
}

/** Largest |a - b| with the flat index where it occurs. */
struct Difference {
    double value = 0;
    std::int64_t index = -1;
};

template <typename A, typename B> Difference maxAbsDifference(const A& a, const B& b) {
    Difference d;
    for (std::size_t i = 0; i < a.size(); ++i) {
        const double diff = std::abs(static_cast<double>(a[i]) - static_cast<double>(b[i]));
        if (!(diff <= d.value)) { // also catches NaN
            d.value = std::isnan(diff) ? std::numeric_limits<double>::infinity() : diff;
            d.index = static_cast<std::int64_t>(i);
        }
    }
    return d;
}

} // namespace attnscope::reference
