// AttentionPlot offscreen: one colour map per head, cells where the issue says (first token at
// the top, keys left to right), hit tests with exact weights, signals, the pin, label thinning,
// in-place updates and a 1,024-token grid.

#include "figuretestdata.h"
#include "ui/figure/attentionplot.h"

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
    void longSequenceGridBuilds();
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
    plot.setAttention(testdata::makeSet(2, 5, 7));
    plot.showLayerGrid(1);
    const std::vector<QCPColorMap*> maps = colorMaps(plot);
    QCOMPARE(int(maps.size()), 5);
    for (QCPColorMap* map : maps) {
        QVERIFY(!map->interpolate());
        QCOMPARE(map->data()->keySize(), 7);
        QCOMPARE(map->data()->valueSize(), 7);
    }
    for (int h = 0; h < 5; ++h)
        QVERIFY2(mapOf(plot, 1, h) != nullptr, qPrintable(QString::number(h)));
    QCOMPARE(plot.layout(), AttentionPlot::Layout::LayerGrid);
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
    plot.setAttention(set);
    plot.showLayerGrid(1);
    QCPColorMap* map = mapOf(plot, 1, head);
    QVERIFY(map != nullptr);
    const PlotHit hit = plot.hitTest(cellCentre(map, 7, query, key));
    QVERIFY(hit.valid);
    QCOMPARE(hit.layer, 1);
    QCOMPARE(hit.head, head);
    QCOMPARE(hit.query, query);
    QCOMPARE(hit.key, key);
    QCOMPARE(hit.weight, set->weight(1, head, query, key));
    // The colour drawn is that weight's too.
    QCOMPARE(map->data()->cell(key, 7 - 1 - query), double(hit.weight));
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
    plot.setAttention(set);
    plot.showSingleHead(0, 1);
    QCPColorMap* map = mapOf(plot, 0, 1);
    QVERIFY(map != nullptr);
    QCOMPARE(map->data()->keySize(), 3);
    const PlotHit hit = plot.hitTest(cellCentre(map, 3, 0, 2)); // visible row a, column c
    QVERIFY(hit.valid);
    QCOMPARE(hit.query, 1);
    QCOMPARE(hit.key, 3);
    const float sum = set->weight(0, 1, 1, 1) + set->weight(0, 1, 1, 2) + set->weight(0, 1, 1, 3);
    QVERIFY(std::abs(hit.weight - set->weight(0, 1, 1, 3) / sum) < 1e-6F);
}

void TestAttentionPlot::mouseEmitsHoverClickAndDoubleClick() {
    const auto set = testdata::makeSet(1, 3, 6);
    AttentionPlot plot;
    show(plot, {900, 600});
    plot.setAttention(set);
    plot.showLayerGrid(0);
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
    QCOMPARE(hit.weight, set->weight(0, 2, 4, 1));

    QTest::mouseDClick(&plot, Qt::LeftButton, {}, point);
    QTRY_COMPARE(doubleClicked.size(), 1);
    QCOMPARE(doubleClicked.last().at(0).value<PlotHit>().head, 2);
}

void TestAttentionPlot::pinOutlinesRowAndColumnInEveryMap() {
    AttentionPlot plot;
    show(plot, {900, 700});
    plot.setAttention(testdata::makeSet(1, 4, 8));
    plot.showLayerGrid(0);
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
    plot.setSelectedHead(0, 2);
    QCOMPARE(mapOf(plot, 0, 2)->keyAxis()->basePen().widthF(), 3.0);
    QCOMPARE(mapOf(plot, 0, 1)->keyAxis()->basePen().widthF(), 1.0);
}

void TestAttentionPlot::singleHeadShowsAllLabelsAndLegend() {
    const auto set = testdata::makeSet(1, 2, 6, {"The", "girl", "told", "the", "boy", "it"});
    AttentionPlot plot;
    show(plot, {700, 600});
    plot.setAttention(set);
    plot.showSingleHead(0, 1);
    const std::vector<QCPColorMap*> maps = colorMaps(plot);
    QCOMPARE(int(maps.size()), 1);
    QVERIFY(maps.front()->colorScale() != nullptr);
    QCOMPARE(maps.front()->colorScale()->axis()->label(), QStringLiteral("weight"));
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
    plot.setAttention(testdata::makeSet(1, 1, 300));
    plot.showSingleHead(0, 0);
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
    plot.setAttention(testdata::makeSet(1, 1, 300));
    plot.showSingleHead(0, 0);
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
    QCOMPARE(bottom.value(key), plot.attention()->tokens[key]);
    QVERIFY(left.contains(299 - query)); // first token at the top
    QCOMPARE(left.value(299 - query), plot.attention()->tokens[query]);
    // the neighbours give way: no other label closer than a step
    for (const double position : bottom.keys()) {
        QVERIFY(position == key || std::abs(position - key) >= step);
    }
}

void TestAttentionPlot::sameShapeUpdatesInPlace() {
    AttentionPlot plot;
    show(plot, {900, 700});
    plot.setAttention(testdata::makeSet(1, 3, 9));
    plot.showLayerGrid(0);
    const std::vector<QCPColorMap*> before = colorMaps(plot);
    auto next = testdata::makeSet(1, 3, 9);
    next->attentions[0] = 0.0F; // a different value in the same shape
    next->attentions[1] = next->attentions[1] + next->attentions[0];
    plot.setAttention(next);
    const std::vector<QCPColorMap*> after = colorMaps(plot);
    QCOMPARE(after, before);
    QCOMPARE(mapOf(plot, 0, 0)->data()->cell(0, 8), 0.0);
    // A new shape rebuilds.
    plot.setAttention(testdata::makeSet(1, 3, 4));
    QCOMPARE(colorMaps(plot).front()->data()->keySize(), 4);
}

void TestAttentionPlot::allLayersShowsEveryHead() {
    AttentionPlot plot;
    show(plot, {1000, 800});
    plot.setAttention(testdata::makeSet(3, 4, 5));
    plot.showAllLayers();
    QCOMPARE(int(colorMaps(plot).size()), 12);
    for (int l = 0; l < 3; ++l)
        for (int h = 0; h < 4; ++h)
            QVERIFY(mapOf(plot, l, h) != nullptr);
    const PlotHit hit = plot.hitTest(cellCentre(mapOf(plot, 2, 3), 5, 1, 1));
    QCOMPARE(hit.layer, 2);
    QCOMPARE(hit.head, 3);
}

void TestAttentionPlot::perHeadRangeLabelsEachHead() {
    AttentionPlot plot;
    show(plot, {900, 700});
    plot.setAttention(testdata::makeSet(1, 3, 5));
    plot.showLayerGrid(0);
    FigureOptions options;
    options.range = RangeMode::PerHead;
    plot.setOptions(options);
    for (QCPColorMap* map : colorMaps(plot)) {
        QVERIFY(map->colorScale() == nullptr);
        QVERIFY(map->keyAxis()->axisRect()->axis(QCPAxis::atTop)->label().contains("max"));
        QCOMPARE(map->dataRange().upper, map->data()->dataBounds().upper);
    }
}

void TestAttentionPlot::longSequenceGridBuilds() {
    AttentionPlot plot;
    show(plot, {1200, 900});
    plot.setAttention(testdata::makeSet(1, 12, 1024));
    plot.showLayerGrid(0);
    const std::vector<QCPColorMap*> maps = colorMaps(plot);
    QCOMPARE(int(maps.size()), 12);
    QCOMPARE(plot.itemCount(), 0); // no per-cell items
    plot.replot();
    // A map a few hundred pixels wide draws 1,024 tokens from block maxima, at most one cell
    // per pixel (the offscreen platform's device pixel ratio is 1).
    const QRect inner = maps.front()->keyAxis()->axisRect()->rect();
    const int pixels = std::min(inner.width(), inner.height());
    QVERIFY2(pixels < 1024, qPrintable(QString::number(pixels)));
    const int block = (1024 + pixels - 1) / pixels;
    QCOMPARE(maps.front()->data()->keySize(), (1024 + block - 1) / block);
    QVERIFY(maps.front()->data()->keySize() <= pixels);
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
    plot.setAttention(set);
    plot.showSingleHead(0, 0);
    plot.replot();
    QCPColorMap* map = colorMaps(plot).front();
    QVERIFY(map->data()->keySize() < n);
    const QColor strong = map->gradient().color(1.0, map->dataRange(), false);
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
    QCOMPARE(hit.weight, 1.0f / n);

    // Vector output keeps every cell.
    plot.setRasterScale(0.0);
    QCOMPARE(map->data()->keySize(), n);
    plot.setRasterScale(AttentionPlot::kScreenRaster);
    QVERIFY(map->data()->keySize() < n);
}

void TestAttentionPlot::mapCoversEveryCell_data() {
    QTest::addColumn<int>("seq");
    QTest::addColumn<bool>("hideSpecial");
    QTest::addColumn<int>("visible");
    QTest::newRow("seq1_one_cell") << 1 << false << 1;
    QTest::newRow("seq10_qcustomplot_default_size") << 10 << false << 10;
    QTest::newRow("seq12_special_hidden_leaves_10") << 12 << true << 10;
    QTest::newRow("seq13") << 13 << false << 13;
}

void TestAttentionPlot::mapCoversEveryCell() {
    QFETCH(int, seq);
    QFETCH(bool, hideSpecial);
    QFETCH(int, visible);
    auto set = testdata::makeSet(4, 4, seq);
    if (hideSpecial) {
        set->special.front() = true;
        set->special.back() = true;
    }
    AttentionPlot plot;
    FigureOptions options;
    options.hideSpecial = hideSpecial;
    plot.setOptions(options);
    plot.setAttention(set);
    // The grid first, then one head: the single head reuses a panel of the grid.
    plot.showLayerGrid(0);
    plot.showSingleHead(3, 1);
    QCOMPARE(plot.plottableCount(), 1);
    auto* map = qobject_cast<QCPColorMap*>(plot.plottable(0));
    QCOMPARE(map->data()->keySize(), visible);
    QCOMPARE(map->keyAxis()->range(), QCPRange(-0.5, visible - 0.5));
    QCOMPARE(map->valueAxis()->range(), QCPRange(-0.5, visible - 0.5));
    const int first = hideSpecial ? 1 : 0;
    const int last = first + visible - 1;
    const PlotHit hit = plot.hitTest(cellCentre(map, visible, visible - 1, 0));
    QCOMPARE(hit.query, last);
    QCOMPARE(hit.key, first);
    // A fresh map in a new plot (the export path) as well.
    AttentionPlot copy;
    copy.copyFigureFrom(plot);
    auto* copied = qobject_cast<QCPColorMap*>(copy.plottable(0));
    QCOMPARE(copied->data()->keySize(), visible);
    QCOMPARE(copied->keyAxis()->range(), QCPRange(-0.5, visible - 0.5));
    QCOMPARE(copied->data()->keyRange(),
             visible == 1 ? QCPRange(-0.5, 0.5) : QCPRange(0, visible - 1));
}

QTEST_MAIN(TestAttentionPlot)
#include "test_attentionplot.moc"
