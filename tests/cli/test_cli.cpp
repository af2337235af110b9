// attnscope-cli as users run it: the real binary through QProcess. Every bad input must end in
// exit status 2 with one line on stderr and no output file; good inputs must give exactly what the
// library gives when called directly.

#include "clirunner.h"
#include "core/attention/multiheadattention.h"
#include "core/attention/randomtensors.h"
#include "core/attention/threading.h"
#include "core/base/tensor.h"
#include "core/formats/npy.h"
#include "core/formats/safetensors.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <cmath>
#include <cstring>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

using namespace attnscope;

namespace {

QStringList substituted(QStringList arguments, const QString& in, const QString& out) {
    for (QString& argument : arguments) {
        argument.replace("{in}", in).replace("{out}", out);
    }
    return arguments;
}

/** `arguments` with the value after `option` replaced, or option and value removed if null. */
QStringList withValue(QStringList arguments, const QString& option, const QString& value) {
    const qsizetype i = arguments.indexOf(option);
    Q_ASSERT(i >= 0 && i + 1 < arguments.size());
    if (value.isNull()) {
        arguments.remove(i, 2);
    } else {
        arguments[i + 1] = value;
    }
    return arguments;
}

std::string path(const QString& dir, const char* name) {
    return QDir(dir).filePath(QString::fromLatin1(name)).toStdString();
}

Tensor randomTensor(const Shape& shape, std::mt19937& generator, float stddev = 1.0f) {
    std::normal_distribution<float> normal(0.0f, stddev);
    Tensor tensor(shape);
    for (float& v : tensor.values()) {
        v = normal(generator);
    }
    return tensor;
}

MaskTensor randomMask(const Shape& shape, std::mt19937& generator, double hideProbability) {
    std::bernoulli_distribution hide(hideProbability);
    MaskTensor mask(shape);
    for (std::uint8_t& v : mask.values()) {
        v = hide(generator) ? 1 : 0;
    }
    return mask;
}

QString shapeText(const Shape& shape) {
    return QString::fromStdString(shapeToString(shape));
}

bool bitwiseEqual(const Tensor& a, const Tensor& b) {
    return a.shape() == b.shape() &&
           std::memcmp(a.data(), b.data(), sizeof(float) * static_cast<std::size_t>(a.numel())) ==
               0;
}

void writeBytes(const QString& fileName, const QByteArray& bytes) {
    QFile file(fileName);
    QVERIFY2(file.open(QIODevice::WriteOnly | QIODevice::Truncate), qPrintable(fileName));
    QCOMPARE(file.write(bytes), bytes.size());
}

/** A .npy v1.0 file with any header text, for dtypes and flags npy::write never produces. */
QByteArray npyBytes(const QByteArray& descr, bool fortranOrder, const QByteArray& shape,
                    const QByteArray& payload) {
    QByteArray header = "{'descr': '" + descr +
                        "', 'fortran_order': " + (fortranOrder ? "True" : "False") +
                        ", 'shape': " + shape + ", }";
    const qsizetype unpadded = 10 + header.size() + 1;
    header += QByteArray((64 - unpadded % 64) % 64, ' ') + '\n';
    QByteArray bytes("\x93NUMPY\x01\x00", 8);
    bytes += char(header.size() & 0xff);
    bytes += char((header.size() >> 8) & 0xff);
    return bytes + header + payload;
}

/** A safetensors file: little-endian u64 header length (possibly a lie), JSON header, data. */
QByteArray safetensorsBytes(const QByteArray& json, const QByteArray& data,
                            std::optional<quint64> declaredLength = std::nullopt) {
    const quint64 length = declaredLength.value_or(quint64(json.size()));
    QByteArray bytes;
    for (int i = 0; i < 8; ++i) {
        bytes += char((length >> (8 * i)) & 0xff);
    }
    return bytes + json + data;
}

/** Packed-projection weights of nn.MultiheadAttention(E, H) in state_dict order. */
std::vector<std::pair<std::string, Tensor>> packedStateDict(std::int64_t embed,
                                                            std::mt19937& generator) {
    const float stddev = 1.0f / std::sqrt(float(embed));
    return {
        {"in_proj_weight", randomTensor({3 * embed, embed}, generator, stddev)},
        {"in_proj_bias", randomTensor({3 * embed}, generator, 0.1f)},
        {"out_proj.weight", randomTensor({embed, embed}, generator, stddev)},
        {"out_proj.bias", randomTensor({embed}, generator, 0.1f)},
    };
}

/** Describes one `mha` run whose results must equal MultiHeadAttention called directly. */
struct MhaCase {
    std::int64_t batch = 2;
    std::int64_t seq = 5;
    std::int64_t keySeq = 0; ///< 0: self-attention (no --key/--value)
    std::int64_t embed = 8;
    std::int64_t heads = 2;
    std::int64_t kdim = 0; ///< nonzero: separate q/k/v projections with these key/value widths
    std::int64_t vdim = 0;
    bool bias = true;
    bool biasKv = false;
    bool addZeroAttn = false;
    bool causal = false;
    bool keyPadding = false;
    bool padWholeBatch = false; ///< every key of batch 0 padded: its rows must come out as zeros
    QString attnMask = {};      ///< "", "bool2d", "bool3d", "float2d", "float3d"
    float scale = 0.0f;         ///< 0: the default
    float temperature = 1.0f;
    int threads = 0;
};

} // namespace

Q_DECLARE_METATYPE(MhaCase)
Q_DECLARE_METATYPE(attnscope::RandomSpec)

class TestCli : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();

    void help_data();
    void help();
    void version();

    void badInvocation_data();
    void badInvocation();

    void randomWeights_data();
    void randomWeights();

    void bench_data();
    void bench();

    void mhaMatchesLibrary_data();
    void mhaMatchesLibrary();

    void threadCountDoesNotChangeFiles_data();
    void threadCountDoesNotChangeFiles();

    void showPrintsEveryHead();

private:
    QTemporaryDir m_inputs;
};

void TestCli::initTestCase() {
    QVERIFY(QFile::exists(QStringLiteral(ATTNSCOPE_CLI_PATH)));
    QVERIFY(m_inputs.isValid());
    const QString in = m_inputs.path();
    std::mt19937 generator(20240611);

    // Valid inputs of one small problem: E = 8, H = 2, B = 2, S = 5, T = 7.
    const auto stateDict = packedStateDict(8, generator);
    safetensors::write(path(in, "mha.safetensors"), stateDict);
    npy::write(path(in, "q.npy"), randomTensor({2, 5, 8}, generator));
    npy::write(path(in, "k.npy"), randomTensor({2, 7, 8}, generator));
    npy::write(path(in, "v.npy"), randomTensor({2, 7, 8}, generator));

    // Valid files with the wrong shapes, dtypes or values.
    npy::write(path(in, "q_rank2.npy"), randomTensor({5, 8}, generator));
    npy::write(path(in, "q_embed6.npy"), randomTensor({2, 5, 6}, generator));
    npy::write(path(in, "q_bool.npy"), MaskTensor({2, 5, 8}, 1));
    Tensor withNan = randomTensor({2, 5, 8}, generator);
    withNan.at({1, 3, 6}) = std::numeric_limits<float>::quiet_NaN();
    npy::write(path(in, "q_with_nan.npy"), withNan);
    Tensor withInf = randomTensor({2, 7, 8}, generator);
    withInf.at({0, 2, 1}) = std::numeric_limits<float>::infinity();
    npy::write(path(in, "k_with_inf.npy"), withInf);
    npy::write(path(in, "v_len6.npy"), randomTensor({2, 6, 8}, generator));
    npy::write(path(in, "k_batch3.npy"), randomTensor({3, 7, 8}, generator));
    npy::write(path(in, "v_batch3.npy"), randomTensor({3, 7, 8}, generator));
    npy::write(path(in, "kpm_len4.npy"), MaskTensor({2, 4}, 0));
    npy::write(path(in, "kpm_float.npy"), Tensor({2, 5}, 0.0f));
    npy::write(path(in, "attn_5x4.npy"), MaskTensor({5, 4}, 0));
    Tensor additiveNan({5, 5}, 0.0f);
    additiveNan.at({2, 2}) = std::numeric_limits<float>::quiet_NaN();
    npy::write(path(in, "attn_nan.npy"), additiveNan);
    // Finite, but the projections overflow float32.
    npy::write(path(in, "q_huge.npy"), Tensor({2, 5, 8}, 3e38f));

    // Hostile .npy files.
    const QString dir = in + '/';
    const QByteArray zeros320(2 * 5 * 8 * 4, '\0');
    writeBytes(dir + "garbage.npy", "this is not an npy file, just some text\n");
    writeBytes(dir + "empty.npy", QByteArray());
    writeBytes(dir + "int32.npy", npyBytes("<i4", false, "(2, 5, 8)", zeros320));
    writeBytes(dir + "fortran.npy", npyBytes("<f4", true, "(2, 5, 8)", zeros320));
    writeBytes(dir + "short_data.npy", npyBytes("<f4", false, "(2, 5, 8)", zeros320.left(100)));
    writeBytes(dir + "huge_shape.npy",
               npyBytes("<f4", false, "(4294967296, 4294967296, 8)", zeros320));
    writeBytes(dir + "negative_shape.npy", npyBytes("<f4", false, "(2, -5, 8)", zeros320));
    writeBytes(dir + "header_cut.npy", npyBytes("<f4", false, "(2, 5, 8)", {}).left(30));

    // Hostile safetensors files.
    const QByteArray validStateDict = QByteArray::fromStdString(safetensors::serialize(stateDict));
    writeBytes(dir + "empty.safetensors", QByteArray());
    writeBytes(dir + "truncated.safetensors", validStateDict.left(validStateDict.size() - 16));
    writeBytes(dir + "oversized_header.safetensors",
               safetensorsBytes("{}", QByteArray(16, '\0'), quint64(1) << 62));
    writeBytes(dir + "header_past_eof.safetensors",
               safetensorsBytes("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}",
                                QByteArray(4, '\0'), 4096));
    writeBytes(dir + "overlapping.safetensors",
               safetensorsBytes("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                                "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}",
                                QByteArray(12, '\0')));
    writeBytes(dir + "span_mismatch.safetensors",
               safetensorsBytes("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,8]}}",
                                QByteArray(8, '\0')));
    writeBytes(dir + "offsets_past_data.safetensors",
               safetensorsBytes("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}",
                                QByteArray(8, '\0')));
    writeBytes(dir + "unknown_dtype.safetensors",
               safetensorsBytes("{\"a\":{\"dtype\":\"Q7\",\"shape\":[1],\"data_offsets\":[0,4]}}",
                                QByteArray(4, '\0')));
    writeBytes(dir + "not_json.safetensors",
               safetensorsBytes("{\"a\": [1, 2, oops", QByteArray(4, '\0')));

    // State dicts that are valid files but not valid nn.MultiheadAttention parameters.
    auto missingOutProj = stateDict;
    missingOutProj.erase(missingOutProj.begin() + 2);
    safetensors::write(path(in, "missing_out_proj.safetensors"), missingOutProj);
    auto extraKey = stateDict;
    extraKey.emplace_back("decoder.weight", Tensor({2, 2}, 0.0f));
    safetensors::write(path(in, "extra_key.safetensors"), extraKey);
    auto wrongShape = stateDict;
    wrongShape[0].second = randomTensor({24, 6}, generator);
    safetensors::write(path(in, "in_proj_24x6.safetensors"), wrongShape);
    auto nanWeight = stateDict;
    nanWeight[2].second.at({3, 3}) = std::numeric_limits<float>::quiet_NaN();
    safetensors::write(path(in, "nan_weight.safetensors"), nanWeight);

    // A larger problem for the thread-count comparison: several blocks per head.
    safetensors::write(path(in, "big.safetensors"), packedStateDict(32, generator));
    npy::write(path(in, "big_q.npy"), randomTensor({2, 37, 32}, generator));
    npy::write(path(in, "big_k.npy"), randomTensor({2, 23, 32}, generator));
    npy::write(path(in, "big_v.npy"), randomTensor({2, 23, 32}, generator));
    npy::write(path(in, "big_kpm.npy"), randomMask({2, 23}, generator, 0.3));
    npy::write(path(in, "big_attn.npy"), randomMask({37, 23}, generator, 0.2));
}

void TestCli::help_data() {
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QStringList>("mentions");

    QTest::newRow("top_level") << QStringList{"--help"}
                               << QStringList{"mha", "random", "bench", "--version"};
    QTest::newRow("top_level_short") << QStringList{"-h"} << QStringList{"mha", "random", "bench"};
    QTest::newRow("mha") << QStringList{"mha", "--help"} << QStringList{"--state-dict",
                                                                        "--query",
                                                                        "--key",
                                                                        "--value",
                                                                        "--heads",
                                                                        "--causal",
                                                                        "--key-padding-mask",
                                                                        "--attn-mask",
                                                                        "--add-zero-attn",
                                                                        "--scale",
                                                                        "--temperature",
                                                                        "--threads",
                                                                        "--memory-budget-mb",
                                                                        "--weights-out",
                                                                        "--output-out"};
    QTest::newRow("random") << QStringList{"random", "--help"}
                            << QStringList{"--batch",       "--seq",
                                           "--embed",       "--heads",
                                           "--seed",        "--distribution",
                                           "--causal",      "--temperature",
                                           "--threads",     "--memory-budget-mb",
                                           "--weights-out", "--output-out",
                                           "--input-out"};
    QTest::newRow("bench") << QStringList{"bench", "--help"} << QStringList{"--seq",
                                                                            "--embed",
                                                                            "--heads",
                                                                            "--batch",
                                                                            "--key-seq",
                                                                            "--threads",
                                                                            "--no-weights",
                                                                            "--repeat",
                                                                            "--warmup",
                                                                            "--seed",
                                                                            "--memory-budget-mb",
                                                                            "median_ms"};
    QTest::newRow("show") << QStringList{"show", "--help"}
                          << QStringList{"--weights", "--index", "--head"};
    QTest::newRow("help_wins_over_a_bad_option")
        << QStringList{"mha", "--heads", "x", "--bogus", "--help"} << QStringList{"--state-dict"};
}

void TestCli::help() {
    QFETCH(QStringList, arguments);
    QFETCH(QStringList, mentions);

    const CliRun run = runCli(arguments);
    QVERIFY2(run.finished && run.exitStatus == QProcess::NormalExit && run.exitCode == 0,
             qPrintable(describe(run)));
    QVERIFY2(run.err.isEmpty(), run.err.constData());
    const QString out = QString::fromUtf8(run.out);
    QVERIFY2(out.startsWith("Usage: attnscope-cli"), qPrintable(out));
    for (const QString& mention : mentions) {
        QVERIFY2(out.contains(mention), qPrintable(mention));
    }
}

void TestCli::version() {
    const CliRun run = runCli({"--version"});
    QVERIFY2(run.finished && run.exitStatus == QProcess::NormalExit && run.exitCode == 0,
             qPrintable(describe(run)));
    QCOMPARE(run.out, QByteArray("attnscope-cli " ATTNSCOPE_VERSION "\n"));
    QVERIFY(run.err.isEmpty());
}

void TestCli::badInvocation_data() {
    QTest::addColumn<QStringList>("arguments");
    // Each must appear in the error line (case-insensitive): the option, file or quantity at fault.
    QTest::addColumn<QStringList>("keywords");

    const QStringList mha{
        "mha", "--state-dict",  "{in}/mha.safetensors", "--query",      "{in}/q.npy", "--heads",
        "2",   "--weights-out", "{out}/W.npy",          "--output-out", "{out}/O.npy"};
    const QStringList cross = mha + QStringList{"--key", "{in}/k.npy", "--value", "{in}/v.npy"};
    const QStringList random{"random", "--seq",  "4", "--embed",       "8",          "--heads",
                             "2",      "--seed", "1", "--weights-out", "{out}/W.npy"};
    const QStringList bench{"bench", "--seq",    "4", "--embed",  "8", "--heads",
                            "2",     "--repeat", "1", "--warmup", "0"};
    auto add = [](const char* name, const QStringList& arguments, const QStringList& keywords) {
        QTest::newRow(name) << arguments << keywords;
    };

    // The command line itself.
    add("no_subcommand", {}, {"subcommand"});
    add("unknown_subcommand", {"frobnicate"}, {"'frobnicate'", "mha"});
    add("unknown_top_level_option", {"--verbose"}, {"'--verbose'"});
    add("unknown_option", mha + QStringList{"--bogus"}, {"'--bogus'"});
    add("misspelled_option", withValue(mha, "--heads", QString()) + QStringList{"--head", "2"},
        {"'--head'"});
    add("missing_value", mha + QStringList{"--scale"}, {"--scale", "value"});
    add("missing_value_before_next_option",
        withValue(mha, "--query", QString()) + QStringList{"--query", "--causal"},
        {"--query", "value"});
    add("flag_with_value", mha + QStringList{"--causal=yes"}, {"--causal"});
    add("repeated_option", mha + QStringList{"--heads", "2"}, {"--heads"});
    add("positional_argument", mha + QStringList{"{in}/k.npy"}, {"k.npy"});
    add("missing_state_dict", withValue(mha, "--state-dict", QString()), {"--state-dict"});
    add("missing_query", withValue(mha, "--query", QString()), {"--query"});
    add("missing_heads", withValue(mha, "--heads", QString()), {"--heads"});
    add("missing_weights_out", withValue(mha, "--weights-out", QString()), {"--weights-out"});
    add("missing_output_out", withValue(mha, "--output-out", QString()), {"--output-out"});
    add("key_without_value", mha + QStringList{"--key", "{in}/k.npy"}, {"--key", "--value"});
    add("non_numeric_heads", withValue(mha, "--heads", "x"), {"--heads", "'x'"});
    add("zero_heads", withValue(mha, "--heads", "0"), {"--heads", "'0'"});
    add("heads_with_trailing_garbage", withValue(mha, "--heads", "2x"), {"--heads", "'2x'"});
    add("heads_beyond_int64", withValue(mha, "--heads", "99999999999999999999"),
        {"--heads", "range"});
    add("negative_threads", mha + QStringList{"--threads", "-1"}, {"--threads", "'-1'"});
    add("absurd_threads", mha + QStringList{"--threads", "1000000"}, {"--threads"});
    add("zero_temperature", mha + QStringList{"--temperature", "0"}, {"--temperature"});
    add("nan_scale", mha + QStringList{"--scale=nan"}, {"--scale", "'nan'"});
    add("negative_scale", mha + QStringList{"--scale", "-1"}, {"--scale"});
    add("zero_memory_budget", mha + QStringList{"--memory-budget-mb", "0"}, {"--memory-budget-mb"});
    add("same_output_file", withValue(mha, "--output-out", "{out}/W.npy"),
        {"--weights-out", "--output-out"});
    add("output_directory_missing", withValue(mha, "--output-out", "{out}/missing/O.npy"),
        {"--output-out", "missing"});
    // Passes the up-front path check but cannot be created (ENAMETOOLONG), after W was written:
    // W must be taken back.
    add("output_write_fails_after_weights",
        withValue(mha, "--output-out", "{out}/" + QString(300, 'o') + ".npy"), {"oooooooooo"});

    // Unreadable or malformed state dicts.
    add("state_dict_not_found", withValue(mha, "--state-dict", "{in}/nope.safetensors"),
        {"nope.safetensors"});
    add("state_dict_is_a_directory", withValue(mha, "--state-dict", "{in}"), {"{in}"});
    add("empty_safetensors", withValue(mha, "--state-dict", "{in}/empty.safetensors"),
        {"empty.safetensors"});
    add("truncated_safetensors", withValue(mha, "--state-dict", "{in}/truncated.safetensors"),
        {"truncated.safetensors"});
    add("oversized_header", withValue(mha, "--state-dict", "{in}/oversized_header.safetensors"),
        {"oversized_header.safetensors", "header"});
    add("header_past_end_of_file",
        withValue(mha, "--state-dict", "{in}/header_past_eof.safetensors"),
        {"header_past_eof.safetensors", "header"});
    add("overlapping_offsets", withValue(mha, "--state-dict", "{in}/overlapping.safetensors"),
        {"overlapping.safetensors", "overlap"});
    add("span_disagrees_with_shape",
        withValue(mha, "--state-dict", "{in}/span_mismatch.safetensors"),
        {"span_mismatch.safetensors"});
    add("offsets_past_data", withValue(mha, "--state-dict", "{in}/offsets_past_data.safetensors"),
        {"offsets_past_data.safetensors"});
    add("unknown_safetensors_dtype",
        withValue(mha, "--state-dict", "{in}/unknown_dtype.safetensors"),
        {"unknown_dtype.safetensors", "Q7"});
    add("header_not_json", withValue(mha, "--state-dict", "{in}/not_json.safetensors"),
        {"not_json.safetensors"});
    add("state_dict_missing_key",
        withValue(mha, "--state-dict", "{in}/missing_out_proj.safetensors"), {"out_proj.weight"});
    add("state_dict_unknown_key", withValue(mha, "--state-dict", "{in}/extra_key.safetensors"),
        {"decoder.weight"});
    add("state_dict_wrong_shape", withValue(mha, "--state-dict", "{in}/in_proj_24x6.safetensors"),
        {"in_proj_weight"});
    add("nan_in_state_dict", withValue(mha, "--state-dict", "{in}/nan_weight.safetensors"),
        {"out_proj.weight"});
    add("heads_not_dividing_embed", withValue(mha, "--heads", "3"), {"divide", "8"});

    // Unreadable or malformed inputs.
    add("query_not_found", withValue(mha, "--query", "{in}/nope.npy"), {"nope.npy"});
    add("garbage_npy", withValue(mha, "--query", "{in}/garbage.npy"), {"garbage.npy"});
    add("empty_npy", withValue(mha, "--query", "{in}/empty.npy"), {"empty.npy"});
    add("npy_header_cut_short", withValue(mha, "--query", "{in}/header_cut.npy"),
        {"header_cut.npy"});
    add("wrong_dtype_npy", withValue(mha, "--query", "{in}/int32.npy"), {"int32.npy", "<i4"});
    add("fortran_order", withValue(mha, "--query", "{in}/fortran.npy"), {"fortran.npy", "fortran"});
    add("npy_data_shorter_than_shape", withValue(mha, "--query", "{in}/short_data.npy"),
        {"short_data.npy"});
    add("npy_shape_overflows", withValue(mha, "--query", "{in}/huge_shape.npy"),
        {"huge_shape.npy"});
    add("npy_negative_dimension", withValue(mha, "--query", "{in}/negative_shape.npy"),
        {"negative_shape.npy"});
    add("bool_npy_as_query", withValue(mha, "--query", "{in}/q_bool.npy"), {"--query"});
    add("query_wrong_rank", withValue(mha, "--query", "{in}/q_rank2.npy"), {"query", "[5, 8]"});
    add("query_wrong_embed", withValue(mha, "--query", "{in}/q_embed6.npy"),
        {"query", "[2, 5, 6]"});
    add("nan_in_query", withValue(mha, "--query", "{in}/q_with_nan.npy"),
        {"query", "nan", "[1, 3, 6]"});
    add("inf_in_key", withValue(cross, "--key", "{in}/k_with_inf.npy"),
        {"key", "inf", "[0, 2, 1]"});
    add("value_shorter_than_key", withValue(cross, "--value", "{in}/v_len6.npy"), {"value"});
    add("key_batch_differs_from_query",
        withValue(withValue(cross, "--key", "{in}/k_batch3.npy"), "--value", "{in}/v_batch3.npy"),
        {"key", "[3, 7, 8]"});
    add("mask_wrong_shape", mha + QStringList{"--key-padding-mask", "{in}/kpm_len4.npy"},
        {"padding", "[2, 4]"});
    add("float_key_padding_mask", mha + QStringList{"--key-padding-mask", "{in}/kpm_float.npy"},
        {"--key-padding-mask"});
    add("attn_mask_wrong_shape", mha + QStringList{"--attn-mask", "{in}/attn_5x4.npy"},
        {"mask", "[5, 4]"});
    add("query_overflowing_float32", withValue(mha, "--query", "{in}/q_huge.npy"), {"overflow"});
    add("scale_overflowing_scores", mha + QStringList{"--scale", "3e38"}, {"overflow"});
    add("temperature_overflowing_scores",
        mha + QStringList{"--scale", "1000", "--temperature", "1e-38"}, {"overflow"});
    add("nan_in_additive_mask", mha + QStringList{"--attn-mask", "{in}/attn_nan.npy"},
        {"mask", "nan"});

    // random and bench.
    add("random_heads_not_dividing_embed", withValue(random, "--heads", "3"), {"divide", "8"});
    add("random_unknown_distribution", random + QStringList{"--distribution", "cauchy"},
        {"--distribution", "cauchy"});
    add("random_negative_seed", withValue(random, "--seed", "-1"), {"--seed"});
    add("random_seed_beyond_uint64", withValue(random, "--seed", "18446744073709551616"),
        {"--seed"});
    add("random_missing_seed", withValue(random, "--seed", QString()), {"--seed"});
    add("random_zero_batch", random + QStringList{"--batch", "0"}, {"--batch"});
    add("memory_budget_exceeded",
        withValue(random, "--seq", "4096") + QStringList{"--memory-budget-mb", "16"}, {"budget"});
    add("random_sizes_overflowing_the_estimate",
        withValue(withValue(random, "--seq", "4611686018427387904"), "--embed",
                  "4611686018427387904"),
        {"budget"});
    add("show_missing_weights", {"show"}, {"--weights"});
    add("show_mask_instead_of_weights", {"show", "--weights", "{in}/q_bool.npy"}, {"q_bool.npy"});
    add("show_head_out_of_range", {"show", "--weights", "{in}/q.npy", "--head", "9"},
        {"--head", "9"});
    add("show_index_out_of_range", {"show", "--weights", "{in}/q.npy", "--index", "2"},
        {"--index", "2"});
    add("bench_zero_repeat", withValue(bench, "--repeat", "0"), {"--repeat"});
    add("bench_negative_warmup", withValue(bench, "--warmup", "-2"), {"--warmup"});
    add("bench_heads_not_dividing_embed", withValue(bench, "--heads", "5"), {"divide", "8"});
    add("bench_memory_budget_exceeded",
        withValue(bench, "--seq", "8192") + QStringList{"--memory-budget-mb", "16"}, {"budget"});
    add("bench_key_seq_memory_budget_exceeded",
        bench + QStringList{"--key-seq", "1000000000", "--memory-budget-mb", "64"}, {"budget"});
}

void TestCli::badInvocation() {
    QFETCH(QStringList, arguments);
    QFETCH(QStringList, keywords);

    QTemporaryDir outputs;
    QVERIFY(outputs.isValid());
    const CliRun run = runCli(substituted(arguments, m_inputs.path(), outputs.path()));
    keywords = substituted(keywords, m_inputs.path(), outputs.path());
    QVERIFY2(run.finished, "timed out");
    QVERIFY2(run.exitStatus == QProcess::NormalExit, qPrintable(describe(run)));
    QVERIFY2(run.exitCode == 2, qPrintable(describe(run)));
    QVERIFY2(run.out.isEmpty(), qPrintable(describe(run)));

    QVERIFY2(run.err.endsWith('\n') && run.err.count('\n') == 1, qPrintable(describe(run)));
    const QString command =
        arguments.isEmpty() || arguments[0].startsWith('-') ||
                !QStringList{"mha", "random", "bench", "show"}.contains(arguments[0])
            ? QString()
            : ' ' + arguments[0];
    const QString line = QString::fromUtf8(run.err);
    QVERIFY2(line.startsWith("attnscope-cli" + command + ": error: "), qPrintable(line));
    for (const QString& keyword : keywords) {
        QVERIFY2(line.contains(keyword, Qt::CaseInsensitive),
                 qPrintable(QStringLiteral("'%1' not in: %2").arg(keyword, line)));
    }

    // Nothing at all in the output directory: no result and no temporary file left behind.
    const QStringList left =
        QDir(outputs.path())
            .entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System);
    QVERIFY2(left.isEmpty(), qPrintable(left.join(", ")));
}

void TestCli::randomWeights_data() {
    QTest::addColumn<RandomSpec>("spec");
    QTest::addColumn<bool>("causal");
    QTest::addColumn<float>("temperature");

    auto add = [](const char* name, std::int64_t batch, std::int64_t seq, std::int64_t embed,
                  std::int64_t heads, std::uint64_t seed, Distribution distribution, bool causal,
                  float temperature) {
        RandomSpec spec;
        spec.batch = batch;
        spec.seq = seq;
        spec.embed = embed;
        spec.heads = heads;
        spec.seed = seed;
        spec.distribution = distribution;
        QTest::newRow(name) << spec << causal << temperature;
    };
    add("b1_s1_e1_h1", 1, 1, 1, 1, 0, Distribution::Normal, false, 1.0f);
    add("b1_s1_e4_h2_causal", 1, 1, 4, 2, 3, Distribution::Normal, true, 1.0f);
    add("b2_s5_e8_h2", 2, 5, 8, 2, 42, Distribution::Normal, false, 1.0f);
    add("b3_s17_e12_h3_causal", 3, 17, 12, 3, 7, Distribution::Normal, true, 1.0f);
    add("b1_s9_e16_h16_headdim1_causal", 1, 9, 16, 16, 11, Distribution::Normal, true, 1.0f);
    add("b2_s7_e8_h1_uniform", 2, 7, 8, 1, 5, Distribution::Uniform, false, 1.0f);
    add("b1_s6_e8_h4_temperature3", 1, 6, 8, 4, 9, Distribution::Normal, false, 3.0f);
    add("b1_s33_e24_h6_seed_max_causal", 1, 33, 24, 6, UINT64_MAX, Distribution::Normal, true,
        0.5f);
}

void TestCli::randomWeights() {
    QFETCH(RandomSpec, spec);
    QFETCH(bool, causal);
    QFETCH(float, temperature);

    QTemporaryDir outputs;
    QVERIFY(outputs.isValid());
    const QString out = outputs.path();
    QStringList arguments{"random",
                          "--batch",
                          QString::number(spec.batch),
                          "--seq",
                          QString::number(spec.seq),
                          "--embed=" + QString::number(spec.embed),
                          "--heads",
                          QString::number(spec.heads),
                          "--seed",
                          QString::number(spec.seed),
                          "--distribution",
                          QString::fromStdString(distributionName(spec.distribution)),
                          "--temperature",
                          QString::number(double(temperature)),
                          "--weights-out",
                          out + "/W.npy",
                          "--output-out",
                          out + "/O.npy",
                          "--input-out",
                          out + "/X.npy"};
    if (causal) {
        arguments << "--causal";
    }
    const CliRun run = runCli(arguments);
    QVERIFY2(run.finished && run.exitStatus == QProcess::NormalExit && run.exitCode == 0,
             qPrintable(describe(run)));
    QVERIFY(run.out.isEmpty() && run.err.isEmpty());

    const Tensor weights = npy::readFloat(path(out, "W.npy"), "W");
    const Tensor output = npy::readFloat(path(out, "O.npy"), "O");
    const Tensor input = npy::readFloat(path(out, "X.npy"), "X");
    const std::int64_t B = spec.batch, H = spec.heads, S = spec.seq, E = spec.embed;
    QCOMPARE(shapeText(weights.shape()), shapeText({B, H, S, S}));
    QCOMPARE(shapeText(output.shape()), shapeText({B, S, E}));
    QCOMPARE(shapeText(input.shape()), shapeText({B, S, E}));

    for (std::int64_t row = 0; row < B * H * S; ++row) {
        const std::int64_t i = row % S;
        double sum = 0.0;
        for (std::int64_t j = 0; j < S; ++j) {
            const float w = weights[row * S + j];
            QVERIFY2(w >= 0.0f && w <= 1.0f, qPrintable(QString::number(double(w))));
            if (causal && j > i) {
                QCOMPARE(w, 0.0f);
            }
            sum += w;
        }
        QVERIFY2(std::abs(sum - 1.0) <= 1e-5,
                 qPrintable(QStringLiteral("row %1 sums to %2").arg(row).arg(sum, 0, 'g', 10)));
    }
    if (spec.distribution == Distribution::Uniform) {
        for (const float x : input.values()) {
            QVERIFY(std::abs(x) <= std::sqrt(3.0f));
        }
    }

    // The CLI must pass seed, sizes, distribution, mask and temperature through unchanged.
    RandomProblem problem = makeRandomProblem(spec);
    QVERIFY(bitwiseEqual(input, problem.input));
    const MultiHeadAttention module(problem.weights);
    MultiHeadMasks masks;
    masks.causal = causal;
    AttentionParams params;
    params.temperature = temperature;
    const AttentionResult expected = module.forward(problem.input, nullptr, nullptr, masks, params);
    QVERIFY(bitwiseEqual(weights, expected.weights));
    QVERIFY(bitwiseEqual(output, expected.output));
    if (temperature != 1.0f && S > 1) {
        const AttentionResult plain = module.forward(problem.input, nullptr, nullptr, masks);
        QVERIFY2(!bitwiseEqual(weights, plain.weights), "--temperature had no effect");
    }
}

void TestCli::bench_data() {
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QList<int>>("batchSeqKeySeqEmbedHeads");
    QTest::addColumn<int>("threads"); ///< -1: every core
    QTest::addColumn<bool>("needWeights");
    QTest::addColumn<int>("repeat");

    QTest::newRow("defaults") << QStringList{"--seq", "8", "--embed", "16", "--heads", "4"}
                              << QList<int>{1, 8, 8, 16, 4} << -1 << true << 10;
    QTest::newRow("cross_attention_key_seq")
        << QStringList{"--seq",   "6", "--key-seq", "11", "--embed",  "8",
                       "--heads", "2", "--repeat",  "3",  "--warmup", "0"}
        << QList<int>{1, 6, 11, 8, 2} << -1 << true << 3;
    QTest::newRow("no_weights_batch3")
        << QStringList{"--seq", "5",        "--embed", "12",           "--heads",
                       "3",     "--batch",  "3",       "--no-weights", "--repeat",
                       "4",     "--warmup", "1"}
        << QList<int>{3, 5, 5, 12, 3} << -1 << false << 4;
    QTest::newRow("threads_2_seed") << QStringList{"--seq=16",    "--embed=32", "--heads=8",
                                                   "--threads=2", "--repeat=2", "--seed=99"}
                                    << QList<int>{1, 16, 16, 32, 8} << 2 << true << 2;
    QTest::newRow("threads_0_is_every_core")
        << QStringList{"--seq", "4",         "--embed", "4",        "--heads",
                       "1",     "--threads", "0",       "--repeat", "1"}
        << QList<int>{1, 4, 4, 4, 1} << -1 << true << 1;
}

void TestCli::bench() {
    QFETCH(QStringList, arguments);
    QFETCH(QList<int>, batchSeqKeySeqEmbedHeads);
    QFETCH(int, threads);
    QFETCH(bool, needWeights);
    QFETCH(int, repeat);

    const CliRun run = runCli(QStringList{"bench"} + arguments);
    QVERIFY2(run.finished && run.exitStatus == QProcess::NormalExit && run.exitCode == 0,
             qPrintable(describe(run)));
    QVERIFY(run.err.isEmpty());
    QVERIFY2(run.out.endsWith('\n') && run.out.count('\n') == 1, run.out.constData());

    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(run.out, &error);
    QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
    QVERIFY(document.isObject());
    const QJsonObject json = document.object();

    // QJsonObject forgets the order, so the order is checked on the text itself.
    const QStringList keys{"command", "batch",   "seq",          "key_seq", "embed",
                           "heads",   "threads", "need_weights", "repeat",  "median_ms",
                           "min_ms",  "max_ms",  "gflops"};
    QCOMPARE(json.size(), keys.size());
    qsizetype previous = -1;
    for (const QString& key : keys) {
        const qsizetype at = run.out.indexOf(('"' + key + "\":").toUtf8());
        QVERIFY2(at > previous, qPrintable(key));
        previous = at;
    }

    QCOMPARE(json["command"].toString(), QString("bench"));
    const QStringList sizeKeys{"batch", "seq", "key_seq", "embed", "heads"};
    for (qsizetype i = 0; i < sizeKeys.size(); ++i) {
        QVERIFY2(json[sizeKeys[i]].isDouble(), qPrintable(sizeKeys[i]));
        QCOMPARE(json[sizeKeys[i]].toInt(-1), batchSeqKeySeqEmbedHeads[i]);
    }
    QCOMPARE(json["threads"].toInt(-1), threads < 0 ? hardwareThreads() : threads);
    QVERIFY(json["need_weights"].isBool());
    QCOMPARE(json["need_weights"].toBool(), needWeights);
    QCOMPARE(json["repeat"].toInt(-1), repeat);
    for (const char* key : {"median_ms", "min_ms", "max_ms", "gflops"}) {
        QVERIFY2(json[key].isDouble() && json[key].toDouble() > 0.0, key);
    }
    QVERIFY(json["min_ms"].toDouble() <= json["median_ms"].toDouble());
    QVERIFY(json["median_ms"].toDouble() <= json["max_ms"].toDouble());
}

void TestCli::mhaMatchesLibrary_data() {
    QTest::addColumn<MhaCase>("testCase");

    QTest::newRow("self_b2_s5_e8_h2") << MhaCase{};
    QTest::newRow("self_b1_s1_e1_h1") << MhaCase{.batch = 1, .seq = 1, .embed = 1, .heads = 1};
    QTest::newRow("head_dim1_e4_h4") << MhaCase{.seq = 3, .embed = 4, .heads = 4};
    QTest::newRow("cross_s5_t7") << MhaCase{.keySeq = 7};
    QTest::newRow("cross_t1") << MhaCase{.keySeq = 1};
    QTest::newRow("separate_projections_kdim3_vdim5") << MhaCase{.keySeq = 4, .kdim = 3, .vdim = 5};
    QTest::newRow("no_bias") << MhaCase{.bias = false};
    QTest::newRow("causal_self_s6_e12_h3")
        << MhaCase{.seq = 6, .embed = 12, .heads = 3, .causal = true};
    QTest::newRow("causal_cross_s3_t6") << MhaCase{.seq = 3, .keySeq = 6, .causal = true};
    QTest::newRow("key_padding_cross") << MhaCase{.keySeq = 7, .keyPadding = true};
    QTest::newRow("key_padding_whole_batch") << MhaCase{.keyPadding = true, .padWholeBatch = true};
    QTest::newRow("bool_mask_2d") << MhaCase{.keySeq = 6, .attnMask = "bool2d"};
    QTest::newRow("bool_mask_3d_causal") << MhaCase{.causal = true, .attnMask = "bool3d"};
    QTest::newRow("float_mask_2d") << MhaCase{.keySeq = 4, .attnMask = "float2d"};
    QTest::newRow("float_mask_3d_with_padding")
        << MhaCase{.keySeq = 6, .keyPadding = true, .attnMask = "float3d"};
    QTest::newRow("add_zero_attn") << MhaCase{.keySeq = 3, .addZeroAttn = true};
    QTest::newRow("bias_kv_key_padding")
        << MhaCase{.keySeq = 5, .biasKv = true, .keyPadding = true};
    QTest::newRow("bias_kv_zero_attn_causal")
        << MhaCase{.biasKv = true, .addZeroAttn = true, .causal = true};
    QTest::newRow("scale_0_25") << MhaCase{.scale = 0.25f};
    QTest::newRow("temperature_2_5") << MhaCase{.keySeq = 3, .temperature = 2.5f};
    QTest::newRow("threads_1") << MhaCase{
        .seq = 9, .keySeq = 11, .embed = 16, .heads = 4, .threads = 1};
    QTest::newRow("threads_3") << MhaCase{
        .seq = 9, .keySeq = 11, .embed = 16, .heads = 4, .threads = 3};
}

void TestCli::mhaMatchesLibrary() {
    QFETCH(MhaCase, testCase);
    const MhaCase& c = testCase;

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString d = dir.path();
    std::mt19937 generator(1234);
    const std::int64_t E = c.embed;
    const std::int64_t T = c.keySeq > 0 ? c.keySeq : c.seq;
    const std::int64_t kdim = c.kdim > 0 ? c.kdim : E;
    const std::int64_t vdim = c.vdim > 0 ? c.vdim : E;
    const float stddev = 1.0f / std::sqrt(float(E));

    // The reference is built from the tensors themselves, not from the file, so that a mix-up of
    // state_dict names in the CLI or in fromStateDict shows up as a difference.
    MultiHeadAttentionWeights weights;
    weights.numHeads = c.heads;
    weights.addZeroAttention = c.addZeroAttn;
    std::vector<std::pair<std::string, Tensor>> stateDict;
    if (c.kdim > 0) {
        weights.qProjWeight = randomTensor({E, E}, generator, stddev);
        weights.kProjWeight = randomTensor({E, kdim}, generator, stddev);
        weights.vProjWeight = randomTensor({E, vdim}, generator, stddev);
        stateDict.emplace_back("q_proj_weight", weights.qProjWeight);
        stateDict.emplace_back("k_proj_weight", weights.kProjWeight);
        stateDict.emplace_back("v_proj_weight", weights.vProjWeight);
    } else {
        weights.inProjWeight = randomTensor({3 * E, E}, generator, stddev);
        stateDict.emplace_back("in_proj_weight", weights.inProjWeight);
    }
    if (c.bias) {
        weights.inProjBias = randomTensor({3 * E}, generator, 0.1f);
        stateDict.emplace_back("in_proj_bias", weights.inProjBias);
    }
    if (c.biasKv) {
        weights.biasK = randomTensor({1, 1, E}, generator);
        weights.biasV = randomTensor({1, 1, E}, generator);
        stateDict.emplace_back("bias_k", weights.biasK);
        stateDict.emplace_back("bias_v", weights.biasV);
    }
    weights.outProjWeight = randomTensor({E, E}, generator, stddev);
    stateDict.emplace_back("out_proj.weight", weights.outProjWeight);
    if (c.bias) {
        weights.outProjBias = randomTensor({E}, generator, 0.1f);
        stateDict.emplace_back("out_proj.bias", weights.outProjBias);
    }
    safetensors::write(path(d, "sd.safetensors"), stateDict);

    const Tensor query = randomTensor({c.batch, c.seq, E}, generator);
    npy::write(path(d, "q.npy"), query);
    QStringList arguments{"mha",
                          "--state-dict",
                          d + "/sd.safetensors",
                          "--query",
                          d + "/q.npy",
                          "--heads=" + QString::number(c.heads),
                          "--weights-out=" + d + "/W.npy",
                          "--output-out",
                          d + "/O.npy"};
    std::optional<Tensor> key;
    std::optional<Tensor> value;
    if (c.keySeq > 0) {
        key = randomTensor({c.batch, T, kdim}, generator);
        value = randomTensor({c.batch, T, vdim}, generator);
        npy::write(path(d, "k.npy"), *key);
        npy::write(path(d, "v.npy"), *value);
        arguments << "--key" << d + "/k.npy"
                  << "--value" << d + "/v.npy";
    }

    MultiHeadMasks masks;
    masks.causal = c.causal;
    if (c.causal) {
        arguments << "--causal";
    }
    std::optional<MaskTensor> keyPadding;
    if (c.keyPadding) {
        keyPadding = randomMask({c.batch, T}, generator, 0.3);
        if (c.padWholeBatch) {
            for (std::int64_t t = 0; t < T; ++t) {
                keyPadding->at({0, t}) = 1;
            }
        }
        npy::write(path(d, "kpm.npy"), *keyPadding);
        arguments << "--key-padding-mask" << d + "/kpm.npy";
        masks.keyPadding = &*keyPadding;
    }
    std::optional<MaskTensor> hidden;
    std::optional<Tensor> additive;
    if (!c.attnMask.isEmpty()) {
        const Shape shape =
            c.attnMask.endsWith("3d") ? Shape{c.batch * c.heads, c.seq, T} : Shape{c.seq, T};
        if (c.attnMask.startsWith("bool")) {
            hidden = randomMask(shape, generator, 0.25);
            npy::write(path(d, "attn.npy"), *hidden);
            masks.hidden = &*hidden;
        } else {
            additive = randomTensor(shape, generator);
            for (std::int64_t i = 0; i < additive->numel(); i += 3) {
                (*additive)[i] = -std::numeric_limits<float>::infinity();
            }
            npy::write(path(d, "attn.npy"), *additive);
            masks.additive = &*additive;
        }
        arguments << "--attn-mask" << d + "/attn.npy";
    }
    if (c.addZeroAttn) {
        arguments << "--add-zero-attn";
    }
    AttentionParams params;
    if (c.scale > 0.0f) {
        params.scale = c.scale;
        arguments << "--scale" << QString::number(double(c.scale));
    }
    params.temperature = c.temperature;
    arguments << "--temperature" << QString::number(double(c.temperature));
    ComputeOptions options;
    options.threads = c.threads;
    arguments << "--threads" << QString::number(c.threads);

    const CliRun run = runCli(arguments);
    QVERIFY2(run.finished && run.exitStatus == QProcess::NormalExit && run.exitCode == 0,
             qPrintable(describe(run)));
    QVERIFY(run.out.isEmpty() && run.err.isEmpty());

    const Tensor cliWeights = npy::readFloat(path(d, "W.npy"), "W");
    const Tensor cliOutput = npy::readFloat(path(d, "O.npy"), "O");
    const std::int64_t extraKeys = (c.biasKv ? 1 : 0) + (c.addZeroAttn ? 1 : 0);
    QCOMPARE(shapeText(cliWeights.shape()), shapeText({c.batch, c.heads, c.seq, T + extraKeys}));
    QCOMPARE(shapeText(cliOutput.shape()), shapeText({c.batch, c.seq, E}));

    const MultiHeadAttention module(weights);
    const AttentionResult expected = module.forward(
        query, key ? &*key : nullptr, value ? &*value : nullptr, masks, params, options);
    QVERIFY(bitwiseEqual(cliWeights, expected.weights));
    QVERIFY(bitwiseEqual(cliOutput, expected.output));

    if (c.padWholeBatch) {
        // Batch 0 has nothing to attend to: all-zero weights (see AttentionMasks), not NaN.
        for (std::int64_t i = 0; i < c.heads * c.seq * T; ++i) {
            QCOMPARE(cliWeights[i], 0.0f);
        }
    }
}

void TestCli::threadCountDoesNotChangeFiles_data() {
    QTest::addColumn<QStringList>("arguments");

    const QStringList mha{
        "mha", "--state-dict",  "{in}/big.safetensors", "--query",      "{in}/big_q.npy", "--heads",
        "4",   "--weights-out", "{out}/W.npy",          "--output-out", "{out}/O.npy"};
    QTest::newRow("mha_self") << mha;
    QTest::newRow("mha_cross_masked_causal")
        << mha + QStringList{"--key",          "{in}/big_k.npy",     "--value",
                             "{in}/big_v.npy", "--key-padding-mask", "{in}/big_kpm.npy",
                             "--attn-mask",    "{in}/big_attn.npy",  "--causal"};
    QTest::newRow("random_b2_s64_e32_h4") << QStringList{
        "random",       "--batch",    "2",      "--seq", "64",       "--embed",       "32",
        "--heads",      "4",          "--seed", "5",     "--causal", "--weights-out", "{out}/W.npy",
        "--output-out", "{out}/O.npy"};
}

void TestCli::threadCountDoesNotChangeFiles() {
    QFETCH(QStringList, arguments);

    QList<QByteArray> reference;
    for (const int threads : {1, 2, 3}) {
        QTemporaryDir outputs;
        QVERIFY(outputs.isValid());
        const CliRun run = runCli(substituted(arguments, m_inputs.path(), outputs.path()) +
                                  QStringList{"--threads", QString::number(threads)});
        QVERIFY2(run.finished && run.exitStatus == QProcess::NormalExit && run.exitCode == 0,
                 qPrintable(describe(run)));
        QList<QByteArray> files;
        for (const char* name : {"W.npy", "O.npy"}) {
            QFile file(outputs.filePath(name));
            QVERIFY(file.open(QIODevice::ReadOnly));
            files << file.readAll();
            QVERIFY(files.back().size() > 128);
        }
        if (reference.isEmpty()) {
            reference = files;
        } else {
            QVERIFY2(files[0] == reference[0],
                     qPrintable(QStringLiteral("W, threads %1").arg(threads)));
            QVERIFY2(files[1] == reference[1],
                     qPrintable(QStringLiteral("O, threads %1").arg(threads)));
        }
    }
}

void TestCli::showPrintsEveryHead() {
    QTemporaryDir outputs;
    const QString weights = outputs.filePath("W.npy");
    const CliRun random = runCli({"random", "--seq", "3", "--embed", "8", "--heads", "2", "--seed",
                                  "4", "--weights-out", weights});
    QVERIFY2(random.exitCode == 0, qPrintable(describe(random)));
    const CliRun run = runCli({"show", "--weights", weights});
    QVERIFY2(run.finished && run.exitCode == 0, qPrintable(describe(run)));
    const QString out = QString::fromUtf8(run.out);
    QVERIFY2(out.contains("head 0 (3 queries x 3 keys)") && out.contains("head 1 "),
             qPrintable(out));
    // The printed numbers are the file's, to three decimals.
    const Tensor w = npy::readFloat(weights.toStdString(), "W");
    const QString first = QString::asprintf("%.3f", static_cast<double>(w[0]));
    QVERIFY2(out.contains("    0 | " + first), qPrintable(out));
    const CliRun one = runCli({"show", "--weights", weights, "--head", "1"});
    QVERIFY(!QString::fromUtf8(one.out).contains("head 0"));
}

QTEST_GUILESS_MAIN(TestCli)
#include "test_cli.moc"
