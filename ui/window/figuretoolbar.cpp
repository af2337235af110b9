#include "ui/window/figuretoolbar.h"

#include "ui/document/attentiondocument.h"

#include <QCheckBox>
#include <QComboBox>
#include <QLabel>

namespace attnscope {

FigureToolBar::FigureToolBar(AttentionDocument* document, QWidget* parent)
    : QToolBar(tr("Figure"), parent)
    , m_document(document) {
    setObjectName(QStringLiteral("figureToolBar"));
    m_colorMap = new QComboBox(this);
    m_colorMap->setObjectName(QStringLiteral("colorMapBox"));
    m_colorMap->addItem(tr("Viridis"), colorMapKey(ColorMap::Viridis));
    m_colorMap->addItem(tr("Magma"), colorMapKey(ColorMap::Magma));
    m_colorMap->addItem(tr("Grayscale"), colorMapKey(ColorMap::Grayscale));
    m_colorMap->addItem(tr("Diverging (around uniform)"), colorMapKey(ColorMap::Diverging));
    m_scale = new QComboBox(this);
    m_scale->setObjectName(QStringLiteral("scaleBox"));
    m_scale->addItem(tr("Linear scale"));
    m_scale->addItem(tr("Log scale"));
    m_range = new QComboBox(this);
    m_range->setObjectName(QStringLiteral("rangeBox"));
    m_range->addItem(tr("Shared range"));
    m_range->addItem(tr("Range per head"));
    m_hideSpecial = new QCheckBox(tr("Hide special tokens"), this);
    m_hideSpecial->setObjectName(QStringLiteral("hideSpecialBox"));
    m_hideSpecial->setToolTip(
        tr("Drop [CLS], [SEP] and the like from rows and columns and renormalise each row"));
    addWidget(new QLabel(tr(" Colours "), this));
    addWidget(m_colorMap);
    addWidget(m_scale);
    addWidget(m_range);
    addWidget(m_hideSpecial);
    connect(m_colorMap, &QComboBox::currentIndexChanged, this, &FigureToolBar::optionsFromControls);
    connect(m_scale, &QComboBox::currentIndexChanged, this, &FigureToolBar::optionsFromControls);
    connect(m_range, &QComboBox::currentIndexChanged, this, &FigureToolBar::optionsFromControls);
    connect(m_hideSpecial, &QCheckBox::toggled, this, &FigureToolBar::optionsFromControls);
    connect(m_document, &AttentionDocument::figureOptionsChanged, this,
            &FigureToolBar::showOptions);
    showOptions();
}

void FigureToolBar::showOptions() {
    const FigureOptions& options = m_document->figureOptions();
    const QSignalBlocker b1(m_colorMap), b2(m_scale), b3(m_range), b4(m_hideSpecial);
    m_colorMap->setCurrentIndex(m_colorMap->findData(colorMapKey(options.colorMap)));
    m_scale->setCurrentIndex(options.scale == ValueScale::Log ? 1 : 0);
    m_range->setCurrentIndex(options.range == RangeMode::PerHead ? 1 : 0);
    m_hideSpecial->setChecked(options.hideSpecial);
}

void FigureToolBar::optionsFromControls() {
    FigureOptions options;
    parseColorMap(m_colorMap->currentData().toString(), &options.colorMap);
    options.scale = m_scale->currentIndex() == 1 ? ValueScale::Log : ValueScale::Linear;
    options.range = m_range->currentIndex() == 1 ? RangeMode::PerHead : RangeMode::Shared;
    options.hideSpecial = m_hideSpecial->isChecked();
    m_document->setFigureOptions(options);
}

} // namespace attnscope
