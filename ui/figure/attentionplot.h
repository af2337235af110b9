#pragma once

#include "ui/figure/figureoptions.h"
#include "ui/figure/mapcells.h"
#include "ui/figure/panel.h"

#include <optional>
#include <qcustomplot.h>
#include <vector>

namespace attnscope {

class HeatmapLayer;

/** A cell under the mouse: which panel, row and column, the tokens they stand for, the value. */
struct PlotHit {
    bool valid = false;
    int panel = -1; ///< index into the figure's panels
    int layer = -1; ///< the panel's head (PanelSpec::layer / head), -1 when it shows none
    int head = -1;
    int row = -1;       ///< in the panel's matrix
    int column = -1;    ///< in the panel's matrix
    int query = -1;     ///< the row's token (original index, not the index among drawn rows)
    int key = -1;       ///< the column's token
    float value = 0.0F; ///< the value as drawn (renormalised when special tokens are hidden)

    friend bool operator==(const PlotHit&, const PlotHit&) = default;
};

/**
 * The heat-map figure, used by the window, by every export and by `attnscope-cli render`, so that
 * what is exported is what is seen. It draws a FigureSpec — a list of panel descriptions — and
 * knows nothing about which view made them: one QCPAxisRect with one map per panel (one cell per
 * matrix cell, no interpolation, square cells), rows down the left axis (first row at the top),
 * columns along the bottom, a title over each map, and one colour scale for the figure.
 *
 * Panels are laid out in a grid (PanelStyle decides label sizes, label thinning and titles).
 * Labels are drawn in labelFont() (CJK-capable). Colour ranges follow each panel's ValueKind
 * (colorRange in mapcells.h): probabilities from 0, scores from their min, differences centred on
 * 0 with the diverging map.
 *
 * setFigure with new numbers for the same panels (same count, shapes and labels) only recolours
 * the cells, which is what the window does while a slider moves; panels of new shapes keep the
 * layout's elements and are measured again; another layout is built from scratch.
 *
 * A pinned (query, key) is outlined as a row and a column in every map that shows those tokens.
 * Hovering and clicking emit the cell with its exact value; the window turns that into the
 * readout and the pin.
 */
class AttentionPlot : public QCustomPlot {
    Q_OBJECT

public:
    explicit AttentionPlot(QWidget* parent = nullptr);
    ~AttentionPlot() override;

    /** What to draw (no panels clears the figure). Keeps options, pin, selection and title. */
    void setFigure(FigureSpec figure);
    [[nodiscard]] const FigureSpec& figure() const { return m_figure; }
    [[nodiscard]] bool isEmpty() const { return m_figure.panels.empty(); }

    /** Colour map, scale and range mode (hideSpecial is the panels' business, not the plot's). */
    void setOptions(const FigureOptions& options);
    [[nodiscard]] const FigureOptions& options() const { return m_options; }

    /** Outlines the row of token `query` and the column of token `key` (-1 for none). */
    void setPin(int query, int key);
    [[nodiscard]] int pinnedQuery() const { return m_pinQuery; }
    [[nodiscard]] int pinnedKey() const { return m_pinKey; }
    /** Frames the panel of head (layer, head) as selected (-1, -1 for none). */
    void setSelectedPanel(int layer, int head);
    /** A title above the figure (exports always have one; empty hides it in the window). */
    void setTitle(const QString& title);
    [[nodiscard]] const QString& title() const { return m_title; }

    /**
     * A size at which this content reads well (cells large enough for the labels that fit, the
     * grid's columns), for exports with no size given and for the window's initial size.
     */
    [[nodiscard]] QSize naturalSize() const;
    /** Copies figure, options, pin, selection and title (unless `other` has none) from `other`. */
    void copyFigureFrom(const AttentionPlot& other);

    /** The cell at a widget position, or an invalid hit. */
    [[nodiscard]] PlotHit hitTest(const QPointF& position) const;

    /** Lays out and redraws from scratch (exporters call it after sizing the figure). */
    void rebuild();

    /**
     * Output pixels per layout pixel that the maps will be drawn at: the screen's device pixel
     * ratio by default (kScreenRaster), an image export's scale, or 0 for vector output (SVG,
     * PDF), which keeps every cell. On a raster each map's image is made at its own pixel size,
     * each pixel the largest value of the cells it covers (rasterizeCells), so that a single
     * strong link never falls between the pixels that plain scaling keeps. Hover and clicks still
     * read the exact cells.
     */
    void setRasterScale(double outputPixelsPerPixel);
    static constexpr double kScreenRaster = -1.0;

signals:
    /** The mouse moved over a cell (invalid when it left every map). */
    void cellHovered(const attnscope::PlotHit& hit);
    /** A cell was clicked with the left button. */
    void cellClicked(const attnscope::PlotHit& hit);
    /** A map was double-clicked (the window opens that head large). */
    void cellDoubleClicked(const attnscope::PlotHit& hit);

protected:
    void mouseMoveEvent(QMouseEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;
    void leaveEvent(QEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    /** QCustomPlot's layout pass, then the maps' cells for the new map sizes. */
    void updateLayout() override;

private:
    /** The QCustomPlot objects of one panel; they outlive rebuilds (see clearLayout). */
    struct Panel {
        QCPAxisRect* rect = nullptr;
        HeatmapLayer* map = nullptr;
        QCPItemRect* pinRow = nullptr;
        QCPItemRect* pinColumn = nullptr;
        int rows = -1; ///< the matrix shape the axes are set for
        int columns = -1;
        /** The size its image was made at (invalid: one pixel per cell); none: not made yet. */
        std::optional<QSize> uploaded;
        ValueExtent extent; ///< of the panel's values
        ColorRange range;   ///< the colour range its image was made with
        int gridRow = 0;
        int gridColumn = 0;
    };

    void clearLayout();
    void removePanel(Panel& panel);
    void syncPanels();
    void chooseGrid();
    void buildLayout();
    void updateAxes();
    void updateExtents();
    /** Output pixels per layout pixel: the raster scale, or the screen's device pixel ratio. */
    [[nodiscard]] double outputScale() const;
    /** The size the panel's image is made at: its pixels, or invalid (a pixel per cell). */
    [[nodiscard]] QSize imageSizeFor(const Panel& panel) const;
    /** Makes the panel's image for its cells and colour range at `pixels` (see imageSizeFor). */
    void uploadCells(std::size_t index, QSize pixels);
    /** uploadCells for every panel whose size or colour range changed (or every one: `all`). */
    void uploadChanged(bool all);
    /** Colour ranges, the colour scale and titles from the options and the panels' values. */
    void updateColorRanges();
    void applyLabels(double cellPixels);
    void balanceLayout();
    /**
     * The layout passes after labels or shapes changed: label, measure, label again if the cells
     * came out at another label step, upload. From scratch the first labels come from a guess
     * of the cell size, else from the maps as they are.
     */
    void layOut(bool fromScratch);
    /** Tokens per label: 1 = every label fits at this cell size. */
    [[nodiscard]] int labelStepFor(double cellPixels) const;
    /** The cell size of the first panel as laid out now. */
    [[nodiscard]] double currentCellPixels() const;
    void updatePin();
    void updateSelection();
    [[nodiscard]] QSize layoutSize() const;
    [[nodiscard]] QSize naturalMapsSize() const;
    [[nodiscard]] int maxRows() const;
    [[nodiscard]] int maxColumns() const;

    FigureSpec m_figure;
    FigureOptions m_options;
    int m_pinQuery = -1;
    int m_pinKey = -1;
    int m_selectedLayer = -1;
    int m_selectedHead = -1;
    QString m_title;

    std::vector<Panel> m_panels;
    std::vector<ColorRange> m_ranges; ///< per panel, as updateColorRanges chose them
    std::vector<std::shared_ptr<const ColorTable>>
        m_tables; ///< per panel, the colours of its range
    QCPLayoutGrid* m_body = nullptr;
    QCPLayoutGrid* m_panelGrid = nullptr;
    QCPColorScale* m_colorScale = nullptr;
    QCPTextElement* m_titleElement = nullptr;
    std::vector<QCPMarginGroup*> m_marginGroups;
    int m_columns = 1;
    int m_rows = 1;
    PanelStyle m_builtStyle = PanelStyle::Grid;
    QSize m_builtFor;
    PlotHit m_lastHover;
    double m_labelCellPixels = 0.0; ///< the cell size the labels were last chosen for
    int m_labelStep = 1;            ///< 1 = every label; k = every k-th (plus the pinned tokens')
    bool m_pressed = false;
    double m_rasterScale = kScreenRaster;
};

} // namespace attnscope
