#include "core/attention/validation.h"

#include "core/base/error.h"

#include <cmath>
#include <sstream>

namespace attnscope {

namespace {

template <typename Reject>
void scan(const Tensor& tensor, const std::string& what, Reject reject) {
    const float* values = tensor.data();
    const std::int64_t count = tensor.numel();
    for (std::int64_t i = 0; i < count; ++i) {
        if (reject(values[i])) [[unlikely]] {
            std::ostringstream message;
            message << what << " has a non-finite value (" << values[i] << ") at index "
                    << flatIndexToString(tensor.shape(), i);
            throw Error(message.str());
        }
    }
}

} // namespace

void requireFinite(const Tensor& tensor, const std::string& what) {
    scan(tensor, what, [](float v) { return !std::isfinite(v); });
}

void requireFiniteOrNegativeInfinity(const Tensor& tensor, const std::string& what) {
    scan(tensor, what, [](float v) { return std::isnan(v) || v == INFINITY; });
}

void requireFiniteResult(const Tensor& output) {
    try {
        requireFinite(output, "the output");
    } catch (const Error& e) {
        throw Error(std::string(e.what()) +
                    ": the computation overflowed float32 (the inputs are too large)");
    }
}

void requireShape(const Shape& actual, const Shape& expected, const std::string& what) {
    if (actual != expected)
        throw Error(what + " must have shape " + shapeToString(expected) + " but has " +
                    shapeToString(actual));
}

} // namespace attnscope
