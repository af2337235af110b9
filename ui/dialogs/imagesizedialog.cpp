#include "ui/dialogs/imagesizedialog.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QSpinBox>
#include <algorithm>

namespace attnscope {

namespace {
constexpr int kLayoutDpi = 96;
}

ImageSizeDialog::ImageSizeDialog(ImageFormat format, QSize defaultSize, QWidget* parent)
    : QDialog(parent)
    , m_format(format) {
    setWindowTitle(tr("Image size"));
    m_width = new QSpinBox(this);
    m_width->setRange(64, kMaxImageSide);
    m_width->setValue(defaultSize.width());
    m_width->setSuffix(tr(" px"));
    m_height = new QSpinBox(this);
    m_height->setRange(64, kMaxImageSide);
    m_height->setValue(defaultSize.height());
    m_height->setSuffix(tr(" px"));
    m_dpi = new QSpinBox(this);
    // the layout is 96 dpi: a resolution is a scale, at most kMaxImageScale
    m_dpi->setRange(kLayoutDpi / 2, std::min(kMaxImageDpi, int(kMaxImageScale * kLayoutDpi)));
    m_dpi->setValue(format == ImageFormat::Png ? 300 : kLayoutDpi);
    m_dpi->setSuffix(tr(" dpi"));
    m_dpi->setEnabled(format == ImageFormat::Png);
    m_summary = new QLabel(this);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* form = new QFormLayout(this);
    form->addRow(tr("Layout width"), m_width);
    form->addRow(tr("Layout height"), m_height);
    form->addRow(tr("Resolution (PNG)"), m_dpi);
    form->addRow(m_summary);
    form->addRow(buttons);
    for (QSpinBox* box : {m_width, m_height, m_dpi}) {
        connect(box, &QSpinBox::valueChanged, this, &ImageSizeDialog::updateSummary);
    }
    updateSummary();
}

ImageSize ImageSizeDialog::imageSize() const {
    ImageSize size;
    size.width = m_width->value();
    size.height = m_height->value();
    if (m_format == ImageFormat::Png) {
        size.dpi = m_dpi->value();
        size.scale = double(m_dpi->value()) / kLayoutDpi;
    }
    return size;
}

void ImageSizeDialog::updateSummary() {
    const ImageSize size = imageSize();
    if (m_format == ImageFormat::Png) {
        m_summary->setText(tr("PNG of %1 × %2 pixels (%3 × %4 cm at %5 dpi)")
                               .arg(qRound(size.width * size.scale))
                               .arg(qRound(size.height * size.scale))
                               .arg(size.width * 2.54 / kLayoutDpi, 0, 'f', 1)
                               .arg(size.height * 2.54 / kLayoutDpi, 0, 'f', 1)
                               .arg(size.dpi));
    } else {
        m_summary->setText(tr("Vector image; text stays text."));
    }
}

} // namespace attnscope
