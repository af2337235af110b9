#pragma once

#include "ui/figure/attentionplot.h"

#include <QWidget>
#include <memory>

class QLabel;
class QSpinBox;
class QSplitter;

namespace attnscope {

/**
 * The heads of one layer as a grid of heat maps, next to the selected head drawn large with every
 * label, its colour scale and a readout. Hovering shows "query → key: weight" with the exact
 * value; a click pins that cell's row and column in every map, so the selection stays when the
 * mouse moves (Esc or a click on the pinned cell unpins). Arrow keys move between heads and
 * layers when the grid has focus.
 */
class HeadsView : public QWidget {
    Q_OBJECT

public:
    explicit HeadsView(QWidget* parent = nullptr);

    /** New data; keeps layer, head and pin where they still exist. */
    void setAttention(std::shared_ptr<const AttentionSet> set);
    [[nodiscard]] const std::shared_ptr<const AttentionSet>& attention() const { return m_set; }

    void setOptions(const FigureOptions& options);
    [[nodiscard]] const FigureOptions& options() const { return m_options; }

    [[nodiscard]] int layer() const { return m_layer; }
    [[nodiscard]] int head() const { return m_head; }
    /** Shows `layer` in the grid and `head` large (clamped to the data). */
    void selectHead(int layer, int head);
    void stepHead(int delta);
    void stepLayer(int delta);

    [[nodiscard]] int pinnedQuery() const { return m_pinQuery; }
    [[nodiscard]] int pinnedKey() const { return m_pinKey; }
    /** Pins a cell (original token indices; -1, -1 unpins). */
    void setPin(int query, int key);

    /** The readout's text (what a user reads; tests check it). */
    [[nodiscard]] QString readoutText() const;

    AttentionPlot* gridPlot() const { return m_grid; }
    AttentionPlot* headPlot() const { return m_single; }

    /** "she → girl: 0.831205" */
    static QString describeCell(const AttentionSet& set, const PlotHit& hit);

signals:
    /** The layer or head shown large changed. */
    void headSelected(int layer, int head);
    /** The pinned cell changed (-1, -1 when unpinned). */
    void pinChanged(int query, int key);

protected:
    void keyPressEvent(QKeyEvent* event) override;

private:
    void onHovered(const PlotHit& hit);
    void onClicked(const PlotHit& hit);
    void updateReadout();
    void updateTitles();

    std::shared_ptr<const AttentionSet> m_set;
    FigureOptions m_options;
    AttentionPlot* m_grid = nullptr;
    AttentionPlot* m_single = nullptr;
    QSplitter* m_splitter = nullptr;
    QSpinBox* m_layerBox = nullptr;
    QSpinBox* m_headBox = nullptr;
    QLabel* m_layerCaption = nullptr;
    QLabel* m_readout = nullptr;
    PlotHit m_hover;
    int m_layer = 0;
    int m_head = 0;
    int m_pinQuery = -1;
    int m_pinKey = -1;
};

} // namespace attnscope
