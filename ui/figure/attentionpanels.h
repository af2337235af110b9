#pragma once

// Panels of an attention set: what the heads grid, the large head, the model view, the exports
// and `attnscope-cli render` draw. Each view picks a function; the figure draws what it returns.

#include "core/session/attentionset.h"
#include "ui/figure/panel.h"

#include <QString>

namespace attnscope {

/**
 * Head (layer, head) of `set` as a panel: its weights (HeadMatrix: special tokens dropped and
 * rows renormalised with `hideSpecial`), the tokens on both axes, titled "L3 H1".
 */
PanelSpec headPanel(const AttentionSet& set, int layer, int head, bool hideSpecial);

/** One head, large, with every label that fits. */
FigureSpec headFigure(const AttentionSet& set, int layer, int head, bool hideSpecial);
/** Every head of `layer` in a grid (columns chosen to fit the widget). */
FigureSpec layerFigure(const AttentionSet& set, int layer, bool hideSpecial);
/** The model view: every head of every layer, layers as rows, heads as columns. */
FigureSpec modelFigure(const AttentionSet& set, bool hideSpecial);

/** The set's source as the interface shows it ("random" translated for random tensors). */
QString displaySource(const AttentionSet& set);

/**
 * The title an exported figure carries: the source, then " — layer 3, head 1", " — layer 3" or
 * " — all layers" (no layer given), then the sentence (shortened past 70 characters).
 */
QString exportTitle(const AttentionSet& set, int layer = -1, int head = -1);

} // namespace attnscope
