#include "ui/figure/attentionplot.h"

#include "ui/figure/colormaps.h"
#include "ui/figure/fonts.h"

#include <QFontMetricsF>
#include <QMouseEvent>
#include <algorithm>
#include <cmath>
#include <limits>
#include <tuple>

namespace attnscope {

int PanelSpec::rowOf(int token) const {
    if (rowTokens.empty())
        return token >= 0 && token < rows() ? token : -1;
    const auto it = std::find(rowTokens.begin(), rowTokens.end(), token);
    return it != rowTokens.end() ? int(it - rowTokens.begin()) : -1;
}

int PanelSpec::columnOf(int token) const {
    if (columnTokens.empty())
        return token >= 0 && token < columns() ? token : -1;
    const auto it = std::find(columnTokens.begin(), columnTokens.end(), token);
    return it != columnTokens.end() ? int(it - columnTokens.begin()) : -1;
}

/**
 * A QCPColorMap whose image attnscope makes itself (mapcells.h) instead of QCustomPlot filling a
 * double per cell through setCell and colouring them on each draw: on the screen and in PNGs the
 * image has the map's own pixel size, so that drawing it is a copy, not a scaling (a slider step
 * redraws thirteen maps). The map's data holds two cells whose ranges only place the image on the
 * axis rect, which QCPColorMap::draw (and its rasterisation for PDF and SVG) uses.
 */
class HeatmapLayer : public QCPColorMap {
public:
    HeatmapLayer(QCPAxis* keyAxis, QCPAxis* valueAxis)
        : QCPColorMap(keyAxis, valueAxis) {
        setInterpolate(false);
        setTightBoundary(false);
        setAntialiased(false);
        data()->setSize(2, 2);
    }

    /** `image` covering the axis rect of a rows × columns matrix (axes -0.5 to n - 0.5). */
    void setImage(QImage image, int rows, int columns) {
        // draw() spans the image from the first cell centre minus half a cell to the last plus
        // half: with two cells centred a quarter of the way in, that is exactly [-0.5, n - 0.5].
        const auto centres = [](int n) {
            return QCPRange(-0.5 + n / 4.0, n - 0.5 - n / 4.0);
        };
        data()->setRange(centres(columns), centres(rows));
        mMapImage = std::move(image);
        mMapImageInvalidated = false;
    }

protected:
    // The image is set by setImage; QCustomPlot's own colouring of its (unused) cells must not
    // replace it when the data or the range it was told about change.
    void updateMapImage() override { mMapImageInvalidated = false; }
};

namespace {

// Pixel sizes rather than point sizes: a figure then looks the same on the screen, in a PNG
// (QImage at 96 dpi), in an SVG and in a PDF, whatever the device's resolution.
constexpr int kLargeLabelPx = 12;
constexpr int kGridLabelPx = 10;
constexpr int kLargeTitlePx = 13;
constexpr int kGridTitlePx = 11;
constexpr int kCompactTitlePx = 9;
constexpr int kFigureTitlePx = 15;
constexpr int kSpacing = 10;
constexpr double kLargeElide = 160.0;
constexpr double kGridElide = 90.0;
constexpr double kTinyStretch = 1e-4;
// A label needs its line height plus a little air; below that, neighbours overlap.
constexpr double kLabelAir = 1.15;
constexpr int kNoLabels = INT32_MAX / 2;

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

QString formatValue(double value) {
    return QString::number(value, 'g', 3);
}

bool sameShapeAndLabels(const PanelSpec& a, const PanelSpec& b) {
    return a.rows() == b.rows() && a.columns() == b.columns() && a.rowLabels == b.rowLabels &&
           a.columnLabels == b.columnLabels && a.rowTokens == b.rowTokens &&
           a.columnTokens == b.columnTokens;
}

QString legendLabel(ValueKind kind, bool log, bool perPanel) {
    switch (kind) {
    case ValueKind::Probability:
        if (perPanel)
            return log ? AttentionPlot::tr("weight, each head its own range (log)")
                       : AttentionPlot::tr("weight, each head its own range");
        return log ? AttentionPlot::tr("weight (log scale)") : AttentionPlot::tr("weight");
    case ValueKind::Score:
        return perPanel ? AttentionPlot::tr("score, each map its own range")
                        : AttentionPlot::tr("score");
    case ValueKind::Difference:
        return perPanel ? AttentionPlot::tr("difference, each map its own range")
                        : AttentionPlot::tr("difference");
    case ValueKind::Other:
        break;
    }
    return perPanel ? AttentionPlot::tr("value, each map its own range")
                    : AttentionPlot::tr("value");
}

} // namespace

AttentionPlot::AttentionPlot(QWidget* parent)
    : QCustomPlot(parent) {
    qRegisterMetaType<attnscope::PlotHit>();
    setBackground(Qt::white);
    setMouseTracking(true);
    setFont(pixelFont(kLargeLabelPx));
    // One paint buffer for every layer: the overlay layer's own full-size buffer would be cleared
    // and blended onto the widget on every replot without ever holding anything.
    if (QCPLayer* overlay = layer(QStringLiteral("overlay")))
        overlay->setMode(QCPLayer::lmLogical);
    rebuild();
}

AttentionPlot::~AttentionPlot() = default;

void AttentionPlot::setFigure(FigureSpec figure) {
    const bool sameLayout = !m_panels.empty() && m_panels.size() == figure.panels.size() &&
                            figure.style == m_builtStyle && figure.columns == m_figure.columns &&
                            m_builtFor == layoutSize() && m_body != nullptr;
    bool sameCells = sameLayout;
    if (sameLayout) {
        for (std::size_t i = 0; i < figure.panels.size() && sameCells; ++i)
            sameCells = sameShapeAndLabels(figure.panels[i], m_figure.panels[i]);
    }
    m_figure = std::move(figure);
    for (Panel& panel : m_panels)
        panel.uploaded.reset(); // new numbers: every image is made again
    if (!sameLayout) {
        rebuild();
        return;
    }
    // The sliders of the window send new numbers many times a second. Same shapes and labels:
    // only the cells, colour ranges and titles change. Other shapes: the layout elements stay
    // and are measured again for the new labels.
    updateExtents();
    updateColorRanges();
    if (sameCells) {
        uploadChanged(true);
    } else {
        // Maps of the same proportions in the same grid keep their size; when a grid shows no
        // labels before and after (cells too small for them), nothing needs measuring again.
        bool sameProportions = true;
        for (std::size_t i = 0; i < m_panels.size(); ++i) {
            const PanelSpec& spec = m_figure.panels[i];
            sameProportions =
                sameProportions && std::int64_t(m_panels[i].rows) * spec.columns() ==
                                       std::int64_t(spec.rows()) * m_panels[i].columns;
        }
        updateAxes();
        const bool labelsStayHidden = m_figure.style != PanelStyle::Large && sameProportions &&
                                      m_labelStep > 1 && labelStepFor(currentCellPixels()) > 1;
        if (labelsStayHidden) {
            m_labelCellPixels = currentCellPixels();
            uploadChanged(false);
        } else {
            layOut(/*fromScratch=*/false);
        }
    }
    updatePin();
    replot(rpQueuedReplot);
}

void AttentionPlot::setOptions(const FigureOptions& options) {
    if (options.colorMap == m_options.colorMap && options.scale == m_options.scale &&
        options.range == m_options.range) {
        m_options = options;
        return;
    }
    const FigureOptions old = m_options;
    m_options = options;
    if (m_panels.empty()) {
        rebuild();
        return;
    }
    if (options.scale != old.scale || options.range != old.range) {
        rebuild(); // the legend's labels change width; the panels are kept
        return;
    }
    // Another colour map: colours only.
    updateColorRanges();
    uploadChanged(true);
    updatePin();
    replot(rpQueuedReplot);
}

void AttentionPlot::setPin(int query, int key) {
    if (query == m_pinQuery && key == m_pinKey)
        return;
    m_pinQuery = query;
    m_pinKey = key;
    if (!m_panels.empty() && m_labelStep > 1 && m_labelStep < kNoLabels) {
        applyLabels(m_labelCellPixels); // thinned labels make room for the pinned tokens' own
        balanceLayout();
        uploadChanged(false);
    }
    updatePin();
    replot(rpQueuedReplot);
}

void AttentionPlot::setSelectedPanel(int layer, int head) {
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
    m_figure = other.m_figure;
    for (Panel& panel : m_panels)
        panel.uploaded.reset();
    m_options = other.m_options;
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

int AttentionPlot::maxRows() const {
    int rows = 1;
    for (const PanelSpec& spec : m_figure.panels)
        rows = std::max(rows, spec.rows());
    return rows;
}

int AttentionPlot::maxColumns() const {
    int columns = 1;
    for (const PanelSpec& spec : m_figure.panels)
        columns = std::max(columns, spec.columns());
    return columns;
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
    if (m_figure.panels.empty())
        return {800, 600};
    const int rows = maxRows(), columns = maxColumns(), n = std::max(rows, columns);
    // The long side of a map at a size per cell that suits the style; the short side follows.
    const auto mapSize = [&](int side) {
        return QSize(std::max(1, side * columns / n), std::max(1, side * rows / n));
    };
    const int count = int(m_figure.panels.size());
    switch (m_figure.style) {
    case PanelStyle::Large: {
        const QSize map = mapSize(std::clamp(n * 20, 280, 900));
        return {map.width() + 260, map.height() + 200};
    }
    case PanelStyle::Grid: {
        const int gridColumns = m_figure.columns > 0
                                    ? m_figure.columns
                                    : std::max(1, int(std::ceil(std::sqrt(double(count) * 1.3))));
        const int gridRows = (count + gridColumns - 1) / gridColumns;
        const QSize map = mapSize(std::clamp(n * 15, 150, 300));
        return {gridColumns * (map.width() + kSpacing + 4) + 230,
                gridRows * (map.height() + kSpacing + 20) + 170};
    }
    case PanelStyle::Compact: {
        const int gridColumns = m_figure.columns > 0 ? m_figure.columns : count;
        const int gridRows = (count + gridColumns - 1) / gridColumns;
        const QSize map = mapSize(std::clamp(n * 5, 56, 120));
        return {gridColumns * (map.width() + kSpacing + 4) + 150,
                gridRows * (map.height() + kSpacing + 18) + 60};
    }
    }
    return {800, 600};
}

void AttentionPlot::clearLayout() {
    // The panels (axis rect, map, pin outlines) outlive a rebuild: making them again for a resize
    // or a new figure of as many panels would cost more than the rest of the layout. Everything
    // around them is made again.
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
    delete panel.rect; // already taken out of the layout by clearLayout
}

void AttentionPlot::rebuild() {
    m_builtFor = layoutSize();
    m_builtStyle = m_figure.style;
    clearLayout();
    syncPanels();
    if (m_figure.panels.empty()) {
        m_ranges.clear();
        if (!m_title.isEmpty()) {
            m_titleElement = new QCPTextElement(this, m_title, pixelFont(kFigureTitlePx, true));
            plotLayout()->addElement(0, 0, m_titleElement);
        }
        replot(rpQueuedReplot);
        return;
    }
    chooseGrid();
    buildLayout();
    updateAxes();
    updateExtents();
    updateColorRanges();
    layOut(/*fromScratch=*/true);
    updatePin();
    updateSelection();
    replot(rpQueuedReplot);
}

double AttentionPlot::currentCellPixels() const {
    const QRect inner = m_panels.front().rect->rect();
    const PanelSpec& first = m_figure.panels.front();
    return std::min(double(inner.width()) / std::max(first.columns(), 1),
                    double(inner.height()) / std::max(first.rows(), 1));
}

void AttentionPlot::layOut(bool fromScratch) {
    double guess = 0.0;
    if (fromScratch) {
        // A first guess of the cell size from the whole widget, so that a long sequence does not
        // start with a thousand labels that are thinned right away.
        const QSize size = layoutSize();
        guess = std::min(double(size.width()) / (m_columns * maxColumns()),
                         double(size.height()) / (m_rows * maxRows()));
    } else {
        guess = currentCellPixels(); // the maps as they are now, for the new shapes
    }
    applyLabels(guess);
    balanceLayout();
    // The labels that fit at the cell size the layout actually gives, when that is another step.
    const double cell = currentCellPixels();
    if (fromScratch || labelStepFor(cell) != m_labelStep) {
        applyLabels(cell);
        balanceLayout();
    }
    uploadChanged(false); // once, at the final map sizes (new panels have had no cells yet)
}

void AttentionPlot::syncPanels() {
    const std::size_t count = m_figure.panels.size();
    while (m_panels.size() > count) {
        removePanel(m_panels.back());
        m_panels.pop_back();
    }
    m_panels.reserve(count);
    while (m_panels.size() < count) {
        Panel panel;
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
        panel.map = new HeatmapLayer(panel.rect->axis(QCPAxis::atBottom),
                                     panel.rect->axis(QCPAxis::atLeft));
        m_panels.push_back(panel); // no image yet: it is made once the panel has a size
    }
}

void AttentionPlot::chooseGrid() {
    const int count = int(m_figure.panels.size());
    if (m_figure.columns > 0) {
        m_columns = std::min(m_figure.columns, count);
        m_rows = (count + m_columns - 1) / m_columns;
        return;
    }
    // The number of columns that gives the largest maps in this widget.
    const QSize size = layoutSize();
    const double width = std::max(100, size.width() - 160);
    const double height = std::max(100, size.height() - 120 - (m_title.isEmpty() ? 0 : 30));
    const double rows = maxRows(), columns = maxColumns();
    double best = -1.0;
    for (int c = 1; c <= count; ++c) {
        const int r = (count + c - 1) / c;
        const double cell = std::min(width / (c * columns), height / (r * rows));
        if (cell > best + 1e-9) {
            best = cell;
            m_columns = c;
            m_rows = r;
        }
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
    m_colorScale->axis()->setLabelFont(pixelFont(kLargeLabelPx));
    m_colorScale->axis()->setLabelPadding(8);

    m_panelGrid->setColumnSpacing(kSpacing);
    m_panelGrid->setRowSpacing(kSpacing);
    // Spacer rows/columns around the maps take what square cells leave over (balanceLayout).
    m_panelGrid->addElement(0, 0, new QCPLayoutElement(this));
    m_panelGrid->addElement(m_rows + 1, m_columns + 1, new QCPLayoutElement(this));

    std::vector<QCPMarginGroup*> columnGroups, rowGroups;
    for (int c = 0; c < m_columns; ++c)
        columnGroups.push_back(new QCPMarginGroup(this));
    for (int r = 0; r < m_rows; ++r)
        rowGroups.push_back(new QCPMarginGroup(this));
    m_marginGroups = columnGroups;
    m_marginGroups.insert(m_marginGroups.end(), rowGroups.begin(), rowGroups.end());

    const int titlePx = m_figure.style == PanelStyle::Large  ? kLargeTitlePx
                        : m_figure.style == PanelStyle::Grid ? kGridTitlePx
                                                             : kCompactTitlePx;
    const QFont titleFont = pixelFont(titlePx, m_figure.style != PanelStyle::Compact);
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

void AttentionPlot::updateAxes() {
    for (std::size_t i = 0; i < m_panels.size(); ++i) {
        Panel& panel = m_panels[i];
        const PanelSpec& spec = m_figure.panels[i];
        if (panel.rows == spec.rows() && panel.columns == spec.columns())
            continue;
        panel.rows = spec.rows();
        panel.columns = spec.columns();
        // Row r is drawn at value rows-1-r, so that the first row is at the top without a
        // reversed axis (QCPColorMap mirrors its whole image on every draw for reversed axes).
        for (const QCPAxis::AxisType type : {QCPAxis::atLeft, QCPAxis::atRight})
            panel.rect->axis(type)->setRange(-0.5, panel.rows - 0.5);
        for (const QCPAxis::AxisType type : {QCPAxis::atBottom, QCPAxis::atTop})
            panel.rect->axis(type)->setRange(-0.5, panel.columns - 0.5);
        panel.uploaded.reset();
    }
}

void AttentionPlot::updateExtents() {
    for (std::size_t i = 0; i < m_panels.size(); ++i) {
        const PanelSpec& spec = m_figure.panels[i];
        m_panels[i].extent = spec.matrix ? valueExtent(spec.matrix->values) : ValueExtent{};
    }
}

double AttentionPlot::outputScale() const {
    return m_rasterScale > 0.0 ? m_rasterScale : devicePixelRatioF();
}

QSize AttentionPlot::imageSizeFor(const Panel& panel) const {
    if (m_rasterScale == 0.0)
        return {}; // vector output: one pixel per cell
    const QRect inner = panel.rect->rect();
    const double scale = outputScale();
    return {std::max(1, int(std::lround(inner.width() * scale))),
            std::max(1, int(std::lround(inner.height() * scale)))};
}

void AttentionPlot::uploadCells(std::size_t index, QSize pixels) {
    Panel& panel = m_panels[index];
    const PanelSpec& spec = m_figure.panels[index];
    panel.uploaded = pixels;
    panel.range = m_ranges[index];
    if (!spec.matrix || spec.rows() == 0 || spec.columns() == 0)
        return;
    if (!pixels.isValid()) {
        panel.map->setImage(colorCells(*spec.matrix, *m_tables[index], panel.range), spec.rows(),
                            spec.columns());
        return;
    }
    QImage image = rasterizeCells(*spec.matrix, spec.kind, *m_tables[index], panel.range, pixels);
    // Device pixels: painted into the map's rect in layout pixels without scaling.
    image.setDevicePixelRatio(outputScale());
    panel.map->setImage(std::move(image), spec.rows(), spec.columns());
}

void AttentionPlot::uploadChanged(bool all) {
    if (m_ranges.size() != m_panels.size())
        return; // between clearing a layout and choosing its colour ranges
    for (std::size_t i = 0; i < m_panels.size(); ++i) {
        Panel& panel = m_panels[i];
        // A panel that has no size yet gets its image in the layout pass that follows
        // (updateLayout), at its final size.
        if (panel.rect->rect().isEmpty()) {
            panel.uploaded.reset();
            continue;
        }
        const QSize pixels = imageSizeFor(panel);
        if (all || panel.uploaded != pixels || panel.range != m_ranges[i])
            uploadCells(i, pixels);
    }
}

void AttentionPlot::setRasterScale(double outputPixelsPerPixel) {
    m_rasterScale = outputPixelsPerPixel;
    uploadChanged(false);
}

void AttentionPlot::updateLayout() {
    QCustomPlot::updateLayout();
    uploadChanged(false);
}

void AttentionPlot::updateColorRanges() {
    if (m_panels.empty() || m_colorScale == nullptr)
        return;
    const bool log = m_options.scale == ValueScale::Log;
    const ValueScale scale = m_options.scale;
    const bool perPanel = m_options.range == RangeMode::PerHead && m_panels.size() > 1;
    const ValueKind kind = m_figure.panels.front().kind;
    m_ranges.assign(m_panels.size(), ColorRange{});
    m_tables.assign(m_panels.size(), nullptr);

    // Shared: one range over every panel of the first panel's kind (comparable colours); panels
    // of another kind keep their own.
    ValueExtent shared;
    for (std::size_t i = 0; i < m_panels.size(); ++i) {
        if (m_figure.panels[i].kind == kind)
            shared = shared.merged(m_panels[i].extent);
    }
    const ColorRange sharedRange = colorRange(kind, scale, shared);
    const int columns = m_figure.panels.front().columns();
    const auto gradientFor = [&](ValueKind k, const ColorRange& range, int n) {
        if (m_options.colorMap == ColorMap::Diverging || alwaysDiverging(k))
            return divergingGradient(divergingCentre(k, range, n));
        return colorGradient(m_options.colorMap);
    };

    const QCPAxis::ScaleType scaleType =
        sharedRange.log && !perPanel ? QCPAxis::stLogarithmic : QCPAxis::stLinear;
    m_colorScale->setDataScaleType(scaleType);
    if (perPanel) {
        // Each map coloured over its own range: the legend runs from the bottom of the range to
        // "head max", and each title says what its max is.
        const ColorRange legend = colorRange(kind, scale, ValueExtent{0.0, 1.0, true});
        m_colorScale->setGradient(gradientFor(kind, legend, columns));
        m_colorScale->setDataRange(QCPRange(legend.lower, legend.upper));
        auto ticker = QSharedPointer<QCPAxisTickerText>::create();
        ticker->addTick(legend.lower, kind == ValueKind::Probability
                                          ? (log ? QString::number(kLogFloor) : QStringLiteral("0"))
                                          : tr("min"));
        ticker->addTick(legend.upper, tr("head max"));
        m_colorScale->axis()->setTicker(ticker);
    } else {
        m_colorScale->setGradient(gradientFor(kind, sharedRange, columns));
        m_colorScale->setDataRange(QCPRange(sharedRange.lower, sharedRange.upper));
        if (scaleType == QCPAxis::stLogarithmic)
            m_colorScale->axis()->setTicker(QSharedPointer<QCPAxisTickerLog>::create());
        else
            m_colorScale->axis()->setTicker(QSharedPointer<QCPAxisTicker>::create());
    }
    m_colorScale->axis()->setLabel(legendLabel(kind, log, perPanel));

    std::shared_ptr<const ColorTable> plainTable;
    for (std::size_t i = 0; i < m_panels.size(); ++i) {
        const PanelSpec& spec = m_figure.panels[i];
        const bool own = perPanel || spec.kind != kind;
        m_ranges[i] = own ? colorRange(spec.kind, scale, m_panels[i].extent) : sharedRange;
        // One table for every panel of one colour map; a diverging map's white point follows
        // its panel's range and keys.
        if (m_options.colorMap == ColorMap::Diverging || alwaysDiverging(spec.kind)) {
            m_tables[i] = std::make_shared<const ColorTable>(
                colorTable(gradientFor(spec.kind, m_ranges[i], spec.columns())));
        } else {
            if (!plainTable)
                plainTable = std::make_shared<const ColorTable>(
                    colorTable(colorGradient(m_options.colorMap)));
            m_tables[i] = plainTable;
        }
        QString title = spec.title;
        if (perPanel) {
            const double max = m_panels[i].extent.any ? m_panels[i].extent.max : 0.0;
            title = m_figure.style == PanelStyle::Compact
                        ? tr("%1 ≤%2").arg(spec.title, formatValue(max))
                        : tr("%1 · max %2").arg(spec.title, formatValue(max));
        }
        QCPAxis* top = m_panels[i].rect->axis(QCPAxis::atTop);
        if (top->label() != title)
            top->setLabel(title);
    }
}

int AttentionPlot::labelStepFor(double cellPixels) const {
    const bool large = m_figure.style == PanelStyle::Large;
    const double needed =
        QFontMetricsF(pixelFont(large ? kLargeLabelPx : kGridLabelPx)).height() * kLabelAir;
    // Every label, or every step-th one: evenly thinned in the large view; in grids labels
    // appear only when all of them fit.
    const int step = cellPixels > 0.0 ? int(std::ceil(needed / cellPixels - 1e-9)) : kNoLabels;
    return std::max(step, 1);
}

void AttentionPlot::applyLabels(double cellPixels) {
    const bool large = m_figure.style == PanelStyle::Large;
    const QFont font = pixelFont(large ? kLargeLabelPx : kGridLabelPx);
    const QFontMetricsF metrics(font);
    const int step = labelStepFor(cellPixels);
    m_labelCellPixels = cellPixels;
    m_labelStep = step;
    const bool show = large || step == 1;
    const double elide = large ? kLargeElide : kGridElide;

    // The lowest panel of each column carries the column labels, the first column the rows'.
    std::vector<int> lowest(std::size_t(m_columns), -1);
    for (const Panel& panel : m_panels)
        lowest[std::size_t(panel.gridColumn)] =
            std::max(lowest[std::size_t(panel.gridColumn)], panel.gridRow);

    for (std::size_t p = 0; p < m_panels.size(); ++p) {
        Panel& panel = m_panels[p];
        const PanelSpec& spec = m_figure.panels[p];
        QCPAxis* left = panel.rect->axis(QCPAxis::atLeft);
        QCPAxis* bottom = panel.rect->axis(QCPAxis::atBottom);
        const bool leftLabels = show && panel.gridColumn == 0;
        const bool bottomLabels = show && panel.gridRow == lowest[std::size_t(panel.gridColumn)];
        // When labels are thinned, the pinned query and key keep theirs (the neighbours that
        // would collide with it give way): the pinned cell is always named.
        const auto labelled = [&](int count, int pinned) {
            std::vector<int> indices;
            for (int i = 0; i < count; i += step) {
                if (pinned < 0 || step == 1 || std::abs(i - pinned) >= step)
                    indices.push_back(i);
            }
            if (pinned >= 0 && step > 1)
                indices.push_back(pinned);
            return indices;
        };
        const auto label = [&](const QStringList& labels, int i) {
            return metrics.elidedText(labels.value(i), Qt::ElideRight, elide);
        };
        QSharedPointer<QCPAxisTickerText> leftTicker, bottomTicker;
        if (leftLabels) {
            leftTicker = QSharedPointer<QCPAxisTickerText>::create();
            const int rows = spec.rows();
            for (const int i : labelled(rows, m_pinQuery >= 0 ? spec.rowOf(m_pinQuery) : -1))
                leftTicker->addTick(rows - 1 - i, label(spec.rowLabels, i));
        }
        if (bottomLabels) {
            bottomTicker = QSharedPointer<QCPAxisTickerText>::create();
            for (const int i :
                 labelled(spec.columns(), m_pinKey >= 0 ? spec.columnOf(m_pinKey) : -1))
                bottomTicker->addTick(i, label(spec.columnLabels, i));
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
    // Measure with the whole width given to the maps, then hand what square cells leave over to
    // the spacers.
    m_body->setColumnStretchFactors({kTinyStretch, 1.0, kTinyStretch, kTinyStretch});
    // QCustomPlot's own pass: the maps' cells are made once the layout is final, not for each of
    // these measuring passes (at 1,024 tokens each reads 12 million weights).
    QCustomPlot::updateLayout();
    // Margins and cells per grid column and row (margins equal within one, through the groups).
    std::vector<int> columnMargins(std::size_t(m_columns), 0), rowMargins(std::size_t(m_rows), 0);
    std::vector<int> columnCells(std::size_t(m_columns), 1), rowCells(std::size_t(m_rows), 1);
    for (std::size_t i = 0; i < m_panels.size(); ++i) {
        const Panel& panel = m_panels[i];
        const QMargins margins = panel.rect->margins();
        int& column = columnMargins[std::size_t(panel.gridColumn)];
        column = std::max(column, margins.left() + margins.right());
        int& row = rowMargins[std::size_t(panel.gridRow)];
        row = std::max(row, margins.top() + margins.bottom());
        int& width = columnCells[std::size_t(panel.gridColumn)];
        width = std::max(width, m_figure.panels[i].columns());
        int& height = rowCells[std::size_t(panel.gridRow)];
        height = std::max(height, m_figure.panels[i].rows());
    }
    const QRect area = m_panelGrid->rect();
    const double width = area.width() - kSpacing * (m_columns + 1);
    const double height = area.height() - kSpacing * (m_rows + 1);
    double sumColumns = 0.0, sumRows = 0.0, cellsWide = 0.0, cellsHigh = 0.0;
    for (const int m : columnMargins)
        sumColumns += m;
    for (const int m : rowMargins)
        sumRows += m;
    for (const int c : columnCells)
        cellsWide += c;
    for (const int c : rowCells)
        cellsHigh += c;
    // Square cells, as large as both directions allow (maps at least 4 px); what is left over
    // goes to the spacers so that the maps stay centred.
    const double cell =
        std::max(4.0 / std::max(*std::max_element(columnCells.begin(), columnCells.end()),
                                *std::max_element(rowCells.begin(), rowCells.end())),
                 std::min((width - sumColumns) / cellsWide, (height - sumRows) / cellsHigh));
    QList<double> columns, rows;
    const double spareWidth = std::max(0.0, width - sumColumns - cell * cellsWide);
    const double spareHeight = std::max(0.0, height - sumRows - cell * cellsHigh);
    columns.append(kTinyStretch);
    for (int c = 0; c < m_columns; ++c)
        columns.append(columnMargins[std::size_t(c)] + cell * columnCells[std::size_t(c)]);
    columns.append(kTinyStretch);
    rows.append(std::max(kTinyStretch, spareHeight / 2));
    for (int r = 0; r < m_rows; ++r)
        rows.append(rowMargins[std::size_t(r)] + cell * rowCells[std::size_t(r)]);
    rows.append(std::max(kTinyStretch, spareHeight / 2));
    m_panelGrid->setColumnStretchFactors(columns);
    m_panelGrid->setRowStretchFactors(rows);
    const double maps = sumColumns + cell * cellsWide + kSpacing * (m_columns + 1);
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
    QMargins margins = m_colorScale->margins();
    margins.setTop(std::max(0, top - outer.top()));
    margins.setBottom(std::max(0, outer.bottom() - bottom));
    m_colorScale->setMargins(margins);
}

void AttentionPlot::updatePin() {
    const QPen pen(pinColor(m_options.colorMap), 1.6);
    for (std::size_t i = 0; i < m_panels.size(); ++i) {
        Panel& panel = m_panels[i];
        const PanelSpec& spec = m_figure.panels[i];
        const int rows = spec.rows(), columns = spec.columns();
        const int row = m_pinQuery >= 0 ? spec.rowOf(m_pinQuery) : -1;
        const int column = m_pinKey >= 0 ? spec.columnOf(m_pinKey) : -1;
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
        const double y = rows - 1 - row;
        place(panel.pinRow, row >= 0, {-0.5, y + 0.5}, {columns - 0.5, y - 0.5});
        place(panel.pinColumn, column >= 0, {column - 0.5, rows - 0.5}, {column + 0.5, -0.5});
    }
}

void AttentionPlot::updateSelection() {
    for (std::size_t i = 0; i < m_panels.size(); ++i) {
        const PanelSpec& spec = m_figure.panels[i];
        const bool selected = spec.layer == m_selectedLayer && spec.head == m_selectedHead &&
                              spec.layer >= 0 && m_panels.size() > 1;
        const QPen pen = selected ? QPen(kSelectedColor, 3) : QPen(kFrameColor, 1);
        for (const QCPAxis::AxisType type :
             {QCPAxis::atLeft, QCPAxis::atBottom, QCPAxis::atTop, QCPAxis::atRight}) {
            m_panels[i].rect->axis(type)->setBasePen(pen);
            m_panels[i].rect->axis(type)->setTickPen(QPen(kFrameColor, 1));
        }
    }
}

PlotHit AttentionPlot::hitTest(const QPointF& position) const {
    for (std::size_t i = 0; i < m_panels.size(); ++i) {
        const Panel& panel = m_panels[i];
        if (!QRectF(panel.rect->rect()).contains(position))
            continue;
        const PanelSpec& spec = m_figure.panels[i];
        const int rows = spec.rows(), columns = spec.columns();
        const double x = panel.rect->axis(QCPAxis::atBottom)->pixelToCoord(position.x());
        const double y = panel.rect->axis(QCPAxis::atLeft)->pixelToCoord(position.y());
        const int column = int(std::floor(x + 0.5));
        const int row = rows - 1 - int(std::floor(y + 0.5));
        if (column < 0 || column >= columns || row < 0 || row >= rows || !spec.matrix)
            return {};
        PlotHit hit;
        hit.valid = true;
        hit.panel = int(i);
        hit.layer = spec.layer;
        hit.head = spec.head;
        hit.row = row;
        hit.column = column;
        hit.query = spec.rowToken(row);
        hit.key = spec.columnToken(column);
        hit.value = spec.matrix->at(row, column);
        return hit;
    }
    return {};
}

void AttentionPlot::mouseMoveEvent(QMouseEvent* event) {
    QCustomPlot::mouseMoveEvent(event);
    const PlotHit hit = hitTest(event->position());
    if (hit.valid != m_lastHover.valid || hit.panel != m_lastHover.panel ||
        hit.row != m_lastHover.row || hit.column != m_lastHover.column) {
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
    // Columns, label thinning and square cells depend on the size.
    if (layoutSize() != m_builtFor)
        rebuild();
}

} // namespace attnscope
