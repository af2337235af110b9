// MultiHeadAttention against the naive double reference of nn.MultiheadAttention's forward, its
// invariants, and every error it reports.

#include "core/attention/multiheadattention.h"
#include "core/base/error.h"
#include "core/formats/safetensors.h"
#include "reference.h"
#include "testinputs.h"
#include "tests/common/errormessages.h"

#include <QTemporaryDir>
#include <QtTest>
#include <cmath>
#include <cstring>

using namespace attnscope;
using testing::errorOf;

namespace {

/** A module under test; unnamed options are off. */
struct ModuleSpec {
    std::int64_t E = 0, H = 0, kdim = 0, vdim = 0;
    bool bias = false;     ///< in_proj_bias and out_proj.bias
    bool biasKV = false;   ///< add_bias_kv
    bool zeroAttn = false; ///< add_zero_attn
};

MultiHeadAttentionWeights makeWeights(const ModuleSpec& m, std::uint64_t seed) {
    MultiHeadAttentionWeights w;
    w.numHeads = m.H;
    const double std = 1.0 / std::sqrt(static_cast<double>(m.E));
    if (m.kdim == m.E && m.vdim == m.E) {
        w.inProjWeight = testing::randomTensor({3 * m.E, m.E}, seed, std);
    } else {
        w.qProjWeight = testing::randomTensor({m.E, m.E}, seed, std);
        w.kProjWeight = testing::randomTensor({m.E, m.kdim}, seed + 1, std);
        w.vProjWeight = testing::randomTensor({m.E, m.vdim}, seed + 2, std);
    }
    w.outProjWeight = testing::randomTensor({m.E, m.E}, seed + 3, std);
    if (m.bias) {
        w.inProjBias = testing::randomTensor({3 * m.E}, seed + 4, 0.5);
        w.outProjBias = testing::randomTensor({m.E}, seed + 5, 0.5);
    }
    if (m.biasKV) {
        w.biasK = testing::randomTensor({1, 1, m.E}, seed + 6);
        w.biasV = testing::randomTensor({1, 1, m.E}, seed + 7);
    }
    w.addZeroAttention = m.zeroAttn;
    return w;
}

/** One forward pass to check against the reference; unnamed masks are off. */
struct Case {
    ModuleSpec module;
    std::int64_t B = 1, S = 1, T = 1;
    bool self = false;       ///< self-attention (T == S, key = value = query)
    bool causal = false;     ///< is_causal
    bool keyPadding = false; ///< a key_padding_mask
    bool hidden = false;     ///< a boolean attn_mask
    bool additive = false;   ///< a float attn_mask
    bool perHead = false;    ///< the attn_mask is [B*H, S, T] rather than [S, T]
};

} // namespace

Q_DECLARE_METATYPE(Case)

class TestMultiHeadAttention : public QObject {
    Q_OBJECT

private slots:
    void matchesReference_data();
    void matchesReference();
    void threadCountDoesNotChangeBits();
    void selfAttentionIsPermutationEquivariant();
    void fullyMaskedRowGivesOutProjBias();
    void withoutWeightsSameOutput();
    void withoutOutputSameWeights();
    void fromProjectionsSameBits();
    void fromStateDictReadsPyTorchNames();
    void fromStateDictErrors();
    void constructorErrors_data();
    void constructorErrors();
    void forwardErrors();
    void memoryEstimateRefusesBeforeAllocating();
    void overflowIsAnErrorNotNaN();
};

void TestMultiHeadAttention::matchesReference_data() {
    QTest::addColumn<Case>("spec");
    const ModuleSpec plain{.E = 16, .H = 4, .kdim = 16, .vdim = 16, .bias = true};
    const ModuleSpec noBias{.E = 16, .H = 4, .kdim = 16, .vdim = 16};
    const ModuleSpec kvdims{.E = 12, .H = 3, .kdim = 7, .vdim = 5, .bias = true};
    const ModuleSpec biasKV{.E = 16, .H = 2, .kdim = 16, .vdim = 16, .bias = true, .biasKV = true};
    const ModuleSpec zero{.E = 16, .H = 2, .kdim = 16, .vdim = 16, .bias = true, .zeroAttn = true};
    const ModuleSpec both{
        .E = 12, .H = 3, .kdim = 12, .vdim = 12, .bias = true, .biasKV = true, .zeroAttn = true};
    const ModuleSpec oneHead{.E = 8, .H = 1, .kdim = 8, .vdim = 8, .bias = true};
    const ModuleSpec headDim1{.E = 5, .H = 5, .kdim = 5, .vdim = 5, .bias = true};
    const ModuleSpec wide{.E = 64, .H = 8, .kdim = 64, .vdim = 64, .bias = true};
    QTest::newRow("self_seq1") << Case{.module = plain, .B = 1, .S = 1, .T = 1, .self = true};
    QTest::newRow("self_one_head") << Case{.module = oneHead, .B = 2, .S = 5, .T = 5, .self = true};
    QTest::newRow("self_head_dim1")
        << Case{.module = headDim1, .B = 1, .S = 6, .T = 6, .self = true};
    QTest::newRow("self_no_bias") << Case{.module = noBias, .B = 2, .S = 7, .T = 7, .self = true};
    QTest::newRow("cross_T_ne_S") << Case{.module = plain, .B = 2, .S = 5, .T = 9};
    QTest::newRow("cross_kdim_vdim") << Case{.module = kvdims, .B = 2, .S = 4, .T = 6};
    QTest::newRow("bias_kv") << Case{
        .module = biasKV, .B = 2, .S = 5, .T = 5, .self = true, .keyPadding = true};
    QTest::newRow("zero_attn") << Case{.module = zero, .B = 2, .S = 5, .T = 7, .causal = true};
    QTest::newRow("bias_kv_and_zero_attn_masks") << Case{.module = both,
                                                         .B = 2,
                                                         .S = 6,
                                                         .T = 6,
                                                         .self = true,
                                                         .causal = true,
                                                         .keyPadding = true,
                                                         .additive = true};
    QTest::newRow("causal") << Case{
        .module = plain, .B = 2, .S = 9, .T = 9, .self = true, .causal = true};
    QTest::newRow("causal_cross_T_gt_S")
        << Case{.module = plain, .B = 1, .S = 4, .T = 8, .causal = true};
    QTest::newRow("key_padding") << Case{
        .module = plain, .B = 3, .S = 6, .T = 6, .self = true, .keyPadding = true};
    QTest::newRow("hidden_2d") << Case{.module = plain, .B = 2, .S = 6, .T = 8, .hidden = true};
    QTest::newRow("hidden_BH") << Case{
        .module = plain, .B = 2, .S = 6, .T = 8, .hidden = true, .perHead = true};
    QTest::newRow("additive_2d") << Case{
        .module = plain, .B = 2, .S = 6, .T = 6, .self = true, .additive = true};
    QTest::newRow("additive_BH") << Case{
        .module = plain, .B = 2, .S = 6, .T = 6, .self = true, .additive = true, .perHead = true};
    QTest::newRow("causal_padding_additive") << Case{.module = plain,
                                                     .B = 2,
                                                     .S = 8,
                                                     .T = 8,
                                                     .self = true,
                                                     .causal = true,
                                                     .keyPadding = true,
                                                     .additive = true};
    QTest::newRow("wide_two_blocks")
        << Case{.module = wide, .B = 1, .S = 150, .T = 150, .self = true, .keyPadding = true};
    QTest::newRow("wide_causal_blocks")
        << Case{.module = wide, .B = 2, .S = 140, .T = 140, .self = true, .causal = true};
}

void TestMultiHeadAttention::matchesReference() {
    QFETCH(Case, spec);
    const Case& c = spec;
    const MultiHeadAttention mha(makeWeights(c.module, 7));
    const std::int64_t E = c.module.E, H = c.module.H;
    const Tensor query = testing::randomTensor({c.B, c.S, E}, 1);
    const Tensor key = c.self ? query : testing::randomTensor({c.B, c.T, c.module.kdim}, 2);
    const Tensor value = c.self ? query : testing::randomTensor({c.B, c.T, c.module.vdim}, 3);

    MaskTensor padding, hidden;
    Tensor additive;
    MultiHeadMasks masks;
    reference::Masks ref;
    masks.causal = ref.causal = c.causal;
    const Shape maskShape = c.perHead ? Shape{c.B * H, c.S, c.T} : Shape{c.S, c.T};
    if (c.keyPadding) {
        padding = testing::randomMask({c.B, c.T}, 4, 0.3);
        masks.keyPadding = ref.keyPadding = &padding;
    }
    if (c.hidden) {
        hidden = testing::randomMask(maskShape, 5, 0.3);
        masks.hidden = ref.hidden = &hidden;
    }
    if (c.additive) {
        additive = testing::randomTensor(maskShape, 6, 1.5);
        additive[0] = -INFINITY;
        masks.additive = ref.additive = &additive;
    }

    const AttentionResult r = c.self ? mha.forward(query, nullptr, nullptr, masks)
                                     : mha.forward(query, &key, &value, masks);
    const std::int64_t keys = c.T + (c.module.biasKV ? 1 : 0) + (c.module.zeroAttn ? 1 : 0);
    QCOMPARE(r.weights.shape(), (Shape{c.B, H, c.S, keys}));
    QCOMPARE(r.output.shape(), (Shape{c.B, c.S, E}));

    std::vector<double> expectedOutput;
    const reference::Result e =
        reference::multiHeadAttention(mha.weights(), query, key, value, ref, &expectedOutput);
    const auto dw = reference::maxAbsDifference(r.weights.values(), e.weights.values);
    const auto dout = reference::maxAbsDifference(r.output.values(), expectedOutput);
    QVERIFY2(dw.value <= 2e-6,
             qPrintable(QString("weights differ by %1 at %2").arg(dw.value).arg(dw.index)));
    QVERIFY2(dout.value <= 1e-5,
             qPrintable(QString("output differs by %1 at %2").arg(dout.value).arg(dout.index)));
}

void TestMultiHeadAttention::threadCountDoesNotChangeBits() {
    // Large enough for many projection tiles and query blocks.
    const MultiHeadAttention mha(
        makeWeights({.E = 96, .H = 6, .kdim = 96, .vdim = 96, .bias = true}, 9));
    const Tensor x = testing::randomTensor({2, 300, 96}, 10);
    MultiHeadMasks masks;
    masks.causal = true;
    ComputeOptions one;
    one.threads = 1;
    const AttentionResult base = mha.forward(x, nullptr, nullptr, masks, {}, one);
    for (int threads : {2, 4, 7}) {
        ComputeOptions many;
        many.threads = threads;
        const AttentionResult r = mha.forward(x, nullptr, nullptr, masks, {}, many);
        QVERIFY2(r.output == base.output, qPrintable(QString("threads %1").arg(threads)));
        QVERIFY2(r.weights == base.weights, qPrintable(QString("threads %1").arg(threads)));
    }
}

void TestMultiHeadAttention::selfAttentionIsPermutationEquivariant() {
    // Without positions or masks, self-attention commutes with permuting the sequence.
    const MultiHeadAttention mha(
        makeWeights({.E = 16, .H = 4, .kdim = 16, .vdim = 16, .bias = true}, 11));
    const std::int64_t S = 9;
    const Tensor x = testing::randomTensor({1, S, 16}, 12);
    const std::int64_t perm[S] = {4, 8, 0, 2, 7, 1, 6, 3, 5};
    Tensor xp(x.shape());
    for (std::int64_t s = 0; s < S; ++s)
        for (std::int64_t e = 0; e < 16; ++e)
            xp.at({0, s, e}) = x.at({0, perm[s], e});
    const AttentionResult a = mha.forward(x);
    const AttentionResult b = mha.forward(xp);
    for (std::int64_t s = 0; s < S; ++s)
        for (std::int64_t e = 0; e < 16; ++e)
            QVERIFY(std::abs(b.output.at({0, s, e}) - a.output.at({0, perm[s], e})) < 1e-5);
    for (std::int64_t h = 0; h < 4; ++h)
        for (std::int64_t i = 0; i < S; ++i)
            for (std::int64_t j = 0; j < S; ++j)
                QVERIFY(std::abs(b.weights.at({0, h, i, j}) -
                                 a.weights.at({0, h, perm[i], perm[j]})) < 1e-6);
}

void TestMultiHeadAttention::fullyMaskedRowGivesOutProjBias() {
    const MultiHeadAttentionWeights w =
        makeWeights({.E = 8, .H = 2, .kdim = 8, .vdim = 8, .bias = true}, 13);
    const MultiHeadAttention mha(w);
    const Tensor x = testing::randomTensor({2, 3, 8}, 14);
    MaskTensor padding({2, 3}, 0);
    for (std::int64_t t = 0; t < 3; ++t)
        padding.at({1, t}) = 1; // batch item 1: every key is padding
    MultiHeadMasks masks;
    masks.keyPadding = &padding;
    const AttentionResult r = mha.forward(x, nullptr, nullptr, masks);
    for (std::int64_t s = 0; s < 3; ++s)
        for (std::int64_t e = 0; e < 8; ++e) {
            QVERIFY(std::isfinite(r.output.at({0, s, e})));
            QCOMPARE(r.output.at({1, s, e}), w.outProjBias[e]);
        }
    for (std::int64_t i = 0; i < 2 * 3 * 3; ++i)
        QCOMPARE(r.weights[2 * 3 * 3 + i], 0.0f);
}

void TestMultiHeadAttention::withoutWeightsSameOutput() {
    const MultiHeadAttention mha(
        makeWeights({.E = 32, .H = 4, .kdim = 32, .vdim = 32, .bias = true}, 15));
    const Tensor x = testing::randomTensor({1, 200, 32}, 16);
    AttentionParams noWeights;
    noWeights.needWeights = false;
    const AttentionResult with = mha.forward(x);
    const AttentionResult without = mha.forward(x, nullptr, nullptr, {}, noWeights);
    QVERIFY(without.weights.empty());
    QVERIFY(with.output == without.output);
}

void TestMultiHeadAttention::withoutOutputSameWeights() {
    // The weights of a forward that skips the values, p·v and the out-projection are the same
    // bits, with appended keys (bias_k, zero attention) and masks too; the output stays empty.
    for (const ModuleSpec& spec :
         {ModuleSpec{.E = 32, .H = 4, .kdim = 32, .vdim = 32, .bias = true}, ModuleSpec{.E = 12,
                                                                             .H = 3,
                                                                             .kdim = 7,
                                                                             .vdim = 5,
                                                                             .bias = true,
                                                                             .biasKV = true,
                                                                             .zeroAttn = true}}) {
        const MultiHeadAttention mha(makeWeights(spec, 31));
        const Tensor q = testing::randomTensor({2, 37, spec.E}, 32);
        const Tensor k = testing::randomTensor({2, 29, spec.kdim}, 33);
        const Tensor v = testing::randomTensor({2, 29, spec.vdim}, 34);
        MultiHeadMasks masks;
        masks.causal = true;
        AttentionParams weightsOnly;
        weightsOnly.needOutput = false;
        ComputeOptions options;
        options.threads = 2;
        const AttentionResult full = mha.forward(q, &k, &v, masks, {}, options);
        const AttentionResult only = mha.forward(q, &k, &v, masks, weightsOnly, options);
        QVERIFY(only.output.empty());
        QVERIFY(testing::bitwiseEqual(only.weights, full.weights));
    }
    const MultiHeadAttention mha(makeWeights({.E = 8, .H = 2, .kdim = 8, .vdim = 8}, 35));
    AttentionParams nothing;
    nothing.needWeights = false;
    nothing.needOutput = false;
    QVERIFY(
        errorOf([&] {
            (void)mha.forward(testing::randomTensor({1, 3, 8}, 36), nullptr, nullptr, {}, nothing);
        }).contains("nothing to compute"));
}

void TestMultiHeadAttention::fromProjectionsSameBits() {
    // project() + forwardProjected() is forward() split in two: the same weights and output,
    // with appended keys too, and projections of a row block are the rows of the whole's.
    for (const ModuleSpec& spec :
         {ModuleSpec{.E = 24, .H = 3, .kdim = 24, .vdim = 24, .bias = true}, ModuleSpec{.E = 12,
                                                                             .H = 2,
                                                                             .kdim = 7,
                                                                             .vdim = 5,
                                                                             .bias = true,
                                                                             .biasKV = true,
                                                                             .zeroAttn = true}}) {
        const MultiHeadAttention mha(makeWeights(spec, 41));
        const Tensor q = testing::randomTensor({2, 19, spec.E}, 42);
        const Tensor k = testing::randomTensor({2, 23, spec.kdim}, 43);
        const Tensor v = testing::randomTensor({2, 23, spec.vdim}, 44);
        MultiHeadMasks masks;
        masks.causal = true;
        ComputeOptions options;
        options.threads = 2;
        using P = MultiHeadAttention::Projection;
        const Tensor pq = mha.project(P::Query, q, options);
        const Tensor pk = mha.project(P::Key, k, options);
        const Tensor pv = mha.project(P::Value, v, options);
        const AttentionResult direct = mha.forward(q, &k, &v, masks, {}, options);
        const AttentionResult split = mha.forwardProjected(pq, pk, &pv, masks, {}, options);
        QVERIFY(testing::bitwiseEqual(split.weights, direct.weights));
        QVERIFY(testing::bitwiseEqual(split.output, direct.output));
        AttentionParams weightsOnly;
        weightsOnly.needOutput = false;
        const AttentionResult only = mha.forwardProjected(pq, pk, nullptr, masks, weightsOnly);
        QVERIFY(testing::bitwiseEqual(only.weights, direct.weights));
        QVERIFY(errorOf([&] {
                    (void)mha.forwardProjected(pq, pk, nullptr, masks);
                }).contains("projected value missing"));
        if (spec.kdim != spec.E) // a query is no key of this module
            QVERIFY(errorOf([&] {
                        (void)mha.project(P::Key, q, options);
                    }).contains("key must have shape [B, S, 7]"));
    }
    // Rows are projected independently: the last rows of a longer input project to the last
    // rows of its projection.
    const MultiHeadAttention mha(
        makeWeights({.E = 16, .H = 2, .kdim = 16, .vdim = 16, .bias = true}, 45));
    const Tensor x = testing::randomTensor({1, 40, 16}, 46);
    const Tensor tail =
        Tensor({1, 9, 16}, std::vector<float>(x.data() + 31 * 16, x.data() + 40 * 16));
    const Tensor whole = mha.project(MultiHeadAttention::Projection::Query, x);
    const Tensor part = mha.project(MultiHeadAttention::Projection::Query, tail);
    QVERIFY(std::memcmp(part.data(), whole.data() + 31 * 16, 9 * 16 * sizeof(float)) == 0);
}

void TestMultiHeadAttention::fromStateDictReadsPyTorchNames() {
    QTemporaryDir dir;
    const MultiHeadAttentionWeights w =
        makeWeights({.E = 12, .H = 3, .kdim = 7, .vdim = 5, .bias = true, .biasKV = true}, 17);
    const std::string path = dir.filePath("mha.safetensors").toStdString();
    safetensors::write(path, {{"q_proj_weight", w.qProjWeight},
                              {"k_proj_weight", w.kProjWeight},
                              {"v_proj_weight", w.vProjWeight},
                              {"in_proj_bias", w.inProjBias},
                              {"bias_k", w.biasK},
                              {"bias_v", w.biasV},
                              {"out_proj.weight", w.outProjWeight},
                              {"out_proj.bias", w.outProjBias}});
    const MultiHeadAttention loaded =
        MultiHeadAttention::fromStateDict(safetensors::File::open(path), 3);
    QCOMPARE(loaded.embedDim(), 12);
    QCOMPARE(loaded.keyDim(), 7);
    QCOMPARE(loaded.valueDim(), 5);
    const MultiHeadAttention direct(w);
    const Tensor q = testing::randomTensor({1, 4, 12}, 18);
    const Tensor k = testing::randomTensor({1, 6, 7}, 19);
    const Tensor v = testing::randomTensor({1, 6, 5}, 20);
    QVERIFY(loaded.forward(q, &k, &v).output == direct.forward(q, &k, &v).output);
}

void TestMultiHeadAttention::fromStateDictErrors() {
    QTemporaryDir dir;
    const MultiHeadAttentionWeights w =
        makeWeights({.E = 8, .H = 2, .kdim = 8, .vdim = 8, .bias = true}, 21);
    auto load = [&](const std::vector<std::pair<std::string, Tensor>>& tensors,
                    std::int64_t heads) {
        const std::string path = dir.filePath("sd.safetensors").toStdString();
        safetensors::write(path, tensors);
        return errorOf(
            [&] { (void)MultiHeadAttention::fromStateDict(safetensors::File::open(path), heads); });
    };
    QString e = load({{"in_proj_weight", w.inProjWeight},
                      {"out_proj.weight", w.outProjWeight},
                      {"encoder.layer", w.outProjWeight}},
                     2);
    QVERIFY2(e.contains("sd.safetensors") && e.contains("unexpected tensors") &&
                 e.contains("encoder.layer"),
             qPrintable(e));
    e = load({{"in_proj_weight", w.inProjWeight}}, 2);
    QVERIFY2(e.contains("missing tensor 'out_proj.weight'"), qPrintable(e));
    e = load({{"in_proj_weight", w.inProjWeight}, {"out_proj.weight", w.outProjWeight}}, 3);
    QVERIFY2(e.contains("sd.safetensors") &&
                 e.contains("num_heads 3 does not divide embed_dim 8") &&
                 e.contains("allowed: 1, 2, 4, 8"),
             qPrintable(e));
    e = load({{"in_proj_weight", w.outProjWeight}, {"out_proj.weight", w.outProjWeight}}, 2);
    QVERIFY2(e.contains("in_proj_weight must have shape [24, 8] but has [8, 8]"), qPrintable(e));
}

void TestMultiHeadAttention::constructorErrors_data() {
    QTest::addColumn<int>("which");
    QTest::addColumn<QString>("expected");
    QTest::newRow("zero_heads") << 0 << "num_heads must be positive";
    QTest::newRow("heads_not_dividing") << 1 << "num_heads 3 does not divide embed_dim 8";
    QTest::newRow("packed_and_separate") << 2 << "both in_proj_weight and";
    QTest::newRow("no_in_projection") << 3 << "expected in_proj_weight, or all of";
    QTest::newRow("bias_wrong_shape") << 4 << "in_proj_bias must have shape [24] but has [8]";
    QTest::newRow("out_proj_not_square") << 5 << "out_proj.weight must be a square";
    QTest::newRow("bias_k_without_bias_v") << 6 << "bias_k and bias_v must be given together";
    QTest::newRow("nan_weight") << 7
                                << "in_proj_weight has a non-finite value (nan) at index [3, 5]";
    QTest::newRow("k_proj_wrong_rows")
        << 8 << "k_proj_weight must have shape [8, kdim] but has [4, 6]";
}

void TestMultiHeadAttention::constructorErrors() {
    QFETCH(int, which);
    QFETCH(QString, expected);
    MultiHeadAttentionWeights w =
        makeWeights({.E = 8, .H = 2, .kdim = 8, .vdim = 8, .bias = true}, 23);
    switch (which) {
    case 0:
        w.numHeads = 0;
        break;
    case 1:
        w.numHeads = 3;
        break;
    case 2:
        w.qProjWeight = Tensor({8, 8});
        break;
    case 3:
        w.inProjWeight = Tensor();
        break;
    case 4:
        w.inProjBias = Tensor({8});
        break;
    case 5:
        w.outProjWeight = Tensor({8, 4});
        break;
    case 6:
        w.biasK = Tensor({1, 1, 8});
        break;
    case 7:
        w.inProjWeight.at({3, 5}) = NAN;
        break;
    case 8:
        w.inProjWeight = Tensor();
        w.qProjWeight = Tensor({8, 8});
        w.kProjWeight = Tensor({4, 6});
        w.vProjWeight = Tensor({8, 6});
        break;
    }
    const QString e = errorOf([&] { MultiHeadAttention mha(std::move(w)); });
    QVERIFY2(e.contains(expected), qPrintable(e));
}

void TestMultiHeadAttention::forwardErrors() {
    const MultiHeadAttention mha(
        makeWeights({.E = 8, .H = 2, .kdim = 8, .vdim = 8, .bias = true}, 25));
    const MultiHeadAttention crossOnly(
        makeWeights({.E = 8, .H = 2, .kdim = 5, .vdim = 8, .bias = true}, 26));
    const Tensor x = testing::randomTensor({2, 3, 8}, 27);
    const Tensor k = testing::randomTensor({2, 4, 8}, 28);
    Tensor nanQuery = x;
    nanQuery.at({1, 2, 7}) = NAN;
    const MaskTensor padding({2, 4});
    MultiHeadMasks badPadding;
    badPadding.keyPadding = &padding;
    const Tensor additive({3, 4});
    MultiHeadMasks badAdditive;
    badAdditive.additive = &additive;
    const std::pair<QString, QString> cases[] = {
        {errorOf([&] {
             (void)mha.forward(testing::randomTensor({2, 3, 6}, 1));
         }),
         "query must have shape [B, S, 8] but has [2, 3, 6]"},
        {errorOf([&] { (void)mha.forward(x, &k, nullptr); }),
         "key and value must be given together"},
        {errorOf([&] { (void)mha.forward(x, &k, &x); }),
         "value must have shape [2, 4, 8] but has [2, 3, 8]"},
        {errorOf([&] { (void)crossOnly.forward(x); }), "give key and value explicitly"},
        {errorOf([&] { (void)mha.forward(nanQuery); }),
         "query has a non-finite value (nan) at index [1, 2, 7]"},
        {errorOf([&] { (void)mha.forward(x, nullptr, nullptr, badPadding); }),
         "key padding mask must have shape [2, 3] but has [2, 4]"},
        {errorOf([&] { (void)mha.forward(x, nullptr, nullptr, badAdditive); }),
         "additive attention mask must have shape [3, 3] or [2, 2, 3, 3] or [4, 3, 3]"},
    };
    for (const auto& [message, expected] : cases)
        QVERIFY2(message.contains(expected),
                 qPrintable(QString("'%1' does not contain '%2'").arg(message, expected)));
}

void TestMultiHeadAttention::memoryEstimateRefusesBeforeAllocating() {
    const MultiHeadAttention mha(
        makeWeights({.E = 8, .H = 2, .kdim = 8, .vdim = 8, .bias = true}, 29));
    // A million queries × a million keys would need terabytes for the weights alone; the refusal
    // must come from the estimate (the inputs here are tiny, so nothing is allocated first).
    const std::uint64_t bytes = mha.estimateForwardBytes(1, 1'000'000, 1'000'000, true, 2);
    QVERIFY(bytes > (std::uint64_t{1} << 42));
    const Tensor x = testing::randomTensor({1, 600, 8}, 30);
    ComputeOptions options;
    options.threads = 2; // the scratch estimate scales with the workers
    // 2 MiB: 2 heads × 600² weights alone are 2.7 MiB; without them the inputs, projections,
    // packed keys/values and two workers' scratch come to about 1.3 MiB.
    options.memoryBudgetBytes = 2 << 20;
    const QString e = errorOf([&] { (void)mha.forward(x, nullptr, nullptr, {}, {}, options); });
    QVERIFY2(e.contains("multi-head attention") && e.contains("MiB") &&
                 e.contains("above the budget of 2.00 MiB"),
             qPrintable(e));
    AttentionParams noWeights;
    noWeights.needWeights = false;
    QCOMPARE(errorOf([&] { (void)mha.forward(x, nullptr, nullptr, {}, noWeights, options); }),
             testing::kNoError);
}

void TestMultiHeadAttention::overflowIsAnErrorNotNaN() {
    // Finite inputs whose products overflow float32 must not come back as NaN weights.
    const MultiHeadAttention mha(
        makeWeights({.E = 8, .H = 2, .kdim = 8, .vdim = 8, .bias = true}, 31));
    const Tensor huge({1, 3, 8}, 3e38f);
    QString e = errorOf([&] { (void)mha.forward(huge); });
    QVERIFY2(e.contains("overflow"), qPrintable(e));
    const Tensor x = testing::randomTensor({1, 3, 8}, 32);
    AttentionParams tiny;
    tiny.scale = 1000.0f; // scale / temperature = 1e41: beyond float32
    tiny.temperature = 1e-38f;
    e = errorOf([&] { (void)mha.forward(x, nullptr, nullptr, {}, tiny); });
    QVERIFY2(e.contains("overflow"), qPrintable(e));
}

QTEST_APPLESS_MAIN(TestMultiHeadAttention)
#include "test_multiheadattention.moc"
