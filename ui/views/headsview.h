#pragma once

#include "ui/figure/attentionplot.h"

#include <QWidget>

class QLabel;
class QSpinBox;
class QSplitter;

namespace attnscope {

class AttentionDocument;
struct AttentionSet;

/**
 * The heads of the selected layer as a grid of heat maps, next to the selected head drawn large
 * with every label, its colour scale and a readout. It shows the document's result, selection,
 * pin and figure options and keeps none of them itself: clicks, keys and the spin boxes ask the
 * document for changes, and the document's signals redraw. Hovering shows "query → key: weight"
 * with the exact value; a click pins that cell's row and column in every map (a click on the
 * pinned cell, or Esc, unpins). Arrow keys move between heads and layers.
 */
class HeadsView : public QWidget {
    Q_OBJECT

public:
    explicit HeadsView(AttentionDocument* document, QWidget* parent = nullptr);

    [[nodiscard]] AttentionDocument* document() const { return m_document; }

    /** The readout's text (what a user reads; tests check it). */
    [[nodiscard]] QString readoutText() const;

    AttentionPlot* gridPlot() const { return m_grid; }
    AttentionPlot* headPlot() const { return m_single; }

    /** "she → girl: 0.831205" */
    static QString describeCell(const AttentionSet& set, const PlotHit& hit);

protected:
    void keyPressEvent(QKeyEvent* event) override;

private:
    void onResult();
    void onHeadSelected(int layer, int head);
    void onPin(int query, int key);
    void onOptions(const FigureOptions& options);
    void onHovered(const PlotHit& hit);
    void onClicked(const PlotHit& hit);
    void showGrid();
    void showHead();
    void updateControls();
    void updateReadout();

    AttentionDocument* m_document = nullptr;
    AttentionPlot* m_grid = nullptr;
    AttentionPlot* m_single = nullptr;
    QSplitter* m_splitter = nullptr;
    QSpinBox* m_layerBox = nullptr;
    QSpinBox* m_headBox = nullptr;
    QLabel* m_layerCaption = nullptr;
    QLabel* m_readout = nullptr;
    PlotHit m_hover; ///< the cell under the mouse (not document state: it moves with the mouse)
    int m_gridLayer = -1; ///< the layer the grid's panels were made for
};

} // namespace attnscope
