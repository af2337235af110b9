// linear() and LinearLayer (core/attention/linear.h) against a double-precision product, their
// equality with each other and across thread counts, and their errors.

#include "core/attention/linear.h"
#include "testinputs.h"
#include "tests/common/errormessages.h"

#include <QtTest>
#include <cmath>

using namespace attnscope;

class TestLinear : public QObject {
    Q_OBJECT

private slots:
    void matchesDoubleProduct();
    void layerEqualsFunctionForAnyThreadCount();
    void errorsNameTheLayer();
};

void TestLinear::matchesDoubleProduct() {
    // [2, 7, 45] · [70, 45]ᵀ: ragged in every direction of the kernel's tiles.
    const Tensor x = testing::randomTensor({2, 7, 45}, 1);
    const Tensor w = testing::randomTensor({70, 45}, 2, 0.2);
    const Tensor b = testing::randomTensor({70}, 3);
    for (const bool withBias : {false, true}) {
        const Tensor y = linear(x, w, withBias ? &b : nullptr);
        QCOMPARE(y.shape(), Shape({2, 7, 70}));
        for (std::int64_t r = 0; r < 14; ++r) {
            for (std::int64_t o = 0; o < 70; ++o) {
                double want = withBias ? b.data()[o] : 0.0;
                for (std::int64_t i = 0; i < 45; ++i)
                    want += double(x.data()[r * 45 + i]) * double(w.data()[o * 45 + i]);
                QVERIFY2(std::abs(y.data()[r * 70 + o] - want) < 1e-5 * (1 + std::abs(want)),
                         qPrintable(QString("row %1 column %2").arg(r).arg(o)));
            }
        }
    }
}

void TestLinear::layerEqualsFunctionForAnyThreadCount() {
    const Tensor x = testing::randomTensor({1, 300, 96}, 4);
    const Tensor w = testing::randomTensor({400, 96}, 5, 0.1);
    const Tensor b = testing::randomTensor({400}, 6);
    const LinearLayer layer(w, b, "feed-forward in");
    ComputeOptions one, two;
    one.threads = 1;
    two.threads = 2;
    const Tensor reference = linear(x, w, &b, one);
    QVERIFY(testing::bitwiseEqual(layer.forward(x, one), reference));
    QVERIFY(testing::bitwiseEqual(layer.forward(x, two), reference));
    QVERIFY(testing::bitwiseEqual(linear(x, w, &b, two), reference));
    const LinearLayer copy = layer; // copies share the packed weight
    QVERIFY(testing::bitwiseEqual(copy.forward(x, two), reference));
}

void TestLinear::errorsNameTheLayer() {
    using testing::errorOf;
    const Tensor w = testing::randomTensor({4, 3}, 7);
    QCOMPARE(errorOf([&] { (void)LinearLayer(testing::randomTensor({4}, 8), {}, "fc"); }),
             QString("fc: weight must be [out, in] but has [4]"));
    QVERIFY(errorOf([&] {
                (void)LinearLayer(w, testing::randomTensor({5}, 8), "fc");
            }).startsWith("fc: bias"));
    const LinearLayer layer(w, {}, "fc");
    QCOMPARE(errorOf([&] {
                 (void)layer.forward(testing::randomTensor({2, 5}, 9));
             }),
             QString("fc: input must end in 3 features but has shape [2, 5]"));
    QCOMPARE(errorOf([&] {
                 (void)LinearLayer().forward(testing::randomTensor({2, 3}, 9));
             }),
             QString("linear layer used before it was given weights"));
    QCOMPARE(errorOf([&] {
                 (void)linear(testing::randomTensor({2, 5}, 9), w, nullptr, {}, "proj");
             }),
             QString("proj: input must end in 3 features but has shape [2, 5]"));
}

QTEST_APPLESS_MAIN(TestLinear)
#include "test_linear.moc"
