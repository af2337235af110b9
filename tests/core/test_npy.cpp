// Tests of the .npy reader and writer: numpy's own bytes, round trips, every error path, and a
// deterministic mutation loop that may only ever produce attnscope::Error.
#include "core/base/error.h"
#include "core/formats/npy.h"
#include "tests/common/errormessages.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <span>
#include <string>
#include <vector>

using namespace attnscope;
using testing::fileMessageProblem;

namespace {

// Real numpy.save / numpy.lib.format.write_array outputs (numpy 1.24.2), pasted as bytes so the
// test does not need Python. Each literal is split as: dict text, numpy's padding, '\n' + data.

// np.array([[0.5, -1.5, 3.0], [1e-3, 65504.0, -0.0]], dtype="<f4") (152 bytes)
constexpr char kNumpyFloat32_2x3[] =
    "\223NUMPY\001\000v\000{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"
    "                                                          "
    "\012\000\000\000?\000\000\300\277\000\000@@o\022\203:\000\340\177G\000\000\000\200";
// np.array([1.5, 0.1, -1e300, 5e-324], dtype="<f8") (160 bytes)
constexpr char kNumpyFloat64_4[] =
    "\223NUMPY\001\000v\000{'descr': '<f8', 'fortran_order': False, 'shape': (4,), }"
    "                                                            "
    "\012\000\000\000\000\000\000\370?\232\231\231\231\231\231\271?\234u\000\210<"
    "\3447\376\001\000\000\000\000\000\000\000";
// np.array([1.0, -2.5], dtype=">f4") (136 bytes)
constexpr char kNumpyBigEndianFloat32_2[] =
    "\223NUMPY\001\000v\000{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }"
    "                                                            "
    "\012?\200\000\000\300 \000\000";
// np.array([0.1, -3.0], dtype=">f8") (144 bytes)
constexpr char kNumpyBigEndianFloat64_2[] =
    "\223NUMPY\001\000v\000{'descr': '>f8', 'fortran_order': False, 'shape': (2,), }"
    "                                                            "
    "\012?\271\231\231\231\231\231\232\300\010\000\000\000\000\000\000";
// np.array([[True, False], [False, True]]) (132 bytes)
constexpr char kNumpyBool_2x2[] =
    "\223NUMPY\001\000v\000{'descr': '|b1', 'fortran_order': False, 'shape': (2, 2), }"
    "                                                          "
    "\012\001\000\000\001";
// np.array([0, 7, 255], dtype="u1") (131 bytes)
constexpr char kNumpyUInt8_3[] =
    "\223NUMPY\001\000v\000{'descr': '|u1', 'fortran_order': False, 'shape': (3,), }"
    "                                                            "
    "\012\000\007\377";
// np.array(3.5, dtype="<f4") (132 bytes)
constexpr char kNumpyScalar[] =
    "\223NUMPY\001\000v\000{'descr': '<f4', 'fortran_order': False, 'shape': (), }"
    "                                                              "
    "\012\000\000`@";
// np.zeros((0, 3), dtype="<f4") (128 bytes)
constexpr char kNumpyEmpty_0x3[] =
    "\223NUMPY\001\000v\000{'descr': '<f4', 'fortran_order': False, 'shape': (0, 3), }"
    "                                                          "
    "\012";
// write_array(f, np.array([1.0, 2.0], dtype="<f4"), version=(2, 0)) (136 bytes)
constexpr char kNumpyVersion2[] =
    "\223NUMPY\002\000t\000\000\000{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }"
    "                                                          "
    "\012\000\000\200?\000\000\000@";
// write_array(f, np.array([1.0, 2.0], dtype="<f4"), version=(3, 0)) (136 bytes)
constexpr char kNumpyVersion3[] =
    "\223NUMPY\003\000t\000\000\000{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }"
    "                                                          "
    "\012\000\000\200?\000\000\000@";
// np.asfortranarray(np.array([[1, 2], [3, 4]], dtype="<f4")) (144 bytes)
constexpr char kNumpyFortran_2x2[] =
    "\223NUMPY\001\000v\000{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }"
    "                                                           "
    "\012\000\000\200?\000\000@@\000\000\000@\000\000\200@";
// np.array([1, 2], dtype="<i4") (136 bytes)
constexpr char kNumpyInt32_2[] =
    "\223NUMPY\001\000v\000{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }"
    "                                                            "
    "\012\001\000\000\000\002\000\000\000";

template <std::size_t N> std::string bytesOf(const char (&literal)[N]) {
    return std::string(literal, N - 1);
}

/**
 * Tensors from literal values. Spelled as a function so that the braces pick one constructor
 * whatever overloads BasicTensor grows.
 */
Tensor tensorOf(Shape shape, const std::vector<float>& values) {
    return Tensor(std::move(shape), values);
}

MaskTensor maskOf(Shape shape, const std::vector<std::uint8_t>& values) {
    return MaskTensor(std::move(shape), values);
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

/** A .npy with an arbitrary header text, for the cases numpy would never write. */
std::string makeNpy(int major, const std::string& header, const std::string& data) {
    std::string out = "\x93NUMPY";
    out += static_cast<char>(major);
    out += '\0';
    const int lengthBytes = major == 1 ? 2 : 4;
    for (int i = 0; i < lengthBytes; ++i)
        out += static_cast<char>((header.size() >> (8 * i)) & 0xff);
    return out + header + data;
}

std::string floatBytes(std::initializer_list<float> values) {
    std::string out;
    for (float value : values) {
        const auto bits = std::bit_cast<std::uint32_t>(value);
        for (int i = 0; i < 4; ++i)
            out += static_cast<char>((bits >> (8 * i)) & 0xff);
    }
    return out;
}

QList<quint32> floatBits(std::span<const float> values) {
    QList<quint32> bits;
    for (float value : values)
        bits.append(std::bit_cast<quint32>(value));
    return bits;
}

QList<quint32> floatBits(std::initializer_list<float> values) {
    return floatBits(std::span<const float>(values.begin(), values.size()));
}

QList<qint64> toList(const Shape& shape) {
    return QList<qint64>(shape.begin(), shape.end());
}

/** The Error message parse() gives for `bytes`, or a marker when it accepts them. */
QString parseError(const std::string& bytes, const std::string& sourceName = "bad.npy") {
    try {
        (void)npy::parse(asBytes(bytes), sourceName);
    } catch (const Error& error) {
        return QString::fromStdString(error.what());
    }
    return QStringLiteral("<accepted>");
}

/** Empty when `message` is one line that starts with the file and contains every fragment. */
// A deterministic generator whose output is the same on every standard library (unlike the
// std:: distributions), so that the mutation loop tests the same inputs everywhere.
class Bytes {
public:
    explicit Bytes(std::uint32_t seed)
        : m_engine(seed) {}
    std::uint32_t below(std::uint32_t n) { return static_cast<std::uint32_t>(m_engine() % n); }
    char byte() { return static_cast<char>(m_engine() & 0xff); }

private:
    std::mt19937 m_engine;
};

} // namespace

class TestNpy : public QObject {
    Q_OBJECT

private slots:
    void readsNumpyFloatOutput_data();
    void readsNumpyFloatOutput();
    void readsNumpyMaskOutput_data();
    void readsNumpyMaskOutput();
    void writesWhatNumpyWrites_data();
    void writesWhatNumpyWrites();
    void roundTripsThroughFiles_data();
    void roundTripsThroughFiles();
    void acceptsHeaderSpellings_data();
    void acceptsHeaderSpellings();
    void rejectsMalformedFiles_data();
    void rejectsMalformedFiles();
    void rejectsEveryTruncation_data();
    void rejectsEveryTruncation();
    void rejectsTruncatedFilesOnDisk();
    void readFloatAndReadMaskCheckTheDtype();
    void reportsUnreadableFiles();
    void refusesToSaveAnInconsistentTensor();
    void writeReplacesTheWholeFile();
    void survivesRandomBytesAndMutations();
};

void TestNpy::readsNumpyFloatOutput_data() {
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<int>("storedType");
    QTest::addColumn<QList<qint64>>("shape");
    QTest::addColumn<QList<quint32>>("bits");

    const auto f32 = static_cast<int>(npy::DType::Float32);
    const auto f64 = static_cast<int>(npy::DType::Float64);
    QTest::newRow("float32_2x3_negative_zero")
        << toQByteArray(bytesOf(kNumpyFloat32_2x3)) << f32 << QList<qint64>{2, 3}
        << floatBits({0.5f, -1.5f, 3.0f, 1e-3f, 65504.0f, -0.0f});
    // 0.1 rounds to nearest, -1e300 overflows to -inf and 5e-324 underflows to +0, as in numpy's
    // astype(np.float32).
    QTest::newRow("float64_rounding_overflow_underflow")
        << toQByteArray(bytesOf(kNumpyFloat64_4)) << f64 << QList<qint64>{4}
        << floatBits({1.5f, 0.1f, -std::numeric_limits<float>::infinity(), 0.0f});
    QTest::newRow("big_endian_float32") << toQByteArray(bytesOf(kNumpyBigEndianFloat32_2)) << f32
                                        << QList<qint64>{2} << floatBits({1.0f, -2.5f});
    QTest::newRow("big_endian_float64") << toQByteArray(bytesOf(kNumpyBigEndianFloat64_2)) << f64
                                        << QList<qint64>{2} << floatBits({0.1f, -3.0f});
    QTest::newRow("scalar_0d") << toQByteArray(bytesOf(kNumpyScalar)) << f32 << QList<qint64>{}
                               << floatBits({3.5f});
    QTest::newRow("zero_size_0x3")
        << toQByteArray(bytesOf(kNumpyEmpty_0x3)) << f32 << QList<qint64>{0, 3} << QList<quint32>{};
    QTest::newRow("version_2_0") << toQByteArray(bytesOf(kNumpyVersion2)) << f32 << QList<qint64>{2}
                                 << floatBits({1.0f, 2.0f});
    QTest::newRow("version_3_0_utf8") << toQByteArray(bytesOf(kNumpyVersion3)) << f32
                                      << QList<qint64>{2} << floatBits({1.0f, 2.0f});
}

void TestNpy::readsNumpyFloatOutput() {
    QFETCH(QByteArray, bytes);
    QFETCH(int, storedType);
    QFETCH(QList<qint64>, shape);
    QFETCH(QList<quint32>, bits);

    const npy::Array array = npy::parse(asBytes(fromQByteArray(bytes)), "numpy.npy");
    QCOMPARE(static_cast<int>(array.storedType), storedType);
    QVERIFY(array.isFloat());
    QCOMPARE(toList(array.shape()), shape);
    QCOMPARE(floatBits(std::get<Tensor>(array.data).values()), bits);
}

void TestNpy::readsNumpyMaskOutput_data() {
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<int>("storedType");
    QTest::addColumn<QList<qint64>>("shape");
    QTest::addColumn<QByteArray>("values");

    QTest::newRow("bool_2x2") << toQByteArray(bytesOf(kNumpyBool_2x2))
                              << static_cast<int>(npy::DType::Bool) << QList<qint64>{2, 2}
                              << QByteArray("\x01\x00\x00\x01", 4);
    QTest::newRow("uint8_keeps_values")
        << toQByteArray(bytesOf(kNumpyUInt8_3)) << static_cast<int>(npy::DType::UInt8)
        << QList<qint64>{3} << QByteArray("\x00\x07\xff", 3);
    // numpy only writes 0 and 1 for bool, but any non-zero byte is true and reads back as 1.
    QTest::newRow("bool_nonzero_byte_is_true")
        << toQByteArray(makeNpy(1, "{'descr': '|b1', 'fortran_order': False, 'shape': (3,)}",
                                std::string("\x00\x02\xff", 3)))
        << static_cast<int>(npy::DType::Bool) << QList<qint64>{3} << QByteArray("\x00\x01\x01", 3);
}

void TestNpy::readsNumpyMaskOutput() {
    QFETCH(QByteArray, bytes);
    QFETCH(int, storedType);
    QFETCH(QList<qint64>, shape);
    QFETCH(QByteArray, values);

    const npy::Array array = npy::parse(asBytes(fromQByteArray(bytes)), "mask.npy");
    QCOMPARE(static_cast<int>(array.storedType), storedType);
    QVERIFY(!array.isFloat());
    QCOMPARE(toList(array.shape()), shape);
    const auto& mask = std::get<MaskTensor>(array.data);
    QCOMPARE(QByteArray(reinterpret_cast<const char*>(mask.data()), mask.numel()), values);
}

void TestNpy::writesWhatNumpyWrites_data() {
    QTest::addColumn<QByteArray>("written");
    QTest::addColumn<QByteArray>("numpy");

    QTest::newRow("float32_2x3") << toQByteArray(npy::serialize(tensorOf(
                                        {2, 3}, {0.5f, -1.5f, 3.0f, 1e-3f, 65504.0f, -0.0f})))
                                 << toQByteArray(bytesOf(kNumpyFloat32_2x3));
    QTest::newRow("scalar_0d") << toQByteArray(npy::serialize(tensorOf({}, {3.5f})))
                               << toQByteArray(bytesOf(kNumpyScalar));
    QTest::newRow("zero_size_0x3")
        << toQByteArray(npy::serialize(Tensor({0, 3}))) << toQByteArray(bytesOf(kNumpyEmpty_0x3));
    QTest::newRow("bool_2x2") << toQByteArray(npy::serialize(maskOf({2, 2}, {1, 0, 0, 1})))
                              << toQByteArray(bytesOf(kNumpyBool_2x2));
    // Masks are saved as bool, so any non-zero byte becomes numpy's True (1).
    QTest::newRow("mask_nonzero_saved_as_true")
        << toQByteArray(npy::serialize(maskOf({2, 2}, {7, 0, 0, 255})))
        << toQByteArray(bytesOf(kNumpyBool_2x2));
}

void TestNpy::writesWhatNumpyWrites() {
    QFETCH(QByteArray, written);
    QFETCH(QByteArray, numpy);
    QCOMPARE(written, numpy);
}

void TestNpy::roundTripsThroughFiles_data() {
    QTest::addColumn<QList<qint64>>("shape");

    QTest::newRow("rank0_scalar") << QList<qint64>{};
    QTest::newRow("rank1_single") << QList<qint64>{1};
    QTest::newRow("rank1_odd") << QList<qint64>{7};
    QTest::newRow("rank2_2x3") << QList<qint64>{2, 3};
    QTest::newRow("rank3_3x1x4") << QList<qint64>{3, 1, 4};
    QTest::newRow("rank4_2x3x4x5") << QList<qint64>{2, 3, 4, 5};
    QTest::newRow("rank4_all_ones") << QList<qint64>{1, 1, 1, 1};
    QTest::newRow("zero_size_rank1") << QList<qint64>{0};
    QTest::newRow("zero_size_middle_dim") << QList<qint64>{3, 0, 2};
    // A 13-digit first axis shortens numpy's growth padding; the element count stays 0.
    QTest::newRow("zero_size_huge_first_dim") << QList<qint64>{1000000000000, 0};
    QTest::newRow("long_row_1000") << QList<qint64>{1, 1000};
}

void TestNpy::roundTripsThroughFiles() {
    QFETCH(QList<qint64>, shape);
    const Shape dims(shape.begin(), shape.end());

    Tensor tensor(dims);
    MaskTensor mask(dims);
    const float specials[] = {0.0f,
                              -0.0f,
                              1.0f,
                              -1.0f / 3.0f,
                              std::numeric_limits<float>::max(),
                              std::numeric_limits<float>::denorm_min(),
                              std::numeric_limits<float>::infinity(),
                              1e-20f};
    for (std::int64_t i = 0; i < tensor.numel(); ++i) {
        const std::int64_t block = i / 8; // a new offset every 8 specials keeps values distinct
        tensor[i] = specials[i % 8] + static_cast<float>(block);
        mask[i] = static_cast<std::uint8_t>(i % 3 == 0);
    }

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string floatPath = dir.filePath("tensor.npy").toStdString();
    const std::string maskPath = dir.filePath("mask.npy").toStdString();
    npy::write(floatPath, tensor);
    npy::write(maskPath, mask);

    const Tensor readTensor = npy::readFloat(floatPath, "tensor");
    QCOMPARE(toList(readTensor.shape()), shape);
    QCOMPARE(floatBits(readTensor.values()), floatBits(tensor.values()));
    const MaskTensor readMask = npy::readMask(maskPath, "mask");
    QCOMPARE(readMask, mask);

    // numpy aligns the data to 64 bytes and ends the header with '\n'; so must we.
    for (const std::string& bytes : {npy::serialize(tensor), npy::serialize(mask)}) {
        const std::size_t headerLength =
            static_cast<unsigned char>(bytes[8]) | (static_cast<unsigned char>(bytes[9]) << 8);
        const std::size_t dataOffset = 10 + headerLength;
        QCOMPARE(dataOffset % 64, std::size_t{0});
        QCOMPARE(bytes[dataOffset - 1], '\n');
    }
}

void TestNpy::acceptsHeaderSpellings_data() {
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QList<qint64>>("shape");

    const std::string two = floatBytes({1.0f, 2.0f});
    const auto row = [](const char* name, const std::string& bytes, const QList<qint64>& shape) {
        QTest::newRow(name) << toQByteArray(bytes) << shape;
    };
    row("keys_in_any_order",
        makeNpy(1, "{'shape': (2,), 'fortran_order': False, 'descr': '<f4'}\n", two), {2});
    row("double_quotes",
        makeNpy(1,
                "{\"descr\": \"<f4\", \"fortran_order\": False, "
                "\"shape\": (2,)}",
                two),
        {2});
    row("no_whitespace_no_padding",
        makeNpy(1, "{'descr':'<f4','fortran_order':False,'shape':(2,)}", two), {2});
    row("newlines_and_tabs",
        makeNpy(1,
                "\n{\n\t'descr' : '<f4' ,\n\t'fortran_order' : False ,\n\t'shape' : ( 2 , ) ,\n}\n",
                two),
        {2});
    row("trailing_comma_in_shape_rank2",
        makeNpy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2,), }", two), {1, 2});
    row("python2_long_suffix",
        makeNpy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1L, 2L), }", two), {1, 2});
    row("native_order_f4",
        makeNpy(1, "{'descr': '=f4', 'fortran_order': False, 'shape': (2,)}", two), {2});
    row("uint8_little_prefix",
        makeNpy(1, "{'descr': '<u1', 'fortran_order': False, 'shape': (2,)}", "\x01\x02"), {2});
    row("uint8_no_prefix",
        makeNpy(1, "{'descr': 'u1', 'fortran_order': False, 'shape': (2,)}", "\x01\x02"), {2});
    row("bool_no_prefix",
        makeNpy(1, "{'descr': 'b1', 'fortran_order': False, 'shape': (2,)}", "\x01\x01"), {2});
    row("version2_large_header",
        makeNpy(2,
                "{'descr': '<f4', 'fortran_order': False, 'shape': (2,)}" +
                    std::string(70000, ' ') + "\n",
                two),
        {2});
    row("empty_shape_zero_d",
        makeNpy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': ( )}", floatBytes({4.0f})),
        {});
}

void TestNpy::acceptsHeaderSpellings() {
    QFETCH(QByteArray, bytes);
    QFETCH(QList<qint64>, shape);
    const npy::Array array = npy::parse(asBytes(fromQByteArray(bytes)), "spelling.npy");
    QCOMPARE(toList(array.shape()), shape);
}

void TestNpy::rejectsMalformedFiles_data() {
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QStringList>("fragments");

    const auto header = [](const std::string& descr, const std::string& fortran,
                           const std::string& shape) {
        return "{'descr': " + descr + ", 'fortran_order': " + fortran + ", 'shape': " + shape + "}";
    };
    const auto row = [](const char* name, const std::string& bytes, const QStringList& fragments) {
        QTest::newRow(name) << toQByteArray(bytes) << fragments;
    };
    const std::string two = floatBytes({1.0f, 2.0f});

    row("empty_file", "", {"0 bytes", "too short"});
    row("bad_magic", std::string("\x93NUMPZ\x01\x00", 8), {"not a .npy file", "\\x93NUMPY"});
    row("bad_magic_short", "PK\x03", {"not a .npy file"});
    row("zip_instead_of_npy", std::string("PK\x03\x04\x14\x00\x00\x00", 8) + std::string(40, 'x'),
        {"not a .npy file"});
    row("unsupported_version_4_0", std::string("\x93NUMPY\x04\x00\x10\x00", 10),
        {".npy version 4.0", "expected 1.0, 2.0 or 3.0"});
    row("unsupported_version_1_1", std::string("\x93NUMPY\x01\x01\x10\x00", 10),
        {".npy version 1.1"});
    row("header_length_field_cut", std::string("\x93NUMPY\x02\x00\x10\x00", 10),
        {"too short for the header length"});
    row("header_length_past_end_v1", std::string("\x93NUMPY\x01\x00\xff\xff{}", 12),
        {"header length 65535", "runs past the end of the file", "2 bytes follow"});
    row("header_length_past_end_v2_4gib", std::string("\x93NUMPY\x02\x00\xff\xff\xff\xff{}", 14),
        {"header length 4294967295", "runs past the end of the file"});
    row("fortran_order_from_numpy", bytesOf(kNumpyFortran_2x2),
        {"fortran_order is True", "C-order"});
    row("int32_from_numpy", bytesOf(kNumpyInt32_2),
        {"dtype '<i4' is not supported",
         "expected float32 '<f4', float64 '<f8', bool '|b1' or uint8 '|u1'"});
    row("float16_dtype", makeNpy(1, header("'<f2'", "False", "(2,)"), "abcd"),
        {"dtype '<f2' is not supported"});
    row("float32_without_byte_order_applicable", makeNpy(1, header("'|f4'", "False", "(2,)"), two),
        {"dtype '|f4' is not supported"});
    row("structured_dtype", makeNpy(1, header("[('a', '<f4')]", "False", "(2,)"), two),
        {"structured dtypes are not supported"});
    row("too_few_data_bytes", makeNpy(1, header("'<f4'", "False", "(2, 3)"), std::string(20, 'x')),
        {"shape [2, 3]", "'<f4'", "needs 24 data bytes", "the file has 20"});
    row("too_many_data_bytes", makeNpy(1, header("'<f8'", "False", "(2,)"), std::string(17, 'x')),
        {"needs 16 data bytes", "the file has 17"});
    row("zero_d_without_data", makeNpy(1, header("'<f4'", "False", "()"), ""),
        {"shape []", "needs 4 data bytes", "the file has 0"});
    row("negative_dimension", makeNpy(1, header("'<f4'", "False", "(2, -3)"), two),
        {"shape dimension 1 (-3) is negative"});
    row("dimension_overflows_int64",
        makeNpy(1, header("'<f4'", "False", "(99999999999999999999,)"), two),
        {"shape dimension 0 (99999999999999999999) does not fit"});
    row("dimension_2_pow_63", makeNpy(1, header("'<f4'", "False", "(9223372036854775808,)"), two),
        {"does not fit in a signed 64-bit integer"});
    row("element_count_overflows",
        makeNpy(1, header("'<f4'", "False", "(4294967296, 4294967296)"), two),
        {"shape [4294967296, 4294967296]", "more elements than fit in 64 bits"});
    // 2^62 float32 elements are 2^64 bytes: the multiplication itself must not wrap to 0.
    row("byte_count_overflows", makeNpy(1, header("'<f4'", "False", "(4611686018427387904,)"), ""),
        {"needs more than 2^64 data bytes", "the file has 0"});
    row("shape_is_a_list", makeNpy(1, header("'<f4'", "False", "[2]"), two),
        {"shape must be a tuple"});
    row("shape_one_element_without_comma", makeNpy(1, header("'<f4'", "False", "(2)"), two),
        {"',' after the only dimension"});
    row("shape_not_an_integer", makeNpy(1, header("'<f4'", "False", "(2.0,)"), two),
        {"',' or ')' in the shape"});
    row("shape_unclosed", makeNpy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,", two),
        {"the end of the header"});
    std::string manyDims = "(";
    for (int i = 0; i < 65; ++i)
        manyDims += "1, ";
    manyDims += ')';
    row("too_many_dimensions", makeNpy(1, header("'<f4'", "False", manyDims), floatBytes({1.0f})),
        {"more than 64 dimensions"});
    row("missing_shape", makeNpy(1, "{'descr': '<f4', 'fortran_order': False}", two),
        {"missing key 'shape'"});
    row("missing_descr", makeNpy(1, "{'fortran_order': False, 'shape': (2,)}", two),
        {"missing key 'descr'"});
    row("unexpected_key",
        makeNpy(1,
                "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), "
                "'extra': 1}",
                two),
        {"unexpected key 'extra'"});
    row("duplicate_key",
        makeNpy(1, "{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (2,)}", two),
        {"key 'descr' appears twice"});
    row("fortran_order_not_bool", makeNpy(1, header("'<f4'", "0", "(2,)"), two), {"True or False"});
    row("header_not_a_dict", makeNpy(1, "[1, 2]", two), {"expected '{'", "found '['"});
    row("header_empty", makeNpy(1, "", two), {"found the end of the header"});
    row("garbage_after_dict", makeNpy(1, header("'<f4'", "False", "(2,)") + " x", two),
        {"only padding after the header dict", "found 'x'"});
    row("unterminated_string", makeNpy(1, "{'descr': '<f4}", two),
        {"closing quote of the value of 'descr'"});
    row("nul_byte_in_header", makeNpy(1, std::string("{'descr'\0: '<f4'}", 17), two),
        {"byte 0x00"});
    row("header_dict_cut_short", makeNpy(1, "{'descr': '<f4', 'fortran_", two),
        {"closing quote of a key"});
}

void TestNpy::rejectsMalformedFiles() {
    QFETCH(QByteArray, bytes);
    QFETCH(QStringList, fragments);
    const QString message = parseError(fromQByteArray(bytes));
    const QString problem = fileMessageProblem(message, QStringLiteral("bad.npy"), fragments);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
}

void TestNpy::rejectsEveryTruncation_data() {
    QTest::addColumn<QByteArray>("bytes");
    QTest::newRow("float32_2x3") << toQByteArray(bytesOf(kNumpyFloat32_2x3));
    QTest::newRow("float64_4") << toQByteArray(bytesOf(kNumpyFloat64_4));
    QTest::newRow("bool_2x2") << toQByteArray(bytesOf(kNumpyBool_2x2));
    QTest::newRow("scalar_0d") << toQByteArray(bytesOf(kNumpyScalar));
    QTest::newRow("zero_size_0x3") << toQByteArray(bytesOf(kNumpyEmpty_0x3));
    QTest::newRow("version_2_0") << toQByteArray(bytesOf(kNumpyVersion2));
}

void TestNpy::rejectsEveryTruncation() {
    QFETCH(QByteArray, bytes);
    const std::string full = fromQByteArray(bytes);
    QVERIFY(npy::parse(asBytes(full), "full.npy").shape().size() <= 2);
    for (std::size_t length = 0; length < full.size(); ++length) {
        const QString message = parseError(full.substr(0, length), "cut.npy");
        const QString problem = fileMessageProblem(message, QStringLiteral("cut.npy"), {});
        QVERIFY2(problem.isEmpty(),
                 qPrintable(QStringLiteral("prefix of %1 bytes: %2").arg(length).arg(problem)));
    }
}

void TestNpy::rejectsTruncatedFilesOnDisk() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string full = bytesOf(kNumpyFloat32_2x3);
    const QString path = dir.filePath("cut.npy");
    for (std::size_t length = 0; length < full.size(); ++length) {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        QCOMPARE(file.write(full.data(), static_cast<qint64>(length)), static_cast<qint64>(length));
        file.close();
        try {
            (void)npy::read(path.toStdString());
            QFAIL(qPrintable(QStringLiteral("a prefix of %1 bytes was accepted").arg(length)));
        } catch (const Error& error) {
            const QString problem =
                fileMessageProblem(QString::fromStdString(error.what()), path, {});
            QVERIFY2(problem.isEmpty(), qPrintable(problem));
        }
    }
}

void TestNpy::readFloatAndReadMaskCheckTheDtype() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string floatPath = dir.filePath("weights.npy").toStdString();
    const std::string maskPath = dir.filePath("mask.npy").toStdString();
    npy::write(floatPath, tensorOf({2}, {1.0f, 2.0f}));
    npy::write(maskPath, maskOf({2}, {1, 0}));

    QCOMPARE(npy::read(maskPath).storedType, npy::DType::Bool);
    try {
        (void)npy::readFloat(maskPath, "query");
        QFAIL("readFloat accepted a bool array");
    } catch (const Error& error) {
        const QString problem = fileMessageProblem(
            QString::fromStdString(error.what()), QString::fromStdString(maskPath),
            {"query must be float32 or float64", "found bool"});
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
    }
    try {
        (void)npy::readMask(floatPath, "attention mask");
        QFAIL("readMask accepted a float array");
    } catch (const Error& error) {
        const QString problem = fileMessageProblem(
            QString::fromStdString(error.what()), QString::fromStdString(floatPath),
            {"attention mask must be a bool or uint8 mask", "found float32"});
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
    }
}

void TestNpy::reportsUnreadableFiles() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    for (const QString& path : {dir.filePath("missing.npy"), dir.path()}) {
        try {
            (void)npy::read(path.toStdString());
            QFAIL(qPrintable(path + QStringLiteral(" was read")));
        } catch (const Error& error) {
            const QString problem =
                fileMessageProblem(QString::fromStdString(error.what()), path, {});
            QVERIFY2(problem.isEmpty(), qPrintable(problem));
        }
    }
    const QString unwritable = dir.filePath("no/such/folder/out.npy");
    try {
        npy::write(unwritable.toStdString(), tensorOf({1}, {1.0f}));
        QFAIL("wrote into a missing folder");
    } catch (const Error& error) {
        const QString problem = fileMessageProblem(QString::fromStdString(error.what()), unwritable,
                                                   {"cannot open for writing"});
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
    }
}

void TestNpy::refusesToSaveAnInconsistentTensor() {
    // A default-constructed tensor has rank 0 (one element) but no values.
    QVERIFY_THROWS_EXCEPTION(Error, (void)npy::serialize(Tensor{}));
    QVERIFY_THROWS_EXCEPTION(Error, (void)npy::serialize(MaskTensor{}));
}

void TestNpy::writeReplacesTheWholeFile() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string path = dir.filePath("grow_and_shrink.npy").toStdString();
    npy::write(path, Tensor({100}, 1.0f));
    npy::write(path, tensorOf({1}, {2.0f}));
    const Tensor back = npy::readFloat(path, "tensor");
    QCOMPARE(back, tensorOf({1}, {2.0f}));
    QCOMPARE(QFileInfo(QString::fromStdString(path)).size(),
             static_cast<qint64>(npy::serialize(back).size()));
    // QSaveFile leaves no temporary files behind.
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files).size(), 1);
}

void TestNpy::survivesRandomBytesAndMutations() {
    const std::vector<std::string> seeds = {
        bytesOf(kNumpyFloat32_2x3), bytesOf(kNumpyFloat64_4), bytesOf(kNumpyBool_2x2),
        bytesOf(kNumpyScalar),      bytesOf(kNumpyVersion2),  bytesOf(kNumpyBigEndianFloat32_2)};
    Bytes random(20240601);
    int accepted = 0;
    int rejected = 0;
    for (int iteration = 0; iteration < 4000; ++iteration) {
        std::string bytes;
        if (iteration % 8 == 0) {
            bytes.resize(random.below(200));
            for (char& c : bytes)
                c = random.byte();
        } else {
            bytes = seeds[random.below(static_cast<std::uint32_t>(seeds.size()))];
            const std::uint32_t edits = 1 + random.below(4);
            for (std::uint32_t e = 0; e < edits && !bytes.empty(); ++e) {
                // Mutations aim at the header most of the time: that is where parsing happens.
                const std::size_t limit =
                    random.below(4) == 0 ? bytes.size() : std::min<std::size_t>(bytes.size(), 128);
                const std::size_t at = random.below(static_cast<std::uint32_t>(limit));
                switch (random.below(5)) {
                case 0:
                    bytes[at] = random.byte();
                    break;
                case 1:
                    bytes[at] = static_cast<char>(bytes[at] ^ (1 << random.below(8)));
                    break;
                case 2:
                    bytes.erase(at, 1);
                    break;
                case 3:
                    bytes.insert(at, 1, "(),: '-0123456789TFL"[random.below(20)]);
                    break;
                default:
                    bytes.resize(at);
                    break;
                }
            }
        }
        try {
            const npy::Array array = npy::parse(asBytes(bytes), "fuzz.npy");
            const std::int64_t elements = checkedElementCount(array.shape());
            const std::int64_t stored =
                std::visit([](const auto& t) { return t.numel(); }, array.data);
            QCOMPARE(stored, elements);
            ++accepted;
        } catch (const Error& error) {
            QVERIFY2(QString::fromStdString(error.what()).startsWith(QStringLiteral("fuzz.npy: ")),
                     error.what());
            ++rejected;
        }
    }
    // Both outcomes must occur, or the loop was not testing what it claims to.
    QVERIFY(accepted > 0);
    QVERIFY(rejected > 0);
}

QTEST_GUILESS_MAIN(TestNpy)
#include "test_npy.moc"
