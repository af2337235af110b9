#pragma once

#include <QString>
#include <QStringList>

class QCPColorGradient;
class QSettings;

namespace attnscope {

enum class ColorMap {
    Viridis,   ///< matplotlib's perceptually uniform default
    Magma,     ///< matplotlib's magma
    Grayscale, ///< white (0) to black (max), for print
    Diverging, ///< blue - white - red, white at the uniform weight 1/n (above / below uniform)
};

enum class ValueScale { Linear, Log };

/** Shared: one colour range over every head shown (comparable colours). PerHead: each its own. */
enum class RangeMode { Shared, PerHead };

/** How heat maps are drawn; one value for the grid, the large view and every export. */
struct FigureOptions {
    ColorMap colorMap = ColorMap::Viridis;
    ValueScale scale = ValueScale::Linear;
    RangeMode range = RangeMode::Shared;
    /** Drop special tokens from rows and columns and renormalise each row (see headMatrix). */
    bool hideSpecial = false;

    friend bool operator==(const FigureOptions&, const FigureOptions&) = default;
};

/** The options saved in settings: "figure/colorMap", "figure/log", "figure/perHead",
 * "figure/hideSpecial" (defaults for what is missing). */
FigureOptions readFigureOptions(const QSettings& settings);
void writeFigureOptions(QSettings& settings, const FigureOptions& options);

/** Stable, untranslated names for settings and the CLI: "viridis", "magma", "grayscale",
 * "diverging". */
QString colorMapKey(ColorMap map);
/** Parses colorMapKey(); returns false for an unknown name. */
bool parseColorMap(const QString& key, ColorMap* map);
QStringList colorMapKeys();
/** The QCustomPlot gradient (no interpolation of the map itself: that is the colour map's levels).
 */
QCPColorGradient colorGradient(ColorMap map);

/** Smallest value drawn on a log scale (weights below it get the lowest colour). */
inline constexpr double kLogFloor = 1e-4;

} // namespace attnscope
