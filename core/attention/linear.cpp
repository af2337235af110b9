#include "core/attention/linear.h"

#include "core/attention/kernels.h"
#include "core/attention/validation.h"
#include "core/base/error.h"

namespace attnscope {

Tensor linear(const Tensor& input, const Tensor& weight, const Tensor* bias,
              const ComputeOptions& options, const std::string& what) {
    if (weight.rank() != 2)
        throw Error(what + ": weight must be [out, in] but has " + shapeToString(weight.shape()));
    const std::int64_t outFeatures = weight.dim(0), inFeatures = weight.dim(1);
    if (input.rank() == 0 || input.dim(-1) != inFeatures)
        throw Error(what + ": input must end in " + std::to_string(inFeatures) +
                    " features but has shape " + shapeToString(input.shape()));
    if (bias != nullptr)
        requireShape(bias->shape(), {outFeatures}, what + ": bias");
    Shape outShape = input.shape();
    const std::int64_t rows = checkedElementCount(Shape(outShape.begin(), outShape.end() - 1));
    outShape.back() = outFeatures;
    Tensor output = Tensor::uninitialized(outShape);
    const int threads = resolveThreadCount(options.threads);
    // Packed per call (a model's layers call this once per forward); packing reads the weight
    // once, which costs little next to the rows × in × out multiply-adds that follow.
    const detail::PackedRhs packed =
        detail::PackedRhs::fromTransposed(weight.data(), outFeatures, inFeatures, threads);
    detail::runLinear({{input.data(), rows, packed.view(), bias ? bias->data() : nullptr,
                        output.data(), outFeatures}},
                      threads, options.cancel);
    return output;
}

} // namespace attnscope
