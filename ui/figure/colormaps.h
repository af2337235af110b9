#pragma once

// Internal to ui/figure: the diverging gradient with its white point moved to where the uniform
// weight 1/n falls in the colour range of a map.

class QCPColorGradient;

namespace attnscope {

/** Blue - white - red with white at `center` in [0, 1] (clamped). */
QCPColorGradient divergingGradient(double center);

} // namespace attnscope
