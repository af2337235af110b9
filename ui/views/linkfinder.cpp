#include "ui/views/linkfinder.h"

#include "core/analysis/linkranking.h"
#include "core/session/attentionset.h"
#include "ui/document/attentiondocument.h"
#include "ui/figure/figureoptions.h"
#include "ui/figure/fonts.h"

#include <QComboBox>
#include <QFormLayout>
#include <QHeaderView>
#include <QLabel>
#include <QStyle>
#include <QTableWidget>
#include <QVBoxLayout>
#include <qcustomplot.h>

namespace attnscope {

LinkFinder::LinkFinder(AttentionDocument* document, QWidget* parent)
    : QWidget(parent)
    , m_document(document) {
    m_query = new QComboBox(this);
    m_query->setObjectName(QStringLiteral("linkQuery"));
    m_key = new QComboBox(this);
    m_key->setObjectName(QStringLiteral("linkKey"));
    for (QComboBox* box : {m_query, m_key}) {
        box->setFont(labelFont(font().pointSizeF()));
        box->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
        box->setMinimumContentsLength(10);
        box->setMaxVisibleItems(25);
    }
    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("linkSummary"));
    m_summary->setWordWrap(true);

    m_table = new QTableWidget(this);
    m_table->setObjectName(QStringLiteral("linkTable"));
    m_table->setColumnCount(4);
    m_table->setHorizontalHeaderLabels({tr("Rank"), tr("Layer"), tr("Head"), tr("Weight")});
    m_table->verticalHeader()->hide();
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    // Fixed widths for the number columns: sized to their contents, the header would measure
    // the text of every cell again each time the numbers change (a slider step).
    QHeaderView* header = m_table->horizontalHeader();
    for (int column = 0; column < 3; ++column) {
        header->setSectionResizeMode(column, QHeaderView::Fixed);
        const QString title = m_table->horizontalHeaderItem(column)->text();
        header->resizeSection(column,
                              std::max(header->fontMetrics().horizontalAdvance(title),
                                       m_table->fontMetrics().horizontalAdvance("0000")) +
                                  2 * header->style()->pixelMetric(QStyle::PM_HeaderMargin) + 8);
    }
    header->setSectionResizeMode(3, QHeaderView::Stretch);

    m_plot = new QCustomPlot(this);
    m_plot->setObjectName(QStringLiteral("linkMap"));
    m_plot->setMinimumHeight(160);
    m_map = new QCPColorMap(m_plot->xAxis, m_plot->yAxis);
    m_map->setInterpolate(false);
    m_scale = new QCPColorScale(m_plot);
    m_plot->plotLayout()->addElement(0, 1, m_scale);
    m_map->setColorScale(m_scale);
    m_plot->xAxis->setLabel(tr("head"));
    m_plot->yAxis->setLabel(tr("layer"));
    m_plot->yAxis->setRangeReversed(true); // layer 0 at the top, as in the table
    for (QCPAxis* axis : {m_plot->xAxis, m_plot->yAxis}) {
        QSharedPointer<QCPAxisTickerFixed> ticker(new QCPAxisTickerFixed);
        ticker->setTickStep(1.0);
        ticker->setScaleStrategy(QCPAxisTickerFixed::ssMultiples); // 1, 2, 5, 10… when crowded
        axis->setTicker(ticker);
        axis->setSubTicks(false);
    }
    auto* margins = new QCPMarginGroup(m_plot);
    m_plot->axisRect()->setMarginGroup(QCP::msBottom | QCP::msTop, margins);
    m_scale->setMarginGroup(QCP::msBottom | QCP::msTop, margins);

    auto* form = new QFormLayout;
    form->addRow(tr("Query token"), m_query);
    form->addRow(tr("Key token"), m_key);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_summary);
    layout->addWidget(m_plot, 1);
    layout->addWidget(m_table, 2);

    // Choosing tokens here moves the document's link (not the pin).
    const auto chosen = [this] {
        m_document->setLink(m_query->currentData().toInt(), m_key->currentData().toInt());
    };
    connect(m_query, &QComboBox::currentIndexChanged, this, chosen);
    connect(m_key, &QComboBox::currentIndexChanged, this, chosen);
    connect(m_table, &QTableWidget::cellClicked, this, [this](int row, int) {
        const auto* layerItem = m_table->item(row, 1);
        const auto* headItem = m_table->item(row, 2);
        if (layerItem && headItem)
            activate(layerItem->data(Qt::DisplayRole).toInt(),
                     headItem->data(Qt::DisplayRole).toInt());
    });
    connect(m_plot, &QCustomPlot::mousePress, this, [this](QMouseEvent* event) {
        const auto& set = m_document->result();
        if (!set)
            return;
        int head = 0;
        int layer = 0;
        m_map->data()->coordToCell(m_plot->xAxis->pixelToCoord(event->position().x()),
                                   m_plot->yAxis->pixelToCoord(event->position().y()), &head,
                                   &layer);
        if (layer >= 0 && layer < set->layers() && head >= 0 && head < set->heads())
            activate(layer, head);
    });
    connect(m_document, &AttentionDocument::resultChanged, this, &LinkFinder::onResult);
    connect(m_document, &AttentionDocument::linkChanged, this, &LinkFinder::onLink);
    connect(m_document, &AttentionDocument::figureOptionsChanged, this, &LinkFinder::refresh);
    refresh();
}

void LinkFinder::activate(int layer, int head) {
    m_document->selectHead(layer, head);
    m_document->setPin(m_document->linkQuery(), m_document->linkKey());
}

void LinkFinder::onResult() {
    const AttentionSet* set = m_document->result().get();
    // The token lists change only with the tokens (a slider that moves the numbers keeps them).
    QStringList labels;
    if (set != nullptr)
        for (int i = 0; i < set->seq(); ++i)
            labels << QStringLiteral("%1: %2").arg(i).arg(set->tokens.value(i));
    if (labels != m_labels) {
        // Only what changed: a slider that adds or drops tokens at the end keeps the rest.
        qsizetype common = 0;
        while (common < labels.size() && common < m_labels.size() &&
               labels[common] == m_labels[common])
            ++common;
        for (QComboBox* box : {m_query, m_key}) {
            const QSignalBlocker block(box);
            while (box->count() > common)
                box->removeItem(box->count() - 1);
            for (qsizetype i = common; i < labels.size(); ++i)
                box->addItem(labels[i], int(i));
        }
        m_labels = labels;
    }
    onLink();
}

void LinkFinder::onLink() {
    {
        const QSignalBlocker b1(m_query), b2(m_key);
        m_query->setCurrentIndex(m_query->findData(m_document->linkQuery()));
        m_key->setCurrentIndex(m_key->findData(m_document->linkKey()));
    }
    refresh();
}

void LinkFinder::refresh() {
    const AttentionSet* set = m_document->result().get();
    const int q = m_document->linkQuery();
    const int k = m_document->linkKey();
    if (set == nullptr || q < 0 || k < 0 || q >= set->seq() || k >= set->seq()) {
        m_summary->setText(tr("Pick a query token and a key token."));
        m_table->setRowCount(0);
        m_map->data()->clear();
        m_plot->replot(QCustomPlot::rpQueuedReplot);
        return;
    }
    const std::vector<HeadWeight> ranked = rankHeadsForLink(set->attentions, q, k);
    // The rows are kept and given new values: a slider step is not a new table.
    m_table->setRowCount(int(ranked.size()));
    const auto cell = [this](int row, int column) {
        QTableWidgetItem* item = m_table->item(row, column);
        if (item == nullptr) {
            item = new QTableWidgetItem;
            m_table->setItem(row, column, item);
        }
        return item;
    };
    for (int row = 0; row < int(ranked.size()); ++row) {
        const HeadWeight& entry = ranked[std::size_t(row)];
        cell(row, 0)->setData(Qt::DisplayRole, row + 1);
        cell(row, 1)->setData(Qt::DisplayRole, int(entry.layer));
        cell(row, 2)->setData(Qt::DisplayRole, int(entry.head));
        QTableWidgetItem* weight = cell(row, 3);
        weight->setText(QString::number(entry.weight, 'f', 6));
        weight->setData(Qt::UserRole, entry.weight);
    }
    const HeadWeight& best = ranked.front();
    m_summary->setText(tr("%1 → %2: strongest in layer %3, head %4 (%5)")
                           .arg(set->tokens.value(q), set->tokens.value(k))
                           .arg(best.layer)
                           .arg(best.head)
                           .arg(best.weight, 0, 'f', 4));

    const int layers = set->layers();
    const int heads = set->heads();
    m_map->data()->setSize(heads, layers);
    // QCPColorMap widens the drawn image by half a cell only along axes of more than one cell; an
    // axis of one cell is drawn across its range, so give it the cell's own extent.
    const auto cellRange = [](int count) {
        return count > 1 ? QCPRange(0, count - 1) : QCPRange(-0.5, 0.5);
    };
    m_map->data()->setRange(cellRange(heads), cellRange(layers));
    for (int l = 0; l < layers; ++l)
        for (int h = 0; h < heads; ++h)
            m_map->data()->setCell(h, l, double(set->weight(l, h, q, k)));
    m_map->setGradient(colorGradient(m_document->figureOptions().colorMap));
    m_map->setDataRange(QCPRange(0.0, std::max(1e-6, best.weight)));
    m_plot->xAxis->setRange(-0.5, heads - 0.5);
    m_plot->yAxis->setRange(-0.5, layers - 0.5);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

} // namespace attnscope
