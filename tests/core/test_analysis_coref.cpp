// Tests of the coreference measure (Clark et al. 2019) against a naive reference on random
// sentences, a worked example, a real tokenizer's code point offsets, the skip and error paths,
// the JSONL reader and the text table.
#include "core/analysis/corefeval.h"
#include "core/base/error.h"
#include "core/tokenize/tokenizer.h"
#include "tests/common/errormessages.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <set>
#include <string>
#include <vector>

using namespace attnscope;
using testing::errorOf;
using testing::messageProblem;

namespace {

/** An encoding from token spans; `special` tokens get (0, 0) as the post-processor gives them. */
struct TokenSpec {
    int start;
    int end;
    bool special = false;
};

Encoding makeEncoding(const std::vector<TokenSpec>& specs) {
    Encoding encoding;
    for (const TokenSpec& spec : specs) {
        encoding.ids.push_back(static_cast<int>(encoding.ids.size()));
        encoding.tokens.push_back(spec.special ? "[SPECIAL]" : "t");
        encoding.display.push_back(encoding.tokens.back());
        encoding.offsets.emplace_back(spec.special ? 0 : spec.start, spec.special ? 0 : spec.end);
        encoding.special.push_back(spec.special);
    }
    return encoding;
}

/** Softmax rows of random scores: attention as a model gives it. */
Tensor randomAttentions(std::int64_t layers, std::int64_t heads, std::int64_t tokens,
                        std::mt19937& engine) {
    Tensor attentions({layers, heads, tokens, tokens});
    for (std::int64_t row = 0; row < layers * heads * tokens; ++row) {
        double sum = 0.0;
        std::vector<double> values(static_cast<std::size_t>(tokens));
        for (double& value : values) {
            // Few distinct scores, so that ties (first maximum wins) happen often.
            value = std::exp(static_cast<double>(engine() % 6));
            sum += value;
        }
        for (std::int64_t k = 0; k < tokens; ++k)
            attentions[row * tokens + k] =
                static_cast<float>(values[static_cast<std::size_t>(k)] / sum);
    }
    return attentions;
}

/** Accumulated reference counts. */
struct Reference {
    std::vector<std::int64_t> correct;
    std::int64_t links = 0;
    std::int64_t skipped = 0;
    double baselineSum = 0.0;
};

/**
 * The measure written differently from the implementation: a token belongs to a span when one of
 * the span's code points lies inside the token's range, checked code point by code point.
 */
void referenceAdd(Reference& reference, const Encoding& encoding, const Tensor& attentions,
                  const std::vector<CorefLink>& links, bool causal) {
    const std::int64_t layers = attentions.dim(0);
    const std::int64_t heads = attentions.dim(1);
    const auto tokens = static_cast<std::int64_t>(encoding.size());
    if (reference.correct.empty())
        reference.correct.assign(static_cast<std::size_t>(layers * heads), 0);
    const auto covers = [&](std::int64_t t, std::pair<int, int> span) {
        const auto [a, b] = encoding.offsets[static_cast<std::size_t>(t)];
        if (encoding.special[static_cast<std::size_t>(t)])
            return false;
        for (int c = span.first; c < span.second; ++c)
            if (a <= c && c < b)
                return true;
        return false;
    };
    for (const CorefLink& link : links) {
        std::set<std::int64_t> pronoun;
        std::set<std::int64_t> antecedent;
        for (std::int64_t t = 0; t < tokens; ++t) {
            if (covers(t, link.pronoun))
                pronoun.insert(t);
            if (covers(t, link.antecedent))
                antecedent.insert(t);
        }
        if (pronoun.empty()) {
            ++reference.skipped;
            continue;
        }
        const std::int64_t query = *pronoun.begin();
        std::vector<std::int64_t> allowed;
        for (std::int64_t t = 0; t < tokens; ++t)
            if (!encoding.special[static_cast<std::size_t>(t)] && !pronoun.count(t) &&
                (!causal || t < query))
                allowed.push_back(t);
        const auto hits = std::count_if(allowed.begin(), allowed.end(),
                                        [&](std::int64_t t) { return antecedent.count(t) > 0; });
        if (hits == 0) {
            ++reference.skipped;
            continue;
        }
        ++reference.links;
        reference.baselineSum += static_cast<double>(hits) / static_cast<double>(allowed.size());
        for (std::int64_t l = 0; l < layers; ++l)
            for (std::int64_t h = 0; h < heads; ++h) {
                std::int64_t best = -1;
                for (std::int64_t t : allowed)
                    if (best < 0 ||
                        attentions.at({l, h, query, t}) > attentions.at({l, h, query, best}))
                        best = t;
                reference.correct[static_cast<std::size_t>(l * heads + h)] +=
                    antecedent.count(best) ? 1 : 0;
            }
    }
}

QString tokenizerDir() {
    return QFINDTESTDATA("../data/tokenizers/bert-base-uncased");
}

/** Uniform attention except that `query` puts `weight` on each key in `keys`. */
Tensor plantedRow(std::int64_t layers, std::int64_t heads, std::int64_t tokens, std::int64_t query,
                  const std::vector<std::pair<std::int64_t, float>>& keys, std::int64_t layer,
                  std::int64_t head) {
    Tensor attentions({layers, heads, tokens, tokens}, 1.0f / static_cast<float>(tokens));
    for (std::int64_t k = 0; k < tokens; ++k)
        attentions.at({layer, head, query, k}) = 0.01f;
    for (const auto& [key, weight] : keys)
        attentions.at({layer, head, query, key}) = weight;
    return attentions;
}

} // namespace

class TestAnalysisCoref : public QObject {
    Q_OBJECT

private slots:
    void tokensInSpanFollowsTheMeasure();
    void matchesNaiveReference_data();
    void matchesNaiveReference();
    void workedExample();
    void realTokenizerOffsetsAreCodePoints();
    void skipsLinksWithoutTokens_data();
    void skipsLinksWithoutTokens();
    void rejectsBadInputAndKeepsTheReport_data();
    void rejectsBadInputAndKeepsTheReport();
    void parsesJsonl_data();
    void parsesJsonl();
    void rejectsMalformedJsonl_data();
    void rejectsMalformedJsonl();
    void readsJsonlFiles();
    void formatsTheTable();
    void formatsWideTablesAndEmptyReports();
};

void TestAnalysisCoref::matchesNaiveReference_data() {
    QTest::addColumn<qint64>("layers");
    QTest::addColumn<qint64>("heads");
    QTest::addColumn<int>("words");
    QTest::addColumn<bool>("causal");
    QTest::addColumn<int>("sentences");

    QTest::newRow("layers1_heads1_words2") << qint64{1} << qint64{1} << 2 << false << 30;
    QTest::newRow("layers2_heads3_words6") << qint64{2} << qint64{3} << 6 << false << 40;
    QTest::newRow("layers12_heads12_words12") << qint64{12} << qint64{12} << 12 << false << 20;
    QTest::newRow("layers4_heads2_words9_causal") << qint64{4} << qint64{2} << 9 << true << 40;
    QTest::newRow("layers1_heads5_words3_causal") << qint64{1} << qint64{5} << 3 << true << 40;
}

void TestAnalysisCoref::matchesNaiveReference() {
    QFETCH(qint64, layers);
    QFETCH(qint64, heads);
    QFETCH(int, words);
    QFETCH(bool, causal);
    QFETCH(int, sentences);

    std::mt19937 engine(static_cast<std::uint32_t>(layers * 131 + heads * 7 + words));
    CorefEvaluator evaluator(causal);
    Reference reference;
    for (int sentence = 0; sentence < sentences; ++sentence) {
        // Words of 1 to 4 characters separated by one space, each split into 1 to 3 pieces;
        // [CLS] first and [SEP] last; sometimes truncated so that late words have no token.
        std::vector<std::pair<int, int>> wordSpans;
        std::vector<TokenSpec> specs{{0, 0, true}};
        int position = 0;
        for (int w = 0; w < words; ++w) {
            const int length = 1 + static_cast<int>(engine() % 4);
            wordSpans.emplace_back(position, position + length);
            const int pieces = std::min(length, 1 + static_cast<int>(engine() % 3));
            for (int p = 0; p < pieces; ++p)
                specs.push_back(
                    {position + p * length / pieces, position + (p + 1) * length / pieces});
            position += length + 1;
        }
        if (engine() % 4 == 0)
            specs.resize(1 + engine() % (specs.size() - 1));
        specs.push_back({0, 0, true});
        const Encoding encoding = makeEncoding(specs);

        std::vector<CorefLink> links;
        const int linkCount = static_cast<int>(engine() % 4);
        for (int i = 0; i < linkCount; ++i) {
            const auto& pronoun = wordSpans[engine() % wordSpans.size()];
            // Antecedents are one or two words, sometimes the pronoun itself.
            const std::size_t first = engine() % wordSpans.size();
            const std::size_t last = std::min(wordSpans.size() - 1, first + engine() % 2);
            links.push_back({pronoun, {wordSpans[first].first, wordSpans[last].second}});
        }
        const Tensor attentions =
            randomAttentions(layers, heads, static_cast<std::int64_t>(encoding.size()), engine);
        evaluator.add(encoding, attentions, links, "sentence " + std::to_string(sentence));
        referenceAdd(reference, encoding, attentions, links, causal);
    }

    const CorefReport& report = evaluator.report();
    QVERIFY2(reference.links > 0, "the sweep must evaluate some links");
    QCOMPARE(report.links, reference.links);
    QCOMPARE(static_cast<std::int64_t>(report.skipped.size()), reference.skipped);
    QCOMPARE(report.layers, layers);
    QCOMPARE(report.heads, heads);
    QCOMPARE(report.correct, reference.correct);
    const double baseline = reference.baselineSum / static_cast<double>(reference.links);
    QVERIFY2(std::abs(report.baseline - baseline) < 1e-12,
             qPrintable(QStringLiteral("%1 vs %2").arg(report.baseline).arg(baseline)));
    const Tensor table = report.accuracyTable();
    for (std::int64_t l = 0; l < layers; ++l)
        for (std::int64_t h = 0; h < heads; ++h)
            QCOMPARE(
                table.at({l, h}),
                static_cast<float>(static_cast<double>(
                                       reference.correct[static_cast<std::size_t>(l * heads + h)]) /
                                   static_cast<double>(reference.links)));
    const auto best = report.best();
    QVERIFY(best.has_value());
    const auto maximum = std::max_element(reference.correct.begin(), reference.correct.end());
    QCOMPARE(best->layer * heads + best->head, maximum - reference.correct.begin());
}

void TestAnalysisCoref::workedExample() {
    // "The dog barked because it was hungry." with WordPiece-like tokens:
    //  0 [CLS]  1 the [0,3)  2 dog [4,7)  3 bark [8,12)  4 ##ed [12,14)  5 because [15,22)
    //  6 it [23,25)  7 was [26,29)  8 hungry [30,36)  9 . [36,37)  10 [SEP]
    const Encoding encoding = makeEncoding({{0, 0, true},
                                            {0, 3},
                                            {4, 7},
                                            {8, 12},
                                            {12, 14},
                                            {15, 22},
                                            {23, 25},
                                            {26, 29},
                                            {30, 36},
                                            {36, 37},
                                            {0, 0, true}});
    const std::vector<CorefLink> links = {{{23, 25}, {0, 7}}}; // it -> "The dog"
    const std::int64_t it = 6;
    Tensor attentions({2, 2, 11, 11}, 0.05f);
    const auto setRow = [&](std::int64_t l, std::int64_t h,
                            std::vector<std::pair<std::int64_t, float>> weights) {
        for (const auto& [key, weight] : weights)
            attentions.at({l, h, it, key}) = weight;
    };
    setRow(0, 0, {{6, 0.6f}, {8, 0.2f}});  // itself (left out), then "hungry": wrong
    setRow(0, 1, {{2, 0.5f}});             // "dog": right
    setRow(1, 0, {{10, 0.7f}, {1, 0.1f}}); // [SEP] (left out), then "the": right
    setRow(1, 1, {{2, 0.2f}, {8, 0.2f}});  // tie "dog" / "hungry": first wins, right

    CorefEvaluator evaluator;
    evaluator.add(encoding, attentions, links);
    const CorefReport& report = evaluator.report();
    QCOMPARE(report.links, std::int64_t{1});
    QCOMPARE(report.correct, (std::vector<std::int64_t>{0, 1, 1, 1}));
    // Allowed: the 9 word pieces but "it"; "the" and "dog" are the antecedent.
    QCOMPARE(report.baseline, 2.0 / 8.0);
    QVERIFY(report.skipped.empty());
    const auto best = report.best();
    QVERIFY(best.has_value());
    QCOMPARE(best->layer, std::int64_t{0});
    QCOMPARE(best->head, std::int64_t{1});
    QCOMPARE(best->accuracy, 1.0);

    // A second sentence, linking "it" to "hungry" for the sake of the test: the uniform heads
    // pick the first allowed token, "the" (wrong); only (1, 1), planted on "hungry", is right.
    const std::vector<CorefLink> toHungry = {{{23, 25}, {30, 36}}};
    evaluator.add(encoding, plantedRow(2, 2, 11, it, {{8, 0.9f}}, 1, 1), toHungry);
    QCOMPARE(evaluator.report().links, std::int64_t{2});
    QCOMPARE(evaluator.report().correct, (std::vector<std::int64_t>{0, 1, 1, 2}));
    QCOMPARE(evaluator.report().baseline, (2.0 / 8.0 + 1.0 / 8.0) / 2.0);
    QCOMPARE(evaluator.report().best()->layer, std::int64_t{1});
    QCOMPARE(evaluator.report().best()->head, std::int64_t{1});
    QCOMPARE(evaluator.report().accuracy(0, 1), 0.5);
    QCOMPARE(evaluator.report().accuracy(0, 0), 0.0);
}

void TestAnalysisCoref::realTokenizerOffsetsAreCodePoints() {
    const QString dir = tokenizerDir();
    QVERIFY2(!dir.isEmpty(), "tests/data/tokenizers/bert-base-uncased not found");
    const Tokenizer tokenizer = Tokenizer::fromFolder(dir.toStdString(), "bert");
    // "Zoë" and "Chloé" have one code point of two UTF-8 bytes each: byte offsets would put "she"
    // two places later and "Chloé" one.
    const std::string text = "Zoë met Chloé and she smiled.";
    const Encoding encoding = tokenizer.encode(text);
    const std::vector<CorefLink> links = {
        {{18, 21}, {8, 13}}, // she -> Chloé
        {{18, 21}, {0, 3}},  // she -> Zoë
    };
    std::int64_t she = -1;
    std::int64_t chloe = -1;
    for (std::size_t t = 0; t < encoding.size(); ++t) {
        if (encoding.tokens[t] == "she")
            she = static_cast<std::int64_t>(t);
        if (chloe < 0 && encoding.offsets[t].first == 8)
            chloe = static_cast<std::int64_t>(t);
    }
    QVERIFY(she > 0 && chloe > 0);
    // The contract the data format relies on: offsets count code points, as the spans do.
    QCOMPARE(encoding.offsets[static_cast<std::size_t>(she)], (std::pair<int, int>{18, 21}));
    const auto tokens = static_cast<std::int64_t>(encoding.size());
    // Head 1 looks at Chloé; head 0 is uniform and so picks the first allowed token, "zoe".
    const Tensor attentions = plantedRow(1, 2, tokens, she, {{chloe, 0.9f}}, 0, 1);
    const std::vector<std::int64_t> expected[] = {{0, 1}, {1, 0}};
    for (std::size_t i = 0; i < links.size(); ++i) {
        CorefEvaluator evaluator;
        evaluator.add(encoding, attentions, {links[i]});
        QCOMPARE(evaluator.report().links, std::int64_t{1});
        QCOMPARE(evaluator.report().correct, expected[i]);
    }
}

void TestAnalysisCoref::skipsLinksWithoutTokens_data() {
    QTest::addColumn<bool>("causal");
    QTest::addColumn<int>("pronounStart");
    QTest::addColumn<int>("pronounEnd");
    QTest::addColumn<int>("antecedentStart");
    QTest::addColumn<int>("antecedentEnd");
    QTest::addColumn<QStringList>("fragments");

    // Tokens: [CLS] "ab" [0,2) "cd" [3,5) "ef" [6,8) [SEP]; the text went on past 8 (truncated).
    QTest::newRow("pronoun_truncated_away")
        << false << 20 << 23 << 0 << 2 << QStringList{"link 0", "pronoun [20, 23)", "truncated"};
    QTest::newRow("antecedent_truncated_away")
        << false << 3 << 5 << 12 << 15
        << QStringList{"link 0", "antecedent [12, 15)", "covers none of the 5 tokens"};
    QTest::newRow("pronoun_in_the_space_between_tokens")
        << false << 2 << 3 << 0 << 2 << QStringList{"pronoun [2, 3)"};
    QTest::newRow("antecedent_inside_the_pronoun")
        << false << 3 << 8 << 6 << 8 << QStringList{"no token outside the pronoun [3, 8)"};
    QTest::newRow("causal_antecedent_after_the_pronoun")
        << true << 0 << 2 << 6 << 8 << QStringList{"comes after the pronoun"};
}

void TestAnalysisCoref::skipsLinksWithoutTokens() {
    QFETCH(bool, causal);
    QFETCH(int, pronounStart);
    QFETCH(int, pronounEnd);
    QFETCH(int, antecedentStart);
    QFETCH(int, antecedentEnd);
    QFETCH(QStringList, fragments);

    const Encoding encoding = makeEncoding({{0, 0, true}, {0, 2}, {3, 5}, {6, 8}, {0, 0, true}});
    const Tensor attentions({1, 1, 5, 5}, 0.2f);
    CorefEvaluator evaluator(causal);
    const CorefLink good{{6, 8}, {0, 2}};
    evaluator.add(encoding, attentions,
                  {{{pronounStart, pronounEnd}, {antecedentStart, antecedentEnd}}, good},
                  "data.jsonl:4");
    const CorefReport& report = evaluator.report();
    QCOMPARE(report.links, std::int64_t{1});
    QCOMPARE(report.skipped.size(), std::size_t{1});
    QCOMPARE(messageProblem(QString::fromStdString(report.skipped[0]),
                            QStringLiteral("data.jsonl:4: "), fragments),
             QString());
}

void TestAnalysisCoref::rejectsBadInputAndKeepsTheReport_data() {
    QTest::addColumn<int>("kind");
    QTest::addColumn<QStringList>("fragments");

    QTest::newRow("rank3_attentions") << 0 << QStringList{"[layers, heads, 3, 3]", "[2, 3, 3]"};
    QTest::newRow("sequence_not_the_token_count")
        << 1 << QStringList{"for 3 tokens", "[1, 2, 4, 4]"};
    QTest::newRow("heads_differ_from_earlier_sentences")
        << 2 << QStringList{"1 layers and 3 heads", "earlier sentences had 1 and 2"};
    QTest::newRow("nan_in_the_pronoun_row") << 3 << QStringList{"link 0", "is NaN", "head 1"};
    QTest::newRow("special_flags_missing") << 4 << QStringList{"3 offsets but 2 special flags"};
    QTest::newRow("empty_span") << 5 << QStringList{"link 0", "[2, 2)", "start < end"};
    QTest::newRow("zero_layers") << 6 << QStringList{"at least one layer and head"};
}

void TestAnalysisCoref::rejectsBadInputAndKeepsTheReport() {
    QFETCH(int, kind);
    QFETCH(QStringList, fragments);

    // [CLS] "a" [0,1) "b" [2,3)... with 3 tokens: [CLS] a b.
    Encoding encoding = makeEncoding({{0, 0, true}, {0, 1}, {2, 3}});
    const std::vector<CorefLink> links = {{{2, 3}, {0, 1}}};
    CorefEvaluator evaluator;
    evaluator.add(encoding, Tensor({1, 2, 3, 3}, 0.3f), links);
    const CorefReport before = evaluator.report();

    Tensor attentions({1, 2, 3, 3}, 0.3f);
    std::vector<CorefLink> badLinks = links;
    switch (kind) {
    case 0:
        attentions = Tensor({2, 3, 3});
        break;
    case 1:
        attentions = Tensor({1, 2, 4, 4});
        break;
    case 2:
        attentions = Tensor({1, 3, 3, 3});
        break;
    case 3:
        attentions.at({0, 1, 2, 0}) = std::numeric_limits<float>::quiet_NaN();
        break;
    case 4:
        encoding.special.pop_back();
        break;
    case 5:
        badLinks.push_back({{2, 2}, {0, 1}});
        std::swap(badLinks[0], badLinks[1]);
        break;
    case 6:
        attentions = Tensor({0, 2, 3, 3});
        break;
    }
    const QString message = errorOf([&] { evaluator.add(encoding, attentions, badLinks, "s9"); });
    QCOMPARE(messageProblem(message, QStringLiteral("s9: "), fragments), QString());
    QCOMPARE(evaluator.report().links, before.links);
    QCOMPARE(evaluator.report().correct, before.correct);
    QCOMPARE(evaluator.report().baseline, before.baseline);
}

void TestAnalysisCoref::parsesJsonl_data() {
    QTest::addColumn<QByteArray>("jsonl");
    QTest::addColumn<int>("sentences");
    QTest::addColumn<QList<int>>("firstLinkSpans");
    QTest::addColumn<QList<int>>("lines");

    QTest::newRow("one_line_no_newline")
        << QByteArray(R"({"text": "The dog barked because it was hungry.", )"
                      R"("links": [{"pronoun": [23, 25], "antecedent": [0, 7]}]})")
        << 1 << QList<int>{23, 25, 0, 7} << QList<int>{1};
    QTest::newRow("blank_lines_crlf_and_extra_keys")
        << QByteArray("\r\n{\"id\": 7, \"text\": \"ab cd\", \"links\": "
                      "[{\"antecedent\": [0, 2], \"pronoun\": [3, 5], \"note\": 1}]}\r\n"
                      "   \n{\"text\": \"x\", \"links\": []}\n\n")
        << 2 << QList<int>{3, 5, 0, 2} << QList<int>{2, 4};
    QTest::newRow("byte_order_mark")
        << QByteArray("\xEF\xBB\xBF{\"text\": \"ab\", \"links\": [{\"pronoun\": [1, 2], "
                      "\"antecedent\": [0, 1]}]}\n")
        << 1 << QList<int>{1, 2, 0, 1} << QList<int>{1};
    // "😀 é it": the emoji is one code point (two UTF-16 units, four UTF-8 bytes), so the
    // text has 6 code points and [4, 6) is "it".
    QTest::newRow("astral_and_accented_code_points")
        << QByteArray("{\"text\": \"\xF0\x9F\x98\x80 \xC3\xA9 it\", \"links\": "
                      "[{\"pronoun\": [4, 6], \"antecedent\": [0, 1]}]}")
        << 1 << QList<int>{4, 6, 0, 1} << QList<int>{1};
    QTest::newRow("integral_float_spelling")
        << QByteArray(R"({"text": "ab", "links": [{"pronoun": [1.0, 2e0], "antecedent": [0, 1]}]})")
        << 1 << QList<int>{1, 2, 0, 1} << QList<int>{1};
    QTest::newRow("empty_file") << QByteArray() << 0 << QList<int>{} << QList<int>{};
}

void TestAnalysisCoref::parsesJsonl() {
    QFETCH(QByteArray, jsonl);
    QFETCH(int, sentences);
    QFETCH(QList<int>, firstLinkSpans);
    QFETCH(QList<int>, lines);

    const auto parsed = parseCorefJsonl(jsonl.toStdString(), "data.jsonl");
    QCOMPARE(static_cast<int>(parsed.size()), sentences);
    QList<int> parsedLines;
    for (const CorefSentence& sentence : parsed)
        parsedLines << sentence.line;
    QCOMPARE(parsedLines, lines);
    if (!firstLinkSpans.isEmpty()) {
        const CorefLink& link = parsed.front().links.front();
        QCOMPARE((QList<int>{link.pronoun.first, link.pronoun.second, link.antecedent.first,
                             link.antecedent.second}),
                 firstLinkSpans);
    }
}

void TestAnalysisCoref::rejectsMalformedJsonl_data() {
    QTest::addColumn<QByteArray>("jsonl");
    QTest::addColumn<int>("line");
    QTest::addColumn<QStringList>("fragments");

    const QByteArray good = R"({"text": "abc def", "links": []})"
                            "\n";
    const auto link = [&](const char* pronoun, const char* antecedent) {
        return good + "\n" + QByteArray(R"({"text": "abc def", "links": [{"pronoun": )") + pronoun +
               R"(, "antecedent": )" + antecedent + "}]}\n";
    };
    QTest::newRow("not_json") << good + "{\"text\": \"a\",\n"
                              << 2 << QStringList{"not valid JSON", "column"};
    QTest::newRow("array_not_object")
        << QByteArray("[1, 2]") << 1 << QStringList{"expected a JSON object"};
    QTest::newRow("text_missing") << QByteArray(R"({"links": []})") << 1
                                  << QStringList{"\"text\" must be a string", "found nothing"};
    QTest::newRow("text_is_number") << QByteArray(R"({"text": 5, "links": []})") << 1
                                    << QStringList{"\"text\" must be a string", "found 5"};
    QTest::newRow("links_is_object") << QByteArray(R"({"text": "a", "links": {}})") << 1
                                     << QStringList{"\"links\" must be an array", "an object"};
    QTest::newRow("link_is_array") << QByteArray(R"({"text": "a", "links": [[0, 1]]})") << 1
                                   << QStringList{"links[0] must be an object", "found an array"};
    QTest::newRow("pronoun_missing")
        << QByteArray(R"({"text": "ab", "links": [{"antecedent": [0, 1]}]})") << 1
        << QStringList{"links[0].pronoun is missing"};
    QTest::newRow("antecedent_three_numbers")
        << link("[4, 7]", "[0, 1, 2]") << 3 << QStringList{"links[0].antecedent", "array of 3"};
    QTest::newRow("pronoun_is_string")
        << link("\"4-7\"", "[0, 3]") << 3 << QStringList{"links[0].pronoun must be an array"};
    QTest::newRow("fractional_end")
        << link("[4, 6.5]", "[0, 3]") << 3 << QStringList{"links[0].pronoun[1]", "integer", "6.5"};
    QTest::newRow("negative_start")
        << link("[4, 7]", "[-1, 3]") << 3 << QStringList{"links[0].antecedent[0]", "-1"};
    QTest::newRow("string_number") << link("[\"4\", 7]", "[0, 3]") << 3
                                   << QStringList{"links[0].pronoun[0]", "found a string"};
    QTest::newRow("null_number") << link("[4, null]", "[0, 3]") << 3
                                 << QStringList{"links[0].pronoun[1]", "found null"};
    QTest::newRow("start_equals_end") << link("[4, 4]", "[0, 3]") << 3
                                      << QStringList{"links[0].pronoun is [4, 4]", "start < end"};
    QTest::newRow("start_after_end")
        << link("[4, 7]", "[3, 0]") << 3 << QStringList{"links[0].antecedent is [3, 0]"};
    QTest::newRow("end_past_text")
        << link("[4, 8]", "[0, 3]") << 3 << QStringList{"ends at 8", "7 code points"};
    QTest::newRow("huge_number") << link("[4, 1e300]", "[0, 3]") << 3
                                 << QStringList{"links[0].pronoun[1]", "larger than any text"};
    // "😀x": two code points, though four UTF-16 units and five UTF-8 bytes.
    QTest::newRow("end_past_text_counted_in_code_points")
        << QByteArray("{\"text\": \"\xF0\x9F\x98\x80x\", \"links\": "
                      "[{\"pronoun\": [1, 3], \"antecedent\": [0, 1]}]}")
        << 1 << QStringList{"ends at 3", "2 code points"};
    QTest::newRow("second_link_named")
        << QByteArray(R"({"text": "ab", "links": [{"pronoun": [1, 2], "antecedent": [0, 1]}, )"
                      R"({"pronoun": [1, 2], "antecedent": [0, 5]}]})")
        << 1 << QStringList{"links[1].antecedent ends at 5"};
}

void TestAnalysisCoref::rejectsMalformedJsonl() {
    QFETCH(QByteArray, jsonl);
    QFETCH(int, line);
    QFETCH(QStringList, fragments);

    const QString message =
        errorOf([&] { (void)parseCorefJsonl(jsonl.toStdString(), "data.jsonl"); });
    QCOMPARE(messageProblem(message, QStringLiteral("data.jsonl:%1: ").arg(line), fragments),
             QString());
}

void TestAnalysisCoref::readsJsonlFiles() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("coref.jsonl"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("{\"text\": \"it is\", \"links\": [{\"pronoun\": [0, 2], \"antecedent\": [3, 5]}]}\n"
               "{\"text\": \"x\", \"links\": [{\"pronoun\": [0, 1], \"antecedent\": [0, 2]}]}\n");
    file.close();

    const QString message = errorOf([&] { (void)readCorefJsonl(path.toStdString()); });
    QCOMPARE(messageProblem(message, path + QStringLiteral(":2: "), {"ends at 2"}), QString());

    const QString missing = dir.filePath(QStringLiteral("missing.jsonl"));
    QCOMPARE(messageProblem(errorOf([&] { (void)readCorefJsonl(missing.toStdString()); }),
                            missing + QStringLiteral(": "), {"cannot open"}),
             QString());

    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(
        "{\"text\": \"it is\", \"links\": [{\"pronoun\": [0, 2], \"antecedent\": [3, 5]}]}\n");
    file.close();
    const auto sentences = readCorefJsonl(path.toStdString());
    QCOMPARE(sentences.size(), std::size_t{1});
    QCOMPARE(sentences[0].text, std::string("it is"));
    QCOMPARE(sentences[0].links[0].antecedent, (std::pair<int, int>{3, 5}));
}

void TestAnalysisCoref::formatsTheTable() {
    CorefReport report;
    report.layers = 2;
    report.heads = 2;
    report.links = 8;
    report.correct = {1, 4, 6, 2};
    report.baseline = 0.1834;
    report.skipped = {"x", "y"};
    const std::string expected = "Coreference accuracy (Clark et al. 2019): 8 links, 2 skipped\n"
                                 "layer  head 0  head 1\n"
                                 "    0   12.5%   50.0%\n"
                                 "    1   75.0%   25.0%\n"
                                 "best head: layer 1, head 0: 75.0%\n"
                                 "uniform baseline: 18.3%\n";
    QCOMPARE(formatCorefReport(report), expected);
}

void TestAnalysisCoref::formatsWideTablesAndEmptyReports() {
    CorefReport report;
    report.layers = 1;
    report.heads = 12;
    report.links = 1;
    report.correct.assign(12, 0);
    report.correct[11] = 1;
    const std::string text = formatCorefReport(report);
    QVERIFY2(text.find("1 link, 0 skipped") != std::string::npos, text.c_str());
    // "head 11" is 7 wide; "100.0%" right-aligned under it, two spaces between columns.
    QVERIFY2(text.find("  head 10  head 11\n") != std::string::npos, text.c_str());
    QVERIFY2(text.find("   0.0%   100.0%\n") != std::string::npos, text.c_str());
    QVERIFY2(text.find("best head: layer 0, head 11: 100.0%") != std::string::npos, text.c_str());

    const CorefEvaluator empty;
    const std::string none = formatCorefReport(empty.report());
    QCOMPARE(none, std::string("Coreference accuracy (Clark et al. 2019): 0 links, 0 skipped\n"
                               "best head: none (no link was evaluated)\n"
                               "uniform baseline: -\n"));
}

void TestAnalysisCoref::tokensInSpanFollowsTheMeasure() {
    // [CLS] "The" "girl" "r" then a special token typed in the text at [10, 12), "." [SEP]
    const std::vector<std::pair<int, int>> offsets{{0, 0},   {0, 3},   {4, 8}, {9, 10},
                                                   {10, 12}, {12, 13}, {0, 0}};
    const std::vector<bool> special{true, false, false, false, true, false, true};
    using Tokens = std::vector<std::int64_t>;
    QCOMPARE(tokensInSpan(offsets, special, {4, 8}), (Tokens{2}));
    QCOMPARE(tokensInSpan(offsets, special, {5, 6}), (Tokens{2}));           // inside a token
    QCOMPARE(tokensInSpan(offsets, special, {0, 13}), (Tokens{1, 2, 3, 5})); // specials left out
    QCOMPARE(tokensInSpan(offsets, special, {3, 4}), Tokens{});              // the space between
    QCOMPARE(tokensInSpan(offsets, special, {10, 12}), Tokens{});            // only a special token
}

QTEST_APPLESS_MAIN(TestAnalysisCoref)
#include "test_analysis_coref.moc"
