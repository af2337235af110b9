// The table of model families (core/models/modelfamily.h): every row is complete and found by its
// model_type, the messages list exactly the table, and the committed tiny models of
// tests/data/models load into their family, whose `causal` flag matches the attention the built
// network computes.

#include "core/io/hubcache.h"
#include "core/models/modelfamily.h"
#include "core/models/transformermodel.h"

#include <QTest>
#include <set>
#include <string>

using namespace attnscope;

namespace {

QString fixturesRoot() {
    return QFINDTESTDATA("../data/models");
}

/** Whether any query attends to a later key (above the diagonal) in any layer and head. */
bool attendsForward(const Tensor& attentions) {
    const std::int64_t maps = attentions.dim(0) * attentions.dim(1), S = attentions.dim(2);
    for (std::int64_t m = 0; m < maps; ++m)
        for (std::int64_t i = 0; i < S; ++i)
            for (std::int64_t j = i + 1; j < S; ++j)
                if (attentions[(m * S + i) * S + j] != 0.0f)
                    return true;
    return false;
}

} // namespace

class TestModelFamilies : public QObject {
    Q_OBJECT

private slots:
    void everyRowIsCompleteAndFound();
    void supportedTypesComeFromTheTable();
    void unknownTypesAreNotFound_data();
    void unknownTypesAreNotFound();
    void fixturesLoadIntoTheirFamily_data();
    void fixturesLoadIntoTheirFamily();
};

void TestModelFamilies::everyRowIsCompleteAndFound() {
    QVERIFY(!modelFamilies().empty());
    std::set<std::string_view> types;
    for (const ModelFamily* family : modelFamilies()) {
        QVERIFY(family != nullptr);
        const QByteArray type(family->modelType.data(), qsizetype(family->modelType.size()));
        QVERIFY2(!family->modelType.empty(), type.constData());
        QVERIFY2(types.insert(family->modelType).second, ("duplicate row " + type).constData());
        QVERIFY2(family->readConfig != nullptr, type.constData());
        QVERIFY2(family->weightNaming != nullptr, type.constData());
        QVERIFY2(family->buildNetwork != nullptr, type.constData());
        QCOMPARE(findModelFamily(family->modelType), family);
        // The cache scan offers exactly what the loader runs.
        QVERIFY2(HubCache::isSupportedModelType(std::string(family->modelType)), type.constData());
    }
}

void TestModelFamilies::supportedTypesComeFromTheTable() {
    std::string joined;
    for (const ModelFamily* family : modelFamilies())
        joined += (joined.empty() ? "" : ", ") + std::string(family->modelType);
    QCOMPARE(supportedModelTypes(), joined);
    // The order messages (and the tests that read them) have always listed.
    QCOMPARE(supportedModelTypes(), std::string("bert, roberta, distilbert, gpt2"));
}

void TestModelFamilies::unknownTypesAreNotFound_data() {
    QTest::addColumn<QString>("modelType");
    QTest::newRow("llama") << QStringLiteral("llama");
    QTest::newRow("empty") << QString();
    // model_type is compared as written, as transformers' AutoConfig does.
    QTest::newRow("upper_case") << QStringLiteral("BERT");
    QTest::newRow("prefix") << QStringLiteral("ber");
    QTest::newRow("trailing_space") << QStringLiteral("gpt2 ");
}

void TestModelFamilies::unknownTypesAreNotFound() {
    QFETCH(QString, modelType);
    const std::string type = modelType.toStdString();
    QVERIFY(findModelFamily(type) == nullptr);
    QVERIFY(!HubCache::isSupportedModelType(type));
}

void TestModelFamilies::fixturesLoadIntoTheirFamily_data() {
    QTest::addColumn<QString>("fixture");
    QTest::addColumn<QString>("modelType");
    QTest::addColumn<bool>("causal");
    QTest::newRow("bert_mlm") << QStringLiteral("bert_mlm") << QStringLiteral("bert") << false;
    QTest::newRow("roberta") << QStringLiteral("roberta") << QStringLiteral("roberta") << false;
    QTest::newRow("distilbert") << QStringLiteral("distilbert") << QStringLiteral("distilbert")
                                << false;
    QTest::newRow("gpt2_lm_head") << QStringLiteral("gpt2_lm_head") << QStringLiteral("gpt2")
                                  << true;
}

void TestModelFamilies::fixturesLoadIntoTheirFamily() {
    QFETCH(QString, fixture);
    QFETCH(QString, modelType);
    QFETCH(bool, causal);
    const QString root = fixturesRoot();
    QVERIFY2(!root.isEmpty(), "tests/data/models not found");
    const TransformerModel model =
        TransformerModel::load((root + QLatin1Char('/') + fixture).toStdString());
    const ModelConfig& config = model.config();
    QCOMPARE(config.modelType, modelType.toStdString());
    QVERIFY(config.family != nullptr);
    QCOMPARE(config.family, findModelFamily(config.modelType));
    QCOMPARE(config.family->modelType, std::string_view(config.modelType));
    QCOMPARE(config.family->causal, causal);

    // The flag coref-eval trusts must describe the network the family builds.
    const ModelOutput output = model.run({3, 7, 4, 8, 5, 9, 2, 6});
    QCOMPARE(attendsForward(output.attentions), !causal);
}

QTEST_GUILESS_MAIN(TestModelFamilies)
#include "test_model_families.moc"
