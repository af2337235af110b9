#pragma once

#include "core/base/alignedallocator.h"

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <vector>

namespace attnscope {

using Shape = std::vector<std::int64_t>;

/** "[2, 3, 4]" — how every error message prints a shape. */
std::string shapeToString(const Shape& shape);

/**
 * Number of elements of a shape, or -1 when a dimension is negative or the product does not fit
 * in int64 (callers that read shapes from files must check for -1 before allocating).
 */
std::int64_t checkedElementCount(const Shape& shape) noexcept;

/** "[0, 3, 5]" — the multi-index of a flat row-major offset, for error messages. */
std::string flatIndexToString(const Shape& shape, std::int64_t flatIndex);

/**
 * A dense row-major (C order) tensor that owns its elements, stored on a 64-byte boundary (see
 * AlignedAllocator). Deliberately small: the engine works on raw spans and Eigen maps over these
 * buffers; this type only carries shape and storage between file formats, the engine and the views.
 */
template <typename T> class BasicTensor {
public:
    using value_type = T;

    BasicTensor() = default;
    explicit BasicTensor(Shape shape, T fill = T{});
    BasicTensor(Shape shape, const std::vector<T>& values);
    /** A tensor whose elements are left unset: for outputs that the caller overwrites entirely. */
    static BasicTensor uninitialized(Shape shape);

    [[nodiscard]] const Shape& shape() const noexcept { return m_shape; }
    [[nodiscard]] std::size_t rank() const noexcept { return m_shape.size(); }
    /** Size of dimension i; negative i counts from the end as in PyTorch. */
    [[nodiscard]] std::int64_t dim(int i) const;
    [[nodiscard]] std::int64_t numel() const noexcept {
        return static_cast<std::int64_t>(m_values.size());
    }
    [[nodiscard]] bool empty() const noexcept { return m_shape.empty() && m_values.empty(); }

    [[nodiscard]] T* data() noexcept { return m_values.data(); }
    [[nodiscard]] const T* data() const noexcept { return m_values.data(); }
    [[nodiscard]] std::span<T> values() noexcept { return m_values; }
    [[nodiscard]] std::span<const T> values() const noexcept { return m_values; }

    T& operator[](std::int64_t flat) noexcept { return m_values[static_cast<std::size_t>(flat)]; }
    const T& operator[](std::int64_t flat) const noexcept {
        return m_values[static_cast<std::size_t>(flat)];
    }
    /** Element at a full multi-index (bounds are the caller's responsibility; used by tests). */
    T& at(std::initializer_list<std::int64_t> index) noexcept { return m_values[offset(index)]; }
    const T& at(std::initializer_list<std::int64_t> index) const noexcept {
        return m_values[offset(index)];
    }

    /** Same elements, another shape with the same element count (throws Error otherwise). */
    [[nodiscard]] BasicTensor reshaped(Shape shape) const;

    friend bool operator==(const BasicTensor&, const BasicTensor&) = default;

private:
    [[nodiscard]] std::size_t offset(std::initializer_list<std::int64_t> index) const noexcept;

    Shape m_shape;
    AlignedVector<T> m_values;
};

/** float32 values: activations, weights, attention probabilities. */
using Tensor = BasicTensor<float>;
/** Boolean masks stored one byte per element (0 = false, anything else = true). */
using MaskTensor = BasicTensor<std::uint8_t>;

extern template class BasicTensor<float>;
extern template class BasicTensor<std::uint8_t>;

} // namespace attnscope
