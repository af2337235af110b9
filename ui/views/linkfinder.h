#pragma once

#include "ui/figure/attentionset.h"
#include "ui/figure/figureoptions.h"

#include <QWidget>
#include <memory>

class QComboBox;
class QCustomPlot;
class QCPColorMap;
class QCPColorScale;
class QLabel;
class QTableWidget;

namespace attnscope {

/**
 * The link finder: pick a query token and a key token ("she" and "girl") and see every layer ×
 * head ranked by the weight on that link, as a sorted table and as a small layers × heads heat map.
 * Activating a row or a cell asks the window to open that head.
 */
class LinkFinder : public QWidget {
    Q_OBJECT

public:
    explicit LinkFinder(QWidget* parent = nullptr);

    /** New data; keeps the chosen tokens where they still exist. */
    void setAttention(std::shared_ptr<const AttentionSet> set);
    /** Chooses the link (original token indices). */
    void setLink(int query, int key);
    [[nodiscard]] int query() const;
    [[nodiscard]] int key() const;
    void setColorMap(ColorMap map);

    /** The ranked table (tests read it): rows are rank order. */
    QTableWidget* table() const { return m_table; }
    QComboBox* queryBox() const { return m_query; }
    QComboBox* keyBox() const { return m_key; }

signals:
    /** The user chose a head in the table or the map. */
    void headActivated(int layer, int head);

private:
    void refresh();

    std::shared_ptr<const AttentionSet> m_set;
    QComboBox* m_query = nullptr;
    QComboBox* m_key = nullptr;
    QTableWidget* m_table = nullptr;
    QCustomPlot* m_plot = nullptr;
    QCPColorMap* m_map = nullptr;
    QCPColorScale* m_scale = nullptr;
    QLabel* m_summary = nullptr;
    ColorMap m_colorMap = ColorMap::Viridis;
};

} // namespace attnscope
