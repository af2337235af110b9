#pragma once

#include "core/base/tensor.h"

#include <string>

namespace attnscope {

/** Throws Error naming `what`, the first offending index and its value if any element is NaN or
 * ±inf. */
void requireFinite(const Tensor& tensor, const std::string& what);

/**
 * Like requireFinite but allows -inf, which additive attention masks use to hide a key.
 * NaN and +inf are rejected.
 */
void requireFiniteOrNegativeInfinity(const Tensor& tensor, const std::string& what);

/**
 * Throws Error when a computed output holds inf or NaN although every input was finite: the
 * values overflowed float32 on the way (the message says so and names the first index).
 */
void requireFiniteResult(const Tensor& output);

/** Throws Error "<what> must have shape <expected> but has <actual>". */
void requireShape(const Shape& actual, const Shape& expected, const std::string& what);

} // namespace attnscope
