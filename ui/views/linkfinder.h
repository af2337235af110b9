#pragma once

#include <QStringList>
#include <QWidget>

class QComboBox;
class QCustomPlot;
class QCPColorMap;
class QCPColorScale;
class QLabel;
class QTableWidget;

namespace attnscope {

class AttentionDocument;

/**
 * The link finder: pick a query token and a key token ("she" and "girl") and see every layer ×
 * head ranked by the weight on that link, as a sorted table and as a small layers × heads heat map.
 * The link is the document's (it follows the pin); choosing tokens here changes it, and
 * activating a row or a cell opens that head with the link pinned.
 */
class LinkFinder : public QWidget {
    Q_OBJECT

public:
    explicit LinkFinder(AttentionDocument* document, QWidget* parent = nullptr);

    /** The ranked table (tests read it): rows are rank order. */
    QTableWidget* table() const { return m_table; }
    QComboBox* queryBox() const { return m_query; }
    QComboBox* keyBox() const { return m_key; }
    QCustomPlot* map() const { return m_plot; }

private:
    void onResult();
    void onLink();
    void activate(int layer, int head);
    void refresh();

    AttentionDocument* m_document = nullptr;
    QComboBox* m_query = nullptr;
    QComboBox* m_key = nullptr;
    QTableWidget* m_table = nullptr;
    QCustomPlot* m_plot = nullptr;
    QCPColorMap* m_map = nullptr;
    QCPColorScale* m_scale = nullptr;
    QLabel* m_summary = nullptr;
    QStringList m_labels; ///< what the token boxes list (rebuilt only when the tokens change)
};

} // namespace attnscope
