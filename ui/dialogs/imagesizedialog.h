#pragma once

#include "ui/figure/figureexport.h"

#include <QDialog>

class QDoubleSpinBox;
class QLabel;
class QSpinBox;

namespace attnscope {

/**
 * Size of an exported image: width and height of the figure's layout (pixels on screen, points in
 * PDF/SVG) and, for PNG, a scale for print — 300 dpi at the usual 96-dpi layout is a scale
 * of 3.125.
 */
class ImageSizeDialog : public QDialog {
    Q_OBJECT

public:
    ImageSizeDialog(ImageFormat format, QSize defaultSize, QWidget* parent = nullptr);

    [[nodiscard]] ImageSize imageSize() const;

private:
    void updateSummary();

    ImageFormat m_format;
    QSpinBox* m_width = nullptr;
    QSpinBox* m_height = nullptr;
    QSpinBox* m_dpi = nullptr;
    QLabel* m_summary = nullptr;
};

} // namespace attnscope
