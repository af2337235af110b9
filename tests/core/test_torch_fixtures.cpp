// MultiHeadAttention against torch.nn.MultiheadAttention (torch 1.13, float32): one data row per
// folder of tests/data/torch_mha, written by tools/make_fixtures.py. Each case runs with 1 and 2
// threads; both must match PyTorch within tolerance and each other bit for bit.

#include "core/attention/multiheadattention.h"
#include "core/attention/threading.h"
#include "core/base/error.h"
#include "core/formats/npy.h"
#include "core/formats/safetensors.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>
#include <cmath>
#include <cstring>
#include <exception>
#include <limits>
#include <optional>
#include <string>
#include <variant>

using namespace attnscope;

namespace {

// PyTorch and attnscope sum in different orders; float32 rounding stays far below these.
constexpr double kWeightsTolerance = 1e-5;
constexpr double kOutputTolerance = 1e-4;
constexpr int kMinimumFixtures = 20;

struct Difference {
    double maxAbs = 0.0;
    std::int64_t worstIndex = -1; ///< flat index of the largest (or first non-finite) difference
};

/** Largest |actual - expected|; a NaN anywhere counts as infinitely far. Shapes must match. */
Difference maxAbsDifference(const Tensor& actual, const Tensor& expected) {
    Difference result;
    for (std::int64_t i = 0; i < expected.numel(); ++i) {
        const double diff = std::abs(double(actual[i]) - double(expected[i]));
        const double d = std::isnan(diff) ? std::numeric_limits<double>::infinity() : diff;
        if (result.worstIndex < 0 || d > result.maxAbs) {
            result.maxAbs = d;
            result.worstIndex = i;
        }
    }
    return result;
}

bool bitwiseEqual(const Tensor& a, const Tensor& b) {
    return a.shape() == b.shape() &&
           std::memcmp(a.data(), b.data(), sizeof(float) * std::size_t(a.numel())) == 0;
}

struct Worst {
    double value = 0.0;
    QString fixture;
};

} // namespace

class TestTorchFixtures : public QObject {
    Q_OBJECT

private slots:
    void matchesPyTorch_data();
    void matchesPyTorch();
    void cleanupTestCase();

private:
    /** Shape and max |actual - expected| <= tolerance; a failure names the worst index. */
    void compare(const char* what, const Tensor& actual, const Tensor& expected, double tolerance,
                 int threads, Worst& worst);

    Worst m_worstWeights;
    Worst m_worstOutput;
};

void TestTorchFixtures::matchesPyTorch_data() {
    QTest::addColumn<QString>("folder");

    const QString root = QFINDTESTDATA("../data/torch_mha");
    QVERIFY2(!root.isEmpty() && QDir(root).exists(),
             "tests/data/torch_mha not found (run /usr/bin/python3 tools/make_fixtures.py)");
    const QDir dir(root);
    const QStringList cases = dir.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
    QVERIFY2(cases.size() >= kMinimumFixtures,
             qPrintable(QStringLiteral("only %1 fixtures in %2, expected at least %3")
                            .arg(cases.size())
                            .arg(root)
                            .arg(kMinimumFixtures)));
    for (const QString& name : cases)
        QTest::newRow(qPrintable(name)) << dir.filePath(name);
}

void TestTorchFixtures::compare(const char* what, const Tensor& actual, const Tensor& expected,
                                double tolerance, int threads, Worst& worst) {
    QVERIFY2(actual.shape() == expected.shape(),
             qPrintable(QStringLiteral("%1 (threads %2): shape %3, PyTorch %4")
                            .arg(what)
                            .arg(threads)
                            .arg(QString::fromStdString(shapeToString(actual.shape())),
                                 QString::fromStdString(shapeToString(expected.shape())))));

    const Difference diff = maxAbsDifference(actual, expected);
    if (diff.maxAbs > worst.value) {
        worst.value = diff.maxAbs;
        worst.fixture = QString::fromLatin1(QTest::currentDataTag());
    }
    QVERIFY2(diff.maxAbs <= tolerance,
             qPrintable(QStringLiteral("%1 (threads %2): max |diff| %3 > %4 at %5: attnscope %6, "
                                       "PyTorch %7")
                            .arg(what)
                            .arg(threads)
                            .arg(diff.maxAbs, 0, 'g', 3)
                            .arg(tolerance, 0, 'g', 3)
                            .arg(QString::fromStdString(
                                flatIndexToString(expected.shape(), diff.worstIndex)))
                            .arg(double(actual[diff.worstIndex]), 0, 'g', 9)
                            .arg(double(expected[diff.worstIndex]), 0, 'g', 9)));
}

void TestTorchFixtures::matchesPyTorch() {
    QFETCH(QString, folder);
    const QDir dir(folder);
    const auto path = [&](const char* file) {
        return dir.filePath(QString::fromLatin1(file));
    };
    const auto pathStd = [&](const char* file) {
        return path(file).toStdString();
    };
    const auto has = [&](const char* file) {
        return QFile::exists(path(file));
    };

    QFile caseFile(path("case.json"));
    QVERIFY2(caseFile.open(QIODevice::ReadOnly), qPrintable(caseFile.fileName()));
    QJsonParseError parseError;
    const QJsonObject meta = QJsonDocument::fromJson(caseFile.readAll(), &parseError).object();
    QVERIFY2(parseError.error == QJsonParseError::NoError, qPrintable(parseError.errorString()));
    const int heads = meta.value(QStringLiteral("heads")).toInt(0);
    QVERIFY2(heads > 0, "case.json: \"heads\" missing");
    const bool causal = meta.value(QStringLiteral("causal")).toBool();
    const bool addZeroAttention = meta.value(QStringLiteral("add_zero_attn")).toBool();
    const bool selfAttention = meta.value(QStringLiteral("self_attention")).toBool();
    QCOMPARE(has("key.npy"), !selfAttention);
    QCOMPARE(has("value.npy"), !selfAttention);

    try {
        const auto file = safetensors::File::open(pathStd("state_dict.safetensors"));
        const auto module = MultiHeadAttention::fromStateDict(file, heads, addZeroAttention);
        QCOMPARE(module.numHeads(), heads);

        const Tensor query = npy::readFloat(pathStd("query.npy"), "query");
        std::optional<Tensor> key;
        std::optional<Tensor> value;
        if (!selfAttention) {
            key = npy::readFloat(pathStd("key.npy"), "key");
            value = npy::readFloat(pathStd("value.npy"), "value");
        }
        const Tensor expectedWeights = npy::readFloat(pathStd("weights.npy"), "weights");
        const Tensor expectedOutput = npy::readFloat(pathStd("output.npy"), "output");

        MultiHeadMasks masks;
        masks.causal = causal;
        std::optional<MaskTensor> keyPadding;
        if (has("key_padding_mask.npy")) {
            keyPadding = npy::readMask(pathStd("key_padding_mask.npy"), "key_padding_mask");
            masks.keyPadding = &*keyPadding;
        }
        std::optional<npy::Array> attnMask;
        if (has("attn_mask.npy")) {
            attnMask = npy::read(pathStd("attn_mask.npy"));
            if (attnMask->isFloat())
                masks.additive = &std::get<Tensor>(attnMask->data);
            else
                masks.hidden = &std::get<MaskTensor>(attnMask->data);
        }

        std::optional<AttentionResult> first;
        for (const int threads : {1, 2}) {
            ComputeOptions options;
            options.threads = threads;
            AttentionResult result = module.forward(query, key ? &*key : nullptr,
                                                    value ? &*value : nullptr, masks, {}, options);
            compare("weights", result.weights, expectedWeights, kWeightsTolerance, threads,
                    m_worstWeights);
            if (QTest::currentTestFailed())
                return;
            compare("output", result.output, expectedOutput, kOutputTolerance, threads,
                    m_worstOutput);
            if (QTest::currentTestFailed())
                return;
            if (!first) {
                first = std::move(result);
                continue;
            }
            QVERIFY2(bitwiseEqual(result.weights, first->weights),
                     "weights differ between 1 and 2 threads");
            QVERIFY2(bitwiseEqual(result.output, first->output),
                     "output differs between 1 and 2 threads");
        }
    } catch (const std::exception& e) {
        QFAIL(qPrintable(QStringLiteral("%1: %2").arg(folder, QString::fromUtf8(e.what()))));
    }
}

void TestTorchFixtures::cleanupTestCase() {
    qInfo("worst |diff| vs PyTorch: weights %.3g (%s), output %.3g (%s)", m_worstWeights.value,
          qPrintable(m_worstWeights.fixture), m_worstOutput.value,
          qPrintable(m_worstOutput.fixture));
}

QTEST_GUILESS_MAIN(TestTorchFixtures)
#include "test_torch_fixtures.moc"
