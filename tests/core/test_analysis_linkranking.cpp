// Tests of the link finder's head ranking against a naive reference over sweeps of shapes, with
// ties, NaN, key sets and every error.
#include "core/analysis/linkranking.h"
#include "core/base/error.h"
#include "tests/common/errormessages.h"

#include <QTest>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

using namespace attnscope;
using testing::errorOf;

namespace {

/**
 * Deterministic attentions [L, H, S, S]. With `levels` > 0 every value is one of `levels`
 * multiples of 1/levels, so that many heads tie.
 */
Tensor makeAttentions(std::int64_t layers, std::int64_t heads, std::int64_t tokens,
                      std::uint32_t seed, int levels = 0) {
    std::mt19937 engine(seed);
    Tensor attentions({layers, heads, tokens, tokens});
    for (std::int64_t i = 0; i < attentions.numel(); ++i) {
        const std::uint32_t bits = engine();
        attentions[i] = levels > 0 ? static_cast<float>(bits % static_cast<std::uint32_t>(levels)) /
                                         static_cast<float>(levels)
                                   : static_cast<float>(bits >> 8) / 16777216.0f;
    }
    return attentions;
}

/**
 * The reference: gather in (layer, head) order, then a stable sort on the weight alone keeps that
 * order among equal weights, which is the documented tie rule.
 */
std::vector<HeadWeight> referenceRanking(const Tensor& attentions, std::int64_t query,
                                         const std::vector<std::int64_t>& keys) {
    const std::int64_t layers = attentions.dim(0);
    const std::int64_t heads = attentions.dim(1);
    std::vector<HeadWeight> result;
    for (std::int64_t l = 0; l < layers; ++l)
        for (std::int64_t h = 0; h < heads; ++h) {
            double sum = 0.0;
            std::vector<std::int64_t> seen;
            for (std::int64_t k : keys) {
                if (std::find(seen.begin(), seen.end(), k) != seen.end())
                    continue;
                seen.push_back(k);
                sum += static_cast<double>(attentions.at({l, h, query, k}));
            }
            result.push_back({l, h, sum});
        }
    std::stable_sort(result.begin(), result.end(),
                     [](const HeadWeight& a, const HeadWeight& b) { return a.weight > b.weight; });
    return result;
}

QString describe(const std::vector<HeadWeight>& ranking) {
    QStringList parts;
    for (const HeadWeight& entry : ranking)
        parts << QStringLiteral("(%1,%2,%3)").arg(entry.layer).arg(entry.head).arg(entry.weight);
    return parts.join(QLatin1Char(' '));
}

} // namespace

class TestAnalysisLinkRanking : public QObject {
    Q_OBJECT

private slots:
    void ranksLikeTheReference_data();
    void ranksLikeTheReference();
    void weightsMatrixIsTheQueryKeyEntry_data();
    void weightsMatrixIsTheQueryKeyEntry();
    void tiesGoToLowerLayerThenHead();
    void nanWeightsComeLast();
    void keySetsSumEachKeyOnce_data();
    void keySetsSumEachKeyOnce();
    void bestHeadFindsThePlantedHead();
    void rejectsBadInput_data();
    void rejectsBadInput();
};

void TestAnalysisLinkRanking::ranksLikeTheReference_data() {
    QTest::addColumn<qint64>("layers");
    QTest::addColumn<qint64>("heads");
    QTest::addColumn<qint64>("tokens");
    QTest::addColumn<int>("levels");

    QTest::newRow("layers1_heads1_seq1") << qint64{1} << qint64{1} << qint64{1} << 0;
    QTest::newRow("layers1_heads4_seq2") << qint64{1} << qint64{4} << qint64{2} << 0;
    QTest::newRow("layers3_heads1_seq5") << qint64{3} << qint64{1} << qint64{5} << 0;
    QTest::newRow("layers12_heads12_seq7") << qint64{12} << qint64{12} << qint64{7} << 0;
    QTest::newRow("layers6_heads12_seq16_four_levels_many_ties")
        << qint64{6} << qint64{12} << qint64{16} << 4;
    QTest::newRow("layers24_heads16_seq3_two_levels") << qint64{24} << qint64{16} << qint64{3} << 2;
}

void TestAnalysisLinkRanking::ranksLikeTheReference() {
    QFETCH(qint64, layers);
    QFETCH(qint64, heads);
    QFETCH(qint64, tokens);
    QFETCH(int, levels);

    const Tensor attentions = makeAttentions(layers, heads, tokens, 7, levels);
    // Every query/key pair of small sequences; corners and the middle of long ones.
    std::vector<std::int64_t> positions;
    for (std::int64_t t = 0; t < tokens; ++t)
        if (tokens <= 5 || t == 0 || t == tokens / 2 || t == tokens - 1)
            positions.push_back(t);
    for (std::int64_t query : positions)
        for (std::int64_t key : positions) {
            const auto ranking = rankHeadsForLink(attentions, query, key);
            const auto expected = referenceRanking(attentions, query, {key});
            QVERIFY2(ranking == expected, qPrintable(QStringLiteral("query %1 key %2: %3 vs %4")
                                                         .arg(query)
                                                         .arg(key)
                                                         .arg(describe(ranking))
                                                         .arg(describe(expected))));
            QCOMPARE(static_cast<qint64>(ranking.size()), layers * heads);
        }
}

void TestAnalysisLinkRanking::weightsMatrixIsTheQueryKeyEntry_data() {
    QTest::addColumn<qint64>("layers");
    QTest::addColumn<qint64>("heads");
    QTest::addColumn<qint64>("tokens");

    QTest::newRow("layers1_heads1_seq1") << qint64{1} << qint64{1} << qint64{1};
    QTest::newRow("layers2_heads3_seq4") << qint64{2} << qint64{3} << qint64{4};
    QTest::newRow("layers12_heads12_seq9") << qint64{12} << qint64{12} << qint64{9};
}

void TestAnalysisLinkRanking::weightsMatrixIsTheQueryKeyEntry() {
    QFETCH(qint64, layers);
    QFETCH(qint64, heads);
    QFETCH(qint64, tokens);

    const Tensor attentions = makeAttentions(layers, heads, tokens, 11);
    const std::int64_t query = tokens - 1;
    const std::int64_t key = tokens / 2;
    const Tensor weights = linkWeights(attentions, query, key);
    QCOMPARE(weights.shape(), (Shape{layers, heads}));
    for (std::int64_t l = 0; l < layers; ++l)
        for (std::int64_t h = 0; h < heads; ++h)
            QCOMPARE(weights.at({l, h}), attentions.at({l, h, query, key}));
}

void TestAnalysisLinkRanking::tiesGoToLowerLayerThenHead() {
    // Weights of query 0 onto key 1 per (layer, head): three heads tie at 0.5.
    Tensor attentions({2, 3, 2, 2});
    const float weights[2][3] = {{0.25f, 0.5f, 0.5f}, {0.5f, 0.75f, 0.0f}};
    for (std::int64_t l = 0; l < 2; ++l)
        for (std::int64_t h = 0; h < 3; ++h)
            attentions.at({l, h, 0, 1}) = weights[l][h];
    const std::vector<HeadWeight> expected = {{1, 1, 0.75}, {0, 1, 0.5},  {0, 2, 0.5},
                                              {1, 0, 0.5},  {0, 0, 0.25}, {1, 2, 0.0}};
    const auto ranking = rankHeadsForLink(attentions, 0, 1);
    QVERIFY2(ranking == expected, qPrintable(describe(ranking)));
}

void TestAnalysisLinkRanking::nanWeightsComeLast() {
    Tensor attentions({1, 4, 1, 1});
    const float nan = std::numeric_limits<float>::quiet_NaN();
    attentions[0] = nan;
    attentions[1] = 0.25f;
    attentions[2] = nan;
    attentions[3] = 0.5f;
    const auto ranking = rankHeadsForLink(attentions, 0, 0);
    QCOMPARE(ranking.size(), std::size_t{4});
    QCOMPARE(ranking[0].head, std::int64_t{3});
    QCOMPARE(ranking[1].head, std::int64_t{1});
    QCOMPARE(ranking[2].head, std::int64_t{0});
    QCOMPARE(ranking[3].head, std::int64_t{2});
    QVERIFY(std::isnan(ranking[2].weight) && std::isnan(ranking[3].weight));
}

void TestAnalysisLinkRanking::keySetsSumEachKeyOnce_data() {
    QTest::addColumn<QList<qint64>>("keys");

    QTest::newRow("single_key") << QList<qint64>{3};
    QTest::newRow("two_word_pieces") << QList<qint64>{3, 4};
    QTest::newRow("unsorted_three") << QList<qint64>{5, 0, 2};
    QTest::newRow("duplicates_count_once") << QList<qint64>{2, 2, 4, 2};
    QTest::newRow("every_key") << QList<qint64>{0, 1, 2, 3, 4, 5};
}

void TestAnalysisLinkRanking::keySetsSumEachKeyOnce() {
    QFETCH(QList<qint64>, keys);
    const std::vector<std::int64_t> keyList(keys.begin(), keys.end());

    const Tensor attentions = makeAttentions(4, 5, 6, 3);
    for (std::int64_t query = 0; query < 6; ++query) {
        const auto ranking = rankHeadsForKeys(attentions, query, keyList);
        const auto expected = referenceRanking(attentions, query, keyList);
        QCOMPARE(ranking.size(), expected.size());
        for (std::size_t i = 0; i < ranking.size(); ++i) {
            QCOMPARE(ranking[i].layer, expected[i].layer);
            QCOMPARE(ranking[i].head, expected[i].head);
            // Summation order may differ from the reference's; double sums of a few floats
            // agree far below this.
            QVERIFY(std::abs(ranking[i].weight - expected[i].weight) < 1e-12);
        }
        const HeadWeight best = bestHeadForKeys(attentions, query, keyList);
        QCOMPARE(best.layer, expected.front().layer);
        QCOMPARE(best.head, expected.front().head);
    }
}

void TestAnalysisLinkRanking::bestHeadFindsThePlantedHead() {
    // Uniform attention everywhere except layer 2, head 1, where token 4 attends to the two
    // pieces of a word at 1 and 2 with 0.4 each: more in total than any single uniform key.
    const std::int64_t tokens = 5;
    Tensor attentions({3, 2, tokens, tokens}, 1.0f / tokens);
    for (std::int64_t k = 0; k < tokens; ++k)
        attentions.at({2, 1, 4, k}) = (k == 1 || k == 2) ? 0.4f : 0.2f / 3.0f;
    const std::int64_t word[] = {1, 2};
    const HeadWeight best = bestHeadForKeys(attentions, 4, word);
    QCOMPARE(best.layer, std::int64_t{2});
    QCOMPARE(best.head, std::int64_t{1});
    QCOMPARE(best.weight, static_cast<double>(0.4f) + static_cast<double>(0.4f));
    // Another query row sees no planted head: the tie among uniform heads goes to (0, 0).
    const HeadWeight other = bestHeadForKeys(attentions, 3, word);
    QCOMPARE(other.layer, std::int64_t{0});
    QCOMPARE(other.head, std::int64_t{0});
}

void TestAnalysisLinkRanking::rejectsBadInput_data() {
    QTest::addColumn<int>("kind");
    QTest::addColumn<QStringList>("fragments");

    QTest::newRow("rank3_without_layers") << 0 << QStringList{"[layers, heads", "[2, 3, 3]"};
    QTest::newRow("not_square") << 1 << QStringList{"[1, 2, 3, 4]"};
    QTest::newRow("zero_heads") << 2 << QStringList{"at least one layer and head", "[1, 0, 3, 3]"};
    QTest::newRow("query_past_end") << 3 << QStringList{"query token 3", "3 tokens"};
    QTest::newRow("negative_key") << 4 << QStringList{"key token -1", "3 tokens"};
    QTest::newRow("empty_key_set") << 5 << QStringList{"set of key tokens is empty"};
    QTest::newRow("key_set_with_bad_member") << 6 << QStringList{"key token 7"};
    QTest::newRow("weights_query_out_of_range") << 7 << QStringList{"query token 9"};
}

void TestAnalysisLinkRanking::rejectsBadInput() {
    QFETCH(int, kind);
    QFETCH(QStringList, fragments);

    const Tensor good({1, 2, 3, 3}, 0.5f);
    const std::vector<std::int64_t> none;
    const std::vector<std::int64_t> badSet = {0, 7};
    const QString message = errorOf([&] {
        switch (kind) {
        case 0:
            (void)rankHeadsForLink(Tensor({2, 3, 3}), 0, 0);
            break;
        case 1:
            (void)rankHeadsForLink(Tensor({1, 2, 3, 4}), 0, 0);
            break;
        case 2:
            (void)rankHeadsForLink(Tensor({1, 0, 3, 3}), 0, 0);
            break;
        case 3:
            (void)rankHeadsForLink(good, 3, 0);
            break;
        case 4:
            (void)rankHeadsForLink(good, 0, -1);
            break;
        case 5:
            (void)bestHeadForKeys(good, 0, none);
            break;
        case 6:
            (void)rankHeadsForKeys(good, 0, badSet);
            break;
        case 7:
            (void)linkWeights(good, 9, 0);
            break;
        }
    });
    QVERIFY2(!message.contains(QLatin1Char('\n')), qPrintable(message));
    for (const QString& fragment : fragments)
        QVERIFY2(message.contains(fragment), qPrintable(message));
}

QTEST_APPLESS_MAIN(TestAnalysisLinkRanking)
#include "test_analysis_linkranking.moc"
