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
    float lo = std::numeric_limits<float>::infinity();
    float hi = -std::numeric_limits<float>::infinity();
    for (const float v : values) {
        if (!std::isfinite(v))
            continue;
        lo = std::min(lo, v);
        hi = std::max(hi, v);
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

int blockFor(int cells, int pixels) {
    if (cells <= 1 || pixels < 2 || cells <= pixels)
        return 1;
    return (cells + pixels - 1) / pixels;
}

ReducedCells reduceCells(const PanelMatrix& matrix, int block, ValueKind kind) {
    block = std::max(block, 1);
    ReducedCells out;
    out.block = block;
    const int n = matrix.rows, m = matrix.columns;
    out.rows = (n + block - 1) / block;
    out.columns = (m + block - 1) / block;
    out.values.assign(std::size_t(out.rows) * std::size_t(out.columns),
                      -std::numeric_limits<float>::infinity());
    // Cell k covers [k·block, (k+1)·block) on its axis: its centre is k·block + (block - 1)/2.
    const double first = (block - 1) / 2.0;
    out.firstColumn = first;
    out.lastColumn = first + double(out.columns - 1) * block;
    out.bottomRow = first;
    out.topRow = first + double(out.rows - 1) * block;
    if (n == 0 || m == 0)
        return out;
    const bool magnitude = kind == ValueKind::Difference;
    // Source row r is drawn at value n-1-r; value blocks count from the bottom, and image row 0
    // is the top value block. Each source row is read once, front to back.
    for (int r = 0; r < n; ++r) {
        const int valueBlock = (n - 1 - r) / block;
        float* cells = out.values.data() + std::size_t(out.rows - 1 - valueBlock) * out.columns;
        const float* row = matrix.values.data() + std::size_t(r) * std::size_t(m);
        for (int c = 0; c < m; ++c) {
            // Non-finite cells (imported data) draw as 0, as they always did.
            const float v = std::isfinite(row[c]) ? row[c] : 0.0F;
            float& cell = cells[c / block];
            if (magnitude) {
                if (std::isinf(cell) || std::abs(v) > std::abs(cell))
                    cell = v;
            } else {
                cell = std::max(cell, v);
            }
        }
    }
    return out;
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

QImage colorCells(const ReducedCells& cells, const ColorTable& colors, const ColorRange& range,
                  int minimumPixels) {
    // QCPColorMap's own oversampling factor, int(1 + 100 / cells): 1 from 101 cells on.
    const int sx = cells.columns > 0 ? 1 + minimumPixels / cells.columns : 1;
    const int sy = cells.rows > 0 ? 1 + minimumPixels / cells.rows : 1;
    QImage image(std::max(1, cells.columns * sx), std::max(1, cells.rows * sy),
                 QImage::Format_ARGB32_Premultiplied);
    if (image.isNull())
        return image;
    // The level of a value, as QCPColorGradient::colorize computes it (truncated, clamped).
    const double last = double(colors.size() - 1);
    const double factor =
        range.log ? last / std::log(range.upper / range.lower) : last / (range.upper - range.lower);
    const auto level = [&](float value) -> int {
        if (!std::isfinite(value))
            return 0;
        // The maximum always gets the top colour, whatever the rounding of the factor.
        if (double(value) >= range.upper)
            return int(last);
        double position = 0.0;
        if (range.log) {
            if (!(double(value) > range.lower))
                return 0;
            position = std::log(double(value) / range.lower) * factor;
        } else {
            position = (double(value) - range.lower) * factor;
        }
        if (!(position > 0.0))
            return 0;
        return position >= last ? int(last) : int(position);
    };
    for (int r = 0; r < cells.rows; ++r) {
        auto* line = reinterpret_cast<QRgb*>(image.scanLine(r * sy));
        const float* row = cells.values.data() + std::size_t(r) * std::size_t(cells.columns);
        for (int c = 0; c < cells.columns; ++c) {
            const QRgb colour = colors[std::size_t(level(row[c]))];
            for (int k = 0; k < sx; ++k)
                line[c * sx + k] = colour;
        }
        for (int k = 1; k < sy; ++k)
            std::copy_n(line, image.width(), reinterpret_cast<QRgb*>(image.scanLine(r * sy + k)));
    }
    return image;
}

} // namespace attnscope
