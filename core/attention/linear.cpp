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
    detail::runLinear({{input.data(), rows, inFeatures, weight.data(),
                        bias ? bias->data() : nullptr, outFeatures, output.data(), outFeatures}},
                      resolveThreadCount(options.threads), options.cancel);
    return output;
}

} // namespace attnscope
