#pragma once

// The arithmetic of drawing a panel, as pure functions that tests call without a widget: the
// colour range of a panel's values, the reduction of a large matrix to the pixels that show it
// (block extremes), and the colouring of cells through a colour map.

#include "ui/figure/figureoptions.h"
#include "ui/figure/panel.h"

#include <QImage>
#include <QRgb>
#include <array>
#include <span>
#include <vector>

class QCPColorGradient;

namespace attnscope {

/** The smallest and largest finite value of a matrix (`any` false when there is none). */
struct ValueExtent {
    double min = 0.0;
    double max = 0.0;
    bool any = false;

    /** The extent of both. */
    [[nodiscard]] ValueExtent merged(const ValueExtent& other) const;
};

ValueExtent valueExtent(std::span<const float> values);

/** What the lowest and the highest colour of a map stand for. */
struct ColorRange {
    double lower = 0.0;
    double upper = 1.0;
    bool log = false; ///< colours spaced by the logarithm of the value (lower > 0)

    friend bool operator==(const ColorRange&, const ColorRange&) = default;
};

/**
 * The colour range for values of `kind` spanning `extent`:
 * - Probability: [0, max] ([0, 1] when the max is not above 0); on a log scale
 *   [kLogFloor, max] with max at least 10 × kLogFloor.
 * - Score and Other: [min, max] (±0.5 around a single value); a log scale only when min > 0,
 *   else linear.
 * - Difference: [-m, m] for m the largest magnitude (±1 for all zeros); always linear.
 */
ColorRange colorRange(ValueKind kind, ValueScale scale, const ValueExtent& extent);

/** Whether a kind of value is drawn with the diverging map whatever the user chose. */
bool alwaysDiverging(ValueKind kind);

/**
 * Where the diverging map puts white, as a position in [0, 1] of `range`: 1/n (uniform
 * attention over `columns` keys) for probabilities, 0 for scores and differences (clamped into
 * the range).
 */
double divergingCentre(ValueKind kind, const ColorRange& range, int columns);

/** 256 colours of a gradient, the lowest first (a QCPColorGradient's levels). */
using ColorTable = std::array<QRgb, 256>;
ColorTable colorTable(const QCPColorGradient& gradient);

/**
 * The colour level of each value of `values` in `range`, into `levels`: truncated as
 * QCPColorGradient::colorize does, the range's top and above the highest level, non-finite values
 * the lowest.
 */
void colorLevels(std::span<const float> values, const ColorRange& range, std::span<int> levels);

/**
 * `matrix` drawn one pixel per cell, first row at the top (for vector output: a PDF or SVG viewer
 * scales it). Along a direction of at most `minimumPixels` cells each cell is repeated
 * 1 + minimumPixels / cells times, as QCPColorMap oversamples: QPainter's scaled drawImage
 * jitters the borders of the cells of small images.
 */
QImage colorCells(const PanelMatrix& matrix, const ColorTable& colors, const ColorRange& range,
                  int minimumPixels = 100);

/**
 * `matrix` drawn at exactly `pixels` (the map's size on the screen or in a PNG), so that it is
 * copied, not scaled, when painted. Each pixel shows the extreme value (the largest; for
 * differences the largest magnitude, sign kept) of the cells it covers: with more cells than
 * pixels a single strong cell is never lost between the pixels that scaling would keep; with
 * fewer, each pixel shows the cell under its centre. Non-finite cells are left out (a pixel of
 * nothing else takes the lowest colour).
 */
QImage rasterizeCells(const PanelMatrix& matrix, ValueKind kind, const ColorTable& colors,
                      const ColorRange& range, QSize pixels);

} // namespace attnscope
