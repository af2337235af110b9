#pragma once

#include <QToolBar>

class QCheckBox;
class QComboBox;

namespace attnscope {

class AttentionDocument;

/**
 * The figure options as a tool bar: colour map, linear or log scale, shared or per-head range,
 * hiding special tokens. It edits the document's options and follows them when they change
 * elsewhere (restored settings).
 */
class FigureToolBar : public QToolBar {
    Q_OBJECT

public:
    FigureToolBar(AttentionDocument* document, QWidget* parent = nullptr);

private:
    void showOptions();
    void optionsFromControls();

    AttentionDocument* m_document = nullptr;
    QComboBox* m_colorMap = nullptr;
    QComboBox* m_scale = nullptr;
    QComboBox* m_range = nullptr;
    QCheckBox* m_hideSpecial = nullptr;
};

} // namespace attnscope
