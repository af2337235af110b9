// The building blocks of core/models: activations against values from Python's math module,
// LayerNorm against a naive double-precision loop over odd and degenerate widths, the
// thread-count independence of both, DistilBERT's sinusoidal table and RoBERTa's position ids.

#include "core/base/error.h"
#include "core/models/embeddings.h"
#include "core/models/layerops.h"
#include "testinputs.h"

#include <QTest>
#include <cmath>
#include <cstring>
#include <numbers>
#include <random>

using namespace attnscope;

Q_DECLARE_METATYPE(Activation)

namespace {

Tensor randomTensor(Shape shape, std::uint32_t seed, float scale = 2.0f) {
    std::mt19937 generator(seed);
    std::normal_distribution<float> normal(0.0f, scale);
    Tensor t(std::move(shape));
    for (float& v : t.values())
        v = normal(generator);
    return t;
}

} // namespace

class TestModelsLayerOps : public QObject {
    Q_OBJECT

private slots:
    void activationValues_data();
    void activationValues();
    void activateInPlaceIsThreadIndependent();
    void layerNormMatchesNaiveLoop_data();
    void layerNormMatchesNaiveLoop();
    void layerNormRejectsWrongWeights();
    void sinusoidalTable();
    void positionIds_data();
    void positionIds();
};

void TestModelsLayerOps::activationValues_data() {
    QTest::addColumn<Activation>("activation");
    QTest::addColumn<double>("x");
    QTest::addColumn<double>("expected");
    // 0.5·x·(1 + erf(x/√2)), 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) and x/(1 + e^−x),
    // evaluated with Python's math module.
    QTest::newRow("gelu_-3") << Activation::Gelu << -3.0 << -0.00404969409489031;
    QTest::newRow("gelu_-0.5") << Activation::Gelu << -0.5 << -0.15426876936299344;
    QTest::newRow("gelu_0") << Activation::Gelu << 0.0 << 0.0;
    QTest::newRow("gelu_1") << Activation::Gelu << 1.0 << 0.8413447460685429;
    QTest::newRow("gelu_3") << Activation::Gelu << 3.0 << 2.99595030590511;
    QTest::newRow("gelu_new_-3") << Activation::GeluNew << -3.0 << -0.0036373920817729943;
    QTest::newRow("gelu_new_-1") << Activation::GeluNew << -1.0 << -0.15880800939172324;
    QTest::newRow("gelu_new_0.5") << Activation::GeluNew << 0.5 << 0.34571400982514394;
    QTest::newRow("gelu_new_1") << Activation::GeluNew << 1.0 << 0.8411919906082768;
    QTest::newRow("silu_-1") << Activation::Silu << -1.0 << -0.2689414213699951;
    QTest::newRow("silu_3") << Activation::Silu << 3.0 << 2.8577223804672998;
    QTest::newRow("relu_-0.5") << Activation::Relu << -0.5 << 0.0;
    QTest::newRow("relu_0.5") << Activation::Relu << 0.5 << 0.5;
}

void TestModelsLayerOps::activationValues() {
    QFETCH(Activation, activation);
    QFETCH(double, x);
    QFETCH(double, expected);
    const double actual = activate(activation, x);
    QVERIFY2(
        std::abs(actual - expected) <= 1e-15,
        qPrintable(QStringLiteral("%1 vs %2").arg(actual, 0, 'g', 17).arg(expected, 0, 'g', 17)));
}

void TestModelsLayerOps::activateInPlaceIsThreadIndependent() {
    // More elements than one parallel block, and not a multiple of it.
    const Tensor input = randomTensor({3, 12347}, 7);
    for (const Activation activation :
         {Activation::Gelu, Activation::GeluNew, Activation::Relu, Activation::Silu}) {
        Tensor one = input, two = input;
        ComputeOptions options;
        options.threads = 1;
        activateInPlace(one, activation, options);
        options.threads = 2;
        activateInPlace(two, activation, options);
        QVERIFY(testing::bitwiseEqual(one, two));
        for (std::int64_t i = 0; i < input.numel(); i += 997)
            QCOMPARE(one[i], static_cast<float>(activate(activation, input[i])));
    }
}

void TestModelsLayerOps::layerNormMatchesNaiveLoop_data() {
    QTest::addColumn<int>("rows");
    QTest::addColumn<int>("width");
    QTest::addColumn<double>("eps");
    QTest::newRow("rows1_width1") << 1 << 1 << 1e-5; // a single value normalises to the bias
    QTest::newRow("rows3_width2") << 3 << 2 << 1e-12;
    QTest::newRow("rows15_width7") << 15 << 7 << 1e-12;
    QTest::newRow("rows16_width32") << 16 << 32 << 1e-5;
    QTest::newRow("rows17_width33") << 17 << 33 << 1e-12;
    QTest::newRow("rows40_width768") << 40 << 768 << 1e-12;
    QTest::newRow("rows5_width8_large_eps") << 5 << 8 << 10.0;
}

void TestModelsLayerOps::layerNormMatchesNaiveLoop() {
    QFETCH(int, rows);
    QFETCH(int, width);
    QFETCH(double, eps);
    // An offset far from zero checks that the variance is not computed as E[x²] − E[x]².
    Tensor input = randomTensor({1, rows, width}, 11);
    for (float& v : input.values())
        v += 1000.0f;
    const LayerNormWeights norm{randomTensor({width}, 12), randomTensor({width}, 13), eps};

    Tensor one = input, two = input;
    ComputeOptions options;
    options.threads = 1;
    layerNormInPlace(one, norm, options);
    options.threads = 2;
    layerNormInPlace(two, norm, options);
    QVERIFY(testing::bitwiseEqual(one, two));

    for (int r = 0; r < rows; ++r) {
        const float* x = input.data() + r * width;
        double mean = 0.0, variance = 0.0;
        for (int i = 0; i < width; ++i)
            mean += x[i];
        mean /= width;
        for (int i = 0; i < width; ++i)
            variance += (x[i] - mean) * (x[i] - mean);
        variance /= width;
        for (int i = 0; i < width; ++i) {
            const double expected =
                (x[i] - mean) / std::sqrt(variance + eps) * norm.weight[i] + norm.bias[i];
            const double actual = one[r * width + i];
            QVERIFY2(std::abs(actual - expected) <= 1e-6 * (1.0 + std::abs(expected)),
                     qPrintable(QStringLiteral("row %1, column %2: %3 vs %4")
                                    .arg(r)
                                    .arg(i)
                                    .arg(actual, 0, 'g', 9)
                                    .arg(expected, 0, 'g', 9)));
        }
    }
}

void TestModelsLayerOps::layerNormRejectsWrongWeights() {
    Tensor x({2, 4}, 1.0f);
    const LayerNormWeights wrong{Tensor({5}, 1.0f), Tensor({4}, 0.0f), 1e-5};
    QVERIFY_THROWS_EXCEPTION(Error, layerNormInPlace(x, wrong, {}));
    const LayerNormWeights missingBias{Tensor({4}, 1.0f), Tensor(), 1e-5};
    QVERIFY_THROWS_EXCEPTION(Error, layerNormInPlace(x, missingBias, {}));
}

void TestModelsLayerOps::sinusoidalTable() {
    const Tensor table = sinusoidalPositionTable(5, 6);
    QCOMPARE(table.shape(), (Shape{5, 6}));
    // Position 0 is sin 0 = 0 in even columns and cos 0 = 1 in odd ones.
    for (int j = 0; j < 6; ++j)
        QCOMPARE(table.at({0, j}), j % 2 == 0 ? 0.0f : 1.0f);
    // Columns 2j and 2j + 1 share the frequency 1 / 10000^(2j / dim).
    for (int pos = 1; pos < 5; ++pos) {
        for (int j = 0; j < 6; ++j) {
            const double angle = pos / std::pow(10000.0, (j - j % 2) / 6.0);
            const double expected = j % 2 == 0 ? std::sin(angle) : std::cos(angle);
            QVERIFY(std::abs(table.at({pos, j}) - expected) < 1e-7);
        }
    }
}

void TestModelsLayerOps::positionIds_data() {
    QTest::addColumn<bool>("roberta");
    QTest::addColumn<std::vector<int>>("ids");
    QTest::addColumn<std::vector<std::int64_t>>("expected");
    QTest::addColumn<int>("maxPositions");
    QTest::newRow("sequential") << false << std::vector<int>{5, 1, 1, 7}
                                << std::vector<std::int64_t>{0, 1, 2, 3} << 10;
    QTest::newRow("roberta_no_padding")
        << true << std::vector<int>{0, 5, 6, 2} << std::vector<std::int64_t>{2, 3, 4, 5} << 8;
    // A pad token takes position padding_idx and does not advance the count.
    QTest::newRow("roberta_padding_inside_and_after")
        << true << std::vector<int>{0, 5, 1, 6, 1, 1} << std::vector<std::int64_t>{2, 3, 1, 4, 1, 1}
        << 8;
    QTest::newRow("roberta_single_token")
        << true << std::vector<int>{9} << std::vector<std::int64_t>{2} << 8;
}

void TestModelsLayerOps::positionIds() {
    QFETCH(bool, roberta);
    QFETCH(std::vector<int>, ids);
    QFETCH(std::vector<std::int64_t>, expected);
    QFETCH(int, maxPositions);
    Embeddings embeddings;
    embeddings.position = Tensor({10, 4});
    if (roberta) {
        embeddings.scheme = PositionScheme::AfterPadding;
        embeddings.paddingIdx = 1;
    }
    QCOMPARE(embeddings.positionIds(ids), expected);
    QCOMPARE(embeddings.maxPositions(), std::int64_t(maxPositions));
}

QTEST_GUILESS_MAIN(TestModelsLayerOps)
#include "test_models_layerops.moc"
