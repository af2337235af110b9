#pragma once

#include "core/session/attentionset.h"
#include "ui/figure/figureoptions.h"

#include <QString>
#include <QStringList>
#include <functional>
#include <memory>

namespace attnscope {

class AttentionPlot;

enum class ImageFormat { Png, Svg, Pdf };

/** From a file name's suffix (.png, .svg, .pdf, any case); throws Error naming the file otherwise.
 */
ImageFormat imageFormatForPath(const QString& path);
QString imageSuffix(ImageFormat format);

/** "layer03_head07.png": the file name of one head (0-based, two digits) with `suffix`. */
QString headFileName(int layer, int head, const QString& suffix);

/** Limits of an exported image, shared by the window's dialog and `attnscope-cli render`. */
inline constexpr int kMaxImageSide = 30000;    ///< logical pixels / points
inline constexpr double kMaxImageScale = 20.0; ///< PNG pixels per logical pixel
inline constexpr int kMaxImageDpi = 10000;     ///< PNG resolution
inline constexpr double kMaxImagePixels = 4e8; ///< a 20000 × 20000 PNG is 1.6 GB in memory

/** Size of an exported image. */
struct ImageSize {
    /** Logical size in pixels (points for PDF/SVG); 0 = the figure's natural size for its content.
     */
    int width = 0;
    int height = 0;
    /** PNG only: pixels per logical pixel (e.g. 300 dpi for a 100-dpi layout = 3). */
    double scale = 1.0;
    /** PNG: the resolution written into the file (dots per inch); 0 = 96 × scale. */
    int dpi = 0;
};

/** What to do when the target file exists. The window asks the user first; the CLI has --force. */
enum class Overwrite { Refuse, Replace };

/**
 * Writes what `plot` shows to `path` as PNG, SVG (QSvgGenerator: text as <text>) or PDF (vector,
 * text as text), atomically (QSaveFile), titled with the plot's title or, when it has none,
 * `title` (see exportTitle). Throws Error naming the file: existing file with Overwrite::Refuse,
 * nothing to export, bad size, write failure.
 */
void exportImage(const AttentionPlot& plot, const QString& path, const ImageSize& size,
                 Overwrite overwrite, const QString& title);

/**
 * One image per head of every layer into `folder` as layerLL_headHH.<suffix> (two digits,
 * 0-based like every layer/head number attnscope shows), each a single-head figure with title,
 * labels and colour scale. `progress(done, total)` may return false to stop. With Overwrite::Refuse
 * nothing is written when any target exists (the error lists it). Returns the files written.
 */
QStringList exportAllHeads(const std::shared_ptr<const AttentionSet>& set,
                           const FigureOptions& options, const QString& folder, ImageFormat format,
                           const ImageSize& size, Overwrite overwrite,
                           const std::function<bool(int, int)>& progress = {});

/**
 * .npy (every layer), .csv (head `layer`, `head`) or .json (everything), chosen by the suffix of
 * `path` (any case); throws Error naming the file for another suffix, like the exporters below.
 */
void exportData(const AttentionSet& set, int layer, int head, bool hideSpecial, const QString& path,
                Overwrite overwrite);

/** [L, H, S, S] float32 .npy (atomic). */
void exportNpy(const AttentionSet& set, const QString& path, Overwrite overwrite);
/**
 * One head as CSV: a header row "query\key,<key tokens...>", then one row per query token with its
 * label and weights (full float precision). Labels quoted per RFC 4180. Honours hideSpecial.
 */
void exportCsv(const AttentionSet& set, int layer, int head, bool hideSpecial, const QString& path,
               Overwrite overwrite);
/**
 * {"source":…, "text":…, "tokens":[…], "special":[…], "layers":L, "heads":H,
 *  "attentions": [L][H][S][S] numbers}, UTF-8.
 */
void exportJson(const AttentionSet& set, const QString& path, Overwrite overwrite);

} // namespace attnscope
