#pragma once

#include "core/attention/threading.h"
#include "core/base/tensor.h"

#include <memory>
#include <string>

namespace attnscope {

namespace detail {
class PackedRhs;
}

/**
 * y = x·Wᵀ + bias (torch.nn.functional.linear) for x [..., in] and W [out, in] (PyTorch's layout),
 * on the engine's threads with the same fixed tiling as the attention projections, so results are
 * bitwise identical for any thread count. bias may be null. Throws Error on shape mismatches
 * (naming `what`), Cancelled on cancel. Packs W for the kernel on every call: for a layer applied
 * many times, use LinearLayer.
 */
Tensor linear(const Tensor& input, const Tensor& weight, const Tensor* bias,
              const ComputeOptions& options = {}, const std::string& what = "linear");

/**
 * A linear layer (torch.nn.Linear) whose weight is packed for the engine's kernel once, when the
 * layer is made: a model's feed-forward layers run on every forward, and packing a BERT-base
 * feed-forward weight (768 × 3072) costs more than multiplying a short sentence by it.
 */
class LinearLayer {
public:
    LinearLayer() = default;
    /** W [out, in], bias [out] or empty. Throws Error naming `name` on bad shapes. */
    LinearLayer(Tensor weight, Tensor bias, std::string name);

    /** forward(x) == linear(x, weight, bias), bitwise. */
    [[nodiscard]] Tensor forward(const Tensor& input, const ComputeOptions& options = {}) const;

    [[nodiscard]] const Tensor& weight() const noexcept { return m_weight; }
    [[nodiscard]] const Tensor& bias() const noexcept { return m_bias; }
    /** Bytes the layer holds: weight, bias and the packed copy of the weight. */
    [[nodiscard]] std::uint64_t residentBytes() const noexcept;

private:
    Tensor m_weight;
    Tensor m_bias;
    std::string m_name;
    std::shared_ptr<const detail::PackedRhs> m_packed; ///< immutable, shared by copies
};

} // namespace attnscope
