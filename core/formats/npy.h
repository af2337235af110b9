#pragma once

#include "core/base/tensor.h"

#include <cstddef>
#include <span>
#include <string>
#include <variant>

namespace attnscope::npy {

/** Element types an attnscope .npy may hold on disk. */
enum class DType { Float32, Float64, Bool, UInt8 };

/**
 * A parsed .npy file: float data (float32, or float64 converted to float32) or a mask (bool or
 * uint8). Only C-order arrays are accepted; Fortran order, other dtypes and a shape that disagrees
 * with the byte count are errors that name the file.
 */
struct Array {
    DType storedType = DType::Float32;
    std::variant<Tensor, MaskTensor> data;

    [[nodiscard]] bool isFloat() const noexcept { return std::holds_alternative<Tensor>(data); }
    [[nodiscard]] const Shape& shape() const noexcept;
};

/** Parses .npy bytes; `sourceName` (a path) prefixes every error. Never reads out of bounds. */
Array parse(std::span<const std::byte> bytes, const std::string& sourceName);
/** Reads a whole .npy file (size checked before any allocation). */
Array read(const std::string& path);

/** Reads a float array (float32 or float64 on disk); a mask dtype is an error naming `what`. */
Tensor readFloat(const std::string& path, const std::string& what);
/** Reads a mask (bool or uint8 on disk); a float dtype is an error naming `what`. */
MaskTensor readMask(const std::string& path, const std::string& what);

/** Serialises as .npy version 1.0 ('<f4' / '|b1'). */
std::string serialize(const Tensor& tensor);
std::string serialize(const MaskTensor& mask);
/** Writes atomically (temporary file then rename) so a failure never leaves half a file. */
void write(const std::string& path, const Tensor& tensor);
void write(const std::string& path, const MaskTensor& mask);

} // namespace attnscope::npy
