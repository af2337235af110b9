// The pure arithmetic of drawing a panel (ui/figure/mapcells.h) against hand-computed cases:
// colour ranges of each kind of value, the pixels of a map at any size (the extreme of the cells
// each covers), the colour of each cell;
// and the colour maps' names and end colours.

#include "ui/figure/colormaps.h"
#include "ui/figure/figureoptions.h"
#include "ui/figure/mapcells.h"

#include <QtTest>
#include <limits>
#include <qcustomplot.h>
#include <vector>

using namespace attnscope;

class TestMapCells : public QObject {
    Q_OBJECT

private slots:
    void colorMapKeysRoundTrip();
    void unknownColorMapIsRejected();
    void gradientEnds_data();
    void gradientEnds();
    void colorRangeOfEachKind_data();
    void colorRangeOfEachKind();
    void extentIgnoresNonFiniteValues();
    void divergingWhiteSitsAtUniformOrZero();
    void rasterizeKeepsTheExtremeOfEachPixelsCells();
    void rasterizeEnlargesByTheCellUnderEachPixel();
    void rasterizeLeavesNonFiniteCellsOut();
    void colorCellsTruncatesLikeQCustomPlot();
    void colorCellsOversamplesSmallMaps();
};

void TestMapCells::colorMapKeysRoundTrip() {
    QCOMPARE(colorMapKeys(), (QStringList{"viridis", "magma", "grayscale", "diverging"}));
    for (const ColorMap map :
         {ColorMap::Viridis, ColorMap::Magma, ColorMap::Grayscale, ColorMap::Diverging}) {
        ColorMap parsed = ColorMap::Viridis;
        QVERIFY(parseColorMap(colorMapKey(map), &parsed));
        QCOMPARE(parsed, map);
    }
}

void TestMapCells::unknownColorMapIsRejected() {
    ColorMap parsed = ColorMap::Magma;
    QVERIFY(!parseColorMap("jet", &parsed));
    QVERIFY(!parseColorMap("Viridis", &parsed)); // keys are exact, like settings keys
    QVERIFY(!parseColorMap("", &parsed));
    QCOMPARE(parsed, ColorMap::Magma);
}

void TestMapCells::gradientEnds_data() {
    QTest::addColumn<QString>("map");
    QTest::addColumn<QColor>("low");
    QTest::addColumn<QColor>("middle");
    QTest::addColumn<QColor>("high");
    // matplotlib: viridis(0) = #440154, viridis(0.5) = #21918c, viridis(1) = #fde725;
    // magma(0) = #000004, magma(0.5) = #b73779, magma(1) = #fcfdbf.
    QTest::newRow("viridis") << "viridis" << QColor("#440154") << QColor("#21918c")
                             << QColor("#fde725");
    QTest::newRow("magma") << "magma" << QColor("#000004") << QColor("#b73779")
                           << QColor("#fcfdbf");
    QTest::newRow("grayscale") << "grayscale" << QColor("#ffffff") << QColor("#808080")
                               << QColor("#000000");
    QTest::newRow("diverging") << "diverging" << QColor("#2166ac") << QColor("#ffffff")
                               << QColor("#b2182b");
}

void TestMapCells::gradientEnds() {
    QFETCH(QString, map);
    QFETCH(QColor, low);
    QFETCH(QColor, middle);
    QFETCH(QColor, high);
    ColorMap colorMap = ColorMap::Viridis;
    QVERIFY(parseColorMap(map, &colorMap));
    QCPColorGradient gradient = colorGradient(colorMap);
    const auto near = [](QRgb actual, const QColor& expected) {
        // 256 levels: a level step is worth up to ~3 units per channel.
        return std::abs(qRed(actual) - expected.red()) <= 3 &&
               std::abs(qGreen(actual) - expected.green()) <= 3 &&
               std::abs(qBlue(actual) - expected.blue()) <= 3;
    };
    const QCPRange range(0.0, 1.0);
    QVERIFY2(near(gradient.color(0.0, range), low),
             qPrintable(QColor(gradient.color(0.0, range)).name()));
    QVERIFY2(near(gradient.color(0.5, range), middle),
             qPrintable(QColor(gradient.color(0.5, range)).name()));
    QVERIFY2(near(gradient.color(1.0, range), high),
             qPrintable(QColor(gradient.color(1.0, range)).name()));
}

namespace {

/** One colour-range case: values of a kind on a scale, and the range they must give. */
struct RangeCase {
    ValueKind kind = ValueKind::Probability;
    ValueScale scale = ValueScale::Linear;
    std::vector<float> values;
    ColorRange expected;
};

PanelMatrix matrixOf(int rows, int columns, std::vector<float> values) {
    return PanelMatrix{rows, columns, std::move(values)};
}

} // namespace

Q_DECLARE_METATYPE(RangeCase)

void TestMapCells::colorRangeOfEachKind_data() {
    QTest::addColumn<RangeCase>("test");
    const auto linear = ValueScale::Linear;
    const auto log = ValueScale::Log;
    QTest::newRow("probability_from_zero_to_max")
        << RangeCase{ValueKind::Probability, linear, {0.1F, 0.5F, 0.25F}, {0.0, 0.5, false}};
    QTest::newRow("probability_all_zero_gives_0_1")
        << RangeCase{ValueKind::Probability, linear, {0.0F, 0.0F}, {0.0, 1.0, false}};
    QTest::newRow("probability_log_from_the_floor")
        << RangeCase{ValueKind::Probability, log, {0.1F, 0.5F}, {kLogFloor, 0.5, true}};
    QTest::newRow("probability_log_tiny_max_raised")
        << RangeCase{ValueKind::Probability, log, {1e-5F}, {kLogFloor, kLogFloor * 10, true}};
    QTest::newRow("score_spans_negative_values")
        << RangeCase{ValueKind::Score, linear, {-2.0F, 3.0F, 0.5F}, {-2.0, 3.0, false}};
    QTest::newRow("score_single_value_widened")
        << RangeCase{ValueKind::Score, linear, {1.5F, 1.5F}, {1.0, 2.0, false}};
    QTest::newRow("score_log_with_negatives_stays_linear")
        << RangeCase{ValueKind::Score, log, {-1.0F, 2.0F}, {-1.0, 2.0, false}};
    QTest::newRow("score_log_positive")
        << RangeCase{ValueKind::Score, log, {0.5F, 8.0F}, {0.5, 8.0, true}};
    QTest::newRow("difference_centred_on_zero")
        << RangeCase{ValueKind::Difference, linear, {-0.2F, 0.6F}, {-0.6, 0.6, false}};
    QTest::newRow("difference_all_zero")
        << RangeCase{ValueKind::Difference, log, {0.0F}, {-1.0, 1.0, false}};
    QTest::newRow("other_min_to_max")
        << RangeCase{ValueKind::Other, linear, {10.0F, 20.0F}, {10.0, 20.0, false}};
}

void TestMapCells::colorRangeOfEachKind() {
    QFETCH(RangeCase, test);
    const ColorRange range = colorRange(test.kind, test.scale, valueExtent(test.values));
    QVERIFY2(
        std::abs(range.lower - test.expected.lower) < 1e-6 &&
            std::abs(range.upper - test.expected.upper) < 1e-6 && range.log == test.expected.log,
        qPrintable(
            QStringLiteral("[%1, %2] log %3").arg(range.lower).arg(range.upper).arg(range.log)));
}

void TestMapCells::extentIgnoresNonFiniteValues() {
    const float nan = std::numeric_limits<float>::quiet_NaN();
    const float inf = std::numeric_limits<float>::infinity();
    const ValueExtent extent = valueExtent(std::vector<float>{nan, 0.5F, -inf, 0.25F, inf});
    QVERIFY(extent.any);
    QCOMPARE(extent.min, 0.25);
    QCOMPARE(extent.max, 0.5);
    QVERIFY(!valueExtent(std::vector<float>{nan}).any);
    const ValueExtent merged = extent.merged(valueExtent(std::vector<float>{-1.0F}));
    QCOMPARE(merged.min, -1.0);
    QCOMPARE(merged.max, 0.5);
}

void TestMapCells::divergingWhiteSitsAtUniformOrZero() {
    // probabilities over 4 keys in [0, 0.5]: uniform 0.25 is the middle
    QCOMPARE(divergingCentre(ValueKind::Probability, {0.0, 0.5, false}, 4), 0.5);
    // scores in [-1, 3]: 0 is a quarter of the way up
    QCOMPARE(divergingCentre(ValueKind::Score, {-1.0, 3.0, false}, 4), 0.25);
    // differences are centred on 0 by their range
    QCOMPARE(divergingCentre(ValueKind::Difference, {-2.0, 2.0, false}, 9), 0.5);
    // clamped into the range
    QCOMPARE(divergingCentre(ValueKind::Score, {1.0, 3.0, false}, 4), 0.0);
    QVERIFY(alwaysDiverging(ValueKind::Difference));
    QVERIFY(!alwaysDiverging(ValueKind::Probability));
}

void TestMapCells::rasterizeKeepsTheExtremeOfEachPixelsCells() {
    // 4 × 4 into 2 × 2 pixels: each pixel shows the largest of its 2 × 2 cells; for differences
    // the largest magnitude, sign kept.
    const PanelMatrix m = matrixOf(4, 4,
                                   {0.1F, 0.9F, 0.0F, 0.0F,  //
                                    0.2F, 0.3F, 0.0F, -0.7F, //
                                    0.0F, 0.0F, 0.5F, 0.4F,  //
                                    -0.8F, 0.1F, 0.6F, 0.2F});
    const ColorTable gray = colorTable(colorGradient(ColorMap::Grayscale));
    const ColorRange range{-1.0, 1.0, false};
    const QImage image = rasterizeCells(m, ValueKind::Score, gray, range, QSize(2, 2));
    QCOMPARE(image.size(), QSize(2, 2));
    const auto colour = [&](float v) {
        int level = 0;
        colorLevels(std::vector<float>{v}, range, std::span(&level, 1));
        return gray[std::size_t(level)];
    };
    QCOMPARE(image.pixel(0, 0), colour(0.9F)); // first rows at the top
    QCOMPARE(image.pixel(1, 0), colour(0.0F));
    QCOMPARE(image.pixel(0, 1), colour(0.1F));
    QCOMPARE(image.pixel(1, 1), colour(0.6F));
    const QImage signedImage = rasterizeCells(m, ValueKind::Difference, gray, range, QSize(2, 2));
    QCOMPARE(signedImage.pixel(1, 0), colour(-0.7F));
    QCOMPARE(signedImage.pixel(0, 1), colour(-0.8F));
    // uneven: 5 columns into 2 pixels cover [0, 2) and [2, 5)
    const PanelMatrix wide = matrixOf(1, 5, {0.0F, 1.0F, 0.0F, 0.0F, 0.5F});
    const QImage two =
        rasterizeCells(wide, ValueKind::Probability, gray, {0.0, 1.0, false}, QSize(2, 1));
    QCOMPARE(two.pixel(0, 0), gray.back());
    QCOMPARE(two.pixel(1, 0), gray[127]);
}

void TestMapCells::rasterizeEnlargesByTheCellUnderEachPixel() {
    // 2 rows × 3 columns into 6 × 4 pixels: pixel x shows column floor((x + ½)·3/6), pixel y
    // row floor((y + ½)·2/4).
    const PanelMatrix m = matrixOf(2, 3, {0.0F, 0.2F, 0.4F, 0.6F, 0.8F, 1.0F});
    const ColorTable gray = colorTable(colorGradient(ColorMap::Grayscale));
    const ColorRange range{0.0, 1.0, false};
    const QImage image = rasterizeCells(m, ValueKind::Probability, gray, range, QSize(6, 4));
    QCOMPARE(image.size(), QSize(6, 4));
    for (int y = 0; y < 4; ++y) {
        for (int x = 0; x < 6; ++x) {
            const float v = m.at(y / 2, x / 2);
            int level = 0;
            colorLevels(std::vector<float>{v}, range, std::span(&level, 1));
            QCOMPARE(image.pixel(x, y), gray[std::size_t(level)]);
        }
    }
}

void TestMapCells::rasterizeLeavesNonFiniteCellsOut() {
    const float nan = std::numeric_limits<float>::quiet_NaN();
    const float inf = std::numeric_limits<float>::infinity();
    const PanelMatrix m = matrixOf(1, 4, {nan, 0.5F, inf, nan});
    const ColorTable gray = colorTable(colorGradient(ColorMap::Grayscale));
    const QImage image = rasterizeCells(m, ValueKind::Score, gray, {0.0, 1.0, false}, QSize(2, 1));
    QCOMPARE(image.pixel(0, 0), gray[127]);    // the finite cell of the pair
    QCOMPARE(image.pixel(1, 0), gray.front()); // nothing finite: the lowest colour
}

void TestMapCells::colorCellsTruncatesLikeQCustomPlot() {
    QCPColorGradient gradient = colorGradient(ColorMap::Viridis); // color() is not const
    const ColorTable table = colorTable(gradient);
    QCOMPARE(table.front(), gradient.color(0.0, QCPRange(0, 1)));
    QCOMPARE(table.back(), gradient.color(1.0, QCPRange(0, 1)));
    const float nan = std::numeric_limits<float>::quiet_NaN();
    const PanelMatrix cells = matrixOf(1, 6, {0.0F, 0.25F, 0.5F, 1.0F, 2.0F, nan});
    const QImage image = colorCells(cells, table, {0.0, 1.0, false}, 0);
    QCOMPARE(image.size(), QSize(6, 1));
    for (int i = 0; i < 5; ++i) // the same colours as QCPColorGradient::color gives
        QCOMPARE(image.pixel(i, 0), gradient.color(cells.values[std::size_t(i)], QCPRange(0, 1)));
    QCOMPARE(image.pixel(5, 0), table.front()); // NaN: the lowest colour
    // log scale: the floor and below take the lowest colour, the max the highest
    const PanelMatrix log = matrixOf(1, 5, {0.0F, 1e-5F, 1e-4F, 1e-2F, 1.0F});
    const QImage logImage = colorCells(log, table, {1e-4, 1.0, true}, 0);
    QCOMPARE(logImage.pixel(0, 0), table.front());
    QCOMPARE(logImage.pixel(1, 0), table.front());
    QCOMPARE(logImage.pixel(2, 0), table.front());
    QCOMPARE(logImage.pixel(3, 0), table[127]); // half way in log space: level int(0.5 · 255)
    QCOMPARE(logImage.pixel(4, 0), table.back());
}

void TestMapCells::colorCellsOversamplesSmallMaps() {
    std::vector<float> values(100, 0.0F);
    values[50 + 49] = 1.0F; // bottom right
    const ColorTable table = colorTable(colorGradient(ColorMap::Grayscale));
    const QImage image = colorCells(matrixOf(2, 50, values), table, {0.0, 1.0, false});
    // 1 + 100 / 50 = 3 pixels per column, 1 + 100 / 2 = 51 per row, as QCPColorMap oversamples
    QCOMPARE(image.size(), QSize(150, 102));
    QCOMPARE(image.pixel(149, 101), table.back());
    QCOMPARE(image.pixel(147, 51), table.back());
    QCOMPARE(image.pixel(146, 51), table.front());
    QCOMPARE(image.pixel(147, 50), table.front());
    // from 101 cells on, one pixel per cell
    QCOMPARE(colorCells(matrixOf(1, 101, std::vector<float>(101, 0.5F)), table, {0.0, 1.0, false})
                 .size(),
             QSize(101, 101));
}

QTEST_MAIN(TestMapCells)
#include "test_mapcells.moc"
