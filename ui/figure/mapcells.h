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

/** Cells of the source per drawn cell (1 = every cell) so that `cells` fit in `pixels`. */
int blockFor(int cells, int pixels);

/**
 * A matrix reduced to the cells that are drawn: block × block cells of the source become one,
 * holding their largest value (largest magnitude, sign kept, for differences), so that a single
 * strong cell never falls between the pixels that plain scaling would keep. Rows are counted from
 * the bottom and columns from the left, as the maps' axes count them, so a partial block sits at
 * the top and the right edge.
 */
struct ReducedCells {
    int block = 1;
    int rows = 0;
    int columns = 0;
    /** rows × columns, row 0 at the top (it holds the source's first rows). */
    std::vector<float> values;
    /** Token-axis coordinates of the first and last cell centres (columns left to right). */
    double firstColumn = 0.0;
    double lastColumn = 0.0;
    /** Value-axis coordinates (row r of the source is drawn at rows - 1 - r) of the cell centres.
     */
    double bottomRow = 0.0;
    double topRow = 0.0;
};

ReducedCells reduceCells(const PanelMatrix& matrix, int block, ValueKind kind);

/** 256 colours of a gradient, the lowest first (a QCPColorGradient's levels). */
using ColorTable = std::array<QRgb, 256>;
ColorTable colorTable(const QCPColorGradient& gradient);

/**
 * The image of reduced cells: one pixel per cell, each the colour of its level in `range`
 * (truncated as QCPColorGradient::colorize does; the range's top and above take the highest
 * colour, non-finite values the lowest).
 * Along a direction of at most `minimumPixels` cells each cell is repeated 1 + minimumPixels /
 * cells times, as QCPColorMap oversamples: QPainter's scaled drawImage jitters the borders of the
 * cells of small images.
 */
QImage colorCells(const ReducedCells& cells, const ColorTable& colors, const ColorRange& range,
                  int minimumPixels = 100);

} // namespace attnscope
