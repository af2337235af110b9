#pragma once

#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>

namespace attnscope::detail {

/**
 * Byte-order helpers shared by the file-format readers and writers. They assemble values byte by
 * byte, so they work on any host and never read a misaligned pointer into a mapped file.
 */
template <typename U> [[nodiscard]] U loadLittle(const std::byte* p) noexcept {
    U value = 0;
    for (std::size_t i = 0; i < sizeof(U); ++i)
        value |= static_cast<U>(static_cast<U>(std::to_integer<std::uint8_t>(p[i])) << (8 * i));
    return value;
}

/** As loadLittle, for big-endian data. */
template <typename U> [[nodiscard]] U loadBig(const std::byte* p) noexcept {
    U value = 0;
    for (std::size_t i = 0; i < sizeof(U); ++i)
        value = static_cast<U>((value << 8) | std::to_integer<std::uint8_t>(p[i]));
    return value;
}

/** Appends `value` to `out` as sizeof(U) little-endian bytes. */
template <typename U> void appendLittle(std::string& out, U value) {
    for (std::size_t i = 0; i < sizeof(U); ++i)
        out.push_back(static_cast<char>((value >> (8 * i)) & 0xffu));
}

/**
 * double → float with IEEE round-to-nearest-even, as numpy's astype(float32) does. A finite double
 * beyond float's range is undefined behaviour for static_cast in ISO C++, so overflow to ±inf is
 * spelled out: everything at or above the midpoint between FLT_MAX and 2^128 rounds to infinity.
 */
[[nodiscard]] inline float narrowToFloat(double value) noexcept {
    constexpr double overflowThreshold = 0x1.ffffffp+127; // FLT_MAX + half an ulp
    if (std::isfinite(value) && std::fabs(value) >= overflowThreshold)
        return value > 0 ? std::numeric_limits<float>::infinity()
                         : -std::numeric_limits<float>::infinity();
    return static_cast<float>(value);
}

} // namespace attnscope::detail
