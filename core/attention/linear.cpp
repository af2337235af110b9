#include "core/attention/linear.h"

#include "core/attention/kernels.h"
#include "core/attention/memorybudget.h"
#include "core/attention/validation.h"
#include "core/base/error.h"

namespace attnscope {

namespace {

/** Checks x [..., in] against W [out, in] and bias [out]; returns the output's shape. */
Shape linearOutputShape(const Tensor& input, const Tensor& weight, const Tensor* bias,
                        const std::string& what) {
    if (weight.rank() != 2)
        throw Error(what + ": weight must be [out, in] but has " + shapeToString(weight.shape()));
    const std::int64_t outFeatures = weight.dim(0), inFeatures = weight.dim(1);
    if (input.rank() == 0 || input.dim(-1) != inFeatures)
        throw Error(what + ": input must end in " + std::to_string(inFeatures) +
                    " features but has shape " + shapeToString(input.shape()));
    if (bias != nullptr)
        requireShape(bias->shape(), {outFeatures}, what + ": bias");
    Shape outShape = input.shape();
    outShape.back() = outFeatures;
    return outShape;
}

Tensor applyPacked(const Tensor& input, const Shape& outShape, const detail::PackedRhs& packed,
                   const Tensor* bias, int threads, const CancellationToken& cancel) {
    const std::int64_t rows = checkedElementCount(Shape(outShape.begin(), outShape.end() - 1));
    const std::int64_t outFeatures = outShape.back();
    Tensor output = Tensor::uninitialized(outShape);
    detail::runLinear({{input.data(), rows, packed.view(), bias ? bias->data() : nullptr,
                        output.data(), outFeatures}},
                      threads, cancel);
    return output;
}

} // namespace

Tensor linear(const Tensor& input, const Tensor& weight, const Tensor* bias,
              const ComputeOptions& options, const std::string& what) {
    const Shape outShape = linearOutputShape(input, weight, bias, what);
    const int threads = resolveThreadCount(options.threads);
    const detail::PackedRhs packed =
        detail::PackedRhs::fromTransposed(weight.data(), weight.dim(0), weight.dim(1), threads);
    return applyPacked(input, outShape, packed, bias, threads, options.cancel);
}

LinearLayer::LinearLayer(Tensor weight, Tensor bias, std::string name)
    : m_weight(std::move(weight))
    , m_bias(std::move(bias))
    , m_name(std::move(name)) {
    if (m_weight.rank() != 2)
        throw Error(m_name + ": weight must be [out, in] but has " +
                    shapeToString(m_weight.shape()));
    if (!m_bias.empty())
        requireShape(m_bias.shape(), {m_weight.dim(0)}, m_name + ": bias");
    m_packed = std::make_shared<const detail::PackedRhs>(detail::PackedRhs::fromTransposed(
        m_weight.data(), m_weight.dim(0), m_weight.dim(1), resolveThreadCount(0)));
}

Tensor LinearLayer::forward(const Tensor& input, const ComputeOptions& options) const {
    if (!m_packed)
        throw Error("linear layer used before it was given weights");
    const Tensor* bias = m_bias.empty() ? nullptr : &m_bias;
    const Shape outShape = linearOutputShape(input, m_weight, bias, m_name);
    return applyPacked(input, outShape, *m_packed, bias, resolveThreadCount(options.threads),
                       options.cancel);
}

std::uint64_t LinearLayer::residentBytes() const noexcept {
    std::uint64_t bytes = saturatingProduct({m_weight.numel() + m_bias.numel(), sizeof(float)});
    return m_packed ? saturatingAdd(bytes, m_packed->bytes()) : bytes;
}

} // namespace attnscope
