#include "core/base/tensor.h"

#include "core/base/error.h"

#include <limits>

namespace attnscope {

std::string shapeToString(const Shape& shape) {
    std::string out = "[";
    for (std::size_t i = 0; i < shape.size(); ++i) {
        if (i > 0)
            out += ", ";
        out += std::to_string(shape[i]);
    }
    return out + "]";
}

std::int64_t checkedElementCount(const Shape& shape) noexcept {
    std::int64_t count = 1;
    for (std::int64_t d : shape) {
        if (d < 0)
            return -1;
        if (d != 0 && count > std::numeric_limits<std::int64_t>::max() / d)
            return -1;
        count *= d;
    }
    return count;
}

std::string flatIndexToString(const Shape& shape, std::int64_t flatIndex) {
    Shape index(shape.size(), 0);
    for (std::size_t i = shape.size(); i-- > 0;) {
        if (shape[i] > 0) {
            index[i] = flatIndex % shape[i];
            flatIndex /= shape[i];
        }
    }
    return shapeToString(index);
}

template <typename T>
BasicTensor<T>::BasicTensor(Shape shape, T fill)
    : m_shape(std::move(shape)) {
    const std::int64_t count = checkedElementCount(m_shape);
    if (count < 0)
        throw Error("invalid tensor shape " + shapeToString(m_shape));
    m_values.assign(static_cast<std::size_t>(count), fill);
}

template <typename T>
BasicTensor<T>::BasicTensor(Shape shape, const std::vector<T>& values)
    : m_shape(std::move(shape))
    , m_values(values.begin(), values.end()) {
    const std::int64_t count = checkedElementCount(m_shape);
    if (count < 0 || static_cast<std::size_t>(count) != m_values.size())
        throw Error("tensor shape " + shapeToString(m_shape) + " does not hold " +
                    std::to_string(m_values.size()) + " values");
}

// `shape` is moved into the result; clang-tidy 14 misses moves in class templates.
// NOLINTNEXTLINE(performance-unnecessary-value-param)
template <typename T> BasicTensor<T> BasicTensor<T>::uninitialized(Shape shape) {
    const std::int64_t count = checkedElementCount(shape);
    if (count < 0)
        throw Error("invalid tensor shape " + shapeToString(shape));
    BasicTensor tensor;
    tensor.m_shape = std::move(shape);
    tensor.m_values.resize(static_cast<std::size_t>(count)); // default-initialised: no fill
    return tensor;
}

template <typename T> std::int64_t BasicTensor<T>::dim(int i) const {
    const int r = static_cast<int>(m_shape.size());
    const int k = i < 0 ? r + i : i;
    if (k < 0 || k >= r)
        throw Error("dimension " + std::to_string(i) + " out of range for a tensor of shape " +
                    shapeToString(m_shape));
    return m_shape[static_cast<std::size_t>(k)];
}

// NOLINTNEXTLINE(performance-unnecessary-value-param): moved into the result, as above
template <typename T> BasicTensor<T> BasicTensor<T>::reshaped(Shape shape) const {
    if (checkedElementCount(shape) != numel())
        throw Error("cannot reshape a tensor of shape " + shapeToString(m_shape) + " to " +
                    shapeToString(shape));
    BasicTensor tensor;
    tensor.m_shape = std::move(shape);
    tensor.m_values = m_values;
    return tensor;
}

template <typename T>
std::size_t BasicTensor<T>::offset(std::initializer_list<std::int64_t> index) const noexcept {
    std::size_t flat = 0;
    std::size_t axis = 0;
    for (std::int64_t i : index)
        flat = flat * static_cast<std::size_t>(m_shape[axis++]) + static_cast<std::size_t>(i);
    return flat;
}

template class BasicTensor<float>;
template class BasicTensor<std::uint8_t>;

} // namespace attnscope
