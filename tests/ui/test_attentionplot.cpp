// AttentionPlot offscreen: one colour map per head, cells where the issue says (first token at
// the top, keys left to right), hit tests with exact weights, signals, the pin, label thinning,
// in-place updates and a 1,024-token grid.

#include "figuretestdata.h"
#include "ui/figure/attentionpanels.h"
#include "ui/figure/attentionplot.h"
#include "ui/figure/colormaps.h"

#include <QSignalSpy>
#include <QtTest>

using namespace attnscope;

namespace {

std::vector<QCPColorMap*> colorMaps(QCustomPlot& plot) {
    std::vector<QCPColorMap*> maps;
    for (int i = 0; i < plot.plottableCount(); ++i)
        if (auto* map = qobject_cast<QCPColorMap*>(plot.plottable(i)))
            maps.push_back(map);
    return maps;
}

/** The map of (layer, head), found through its title. */
QCPColorMap* mapOf(QCustomPlot& plot, int layer, int head) {
    const QString title = QStringLiteral("L%1 H%2").arg(layer).arg(head);
    for (QCPColorMap* map : colorMaps(plot)) {
        const QString label = map->keyAxis()->axisRect()->axis(QCPAxis::atTop)->label();
        if (label == title || label.startsWith(title + " "))
            return map;
    }
    return nullptr;
}

QCPColorScale* colorScale(QCustomPlot& plot) {
    for (QCPLayoutElement* element : plot.plotLayout()->elements(true))
        if (auto* scale = qobject_cast<QCPColorScale*>(element))
            return scale;
    return nullptr;
}

/** The colour drawn at a widget position (the plot rendered as the screen shows it). */
QRgb pixelAt(QCustomPlot& plot, QPointF position) {
    const QImage image = plot.toPixmap(plot.width(), plot.height()).toImage();
    return image.pixel(position.toPoint()) | 0xff000000U;
}

/** The colour of `value` in the plot's shared colour range, as mapcells.h computes it. */
QRgb expectedColor(QCustomPlot& plot, float value) {
    QCPColorScale* scale = colorScale(plot);
    const PanelMatrix cell{1, 1, {value}};
    const QImage image =
        colorCells(cell, colorTable(scale->gradient()),
                   ColorRange{scale->dataRange().lower, scale->dataRange().upper, false}, 0);
    return image.pixel(0, 0) | 0xff000000U;
}

/** The centre of cell (query, key) computed from the map's rectangle alone. */
QPointF cellCentre(QCPColorMap* map, int n, int query, int key) {
    const QRectF rect = map->keyAxis()->axisRect()->rect();
    return {rect.left() + (key + 0.5) * rect.width() / n,
            rect.top() + (query + 0.5) * rect.height() / n};
}

} // namespace

class TestAttentionPlot : public QObject {
    Q_OBJECT

private slots:
    void gridHasOneColorMapPerHead();
    void hitTestReturnsCellAndExactWeight_data();
    void hitTestReturnsCellAndExactWeight();
    void hitTestWithHiddenSpecialTokensGivesOriginalIndices();
    void mouseEmitsHoverClickAndDoubleClick();
    void pinOutlinesRowAndColumnInEveryMap();
    void singleHeadShowsAllLabelsAndLegend();
    void longSequenceLabelsThinOutEvenly();
    void thinnedLabelsKeepThePinnedTokens();
    void sameShapeUpdatesInPlace();
    void allLayersShowsEveryHead();
    void perHeadRangeLabelsEachHead();
    void nonSquareScorePanels();
    void longSequenceGridBuilds();
    void rasterPixelsAreTheCellsUnderThem();
    void strongLinkSurvivesDownsampling();
    void mapCoversEveryCell_data();
    void mapCoversEveryCell();

private:
    static void show(AttentionPlot& plot, QSize size);
};

void TestAttentionPlot::show(AttentionPlot& plot, QSize size) {
    plot.resize(size);
    plot.show();
    QVERIFY(QTest::qWaitForWindowExposed(&plot));
}

void TestAttentionPlot::gridHasOneColorMapPerHead() {
    AttentionPlot plot;
    show(plot, {900, 700});
    plot.setFigure(layerFigure(*testdata::makeSet(2, 5, 7), 1, false));
    const std::vector<QCPColorMap*> maps = colorMaps(plot);
    QCOMPARE(int(maps.size()), 5);
    for (QCPColorMap* map : maps) {
        QVERIFY(!map->interpolate());
        QCOMPARE(map->keyAxis()->range(), QCPRange(-0.5, 6.5));
        QCOMPARE(map->valueAxis()->range(), QCPRange(-0.5, 6.5));
    }
    for (int h = 0; h < 5; ++h)
        QVERIFY2(mapOf(plot, 1, h) != nullptr, qPrintable(QString::number(h)));
    QCOMPARE(plot.figure().style, PanelStyle::Grid);
}

void TestAttentionPlot::hitTestReturnsCellAndExactWeight_data() {
    QTest::addColumn<int>("head");
    QTest::addColumn<int>("query");
    QTest::addColumn<int>("key");
    QTest::newRow("first_token_top_left") << 0 << 0 << 0;
    QTest::newRow("query2_key4") << 1 << 2 << 4;
    QTest::newRow("last_token_bottom_right") << 3 << 6 << 6;
    QTest::newRow("top_right") << 2 << 0 << 6;
}

void TestAttentionPlot::hitTestReturnsCellAndExactWeight() {
    QFETCH(int, head);
    QFETCH(int, query);
    QFETCH(int, key);
    const auto set = testdata::makeSet(2, 4, 7);
    AttentionPlot plot;
    show(plot, {900, 700});
    plot.setFigure(layerFigure(*set, 1, false));
    plot.replot();
    QCPColorMap* map = mapOf(plot, 1, head);
    QVERIFY(map != nullptr);
    const PlotHit hit = plot.hitTest(cellCentre(map, 7, query, key));
    QVERIFY(hit.valid);
    QCOMPARE(hit.layer, 1);
    QCOMPARE(hit.head, head);
    QCOMPARE(hit.query, query);
    QCOMPARE(hit.key, key);
    QCOMPARE(hit.value, set->weight(1, head, query, key));
    QCOMPARE(hit.row, query);
    QCOMPARE(hit.column, key);
    // The colour drawn is that weight's too, in the range shared by every head of the figure.
    QCOMPARE(pixelAt(plot, cellCentre(map, 7, query, key)), expectedColor(plot, hit.value));
    QVERIFY(!plot.hitTest(QPointF(1, 1)).valid);
}

void TestAttentionPlot::hitTestWithHiddenSpecialTokensGivesOriginalIndices() {
    auto set = testdata::makeSet(1, 2, 5, {"[CLS]", "a", "b", "c", "[SEP]"});
    set->special = {true, false, false, false, true};
    AttentionPlot plot;
    show(plot, {800, 600});
    FigureOptions options;
    options.hideSpecial = true;
    plot.setOptions(options);
    plot.setFigure(headFigure(*set, 0, 1, true));
    QCPColorMap* map = mapOf(plot, 0, 1);
    QVERIFY(map != nullptr);
    QCOMPARE(map->keyAxis()->range(), QCPRange(-0.5, 2.5));
    const PlotHit hit = plot.hitTest(cellCentre(map, 3, 0, 2)); // visible row a, column c
    QVERIFY(hit.valid);
    QCOMPARE(hit.query, 1);
    QCOMPARE(hit.key, 3);
    const float sum = set->weight(0, 1, 1, 1) + set->weight(0, 1, 1, 2) + set->weight(0, 1, 1, 3);
    QVERIFY(std::abs(hit.value - set->weight(0, 1, 1, 3) / sum) < 1e-6F);
}

void TestAttentionPlot::mouseEmitsHoverClickAndDoubleClick() {
    const auto set = testdata::makeSet(1, 3, 6);
    AttentionPlot plot;
    show(plot, {900, 600});
    plot.setFigure(layerFigure(*set, 0, false));
    QSignalSpy hovered(&plot, &AttentionPlot::cellHovered);
    QSignalSpy clicked(&plot, &AttentionPlot::cellClicked);
    QSignalSpy doubleClicked(&plot, &AttentionPlot::cellDoubleClicked);
    QCPColorMap* map = mapOf(plot, 0, 2);
    QVERIFY(map != nullptr);
    const QPoint point = cellCentre(map, 6, 4, 1).toPoint();

    QTest::mouseMove(&plot, point);
    QTRY_VERIFY(!hovered.isEmpty());
    auto hit = hovered.last().at(0).value<PlotHit>();
    QVERIFY(hit.valid);
    QCOMPARE(hit.head, 2);
    QCOMPARE(hit.query, 4);
    QCOMPARE(hit.key, 1);

    QTest::mouseClick(&plot, Qt::LeftButton, {}, point);
    QTRY_COMPARE(clicked.size(), 1);
    hit = clicked.last().at(0).value<PlotHit>();
    QCOMPARE(hit.query, 4);
    QCOMPARE(hit.key, 1);
    QCOMPARE(hit.value, set->weight(0, 2, 4, 1));

    QTest::mouseDClick(&plot, Qt::LeftButton, {}, point);
    QTRY_COMPARE(doubleClicked.size(), 1);
    QCOMPARE(doubleClicked.last().at(0).value<PlotHit>().head, 2);
}

void TestAttentionPlot::pinOutlinesRowAndColumnInEveryMap() {
    AttentionPlot plot;
    show(plot, {900, 700});
    plot.setFigure(layerFigure(*testdata::makeSet(1, 4, 8), 0, false));
    QCOMPARE(plot.itemCount(), 0);
    plot.setPin(2, 5);
    QCOMPARE(plot.pinnedQuery(), 2);
    QCOMPARE(plot.pinnedKey(), 5);
    QCOMPARE(plot.itemCount(), 8); // a row and a column outline per map
    int rows = 0, columns = 0;
    for (int i = 0; i < plot.itemCount(); ++i) {
        auto* rect = qobject_cast<QCPItemRect*>(plot.item(i));
        QVERIFY(rect != nullptr);
        QVERIFY(rect->visible());
        const QRectF axes = rect->clipAxisRect()->rect();
        const QPointF topLeft = rect->topLeft->pixelPosition();
        const QPointF bottomRight = rect->bottomRight->pixelPosition();
        const double cellH = axes.height() / 8, cellW = axes.width() / 8;
        if (std::abs(bottomRight.y() - topLeft.y() - cellH) < 1.0) {
            ++rows; // the query row: third from the top
            QVERIFY2(std::abs(topLeft.y() - (axes.top() + 2 * cellH)) <= 1.0,
                     qPrintable(
                         QStringLiteral("%1 vs %2").arg(topLeft.y()).arg(axes.top() + 2 * cellH)));
        } else {
            ++columns; // the key column: sixth from the left
            QVERIFY2(std::abs(topLeft.x() - (axes.left() + 5 * cellW)) <= 1.0,
                     qPrintable(
                         QStringLiteral("%1 vs %2").arg(topLeft.x()).arg(axes.left() + 5 * cellW)));
        }
    }
    QCOMPARE(rows, 4);
    QCOMPARE(columns, 4);
    plot.setPin(-1, -1);
    for (int i = 0; i < plot.itemCount(); ++i)
        QVERIFY(!plot.item(i)->visible());
    plot.setSelectedPanel(0, 2);
    QCOMPARE(mapOf(plot, 0, 2)->keyAxis()->basePen().widthF(), 3.0);
    QCOMPARE(mapOf(plot, 0, 1)->keyAxis()->basePen().widthF(), 1.0);
}

void TestAttentionPlot::singleHeadShowsAllLabelsAndLegend() {
    const auto set = testdata::makeSet(1, 2, 6, {"The", "girl", "told", "the", "boy", "it"});
    AttentionPlot plot;
    show(plot, {700, 600});
    plot.setFigure(headFigure(*set, 0, 1, false));
    const std::vector<QCPColorMap*> maps = colorMaps(plot);
    QCOMPARE(int(maps.size()), 1);
    QCOMPARE(colorScale(plot)->axis()->label(), QStringLiteral("weight"));
    auto bottom = maps.front()->keyAxis()->ticker().dynamicCast<QCPAxisTickerText>();
    auto left = maps.front()->valueAxis()->ticker().dynamicCast<QCPAxisTickerText>();
    QVERIFY(bottom && left);
    QVERIFY(maps.front()->keyAxis()->tickLabels());
    QCOMPARE(bottom->ticks().values(), set->tokens);
    QCOMPARE(bottom->ticks().value(1.0), QStringLiteral("girl"));
    QCOMPARE(left->ticks().value(5.0), QStringLiteral("The")); // first token at the top
    QCOMPARE(maps.front()->keyAxis()->tickLabelRotation(), 90.0);
}

void TestAttentionPlot::longSequenceLabelsThinOutEvenly() {
    AttentionPlot plot;
    show(plot, {700, 700});
    plot.setFigure(headFigure(*testdata::makeSet(1, 1, 300), 0, 0, false));
    QCPColorMap* map = colorMaps(plot).front();
    auto bottom = map->keyAxis()->ticker().dynamicCast<QCPAxisTickerText>();
    QVERIFY(bottom);
    const QList<double> positions = bottom->ticks().keys();
    QVERIFY2(positions.size() > 5 && positions.size() < 300,
             qPrintable(QString::number(positions.size())));
    const double step = positions[1] - positions[0];
    for (int i = 1; i < positions.size(); ++i)
        QCOMPARE(positions[i] - positions[i - 1], step);
    // Neighbouring labels do not overlap: a step is at least a text line.
    const double cell = map->keyAxis()->axisRect()->width() / 300.0;
    QVERIFY(step * cell >= QFontMetricsF(map->keyAxis()->tickLabelFont()).height());
}

void TestAttentionPlot::thinnedLabelsKeepThePinnedTokens() {
    AttentionPlot plot;
    show(plot, {700, 700});
    const auto set = testdata::makeSet(1, 1, 300);
    plot.setFigure(headFigure(*set, 0, 0, false));
    QCPColorMap* map = colorMaps(plot).front();
    const auto ticks = [&](QCPAxis* axis) {
        return axis->ticker().dynamicCast<QCPAxisTickerText>()->ticks();
    };
    const double step = ticks(map->keyAxis()).keys()[1] - ticks(map->keyAxis()).keys()[0];
    QVERIFY(step > 2);
    // tokens that thinning leaves unlabelled (not a multiple of the step)
    const int key = int(step) * (150 / int(step)) + 1;
    const int query = int(step) * (75 / int(step)) + 2;
    QVERIFY(!ticks(map->keyAxis()).contains(key));
    plot.setPin(query, key);
    const auto bottom = ticks(map->keyAxis());
    const auto left = ticks(map->valueAxis());
    QVERIFY(bottom.contains(key));
    QCOMPARE(bottom.value(key), set->tokens[key]);
    QVERIFY(left.contains(299 - query)); // first token at the top
    QCOMPARE(left.value(299 - query), set->tokens[query]);
    // the neighbours give way: no other label closer than a step
    for (const double position : bottom.keys()) {
        QVERIFY(position == key || std::abs(position - key) >= step);
    }
}

void TestAttentionPlot::sameShapeUpdatesInPlace() {
    AttentionPlot plot;
    show(plot, {900, 700});
    plot.setFigure(layerFigure(*testdata::makeSet(1, 3, 9), 0, false));
    plot.replot();
    const std::vector<QCPColorMap*> before = colorMaps(plot);
    QSignalSpy layouts(&plot, &QCustomPlot::afterLayout);
    auto next = testdata::makeSet(1, 3, 9);
    next->attentions[0] = 0.0F; // a different value in the same shape
    next->attentions[1] = next->attentions[1] + next->attentions[0];
    plot.setFigure(layerFigure(*next, 0, false));
    plot.replot();
    QCOMPARE(colorMaps(plot), before);
    // New numbers of the same shape only recolour: no layout pass measured anything again.
    QCOMPARE(layouts.size(), 1); // the replot's own
    QCPColorMap* map = mapOf(plot, 0, 0);
    QCOMPARE(pixelAt(plot, cellCentre(map, 9, 0, 0)), expectedColor(plot, 0.0F));
    // A new shape keeps the panels and measures them again.
    plot.setFigure(layerFigure(*testdata::makeSet(1, 3, 4), 0, false));
    QCOMPARE(colorMaps(plot), before);
    QCOMPARE(colorMaps(plot).front()->keyAxis()->range(), QCPRange(-0.5, 3.5));
    // Another count of panels builds another layout.
    plot.setFigure(layerFigure(*testdata::makeSet(1, 2, 4), 0, false));
    QCOMPARE(int(colorMaps(plot).size()), 2);
}

void TestAttentionPlot::allLayersShowsEveryHead() {
    AttentionPlot plot;
    show(plot, {1000, 800});
    plot.setFigure(modelFigure(*testdata::makeSet(3, 4, 5), false));
    QCOMPARE(int(colorMaps(plot).size()), 12);
    QCOMPARE(plot.figure().style, PanelStyle::Compact);
    for (int l = 0; l < 3; ++l)
        for (int h = 0; h < 4; ++h)
            QVERIFY(mapOf(plot, l, h) != nullptr);
    const PlotHit hit = plot.hitTest(cellCentre(mapOf(plot, 2, 3), 5, 1, 1));
    QCOMPARE(hit.layer, 2);
    QCOMPARE(hit.head, 3);
    // layers are rows, heads columns
    const QRect first = mapOf(plot, 0, 0)->keyAxis()->axisRect()->rect();
    QVERIFY(mapOf(plot, 0, 3)->keyAxis()->axisRect()->rect().left() > first.left());
    QCOMPARE(mapOf(plot, 0, 3)->keyAxis()->axisRect()->rect().top(), first.top());
    QVERIFY(mapOf(plot, 2, 0)->keyAxis()->axisRect()->rect().top() > first.top());
}

void TestAttentionPlot::perHeadRangeLabelsEachHead() {
    AttentionPlot plot;
    show(plot, {900, 700});
    const auto set = testdata::makeSet(1, 3, 5);
    plot.setFigure(layerFigure(*set, 0, false));
    FigureOptions options;
    options.range = RangeMode::PerHead;
    plot.setOptions(options);
    plot.replot();
    for (int h = 0; h < 3; ++h) {
        QCPColorMap* map = mapOf(plot, 0, h);
        const QString title = map->keyAxis()->axisRect()->axis(QCPAxis::atTop)->label();
        QVERIFY2(title.contains("max"), qPrintable(title));
        // each head's largest weight takes the top colour of its own range
        const HeadMatrix matrix = headMatrix(*set, 0, h, false);
        const auto top = std::max_element(matrix.values.begin(), matrix.values.end());
        const int index = int(top - matrix.values.begin());
        const QColor expected = colorGradient(ColorMap::Viridis).color(1.0, QCPRange(0, 1));
        QCOMPARE(pixelAt(plot, cellCentre(map, 5, index / 5, index % 5)), expected.rgb());
    }
}

void TestAttentionPlot::nonSquareScorePanels() {
    // Panels need not be square attention maps: 2 rows of signed scores against 5 columns.
    auto matrix = std::make_shared<PanelMatrix>();
    matrix->rows = 2;
    matrix->columns = 5;
    matrix->values = {-3.0F, -1.0F, 0.0F, 1.0F, 2.0F, 0.5F, 0.25F, -0.5F, 1.5F, 4.0F};
    PanelSpec panel;
    panel.matrix = matrix;
    panel.rowLabels = {"gen0", "gen1"};
    panel.columnLabels = {"a", "b", "c", "d", "e"};
    panel.rowTokens = {5, 6};
    panel.title = QStringLiteral("scores");
    panel.kind = ValueKind::Score;
    FigureSpec figure;
    figure.style = PanelStyle::Large;
    figure.panels = {panel};
    AttentionPlot plot;
    show(plot, {700, 500});
    plot.setFigure(figure);
    plot.replot();
    QCPColorMap* map = colorMaps(plot).front();
    QCOMPARE(map->keyAxis()->range(), QCPRange(-0.5, 4.5));
    QCOMPARE(map->valueAxis()->range(), QCPRange(-0.5, 1.5));
    // square cells: the map is 5 cells wide and 2 high
    const QRect rect = map->keyAxis()->axisRect()->rect();
    QVERIFY2(std::abs(rect.width() / 5.0 - rect.height() / 2.0) <= 1.0,
             qPrintable(QStringLiteral("%1 x %2").arg(rect.width()).arg(rect.height())));
    // the legend spans the scores, negative ones included
    QCOMPARE(colorScale(plot)->dataRange(), QCPRange(-3.0, 4.0));
    QCOMPARE(colorScale(plot)->axis()->label(), QStringLiteral("score"));
    const PlotHit hit = plot.hitTest(
        QPointF(rect.left() + 4.5 * rect.width() / 5.0, rect.top() + 1.5 * rect.height() / 2.0));
    QVERIFY(hit.valid);
    QCOMPARE(hit.row, 1);
    QCOMPARE(hit.column, 4);
    QCOMPARE(hit.query, 6); // the row's token
    QCOMPARE(hit.key, 4);
    QCOMPARE(hit.value, 4.0F);
    const QColor lowest = colorGradient(ColorMap::Viridis).color(0.0, QCPRange(0, 1));
    QCOMPARE(pixelAt(plot, QPointF(rect.left() + 0.5 * rect.width() / 5.0,
                                   rect.top() + 0.5 * rect.height() / 2.0)),
             lowest.rgb());
    // the pin finds the rows by their tokens
    plot.setPin(6, 2);
    int visible = 0;
    for (int i = 0; i < plot.itemCount(); ++i)
        visible += plot.item(i)->visible() ? 1 : 0;
    QCOMPARE(visible, 2);
    plot.setPin(1, 2); // token 1 is no row here: only the column
    visible = 0;
    for (int i = 0; i < plot.itemCount(); ++i)
        visible += plot.item(i)->visible() ? 1 : 0;
    QCOMPARE(visible, 1);
}

void TestAttentionPlot::longSequenceGridBuilds() {
    AttentionPlot plot;
    show(plot, {1200, 900});
    plot.setFigure(layerFigure(*testdata::makeSet(1, 12, 1024), 0, false));
    const std::vector<QCPColorMap*> maps = colorMaps(plot);
    QCOMPARE(int(maps.size()), 12);
    QCOMPARE(plot.itemCount(), 0); // no per-cell items
    plot.replot();
    // A map a few hundred pixels wide draws 1,024 tokens: several per pixel.
    const QRect inner = maps.front()->keyAxis()->axisRect()->rect();
    const int pixels = std::min(inner.width(), inner.height());
    QVERIFY2(pixels < 1024, qPrintable(QString::number(pixels)));
    // Cells are a fraction of a pixel here: aim with the map's own axes.
    QCPColorMap* map = mapOf(plot, 0, 5);
    const PlotHit hit = plot.hitTest(
        {map->keyAxis()->coordToPixel(3), map->valueAxis()->coordToPixel(1023 - 1000)});
    QCOMPARE(hit.query, 1000);
    QCOMPARE(hit.key, 3);
}

namespace {

/** Pixels of `image` inside `area` whose colour is within `tolerance` of `color`, per channel. */
int pixelsOfColor(const QImage& image, const QRect& area, QColor color, int tolerance = 2) {
    int count = 0;
    for (int y = area.top(); y <= area.bottom(); ++y) {
        for (int x = area.left(); x <= area.right(); ++x) {
            const QColor c = image.pixelColor(x, y);
            if (std::abs(c.red() - color.red()) <= tolerance &&
                std::abs(c.green() - color.green()) <= tolerance &&
                std::abs(c.blue() - color.blue()) <= tolerance)
                ++count;
        }
    }
    return count;
}

} // namespace

void TestAttentionPlot::strongLinkSurvivesDownsampling() {
    // 700 tokens of near-uniform weight and one link of weight 1, drawn into ~250 pixels: nearest-
    // neighbour scaling keeps one token in three and would drop the link two times in three. The
    // map must show it (block maxima), where it is, while hover still reads exact cells.
    constexpr int n = 700, query = 350, key = 352;
    auto set = testdata::makeSet(1, 1, n);
    float* cells = set->attentions.data();
    std::fill(cells, cells + n * n, 1.0f / n);
    cells[query * n + key] = 1.0f;
    AttentionPlot plot;
    show(plot, {300, 300});
    plot.setFigure(headFigure(*set, 0, 0, false));
    plot.replot();
    QCPColorMap* map = colorMaps(plot).front();
    QVERIFY(map->keyAxis()->axisRect()->width() < n);
    const QColor strong = colorGradient(ColorMap::Viridis).color(1.0, QCPRange(0, 1));
    const QRect inner = map->keyAxis()->axisRect()->rect();
    const QImage screen = plot.toPixmap(plot.width(), plot.height()).toImage();
    // Where the link is: a few pixels around its cell's centre.
    const QPoint at(int(map->keyAxis()->coordToPixel(key)),
                    int(map->valueAxis()->coordToPixel(n - 1 - query)));
    QVERIFY2(pixelsOfColor(screen, QRect(at - QPoint(3, 3), QSize(7, 7)), strong) > 0,
             "the strong link is not drawn on screen");
    QCOMPARE(pixelsOfColor(screen, inner, strong),
             pixelsOfColor(screen, QRect(at - QPoint(3, 3), QSize(7, 7)), strong));
    const PlotHit hit = plot.hitTest(QPointF(map->keyAxis()->coordToPixel(key + 1),
                                             map->valueAxis()->coordToPixel(n - 1 - query)));
    QCOMPARE(hit.key, key + 1);
    QCOMPARE(hit.value, 1.0f / n);

    // Vector output (one pixel per cell, for a viewer to scale) and back: the screen's image is
    // made again at the map's pixels, the link still there.
    plot.setRasterScale(0.0);
    plot.setRasterScale(AttentionPlot::kScreenRaster);
    const QImage again = plot.toPixmap(plot.width(), plot.height()).toImage();
    QVERIFY(pixelsOfColor(again, QRect(at - QPoint(3, 3), QSize(7, 7)), strong) > 0);
}

void TestAttentionPlot::rasterPixelsAreTheCellsUnderThem() {
    // On the screen a map's image has the map's own pixels: around the centre of every cell the
    // pixels have that cell's colour, and hitTest reads that cell there.
    constexpr int n = 10;
    auto set = testdata::makeSet(1, 1, n);
    AttentionPlot plot;
    show(plot, {500, 450});
    plot.setFigure(headFigure(*set, 0, 0, false));
    plot.replot();
    QCPColorMap* map = colorMaps(plot).front();
    const QImage screen = plot.toPixmap(plot.width(), plot.height()).toImage();
    for (int query = 0; query < n; ++query) {
        for (int key = 0; key < n; ++key) {
            const QPoint centre(int(map->keyAxis()->coordToPixel(key)),
                                int(map->valueAxis()->coordToPixel(n - 1 - query)));
            const QRgb expected = expectedColor(plot, set->weight(0, 0, query, key));
            for (const QPoint offset :
                 {QPoint(0, 0), QPoint(-5, -5), QPoint(5, 5), QPoint(-5, 5)}) {
                const QPoint at = centre + offset;
                QVERIFY2((screen.pixel(at) | 0xff000000U) == expected,
                         qPrintable(QStringLiteral("cell %1,%2 at %3,%4")
                                        .arg(query)
                                        .arg(key)
                                        .arg(at.x())
                                        .arg(at.y())));
                const PlotHit hit = plot.hitTest(at);
                QCOMPARE(hit.query, query);
                QCOMPARE(hit.key, key);
            }
        }
    }
}

namespace {

/** One case of mapCoversEveryCell: a head of `seq` tokens, with or without its special ends. */
struct CoverCase {
    int seq = 0;
    bool hideSpecial = false; ///< the first and last tokens are special and hidden
    int visible = 0;          ///< tokens left on each axis
};

} // namespace

Q_DECLARE_METATYPE(CoverCase)

void TestAttentionPlot::mapCoversEveryCell_data() {
    QTest::addColumn<CoverCase>("test");
    QTest::newRow("seq1_one_cell") << CoverCase{1, false, 1};
    QTest::newRow("seq10_qcustomplot_default_size") << CoverCase{10, false, 10};
    QTest::newRow("seq12_special_hidden_leaves_10") << CoverCase{12, true, 10};
    QTest::newRow("seq13") << CoverCase{13, false, 13};
}

void TestAttentionPlot::mapCoversEveryCell() {
    QFETCH(CoverCase, test);
    auto set = testdata::makeSet(4, 4, test.seq);
    if (test.hideSpecial) {
        set->special.front() = true;
        set->special.back() = true;
    }
    AttentionPlot plot;
    // The grid first, then one head: the single head reuses a panel of the grid.
    plot.setFigure(layerFigure(*set, 0, test.hideSpecial));
    plot.setFigure(headFigure(*set, 3, 1, test.hideSpecial));
    QCOMPARE(plot.plottableCount(), 1);
    auto* map = qobject_cast<QCPColorMap*>(plot.plottable(0));
    QCOMPARE(map->keyAxis()->range(), QCPRange(-0.5, test.visible - 0.5));
    QCOMPARE(map->valueAxis()->range(), QCPRange(-0.5, test.visible - 0.5));
    const int first = test.hideSpecial ? 1 : 0;
    const int last = first + test.visible - 1;
    const PlotHit hit = plot.hitTest(cellCentre(map, test.visible, test.visible - 1, 0));
    QCOMPARE(hit.query, last);
    QCOMPARE(hit.key, first);
    // A fresh map in a new plot (the export path) as well.
    AttentionPlot copy;
    copy.copyFigureFrom(plot);
    auto* copied = qobject_cast<QCPColorMap*>(copy.plottable(0));
    QCOMPARE(copied->keyAxis()->range(), QCPRange(-0.5, test.visible - 0.5));
    QCOMPARE(copied->valueAxis()->range(), QCPRange(-0.5, test.visible - 0.5));
}

QTEST_MAIN(TestAttentionPlot)
#include "test_attentionplot.moc"
