// scaledDotProductAttention against the naive double reference, its invariants and its errors.

#include "core/attention/scaleddotproduct.h"
#include "core/attention/threading.h"
#include "core/base/error.h"
#include "reference.h"
#include "testinputs.h"

#include <QtTest>
#include <atomic>
#include <cmath>

using namespace attnscope;

namespace {

enum MaskKind : int {
    NoMask = 0,
    Causal = 1,
    KeyPadding = 2,
    Hidden2d = 4,
    HiddenPerHead = 8,
    Additive2d = 16,
    AdditivePerHead = 32,
};

struct Case {
    std::int64_t B, H, S, T, Dh, Dv;
    int masks;
};

/** The masks of a case, owning their tensors. */
struct CaseMasks {
    MaskTensor keyPadding, hidden;
    Tensor additive;
    AttentionMasks view;
    reference::Masks ref;
};

CaseMasks makeMasks(const Case& c, std::uint64_t seed) {
    CaseMasks m;
    m.view.causal = m.ref.causal = (c.masks & Causal) != 0;
    if (c.masks & KeyPadding) {
        m.keyPadding = testing::randomMask({c.B, c.T}, seed + 1, 0.3);
        m.view.keyPadding = m.ref.keyPadding = &m.keyPadding;
    }
    if (c.masks & (Hidden2d | HiddenPerHead)) {
        const Shape shape = (c.masks & Hidden2d) ? Shape{c.S, c.T} : Shape{c.B, c.H, c.S, c.T};
        m.hidden = testing::randomMask(shape, seed + 2, 0.3);
        m.view.hidden = m.ref.hidden = &m.hidden;
    }
    if (c.masks & (Additive2d | AdditivePerHead)) {
        const Shape shape = (c.masks & Additive2d) ? Shape{c.S, c.T} : Shape{c.B, c.H, c.S, c.T};
        m.additive = testing::randomTensor(shape, seed + 3, 2.0);
        // Some keys hidden with -inf, as PyTorch users write float masks.
        for (std::int64_t i = 0; i < m.additive.numel(); i += 7)
            m.additive[i] = -INFINITY;
        m.view.additive = m.ref.additive = &m.additive;
    }
    return m;
}

} // namespace

Q_DECLARE_METATYPE(Case)

class TestScaledDotProduct : public QObject {
    Q_OBJECT

private slots:
    void matchesReference_data();
    void matchesReference();
    void rowsSumToOneAndCausalZeros();
    void threadCountDoesNotChangeBits();
    void permutingKeysPermutesWeights();
    void fullyMaskedRowIsZeroNotNaN();
    void scaleAndTemperature();
    void rejectsNonFiniteInputs_data();
    void rejectsNonFiniteInputs();
    void rejectsBadShapesAndParameters();
    void refusesAboveMemoryBudget();
    void withoutOutputSameWeights();
    void cancelBeforeStart();
    void cancelWhileRunning();
};

void TestScaledDotProduct::matchesReference_data() {
    QTest::addColumn<Case>("shape");
    struct Row {
        const char* name;
        Case c;
    };
    const Row rows[] = {
        {"seq1_head1_dim1", {1, 1, 1, 1, 1, 1, NoMask}},
        {"seq1_causal", {1, 2, 1, 1, 4, 4, Causal}},
        {"headdim1_heads3", {1, 3, 5, 5, 1, 1, NoMask}},
        {"cross_T_gt_S", {1, 2, 3, 11, 4, 6, NoMask}},
        {"cross_T_lt_S", {2, 2, 9, 4, 8, 8, NoMask}},
        {"odd_sizes_batch2", {2, 3, 7, 13, 5, 3, NoMask}},
        {"causal_square", {2, 2, 17, 17, 8, 8, Causal}},
        {"causal_T_gt_S", {1, 2, 6, 10, 4, 4, Causal}},
        {"causal_T_lt_S", {1, 2, 10, 6, 4, 4, Causal}},
        {"key_padding", {3, 2, 6, 9, 4, 4, KeyPadding}},
        {"hidden_2d", {2, 2, 6, 9, 4, 4, Hidden2d}},
        {"hidden_per_head", {2, 3, 6, 9, 4, 4, HiddenPerHead}},
        {"additive_2d", {2, 2, 6, 9, 4, 4, Additive2d}},
        {"additive_per_head", {2, 3, 6, 9, 4, 4, AdditivePerHead}},
        {"causal_padding_additive", {2, 2, 12, 12, 4, 4, Causal | KeyPadding | Additive2d}},
        {"every_mask", {2, 2, 8, 8, 4, 4, Causal | KeyPadding | Hidden2d | AdditivePerHead}},
        // More than one query block (blocks are at most 128 rows), with and without the causal
        // skip.
        {"blocks_heads4_seq200", {1, 4, 200, 150, 16, 16, NoMask}},
        {"blocks_causal_seq300", {1, 2, 300, 300, 16, 8, Causal}},
        {"blocks_padding_seq260", {2, 1, 260, 70, 8, 8, KeyPadding}},
        // Keys longer than the GEMM's depth block (p·v sums 900 keys in blocks), head sizes
        // spanning several register panels with ragged last panels, shorter query blocks.
        {"long_keys_causal_padding", {1, 2, 150, 900, 40, 70, Causal | KeyPadding}},
        {"long_keys_additive", {1, 1, 20, 1000, 33, 65, Additive2d}},
    };
    for (const Row& row : rows)
        QTest::newRow(row.name) << row.c;
}

void TestScaledDotProduct::matchesReference() {
    QFETCH(Case, shape);
    const Case& c = shape;
    const Tensor q = testing::randomTensor({c.B, c.H, c.S, c.Dh}, 11);
    const Tensor k = testing::randomTensor({c.B, c.H, c.T, c.Dh}, 12);
    const Tensor v = testing::randomTensor({c.B, c.H, c.T, c.Dv}, 13);
    CaseMasks masks = makeMasks(c, 100);

    const AttentionResult result = scaledDotProductAttention(q, k, v, masks.view);
    QCOMPARE(result.weights.shape(), (Shape{c.B, c.H, c.S, c.T}));
    QCOMPARE(result.output.shape(), (Shape{c.B, c.H, c.S, c.Dv}));

    const reference::Result expected = reference::attention(
        reference::headsFromTensor(q), reference::headsFromTensor(k), reference::headsFromTensor(v),
        masks.ref, 1.0 / std::sqrt(static_cast<double>(c.Dh)));
    const auto dw = reference::maxAbsDifference(result.weights.values(), expected.weights.values);
    const auto dout = reference::maxAbsDifference(result.output.values(), expected.output.values);
    // float32 against double: the softmax is accurate to a few ulp of 1, the output to a few
    // ulp of its magnitude (inputs are N(0,1)).
    QVERIFY2(
        dw.value <= 2e-6,
        qPrintable(QString("weights differ by %1 at flat index %2").arg(dw.value).arg(dw.index)));
    QVERIFY2(dout.value <= 1e-5,
             qPrintable(
                 QString("output differs by %1 at flat index %2").arg(dout.value).arg(dout.index)));
}

void TestScaledDotProduct::rowsSumToOneAndCausalZeros() {
    const std::int64_t B = 2, H = 3, S = 140, Dh = 8;
    const Tensor q = testing::randomTensor({B, H, S, Dh}, 21, 3.0);
    const Tensor k = testing::randomTensor({B, H, S, Dh}, 22, 3.0);
    const Tensor v = testing::randomTensor({B, H, S, Dh}, 23);
    AttentionMasks masks;
    masks.causal = true;
    const AttentionResult r = scaledDotProductAttention(q, k, v, masks);
    for (std::int64_t row = 0; row < B * H * S; ++row) {
        const std::int64_t i = row % S;
        double sum = 0;
        for (std::int64_t j = 0; j < S; ++j) {
            const float w = r.weights[row * S + j];
            QVERIFY(w >= 0.0f);
            if (j > i)
                QCOMPARE(w, 0.0f); // exactly zero, not merely small
            sum += w;
        }
        QVERIFY2(std::abs(sum - 1.0) < 1e-5,
                 qPrintable(QString("row %1 sums to %2").arg(row).arg(sum, 0, 'g', 10)));
    }
}

void TestScaledDotProduct::threadCountDoesNotChangeBits() {
    const std::int64_t B = 2, H = 3, S = 300, T = 290, Dh = 16;
    const Tensor q = testing::randomTensor({B, H, S, Dh}, 31);
    const Tensor k = testing::randomTensor({B, H, T, Dh}, 32);
    const Tensor v = testing::randomTensor({B, H, T, Dh}, 33);
    const MaskTensor padding = testing::randomMask({B, T}, 34, 0.2);
    AttentionMasks masks;
    masks.keyPadding = &padding;
    for (bool needWeights : {true, false}) {
        AttentionParams params;
        params.needWeights = needWeights;
        ComputeOptions one;
        one.threads = 1;
        const AttentionResult base = scaledDotProductAttention(q, k, v, masks, params, one);
        for (int threads : {2, 3, 5}) {
            ComputeOptions many;
            many.threads = threads;
            const AttentionResult other = scaledDotProductAttention(q, k, v, masks, params, many);
            QVERIFY2(other.output == base.output, qPrintable(QString("threads %1").arg(threads)));
            QVERIFY2(other.weights == base.weights, qPrintable(QString("threads %1").arg(threads)));
        }
    }
}

void TestScaledDotProduct::permutingKeysPermutesWeights() {
    const std::int64_t H = 2, S = 5, T = 7, Dh = 4;
    const Tensor q = testing::randomTensor({1, H, S, Dh}, 41);
    const Tensor k = testing::randomTensor({1, H, T, Dh}, 42);
    const Tensor v = testing::randomTensor({1, H, T, Dh}, 43);
    const std::int64_t perm[T] = {3, 0, 6, 1, 5, 2, 4};
    Tensor kp(k.shape()), vp(v.shape());
    for (std::int64_t h = 0; h < H; ++h)
        for (std::int64_t j = 0; j < T; ++j)
            for (std::int64_t d = 0; d < Dh; ++d) {
                kp.at({0, h, j, d}) = k.at({0, h, perm[j], d});
                vp.at({0, h, j, d}) = v.at({0, h, perm[j], d});
            }
    const AttentionResult a = scaledDotProductAttention(q, k, v);
    const AttentionResult b = scaledDotProductAttention(q, kp, vp);
    for (std::int64_t h = 0; h < H; ++h)
        for (std::int64_t i = 0; i < S; ++i) {
            for (std::int64_t j = 0; j < T; ++j)
                QVERIFY(std::abs(b.weights.at({0, h, i, j}) - a.weights.at({0, h, i, perm[j]})) <
                        1e-6);
            for (std::int64_t d = 0; d < Dh; ++d)
                QVERIFY(std::abs(b.output.at({0, h, i, d}) - a.output.at({0, h, i, d})) < 1e-5);
        }
}

void TestScaledDotProduct::fullyMaskedRowIsZeroNotNaN() {
    const std::int64_t S = 3, T = 4;
    const Tensor q = testing::randomTensor({1, 1, S, 2}, 51);
    const Tensor k = testing::randomTensor({1, 1, T, 2}, 52);
    const Tensor v = testing::randomTensor({1, 1, T, 2}, 53);
    MaskTensor padding({1, T}, 1); // every key is padding
    AttentionMasks masks;
    masks.keyPadding = &padding;
    const AttentionResult r = scaledDotProductAttention(q, k, v, masks);
    for (float w : r.weights.values())
        QCOMPARE(w, 0.0f);
    for (float o : r.output.values())
        QCOMPARE(o, 0.0f);

    // Only row 1 fully hidden by an additive -inf mask; the others stay normal.
    Tensor additive({S, T}, 0.0f);
    for (std::int64_t j = 0; j < T; ++j)
        additive.at({1, j}) = -INFINITY;
    AttentionMasks rowMask;
    rowMask.additive = &additive;
    const AttentionResult partial = scaledDotProductAttention(q, k, v, rowMask);
    double row0 = 0;
    for (std::int64_t j = 0; j < T; ++j) {
        QCOMPARE(partial.weights.at({0, 0, 1, j}), 0.0f);
        row0 += partial.weights.at({0, 0, 0, j});
    }
    QVERIFY(std::abs(row0 - 1.0) < 1e-6);
}

void TestScaledDotProduct::scaleAndTemperature() {
    const Tensor q = testing::randomTensor({1, 2, 6, 4}, 61);
    const Tensor k = testing::randomTensor({1, 2, 6, 4}, 62);
    const Tensor v = testing::randomTensor({1, 2, 6, 4}, 63);
    for (auto [scale, temperature] : {std::pair{0.3f, 1.0f}, {1.0f, 2.5f}, {0.5f, 0.25f}}) {
        AttentionParams params;
        params.scale = scale;
        params.temperature = temperature;
        const AttentionResult r = scaledDotProductAttention(q, k, v, {}, params);
        const reference::Result e =
            reference::attention(reference::headsFromTensor(q), reference::headsFromTensor(k),
                                 reference::headsFromTensor(v), {}, double(scale) / temperature);
        QVERIFY(reference::maxAbsDifference(r.weights.values(), e.weights.values).value < 2e-6);
    }
    // Higher temperature flattens: the largest weight of each row shrinks.
    AttentionParams hot;
    hot.temperature = 10.0f;
    const AttentionResult cold = scaledDotProductAttention(q, k, v);
    const AttentionResult warm = scaledDotProductAttention(q, k, v, {}, hot);
    float coldMax = 0, warmMax = 0;
    for (std::int64_t j = 0; j < 6; ++j) {
        coldMax = std::max(coldMax, cold.weights.at({0, 0, 0, j}));
        warmMax = std::max(warmMax, warm.weights.at({0, 0, 0, j}));
    }
    QVERIFY(warmMax < coldMax);
}

void TestScaledDotProduct::rejectsNonFiniteInputs_data() {
    QTest::addColumn<QString>("tensor");
    QTest::addColumn<float>("bad");
    QTest::newRow("nan_in_query") << "query" << NAN;
    QTest::newRow("inf_in_key") << "key" << INFINITY;
    QTest::newRow("neg_inf_in_value") << "value" << -INFINITY;
}

void TestScaledDotProduct::rejectsNonFiniteInputs() {
    QFETCH(QString, tensor);
    QFETCH(float, bad);
    Tensor q = testing::randomTensor({1, 2, 3, 4}, 71);
    Tensor k = testing::randomTensor({1, 2, 3, 4}, 72);
    Tensor v = testing::randomTensor({1, 2, 3, 4}, 73);
    Tensor& target = tensor == "query" ? q : tensor == "key" ? k : v;
    target.at({0, 1, 2, 3}) = bad;
    try {
        (void)scaledDotProductAttention(q, k, v);
        QFAIL("expected an Error");
    } catch (const Error& e) {
        const QString message = e.what();
        QVERIFY2(message.startsWith(tensor), qPrintable(message));
        QVERIFY2(message.contains("[0, 1, 2, 3]"), qPrintable(message));
    }
}

void TestScaledDotProduct::rejectsBadShapesAndParameters() {
    const Tensor q = testing::randomTensor({1, 2, 3, 4}, 81);
    const Tensor k = testing::randomTensor({1, 2, 5, 4}, 82);
    const Tensor v = testing::randomTensor({1, 2, 5, 6}, 83);
    auto expectError = [&](auto call, const char* needle) {
        try {
            call();
            QFAIL(qPrintable(QString("expected an Error containing '%1'").arg(needle)));
        } catch (const Error& e) {
            QVERIFY2(QString(e.what()).contains(needle), e.what());
        }
    };
    expectError([&] { (void)scaledDotProductAttention(q.reshaped({2, 3, 4}), k, v); }, "query");
    expectError(
        [&] {
            (void)scaledDotProductAttention(q, testing::randomTensor({1, 2, 5, 3}, 1), v);
        },
        "key must have shape [1, 2, 5, 4]");
    expectError(
        [&] {
            (void)scaledDotProductAttention(q, k, testing::randomTensor({1, 2, 4, 6}, 1));
        },
        "value must have shape");
    MaskTensor padding({1, 4});
    AttentionMasks badPadding;
    badPadding.keyPadding = &padding;
    expectError([&] { (void)scaledDotProductAttention(q, k, v, badPadding); },
                "key padding mask must have shape [1, 5]");
    Tensor additive({3, 4});
    AttentionMasks badAdditive;
    badAdditive.additive = &additive;
    expectError([&] { (void)scaledDotProductAttention(q, k, v, badAdditive); },
                "additive attention mask must have shape [3, 5] or [1, 2, 3, 5]");
    Tensor nanMask({3, 5}, 0.0f);
    nanMask.at({2, 4}) = NAN;
    AttentionMasks nanAdditive;
    nanAdditive.additive = &nanMask;
    expectError([&] { (void)scaledDotProductAttention(q, k, v, nanAdditive); },
                "additive attention mask has a non-finite value (nan) at index [2, 4]");
    AttentionParams zeroTemperature;
    zeroTemperature.temperature = 0.0f;
    expectError([&] { (void)scaledDotProductAttention(q, k, v, {}, zeroTemperature); },
                "temperature");
    ComputeOptions negativeThreads;
    negativeThreads.threads = -1;
    expectError([&] { (void)scaledDotProductAttention(q, k, v, {}, {}, negativeThreads); },
                "threads");
}

void TestScaledDotProduct::refusesAboveMemoryBudget() {
    const Tensor q = testing::randomTensor({1, 2, 64, 8}, 91);
    ComputeOptions tight;
    tight.memoryBudgetBytes = 1024;
    try {
        (void)scaledDotProductAttention(q, q, q, {}, {}, tight);
        QFAIL("expected the memory budget to refuse");
    } catch (const Error& e) {
        const QString message = e.what();
        QVERIFY2(message.contains("needs") && message.contains("KiB") &&
                     message.contains("budget of 1.00 KiB"),
                 qPrintable(message));
    }
    // The estimate itself saturates instead of overflowing for absurd sizes.
    QCOMPARE(
        estimateScaledDotProductBytes(1LL << 40, 1LL << 40, 1LL << 40, 1LL << 40, 64, 64, true, 2),
        std::numeric_limits<std::uint64_t>::max());
}

void TestScaledDotProduct::withoutOutputSameWeights() {
    const Tensor q = testing::randomTensor({2, 3, 40, 8}, 97);
    const Tensor k = testing::randomTensor({2, 3, 33, 8}, 98);
    const Tensor v = testing::randomTensor({2, 3, 33, 5}, 99);
    AttentionMasks masks;
    masks.causal = true;
    AttentionParams weightsOnly;
    weightsOnly.needOutput = false;
    const AttentionResult full = scaledDotProductAttention(q, k, v, masks);
    const AttentionResult only = scaledDotProductAttention(q, k, v, masks, weightsOnly);
    QVERIFY(only.output.empty());
    QVERIFY(testing::bitwiseEqual(only.weights, full.weights));
}

void TestScaledDotProduct::cancelBeforeStart() {
    const Tensor q = testing::randomTensor({1, 2, 8, 4}, 95);
    ComputeOptions options;
    options.cancel.cancel();
    QVERIFY_THROWS_EXCEPTION(Cancelled, (void)scaledDotProductAttention(q, q, q, {}, {}, options));
}

void TestScaledDotProduct::cancelWhileRunning() {
    // The engine polls its token before every block of work. Cancelling from inside block 5 -- what
    // another thread's cancel at that moment looks like to the engine -- stops it there, whatever
    // the machine's speed: no sleep decides whether this passes.
    for (const int threads : {1, 2}) {
        CancellationToken token;
        std::atomic<int> ran{0};
        bool cancelled = false;
        try {
            parallelForBlocks(threads, 1000, token, [&](std::int64_t block) {
                ++ran;
                if (block == 5)
                    token.cancel();
            });
        } catch (const Cancelled&) {
            cancelled = true;
        }
        QVERIFY(cancelled);
        if (threads == 1)
            QCOMPARE(ran.load(), 6); // blocks 0 to 5, in order
        else
            QVERIFY2(ran.load() < 1000, qPrintable(QString::number(ran.load())));
    }
    // And a token cancelled before the attention starts stops it before any work.
    const Tensor q = testing::randomTensor({4, 16, 256, 32}, 96);
    ComputeOptions options;
    options.threads = 2;
    options.cancel.cancel();
    QVERIFY_THROWS_EXCEPTION(Cancelled, (void)scaledDotProductAttention(q, q, q, {}, {}, options));
}

QTEST_APPLESS_MAIN(TestScaledDotProduct)
#include "test_scaleddotproduct.moc"
