// Tests of attention imported from elsewhere: the files tools/export_attention.py --self-check
// writes, round trips through both formats, the layouts PyTorch users produce, layer ordering by
// number, row-sum warnings and every error.
#include "core/base/error.h"
#include "core/formats/npy.h"
#include "core/formats/safetensors.h"
#include "core/io/importedattention.h"
#include "tests/common/errormessages.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

using namespace attnscope;
using testing::errorOf;
using testing::messageProblem;

namespace {

QString dataDir() {
    return QFINDTESTDATA("../data/import/selfcheck");
}

/** Softmax rows of random scores, [L, H, S, S]. */
Tensor softmaxAttentions(std::int64_t layers, std::int64_t heads, std::int64_t tokens,
                         std::uint32_t seed) {
    std::mt19937 engine(seed);
    Tensor attentions({layers, heads, tokens, tokens});
    for (std::int64_t row = 0; row < layers * heads * tokens; ++row) {
        std::vector<double> values(static_cast<std::size_t>(tokens));
        double sum = 0.0;
        for (double& value : values) {
            value = std::exp(static_cast<double>(engine() % 1000) / 250.0);
            sum += value;
        }
        for (std::int64_t k = 0; k < tokens; ++k)
            attentions[row * tokens + k] =
                static_cast<float>(values[static_cast<std::size_t>(k)] / sum);
    }
    return attentions;
}

std::vector<std::string> tokenNames(std::int64_t count) {
    std::vector<std::string> tokens;
    for (std::int64_t i = 0; i < count; ++i)
        tokens.push_back(i % 3 == 1 ? "Ġcafé" + std::to_string(i) : "tok" + std::to_string(i));
    return tokens;
}

void writeText(const QString& path, const QByteArray& text) {
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    QCOMPARE(file.write(text), text.size());
}

QByteArray tokensJson(const std::vector<std::string>& tokens) {
    QJsonArray array;
    for (const std::string& token : tokens)
        array.append(QString::fromStdString(token));
    return QJsonDocument(array).toJson();
}

/** A float64 .npy, as numpy.save of a float64 array writes it. */
QByteArray float64Npy(const Shape& shape, const std::vector<double>& values) {
    std::string dims;
    for (std::int64_t dim : shape)
        dims += std::to_string(dim) + ", ";
    std::string header = "{'descr': '<f8', 'fortran_order': False, 'shape': (" + dims + "), }";
    header += std::string(63 - (10 + header.size()) % 64, ' ') + "\n";
    QByteArray bytes("\x93NUMPY\x01\x00", 8);
    bytes.append(static_cast<char>(header.size() & 0xff));
    bytes.append(static_cast<char>(header.size() >> 8));
    bytes.append(header.data(), static_cast<qsizetype>(header.size()));
    for (double value : values) {
        const auto bits = std::bit_cast<std::uint64_t>(value);
        for (int i = 0; i < 8; ++i)
            bytes.append(static_cast<char>((bits >> (8 * i)) & 0xff));
    }
    return bytes;
}

QList<quint32> bitsOf(const Tensor& tensor) {
    QList<quint32> bits;
    for (float value : tensor.values())
        bits.append(std::bit_cast<quint32>(value));
    return bits;
}

std::pair<std::string, Tensor> layerTensor(const std::string& name, const Tensor& attentions,
                                           std::int64_t layer) {
    const std::int64_t heads = attentions.dim(1);
    const std::int64_t tokens = attentions.dim(2);
    Tensor tensor({heads, tokens, tokens});
    for (std::int64_t i = 0; i < tensor.numel(); ++i)
        tensor[i] = attentions[layer * tensor.numel() + i];
    return {name, tensor};
}

} // namespace

class TestImportAttention : public QObject {
    Q_OBJECT

private slots:
    void readsTheSelfCheckExport_data();
    void readsTheSelfCheckExport();
    void roundTripsBothFormats_data();
    void roundTripsBothFormats();
    void acceptsPyTorchLayouts_data();
    void acceptsPyTorchLayouts();
    void ordersSafetensorsLayersByNumber_data();
    void ordersSafetensorsLayersByNumber();
    void naturalOrder_data();
    void naturalOrder();
    void warnsForRowsThatDoNotSumToOne_data();
    void warnsForRowsThatDoNotSumToOne();
    void tokensFileOverridesMetadata();
    void rejectsBadNpyImports_data();
    void rejectsBadNpyImports();
    void rejectsBadSafetensorsImports_data();
    void rejectsBadSafetensorsImports();
    void writersValidateFirst_data();
    void writersValidateFirst();
};

void TestImportAttention::readsTheSelfCheckExport_data() {
    QTest::addColumn<QString>("file");
    QTest::addColumn<bool>("withTokensFile");

    QTest::newRow("npy_and_tokens_json") << QStringLiteral("attentions.npy") << true;
    QTest::newRow("safetensors_tokens_in_metadata")
        << QStringLiteral("attentions.safetensors") << false;
    QTest::newRow("safetensors_and_tokens_json")
        << QStringLiteral("attentions.safetensors") << true;
}

void TestImportAttention::readsTheSelfCheckExport() {
    QFETCH(QString, file);
    QFETCH(bool, withTokensFile);

    const QString dir = dataDir();
    QVERIFY2(!dir.isEmpty(), "tests/data/import/selfcheck not found");
    QFile expectedFile(dir + QStringLiteral("/expected.json"));
    QVERIFY(expectedFile.open(QIODevice::ReadOnly));
    const QJsonObject expected = QJsonDocument::fromJson(expectedFile.readAll()).object();

    const std::string tokensPath =
        withTokensFile ? (dir + QStringLiteral("/tokens.json")).toStdString() : std::string();
    const ImportedAttention imported =
        ImportedAttention::read((dir + QLatin1Char('/') + file).toStdString(), tokensPath);

    Shape shape;
    for (const QJsonValue& dim : expected.value(QStringLiteral("shape")).toArray())
        shape.push_back(dim.toInteger());
    QCOMPARE(imported.attentions.shape(), shape);
    std::vector<std::string> tokens;
    for (const QJsonValue& token : expected.value(QStringLiteral("tokens")).toArray())
        tokens.push_back(token.toString().toStdString());
    QCOMPARE(imported.tokens, tokens);
    QCOMPARE(imported.warnings, std::vector<std::string>{});
    // Probes include layers 2 and 10, which a plain sort of "layer2", "layer10" would swap.
    const QJsonArray probes = expected.value(QStringLiteral("probes")).toArray();
    QVERIFY(probes.size() >= 4);
    for (const QJsonValue& probe : probes) {
        const QJsonArray index = probe.toObject().value(QStringLiteral("index")).toArray();
        const float value = imported.attentions.at({index[0].toInteger(), index[1].toInteger(),
                                                    index[2].toInteger(), index[3].toInteger()});
        QCOMPARE(std::bit_cast<quint32>(value),
                 std::bit_cast<quint32>(static_cast<float>(
                     probe.toObject().value(QStringLiteral("value")).toDouble())));
    }
    // Both files hold the same numbers.
    const ImportedAttention fromNpy =
        ImportedAttention::readNpy((dir + QStringLiteral("/attentions.npy")).toStdString(),
                                   (dir + QStringLiteral("/tokens.json")).toStdString());
    QCOMPARE(bitsOf(imported.attentions), bitsOf(fromNpy.attentions));
}

void TestImportAttention::roundTripsBothFormats_data() {
    QTest::addColumn<qint64>("layers");
    QTest::addColumn<qint64>("heads");
    QTest::addColumn<qint64>("tokens");
    QTest::addColumn<bool>("halfRows");

    QTest::newRow("layers1_heads1_seq1") << qint64{1} << qint64{1} << qint64{1} << false;
    QTest::newRow("layers2_heads3_seq4") << qint64{2} << qint64{3} << qint64{4} << false;
    QTest::newRow("layers12_heads2_seq5") << qint64{12} << qint64{2} << qint64{5} << false;
    QTest::newRow("layers3_heads1_seq7_averaged_rows_warn")
        << qint64{3} << qint64{1} << qint64{7} << true;
}

void TestImportAttention::roundTripsBothFormats() {
    QFETCH(qint64, layers);
    QFETCH(qint64, heads);
    QFETCH(qint64, tokens);
    QFETCH(bool, halfRows);

    ImportedAttention original;
    original.attentions = softmaxAttentions(layers, heads, tokens, 5);
    if (halfRows)
        for (std::int64_t i = 0; i < original.attentions.numel(); ++i)
            original.attentions[i] *= 0.5f;
    original.tokens = tokenNames(tokens);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string npyPath = dir.filePath(QStringLiteral("a.npy")).toStdString();
    const std::string tokensPath = dir.filePath(QStringLiteral("t.json")).toStdString();
    const std::string safePath = dir.filePath(QStringLiteral("a.safetensors")).toStdString();
    original.writeNpy(npyPath, tokensPath);
    original.writeSafetensors(safePath);

    for (const ImportedAttention& back :
         {ImportedAttention::read(npyPath, tokensPath), ImportedAttention::read(safePath)}) {
        QCOMPARE(back.attentions.shape(), (Shape{layers, heads, tokens, tokens}));
        QCOMPARE(bitsOf(back.attentions), bitsOf(original.attentions));
        QCOMPARE(back.tokens, original.tokens);
        QCOMPARE(back.warnings.size(), std::size_t{halfRows ? 1u : 0u});
    }
    // The layers are stored one tensor each, under names that sort by number.
    const auto file = safetensors::File::open(safePath);
    QVERIFY(file.contains("layer0"));
    QVERIFY(file.contains("layer" + std::to_string(layers - 1)));
    QCOMPARE(file.find("layer0")->shape, (Shape{heads, tokens, tokens}));
}

void TestImportAttention::acceptsPyTorchLayouts_data() {
    QTest::addColumn<QList<qint64>>("storedShape");
    QTest::addColumn<bool>("float64");
    QTest::addColumn<QList<qint64>>("shape");

    QTest::newRow("heads_seq_seq_is_one_layer")
        << QList<qint64>{3, 4, 4} << false << QList<qint64>{1, 3, 4, 4};
    QTest::newRow("stacked_with_batch_axis")
        << QList<qint64>{2, 1, 3, 4, 4} << false << QList<qint64>{2, 3, 4, 4};
    QTest::newRow("one_layer_with_batch_axis")
        << QList<qint64>{1, 3, 4, 4} << false << QList<qint64>{1, 3, 4, 4};
    QTest::newRow("float64_layers_heads_seq_seq")
        << QList<qint64>{2, 2, 3, 3} << true << QList<qint64>{2, 2, 3, 3};
}

void TestImportAttention::acceptsPyTorchLayouts() {
    QFETCH(QList<qint64>, storedShape);
    QFETCH(bool, float64);
    QFETCH(QList<qint64>, shape);

    const Shape expectedShape(shape.begin(), shape.end());
    const Tensor attentions =
        softmaxAttentions(expectedShape[0], expectedShape[1], expectedShape[2], 9);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString npyPath = dir.filePath(QStringLiteral("a.npy"));
    const Shape stored(storedShape.begin(), storedShape.end());
    if (float64) {
        std::vector<double> values(attentions.values().begin(), attentions.values().end());
        writeText(npyPath, float64Npy(stored, values));
    } else {
        npy::write(npyPath.toStdString(), attentions.reshaped(stored));
    }
    const QString tokensPath = dir.filePath(QStringLiteral("t.json"));
    writeText(tokensPath, tokensJson(tokenNames(expectedShape[2])));

    const ImportedAttention imported =
        ImportedAttention::read(npyPath.toStdString(), tokensPath.toStdString());
    QCOMPARE(imported.attentions.shape(), expectedShape);
    QCOMPARE(bitsOf(imported.attentions), bitsOf(attentions));

    // The same layouts per layer in safetensors: [1, H, S, S] tensors.
    if (stored.size() == 5) {
        std::vector<std::pair<std::string, Tensor>> layers;
        for (std::int64_t l = 0; l < expectedShape[0]; ++l) {
            auto [name, tensor] = layerTensor("l" + std::to_string(l), attentions, l);
            layers.emplace_back(
                name, tensor.reshaped({1, expectedShape[1], expectedShape[2], expectedShape[3]}));
        }
        const QString safePath = dir.filePath(QStringLiteral("a.safetensors"));
        safetensors::write(safePath.toStdString(), layers);
        const auto fromSafetensors =
            ImportedAttention::read(safePath.toStdString(), tokensPath.toStdString());
        QCOMPARE(bitsOf(fromSafetensors.attentions), bitsOf(attentions));
    }
}

void TestImportAttention::ordersSafetensorsLayersByNumber_data() {
    QTest::addColumn<QStringList>("names");
    QTest::addColumn<QList<int>>("layerOfName");

    // names[i] holds the layer layerOfName[i]; the file stores them in the order given.
    QTest::newRow("layer0_to_layer11_in_text_order")
        << QStringList{"layer0", "layer1", "layer10", "layer11", "layer2", "layer3",
                       "layer4", "layer5", "layer6",  "layer7",  "layer8", "layer9"}
        << QList<int>{0, 1, 10, 11, 2, 3, 4, 5, 6, 7, 8, 9};
    QTest::newRow("dotted_transformers_names")
        << QStringList{"encoder.layer.10.attention", "encoder.layer.9.attention",
                       "encoder.layer.0.attention"}
        << QList<int>{2, 1, 0};
    QTest::newRow("zero_padded_and_plain")
        << QStringList{"h_002", "h_1", "h_10"} << QList<int>{1, 0, 2};
    QTest::newRow("names_without_numbers_sort_as_text")
        << QStringList{"beta", "alpha", "gamma"} << QList<int>{1, 0, 2};
    QTest::newRow("single_layer_any_name") << QStringList{"attn"} << QList<int>{0};
}

void TestImportAttention::ordersSafetensorsLayersByNumber() {
    QFETCH(QStringList, names);
    QFETCH(QList<int>, layerOfName);

    const auto layers = static_cast<std::int64_t>(names.size());
    // Layer l's maps: token 0 looks at key l % 3 with weight (l + 1) / 100, to tell layers apart.
    const std::int64_t tokens = 3;
    Tensor attentions({layers, 1, tokens, tokens}, 1.0f / 3.0f);
    for (std::int64_t l = 0; l < layers; ++l) {
        const float marker = static_cast<float>(l + 1) / 100.0f;
        for (std::int64_t k = 0; k < tokens; ++k)
            attentions.at({l, 0, 0, k}) = k == l % 3 ? 1.0f - 2.0f * marker : marker;
    }
    std::vector<std::pair<std::string, Tensor>> stored;
    for (qsizetype i = 0; i < names.size(); ++i)
        stored.push_back(layerTensor(names[i].toStdString(), attentions, layerOfName[i]));
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string path = dir.filePath(QStringLiteral("a.safetensors")).toStdString();
    safetensors::write(
        path, stored,
        {{"tokens", QJsonDocument(QJsonArray{"a", "b", "c"}).toJson().toStdString()}});

    const ImportedAttention imported = ImportedAttention::readSafetensors(path);
    QCOMPARE(bitsOf(imported.attentions), bitsOf(attentions));
    QCOMPARE(imported.tokens, (std::vector<std::string>{"a", "b", "c"}));
}

void TestImportAttention::naturalOrder_data() {
    QTest::addColumn<QString>("a");
    QTest::addColumn<QString>("b");
    QTest::addColumn<bool>("less");

    QTest::newRow("2_before_10") << "layer2"
                                 << "layer10" << true;
    QTest::newRow("10_after_2") << "layer10"
                                << "layer2" << false;
    QTest::newRow("equal_is_not_less") << "layer3"
                                       << "layer3" << false;
    QTest::newRow("text_before_number_differs") << "a9"
                                                << "b1" << true;
    QTest::newRow("inner_number") << "enc.2.attn"
                                  << "enc.11.attn" << true;
    QTest::newRow("second_number_decides") << "l1.h10"
                                           << "l1.h9" << false;
    QTest::newRow("prefix_is_less") << "layer"
                                    << "layer0" << true;
    QTest::newRow("leading_zeros_same_value_then_text") << "h01"
                                                        << "h1" << true;
    QTest::newRow("digits_longer_than_int64") << "x99999999999999999999999"
                                              << "x100000000000000000000000" << true;
    QTest::newRow("number_against_text") << "1"
                                         << "a" << true;
}

void TestImportAttention::naturalOrder() {
    QFETCH(QString, a);
    QFETCH(QString, b);
    QFETCH(bool, less);
    QCOMPARE(naturalLess(a.toStdString(), b.toStdString()), less);
    // A strict order: never both ways.
    if (less)
        QVERIFY(!naturalLess(b.toStdString(), a.toStdString()));
}

void TestImportAttention::warnsForRowsThatDoNotSumToOne_data() {
    QTest::addColumn<float>("scale");
    QTest::addColumn<bool>("zeroFirstRow");
    QTest::addColumn<QStringList>("fragments");

    QTest::newRow("rows_within_tolerance") << 1.0009f << false << QStringList{};
    QTest::newRow("averaged_maps_half")
        << 0.5f << false << QStringList{"24 of 24 attention rows", "sums to 0.5"};
    QTest::newRow("slightly_over_one")
        << 1.002f << false << QStringList{"24 of 24", "within 0.001"};
    QTest::newRow("one_masked_row_of_zeros")
        << 1.0f << true << QStringList{"1 of 24", "layer 0, head 0, token 0 sums to 0"};
}

void TestImportAttention::warnsForRowsThatDoNotSumToOne() {
    QFETCH(float, scale);
    QFETCH(bool, zeroFirstRow);
    QFETCH(QStringList, fragments);

    // 2 layers x 3 heads x 4 rows of 4 equal weights.
    Tensor attentions({2, 3, 4, 4}, 0.25f * scale);
    if (zeroFirstRow)
        for (std::int64_t k = 0; k < 4; ++k)
            attentions[k] = 0.0f;
    const auto warnings = ImportedAttention::validate(attentions, tokenNames(4), "a.npy");
    if (fragments.isEmpty()) {
        QVERIFY(warnings.empty());
        return;
    }
    QCOMPARE(warnings.size(), std::size_t{1});
    QCOMPARE(
        messageProblem(QString::fromStdString(warnings[0]), QStringLiteral("a.npy: "), fragments),
        QString());
}

void TestImportAttention::tokensFileOverridesMetadata() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    ImportedAttention original;
    original.attentions = softmaxAttentions(1, 1, 2, 3);
    original.tokens = {"a", "b"};
    const std::string path = dir.filePath(QStringLiteral("a.safetensors")).toStdString();
    original.writeSafetensors(path);
    const QString tokensPath = dir.filePath(QStringLiteral("t.json"));
    writeText(tokensPath, "[\"x\", \"y\"]");

    const ImportedAttention imported =
        ImportedAttention::readSafetensors(path, tokensPath.toStdString());
    QCOMPARE(imported.tokens, (std::vector<std::string>{"x", "y"}));
    QCOMPARE(imported.warnings.size(), std::size_t{1});
    QVERIFY(imported.warnings[0].find("differ") != std::string::npos);
}

void TestImportAttention::rejectsBadNpyImports_data() {
    QTest::addColumn<QList<qint64>>("shape");
    QTest::addColumn<int>("poisonAt");
    QTest::addColumn<float>("poison");
    QTest::addColumn<QByteArray>("tokens");
    QTest::addColumn<QString>("blamed");
    QTest::addColumn<QStringList>("fragments");

    const QList<qint64> good{2, 1, 3, 3};
    const QByteArray three = R"(["a", "b", "c"])";
    const float nan = std::numeric_limits<float>::quiet_NaN();
    const float inf = std::numeric_limits<float>::infinity();
    const QString npy = QStringLiteral("a.npy");
    const QString json = QStringLiteral("t.json");
    QTest::newRow("nan") << good << 7 << nan << three << npy
                         << QStringList{"attentions[0, 0, 2, 1]", "nan", "probabilities"};
    QTest::newRow("infinity") << good << 0 << inf << three << npy
                              << QStringList{"attentions[0, 0, 0, 0]", "inf"};
    QTest::newRow("negative_score") << good << 10 << -0.5f << three << npy
                                    << QStringList{"attentions[1, 0, 0, 1]", "-0.5", "[0, 1]"};
    QTest::newRow("above_one") << good << 4 << 1.5f << three << npy
                               << QStringList{"1.5", "scores before the softmax"};
    QTest::newRow("rank2") << QList<qint64>{3, 3} << -1 << 0.0f << three << npy
                           << QStringList{"[heads, tokens, tokens]", "[3, 3]"};
    QTest::newRow("not_square") << QList<qint64>{1, 2, 3, 4} << -1 << 0.0f << three << npy
                                << QStringList{"[1, 2, 3, 4]"};
    QTest::newRow("zero_heads") << QList<qint64>{2, 0, 3, 3} << -1 << 0.0f << three << npy
                                << QStringList{"empty", "[2, 0, 3, 3]"};
    QTest::newRow("batch_of_two") << QList<qint64>{2, 2, 1, 3, 3} << -1 << 0.0f << three << npy
                                  << QStringList{"batch of 2", "one text"};
    QTest::newRow("two_tokens_for_three") << good << -1 << 0.0f << QByteArray(R"(["a", "b"])")
                                          << json << QStringList{"2 tokens", "3 x 3"};
    QTest::newRow("tokens_object") << good << -1 << 0.0f << QByteArray(R"({"tokens": []})") << json
                                   << QStringList{"JSON list", "an object"};
    QTest::newRow("token_not_string") << good << -1 << 0.0f << QByteArray(R"(["a", 2, "c"])")
                                      << json << QStringList{"[1] must be a string", "a number"};
    QTest::newRow("tokens_not_json")
        << good << -1 << 0.0f << QByteArray("[\"a\", ") << json << QStringList{"not valid JSON"};
}

void TestImportAttention::rejectsBadNpyImports() {
    QFETCH(QList<qint64>, shape);
    QFETCH(int, poisonAt);
    QFETCH(float, poison);
    QFETCH(QByteArray, tokens);
    QFETCH(QString, blamed);
    QFETCH(QStringList, fragments);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    Tensor attentions(Shape(shape.begin(), shape.end()), 1.0f / 3.0f);
    if (poisonAt >= 0)
        attentions[poisonAt] = poison;
    const QString npyPath = dir.filePath(QStringLiteral("a.npy"));
    const QString tokensPath = dir.filePath(QStringLiteral("t.json"));
    npy::write(npyPath.toStdString(), attentions);
    writeText(tokensPath, tokens);

    const QString message = errorOf(
        [&] { (void)ImportedAttention::read(npyPath.toStdString(), tokensPath.toStdString()); });
    QCOMPARE(messageProblem(message, dir.filePath(blamed) + QStringLiteral(": "), fragments),
             QString());
}

void TestImportAttention::rejectsBadSafetensorsImports_data() {
    QTest::addColumn<int>("kind");
    QTest::addColumn<QStringList>("fragments");

    QTest::newRow("no_tensors") << 0 << QStringList{"no tensors"};
    QTest::newRow("no_tokens_anywhere") << 1 << QStringList{"no tokens", "__metadata__"};
    QTest::newRow("metadata_tokens_not_a_list")
        << 2 << QStringList{"__metadata__.tokens", "JSON list"};
    QTest::newRow("layers_of_different_lengths")
        << 3 << QStringList{"\"layer1\" is [1, 2, 2]", "\"layer0\" is [1, 3, 3]", "same heads"};
    QTest::newRow("rank2_layer") << 4 << QStringList{"\"layer0\" is [3, 3]", "per layer"};
    QTest::newRow("metadata_token_count") << 5 << QStringList{"__metadata__.tokens: 2 tokens"};
    QTest::newRow("npy_without_tokens_file") << 6 << QStringList{"need a tokens file"};
    QTest::newRow("mask_npy") << 7 << QStringList{"float32 or float64", "bool"};
}

void TestImportAttention::rejectsBadSafetensorsImports() {
    QFETCH(int, kind);
    QFETCH(QStringList, fragments);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string path = dir.filePath(QStringLiteral("a.safetensors")).toStdString();
    const Tensor layer({1, 3, 3}, 1.0f / 3.0f);
    const std::map<std::string, std::string> tokens{{"tokens", R"(["a", "b", "c"])"}};
    std::string opened = path;
    switch (kind) {
    case 0:
        safetensors::write(path, {}, tokens);
        break;
    case 1:
        safetensors::write(path, {{"layer0", layer}});
        break;
    case 2:
        safetensors::write(path, {{"layer0", layer}}, {{"tokens", "a b c"}});
        break;
    case 3:
        safetensors::write(path, {{"layer0", layer}, {"layer1", Tensor({1, 2, 2}, 0.5f)}}, tokens);
        break;
    case 4:
        safetensors::write(path, {{"layer0", Tensor({3, 3}, 1.0f / 3.0f)}}, tokens);
        break;
    case 5:
        safetensors::write(path, {{"layer0", layer}}, {{"tokens", R"(["a", "b"])"}});
        break;
    case 6:
        opened = dir.filePath(QStringLiteral("a.npy")).toStdString();
        npy::write(opened, layer);
        break;
    case 7:
        opened = dir.filePath(QStringLiteral("a.npy")).toStdString();
        npy::write(opened, MaskTensor({1, 3, 3}));
        writeText(dir.filePath(QStringLiteral("t.json")), R"(["a", "b", "c"])");
        break;
    }
    const std::string tokensPath =
        kind == 7 ? dir.filePath(QStringLiteral("t.json")).toStdString() : std::string();
    const QString message = errorOf([&] { (void)ImportedAttention::read(opened, tokensPath); });
    QCOMPARE(
        messageProblem(message, QString::fromStdString(opened) + QStringLiteral(": "), fragments),
        QString());
}

void TestImportAttention::writersValidateFirst_data() {
    QTest::addColumn<int>("kind");
    QTest::addColumn<QStringList>("fragments");

    QTest::newRow("token_count") << 0 << QStringList{"2 tokens", "expected 3"};
    QTest::newRow("negative_value") << 1 << QStringList{"attentions[0, 0, 1, 1]", "-1"};
    QTest::newRow("invalid_utf8_token") << 2 << QStringList{"token 1", "UTF-8"};
    QTest::newRow("rank3") << 3 << QStringList{"[layers, heads, tokens, tokens]"};
}

void TestImportAttention::writersValidateFirst() {
    QFETCH(int, kind);
    QFETCH(QStringList, fragments);

    ImportedAttention attention;
    attention.attentions = Tensor({1, 1, 3, 3}, 1.0f / 3.0f);
    attention.tokens = {"a", "b", "c"};
    switch (kind) {
    case 0:
        attention.tokens.pop_back();
        break;
    case 1:
        attention.attentions[4] = -1.0f;
        break;
    case 2:
        attention.tokens[1] = "\xff\xfe";
        break;
    case 3:
        attention.attentions = Tensor({1, 3, 3}, 1.0f / 3.0f);
        break;
    }
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string npyPath = dir.filePath(QStringLiteral("a.npy")).toStdString();
    const std::string tokensPath = dir.filePath(QStringLiteral("t.json")).toStdString();
    const std::string safePath = dir.filePath(QStringLiteral("a.safetensors")).toStdString();
    const QString npyMessage = errorOf([&] { attention.writeNpy(npyPath, tokensPath); });
    const QString safeMessage = errorOf([&] { attention.writeSafetensors(safePath); });
    // The token's UTF-8 is checked as the tokens file is written, so that file is blamed.
    const std::string npyBlamed = kind == 2 ? tokensPath : npyPath;
    QCOMPARE(messageProblem(npyMessage, QString::fromStdString(npyBlamed) + QStringLiteral(": "),
                            fragments),
             QString());
    QCOMPARE(messageProblem(safeMessage, QString::fromStdString(safePath) + QStringLiteral(": "),
                            fragments),
             QString());
    // Nothing was written.
    QVERIFY(!QFile::exists(QString::fromStdString(npyPath)));
    QVERIFY(!QFile::exists(QString::fromStdString(tokensPath)));
    QVERIFY(!QFile::exists(QString::fromStdString(safePath)));
}

QTEST_APPLESS_MAIN(TestImportAttention)
#include "test_import_attention.moc"
