// core/session: the result type and its head matrices, what a model folder offers (examples.json
// and the focus on an example's link), the cache of loaded models and random tensors, and
// computeAttention against the pieces it is made of, for every kind of request.

#include "core/attention/multiheadattention.h"
#include "core/attention/randomtensors.h"
#include "core/base/error.h"
#include "core/io/importedattention.h"
#include "core/models/textmodel.h"
#include "core/session/computeattention.h"
#include "core/session/computecache.h"
#include "core/session/modelexamples.h"
#include "tests/common/errormessages.h"
#include "tests/common/tinybert.h"
#include "tests/core/testinputs.h"

#include <QTemporaryDir>
#include <QtTest>
#include <thread>

using namespace attnscope;

namespace {

// [CLS] a b [SEP]; layer 0 head 0 and head 1, rows chosen so that the renormalised values are
// exact in float.
AttentionSet handSet() {
    AttentionSet set;
    const std::vector<float> values = {
        // head 0
        0.25F, 0.25F, 0.25F, 0.25F, // [CLS]
        0.40F, 0.30F, 0.10F, 0.20F, // a  -> a 0.75, b 0.25
        0.10F, 0.20F, 0.20F, 0.50F, // b  -> a 0.5,  b 0.5
        0.00F, 0.00F, 0.00F, 1.00F, // [SEP]
        // head 1
        1.00F, 0.00F, 0.00F, 0.00F, //
        0.50F, 0.00F, 0.00F, 0.50F, // a: no weight on visible tokens -> stays 0
        0.00F, 0.25F, 0.75F, 0.00F, // b: already over visible tokens only
        0.25F, 0.25F, 0.25F, 0.25F, //
    };
    set.attentions = Tensor({1, 2, 4, 4}, values);
    set.tokens = {"[CLS]", "a", "b", "[SEP]"};
    set.special = {true, false, false, true};
    return set;
}

/** One headMatrix case: a head of handSet(), with or without the special tokens. */
struct HeadCase {
    int head = 0;
    bool hideSpecial = false;
    std::vector<int> tokens;   ///< the tokens kept
    std::vector<float> values; ///< their weights, row-major
};

bool sameBits(const Tensor& a, const Tensor& b) {
    return testing::bitwiseEqual(a, b);
}

} // namespace

Q_DECLARE_METATYPE(HeadCase)

class TestSession : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void setIndexesLayerHeadQueryKey();
    void setValidateNamesThePart();
    void headMatrix_data();
    void headMatrix();
    void examplesParseLinksAndRecommendedHead();
    void malformedExamplesAreReportedNotReplacedSilently_data();
    void malformedExamplesAreReportedNotReplacedSilently();
    void folderWithoutExamplesOffersTheFallback();
    void builtinExamplesParse();
    void exampleFocusUsesTheRecommendedHeadOrTheBest();
    void cacheLoadsAModelOnce();
    void cacheLoadsOnceWhenTwoThreadsAsk();
    void cacheForgetsTheLeastRecentlyUsedByBytes();
    void cacheDoesNotRememberAFailedLoad();
    void cachedRandomInputIsTheDrawnInput();
    void cachedRandomModuleFollowsTheHeads();
    void cachedRandomProjectionsAreTheModulesOwn();
    void randomRequestIsTheEngineOnTheRandomProblem();
    void sentenceRequestIsTheModelOnTheText();
    void importRequestIsTheFile();
    void badRequestsSayWhatIsWrong();

private:
    QTemporaryDir m_dir;
    QString m_model;
};

void TestSession::initTestCase() {
    QVERIFY(m_dir.isValid());
    m_model = m_dir.filePath("bert");
    const QString problem = testing::writeTinyBert(QFINDTESTDATA("../data/models/bert_mlm"),
                                                   m_model, {"the", "cat", "sat", "on", "mat"});
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
}

void TestSession::setIndexesLayerHeadQueryKey() {
    const AttentionSet set = handSet();
    QCOMPARE(set.layers(), 1);
    QCOMPARE(set.heads(), 2);
    QCOMPARE(set.seq(), 4);
    QCOMPARE(set.weight(0, 0, 1, 0), 0.40F);
    QCOMPARE(set.weight(0, 1, 2, 2), 0.75F);
    QVERIFY(set.isSpecial(0));
    QVERIFY(!set.isSpecial(1));
    QVERIFY(!set.isSpecial(9));
    QCOMPARE(set.visibleTokens(false), 4);
    QCOMPARE(set.visibleTokens(true), 2);
    set.validate();
}

void TestSession::setValidateNamesThePart() {
    AttentionSet set = handSet();
    set.tokens.removeLast();
    QVERIFY(testing::errorOf([&] { set.validate(); }).contains("3 token labels for 4 tokens"));
    set = handSet();
    set.special.pop_back();
    QVERIFY(testing::errorOf([&] { set.validate(); }).contains("3 special flags"));
    set = handSet();
    set.offsets = {{0, 1}};
    QVERIFY(testing::errorOf([&] { set.validate(); }).contains("1 offsets for 4 tokens"));
    set = handSet();
    set.attentions = Tensor({1, 2, 4, 3});
    QVERIFY(testing::errorOf([&] { set.validate(); }).contains("[L, H, S, S]"));
}

void TestSession::headMatrix_data() {
    QTest::addColumn<HeadCase>("test");
    QTest::newRow("head0_all_tokens_as_stored")
        << HeadCase{0,
                    false,
                    {0, 1, 2, 3},
                    {0.25F, 0.25F, 0.25F, 0.25F, 0.40F, 0.30F, 0.10F, 0.20F, 0.10F, 0.20F, 0.20F,
                     0.50F, 0.00F, 0.00F, 0.00F, 1.00F}};
    QTest::newRow("head0_special_hidden_rows_renormalised")
        << HeadCase{0, true, {1, 2}, {0.75F, 0.25F, 0.5F, 0.5F}};
    QTest::newRow("head1_row_without_visible_weight_stays_zero")
        << HeadCase{1, true, {1, 2}, {0.0F, 0.0F, 0.25F, 0.75F}};
}

void TestSession::headMatrix() {
    QFETCH(HeadCase, test);
    const HeadMatrix matrix = attnscope::headMatrix(handSet(), 0, test.head, test.hideSpecial);
    QCOMPARE(matrix.tokens, test.tokens);
    QCOMPARE(matrix.size(), int(test.tokens.size()));
    QCOMPARE(matrix.values.size(), test.values.size());
    for (std::size_t i = 0; i < test.values.size(); ++i)
        QVERIFY2(std::abs(matrix.values[i] - test.values[i]) <= 1e-7F,
                 qPrintable(QStringLiteral("cell %1: %2 != %3")
                                .arg(i)
                                .arg(matrix.values[i])
                                .arg(test.values[i])));
    for (const int token : test.tokens)
        QCOMPARE(matrix.tokens[std::size_t(matrix.indexOf(token))], token);
    QCOMPARE(matrix.indexOf(7), -1);
}

void TestSession::examplesParseLinksAndRecommendedHead() {
    const ModelExamples examples = ModelExamples::parse(
        R"({"recommended_head": {"layer": 3, "head": 1},
            "examples": [{"text": "The dog ran because it was late.", "language": "en",
                          "links": [{"pronoun": [20, 22], "antecedent": [0, 7]}]},
                         {"text": "他说他会来。", "language": "zh"}]})",
        QStringLiteral("examples.json"));
    QVERIFY2(examples.problem.isEmpty(), qPrintable(examples.problem));
    QCOMPARE(examples.recommendedLayer, 3);
    QCOMPARE(examples.recommendedHead, 1);
    QCOMPARE(examples.examples.size(), 2);
    const ModelExample& first = examples.examples[0];
    QVERIFY(first.hasLink());
    QCOMPARE(first.pronounStart, 20);
    QCOMPARE(first.pronounEnd, 22);
    QCOMPARE(first.antecedentEnd, 7);
    QCOMPARE(examples.examples[1].language, QStringLiteral("zh"));
    QVERIFY(!examples.examples[1].hasLink());
}

void TestSession::malformedExamplesAreReportedNotReplacedSilently_data() {
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("problem");
    QTest::addColumn<int>("kept");
    QTest::newRow("invalid_json") << QByteArray(R"({"examples": [)") << "invalid JSON at offset"
                                  << 0;
    QTest::newRow("not_an_object") << QByteArray("[1, 2]") << "expected a JSON object" << 0;
    QTest::newRow("examples_not_a_list")
        << QByteArray(R"({"examples": "The dog."})") << "'examples' must be a list" << 0;
    QTest::newRow("empty_list") << QByteArray(R"({"examples": []})") << "'examples' is empty" << 0;
    QTest::newRow("span_past_the_text")
        << QByteArray(R"({"examples": [{"text": "ok one"},
                       {"text": "short", "links": [{"pronoun": [3, 40], "antecedent": [0, 1]}]}]})")
        << "examples[1].links[0].pronoun: [3, 40] is not a span of the text" << 1;
    QTest::newRow("entry_without_text")
        << QByteArray(R"({"examples": [{"language": "en"}, {"text": "kept"}]})")
        << "examples[0].text is missing" << 1;
    QTest::newRow("bad_recommended_head")
        << QByteArray(R"({"recommended_head": {"layer": "3"}, "examples": [{"text": "a"}]})")
        << "recommended_head must be" << 1;
}

void TestSession::malformedExamplesAreReportedNotReplacedSilently() {
    QFETCH(QByteArray, json);
    QFETCH(QString, problem);
    QFETCH(int, kept);
    const ModelExamples examples = ModelExamples::parse(json, QStringLiteral("/m/examples.json"));
    QVERIFY2(examples.problem.startsWith("/m/examples.json: ") &&
                 examples.problem.contains(problem),
             qPrintable(examples.problem));
    if (kept == 0) // nothing usable: the fallback English sentences, and the problem said
        QCOMPARE(examples.examples.size(), ModelExamples::fallback().examples.size());
    else
        QCOMPARE(examples.examples.size(), kept);
}

void TestSession::folderWithoutExamplesOffersTheFallback() {
    const ModelExamples examples = ModelExamples::forFolder(m_model);
    QVERIFY(examples.problem.isEmpty());
    QCOMPARE(examples.examples.size(), ModelExamples::fallback().examples.size());
    QCOMPARE(examples.recommendedLayer, -1);
    // An unreadable file is a problem, not a silent fallback.
    QTemporaryDir dir;
    QFile file(dir.filePath("examples.json"));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("{");
    file.close();
    const ModelExamples broken = ModelExamples::forFolder(dir.path());
    QVERIFY2(broken.problem.contains(dir.filePath("examples.json")), qPrintable(broken.problem));
}

void TestSession::builtinExamplesParse() {
    const QString folder = QFINDTESTDATA("../../resources/models/attnscope-pronouns");
    if (folder.isEmpty())
        QSKIP("the built-in model is not in this checkout");
    const ModelExamples examples = ModelExamples::forFolder(folder);
    QVERIFY2(examples.problem.isEmpty(), qPrintable(examples.problem));
    QVERIFY(examples.examples.size() >= 2);
    QVERIFY(examples.examples.front().hasLink());
    QVERIFY(examples.recommendedLayer >= 0);
}

void TestSession::exampleFocusUsesTheRecommendedHeadOrTheBest() {
    // "it is a dog": [CLS] it is a dog [SEP]; pronoun "it" [0, 2), antecedent "a dog" [6, 11).
    AttentionSet set;
    set.tokens = {"[CLS]", "it", "is", "a", "dog", "[SEP]"};
    set.special = {true, false, false, false, false, true};
    set.offsets = {{0, 0}, {0, 2}, {3, 5}, {6, 7}, {8, 11}, {0, 0}};
    set.attentions = Tensor({2, 2, 6, 6}, 1.0F / 6);
    // layer 1 head 0 puts most on "a dog" from "it", and within it on "dog"
    const auto at = [&](int l, int h, int q, int k) -> float& {
        return set.attentions.data()[((l * 2 + h) * 6 + q) * 6 + k];
    };
    at(1, 0, 1, 3) = 0.3F;
    at(1, 0, 1, 4) = 0.5F;
    at(0, 1, 1, 3) = 0.4F; // layer 0 head 1 prefers "a"
    ModelExample example;
    example.text = QStringLiteral("it is a dog");
    example.pronounStart = 0;
    example.pronounEnd = 2;
    example.antecedentStart = 6;
    example.antecedentEnd = 11;
    const std::optional<ExampleFocus> best = exampleFocus(set, example, -1, -1);
    QVERIFY(best.has_value());
    QCOMPARE(best->layer, 1);
    QCOMPARE(best->head, 0);
    QCOMPARE(best->query, 1);
    QCOMPARE(best->key, 4);
    const std::optional<ExampleFocus> recommended = exampleFocus(set, example, 0, 1);
    QCOMPARE(recommended->layer, 0);
    QCOMPARE(recommended->head, 1);
    QCOMPARE(recommended->key, 3);
    // a recommendation the model does not have falls back to the best head
    QCOMPARE(exampleFocus(set, example, 5, 0)->layer, 1);
    // no link, or spans without tokens: nothing
    ModelExample plain;
    plain.text = example.text;
    QVERIFY(!exampleFocus(set, plain, -1, -1));
    example.antecedentStart = 11;
    example.antecedentEnd = 12;
    QVERIFY(!exampleFocus(set, example, -1, -1));
}

void TestSession::cacheLoadsAModelOnce() {
    ComputeCache cache;
    const auto first = cache.model(m_model);
    const auto second = cache.model(m_model + "/"); // the same folder, written otherwise
    QCOMPARE(first.get(), second.get());
    QCOMPARE(cache.cachedModelFolders().size(), 1);
    QVERIFY(first->residentBytes() > 0);
    QCOMPARE(cache.cachedModelBytes(), first->residentBytes());
}

void TestSession::cacheLoadsOnceWhenTwoThreadsAsk() {
    ComputeCache cache;
    std::shared_ptr<const TextModel> a, b;
    std::thread other([&] { a = cache.model(m_model); });
    b = cache.model(m_model);
    other.join();
    QCOMPARE(a.get(), b.get());
    QCOMPARE(cache.cachedModelFolders().size(), 1);
}

void TestSession::cacheForgetsTheLeastRecentlyUsedByBytes() {
    QTemporaryDir dir;
    QStringList folders;
    for (const char* name : {"a", "b", "c"}) {
        folders << dir.filePath(name);
        QVERIFY(testing::writeTinyBert(QFINDTESTDATA("../data/models/bert_mlm"), folders.back())
                    .isEmpty());
    }
    const std::uint64_t one = TextModel::load(folders[0].toStdString()).residentBytes();
    // room for two models
    ComputeCache cache(2 * one + one / 2);
    const auto a = cache.model(folders[0]);
    cache.model(folders[1]);
    cache.model(folders[0]); // a is the most recently used now
    cache.model(folders[2]); // b goes
    const auto absolute = [](const QString& f) {
        return QFileInfo(f).absoluteFilePath();
    };
    QCOMPARE(cache.cachedModelFolders(), (QStringList{absolute(folders[2]), absolute(folders[0])}));
    QCOMPARE(cache.cachedModelBytes(), 2 * one);
    QCOMPARE(cache.model(folders[0]).get(), a.get()); // still cached: the same object
    // A budget smaller than one model keeps the one just used.
    ComputeCache tiny(1);
    tiny.model(folders[0]);
    tiny.model(folders[1]);
    QCOMPARE(tiny.cachedModelFolders(), QStringList{absolute(folders[1])});
}

void TestSession::cacheDoesNotRememberAFailedLoad() {
    QTemporaryDir dir;
    const QString folder = dir.filePath("later");
    ComputeCache cache;
    QVERIFY(testing::errorOf([&] { cache.model(folder); }).contains("later"));
    QVERIFY(cache.cachedModelFolders().isEmpty());
    QVERIFY(testing::writeTinyBert(QFINDTESTDATA("../data/models/bert_mlm"), folder).isEmpty());
    QVERIFY(cache.model(folder) != nullptr); // tried again, and found now
}

void TestSession::cachedRandomInputIsTheDrawnInput() {
    ComputeCache cache;
    RandomSpec spec;
    spec.embed = 24;
    spec.heads = 3;
    spec.seed = 11;
    // growing (drawn anew), shrinking (the first rows of the cached one), equal, growing again
    for (const std::int64_t seq : {10, 4, 10, 1, 17, 16}) {
        spec.seq = seq;
        QVERIFY2(sameBits(cache.randomInput(spec, 0), makeRandomInput(spec)),
                 qPrintable(QStringLiteral("seq %1").arg(seq)));
    }
    // another seed or distribution is another input
    spec.distribution = Distribution::Uniform;
    QVERIFY(sameBits(cache.randomInput(spec, 0), makeRandomInput(spec)));
    spec.batch = 2;
    QVERIFY(sameBits(cache.randomInput(spec, 0), makeRandomInput(spec)));
    spec.seq = 3;
    QVERIFY(sameBits(cache.randomInput(spec, 0), makeRandomInput(spec)));
}

void TestSession::cachedRandomModuleFollowsTheHeads() {
    ComputeCache cache;
    RandomSpec spec;
    spec.embed = 16;
    spec.heads = 4;
    const auto four = cache.randomModule(spec, 0);
    QCOMPARE(cache.randomModule(spec, 0).get(), four.get());
    spec.heads = 2;
    const auto two = cache.randomModule(spec, 0);
    QCOMPARE(two->numHeads(), 2);
    QVERIFY(sameBits(two->weights().inProjWeight, four->weights().inProjWeight));
    QVERIFY(sameBits(two->weights().inProjWeight, makeRandomWeights(spec).inProjWeight));
    spec.seed = 1;
    QVERIFY(!sameBits(cache.randomModule(spec, 0)->weights().inProjWeight,
                      four->weights().inProjWeight));
}

void TestSession::cachedRandomProjectionsAreTheModulesOwn() {
    ComputeCache cache;
    RandomSpec spec;
    spec.embed = 32;
    spec.heads = 4;
    spec.seed = 3;
    ComputeOptions options;
    options.threads = 2;
    // growing (only new rows projected), shrinking (the first rows), growing past the cache
    for (const std::int64_t seq : {5, 12, 7, 12, 30, 1, 31}) {
        spec.seq = seq;
        const ComputeCache::Projections cached = cache.randomProjections(spec, options);
        const RandomProblem problem = makeRandomProblem(spec);
        const MultiHeadAttention module(problem.weights);
        using P = MultiHeadAttention::Projection;
        QVERIFY2(sameBits(cached.query, module.project(P::Query, problem.input)),
                 qPrintable(QStringLiteral("seq %1").arg(seq)));
        QVERIFY2(sameBits(cached.key, module.project(P::Key, problem.input)),
                 qPrintable(QStringLiteral("seq %1").arg(seq)));
    }
    // another seed is another problem
    spec.seed = 4;
    const RandomProblem other = makeRandomProblem(spec);
    QVERIFY(sameBits(cache.randomProjections(spec, options).query,
                     MultiHeadAttention(other.weights)
                         .project(MultiHeadAttention::Projection::Query, other.input)));
}

void TestSession::randomRequestIsTheEngineOnTheRandomProblem() {
    ComputeCache cache;
    RandomRequest request;
    request.spec.seq = 9;
    request.spec.embed = 32;
    request.spec.heads = 4;
    request.spec.seed = 5;
    request.causal = true;
    request.temperature = 0.5;
    ComputeOptions options;
    options.threads = 2;
    const AttentionOutcome outcome = computeAttention(request, options, cache);
    // the same as building the module by hand on makeRandomProblem, bit for bit
    RandomProblem problem = makeRandomProblem(request.spec);
    const MultiHeadAttention module(std::move(problem.weights));
    MultiHeadMasks masks;
    masks.causal = true;
    AttentionParams params;
    params.temperature = 0.5F;
    const AttentionResult expected = module.forward(problem.input, nullptr, nullptr, masks, params);
    const AttentionSet& set = *outcome.set;
    QVERIFY(sameBits(set.attentions, expected.weights));
    QCOMPARE(set.attentions.shape(), (Shape{1, 4, 9, 9}));
    QCOMPARE(set.kind, SourceKind::Random);
    QCOMPARE(set.source, QStringLiteral("random"));
    QCOMPARE(set.tokens.front(), QStringLiteral("t0"));
    QCOMPARE(set.tokens.back(), QStringLiteral("t8"));
    QCOMPARE(set.text, QStringLiteral("seq 9, embed 32, heads 4, seed 5, normal, causal, "
                                      "temperature 0.5"));
    QCOMPARE(outcome.threads, std::min(2, hardwareThreads()));
    QVERIFY(!outcome.model.has_value());
    // the second time from the cache, the same numbers
    QVERIFY(sameBits(computeAttention(request, options, cache).set->attentions, set.attentions));
    // and after other lengths, from projections cached for a longer input, the same again
    request.spec.seq = 20;
    (void)computeAttention(request, options, cache);
    request.spec.seq = 9;
    QVERIFY(sameBits(computeAttention(request, options, cache).set->attentions, set.attentions));
}

void TestSession::sentenceRequestIsTheModelOnTheText() {
    ComputeCache cache;
    const AttentionOutcome outcome = computeAttention(
        SentenceRequest{m_model, QStringLiteral("the cat sat on the mat")}, {}, cache);
    const TextModel model = TextModel::load(m_model.toStdString());
    const TextAttention expected = model.run("the cat sat on the mat");
    const AttentionSet& set = *outcome.set;
    QVERIFY(sameBits(set.attentions, expected.output.attentions));
    QCOMPARE(set.encoding.ids, expected.encoding.ids);
    QCOMPARE(set.tokens.size(), qsizetype(expected.encoding.size()));
    QCOMPARE(set.tokens.front(), QStringLiteral("[CLS]"));
    QCOMPARE(set.special, expected.encoding.special);
    QCOMPARE(set.offsets, expected.encoding.offsets);
    QCOMPARE(set.kind, SourceKind::Model);
    QCOMPARE(set.source, QStringLiteral("bert"));
    QCOMPARE(set.text, QStringLiteral("the cat sat on the mat"));
    QVERIFY(outcome.model.has_value());
    QCOMPARE(outcome.model->modelType, QStringLiteral("bert"));
    QCOMPARE(outcome.model->layers, model.model().layers());
    QVERIFY(outcome.warnings.isEmpty());
}

void TestSession::importRequestIsTheFile() {
    QTemporaryDir dir;
    ImportedAttention written;
    written.attentions = Tensor({2, 1, 3, 3}, 1.0F / 3);
    written.tokens = {"x", "y", "z"};
    const QString npy = dir.filePath("a.npy"), tokens = dir.filePath("t.json");
    written.writeNpy(npy.toStdString(), tokens.toStdString());
    ComputeCache cache;
    const AttentionOutcome outcome = computeAttention(ImportRequest{npy, tokens}, {}, cache);
    QVERIFY(sameBits(outcome.set->attentions, written.attentions));
    QCOMPARE(outcome.set->tokens, (QStringList{"x", "y", "z"}));
    QCOMPARE(outcome.set->kind, SourceKind::Imported);
    QCOMPARE(outcome.set->source, QStringLiteral("a.npy"));
    QCOMPARE(outcome.threads, 1);
}

void TestSession::badRequestsSayWhatIsWrong() {
    ComputeCache cache;
    const auto error = [&](const AttentionRequest& request) {
        return testing::errorOf([&] { (void)computeAttention(request, {}, cache); });
    };
    QVERIFY(error(SentenceRequest{m_model, QStringLiteral("  ")}).contains("the text is empty"));
    QVERIFY(error(SentenceRequest{m_dir.filePath("none"), QStringLiteral("x")}).contains("none"));
    RandomRequest batch;
    batch.spec.batch = 2;
    QVERIFY(error(batch).contains("batch must be 1"));
    RandomRequest heads;
    heads.spec.heads = 5;
    QVERIFY(error(heads).contains("allowed: 1, 2, 4, 8, 16, 32, 64"));
    QVERIFY(error(ImportRequest{}).contains("no attention file chosen"));
    QVERIFY(error(ImportRequest{m_dir.filePath("x.npy"), {}}).contains("x.npy"));
}

QTEST_APPLESS_MAIN(TestSession)
#include "test_session.moc"
