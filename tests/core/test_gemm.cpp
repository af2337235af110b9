// The engine's GEMM (core/attention/gemm.h) against a double-precision product: every edge of the
// register tile (rows, columns), several depth blocks, offsets into a packed operand, strides,
// bias, both packings; and the property the engine's determinism rests on: an element's value does
// not depend on how the output was split into calls.

#include "core/attention/gemm.h"
#include "testinputs.h"

#include <QtTest>
#include <cmath>
#include <cstring>
#include <vector>

using namespace attnscope;
using namespace attnscope::detail;

namespace {

struct Operands {
    Tensor a;    // [rows, lda] (only the first `depth` columns are used)
    Tensor w;    // [width, depth]: B = wᵀ
    Tensor bias; // [width]
    std::int64_t lda = 0;
};

Operands makeOperands(std::int64_t rows, std::int64_t depth, std::int64_t width,
                      std::int64_t padding, std::uint64_t seed) {
    Operands o;
    o.lda = depth + padding;
    o.a = testing::randomTensor({rows, o.lda}, seed);
    o.w = testing::randomTensor({width, depth}, seed + 1);
    o.bias = testing::randomTensor({width}, seed + 2);
    return o;
}

/** sum_k a[i, k]·w[j, k] (+ bias[j]) in double. */
double expected(const Operands& o, std::int64_t depth, std::int64_t i, std::int64_t j, bool bias) {
    double sum = bias ? o.bias.data()[j] : 0.0;
    for (std::int64_t k = 0; k < depth; ++k)
        sum += double(o.a.data()[i * o.lda + k]) * double(o.w.data()[j * depth + k]);
    return sum;
}

} // namespace

class TestGemm : public QObject {
    Q_OBJECT

private slots:
    void matchesDoubleProduct_data();
    void matchesDoubleProduct();
    void packedRowsEqualPackedTransposed();
    void resultDoesNotDependOnTiling();
};

void TestGemm::matchesDoubleProduct_data() {
    QTest::addColumn<qint64>("rows");
    QTest::addColumn<qint64>("depth");
    QTest::addColumn<qint64>("width");
    QTest::addColumn<bool>("bias");
    const qint64 r = kTileRows, c = kTileCols, d = kGemmDepthBlock;
    QTest::newRow("one element") << qint64(1) << qint64(1) << qint64(1) << false;
    QTest::newRow("depth 0 gives the bias") << qint64(3) << qint64(0) << qint64(5) << true;
    QTest::newRow("one full tile") << r << qint64(16) << c << true;
    QTest::newRow("ragged rows") << r + 3 << qint64(20) << c << false;
    QTest::newRow("ragged columns") << r << qint64(20) << c + 5 << true;
    QTest::newRow("fewer rows and columns than a tile") << r - 1 << qint64(7) << c - 1 << true;
    QTest::newRow("depth one block") << 2 * r << d << 2 * c << false;
    QTest::newRow("depth just over a block") << 2 * r + 1 << d + 1 << 2 * c + 3 << true;
    QTest::newRow("depth several blocks") << 3 * r + 5 << 2 * d + 77 << 3 * c + 9 << true;
}

void TestGemm::matchesDoubleProduct() {
    QFETCH(qint64, rows);
    QFETCH(qint64, depth);
    QFETCH(qint64, width);
    QFETCH(bool, bias);
    const Operands o = makeOperands(rows, depth, width, 3, 11);
    const PackedRhs packed = PackedRhs::fromTransposed(o.w.data(), width, depth, 2);
    const std::int64_t ldc = width + 2;
    std::vector<float> c(static_cast<std::size_t>(rows * ldc), -7.0f); // -7: untouched padding
    AlignedVector<float> scratch;
    multiplyPacked(o.a.data(), o.lda, rows, packed.view(), 0, width, bias ? o.bias.data() : nullptr,
                   c.data(), ldc, scratch);
    // float32 products summed in float32: the error grows like sqrt(depth) × |terms|.
    const double tolerance = 1e-5 * (1.0 + std::sqrt(double(depth))) * 4.0;
    for (std::int64_t i = 0; i < rows; ++i) {
        for (std::int64_t j = 0; j < width; ++j) {
            const double want = expected(o, depth, i, j, bias);
            const double got = c[static_cast<std::size_t>(i * ldc + j)];
            if (std::abs(got - want) > tolerance * (1.0 + std::abs(want)))
                QFAIL(qPrintable(
                    QString("C[%1, %2] = %3, expected %4").arg(i).arg(j).arg(got).arg(want)));
        }
        for (std::int64_t j = width; j < ldc; ++j)
            QCOMPARE(c[static_cast<std::size_t>(i * ldc + j)], -7.0f);
    }
}

void TestGemm::packedRowsEqualPackedTransposed() {
    // packRhsRows(B) and packRhsTransposed(Bᵀ) must give the same panels, padding included.
    const std::int64_t depth = 37, width = 2 * kTileCols + 5;
    const Tensor b = testing::randomTensor({depth, width}, 5);
    Tensor bt({width, depth});
    for (std::int64_t k = 0; k < depth; ++k)
        for (std::int64_t j = 0; j < width; ++j)
            bt.data()[j * depth + k] = b.data()[k * width + j];
    const std::size_t floats = static_cast<std::size_t>(packedRhsFloats(depth, width));
    AlignedVector<float> fromRows(floats, 1.0f), fromTransposed(floats, 2.0f);
    packRhsRows(b.data(), width, depth, width, fromRows.data());
    packRhsTransposed(bt.data(), depth, width, depth, fromTransposed.data());
    QVERIFY(std::memcmp(fromRows.data(), fromTransposed.data(), floats * sizeof(float)) == 0);
}

void TestGemm::resultDoesNotDependOnTiling() {
    // The engine tiles outputs by shape and hands tiles to any thread; an element must come out
    // bitwise the same whether computed in one call or in pieces (any row split, any whole-panel
    // column split).
    const std::int64_t rows = 3 * kTileRows + 5, depth = kGemmDepthBlock + 50,
                       width = 4 * kTileCols + 7;
    const Operands o = makeOperands(rows, depth, width, 0, 21);
    const PackedRhs packed = PackedRhs::fromTransposed(o.w.data(), width, depth);
    AlignedVector<float> scratch;
    std::vector<float> whole(static_cast<std::size_t>(rows * width));
    multiplyPacked(o.a.data(), o.lda, rows, packed.view(), 0, width, o.bias.data(), whole.data(),
                   width, scratch);

    std::vector<float> pieces(whole.size(), 0.0f);
    const std::int64_t rowCuts[] = {0, 1, kTileRows + 2, 2 * kTileRows + 3, rows};
    const std::int64_t colCuts[] = {0, kTileCols, 3 * kTileCols, width};
    for (int r = 0; r + 1 < 5; ++r) {
        for (int q = 0; q + 1 < 4; ++q) {
            const std::int64_t r0 = rowCuts[r], c0 = colCuts[q];
            multiplyPacked(o.a.data() + r0 * o.lda, o.lda, rowCuts[r + 1] - r0, packed.view(), c0,
                           colCuts[q + 1] - c0, o.bias.data() + c0, pieces.data() + r0 * width + c0,
                           width, scratch);
        }
    }
    QVERIFY(std::memcmp(whole.data(), pieces.data(), whole.size() * sizeof(float)) == 0);
}

QTEST_APPLESS_MAIN(TestGemm)
#include "test_gemm.moc"
