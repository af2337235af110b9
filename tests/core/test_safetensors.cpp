// Tests of the safetensors reader and writer: round trips, the Rust crate's layout, bit-exact
// F16/BF16/F64 conversion, every validation error, and a deterministic mutation loop that may only
// ever produce attnscope::Error.
#include "core/base/error.h"
#include "core/formats/safetensors.h"
#include "tests/common/errormessages.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <random>
#include <span>
#include <string>
#include <utility>
#include <vector>

using namespace attnscope;
using testing::fileMessageProblem;

using NamedTensors = std::vector<std::pair<std::string, Tensor>>;
using Metadata = std::map<std::string, std::string>;
Q_DECLARE_METATYPE(NamedTensors)
Q_DECLARE_METATYPE(Metadata)

namespace {

/**
 * Tensors from literal values. Spelled as a function so that the braces pick one constructor
 * whatever overloads BasicTensor grows.
 */
Tensor tensorOf(Shape shape, const std::vector<float>& values) {
    return Tensor(std::move(shape), values);
}

std::span<const std::byte> asBytes(const std::string& bytes) {
    return std::as_bytes(std::span(bytes.data(), bytes.size()));
}

QByteArray toQByteArray(const std::string& bytes) {
    return QByteArray(bytes.data(), static_cast<qsizetype>(bytes.size()));
}

std::string fromQByteArray(const QByteArray& bytes) {
    return std::string(bytes.constData(), static_cast<std::size_t>(bytes.size()));
}

template <typename U> std::string littleEndian(U value) {
    std::string out;
    for (std::size_t i = 0; i < sizeof(U); ++i)
        out += static_cast<char>((value >> (8 * i)) & 0xff);
    return out;
}

/** A safetensors file: 8-byte little-endian header length, the header as given, the data. */
std::string makeFile(const std::string& json, const std::string& data = {}) {
    return littleEndian<std::uint64_t>(json.size()) + json + data;
}

std::string floatBytes(std::initializer_list<float> values) {
    std::string out;
    for (float value : values)
        out += littleEndian(std::bit_cast<std::uint32_t>(value));
    return out;
}

std::string doubleBytes(std::initializer_list<double> values) {
    std::string out;
    for (double value : values)
        out += littleEndian(std::bit_cast<std::uint64_t>(value));
    return out;
}

std::string halfBytes(std::initializer_list<std::uint16_t> values) {
    std::string out;
    for (std::uint16_t value : values)
        out += littleEndian(value);
    return out;
}

/** A JSON object of header entries. (Joined with append: GCC 12's -Wrestrict misfires on
 * "literal" + std::string.) */
std::string object(std::initializer_list<std::string> entries) {
    std::string out = "{";
    for (const std::string& e : entries) {
        if (out.size() > 1)
            out += ',';
        out += e;
    }
    out += '}';
    return out;
}

/** One header entry as the Rust crate writes it. */
std::string entry(const std::string& name, const std::string& dtype, const std::string& shape,
                  const std::string& offsets) {
    return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape +
           ",\"data_offsets\":" + offsets + "}";
}

QList<quint32> floatBits(std::span<const float> values) {
    QList<quint32> bits;
    for (float value : values)
        bits.append(std::bit_cast<quint32>(value));
    return bits;
}

/** Empty when `message` is one line that starts with the file and contains every fragment. */
void writeBytes(const QString& path, const std::string& bytes) {
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) ||
        file.write(bytes.data(), static_cast<qint64>(bytes.size())) !=
            static_cast<qint64>(bytes.size()))
        throw std::runtime_error("cannot write test file " + path.toStdString());
}

/**
 * Opens `bytes` as a file and converts every tensor; returns the Error message, or "<accepted>".
 * Exceptions other than Error propagate and fail the test.
 */
QString openError(const QString& path, const std::string& bytes) {
    writeBytes(path, bytes);
    try {
        const auto file = safetensors::File::open(path.toStdString());
        for (const std::string& name : file.names())
            (void)file.toFloat(name);
    } catch (const Error& error) {
        return QString::fromStdString(error.what());
    }
    return QStringLiteral("<accepted>");
}

/** A valid file with every supported dtype and an odd header length, so the data is unaligned. */
std::string mixedFile() {
    const std::string json =
        object({R"("__metadata__":{"format":"pt"})", entry("bf16", "BF16", "[2]", "[0,4]"),
                entry("half", "F16", "[1,2]", "[4,8]"), entry("double", "F64", "[]", "[8,16]"),
                entry("single", "F32", "[2]", "[16,24]")});
    return makeFile(json, halfBytes({0x3f80, 0xc0a0}) + halfBytes({0x3c00, 0xc000}) +
                              doubleBytes({0.1}) + floatBytes({1.5f, -0.25f}));
}

class Bytes {
public:
    explicit Bytes(std::uint32_t seed)
        : m_engine(seed) {}
    std::uint32_t below(std::uint32_t n) { return static_cast<std::uint32_t>(m_engine() % n); }
    char byte() { return static_cast<char>(m_engine() & 0xff); }

private:
    // mt19937's output is fixed by the standard (its distributions are not), so every platform
    // runs the same mutations.
    std::mt19937 m_engine;
};

} // namespace

class TestSafetensors : public QObject {
    Q_OBJECT

private slots:
    void roundTripsThroughFiles_data();
    void roundTripsThroughFiles();
    void writesTheRustCrateLayout();
    void readsEveryDtypeFromUnalignedData();
    void convertsHalfPrecisionBitExactly_data();
    void convertsHalfPrecisionBitExactly();
    void convertsFloat64ToNearestFloat_data();
    void convertsFloat64ToNearestFloat();
    void opensIntegerTensorsAndConvertsThem();
    void acceptsEdgeCases_data();
    void acceptsEdgeCases();
    void rejectsMalformedFiles_data();
    void rejectsMalformedFiles();
    void rejectsEveryTruncation();
    void parseHeaderRefusesBeforeReading();
    void reportsMissingFilesAndTensors();
    void refusesToWriteInvalidInput();
    void survivesRandomBytesAndMutations();
};

void TestSafetensors::roundTripsThroughFiles_data() {
    QTest::addColumn<NamedTensors>("tensors");
    QTest::addColumn<Metadata>("metadata");

    const float inf = std::numeric_limits<float>::infinity();
    QTest::newRow("rank1_single_tensor")
        << NamedTensors{{"w", tensorOf({3}, {1.0f, 2.0f, 3.0f})}} << Metadata{};
    QTest::newRow("rank0_scalar") << NamedTensors{{"scale", tensorOf({}, {0.125f})}} << Metadata{};
    QTest::newRow("ranks_1_to_4") << NamedTensors{{"r1", Tensor({5}, 1.5f)},
                                                  {"r2", Tensor({2, 3}, -2.0f)},
                                                  {"r3", Tensor({3, 1, 2}, 0.5f)},
                                                  {"r4", Tensor({2, 1, 3, 2}, 7.0f)}}
                                  << Metadata{{"format", "pt"}};
    QTest::newRow("zero_size_between_others") << NamedTensors{{"a", tensorOf({2}, {1.0f, 2.0f})},
                                                              {"empty", Tensor({0, 4})},
                                                              {"b", tensorOf({1}, {3.0f})}}
                                              << Metadata{};
    QTest::newRow("special_values")
        << NamedTensors{{"s",
                         tensorOf({6}, {-0.0f, inf, -inf, std::numeric_limits<float>::denorm_min(),
                                        std::numeric_limits<float>::max(), 1e-30f})}}
        << Metadata{};
    QTest::newRow("names_and_metadata_needing_escapes")
        << NamedTensors{{"encoder.layer.0.wörd", tensorOf({1}, {1.0f})},
                        {"quote\"back\\slash", tensorOf({1}, {2.0f})},
                        {"tab\tnewline\ncontrol\x01", tensorOf({1}, {3.0f})}}
        << Metadata{{"note", "ünïcode \"quoted\" \\ \n"}, {"", "empty key"}};
    QTest::newRow("metadata_only") << NamedTensors{} << Metadata{{"k", "v"}};
    QTest::newRow("nothing_at_all") << NamedTensors{} << Metadata{};
    NamedTensors many;
    for (int i = 0; i < 50; ++i) {
        std::string name = "t";
        name += std::to_string(100 + i);
        many.emplace_back(name, Tensor({i % 4 + 1}, static_cast<float>(i) / 7.0f));
    }
    QTest::newRow("fifty_tensors") << many << Metadata{};
}

void TestSafetensors::roundTripsThroughFiles() {
    QFETCH(NamedTensors, tensors);
    QFETCH(Metadata, metadata);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string path = dir.filePath("model.safetensors").toStdString();
    safetensors::write(path, tensors, metadata);

    auto opened = safetensors::File::open(path);
    const safetensors::File file = std::move(opened); // the mapping must survive a move
    QCOMPARE(file.path(), path);
    QCOMPARE(file.header().metadata, metadata);
    QCOMPARE(file.header().dataOffset % 8, std::uint64_t{0});
    std::vector<std::string> expectedNames;
    for (const auto& [name, tensor] : tensors)
        expectedNames.push_back(name);
    QCOMPARE(file.names(), expectedNames);
    for (const auto& [name, tensor] : tensors) {
        QVERIFY(file.contains(name));
        QCOMPARE(file.find(name)->dtype, safetensors::DType::F32);
        const Tensor back = file.toFloat(name);
        QCOMPARE(back.shape(), tensor.shape());
        QCOMPARE(floatBits(back.values()), floatBits(tensor.values()));
    }
}

void TestSafetensors::writesTheRustCrateLayout() {
    // Compact JSON, __metadata__ first, tensors in the given order, spaces up to a multiple of 8.
    const std::string json = R"({"__metadata__":{"format":"pt"},)"
                             R"("b":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                             R"("a":{"dtype":"F32","shape":[],"data_offsets":[8,12]}})";
    const std::string padded = json + std::string((8 - json.size() % 8) % 8, ' ');
    QCOMPARE(toQByteArray(safetensors::serialize(
                 {{"b", tensorOf({2}, {1.0f, 2.0f})}, {"a", tensorOf({}, {-1.0f})}},
                 {{"format", "pt"}})),
             toQByteArray(makeFile(padded, floatBytes({1.0f, 2.0f, -1.0f}))));
    // Without tensors or metadata: "{}" and six spaces, no __metadata__ key.
    QCOMPARE(toQByteArray(safetensors::serialize({})), toQByteArray(makeFile("{}      ")));
}

void TestSafetensors::readsEveryDtypeFromUnalignedData() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath("mixed.safetensors");
    writeBytes(path, mixedFile());
    const auto file = safetensors::File::open(path.toStdString());

    QVERIFY(file.header().dataOffset % 4 != 0); // the F32 data really is misaligned
    QCOMPARE(file.header().metadata, (Metadata{{"format", "pt"}}));
    QCOMPARE(file.names(), (std::vector<std::string>{"bf16", "half", "double", "single"}));
    QCOMPARE(file.find("half")->dtype, safetensors::DType::F16);
    QCOMPARE(file.find("half")->shape, (Shape{1, 2}));
    QCOMPARE(file.find("bf16")->dtype, safetensors::DType::BF16);
    QCOMPARE(file.find("double")->dtype, safetensors::DType::F64);
    QCOMPARE(file.find("double")->begin, std::uint64_t{8});
    QCOMPARE(file.find("double")->end, std::uint64_t{16});
    QCOMPARE(file.toFloat("bf16"), tensorOf({2}, {1.0f, -5.0f}));
    QCOMPARE(file.toFloat("half"), tensorOf({1, 2}, {1.0f, -2.0f}));
    QCOMPARE(file.toFloat("double"), tensorOf({}, {0.1f}));
    QCOMPARE(file.toFloat("single"), tensorOf({2}, {1.5f, -0.25f}));
}

void TestSafetensors::convertsHalfPrecisionBitExactly_data() {
    QTest::addColumn<QString>("dtype");
    QTest::addColumn<quint16>("stored");
    QTest::addColumn<quint32>("expected");

    // F16 expectations are numpy's float16 → float32 conversion of the same bits.
    QTest::newRow("f16_positive_zero") << "F16" << quint16(0x0000) << quint32(0x00000000);
    QTest::newRow("f16_negative_zero") << "F16" << quint16(0x8000) << quint32(0x80000000);
    QTest::newRow("f16_smallest_subnormal") << "F16" << quint16(0x0001) << quint32(0x33800000);
    QTest::newRow("f16_negative_smallest_subnormal")
        << "F16" << quint16(0x8001) << quint32(0xb3800000);
    QTest::newRow("f16_largest_subnormal") << "F16" << quint16(0x03ff) << quint32(0x387fc000);
    QTest::newRow("f16_mid_subnormal") << "F16" << quint16(0x0200) << quint32(0x38000000);
    QTest::newRow("f16_smallest_normal") << "F16" << quint16(0x0400) << quint32(0x38800000);
    QTest::newRow("f16_one") << "F16" << quint16(0x3c00) << quint32(0x3f800000);
    QTest::newRow("f16_minus_one") << "F16" << quint16(0xbc00) << quint32(0xbf800000);
    QTest::newRow("f16_one_third") << "F16" << quint16(0x3555) << quint32(0x3eaaa000);
    QTest::newRow("f16_max_65504") << "F16" << quint16(0x7bff) << quint32(0x477fe000);
    QTest::newRow("f16_lowest_minus_65504") << "F16" << quint16(0xfbff) << quint32(0xc77fe000);
    QTest::newRow("f16_infinity") << "F16" << quint16(0x7c00) << quint32(0x7f800000);
    QTest::newRow("f16_minus_infinity") << "F16" << quint16(0xfc00) << quint32(0xff800000);
    QTest::newRow("f16_quiet_nan") << "F16" << quint16(0x7e00) << quint32(0x7fc00000);
    QTest::newRow("f16_signalling_nan_payload") << "F16" << quint16(0x7c01) << quint32(0x7f802000);
    QTest::newRow("f16_negative_nan_payload") << "F16" << quint16(0xfe01) << quint32(0xffc02000);
    QTest::newRow("f16_all_ones_nan") << "F16" << quint16(0x7fff) << quint32(0x7fffe000);
    // bfloat16 is the upper half of a float32.
    QTest::newRow("bf16_one") << "BF16" << quint16(0x3f80) << quint32(0x3f800000);
    QTest::newRow("bf16_negative_zero") << "BF16" << quint16(0x8000) << quint32(0x80000000);
    QTest::newRow("bf16_smallest_subnormal") << "BF16" << quint16(0x0001) << quint32(0x00010000);
    QTest::newRow("bf16_max") << "BF16" << quint16(0x7f7f) << quint32(0x7f7f0000);
    QTest::newRow("bf16_infinity") << "BF16" << quint16(0x7f80) << quint32(0x7f800000);
    QTest::newRow("bf16_minus_infinity") << "BF16" << quint16(0xff80) << quint32(0xff800000);
    QTest::newRow("bf16_nan_payload") << "BF16" << quint16(0x7fc1) << quint32(0x7fc10000);
}

void TestSafetensors::convertsHalfPrecisionBitExactly() {
    QFETCH(QString, dtype);
    QFETCH(quint16, stored);
    QFETCH(quint32, expected);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath("half.safetensors");
    // Three copies, so that the value is also read at odd offsets inside the data.
    writeBytes(path, makeFile(object({entry("x", dtype.toStdString(), "[3]", "[1,7]")}),
                              std::string(1, '\0') + halfBytes({stored, stored, stored})));
    const auto file = safetensors::File::open(path.toStdString());
    QCOMPARE(floatBits(file.toFloat("x").values()), (QList<quint32>{expected, expected, expected}));
}

void TestSafetensors::opensIntegerTensorsAndConvertsThem() {
    // transformers 3.x-4.30 checkpoints carry an int64 position_ids buffer: the file must open.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath("ints.safetensors");
    std::string data;
    for (std::int64_t v : {0LL, 1LL, -3LL, 1LL << 40})
        for (int b = 0; b < 8; ++b)
            data += static_cast<char>((static_cast<std::uint64_t>(v) >> (8 * b)) & 0xff);
    data += std::string("\x01\x00\x07", 3); // BOOL [3]
    data += std::string("\xfe", 1);         // I8 [1] = -2
    data += std::string("\x38", 1);         // F8_E4M3 [1]
    writeBytes(path, makeFile(object({entry("position_ids", "I64", "[1, 4]", "[0,32]"),
                                      entry("mask", "BOOL", "[3]", "[32,35]"),
                                      entry("small", "I8", "[1]", "[35,36]"),
                                      entry("f8", "F8_E4M3", "[1]", "[36,37]")}),
                              data));
    const auto file = safetensors::File::open(path.toStdString());
    QCOMPARE(file.toFloat("position_ids").values()[2], -3.0f);
    QCOMPARE(file.toFloat("position_ids").values()[3], 1099511627776.0f);
    QCOMPARE(file.toFloat("mask").values()[2], 1.0f);
    QCOMPARE(file.toFloat("mask").values()[1], 0.0f);
    QCOMPARE(file.toFloat("small").values()[0], -2.0f);
    try {
        (void)file.toFloat("f8");
        QFAIL("F8 must not convert");
    } catch (const Error& e) {
        QVERIFY2(QString(e.what()).contains("'f8' has dtype F8_E4M3"), e.what());
    }
}

void TestSafetensors::convertsFloat64ToNearestFloat_data() {
    QTest::addColumn<double>("stored");
    QTest::addColumn<quint32>("expected");

    QTest::newRow("point_one_rounds_to_nearest") << 0.1 << std::bit_cast<quint32>(0.1f);
    QTest::newRow("exact_value") << -2.5 << std::bit_cast<quint32>(-2.5f);
    QTest::newRow("float_max_stays")
        << double(std::numeric_limits<float>::max()) << quint32(0x7f7fffff);
    // Below the midpoint between FLT_MAX and 2^128: rounds down to FLT_MAX.
    QTest::newRow("just_below_overflow_midpoint") << 0x1.fffffefffffffp+127 << quint32(0x7f7fffff);
    // At the midpoint, ties-to-even goes up to 2^128, which is infinity.
    QTest::newRow("overflow_midpoint_to_infinity") << 0x1.ffffffp+127 << quint32(0x7f800000);
    QTest::newRow("huge_to_infinity") << 1e300 << quint32(0x7f800000);
    QTest::newRow("negative_huge_to_minus_infinity") << -1e300 << quint32(0xff800000);
    QTest::newRow("double_infinity")
        << std::numeric_limits<double>::infinity() << quint32(0x7f800000);
    QTest::newRow("smallest_float_subnormal") << 0x1p-149 << quint32(0x00000001);
    QTest::newRow("underflow_to_zero") << 5e-324 << quint32(0x00000000);
    QTest::newRow("negative_underflow_to_minus_zero") << -5e-324 << quint32(0x80000000);
}

void TestSafetensors::convertsFloat64ToNearestFloat() {
    QFETCH(double, stored);
    QFETCH(quint32, expected);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath("double.safetensors");
    writeBytes(path, makeFile(object({entry("x", "F64", "[1]", "[0,8]")}), doubleBytes({stored})));
    const auto file = safetensors::File::open(path.toStdString());
    QCOMPARE(floatBits(file.toFloat("x").values()), QList<quint32>{expected});
}

void TestSafetensors::acceptsEdgeCases_data() {
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QStringList>("names");

    const auto row = [](const char* name, const std::string& bytes, const QStringList& names) {
        QTest::newRow(name) << toQByteArray(bytes) << names;
    };
    row("empty_object", makeFile("{}"), {});
    row("header_padded_with_spaces", makeFile("{}      "), {});
    row("null_metadata", makeFile(R"({"__metadata__":null})"), {});
    row("empty_metadata", makeFile(R"({"__metadata__":{}})"), {});
    row("zero_size_tensor_with_empty_span_at_end",
        makeFile(object({entry("e", "F32", "[0]", "[0,0]")})), {"e"});
    // An empty span holds no bytes, so it overlaps nothing even inside another tensor's span.
    row("empty_span_inside_another",
        makeFile(object({entry("a", "F32", "[2]", "[0,8]"), entry("e", "F16", "[3,0]", "[4,4]")}),
                 floatBytes({1.0f, 2.0f})),
        {"a", "e"});
    row("gap_and_trailing_bytes",
        makeFile(object({entry("a", "F32", "[1]", "[8,12]")}), std::string(20, '\0')), {"a"});
    row("spans_listed_out_of_order",
        makeFile(
            object({entry("late", "F32", "[1]", "[4,8]"), entry("early", "F32", "[1]", "[0,4]")}),
            floatBytes({1.0f, 2.0f})),
        {"early", "late"});
    row("fields_in_any_order",
        makeFile(R"({"a":{"data_offsets":[0,4],"shape":[1],"dtype":"F32"}})", floatBytes({1.0f})),
        {"a"});
    row("pretty_printed_json",
        makeFile("{\n  \"a\": {\n    \"dtype\": \"F32\",\n    \"shape\": [ 1 ],\n"
                 "    \"data_offsets\": [ 0, 4 ]\n  }\n}\n",
                 floatBytes({1.0f})),
        {"a"});
    row("integral_number_written_as_float",
        makeFile(object({entry("a", "F32", "[1.0, 2e0]", "[0,8.0]")}), floatBytes({1.0f, 2.0f})),
        {"a"});
    row("unicode_escape_in_name",
        makeFile(object({entry("caf\\u00e9", "F32", "[1]", "[0,4]")}), floatBytes({1.0f})),
        {"café"});
}

void TestSafetensors::acceptsEdgeCases() {
    QFETCH(QByteArray, bytes);
    QFETCH(QStringList, names);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath("edge.safetensors");
    writeBytes(path, fromQByteArray(bytes));
    const auto file = safetensors::File::open(path.toStdString());
    QStringList actual;
    for (const std::string& name : file.names()) {
        actual << QString::fromStdString(name);
        const Tensor tensor = file.toFloat(name);
        QCOMPARE(tensor.numel(), checkedElementCount(file.find(name)->shape));
    }
    QCOMPARE(actual, names);
}

void TestSafetensors::rejectsMalformedFiles_data() {
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QStringList>("fragments");

    const auto row = [](const char* name, const std::string& bytes, const QStringList& fragments) {
        QTest::newRow(name) << toQByteArray(bytes) << fragments;
    };
    const auto one = [](const std::string& dtype, const std::string& shape,
                        const std::string& offsets) {
        return object({entry("w", dtype, shape, offsets)});
    };
    const std::string eight = floatBytes({1.0f, 2.0f});

    row("empty_file", "", {"0 bytes", "too short for the 8-byte header length"});
    row("seven_bytes", "1234567", {"7 bytes", "too short"});
    row("header_length_2_pow_63", littleEndian<std::uint64_t>(1ull << 63) + "{}",
        {"header length 9223372036854775808", "exceeds the format's limit of 100000000"});
    row("header_length_all_ones", std::string(8, '\xff') + "{}",
        {"header length 18446744073709551615", "exceeds"});
    row("header_length_just_over_limit", littleEndian<std::uint64_t>(100000001) + "{}",
        {"header length 100000001", "exceeds"});
    row("header_length_past_end_of_file", littleEndian<std::uint64_t>(1000) + "{}",
        {"header length 1000", "runs past the end of the file", "2 bytes follow"});
    row("header_length_zero", makeFile(""), {"header is not valid JSON"});
    row("header_not_json", makeFile("not json"), {"header is not valid JSON", "at byte"});
    row("header_trailing_garbage", makeFile("{} x"), {"header is not valid JSON"});
    row("header_nul_padding", makeFile(std::string("{}\0\0", 4)), {"header is not valid JSON"});
    row("header_invalid_utf8", makeFile("{\"\xff\xfe\":{}}"), {"header is not valid JSON"});
    row("header_json_array", makeFile("[1,2]"), {"header JSON is not an object", "an array"});
    row("header_json_string", makeFile("\"x\""), {"header"});
    row("deeply_nested_json", makeFile(std::string(100000, '[') + std::string(100000, ']')),
        {"header"});
    row("entry_not_object", makeFile(R"({"w":3})"),
        {"tensor 'w' must be a JSON object", "found a number"});
    row("entry_missing_data_offsets", makeFile(R"({"w":{"dtype":"F32","shape":[1]}})"),
        {"tensor 'w' is missing field 'data_offsets'"});
    row("entry_missing_dtype", makeFile(R"({"w":{"shape":[1],"data_offsets":[0,4]}})", "abcd"),
        {"tensor 'w' is missing field 'dtype'"});
    row("entry_unexpected_field",
        makeFile(R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"extra":1}})", "abcd"),
        {"tensor 'w' has unexpected field 'extra'"});
    row("dtype_i64_wrong_span", makeFile(one("I64", "[2]", "[0,8]"), eight), {"tensor 'w'", "I64"});
    row("dtype_f8_fnuz_not_supported", makeFile(one("F8_E4M3FNUZ", "[1]", "[0,1]"), "x"),
        {"dtype 'F8_E4M3FNUZ' is not supported"});
    row("dtype_complex_not_supported", makeFile(one("C64", "[1]", "[0,8]"), eight),
        {"dtype 'C64' is not supported"});
    row("dtype_unknown", makeFile(one("F33", "[1]", "[0,4]"), "abcd"),
        {"tensor 'w'", "dtype 'F33' is unknown", "expected F32, F16, BF16, F64, BOOL"});
    row("dtype_lowercase_unknown", makeFile(one("f32", "[1]", "[0,4]"), "abcd"),
        {"dtype 'f32' is unknown"});
    row("dtype_not_string",
        makeFile(R"({"w":{"dtype":4,"shape":[1],"data_offsets":[0,4]}})", "abcd"),
        {"tensor 'w': dtype must be a string", "found a number"});
    row("shape_not_array", makeFile(one("F32", "3", "[0,4]"), "abcd"),
        {"shape must be an array of integers", "found a number"});
    row("shape_non_integer", makeFile(one("F32", "[2.5]", "[0,10]"), std::string(10, 'x')),
        {"shape dimension 0 must be a non-negative integer", "found 2.5"});
    row("shape_negative", makeFile(one("F32", "[2,-1]", "[0,8]"), eight),
        {"shape dimension 1 must be a non-negative integer", "found -1"});
    row("shape_string", makeFile(one("F32", "[\"2\"]", "[0,8]"), eight),
        {"shape dimension 0 must be a non-negative integer", "found a string"});
    row("shape_overflows_int64", makeFile(one("F32", "[1e30]", "[0,8]"), eight),
        {"shape dimension 0", "does not fit in a signed 64-bit integer"});
    row("shape_2_pow_63", makeFile(one("F32", "[9223372036854775808]", "[0,8]"), eight),
        {"shape dimension 0", "does not fit"});
    row("shape_element_count_overflows",
        makeFile(one("F32", "[4294967296,4294967296,4]", "[0,8]"), eight),
        {"shape [4294967296, 4294967296, 4]", "more elements than fit in 64 bits"});
    // 2^62 F32 elements are 2^64 bytes, which wraps to 0 = the span if multiplied naively.
    row("shape_byte_count_wraps_to_empty_span",
        makeFile(one("F32", "[4611686018427387904]", "[0,0]")),
        {"needs more than 2^64 bytes", "span 0"});
    row("shape_times_dtype_differs_from_span",
        makeFile(one("F32", "[2,3]", "[0,20]"), std::string(20, 'x')),
        {"tensor 'w'", "shape [2, 3] of F32 needs 24 bytes", "data_offsets [0, 20] span 20"});
    row("f16_odd_span", makeFile(one("F16", "[1]", "[0,3]"), "abc"), {"needs 2 bytes", "span 3"});
    row("offsets_not_array", makeFile(one("F32", "[1]", "4"), "abcd"),
        {"data_offsets must be an array [begin, end]", "found a number"});
    row("offsets_three_values", makeFile(one("F32", "[1]", "[0,4,8]"), eight),
        {"data_offsets must be an array [begin, end]", "3 values"});
    row("offsets_negative", makeFile(one("F32", "[1]", "[-4,0]"), eight),
        {"data_offsets begin must be a non-negative integer"});
    row("offsets_end_before_begin", makeFile(one("F32", "[1]", "[8,4]"), eight),
        {"data_offsets [8, 4] end before they begin"});
    row("offsets_past_end_of_file", makeFile(one("F32", "[2]", "[4,12]"), eight),
        {"tensor 'w'", "data_offsets [4, 12] run past the end of the data section (8 bytes)"});
    row("offsets_huge", makeFile(one("F32", "[1]", "[18446744073709551612,18446744073709551616]")),
        {"data_offsets begin", "does not fit"});
    row("overlapping_spans",
        makeFile(object({entry("a", "F32", "[4]", "[0,16]"), entry("b", "F32", "[4]", "[8,24]")}),
                 std::string(24, 'x')),
        {"tensors 'a' [0, 16] and 'b' [8, 24] overlap"});
    row("identical_spans",
        makeFile(object({entry("a", "F32", "[2]", "[0,8]"), entry("b", "F32", "[2]", "[0,8]")}),
                 eight),
        {"tensors 'a' [0, 8] and 'b' [0, 8] overlap"});
    row("metadata_not_object", makeFile(R"({"__metadata__":[1]})"),
        {"__metadata__ must be an object of strings", "found an array"});
    row("metadata_value_not_string", makeFile(R"({"__metadata__":{"epoch":3}})"),
        {"__metadata__ entry 'epoch' must be a string", "found a number"});
    row("metadata_value_null", makeFile(R"({"__metadata__":{"k":null}})"),
        {"__metadata__ entry 'k' must be a string", "found null"});
    row("lone_surrogate_in_name",
        makeFile(object({entry("\\ud800", "F32", "[1]", "[0,4]")}), "abcd"),
        {"is not valid Unicode"});
}

void TestSafetensors::rejectsMalformedFiles() {
    QFETCH(QByteArray, bytes);
    QFETCH(QStringList, fragments);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath("bad.safetensors");
    const QString message = openError(path, fromQByteArray(bytes));
    const QString problem = fileMessageProblem(message, path, fragments);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));

    // parseHeader alone reports the same problem for the same bytes.
    const std::string raw = fromQByteArray(bytes);
    try {
        (void)safetensors::parseHeader(asBytes(raw), raw.size(), "bytes");
        QFAIL("parseHeader accepted what File::open refused");
    } catch (const Error& error) {
        QCOMPARE(QString::fromStdString(error.what()).section(QStringLiteral(": "), 1),
                 message.section(QStringLiteral(": "), 1));
    }
}

void TestSafetensors::rejectsEveryTruncation() {
    const std::string full = mixedFile();
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath("cut.safetensors");
    QCOMPARE(openError(path, full), QStringLiteral("<accepted>"));
    for (std::size_t length = 0; length < full.size(); ++length) {
        const std::string prefix = full.substr(0, length);
        const QString problem = fileMessageProblem(openError(path, prefix), path, {});
        QVERIFY2(problem.isEmpty(),
                 qPrintable(QStringLiteral("prefix of %1 bytes: %2").arg(length).arg(problem)));
        QVERIFY_THROWS_EXCEPTION(Error,
                                 (void)safetensors::parseHeader(asBytes(prefix), length, "cut"));
    }
}

void TestSafetensors::parseHeaderRefusesBeforeReading() {
    // Only the 8 length bytes are given: a header that is too large for the format or the file
    // must be refused from them alone.
    const std::string huge = littleEndian<std::uint64_t>(200000000);
    const std::string big = littleEndian<std::uint64_t>(5000);
    QVERIFY_THROWS_EXCEPTION(Error, (void)safetensors::parseHeader(asBytes(huge), 1ull << 40, "f"));
    QVERIFY_THROWS_EXCEPTION(Error, (void)safetensors::parseHeader(asBytes(big), 100, "f"));
    // A plausible header whose bytes the caller did not supply is an error, not an over-read.
    try {
        (void)safetensors::parseHeader(asBytes(big), 1 << 20, "partial.safetensors");
        QFAIL("parsed a header that was not given");
    } catch (const Error& error) {
        const QString problem = fileMessageProblem(QString::fromStdString(error.what()),
                                                   QStringLiteral("partial.safetensors"),
                                                   {"only 0 of the 5000 header bytes"});
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
    }
    const safetensors::Header header =
        safetensors::parseHeader(asBytes(mixedFile()), mixedFile().size(), "mixed");
    QCOMPARE(header.dataSize, std::uint64_t{24});
    QCOMPARE(header.dataOffset + header.dataSize, std::uint64_t(mixedFile().size()));
}

void TestSafetensors::reportsMissingFilesAndTensors() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString missing = dir.filePath("missing.safetensors");
    try {
        (void)safetensors::File::open(missing.toStdString());
        QFAIL("opened a missing file");
    } catch (const Error& error) {
        const QString problem = fileMessageProblem(QString::fromStdString(error.what()), missing,
                                                   {"cannot open for reading"});
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
    }
    QVERIFY_THROWS_EXCEPTION(Error, (void)safetensors::File::open(dir.path().toStdString()));

    const QString path = dir.filePath("model.safetensors");
    writeBytes(path, mixedFile());
    const auto file = safetensors::File::open(path.toStdString());
    QVERIFY(!file.contains("nope"));
    QVERIFY(file.find("nope") == nullptr);
    try {
        (void)file.toFloat("nope");
        QFAIL("converted a missing tensor");
    } catch (const Error& error) {
        const QString problem = fileMessageProblem(QString::fromStdString(error.what()), path,
                                                   {"no tensor named 'nope'", "4 tensors"});
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
    }
}

void TestSafetensors::refusesToWriteInvalidInput() {
    const Tensor one = tensorOf({1}, {1.0f});
    QVERIFY_THROWS_EXCEPTION(Error, (void)safetensors::serialize({{"a", one}, {"a", one}}));
    QVERIFY_THROWS_EXCEPTION(Error, (void)safetensors::serialize({{"__metadata__", one}}));
    QVERIFY_THROWS_EXCEPTION(Error, (void)safetensors::serialize({{"bad\xff", one}}));
    QVERIFY_THROWS_EXCEPTION(Error, (void)safetensors::serialize({}, {{"k", "\xc0\x80"}}));
    QVERIFY_THROWS_EXCEPTION(Error, (void)safetensors::serialize({{"empty", Tensor{}}}));

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath("no/such/folder/out.safetensors");
    try {
        safetensors::write(path.toStdString(), {{"a", one}});
        QFAIL("wrote into a missing folder");
    } catch (const Error& error) {
        const QString problem = fileMessageProblem(QString::fromStdString(error.what()), path,
                                                   {"cannot open for writing"});
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
    }
    // A refused write leaves nothing behind.
    const QString target = dir.filePath("dup.safetensors");
    QVERIFY_THROWS_EXCEPTION(Error,
                             safetensors::write(target.toStdString(), {{"a", one}, {"a", one}}));
    QVERIFY(!QFile::exists(target));
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files).size(), 0);
}

void TestSafetensors::survivesRandomBytesAndMutations() {
    const std::vector<std::string> seeds = {
        mixedFile(),
        safetensors::serialize(
            {{"a", Tensor({2, 2}, 1.0f)}, {"b", Tensor({0})}, {"c", tensorOf({}, {2.0f})}},
            {{"k", "v"}}),
        makeFile(object({entry("h", "F16", "[3]", "[2,8]")}), std::string(8, '\x3c'))};
    const char alphabet[] = "{}[]\",:.-+eE0123456789 FBIU_dtypeshapdaofs\\u";

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath("fuzz.safetensors");
    Bytes random(7031);
    int accepted = 0;
    int rejected = 0;
    for (int iteration = 0; iteration < 4000; ++iteration) {
        std::string bytes;
        if (iteration % 10 == 0) {
            bytes.resize(random.below(64));
            for (char& c : bytes)
                c = random.byte();
        } else {
            bytes = seeds[random.below(static_cast<std::uint32_t>(seeds.size()))];
            const std::uint32_t edits = 1 + random.below(3);
            for (std::uint32_t e = 0; e < edits && !bytes.empty(); ++e) {
                const auto at = random.below(static_cast<std::uint32_t>(bytes.size()));
                switch (random.below(6)) {
                case 0:
                    bytes[at] = random.byte();
                    break;
                case 1:
                    bytes[at] = static_cast<char>(bytes[at] ^ (1 << random.below(8)));
                    break;
                case 2:
                    bytes.erase(at, 1 + random.below(4));
                    break;
                case 3:
                    bytes.insert(at, 1, alphabet[random.below(sizeof(alphabet) - 1)]);
                    break;
                case 4:
                    // Rewrite the length field: mostly near the truth, sometimes wild.
                    if (bytes.size() >= 8)
                        bytes[random.below(8)] = random.byte();
                    break;
                default:
                    bytes.resize(at);
                    break;
                }
            }
        }
        try {
            const safetensors::Header header =
                safetensors::parseHeader(asBytes(bytes), bytes.size(), "fuzz");
            for (const safetensors::TensorInfo& info : header.tensors)
                QVERIFY(info.begin <= info.end && info.end <= header.dataSize);
            ++accepted;
        } catch (const Error& error) {
            QVERIFY2(QString::fromStdString(error.what()).startsWith(QStringLiteral("fuzz: ")),
                     error.what());
            ++rejected;
        }
        // Every few inputs also go through a real file: mapping, lookup and conversion.
        if (iteration % 4 == 0) {
            const QString message = openError(path, bytes);
            QVERIFY2(message == QStringLiteral("<accepted>") || message.startsWith(path),
                     qPrintable(message));
        }
    }
    QVERIFY(accepted > 0);
    QVERIFY(rejected > 0);
}

QTEST_GUILESS_MAIN(TestSafetensors)
#include "test_safetensors.moc"
