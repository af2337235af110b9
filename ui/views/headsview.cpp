#include "ui/views/headsview.h"

#include "ui/document/attentiondocument.h"
#include "ui/figure/attentionpanels.h"

#include <QCursor>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QSpinBox>
#include <QSplitter>
#include <QToolTip>
#include <QVBoxLayout>

namespace attnscope {

HeadsView::HeadsView(AttentionDocument* document, QWidget* parent)
    : QWidget(parent)
    , m_document(document) {
    m_grid = new AttentionPlot(this);
    m_grid->setObjectName(QStringLiteral("headsGrid"));
    m_grid->setFocusPolicy(Qt::StrongFocus);
    m_single = new AttentionPlot(this);
    m_single->setObjectName(QStringLiteral("headPlot"));
    m_single->setFocusPolicy(Qt::StrongFocus);

    m_layerBox = new QSpinBox(this);
    m_layerBox->setObjectName(QStringLiteral("layerBox"));
    m_layerBox->setRange(0, 0);
    m_headBox = new QSpinBox(this);
    m_headBox->setObjectName(QStringLiteral("headBox"));
    m_headBox->setRange(0, 0);
    m_layerCaption = new QLabel(this);
    m_readout = new QLabel(this);
    m_readout->setObjectName(QStringLiteral("readout"));
    m_readout->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_readout->setMinimumHeight(m_readout->fontMetrics().height() * 2);
    m_readout->setWordWrap(true);

    auto* bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Layer"), this));
    bar->addWidget(m_layerBox);
    bar->addWidget(m_layerCaption);
    bar->addSpacing(16);
    bar->addWidget(new QLabel(tr("Head"), this));
    bar->addWidget(m_headBox);
    bar->addStretch(1);

    m_splitter = new QSplitter(Qt::Horizontal, this);
    m_splitter->setObjectName(QStringLiteral("headsSplitter"));
    m_splitter->addWidget(m_grid);
    m_splitter->addWidget(m_single);
    // the large head gets a little more room than the grid: it carries every label
    m_splitter->setStretchFactor(0, 4);
    m_splitter->setStretchFactor(1, 5);
    m_splitter->setSizes({4000, 5000}); // scaled to the real width on the first layout

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(bar);
    layout->addWidget(m_splitter, 1);
    layout->addWidget(m_readout);

    connect(m_layerBox, &QSpinBox::valueChanged, this,
            [this](int value) { m_document->selectHead(value, m_document->head()); });
    connect(m_headBox, &QSpinBox::valueChanged, this,
            [this](int value) { m_document->selectHead(m_document->layer(), value); });
    for (AttentionPlot* plot : {m_grid, m_single}) {
        connect(plot, &AttentionPlot::cellHovered, this, [this, plot](const PlotHit& hit) {
            onHovered(hit);
            // the same words next to the cursor, where the eye is
            const auto& set = m_document->result();
            if (hit.valid && set)
                QToolTip::showText(
                    QCursor::pos(),
                    tr("L%1 H%2  %3").arg(hit.layer).arg(hit.head).arg(describeCell(*set, hit)),
                    plot);
            else
                QToolTip::hideText();
        });
        connect(plot, &AttentionPlot::cellClicked, this, &HeadsView::onClicked);
    }
    connect(m_grid, &AttentionPlot::cellDoubleClicked, this, [this](const PlotHit& hit) {
        if (hit.valid) {
            m_document->selectHead(hit.layer, hit.head);
            m_single->setFocus();
        }
    });

    connect(m_document, &AttentionDocument::resultChanged, this, &HeadsView::onResult);
    connect(m_document, &AttentionDocument::headSelected, this, &HeadsView::onHeadSelected);
    connect(m_document, &AttentionDocument::pinChanged, this, &HeadsView::onPin);
    connect(m_document, &AttentionDocument::figureOptionsChanged, this, &HeadsView::onOptions);
    for (AttentionPlot* plot : {m_grid, m_single})
        plot->setOptions(m_document->figureOptions());
    updateControls();
    updateReadout();
}

void HeadsView::showGrid() {
    const auto& set = m_document->result();
    m_gridLayer = m_document->layer();
    m_grid->setFigure(layerFigure(*set, m_gridLayer, m_document->figureOptions().hideSpecial));
    m_grid->setSelectedPanel(m_document->layer(), m_document->head());
}

void HeadsView::showHead() {
    const auto& set = m_document->result();
    const int layer = m_document->layer(), head = m_document->head();
    m_single->setFigure(headFigure(*set, layer, head, m_document->figureOptions().hideSpecial));
    m_single->setTitle(tr("%1 · layer %2, head %3").arg(displaySource(*set)).arg(layer).arg(head));
}

void HeadsView::onResult() {
    m_hover = {};
    for (AttentionPlot* plot : {m_grid, m_single})
        plot->setPin(m_document->pinnedQuery(), m_document->pinnedKey());
    showGrid();
    showHead();
    updateControls();
    updateReadout();
}

void HeadsView::onHeadSelected(int layer, int head) {
    if (!m_document->result())
        return;
    if (layer != m_gridLayer)
        showGrid();
    else
        m_grid->setSelectedPanel(layer, head);
    showHead();
    updateControls();
    updateReadout();
}

void HeadsView::onPin(int query, int key) {
    m_grid->setPin(query, key);
    m_single->setPin(query, key);
    updateReadout();
}

void HeadsView::onOptions(const FigureOptions& options) {
    const bool tokensChanged = options.hideSpecial != m_grid->options().hideSpecial;
    m_grid->setOptions(options);
    m_single->setOptions(options);
    if (tokensChanged && m_document->result()) {
        showGrid();
        showHead();
    }
    updateReadout();
}

void HeadsView::updateControls() {
    const auto& set = m_document->result();
    const int layers = set ? set->layers() : 1;
    const int heads = set ? set->heads() : 1;
    const QSignalBlocker b1(m_layerBox), b2(m_headBox);
    m_layerBox->setRange(0, std::max(0, layers - 1));
    m_headBox->setRange(0, std::max(0, heads - 1));
    m_layerBox->setValue(m_document->layer());
    m_headBox->setValue(m_document->head());
    m_layerBox->setEnabled(layers > 1);
    m_layerCaption->setText(tr("of %1").arg(layers));
}

QString HeadsView::describeCell(const AttentionSet& set, const PlotHit& hit) {
    return QStringLiteral("%1 → %2: %3")
        .arg(set.tokens.value(hit.query), set.tokens.value(hit.key))
        .arg(double(hit.value), 0, 'g', 6);
}

void HeadsView::onHovered(const PlotHit& hit) {
    m_hover = hit;
    updateReadout();
}

void HeadsView::onClicked(const PlotHit& hit) {
    if (!hit.valid)
        return;
    m_document->selectHead(hit.layer, hit.head);
    if (hit.query == m_document->pinnedQuery() && hit.key == m_document->pinnedKey())
        m_document->clearPin();
    else
        m_document->setPin(hit.query, hit.key);
}

QString HeadsView::readoutText() const {
    return m_readout->text();
}

void HeadsView::updateReadout() {
    const auto& set = m_document->result();
    if (!set) {
        m_readout->setText(tr("Nothing computed yet."));
        return;
    }
    QStringList parts;
    if (m_hover.valid)
        parts << tr("L%1 H%2  %3")
                     .arg(m_hover.layer)
                     .arg(m_hover.head)
                     .arg(describeCell(*set, m_hover));
    if (m_document->hasPin()) {
        // the pinned cell's value in the head shown large, as drawn (renormalised when hiding
        // specials): the large plot's panel holds exactly that
        const PanelSpec& panel = m_single->figure().panels.front();
        const int row = panel.rowOf(m_document->pinnedQuery());
        const int column = panel.columnOf(m_document->pinnedKey());
        if (row >= 0 && column >= 0) {
            PlotHit pinned;
            pinned.valid = true;
            pinned.query = m_document->pinnedQuery();
            pinned.key = m_document->pinnedKey();
            pinned.value = panel.matrix->at(row, column);
            parts << tr("Pinned (L%1 H%2): %3")
                         .arg(m_document->layer())
                         .arg(m_document->head())
                         .arg(describeCell(*set, pinned));
        } else {
            parts << tr("Pinned token is hidden (special token)");
        }
    }
    if (parts.isEmpty())
        parts << tr("Hover over a cell for its exact weight; click to pin a query row and key "
                    "column.");
    m_readout->setText(parts.join(QStringLiteral("    ")));
}

void HeadsView::keyPressEvent(QKeyEvent* event) {
    switch (event->key()) {
    case Qt::Key_Left:
        m_document->stepHead(-1);
        break;
    case Qt::Key_Right:
        m_document->stepHead(1);
        break;
    case Qt::Key_Up:
        m_document->stepLayer(-1);
        break;
    case Qt::Key_Down:
        m_document->stepLayer(1);
        break;
    case Qt::Key_Escape:
        m_document->clearPin();
        break;
    default:
        QWidget::keyPressEvent(event);
        return;
    }
    event->accept();
}

} // namespace attnscope
