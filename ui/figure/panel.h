#pragma once

// What a figure draws: a list of panel descriptions. Views (the heads grid, the large head, the
// model view, exports, `attnscope-cli render`) describe panels; AttentionPlot draws them and knows
// nothing about which view asked.

#include <QString>
#include <QStringList>
#include <memory>
#include <vector>

namespace attnscope {

/** What the numbers of a panel are: decides its colour range and its legend. */
enum class ValueKind {
    /** Attention probabilities in [0, 1]: the range runs from 0 (log scale: 1e-4) to the max. */
    Probability,
    /** Raw scores or logits, of any sign: the range runs from the min to the max. */
    Score,
    /** Differences: centred on 0, from -m to m with m the largest magnitude. */
    Difference,
    /** Anything else: from the min to the max. */
    Other,
};

/** A rows × columns matrix of float32, row-major. Shared read-only between figures. */
struct PanelMatrix {
    int rows = 0;
    int columns = 0;
    std::vector<float> values;

    [[nodiscard]] float at(int row, int column) const {
        return values[std::size_t(row) * std::size_t(columns) + std::size_t(column)];
    }
};

/** One heat map: its matrix, the labels of its rows and columns, its title and its kind. */
struct PanelSpec {
    std::shared_ptr<const PanelMatrix> matrix;
    /** One label per row (the queries of an attention map), top to bottom. */
    QStringList rowLabels;
    /** One label per column (the keys), left to right. */
    QStringList columnLabels;
    /**
     * The token each row and column stands for, for the pin and for hits (a map without special
     * tokens skips some). Empty means row i is token i.
     */
    std::vector<int> rowTokens;
    std::vector<int> columnTokens;
    QString title;
    ValueKind kind = ValueKind::Probability;
    /** The head the panel shows, reported by clicks and used for the selection frame; -1: none. */
    int layer = -1;
    int head = -1;

    [[nodiscard]] int rows() const { return matrix ? matrix->rows : 0; }
    [[nodiscard]] int columns() const { return matrix ? matrix->columns : 0; }
    [[nodiscard]] int rowToken(int row) const {
        return rowTokens.empty() ? row : rowTokens[std::size_t(row)];
    }
    [[nodiscard]] int columnToken(int column) const {
        return columnTokens.empty() ? column : columnTokens[std::size_t(column)];
    }
    /** The row of token `token`, or -1. */
    [[nodiscard]] int rowOf(int token) const;
    [[nodiscard]] int columnOf(int token) const;
};

/** How the panels of a figure are drawn. */
enum class PanelStyle {
    /** One large map: every label that fits (thinned evenly past that), a large title. */
    Large,
    /** Maps in a grid: labels only when all of them fit, medium titles. */
    Grid,
    /** Many small maps (the model view, layers × heads): small titles. */
    Compact,
};

/** A whole figure: panels in a grid, read row by row. */
struct FigureSpec {
    std::vector<PanelSpec> panels;
    PanelStyle style = PanelStyle::Grid;
    /** Grid columns; 0 chooses the count that gives the largest maps in the widget. */
    int columns = 0;
};

} // namespace attnscope
