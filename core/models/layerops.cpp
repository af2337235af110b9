#include "core/models/layerops.h"

#include "core/attention/validation.h"
#include "core/base/error.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace attnscope {

namespace {

/** Rows (or elements) per parallel block: fixed, so the split never depends on the threads. */
constexpr std::int64_t kRowsPerBlock = 16;
constexpr std::int64_t kElementsPerBlock = 16384;

} // namespace

void layerNormInPlace(Tensor& x, const LayerNormWeights& norm, const ComputeOptions& options) {
    if (x.rank() == 0 || x.dim(-1) <= 0)
        throw Error("layer norm: input must have a non-empty last dimension but has shape " +
                    shapeToString(x.shape()));
    const std::int64_t width = x.dim(-1);
    requireShape(norm.weight.shape(), {width}, "layer norm weight");
    requireShape(norm.bias.shape(), {width}, "layer norm bias");
    const std::int64_t rows = x.numel() / width;
    float* data = x.data();
    const float* weight = norm.weight.data();
    const float* bias = norm.bias.data();
    const std::int64_t blocks = (rows + kRowsPerBlock - 1) / kRowsPerBlock;
    parallelForBlocks(
        resolveThreadCount(options.threads), blocks, options.cancel, [&](std::int64_t block) {
            const std::int64_t end = std::min(rows, (block + 1) * kRowsPerBlock);
            for (std::int64_t r = block * kRowsPerBlock; r < end; ++r) {
                float* row = data + r * width;
                double sum = 0.0;
                for (std::int64_t i = 0; i < width; ++i)
                    sum += row[i];
                const double mean = sum / double(width);
                double squares = 0.0;
                for (std::int64_t i = 0; i < width; ++i)
                    squares += (row[i] - mean) * (row[i] - mean);
                const double inverse = 1.0 / std::sqrt(squares / double(width) + norm.eps);
                for (std::int64_t i = 0; i < width; ++i)
                    row[i] = static_cast<float>((row[i] - mean) * inverse * weight[i] + bias[i]);
            }
        });
}

double activate(Activation activation, double x) noexcept {
    switch (activation) {
    case Activation::Gelu:
        // GELU(x) = x·Φ(x) (Hendrycks & Gimpel 2016, eq. 1); transformers' GELUActivation.
        return 0.5 * x * (1.0 + std::erf(x / std::numbers::sqrt2));
    case Activation::GeluNew:
        // The tanh approximation of the same paper (section 2), transformers' NewGELUActivation,
        // which GPT-2 uses.
        return 0.5 * x *
               (1.0 + std::tanh(std::sqrt(2.0 / std::numbers::pi) * (x + 0.044715 * x * x * x)));
    case Activation::Relu:
        return x > 0.0 ? x : 0.0;
    case Activation::Silu:
        // SiLU / swish: x·sigmoid(x) (Elfwing et al. 2017; Ramachandran et al. 2017).
        return x / (1.0 + std::exp(-x));
    }
    return x;
}

void activateInPlace(Tensor& x, Activation activation, const ComputeOptions& options) {
    const std::int64_t count = x.numel();
    float* data = x.data();
    const std::int64_t blocks = (count + kElementsPerBlock - 1) / kElementsPerBlock;
    parallelForBlocks(resolveThreadCount(options.threads), blocks, options.cancel,
                      [&](std::int64_t block) {
                          const std::int64_t end = std::min(count, (block + 1) * kElementsPerBlock);
                          for (std::int64_t i = block * kElementsPerBlock; i < end; ++i)
                              data[i] = static_cast<float>(activate(activation, data[i]));
                      });
}

void addInPlace(Tensor& x, const Tensor& y, const char* what) {
    requireShape(y.shape(), x.shape(), what);
    float* out = x.data();
    const float* in = y.data();
    for (std::int64_t i = 0; i < x.numel(); ++i)
        out[i] += in[i];
}

} // namespace attnscope
