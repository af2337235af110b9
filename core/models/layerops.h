#pragma once

#include "core/attention/threading.h"
#include "core/base/tensor.h"
#include "core/models/modelconfig.h"

namespace attnscope {

/** The parameters of torch.nn.LayerNorm over the last dimension (Ba, Kiros & Hinton 2016). */
struct LayerNormWeights {
    Tensor weight; ///< [E] (gamma)
    Tensor bias;   ///< [E] (beta)
    double eps = 1e-12;
};

/**
 * x ← (x − mean) / sqrt(var + eps) · weight + bias over the last dimension, with the biased
 * variance as torch.nn.functional.layer_norm computes it; statistics accumulate in double. Rows
 * are processed in fixed blocks on the engine's threads, so the result does not depend on the
 * thread count. Throws Error if weight/bias are not [last dim], Cancelled on cancel.
 */
void layerNormInPlace(Tensor& x, const LayerNormWeights& norm, const ComputeOptions& options);

/** One value of a feed-forward nonlinearity, computed in double (exposed for tests). */
double activate(Activation activation, double x) noexcept;

/** x ← activation(x) element-wise, threaded like layerNormInPlace. */
void activateInPlace(Tensor& x, Activation activation, const ComputeOptions& options);

/** x ← x + y (a residual connection); throws Error naming `what` if the shapes differ. */
void addInPlace(Tensor& x, const Tensor& y, const char* what);

} // namespace attnscope
