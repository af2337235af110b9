#include "ui/figure/mapcells.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <qcustomplot.h>

namespace attnscope {

ValueExtent ValueExtent::merged(const ValueExtent& other) const {
    if (!any)
        return other;
    if (!other.any)
        return *this;
    return {std::min(min, other.min), std::max(max, other.max), true};
}

ValueExtent valueExtent(std::span<const float> values) {
    // Branch-free so that it vectorises: a slider step reads every cell of every panel.
    float lo = std::numeric_limits<float>::infinity();
    float hi = -std::numeric_limits<float>::infinity();
    for (const float v : values) {
        const bool finite = v - v == 0.0F; // false for NaN and ±inf
        lo = std::min(lo, finite ? v : std::numeric_limits<float>::infinity());
        hi = std::max(hi, finite ? v : -std::numeric_limits<float>::infinity());
    }
    if (!(lo <= hi))
        return {};
    return {double(lo), double(hi), true};
}

ColorRange colorRange(ValueKind kind, ValueScale scale, const ValueExtent& extent) {
    const bool log = scale == ValueScale::Log;
    switch (kind) {
    case ValueKind::Probability: {
        const double max = extent.any ? extent.max : 0.0;
        if (log)
            return {kLogFloor, std::max(max, kLogFloor * 10.0), true};
        return {0.0, max > 0.0 ? max : 1.0, false};
    }
    case ValueKind::Difference: {
        const double m = extent.any ? std::max(std::abs(extent.min), std::abs(extent.max)) : 0.0;
        return {-(m > 0.0 ? m : 1.0), m > 0.0 ? m : 1.0, false};
    }
    case ValueKind::Score:
    case ValueKind::Other:
        break;
    }
    if (!extent.any)
        return {0.0, 1.0, false};
    if (extent.max <= extent.min)
        return {extent.min - 0.5, extent.max + 0.5, false};
    if (log && extent.min > 0.0)
        return {extent.min, extent.max, true};
    return {extent.min, extent.max, false};
}

bool alwaysDiverging(ValueKind kind) {
    return kind == ValueKind::Difference;
}

double divergingCentre(ValueKind kind, const ColorRange& range, int columns) {
    const double centre = kind == ValueKind::Probability ? 1.0 / std::max(columns, 1) : 0.0;
    double position = 0.0;
    if (range.log) {
        position = (std::log(std::max(centre, range.lower)) - std::log(range.lower)) /
                   (std::log(range.upper) - std::log(range.lower));
    } else {
        position = (centre - range.lower) / (range.upper - range.lower);
    }
    return std::clamp(position, 0.0, 1.0);
}

ColorTable colorTable(const QCPColorGradient& gradient) {
    std::array<double, 256> ramp{};
    for (std::size_t i = 0; i < ramp.size(); ++i)
        ramp[i] = double(i);
    QCPColorGradient levels = gradient;
    levels.setLevelCount(256);
    ColorTable table{};
    levels.colorize(ramp.data(), QCPRange(0.0, 255.0), table.data(), int(ramp.size()));
    return table;
}

void colorLevels(std::span<const float> values, const ColorRange& range, std::span<int> levels) {
    // In double, as QCPColorGradient::colorize; branch-free on the linear scale so that the loop
    // vectorises (a slider step colours every pixel of every map).
    constexpr double last = 255.0;
    const double lower = range.lower, upper = range.upper;
    const std::size_t n = std::min(values.size(), levels.size());
    if (range.log) {
        const double factor = last / std::log(upper / lower);
        for (std::size_t i = 0; i < n; ++i) {
            const double v = double(values[i]);
            double position = v > lower ? std::log(v / lower) * factor : 0.0;
            position = position < last ? position : last;
            const int level = v >= upper ? int(last) : int(position);
            levels[i] = v - v == 0.0 ? level : 0; // NaN, ±inf: the lowest colour
        }
        return;
    }
    const double factor = last / (upper - lower);
    for (std::size_t i = 0; i < n; ++i) {
        const double v = double(values[i]);
        double position = (v - lower) * factor;
        position = position > 0.0 ? position : 0.0;
        position = position < last ? position : last;
        // The maximum always gets the top colour, whatever the rounding of the factor.
        const int level = v >= upper ? int(last) : int(position);
        levels[i] = v - v == 0.0 ? level : 0; // NaN, ±inf: the lowest colour
    }
}

QImage colorCells(const PanelMatrix& matrix, const ColorTable& colors, const ColorRange& range,
                  int minimumPixels) {
    const int rows = matrix.rows, columns = matrix.columns;
    // QCPColorMap's own oversampling factor, int(1 + 100 / cells): 1 from 101 cells on.
    const int sx = columns > 0 ? 1 + minimumPixels / columns : 1;
    const int sy = rows > 0 ? 1 + minimumPixels / rows : 1;
    QImage image(std::max(1, columns * sx), std::max(1, rows * sy), QImage::Format_RGB32);
    if (image.isNull() || rows == 0 || columns == 0)
        return image;
    std::vector<int> levels(static_cast<std::size_t>(columns));
    for (int r = 0; r < rows; ++r) {
        colorLevels(std::span(matrix.values).subspan(std::size_t(r) * columns, columns), range,
                    levels);
        auto* line = reinterpret_cast<QRgb*>(image.scanLine(r * sy));
        for (int c = 0; c < columns; ++c)
            std::fill_n(line + std::ptrdiff_t(c) * sx, sx,
                        colors[std::size_t(levels[std::size_t(c)])]);
        for (int k = 1; k < sy; ++k)
            std::copy_n(line, image.width(), reinterpret_cast<QRgb*>(image.scanLine(r * sy + k)));
    }
    return image;
}

namespace {

/** For each of `pixels` output pixels, the cells [first, end) it covers out of `cells`. */
struct Spans {
    std::vector<int> first, end;
};

Spans spansOf(int cells, int pixels) {
    Spans spans;
    spans.first.resize(std::size_t(pixels));
    spans.end.resize(std::size_t(pixels));
    for (int p = 0; p < pixels; ++p) {
        if (cells <= pixels) { // the cell under the pixel's centre
            const int c = std::min(
                cells - 1, int((std::int64_t{2} * p + 1) * cells / (std::int64_t{2} * pixels)));
            spans.first[std::size_t(p)] = c;
            spans.end[std::size_t(p)] = c + 1;
        } else { // every cell that falls into the pixel (at least one)
            const int begin = int(std::int64_t(p) * cells / pixels);
            const int end = int(std::int64_t(p + 1) * cells / pixels);
            spans.first[std::size_t(p)] = begin;
            spans.end[std::size_t(p)] = std::max(begin + 1, end);
        }
    }
    return spans;
}

} // namespace

QImage rasterizeCells(const PanelMatrix& matrix, ValueKind kind, const ColorTable& colors,
                      const ColorRange& range, QSize pixels) {
    const int width = std::max(1, pixels.width()), height = std::max(1, pixels.height());
    QImage image(width, height, QImage::Format_RGB32);
    if (image.isNull())
        return image;
    if (matrix.rows == 0 || matrix.columns == 0) {
        image.fill(colors.front());
        return image;
    }
    const Spans columns = spansOf(matrix.columns, width);
    const Spans rows = spansOf(matrix.rows, height);
    const bool magnitude = kind == ValueKind::Difference;
    const bool enlarged = matrix.columns <= width;                   // each pixel shows one column
    constexpr float kNone = -std::numeric_limits<float>::infinity(); // no finite cell yet
    // Per row of pixels: the extreme of each output unit (a column when enlarged, else a pixel)
    // over the pixel row's matrix rows, coloured, then spread over the pixels.
    const int units = enlarged ? matrix.columns : width;
    std::vector<float> extremes(static_cast<std::size_t>(units));
    std::vector<float> rowExtremes(static_cast<std::size_t>(units));
    std::vector<int> levels(static_cast<std::size_t>(units));
    const auto combine = [&](float& e, float v) {
        if (magnitude)
            e = v != kNone && (e == kNone || std::abs(v) > std::abs(e)) ? v : e;
        else
            e = std::max(e, v);
    };
    // One matrix row's extreme of every unit; non-finite cells are left out.
    const auto extremesOf = [&](int r, std::vector<float>& out) {
        const float* row = matrix.values.data() + std::size_t(r) * std::size_t(matrix.columns);
        if (enlarged) {
            for (int c = 0; c < units; ++c)
                out[std::size_t(c)] = row[c] - row[c] == 0.0F ? row[c] : kNone;
            return;
        }
        for (int x = 0; x < units; ++x) {
            float extreme = kNone;
            for (int c = columns.first[std::size_t(x)]; c < columns.end[std::size_t(x)]; ++c)
                combine(extreme, row[c] - row[c] == 0.0F ? row[c] : kNone);
            out[std::size_t(x)] = extreme;
        }
    };
    const float nan = std::numeric_limits<float>::quiet_NaN();
    for (int y = 0; y < height; ++y) {
        auto* line = reinterpret_cast<QRgb*>(image.scanLine(y));
        const int first = rows.first[std::size_t(y)], end = rows.end[std::size_t(y)];
        // Enlarged maps repeat a matrix row over several pixel rows: copy the line above.
        if (y > 0 && first == rows.first[std::size_t(y - 1)] &&
            end == rows.end[std::size_t(y - 1)]) {
            std::copy_n(reinterpret_cast<const QRgb*>(image.scanLine(y - 1)), width, line);
            continue;
        }
        extremesOf(first, extremes);
        for (int r = first + 1; r < end; ++r) {
            extremesOf(r, rowExtremes);
            for (int u = 0; u < units; ++u)
                combine(extremes[std::size_t(u)], rowExtremes[std::size_t(u)]);
        }
        for (float& v : extremes)
            v = v == kNone ? nan : v; // nothing finite: the lowest colour
        colorLevels(extremes, range, levels);
        if (enlarged) {
            for (int x = 0; x < width; ++x)
                line[x] = colors[std::size_t(levels[std::size_t(columns.first[std::size_t(x)])])];
        } else {
            for (int x = 0; x < width; ++x)
                line[x] = colors[std::size_t(levels[std::size_t(x)])];
        }
    }
    return image;
}

} // namespace attnscope
