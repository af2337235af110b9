// headMatrix (special tokens hidden, rows renormalised) against hand-computed cases, and the
// colour maps' names and end colours.

#include "ui/figure/attentionset.h"
#include "ui/figure/figureoptions.h"

#include <QtTest>
#include <qcustomplot.h>

using namespace attnscope;

namespace {

// [CLS] a b [SEP]; layer 0 head 0 and head 1, rows chosen so that the renormalised values are
// exact in float.
AttentionSet handSet() {
    AttentionSet set;
    const std::vector<float> values = {
        // head 0
        0.25F,
        0.25F,
        0.25F,
        0.25F, // [CLS]
        0.40F,
        0.30F,
        0.10F,
        0.20F, // a  -> a 0.75, b 0.25
        0.10F,
        0.20F,
        0.20F,
        0.50F, // b  -> a 0.5,  b 0.5
        0.00F,
        0.00F,
        0.00F,
        1.00F, // [SEP]
        // head 1
        1.00F,
        0.00F,
        0.00F,
        0.00F,
        0.50F,
        0.00F,
        0.00F,
        0.50F, // a: no weight on visible tokens -> stays 0
        0.00F,
        0.25F,
        0.75F,
        0.00F, // b: already over visible tokens only
        0.25F,
        0.25F,
        0.25F,
        0.25F,
    };
    set.attentions = Tensor({1, 2, 4, 4}, values);
    set.tokens = {"[CLS]", "a", "b", "[SEP]"};
    set.special = {true, false, false, true};
    return set;
}

} // namespace

class TestAttentionSet : public QObject {
    Q_OBJECT

private slots:
    void weightIndexesLayerHeadQueryKey();
    void headMatrix_data();
    void headMatrix();
    void indexOfMapsOriginalTokens();
    void colorMapKeysRoundTrip();
    void unknownColorMapIsRejected();
    void gradientEnds_data();
    void gradientEnds();
};

void TestAttentionSet::weightIndexesLayerHeadQueryKey() {
    const AttentionSet set = handSet();
    QCOMPARE(set.layers(), 1);
    QCOMPARE(set.heads(), 2);
    QCOMPARE(set.seq(), 4);
    QCOMPARE(set.weight(0, 0, 1, 0), 0.40F);
    QCOMPARE(set.weight(0, 1, 2, 2), 0.75F);
}

void TestAttentionSet::headMatrix_data() {
    QTest::addColumn<int>("head");
    QTest::addColumn<bool>("hideSpecial");
    QTest::addColumn<std::vector<int>>("tokens");
    QTest::addColumn<std::vector<float>>("values");

    QTest::newRow("head0_all_tokens_as_stored")
        << 0 << false << std::vector<int>{0, 1, 2, 3}
        << std::vector<float>{0.25F, 0.25F, 0.25F, 0.25F, 0.40F, 0.30F, 0.10F, 0.20F,
                              0.10F, 0.20F, 0.20F, 0.50F, 0.00F, 0.00F, 0.00F, 1.00F};
    QTest::newRow("head0_special_hidden_rows_renormalised")
        << 0 << true << std::vector<int>{1, 2} << std::vector<float>{0.75F, 0.25F, 0.5F, 0.5F};
    QTest::newRow("head1_row_without_visible_weight_stays_zero")
        << 1 << true << std::vector<int>{1, 2} << std::vector<float>{0.0F, 0.0F, 0.25F, 0.75F};
}

void TestAttentionSet::headMatrix() {
    QFETCH(int, head);
    QFETCH(bool, hideSpecial);
    QFETCH(std::vector<int>, tokens);
    QFETCH(std::vector<float>, values);
    const HeadMatrix matrix = attnscope::headMatrix(handSet(), 0, head, hideSpecial);
    QCOMPARE(matrix.tokens, tokens);
    QCOMPARE(matrix.size(), int(tokens.size()));
    QCOMPARE(matrix.values.size(), values.size());
    for (std::size_t i = 0; i < values.size(); ++i)
        QVERIFY2(
            std::abs(matrix.values[i] - values[i]) <= 1e-7F,
            qPrintable(
                QStringLiteral("cell %1: %2 != %3").arg(i).arg(matrix.values[i]).arg(values[i])));
    for (int r = 0; r < matrix.size(); ++r)
        QCOMPARE(matrix.at(r, 0), matrix.values[std::size_t(r) * tokens.size()]);
}

void TestAttentionSet::indexOfMapsOriginalTokens() {
    const HeadMatrix matrix = attnscope::headMatrix(handSet(), 0, 0, true);
    QCOMPARE(matrix.indexOf(0), -1);
    QCOMPARE(matrix.indexOf(1), 0);
    QCOMPARE(matrix.indexOf(2), 1);
    QCOMPARE(matrix.indexOf(3), -1);
    QCOMPARE(matrix.indexOf(7), -1);
}

void TestAttentionSet::colorMapKeysRoundTrip() {
    QCOMPARE(colorMapKeys(), (QStringList{"viridis", "magma", "grayscale", "diverging"}));
    for (const ColorMap map :
         {ColorMap::Viridis, ColorMap::Magma, ColorMap::Grayscale, ColorMap::Diverging}) {
        ColorMap parsed = ColorMap::Viridis;
        QVERIFY(parseColorMap(colorMapKey(map), &parsed));
        QCOMPARE(parsed, map);
    }
}

void TestAttentionSet::unknownColorMapIsRejected() {
    ColorMap parsed = ColorMap::Magma;
    QVERIFY(!parseColorMap("jet", &parsed));
    QVERIFY(!parseColorMap("Viridis", &parsed)); // keys are exact, like settings keys
    QVERIFY(!parseColorMap("", &parsed));
    QCOMPARE(parsed, ColorMap::Magma);
}

void TestAttentionSet::gradientEnds_data() {
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

void TestAttentionSet::gradientEnds() {
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

QTEST_MAIN(TestAttentionSet)
#include "test_attentionset.moc"
