#pragma once

#include "core/attention/threading.h"
#include "core/base/tensor.h"

namespace attnscope {

/**
 * y = x·Wᵀ + bias (torch.nn.functional.linear) for x [..., in] and W [out, in] (PyTorch's layout),
 * on the engine's threads with the same fixed tiling as the attention projections, so results are
 * bitwise identical for any thread count. bias may be null. Throws Error on shape mismatches
 * (naming `what`), Cancelled on cancel.
 */
Tensor linear(const Tensor& input, const Tensor& weight, const Tensor* bias,
              const ComputeOptions& options = {}, const std::string& what = "linear");

} // namespace attnscope
