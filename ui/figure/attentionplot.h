#pragma once

#include "ui/figure/attentionset.h"
#include "ui/figure/figureoptions.h"

#include <memory>
#include <qcustomplot.h>
#include <vector>

namespace attnscope {

/** A cell under the mouse: which head, query row and key column, and its exact weight. */
struct PlotHit {
    bool valid = false;
    int layer = -1;
    int head = -1;
    int query = -1;      ///< original token index (not the index among the visible tokens)
    int key = -1;        ///< original token index
    float weight = 0.0F; ///< the weight as drawn (renormalised when special tokens are hidden)
};

/**
 * The heat-map figure, used by the window, by every export and by `attnscope-cli render`, so that
 * what is exported is what is seen. A QCustomPlot with one QCPAxisRect + QCPColorMap per head
 * (no interpolation, one cell per query/key), query tokens down the left axis (first token at the
 * top), key tokens along the bottom, and one QCPColorScale for the whole figure.
 *
 * Layouts: a grid of the heads of one layer (small maps, labels only when they fit, head titles),
 * a single head (every label that fits — labels thin out evenly past that —, title, colour-scale
 * legend), or every layer × head. Labels are drawn in labelFont() (CJK-capable).
 *
 * A pinned cell (query, key) is outlined as a row and a column in every map. Hovering and clicking
 * emit the cell with its exact weight; the window turns that into the readout and the pin.
 */
class AttentionPlot : public QCustomPlot {
    Q_OBJECT

public:
    explicit AttentionPlot(QWidget* parent = nullptr);

    /** The data to draw (null clears the figure). Keeps the current layout, options and pin. */
    void setAttention(std::shared_ptr<const AttentionSet> set);
    [[nodiscard]] const std::shared_ptr<const AttentionSet>& attention() const { return m_set; }

    /** Every head of `layer` in a grid (columns chosen to fit the widget's aspect ratio). */
    void showLayerGrid(int layer);
    /** One head, large, with all labels and the colour scale. */
    void showSingleHead(int layer, int head);
    /** Every head of every layer: layers as rows, heads as columns. */
    void showAllLayers();

    void setOptions(const FigureOptions& options);
    [[nodiscard]] const FigureOptions& options() const { return m_options; }

    /** Outlines row `query` and column `key` (original token indices; -1 for none). */
    void setPin(int query, int key);
    /** Frames one head of the grid as selected (-1 for none). */
    void setSelectedHead(int layer, int head);
    /** A title above the figure (exports always have one; empty hides it in the window). */
    void setTitle(const QString& title);

    /** What the figure shows (set by showLayerGrid / showSingleHead / showAllLayers). */
    enum class Layout { LayerGrid, SingleHead, AllLayers };
    [[nodiscard]] Layout layout() const { return m_layout; }
    /** The layer of the grid or the single head (0 until a layout is chosen). */
    [[nodiscard]] int layer() const { return m_layer; }
    /** The head of the single-head layout. */
    [[nodiscard]] int head() const { return m_head; }
    [[nodiscard]] int pinnedQuery() const { return m_pinQuery; }
    [[nodiscard]] int pinnedKey() const { return m_pinKey; }
    [[nodiscard]] const QString& title() const { return m_title; }
    /**
     * A size at which this content reads well (cells large enough for the labels that fit, the
     * grid's columns), for exports with no size given and for the window's initial size.
     */
    [[nodiscard]] QSize naturalSize() const;
    /** Copies data, layout, options, pin, selection and title (unless `other` has none) from
     * `other`. */
    void copyFigureFrom(const AttentionPlot& other);

    /** The cell at a widget position, or an invalid hit. */
    [[nodiscard]] PlotHit hitTest(const QPointF& position) const;

    /** Re-lays out and redraws after changes (the setters call it; exposed for exporters). */
    void rebuild();

    /**
     * Output pixels per layout pixel that the maps will be drawn at: the screen's device pixel
     * ratio by default (kScreenRaster), an image export's scale, or 0 for vector output (SVG,
     * PDF), which keeps every cell. A map with more tokens than output pixels is drawn from its
     * block maxima — each pixel shows the largest weight of the tokens it covers — so that a
     * single strong link never falls between the pixels that nearest-neighbour scaling keeps.
     * Hover and clicks still read the exact cells.
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
    void mouseReleaseEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;
    void leaveEvent(QEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    /** QCustomPlot's layout pass, then the maps' cells for the new map sizes. */
    void updateLayout() override;

    void mousePressEvent(QMouseEvent* event) override;

private:
    struct Panel {
        int layer = 0;
        int head = 0;
        QCPAxisRect* rect = nullptr;
        QCPColorMap* map = nullptr;
        QCPItemRect* pinRow = nullptr;
        QCPItemRect* pinColumn = nullptr;
        HeadMatrix matrix;
        int size = -1;         ///< the tokens the axes are sized for
        int uploadedBlock = 0; ///< tokens per map cell in the map's data; 0 = not uploaded
        int gridRow = 0;
        int gridColumn = 0;
    };

    /** What the panels' cells were filled for: a rebuild with the same key keeps them. */
    struct PanelKey {
        const AttentionSet* set = nullptr;
        Layout layout = Layout::LayerGrid;
        int layer = -1;
        int head = -1;
        bool hideSpecial = false;
        friend bool operator==(const PanelKey&, const PanelKey&) = default;
    };

    void clearFigure();
    void removePanel(Panel& panel);
    void chooseGrid();
    void assignPanels();
    void buildLayout();
    void fillPanels();
    /** Tokens per drawn cell for this panel at the current size and raster scale (1 = all). */
    [[nodiscard]] int blockFor(const Panel& panel) const;
    /** Writes the panel's cells (or their block maxima) into its colour map. */
    void uploadCells(Panel& panel, int block);
    /** uploadCells for every panel whose block changed (a resize, a new raster scale). */
    void uploadChangedBlocks();
    void updateColorRanges();
    void applyLabels(double cellPixels);
    void balanceLayout();
    void updatePin();
    void updateSelection();
    [[nodiscard]] bool sameStructure(const AttentionSet& a, const AttentionSet& b) const;
    [[nodiscard]] QSize layoutSize() const;
    [[nodiscard]] QSize naturalMapsSize() const;

    std::shared_ptr<const AttentionSet> m_set;
    FigureOptions m_options;
    Layout m_layout = Layout::LayerGrid;
    int m_layer = 0;
    int m_head = 0;
    int m_pinQuery = -1;
    int m_pinKey = -1;
    int m_selectedLayer = -1;
    int m_selectedHead = -1;
    QString m_title;

    std::vector<Panel> m_panels;
    PanelKey m_panelKey;
    QCPLayoutGrid* m_body = nullptr;
    QCPLayoutGrid* m_panelGrid = nullptr;
    QCPColorScale* m_colorScale = nullptr;
    QCPTextElement* m_titleElement = nullptr;
    std::vector<QCPMarginGroup*> m_marginGroups;
    int m_columns = 1;
    int m_rows = 1;
    QSize m_builtFor;
    PlotHit m_lastHover;
    double m_labelCellPixels = 0.0; ///< the cell size the labels were last chosen for
    int m_labelStep = 1;            ///< 1 = every label; k = every k-th (plus the pinned tokens')
    bool m_pressed = false;
    double m_rasterScale = kScreenRaster;
};

} // namespace attnscope
