#include "ui/figure/attentionplot.h"

#include "core/base/error.h"
#include "ui/figure/colormaps.h"
#include "ui/figure/fonts.h"

#include <QFontMetricsF>
#include <QMouseEvent>
#include <algorithm>
#include <cmath>
#include <limits>
#include <tuple>

namespace attnscope {

namespace {

// Pixel sizes rather than point sizes: a figure then looks the same on the screen, in a PNG
// (QImage at 96 dpi), in an SVG and in a PDF, whatever the device's resolution.
constexpr int kSingleLabelPx = 12;
constexpr int kGridLabelPx = 10;
constexpr int kSingleTitlePx = 13;
constexpr int kGridTitlePx = 11;
constexpr int kAllTitlePx = 9;
constexpr int kFigureTitlePx = 15;
constexpr int kSpacing = 10;
constexpr double kSingleElide = 160.0;
constexpr double kGridElide = 90.0;
constexpr double kTinyStretch = 1e-4;
// A label needs its line height plus a little air; below that, neighbours overlap.
constexpr double kLabelAir = 1.15;

QFont pixelFont(int pixels, bool bold = false) {
    QFont font = labelFont();
    font.setPixelSize(pixels);
    font.setBold(bold);
    return font;
}

QColor pinColor(ColorMap map) {
    switch (map) {
    case ColorMap::Viridis:
        return {0xff, 0x2d, 0x55};
    case ColorMap::Magma:
        return {0x00, 0xd8, 0xff};
    case ColorMap::Grayscale:
        return {0xe5, 0x39, 0x35};
    case ColorMap::Diverging:
        return {0x10, 0x10, 0x10};
    }
    return Qt::red;
}

const QColor kFrameColor(0x90, 0x90, 0x90);
const QColor kSelectedColor(0x1e, 0x88, 0xe5);

int visibleTokens(const AttentionSet& set, bool hideSpecial) {
    if (!hideSpecial)
        return set.seq();
    int n = 0;
    for (int i = 0; i < set.seq(); ++i)
        n += std::size_t(i) < set.special.size() && set.special[std::size_t(i)] ? 0 : 1;
    return n;
}

QString formatWeight(double value) {
    return QString::number(value, 'g', 3);
}

} // namespace

AttentionPlot::AttentionPlot(QWidget* parent)
    : QCustomPlot(parent) {
    qRegisterMetaType<attnscope::PlotHit>();
    setBackground(Qt::white);
    setMouseTracking(true);
    setFont(pixelFont(kSingleLabelPx));
    rebuild();
}

void AttentionPlot::setAttention(std::shared_ptr<const AttentionSet> set) {
    if (set != nullptr) {
        const AttentionSet& s = *set;
        if (s.attentions.rank() != 4 || s.attentions.dim(2) != s.attentions.dim(3))
            throw Error("attention set: expected attentions of shape [L, H, S, S], got " +
                        shapeToString(s.attentions.shape()));
        if (s.tokens.size() != s.seq())
            throw Error("attention set: " + std::to_string(s.tokens.size()) + " token labels for " +
                        std::to_string(s.seq()) + " tokens");
        if (!s.special.empty() && s.special.size() != std::size_t(s.seq()))
            throw Error("attention set: " + std::to_string(s.special.size()) +
                        " special flags for " + std::to_string(s.seq()) + " tokens");
    }
    // The sliders of the window send a new set of the same shape many times a second: then only
    // the cells and colour ranges change, and the layout (labels, margins, items) is kept.
    const bool inPlace = set != nullptr && m_set != nullptr && !m_panels.empty() &&
                         sameStructure(*m_set, *set) && m_builtFor == layoutSize();
    m_set = std::move(set);
    if (!inPlace) {
        rebuild();
        return;
    }
    m_panelKey.set = m_set.get();
    fillPanels();
    updateColorRanges();
    replot(rpQueuedReplot);
}

bool AttentionPlot::sameStructure(const AttentionSet& a, const AttentionSet& b) const {
    return a.attentions.shape() == b.attentions.shape() && a.tokens == b.tokens &&
           a.special == b.special;
}

void AttentionPlot::showLayerGrid(int layer) {
    m_layout = Layout::LayerGrid;
    m_layer = layer;
    rebuild();
}

void AttentionPlot::showSingleHead(int layer, int head) {
    m_layout = Layout::SingleHead;
    m_layer = layer;
    m_head = head;
    rebuild();
}

void AttentionPlot::showAllLayers() {
    m_layout = Layout::AllLayers;
    rebuild();
}

void AttentionPlot::setOptions(const FigureOptions& options) {
    if (options == m_options)
        return;
    const FigureOptions old = m_options;
    m_options = options;
    if (m_panels.empty() || options.hideSpecial != old.hideSpecial) {
        rebuild(); // other tokens: new cells and labels
        return;
    }
    if (options.scale != old.scale)
        fillPanels(); // the log scale clamps cells to kLogFloor
    if (options.scale != old.scale || options.range != old.range) {
        rebuild(); // the legend's labels change width; the panels and their cells are kept
        return;
    }
    // Another colour map: colours only.
    updateColorRanges();
    updatePin();
    replot(rpQueuedReplot);
}

void AttentionPlot::setPin(int query, int key) {
    if (query == m_pinQuery && key == m_pinKey)
        return;
    m_pinQuery = query;
    m_pinKey = key;
    if (m_set && !m_panels.empty() && m_labelStep > 1 && m_labelStep < INT32_MAX / 4) {
        applyLabels(m_labelCellPixels); // thinned labels make room for the pinned tokens' own
        balanceLayout();
    }
    updatePin();
    replot(rpQueuedReplot);
}

void AttentionPlot::setSelectedHead(int layer, int head) {
    if (layer == m_selectedLayer && head == m_selectedHead)
        return;
    m_selectedLayer = layer;
    m_selectedHead = head;
    updateSelection();
    replot(rpQueuedReplot);
}

void AttentionPlot::setTitle(const QString& title) {
    if (title == m_title)
        return;
    const bool hadTitle = !m_title.isEmpty();
    m_title = title;
    if (m_titleElement != nullptr && hadTitle && !title.isEmpty()) {
        m_titleElement->setText(
            QFontMetricsF(m_titleElement->font())
                .elidedText(title, Qt::ElideRight, std::max(40, layoutSize().width() - 16)));
        replot(rpQueuedReplot);
        return;
    }
    rebuild();
}

void AttentionPlot::copyFigureFrom(const AttentionPlot& other) {
    m_set = other.m_set;
    m_options = other.m_options;
    m_layout = other.m_layout;
    m_layer = other.m_layer;
    m_head = other.m_head;
    m_pinQuery = other.m_pinQuery;
    m_pinKey = other.m_pinKey;
    m_selectedLayer = other.m_selectedLayer;
    m_selectedHead = other.m_selectedHead;
    if (!other.m_title.isEmpty())
        m_title = other.m_title;
    rebuild();
}

QSize AttentionPlot::layoutSize() const {
    return viewport().size();
}

QSize AttentionPlot::naturalSize() const {
    QSize size = naturalMapsSize();
    if (!m_title.isEmpty()) {
        // Room for the title up to a width where a long sentence is better shortened.
        const double title =
            QFontMetricsF(pixelFont(kFigureTitlePx, true)).horizontalAdvance(m_title);
        size.setWidth(std::max(size.width(), std::min(int(std::ceil(title)) + 40, 1600)));
    }
    return size;
}

QSize AttentionPlot::naturalMapsSize() const {
    if (m_set == nullptr)
        return {800, 600};
    const int n = std::max(1, visibleTokens(*m_set, m_options.hideSpecial));
    switch (m_layout) {
    case Layout::SingleHead: {
        const int side = std::clamp(n * 20, 280, 900);
        return {side + 260, side + 200};
    }
    case Layout::LayerGrid: {
        const int heads = m_set->heads();
        const int columns = std::max(1, int(std::ceil(std::sqrt(double(heads) * 1.3))));
        const int rows = (heads + columns - 1) / columns;
        const int side = std::clamp(n * 15, 150, 300);
        return {columns * (side + kSpacing + 4) + 230, rows * (side + kSpacing + 20) + 170};
    }
    case Layout::AllLayers: {
        const int side = std::clamp(n * 5, 56, 120);
        return {m_set->heads() * (side + kSpacing + 4) + 150,
                m_set->layers() * (side + kSpacing + 18) + 60};
    }
    }
    return {800, 600};
}

void AttentionPlot::clearFigure() {
    // The panels (axis rect, colour map, pin outlines) outlive a rebuild: their cells are a
    // million per head for long sequences, too costly to allocate again for a resize or a new
    // set of the same size. Everything around them is made again.
    if (m_panelGrid != nullptr) {
        for (const Panel& panel : m_panels)
            m_panelGrid->take(panel.rect);
    }
    plotLayout()->clear();
    for (QCPMarginGroup* group : m_marginGroups)
        delete group;
    m_marginGroups.clear();
    m_panelGrid = nullptr;
    m_body = nullptr;
    m_colorScale = nullptr;
    m_titleElement = nullptr;
}

void AttentionPlot::removePanel(Panel& panel) {
    if (panel.pinRow != nullptr)
        removeItem(panel.pinRow);
    if (panel.pinColumn != nullptr)
        removeItem(panel.pinColumn);
    removePlottable(panel.map);
    delete panel.rect; // already taken out of the layout by clearFigure
}

void AttentionPlot::rebuild() {
    m_builtFor = layoutSize();
    const bool empty = m_set == nullptr || m_set->layers() == 0 || m_set->heads() == 0 ||
                       visibleTokens(*m_set, m_options.hideSpecial) == 0;
    if (!empty) {
        m_layer = std::clamp(m_layer, 0, m_set->layers() - 1);
        m_head = std::clamp(m_head, 0, m_set->heads() - 1);
    }
    const PanelKey key{m_set.get(), m_layout, m_layer, m_layout == Layout::SingleHead ? m_head : -1,
                       m_options.hideSpecial};
    const bool sameCells = !empty && !m_panels.empty() && key == m_panelKey;
    clearFigure();
    if (empty) {
        for (Panel& panel : m_panels)
            removePanel(panel);
        m_panels.clear();
        m_panelKey = {};
        if (!m_title.isEmpty()) {
            m_titleElement = new QCPTextElement(this, m_title, pixelFont(kFigureTitlePx, true));
            plotLayout()->addElement(0, 0, m_titleElement);
        }
        replot(rpQueuedReplot);
        return;
    }
    chooseGrid();
    if (!sameCells) {
        assignPanels();
        fillPanels();
        m_panelKey = key;
    }
    buildLayout();
    updateColorRanges();

    const int n = m_panels.front().matrix.size();
    // First guess of the cell size from the whole widget, so that a long sequence does not start
    // with a thousand labels that are thinned right away.
    const QSize size = layoutSize();
    const double guess =
        std::min(double(size.width()) / m_columns, double(size.height()) / m_rows) / n;
    applyLabels(guess);
    balanceLayout();
    // The labels that fit at the cell size the layout actually gives.
    const QRect inner = m_panels.front().rect->rect();
    applyLabels(double(std::min(inner.width(), inner.height())) / n);
    balanceLayout();
    uploadChangedBlocks(); // once, at the final map sizes (new panels have had no cells yet)
    updatePin();
    updateSelection();
    replot(rpQueuedReplot);
}

void AttentionPlot::chooseGrid() {
    const AttentionSet& set = *m_set;
    switch (m_layout) {
    case Layout::SingleHead:
        m_columns = m_rows = 1;
        break;
    case Layout::LayerGrid: {
        const int count = set.heads();
        // The number of columns that gives the largest square maps in this widget.
        const QSize size = layoutSize();
        const double width = std::max(100, size.width() - 160);
        const double height = std::max(100, size.height() - 120 - (m_title.isEmpty() ? 0 : 30));
        double best = -1.0;
        for (int columns = 1; columns <= count; ++columns) {
            const int rows = (count + columns - 1) / columns;
            const double side = std::min(width / columns, height / rows);
            if (side > best + 1e-9) {
                best = side;
                m_columns = columns;
                m_rows = rows;
            }
        }
        break;
    }
    case Layout::AllLayers:
        m_columns = set.heads();
        m_rows = set.layers();
        break;
    }
}

void AttentionPlot::assignPanels() {
    const AttentionSet& set = *m_set;
    std::vector<std::pair<int, int>> heads; // (layer, head)
    switch (m_layout) {
    case Layout::SingleHead:
        heads.emplace_back(m_layer, m_head);
        break;
    case Layout::LayerGrid:
        for (int h = 0; h < set.heads(); ++h)
            heads.emplace_back(m_layer, h);
        break;
    case Layout::AllLayers:
        for (int l = 0; l < set.layers(); ++l)
            for (int h = 0; h < set.heads(); ++h)
                heads.emplace_back(l, h);
        break;
    }
    while (m_panels.size() > heads.size()) {
        removePanel(m_panels.back());
        m_panels.pop_back();
    }
    for (std::size_t i = 0; i < m_panels.size(); ++i) {
        m_panels[i].layer = heads[i].first;
        m_panels[i].head = heads[i].second;
    }
    m_panels.reserve(heads.size());
    for (std::size_t i = m_panels.size(); i < heads.size(); ++i) {
        const auto [layer, head] = heads[i];
        Panel panel;
        panel.layer = layer;
        panel.head = head;
        panel.rect = new QCPAxisRect(this, false);
        panel.rect->setMinimumSize(4, 4);
        panel.rect->setSizeConstraintRect(QCPLayoutElement::scrInnerRect);
        panel.rect->setMinimumMargins(QMargins(2, 2, 2, 2));
        for (const QCPAxis::AxisType type :
             {QCPAxis::atLeft, QCPAxis::atBottom, QCPAxis::atTop, QCPAxis::atRight}) {
            QCPAxis* axis = panel.rect->addAxis(type);
            axis->grid()->setVisible(false);
            axis->setSubTicks(false);
            axis->setTicks(false);
            axis->setTickLabels(false);
            axis->setRange(-0.5, 0.5);
            axis->setPadding(0);
            axis->setOffset(0);
        }
        panel.rect->axis(QCPAxis::atTop)->setLabelPadding(3);
        panel.map =
            new QCPColorMap(panel.rect->axis(QCPAxis::atBottom), panel.rect->axis(QCPAxis::atLeft));
        panel.map->setInterpolate(false);
        panel.map->setTightBoundary(false);
        panel.map->setAntialiased(false);
        m_panels.push_back(std::move(panel));
    }
}

void AttentionPlot::buildLayout() {
    // Main layout: [title] above [spacer | panel grid | colour scale | spacer]; the spacers
    // centre maps and colour bar together (balanceLayout).
    int row = 0;
    if (!m_title.isEmpty()) {
        const QFont font = pixelFont(kFigureTitlePx, true);
        // A long sentence in the title is shortened rather than cut at the image's edges.
        const QString title = QFontMetricsF(font).elidedText(
            m_title, Qt::ElideRight, std::max(40, layoutSize().width() - 16));
        m_titleElement = new QCPTextElement(this, title, font);
        plotLayout()->addElement(row++, 0, m_titleElement);
    }
    m_body = new QCPLayoutGrid;
    plotLayout()->addElement(row, 0, m_body);
    if (row > 0)
        plotLayout()->setRowStretchFactors({kTinyStretch, 1.0});
    m_panelGrid = new QCPLayoutGrid;
    m_colorScale = new QCPColorScale(this);
    m_body->addElement(0, 0, new QCPLayoutElement(this));
    m_body->addElement(0, 1, m_panelGrid);
    m_body->addElement(0, 2, m_colorScale);
    m_body->addElement(0, 3, new QCPLayoutElement(this));
    m_body->setColumnSpacing(kSpacing);
    m_colorScale->setBarWidth(14);
    m_colorScale->setAutoMargins(QCP::msLeft | QCP::msRight);
    m_colorScale->axis()->setTickLabelFont(pixelFont(kGridLabelPx));
    m_colorScale->axis()->setLabelFont(pixelFont(kSingleLabelPx));
    m_colorScale->axis()->setLabelPadding(8);

    m_panelGrid->setColumnSpacing(kSpacing);
    m_panelGrid->setRowSpacing(kSpacing);
    // Spacer rows/columns around the maps take what square maps leave over (balanceLayout).
    m_panelGrid->addElement(0, 0, new QCPLayoutElement(this));
    m_panelGrid->addElement(m_rows + 1, m_columns + 1, new QCPLayoutElement(this));

    std::vector<QCPMarginGroup*> columnGroups, rowGroups;
    for (int c = 0; c < m_columns; ++c)
        columnGroups.push_back(new QCPMarginGroup(this));
    for (int r = 0; r < m_rows; ++r)
        rowGroups.push_back(new QCPMarginGroup(this));
    m_marginGroups = columnGroups;
    m_marginGroups.insert(m_marginGroups.end(), rowGroups.begin(), rowGroups.end());

    const int titlePx = m_layout == Layout::SingleHead  ? kSingleTitlePx
                        : m_layout == Layout::LayerGrid ? kGridTitlePx
                                                        : kAllTitlePx;
    const QFont titleFont = pixelFont(titlePx, m_layout != Layout::AllLayers);
    for (std::size_t i = 0; i < m_panels.size(); ++i) {
        Panel& panel = m_panels[i];
        panel.rect->axis(QCPAxis::atTop)->setLabelFont(titleFont);
        panel.gridRow = int(i) / m_columns;
        panel.gridColumn = int(i) % m_columns;
        m_panelGrid->addElement(panel.gridRow + 1, panel.gridColumn + 1, panel.rect);
        panel.rect->setMarginGroup(QCP::msLeft | QCP::msRight,
                                   columnGroups[std::size_t(panel.gridColumn)]);
        panel.rect->setMarginGroup(QCP::msTop | QCP::msBottom,
                                   rowGroups[std::size_t(panel.gridRow)]);
    }
}

void AttentionPlot::fillPanels() {
    for (Panel& panel : m_panels) {
        panel.matrix = headMatrix(*m_set, panel.layer, panel.head, m_options.hideSpecial);
        const int n = panel.matrix.size();
        if (panel.size != n) {
            panel.size = n;
            for (const QCPAxis::AxisType type :
                 {QCPAxis::atLeft, QCPAxis::atBottom, QCPAxis::atTop, QCPAxis::atRight})
                panel.rect->axis(type)->setRange(-0.5, n - 0.5);
        }
        // A new panel has no size yet: the layout pass that follows (updateLayout) uploads its
        // cells once, already at the right block size, instead of all n² cells first.
        if (panel.rect->rect().isEmpty()) {
            panel.uploadedBlock = 0;
            continue;
        }
        // At the size of the last layout; updateLayout uploads again if a new layout changes it.
        uploadCells(panel, blockFor(panel));
    }
}

int AttentionPlot::blockFor(const Panel& panel) const {
    const int n = panel.matrix.size();
    if (m_rasterScale == 0.0 || n <= 1)
        return 1;
    const double scale = m_rasterScale > 0.0 ? m_rasterScale : devicePixelRatioF();
    const QRect inner = panel.rect->rect();
    const int pixels = int(std::floor(std::min(inner.width(), inner.height()) * scale));
    if (pixels < 2 || n <= pixels) // not laid out yet, or every cell has a pixel
        return 1;
    return (n + pixels - 1) / pixels;
}

void AttentionPlot::uploadCells(Panel& panel, int block) {
    const bool log = m_options.scale == ValueScale::Log;
    const int n = panel.matrix.size();
    const int cells = (n + block - 1) / block;
    QCPColorMapData* data = panel.map->data();
    if (data->keySize() != cells || data->valueSize() != cells)
        data->setSize(cells, cells);
    // Cell k covers tokens [k·block, (k+1)·block): its centre is at k·block + (block - 1)/2 on
    // the token axes. With one cell QCPColorMap needs the cell's extent as its range (no
    // neighbour to measure the half-cell from).
    const double first = (block - 1) / 2.0;
    const QCPRange range =
        cells == 1 ? QCPRange(-0.5, n - 0.5) : QCPRange(first, first + double(cells - 1) * block);
    data->setRange(range, range);
    // Query row r is drawn at value n-1-r, so that the first token is at the top without a
    // reversed axis (QCPColorMap mirrors its whole image on every draw for reversed axes).
    // Blocks are counted in value space, so a partial block sits at the top / right edge. Each
    // matrix row is read once, front to back, into one row of block maxima.
    std::vector<double> maxima(static_cast<std::size_t>(cells));
    for (int valueBlock = 0; valueBlock < cells; ++valueBlock) {
        std::fill(maxima.begin(), maxima.end(), -std::numeric_limits<double>::infinity());
        const int valueEnd = std::min(n, (valueBlock + 1) * block);
        for (int value = valueBlock * block; value < valueEnd; ++value) {
            const float* row = panel.matrix.values.data() + std::size_t(n - 1 - value) * n;
            for (int keyBlock = 0; keyBlock < cells; ++keyBlock) {
                double& z = maxima[std::size_t(keyBlock)];
                const int keyEnd = std::min(n, (keyBlock + 1) * block);
                for (int column = keyBlock * block; column < keyEnd; ++column) {
                    // Non-finite cells (imported data) draw as 0, as they always did.
                    z = std::max(z, std::isfinite(row[column]) ? double(row[column]) : 0.0);
                }
            }
        }
        for (int keyBlock = 0; keyBlock < cells; ++keyBlock)
            data->setCell(keyBlock, valueBlock,
                          log ? std::max(maxima[std::size_t(keyBlock)], kLogFloor)
                              : maxima[std::size_t(keyBlock)]);
    }
    panel.uploadedBlock = block;
}

void AttentionPlot::uploadChangedBlocks() {
    for (Panel& panel : m_panels) {
        const int block = blockFor(panel);
        if (block != panel.uploadedBlock)
            uploadCells(panel, block);
    }
}

void AttentionPlot::setRasterScale(double outputPixelsPerPixel) {
    m_rasterScale = outputPixelsPerPixel;
    uploadChangedBlocks();
}

void AttentionPlot::updateLayout() {
    QCustomPlot::updateLayout();
    uploadChangedBlocks();
}

void AttentionPlot::updateColorRanges() {
    if (m_panels.empty() || m_colorScale == nullptr)
        return;
    const bool log = m_options.scale == ValueScale::Log;
    const bool perHead = m_options.range == RangeMode::PerHead && m_panels.size() > 1;
    const int n = m_panels.front().matrix.size();

    auto rangeFor = [&](double max) {
        if (log)
            return QCPRange(kLogFloor, std::max(max, kLogFloor * 10.0));
        return QCPRange(0.0, max > 0.0 ? max : 1.0);
    };
    auto gradientFor = [&](const QCPRange& range) {
        if (m_options.colorMap != ColorMap::Diverging)
            return colorGradient(m_options.colorMap);
        // White where the weight is uniform, 1/n: blue below, red above.
        const double uniform = 1.0 / n;
        const double center =
            log ? (std::log(std::max(uniform, range.lower)) - std::log(range.lower)) /
                      (std::log(range.upper) - std::log(range.lower))
                : (uniform - range.lower) / (range.upper - range.lower);
        return divergingGradient(center);
    };
    auto maxOf = [](const HeadMatrix& matrix) {
        float max = 0.0F;
        for (const float v : matrix.values)
            if (std::isfinite(v))
                max = std::max(max, v);
        return double(max);
    };

    const QCPAxis::ScaleType scaleType = log ? QCPAxis::stLogarithmic : QCPAxis::stLinear;
    m_colorScale->setDataScaleType(scaleType);
    if (log)
        m_colorScale->axis()->setTicker(QSharedPointer<QCPAxisTickerLog>::create());
    else
        m_colorScale->axis()->setTicker(QSharedPointer<QCPAxisTicker>::create());

    if (!perHead) {
        double max = 0.0;
        for (const Panel& panel : m_panels)
            max = std::max(max, maxOf(panel.matrix));
        const QCPRange range = rangeFor(max);
        const QCPColorGradient gradient = gradientFor(range);
        m_colorScale->setGradient(gradient);
        m_colorScale->setDataRange(range);
        m_colorScale->axis()->setLabel(log ? tr("weight (log scale)") : tr("weight"));
        for (Panel& panel : m_panels) {
            panel.map->setColorScale(m_colorScale);
            panel.map->setGradient(gradient);
            panel.map->setDataScaleType(scaleType);
            panel.map->setDataRange(range);
            QString title = tr("L%1 H%2").arg(panel.layer).arg(panel.head);
            panel.rect->axis(QCPAxis::atTop)->setLabel(title);
        }
        return;
    }

    // Each head coloured over its own range: the legend runs from the bottom of the range to
    // "head max", and each head's title says what its max is.
    const QCPRange legend = rangeFor(1.0);
    m_colorScale->setGradient(gradientFor(legend));
    m_colorScale->setDataRange(legend);
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    ticker->addTick(legend.lower, log ? QString::number(kLogFloor) : QStringLiteral("0"));
    ticker->addTick(legend.upper, tr("head max"));
    m_colorScale->axis()->setTicker(ticker);
    m_colorScale->axis()->setLabel(log ? tr("weight, each head its own range (log)")
                                       : tr("weight, each head its own range"));
    for (Panel& panel : m_panels) {
        panel.map->setColorScale(nullptr);
        const double max = maxOf(panel.matrix);
        const QCPRange range = rangeFor(max);
        panel.map->setGradient(gradientFor(range));
        panel.map->setDataScaleType(scaleType);
        panel.map->setDataRange(range);
        const QString title =
            m_layout == Layout::AllLayers
                ? tr("L%1 H%2 ≤%3").arg(panel.layer).arg(panel.head).arg(formatWeight(max))
                : tr("L%1 H%2 · max %3").arg(panel.layer).arg(panel.head).arg(formatWeight(max));
        panel.rect->axis(QCPAxis::atTop)->setLabel(title);
    }
}

void AttentionPlot::applyLabels(double cellPixels) {
    const bool single = m_layout == Layout::SingleHead;
    const QFont font = pixelFont(single ? kSingleLabelPx : kGridLabelPx);
    const QFontMetricsF metrics(font);
    const double needed = metrics.height() * kLabelAir;
    // Every label, or every step-th one: evenly thinned in the large view; in the grids labels
    // appear only when all of them fit.
    int step = cellPixels > 0.0 ? int(std::ceil(needed / cellPixels - 1e-9)) : INT32_MAX / 2;
    step = std::max(step, 1);
    m_labelCellPixels = cellPixels;
    m_labelStep = step;
    const bool show = single || step == 1;
    const double elide = single ? kSingleElide : kGridElide;

    // The lowest panel of each column carries the key labels, the first column the queries.
    std::vector<int> lowest(std::size_t(m_columns), -1);
    for (const Panel& panel : m_panels)
        lowest[std::size_t(panel.gridColumn)] =
            std::max(lowest[std::size_t(panel.gridColumn)], panel.gridRow);

    for (Panel& panel : m_panels) {
        const int n = panel.matrix.size();
        QCPAxis* left = panel.rect->axis(QCPAxis::atLeft);
        QCPAxis* bottom = panel.rect->axis(QCPAxis::atBottom);
        const bool leftLabels = show && panel.gridColumn == 0;
        const bool bottomLabels = show && panel.gridRow == lowest[std::size_t(panel.gridColumn)];
        QSharedPointer<QCPAxisTickerText> leftTicker, bottomTicker;
        if (leftLabels || bottomLabels) {
            leftTicker = QSharedPointer<QCPAxisTickerText>::create();
            bottomTicker = QSharedPointer<QCPAxisTickerText>::create();
            // When labels are thinned, the pinned query and key keep theirs (the neighbours that
            // would collide with it give way): the pinned cell is always named.
            const auto labelled = [&](int pinnedToken) {
                std::vector<int> indices;
                const int pinned = pinnedToken >= 0 ? panel.matrix.indexOf(pinnedToken) : -1;
                for (int i = 0; i < n; i += step) {
                    if (pinned < 0 || step == 1 || std::abs(i - pinned) >= step)
                        indices.push_back(i);
                }
                if (pinned >= 0 && step > 1)
                    indices.push_back(pinned);
                return indices;
            };
            const auto label = [&](int i) {
                const int token = panel.matrix.tokens[std::size_t(i)];
                return metrics.elidedText(m_set->tokens[token], Qt::ElideRight, elide);
            };
            for (const int i : labelled(m_pinQuery))
                leftTicker->addTick(n - 1 - i, label(i));
            for (const int i : labelled(m_pinKey))
                bottomTicker->addTick(i, label(i));
        }
        for (const auto& [axis, on, ticker] : {std::tuple{left, leftLabels, leftTicker},
                                               std::tuple{bottom, bottomLabels, bottomTicker}}) {
            axis->setTicks(on);
            axis->setTickLabels(on);
            if (on) {
                axis->setTicker(ticker);
                axis->setTickLabelFont(font);
                axis->setTickLength(0, 3);
                axis->setTickLabelPadding(3);
            }
        }
        bottom->setTickLabelRotation(90);
    }
}

void AttentionPlot::balanceLayout() {
    // Measure with the whole width given to the maps, then hand what square maps leave over to
    // the spacers.
    m_body->setColumnStretchFactors({kTinyStretch, 1.0, kTinyStretch, kTinyStretch});
    // QCustomPlot's own pass: the maps' cells are uploaded once the layout is final, not for
    // each of these measuring passes (at 1,024 tokens each upload reads 12 million weights).
    QCustomPlot::updateLayout();
    // Margins per column and row (equal within one, through the margin groups).
    std::vector<int> columnMargins(std::size_t(m_columns), 0), rowMargins(std::size_t(m_rows), 0);
    for (const Panel& panel : m_panels) {
        const QMargins margins = panel.rect->margins();
        int& column = columnMargins[std::size_t(panel.gridColumn)];
        column = std::max(column, margins.left() + margins.right());
        int& row = rowMargins[std::size_t(panel.gridRow)];
        row = std::max(row, margins.top() + margins.bottom());
    }
    const QRect area = m_panelGrid->rect();
    const double width = area.width() - kSpacing * (m_columns + 1);
    const double height = area.height() - kSpacing * (m_rows + 1);
    double sumColumns = 0.0, sumRows = 0.0;
    for (const int m : columnMargins)
        sumColumns += m;
    for (const int m : rowMargins)
        sumRows += m;
    // Square maps, as large as both directions allow; what is left over goes to the spacers so
    // that the maps stay centred.
    const double side =
        std::max(4.0, std::min((width - sumColumns) / m_columns, (height - sumRows) / m_rows));
    QList<double> columns, rows;
    const double spareWidth = std::max(0.0, width - sumColumns - side * m_columns);
    const double spareHeight = std::max(0.0, height - sumRows - side * m_rows);
    columns.append(kTinyStretch);
    for (const int m : columnMargins)
        columns.append(m + side);
    columns.append(kTinyStretch);
    rows.append(std::max(kTinyStretch, spareHeight / 2));
    for (const int m : rowMargins)
        rows.append(m + side);
    rows.append(std::max(kTinyStretch, spareHeight / 2));
    m_panelGrid->setColumnStretchFactors(columns);
    m_panelGrid->setRowStretchFactors(rows);
    const double maps = sumColumns + side * m_columns + kSpacing * (m_columns + 1);
    m_body->setColumnStretchFactors({std::max(kTinyStretch, spareWidth / 2), maps, kTinyStretch,
                                     std::max(kTinyStretch, spareWidth / 2)});
    QCustomPlot::updateLayout();

    // The colour bar spans the maps, top of the first row to bottom of the last.
    int top = std::numeric_limits<int>::max(), bottom = std::numeric_limits<int>::min();
    for (const Panel& panel : m_panels) {
        top = std::min(top, panel.rect->rect().top());
        bottom = std::max(bottom, panel.rect->rect().bottom());
    }
    const QRect outer = m_colorScale->outerRect();
    const int barTop = std::max(0, top - outer.top());
    const int barBottom = std::max(0, outer.bottom() - bottom);
    QMargins margins = m_colorScale->margins();
    margins.setTop(barTop);
    margins.setBottom(barBottom);
    m_colorScale->setMargins(margins);
}

void AttentionPlot::updatePin() {
    const QPen pen(pinColor(m_options.colorMap), 1.6);
    for (Panel& panel : m_panels) {
        const int n = panel.matrix.size();
        const int row = m_pinQuery >= 0 ? panel.matrix.indexOf(m_pinQuery) : -1;
        const int column = m_pinKey >= 0 ? panel.matrix.indexOf(m_pinKey) : -1;
        auto place = [&](QCPItemRect*& item, bool visible, QPointF topLeft, QPointF bottomRight) {
            if (!visible) {
                if (item != nullptr)
                    item->setVisible(false);
                return;
            }
            if (item == nullptr) {
                item = new QCPItemRect(this);
                item->setClipAxisRect(panel.rect);
                item->setClipToAxisRect(true);
                item->topLeft->setAxes(panel.rect->axis(QCPAxis::atBottom),
                                       panel.rect->axis(QCPAxis::atLeft));
                item->bottomRight->setAxes(panel.rect->axis(QCPAxis::atBottom),
                                           panel.rect->axis(QCPAxis::atLeft));
                item->setBrush(Qt::NoBrush);
                item->setSelectable(false);
            }
            item->setPen(pen);
            item->setVisible(true);
            item->topLeft->setCoords(topLeft);
            item->bottomRight->setCoords(bottomRight);
        };
        const double y = n - 1 - row;
        place(panel.pinRow, row >= 0, {-0.5, y + 0.5}, {n - 0.5, y - 0.5});
        place(panel.pinColumn, column >= 0, {column - 0.5, n - 0.5}, {column + 0.5, -0.5});
    }
}

void AttentionPlot::updateSelection() {
    for (Panel& panel : m_panels) {
        const bool selected = panel.layer == m_selectedLayer && panel.head == m_selectedHead &&
                              m_layout != Layout::SingleHead;
        const QPen pen = selected ? QPen(kSelectedColor, 3) : QPen(kFrameColor, 1);
        for (const QCPAxis::AxisType type :
             {QCPAxis::atLeft, QCPAxis::atBottom, QCPAxis::atTop, QCPAxis::atRight}) {
            panel.rect->axis(type)->setBasePen(pen);
            panel.rect->axis(type)->setTickPen(QPen(kFrameColor, 1));
        }
    }
}

PlotHit AttentionPlot::hitTest(const QPointF& position) const {
    for (const Panel& panel : m_panels) {
        if (!QRectF(panel.rect->rect()).contains(position))
            continue;
        const int n = panel.matrix.size();
        const double x = panel.rect->axis(QCPAxis::atBottom)->pixelToCoord(position.x());
        const double y = panel.rect->axis(QCPAxis::atLeft)->pixelToCoord(position.y());
        const int column = int(std::floor(x + 0.5));
        const int row = n - 1 - int(std::floor(y + 0.5));
        if (column < 0 || column >= n || row < 0 || row >= n)
            return {};
        PlotHit hit;
        hit.valid = true;
        hit.layer = panel.layer;
        hit.head = panel.head;
        hit.query = panel.matrix.tokens[std::size_t(row)];
        hit.key = panel.matrix.tokens[std::size_t(column)];
        hit.weight = panel.matrix.at(row, column);
        return hit;
    }
    return {};
}

void AttentionPlot::mouseMoveEvent(QMouseEvent* event) {
    QCustomPlot::mouseMoveEvent(event);
    const PlotHit hit = hitTest(event->position());
    if (hit.valid != m_lastHover.valid || hit.layer != m_lastHover.layer ||
        hit.head != m_lastHover.head || hit.query != m_lastHover.query ||
        hit.key != m_lastHover.key) {
        m_lastHover = hit;
        emit cellHovered(hit);
    }
}

void AttentionPlot::mousePressEvent(QMouseEvent* event) {
    QCustomPlot::mousePressEvent(event);
    m_pressed = event->button() == Qt::LeftButton;
}

void AttentionPlot::mouseReleaseEvent(QMouseEvent* event) {
    const bool click = m_pressed && event->button() == Qt::LeftButton &&
                       (event->position().toPoint() - mMousePressPos).manhattanLength() <= 5;
    m_pressed = false;
    QCustomPlot::mouseReleaseEvent(event);
    if (!click)
        return;
    const PlotHit hit = hitTest(event->position());
    if (hit.valid)
        emit cellClicked(hit);
}

void AttentionPlot::mouseDoubleClickEvent(QMouseEvent* event) {
    QCustomPlot::mouseDoubleClickEvent(event);
    if (event->button() != Qt::LeftButton)
        return;
    const PlotHit hit = hitTest(event->position());
    if (hit.valid)
        emit cellDoubleClicked(hit);
}

void AttentionPlot::leaveEvent(QEvent* event) {
    QCustomPlot::leaveEvent(event);
    if (m_lastHover.valid) {
        m_lastHover = PlotHit{};
        emit cellHovered(m_lastHover);
    }
}

void AttentionPlot::resizeEvent(QResizeEvent* event) {
    QCustomPlot::resizeEvent(event);
    // Columns, label thinning and square maps depend on the size.
    if (layoutSize() != m_builtFor)
        rebuild();
}

} // namespace attnscope
