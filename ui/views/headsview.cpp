#include "ui/views/headsview.h"

#include <QCursor>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QSpinBox>
#include <QSplitter>
#include <QToolTip>
#include <QVBoxLayout>

namespace attnscope {

HeadsView::HeadsView(QWidget* parent)
    : QWidget(parent) {
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
            [this](int value) { selectHead(value, m_head); });
    connect(m_headBox, &QSpinBox::valueChanged, this,
            [this](int value) { selectHead(m_layer, value); });
    for (AttentionPlot* plot : {m_grid, m_single}) {
        connect(plot, &AttentionPlot::cellHovered, this, [this, plot](const PlotHit& hit) {
            onHovered(hit);
            // the same words next to the cursor, where the eye is
            if (hit.valid && m_set) {
                QToolTip::showText(
                    QCursor::pos(),
                    tr("L%1 H%2  %3").arg(hit.layer).arg(hit.head).arg(describeCell(*m_set, hit)),
                    plot);
            } else {
                QToolTip::hideText();
            }
        });
        connect(plot, &AttentionPlot::cellClicked, this, &HeadsView::onClicked);
    }
    connect(m_grid, &AttentionPlot::cellDoubleClicked, this, [this](const PlotHit& hit) {
        if (hit.valid) {
            selectHead(hit.layer, hit.head);
            m_single->setFocus();
        }
    });
    updateReadout();
}

void HeadsView::setAttention(std::shared_ptr<const AttentionSet> set) {
    m_set = std::move(set);
    const int layers = m_set ? m_set->layers() : 1;
    const int heads = m_set ? m_set->heads() : 1;
    m_layer = std::clamp(m_layer, 0, layers - 1);
    m_head = std::clamp(m_head, 0, heads - 1);
    const int seq = m_set ? m_set->seq() : 0;
    if (m_pinQuery >= seq || m_pinKey >= seq) {
        m_pinQuery = m_pinKey = -1;
        emit pinChanged(-1, -1);
    }
    {
        const QSignalBlocker b1(m_layerBox), b2(m_headBox);
        m_layerBox->setRange(0, layers - 1);
        m_headBox->setRange(0, heads - 1);
        m_layerBox->setValue(m_layer);
        m_headBox->setValue(m_head);
        m_layerBox->setEnabled(layers > 1);
    }
    m_layerCaption->setText(tr("of %1").arg(layers));
    m_hover = {};
    for (AttentionPlot* plot : {m_grid, m_single}) {
        plot->setAttention(m_set);
        plot->setPin(m_pinQuery, m_pinKey);
    }
    m_grid->showLayerGrid(m_layer);
    m_grid->setSelectedHead(m_layer, m_head);
    m_single->showSingleHead(m_layer, m_head);
    updateTitles();
    updateReadout();
}

void HeadsView::setOptions(const FigureOptions& options) {
    if (options == m_options) {
        return;
    }
    m_options = options;
    m_grid->setOptions(options);
    m_single->setOptions(options);
}

void HeadsView::selectHead(int layer, int head) {
    if (!m_set) {
        return;
    }
    layer = std::clamp(layer, 0, m_set->layers() - 1);
    head = std::clamp(head, 0, m_set->heads() - 1);
    if (layer == m_layer && head == m_head) {
        return;
    }
    const bool layerChanged = layer != m_layer;
    m_layer = layer;
    m_head = head;
    {
        const QSignalBlocker b1(m_layerBox), b2(m_headBox);
        m_layerBox->setValue(layer);
        m_headBox->setValue(head);
    }
    if (layerChanged) {
        m_grid->showLayerGrid(layer);
    }
    m_grid->setSelectedHead(layer, head);
    m_single->showSingleHead(layer, head);
    updateTitles();
    updateReadout();
    emit headSelected(layer, head);
}

void HeadsView::stepHead(int delta) {
    if (!m_set) {
        return;
    }
    // walks through every head of every layer in order
    const int heads = m_set->heads();
    const int total = m_set->layers() * heads;
    const int index = std::clamp(m_layer * heads + m_head + delta, 0, total - 1);
    selectHead(index / heads, index % heads);
}

void HeadsView::stepLayer(int delta) {
    selectHead(m_layer + delta, m_head);
}

void HeadsView::setPin(int query, int key) {
    const int seq = m_set ? m_set->seq() : 0;
    if (query < 0 || key < 0 || query >= seq || key >= seq) {
        query = key = -1;
    }
    if (query == m_pinQuery && key == m_pinKey) {
        return;
    }
    m_pinQuery = query;
    m_pinKey = key;
    m_grid->setPin(query, key);
    m_single->setPin(query, key);
    updateReadout();
    emit pinChanged(query, key);
}

QString HeadsView::describeCell(const AttentionSet& set, const PlotHit& hit) {
    return QStringLiteral("%1 → %2: %3")
        .arg(set.tokens.value(hit.query), set.tokens.value(hit.key))
        .arg(double(hit.weight), 0, 'g', 6);
}

void HeadsView::onHovered(const PlotHit& hit) {
    m_hover = hit;
    updateReadout();
}

void HeadsView::onClicked(const PlotHit& hit) {
    if (!hit.valid) {
        return;
    }
    if (hit.layer != m_layer || hit.head != m_head) {
        selectHead(hit.layer, hit.head);
    }
    if (hit.query == m_pinQuery && hit.key == m_pinKey) {
        setPin(-1, -1);
    } else {
        setPin(hit.query, hit.key);
    }
}

QString HeadsView::readoutText() const {
    return m_readout->text();
}

void HeadsView::updateReadout() {
    if (!m_set) {
        m_readout->setText(tr("Nothing computed yet."));
        return;
    }
    QStringList parts;
    if (m_hover.valid) {
        parts << tr("L%1 H%2  %3")
                     .arg(m_hover.layer)
                     .arg(m_hover.head)
                     .arg(describeCell(*m_set, m_hover));
    }
    if (m_pinQuery >= 0) {
        // the pinned cell's value in the head shown large, as drawn (renormalised when hiding
        // specials)
        PlotHit pinned;
        pinned.valid = true;
        pinned.layer = m_layer;
        pinned.head = m_head;
        pinned.query = m_pinQuery;
        pinned.key = m_pinKey;
        const HeadMatrix matrix = headMatrix(*m_set, m_layer, m_head, m_options.hideSpecial);
        const int row = matrix.indexOf(m_pinQuery);
        const int column = matrix.indexOf(m_pinKey);
        if (row >= 0 && column >= 0) {
            pinned.weight = matrix.at(row, column);
            parts << tr("Pinned (L%1 H%2): %3")
                         .arg(m_layer)
                         .arg(m_head)
                         .arg(describeCell(*m_set, pinned));
        } else {
            parts << tr("Pinned token is hidden (special token)");
        }
    }
    if (parts.isEmpty()) {
        parts << tr(
            "Hover over a cell for its exact weight; click to pin a query row and key column.");
    }
    m_readout->setText(parts.join(QStringLiteral("    ")));
}

void HeadsView::updateTitles() {
    if (!m_set) {
        return;
    }
    m_single->setTitle(tr("%1 · layer %2, head %3").arg(m_set->source).arg(m_layer).arg(m_head));
}

void HeadsView::keyPressEvent(QKeyEvent* event) {
    switch (event->key()) {
    case Qt::Key_Left:
        stepHead(-1);
        break;
    case Qt::Key_Right:
        stepHead(1);
        break;
    case Qt::Key_Up:
        stepLayer(-1);
        break;
    case Qt::Key_Down:
        stepLayer(1);
        break;
    case Qt::Key_Escape:
        setPin(-1, -1);
        break;
    default:
        QWidget::keyPressEvent(event);
        return;
    }
    event->accept();
}

} // namespace attnscope
