// TransformerModel against PyTorch re-implementations of transformers' BertModel, RobertaModel,
// DistilBertModel and GPT2Model (tools/make_model_fixtures.py, float64 reference): one data row
// per folder of tests/data/models, each a tiny model in real Hugging Face layout. Every row runs
// with 1 and 2 threads; both must match within tolerance and each other bit for bit. Also: the
// checks run() makes on its input, the memory budget and cancellation.

#include "core/base/error.h"
#include "core/formats/npy.h"
#include "core/formats/safetensors.h"
#include "core/models/transformermodel.h"
#include "testinputs.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>
#include <cmath>
#include <cstring>
#include <limits>
#include <optional>

using namespace attnscope;

namespace {

// The float64 reference against attnscope's float32: torch's own float32 run of the same code
// lands within 2e-6 of it (printed by the fixture script), so 1e-5 leaves room for summation
// order only, not for a wrong formula (a missing LayerNorm eps or the wrong GELU moves values by
// 1e-3 or more).
constexpr double kTolerance = 1e-5;
constexpr int kMinimumFixtures = 12;

QString fixturesRoot() {
    return QFINDTESTDATA("../data/models");
}

struct Reference {
    std::vector<int> ids;
    int maxPositions = 0;
    std::vector<std::string> ignored;
    Tensor attentions;
    Tensor hidden;
};

Reference readReference(const QString& folder) {
    const QDir dir(folder + QStringLiteral("/reference"));
    QFile file(dir.filePath(QStringLiteral("case.json")));
    if (!file.open(QIODevice::ReadOnly))
        throw Error(file.fileName().toStdString() + ": cannot open");
    const QJsonObject meta = QJsonDocument::fromJson(file.readAll()).object();
    Reference ref;
    for (const QJsonValue& id : meta.value(QStringLiteral("input_ids")).toArray())
        ref.ids.push_back(id.toInt(-1));
    ref.maxPositions = meta.value(QStringLiteral("max_positions")).toInt(-1);
    for (const QJsonValue& name : meta.value(QStringLiteral("ignored")).toArray())
        ref.ignored.push_back(name.toString().toStdString());
    ref.attentions =
        npy::readFloat(dir.filePath(QStringLiteral("attentions.npy")).toStdString(), "attentions");
    ref.hidden = npy::readFloat(dir.filePath(QStringLiteral("last_hidden_state.npy")).toStdString(),
                                "last_hidden_state");
    return ref;
}

struct Difference {
    double maxAbs = 0.0;
    std::int64_t worstIndex = 0;
};

/** Largest |actual - expected| over a shape-checked pair; NaN counts as infinitely far. */
Difference maxAbsDifference(const Tensor& actual, const Tensor& expected) {
    Difference result;
    for (std::int64_t i = 0; i < expected.numel(); ++i) {
        const double diff = std::abs(double(actual[i]) - double(expected[i]));
        const double d = std::isnan(diff) ? std::numeric_limits<double>::infinity() : diff;
        if (d > result.maxAbs) {
            result.maxAbs = d;
            result.worstIndex = i;
        }
    }
    return result;
}

/** [L, H, S, S] → [L, H, k, k], and [S, E] → [k, E]: what the first k tokens of a causal model see.
 */
Tensor leadingAttentions(const Tensor& full, std::int64_t k) {
    const std::int64_t L = full.dim(0), H = full.dim(1), S = full.dim(2);
    Tensor out({L, H, k, k});
    for (std::int64_t lh = 0; lh < L * H; ++lh)
        for (std::int64_t i = 0; i < k; ++i)
            for (std::int64_t j = 0; j < k; ++j)
                out[(lh * k + i) * k + j] = full[(lh * S + i) * S + j];
    return out;
}

Tensor leadingRows(const Tensor& full, std::int64_t k) {
    const std::int64_t E = full.dim(1);
    Tensor out({k, E});
    std::copy_n(full.data(), k * E, out.data());
    return out;
}

QString describeError(const std::exception& e) {
    return QString::fromUtf8(e.what());
}

} // namespace

class TestModels : public QObject {
    Q_OBJECT

private slots:
    void matchesPyTorch_data();
    void matchesPyTorch();
    void causalPrefixesMatch_data();
    void causalPrefixesMatch();
    void computedSinusoidalTableMatchesStored();
    void rejectsBadInput_data();
    void rejectsBadInput();
    void acceptsExactlyMaxPositions_data();
    void acceptsExactlyMaxPositions();
    void memoryBudgetIsChecked();
    void cancellationStops();
    void cleanupTestCase();

private:
    void compare(const char* what, const Tensor& actual, const Tensor& expected, double& worst,
                 QString& worstFixture);

    double m_worstAttention = 0.0;
    double m_worstHidden = 0.0;
    QString m_worstAttentionFixture;
    QString m_worstHiddenFixture;
};

void TestModels::compare(const char* what, const Tensor& actual, const Tensor& expected,
                         double& worst, QString& worstFixture) {
    QVERIFY2(actual.shape() == expected.shape(),
             qPrintable(QStringLiteral("%1: shape %2, PyTorch %3")
                            .arg(QLatin1String(what),
                                 QString::fromStdString(shapeToString(actual.shape())),
                                 QString::fromStdString(shapeToString(expected.shape())))));
    const Difference diff = maxAbsDifference(actual, expected);
    if (diff.maxAbs > worst) {
        worst = diff.maxAbs;
        worstFixture = QString::fromLatin1(QTest::currentDataTag());
    }
    QVERIFY2(diff.maxAbs <= kTolerance,
             qPrintable(QStringLiteral("%1: max |diff| %2 > %3 at %4: attnscope %5, PyTorch %6")
                            .arg(QLatin1String(what))
                            .arg(diff.maxAbs, 0, 'g', 3)
                            .arg(kTolerance, 0, 'g', 3)
                            .arg(QString::fromStdString(
                                flatIndexToString(expected.shape(), diff.worstIndex)))
                            .arg(double(actual[diff.worstIndex]), 0, 'g', 9)
                            .arg(double(expected[diff.worstIndex]), 0, 'g', 9)));
}

void TestModels::matchesPyTorch_data() {
    QTest::addColumn<QString>("folder");
    const QString root = fixturesRoot();
    QVERIFY2(!root.isEmpty() && QDir(root).exists(),
             "tests/data/models not found (run /usr/bin/python3 tools/make_model_fixtures.py)");
    const QDir dir(root);
    const QStringList cases = dir.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
    QVERIFY2(cases.size() >= kMinimumFixtures,
             qPrintable(QStringLiteral("only %1 fixtures in %2").arg(cases.size()).arg(root)));
    for (const QString& name : cases)
        QTest::newRow(qPrintable(name)) << dir.filePath(name);
}

void TestModels::matchesPyTorch() {
    QFETCH(QString, folder);
    const Reference ref = readReference(folder);
    QVERIFY(!ref.ids.empty());

    std::optional<TransformerModel> model;
    QString loadError;
    try {
        model = TransformerModel::load(folder.toStdString());
    } catch (const Error& e) {
        loadError = describeError(e);
    }
    QVERIFY2(model.has_value(), qPrintable(loadError));

    QCOMPARE(std::int64_t(model->layers()), ref.attentions.dim(0));
    QCOMPARE(std::int64_t(model->heads()), ref.attentions.dim(1));
    QCOMPARE(std::int64_t(model->hiddenSize()), ref.hidden.dim(1));
    QCOMPARE(model->maxPositions(), ref.maxPositions);
    QCOMPARE(model->unusedTensors(), ref.ignored);

    std::optional<ModelOutput> first;
    for (const int threads : {1, 2}) {
        ComputeOptions options;
        options.threads = threads;
        ModelOutput out = model->run(ref.ids, options);
        compare("attentions", out.attentions, ref.attentions, m_worstAttention,
                m_worstAttentionFixture);
        if (QTest::currentTestFailed())
            return;
        compare("last hidden state", out.hiddenStates, ref.hidden, m_worstHidden,
                m_worstHiddenFixture);
        if (QTest::currentTestFailed())
            return;
        if (!first) {
            first = std::move(out);
            continue;
        }
        QVERIFY2(testing::bitwiseEqual(out.attentions, first->attentions),
                 "attentions differ between 1 and 2 threads");
        QVERIFY2(testing::bitwiseEqual(out.hiddenStates, first->hiddenStates),
                 "hidden states differ between 1 and 2 threads");
    }
}

void TestModels::causalPrefixesMatch_data() {
    QTest::addColumn<QString>("fixture");
    QTest::newRow("gpt2_lm_head") << QStringLiteral("gpt2_lm_head");
    QTest::newRow("gpt2_model") << QStringLiteral("gpt2_model");
}

// A causal model's first k tokens cannot see the rest, so running them alone must give the
// leading block of the full reference: this checks sequence lengths 1..S against one fixture.
void TestModels::causalPrefixesMatch() {
    QFETCH(QString, fixture);
    const QString folder = fixturesRoot() + QLatin1Char('/') + fixture;
    const Reference ref = readReference(folder);
    const TransformerModel model = TransformerModel::load(folder.toStdString());
    for (std::size_t k = 1; k <= ref.ids.size(); ++k) {
        const std::vector<int> prefix(ref.ids.begin(), ref.ids.begin() + std::ptrdiff_t(k));
        const ModelOutput out = model.run(prefix);
        const Tensor expectedAttentions = leadingAttentions(ref.attentions, std::int64_t(k));
        const Tensor expectedHidden = leadingRows(ref.hidden, std::int64_t(k));
        QCOMPARE(out.attentions.shape(), expectedAttentions.shape());
        QCOMPARE(out.hiddenStates.shape(), expectedHidden.shape());
        const double attentionDiff = maxAbsDifference(out.attentions, expectedAttentions).maxAbs;
        const double hiddenDiff = maxAbsDifference(out.hiddenStates, expectedHidden).maxAbs;
        QVERIFY2(attentionDiff <= kTolerance && hiddenDiff <= kTolerance,
                 qPrintable(QStringLiteral("first %1 tokens: attentions %2, hidden %3")
                                .arg(k)
                                .arg(attentionDiff, 0, 'g', 3)
                                .arg(hiddenDiff, 0, 'g', 3)));
    }
}

// DistilBERT with sinusoidal_pos_embds stores the table it computed; a checkpoint without it
// must give the same outputs from attnscope's own table.
void TestModels::computedSinusoidalTableMatchesStored() {
    const QString source = fixturesRoot() + QStringLiteral("/distilbert_sinusoidal_qa");
    const Reference ref = readReference(source);
    QTemporaryDir temp;
    QVERIFY(temp.isValid());
    QVERIFY(QFile::copy(source + QStringLiteral("/config.json"),
                        temp.filePath(QStringLiteral("config.json"))));
    const auto file =
        safetensors::File::open((source + QStringLiteral("/model.safetensors")).toStdString());
    std::vector<std::pair<std::string, Tensor>> tensors;
    bool dropped = false;
    for (const std::string& name : file.names()) {
        if (name == "distilbert.embeddings.position_embeddings.weight")
            dropped = true;
        else
            tensors.emplace_back(name, file.toFloat(name));
    }
    QVERIFY(dropped);
    safetensors::write(temp.filePath(QStringLiteral("model.safetensors")).toStdString(), tensors);

    const TransformerModel model = TransformerModel::load(temp.path().toStdString());
    const ModelOutput out = model.run(ref.ids);
    QVERIFY(maxAbsDifference(out.attentions, ref.attentions).maxAbs <= kTolerance);
    QVERIFY(maxAbsDifference(out.hiddenStates, ref.hidden).maxAbs <= kTolerance);
}

void TestModels::rejectsBadInput_data() {
    QTest::addColumn<QString>("fixture");
    QTest::addColumn<std::vector<int>>("ids");
    QTest::addColumn<QString>("expected");

    QTest::newRow("empty") << QStringLiteral("bert_mlm") << std::vector<int>{}
                           << QStringLiteral("the input is empty");
    QTest::newRow("bert_longer_than_positions")
        << QStringLiteral("bert_mlm") << std::vector<int>(25, 5)
        << QStringLiteral("25 tokens, but the model accepts at most 24");
    QTest::newRow("roberta_longer_than_positions_minus_padding")
        << QStringLiteral("roberta") << std::vector<int>(25, 5)
        << QStringLiteral("accepts at most 24 (its position table minus pad_token_id + 1)");
    QTest::newRow("gpt2_longer_than_positions")
        << QStringLiteral("gpt2_model") << std::vector<int>(25, 5) << QStringLiteral("at most 24");
    QTest::newRow("id_negative") << QStringLiteral("bert_mlm") << std::vector<int>{2, -1, 3}
                                 << QStringLiteral("token id -1 at position 1 is outside the "
                                                   "vocabulary [0, 64)");
    QTest::newRow("id_equal_to_vocab_size")
        << QStringLiteral("gpt2_lm_head") << std::vector<int>{64}
        << QStringLiteral("token id 64 at position 0 is outside the vocabulary [0, 64)");
}

void TestModels::rejectsBadInput() {
    QFETCH(QString, fixture);
    QFETCH(std::vector<int>, ids);
    QFETCH(QString, expected);
    const TransformerModel model =
        TransformerModel::load((fixturesRoot() + QLatin1Char('/') + fixture).toStdString());
    try {
        (void)model.run(ids);
        QFAIL("run() accepted the input");
    } catch (const Error& e) {
        const QString message = describeError(e);
        QVERIFY2(message.contains(expected), qPrintable(message));
        QVERIFY2(!message.contains(QLatin1Char('\n')), qPrintable(message));
    }
}

void TestModels::acceptsExactlyMaxPositions_data() {
    QTest::addColumn<QString>("fixture");
    QTest::newRow("bert") << QStringLiteral("bert_mlm");
    // RoBERTa's last usable position id is the last row of its table.
    QTest::newRow("roberta") << QStringLiteral("roberta");
    QTest::newRow("distilbert") << QStringLiteral("distilbert");
    QTest::newRow("gpt2") << QStringLiteral("gpt2_model");
}

void TestModels::acceptsExactlyMaxPositions() {
    QFETCH(QString, fixture);
    const TransformerModel model =
        TransformerModel::load((fixturesRoot() + QLatin1Char('/') + fixture).toStdString());
    const std::vector<int> ids(std::size_t(model.maxPositions()), 7);
    const ModelOutput out = model.run(ids);
    const std::int64_t S = model.maxPositions();
    QCOMPARE(out.attentions.shape(), (Shape{model.layers(), model.heads(), S, S}));
    QCOMPARE(out.hiddenStates.shape(), (Shape{S, model.hiddenSize()}));
    // Every attention row is a probability distribution.
    for (std::int64_t row = 0; row < out.attentions.numel() / S; ++row) {
        double sum = 0.0;
        for (std::int64_t j = 0; j < S; ++j)
            sum += out.attentions[row * S + j];
        QVERIFY2(std::abs(sum - 1.0) < 1e-5, qPrintable(QString::number(sum)));
    }
}

void TestModels::memoryBudgetIsChecked() {
    const TransformerModel model =
        TransformerModel::load((fixturesRoot() + QStringLiteral("/bert_mlm")).toStdString());
    const std::int64_t S = 20;
    const std::uint64_t needed = model.estimateRunBytes(S, 1);
    // At least the attentions of every layer and head are held.
    QVERIFY(needed >= std::uint64_t(model.layers() * model.heads() * S * S) * sizeof(float));
    ComputeOptions options;
    options.threads = 1;
    options.memoryBudgetBytes = needed - 1;
    try {
        (void)model.run(std::vector<int>(std::size_t(S), 4), options);
        QFAIL("run() ignored the memory budget");
    } catch (const Cancelled&) {
        QFAIL("unexpected Cancelled");
    } catch (const Error& e) {
        QVERIFY2(describeError(e).contains(QStringLiteral("forward pass")), e.what());
    }
    options.memoryBudgetBytes = needed;
    QCOMPARE(model.run(std::vector<int>(std::size_t(S), 4), options).attentions.dim(2), S);
}

void TestModels::cancellationStops() {
    const TransformerModel model =
        TransformerModel::load((fixturesRoot() + QStringLiteral("/gpt2_lm_head")).toStdString());
    ComputeOptions options;
    options.cancel.cancel();
    QVERIFY_THROWS_EXCEPTION(Cancelled, (void)model.run({1, 2, 3}, options));
}

void TestModels::cleanupTestCase() {
    qInfo("worst attention difference %.3g (%s), worst hidden-state difference %.3g (%s)",
          m_worstAttention, qPrintable(m_worstAttentionFixture), m_worstHidden,
          qPrintable(m_worstHiddenFixture));
}

QTEST_GUILESS_MAIN(TestModels)
#include "test_models.moc"
