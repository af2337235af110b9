#include "core/formats/npy.h"

#include "core/base/error.h"
#include "core/formats/atomicwrite.h"
#include "core/formats/byteorder.h"

#include <QFile>
#include <QString>
#include <algorithm>
#include <bit>
#include <cstring>
#include <limits>
#include <optional>
#include <string_view>

namespace attnscope::npy {

namespace {

// The .npy format: https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
constexpr std::string_view kMagic = "\x93NUMPY";
constexpr std::size_t kArrayAlign = 64;
// numpy pads a header so that its first axis can grow in place to this many digits
// (GROWTH_AXIS_MAX_DIGITS in numpy/lib/format.py); matching it makes our files byte-identical.
constexpr std::size_t kGrowthAxisMaxDigits = 21;
// numpy 2 allows 64 dimensions; more than that is a corrupt header, not an array.
constexpr std::size_t kMaxRank = 64;
constexpr const char* kSupportedDtypes =
    "expected float32 '<f4', float64 '<f8', bool '|b1' or uint8 '|u1'";

[[noreturn]] void fail(const std::string& source, const std::string& message) {
    throw Error(source + ": " + message);
}

/** A character of the header for an error message: printable ASCII as is, the rest escaped. */
std::string describeChar(char c) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte < 0x7f)
        return std::string("'") + c + "'";
    static constexpr char hex[] = "0123456789abcdef";
    return std::string("byte 0x") + hex[byte >> 4] + hex[byte & 0xf];
}

/** Shortens a piece of untrusted text so that an error message stays one reasonable line. */
std::string excerpt(std::string_view text) {
    constexpr std::size_t limit = 40;
    std::string out;
    for (char c : text.substr(0, limit))
        out += (static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) < 0x7f)
                   ? c
                   : '?';
    if (text.size() > limit)
        out += "...";
    return out;
}

struct Descr {
    DType type;
    std::size_t itemSize;
    bool bigEndian;
};

std::optional<Descr> lookupDescr(std::string_view descr) {
    char order = '\0'; // none: native byte order
    if (!descr.empty() && std::string_view("<>|=").find(descr.front()) != std::string_view::npos) {
        order = descr.front();
        descr.remove_prefix(1);
    }
    // One-byte types have no byte order, so numpy may spell them with any prefix or none.
    if (descr == "b1")
        return Descr{DType::Bool, 1, false};
    if (descr == "u1")
        return Descr{DType::UInt8, 1, false};
    // '|' means "byte order not applicable", which is malformed for a multi-byte type.
    if ((descr != "f4" && descr != "f8") || order == '|')
        return std::nullopt;
    const bool big = order == '>' || (order != '<' && std::endian::native == std::endian::big);
    if (descr == "f4")
        return Descr{DType::Float32, 4, big};
    return Descr{DType::Float64, 8, big};
}

struct HeaderFields {
    std::string descr;
    bool fortranOrder = false;
    Shape shape;
};

/**
 * Parses the header's Python dict literal, e.g. "{'descr': '<f4', 'fortran_order': False,
 * 'shape': (2, 3), }". Accepts what ast.literal_eval would for the three keys numpy writes (any
 * whitespace, any key order, trailing commas, either quote, Python 2 'L' integer suffixes) and
 * nothing else: no other keys, no duplicates, no lists where numpy expects a tuple.
 */
class HeaderParser {
public:
    HeaderParser(std::string_view text, const std::string& source)
        : m_text(text)
        , m_source(source) {}

    HeaderFields parse() {
        HeaderFields fields;
        bool seenDescr = false, seenFortran = false, seenShape = false;
        skipSpace();
        expect('{', "opening the header dict");
        skipSpace();
        while (peek() != '}') {
            const std::string key = parseString("a key");
            skipSpace();
            expect(':', "after key '" + excerpt(key) + "'");
            skipSpace();
            if (key == "descr") {
                markSeen(seenDescr, key);
                if (peek() == '[')
                    fail(m_source, "structured dtypes are not supported (" +
                                       std::string(kSupportedDtypes) + ")");
                fields.descr = parseString("the value of 'descr'");
            } else if (key == "fortran_order") {
                markSeen(seenFortran, key);
                fields.fortranOrder = parseBool();
            } else if (key == "shape") {
                markSeen(seenShape, key);
                fields.shape = parseTuple();
            } else {
                fail(m_source, "header has unexpected key '" + excerpt(key) +
                                   "' (expected 'descr', 'fortran_order' and 'shape')");
            }
            skipSpace();
            if (peek() == ',') {
                ++m_pos;
                skipSpace();
            } else if (peek() != '}') {
                unexpected("',' or '}' after the value of '" + key + "'");
            }
        }
        ++m_pos;
        // numpy pads the dict with spaces and ends the header with '\n'.
        skipSpace();
        if (m_pos != m_text.size())
            unexpected("only padding after the header dict");
        if (!seenDescr)
            fail(m_source, "header is missing key 'descr'");
        if (!seenFortran)
            fail(m_source, "header is missing key 'fortran_order'");
        if (!seenShape)
            fail(m_source, "header is missing key 'shape'");
        return fields;
    }

private:
    [[nodiscard]] char peek() const { return m_pos < m_text.size() ? m_text[m_pos] : '\0'; }
    [[nodiscard]] bool atEnd() const { return m_pos >= m_text.size(); }

    void skipSpace() {
        while (!atEnd() &&
               std::string_view(" \t\r\n\f\v").find(m_text[m_pos]) != std::string_view::npos)
            ++m_pos;
    }

    [[noreturn]] void unexpected(const std::string& expected) const {
        const std::string found = atEnd() ? "the end of the header" : describeChar(m_text[m_pos]);
        fail(m_source, "header is not a valid dict literal: expected " + expected + " at byte " +
                           std::to_string(m_pos) + " of the header, found " + found);
    }

    void expect(char c, const std::string& context) {
        if (peek() != c || atEnd())
            unexpected(std::string("'") + c + "' " + context);
        ++m_pos;
    }

    void markSeen(bool& seen, const std::string& key) const {
        if (seen)
            fail(m_source, "header key '" + key + "' appears twice");
        seen = true;
    }

    std::string parseString(const std::string& what) {
        const char quote = peek();
        if (atEnd() || (quote != '\'' && quote != '"'))
            unexpected("a quoted string as " + what);
        const std::size_t start = ++m_pos;
        while (!atEnd() && m_text[m_pos] != quote) {
            // numpy never writes escapes; refusing them keeps the parser obviously correct.
            if (m_text[m_pos] == '\\' || m_text[m_pos] == '\n')
                unexpected("the closing quote of " + what);
            ++m_pos;
        }
        if (atEnd())
            unexpected("the closing quote of " + what);
        return std::string(m_text.substr(start, m_pos++ - start));
    }

    bool parseBool() {
        for (const auto& [word, value] : {std::pair{std::string_view("True"), true},
                                          std::pair{std::string_view("False"), false}}) {
            if (m_text.substr(m_pos, word.size()) == word) {
                m_pos += word.size();
                return value;
            }
        }
        unexpected("True or False as the value of 'fortran_order'");
    }

    Shape parseTuple() {
        if (peek() == '[')
            fail(m_source, "shape must be a tuple like (2, 3), found a list");
        expect('(', "opening the value of 'shape'");
        Shape shape;
        skipSpace();
        bool needComma = false; // "(3)" is an int in Python, not a tuple
        while (peek() != ')') {
            if (atEnd())
                unexpected("')' closing the shape");
            if (shape.size() == kMaxRank)
                fail(m_source, "shape has more than " + std::to_string(kMaxRank) + " dimensions");
            shape.push_back(parseDim(shape.size()));
            skipSpace();
            if (peek() == ',') {
                ++m_pos;
                needComma = false;
                skipSpace();
            } else if (peek() == ')') {
                needComma = shape.size() == 1;
            } else {
                unexpected("',' or ')' in the shape");
            }
        }
        if (needComma)
            unexpected("',' after the only dimension of the shape, as in (3,)");
        ++m_pos;
        return shape;
    }

    std::int64_t parseDim(std::size_t axis) {
        const std::size_t start = m_pos;
        const bool negative = peek() == '-';
        if (negative)
            ++m_pos;
        const std::size_t digitsStart = m_pos;
        std::uint64_t value = 0;
        bool overflow = false;
        while (!atEnd() && m_text[m_pos] >= '0' && m_text[m_pos] <= '9') {
            const auto digit = static_cast<std::uint64_t>(m_text[m_pos] - '0');
            if (value > (std::numeric_limits<std::uint64_t>::max() - digit) / 10)
                overflow = true;
            else
                value = value * 10 + digit;
            ++m_pos;
        }
        if (m_pos == digitsStart)
            unexpected("an integer dimension in the shape");
        const std::string literal(m_text.substr(start, m_pos - start));
        // Python 2 wrote longs as "3L"; numpy still reads such files.
        if (peek() == 'L' || peek() == 'l')
            ++m_pos;
        const std::string where =
            "shape dimension " + std::to_string(axis) + " (" + excerpt(literal) + ")";
        if (negative && (value != 0 || overflow))
            fail(m_source, where + " is negative");
        if (overflow ||
            value > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
            fail(m_source, where + " does not fit in a signed 64-bit integer");
        return static_cast<std::int64_t>(value);
    }

    std::string_view m_text;
    std::size_t m_pos = 0;
    const std::string& m_source;
};

template <typename Float>
void convertFloats(const std::byte* src, const Descr& descr, std::span<float> out) {
    using Bits = std::conditional_t<sizeof(Float) == 4, std::uint32_t, std::uint64_t>;
    for (std::size_t i = 0; i < out.size(); ++i) {
        const std::byte* p = src + i * sizeof(Float);
        const Bits bits = descr.bigEndian ? detail::loadBig<Bits>(p) : detail::loadLittle<Bits>(p);
        if constexpr (sizeof(Float) == 4)
            out[i] = std::bit_cast<float>(bits);
        else
            out[i] = detail::narrowToFloat(std::bit_cast<double>(bits));
    }
}

std::string pythonTuple(const Shape& shape) {
    std::string out = "(";
    for (std::size_t i = 0; i < shape.size(); ++i) {
        if (i > 0)
            out += ", ";
        out += std::to_string(shape[i]);
    }
    return out + (shape.size() == 1 ? ",)" : ")");
}

/** The version 1.0 header numpy.save writes, padding and all. */
std::string headerBytes(std::string_view descr, const Shape& shape, const std::string& label) {
    std::string dict = "{'descr': '" + std::string(descr) +
                       "', 'fortran_order': False, 'shape': " + pythonTuple(shape) + ", }";
    if (!shape.empty()) {
        const std::size_t digits = std::to_string(shape.front()).size();
        if (digits < kGrowthAxisMaxDigits)
            dict.append(kGrowthAxisMaxDigits - digits, ' ');
    }
    const std::size_t prefixSize = kMagic.size() + 2 + 2; // magic, version, u16 length
    const std::size_t withNewline = dict.size() + 1;
    const std::size_t padding = kArrayAlign - (prefixSize + withNewline) % kArrayAlign;
    const std::size_t headerLength = withNewline + padding;
    if (headerLength > std::numeric_limits<std::uint16_t>::max())
        fail(label, "shape " + shapeToString(shape) + " is too long for a version 1.0 header");

    std::string out(kMagic);
    out.push_back('\x01');
    out.push_back('\x00');
    detail::appendLittle(out, static_cast<std::uint16_t>(headerLength));
    out += dict;
    out.append(padding, ' ');
    out.push_back('\n');
    return out;
}

template <typename T> void checkConsistent(const BasicTensor<T>& tensor, const std::string& label) {
    if (checkedElementCount(tensor.shape()) != tensor.numel())
        fail(label, "cannot save a tensor of shape " + shapeToString(tensor.shape()) + " holding " +
                        std::to_string(tensor.numel()) + " values");
}

std::string serializeFloat(const Tensor& tensor, const std::string& label) {
    checkConsistent(tensor, label);
    std::string out = headerBytes("<f4", tensor.shape(), label);
    out.reserve(out.size() + tensor.values().size() * sizeof(float));
    for (float value : tensor.values())
        detail::appendLittle(out, std::bit_cast<std::uint32_t>(value));
    return out;
}

std::string serializeMask(const MaskTensor& mask, const std::string& label) {
    checkConsistent(mask, label);
    std::string out = headerBytes("|b1", mask.shape(), label);
    out.reserve(out.size() + mask.values().size());
    for (std::uint8_t value : mask.values())
        out.push_back(value != 0 ? '\x01' : '\x00');
    return out;
}

const char* dtypeName(DType type) {
    switch (type) {
    case DType::Float32:
        return "float32";
    case DType::Float64:
        return "float64";
    case DType::Bool:
        return "bool";
    case DType::UInt8:
        return "uint8";
    }
    return "?";
}

} // namespace

const Shape& Array::shape() const noexcept {
    if (const auto* tensor = std::get_if<Tensor>(&data))
        return tensor->shape();
    return std::get_if<MaskTensor>(&data)->shape(); // the variant is never valueless here
}

Array parse(std::span<const std::byte> bytes, const std::string& sourceName) {
    const auto* chars = reinterpret_cast<const char*>(bytes.data());
    const std::size_t magicSeen = std::min(bytes.size(), kMagic.size());
    if (std::string_view(chars, magicSeen) != kMagic.substr(0, magicSeen))
        fail(sourceName, "not a .npy file (the first 6 bytes are not the magic \\x93NUMPY)");
    if (bytes.size() < kMagic.size() + 2)
        fail(sourceName, "file is " + std::to_string(bytes.size()) +
                             " bytes, too short for the .npy magic and version");
    const auto major = std::to_integer<unsigned>(bytes[6]);
    const auto minor = std::to_integer<unsigned>(bytes[7]);
    if ((major != 1 && major != 2 && major != 3) || minor != 0)
        fail(sourceName, ".npy version " + std::to_string(major) + "." + std::to_string(minor) +
                             " is not supported (expected 1.0, 2.0 or 3.0)");
    // Version 1.0 stores the header length in 2 bytes, later versions in 4.
    const std::size_t lengthSize = major == 1 ? 2 : 4;
    const std::size_t lengthEnd = 8 + lengthSize;
    if (bytes.size() < lengthEnd)
        fail(sourceName, "file is " + std::to_string(bytes.size()) +
                             " bytes, too short for the header length field");
    const std::uint64_t headerLength = major == 1 ? detail::loadLittle<std::uint16_t>(&bytes[8])
                                                  : detail::loadLittle<std::uint32_t>(&bytes[8]);
    if (headerLength > bytes.size() - lengthEnd)
        fail(sourceName,
             "header length " + std::to_string(headerLength) + " runs past the end of the file (" +
                 std::to_string(bytes.size() - lengthEnd) + " bytes follow the length field)");

    // Versions 1 and 2 are latin-1, version 3 UTF-8; the keys and values that matter are ASCII
    // either way, and anything else fails to parse with an error.
    const std::string_view headerText(chars + lengthEnd, static_cast<std::size_t>(headerLength));
    const HeaderFields fields = HeaderParser(headerText, sourceName).parse();

    const std::optional<Descr> descr = lookupDescr(fields.descr);
    if (!descr)
        fail(sourceName,
             "dtype '" + excerpt(fields.descr) + "' is not supported (" + kSupportedDtypes + ")");
    if (fields.fortranOrder)
        fail(sourceName, "fortran_order is True; only C-order arrays are supported "
                         "(save numpy.ascontiguousarray(a) instead)");

    const std::int64_t count = checkedElementCount(fields.shape);
    if (count < 0)
        fail(sourceName,
             "shape " + shapeToString(fields.shape) + " has more elements than fit in 64 bits");
    const std::uint64_t available = bytes.size() - lengthEnd - headerLength;
    const auto ucount = static_cast<std::uint64_t>(count);
    // Compare without multiplying first, so that a huge shape cannot overflow into a match.
    if (ucount > available / descr->itemSize || ucount * descr->itemSize != available) {
        const std::string needed =
            ucount > std::numeric_limits<std::uint64_t>::max() / descr->itemSize
                ? "more than 2^64"
                : std::to_string(ucount * descr->itemSize);
        fail(sourceName, "shape " + shapeToString(fields.shape) + " of dtype '" + fields.descr +
                             "' needs " + needed + " data bytes, but the file has " +
                             std::to_string(available) + " after the header");
    }

    // Only now, with the byte count matching the file, is it safe to allocate.
    const std::byte* src = bytes.data() + lengthEnd + headerLength;
    Array array;
    array.storedType = descr->type;
    switch (descr->type) {
    case DType::Float32:
    case DType::Float64: {
        Tensor tensor(fields.shape);
        if (descr->type == DType::Float32)
            convertFloats<float>(src, *descr, tensor.values());
        else
            convertFloats<double>(src, *descr, tensor.values());
        array.data = std::move(tensor);
        break;
    }
    case DType::Bool:
    case DType::UInt8: {
        MaskTensor mask(fields.shape);
        if (count > 0)
            std::memcpy(mask.data(), src, static_cast<std::size_t>(count));
        if (descr->type == DType::Bool)
            for (std::uint8_t& value : mask.values())
                value = value != 0 ? 1 : 0;
        array.data = std::move(mask);
        break;
    }
    }
    return array;
}

Array read(const std::string& path) {
    QFile file(QString::fromStdString(path));
    if (!file.open(QIODevice::ReadOnly))
        fail(path, "cannot open for reading: " + file.errorString().toStdString());
    const qint64 size = file.size();
    if (size < 0)
        fail(path, "cannot determine the file size");
    // Read the file once; parse() checks every declared size against this buffer before it
    // allocates the tensor, so a lying header costs at most the file's own size.
    std::vector<std::byte> bytes(static_cast<std::size_t>(size));
    qint64 done = 0;
    while (done < size) {
        const qint64 got = file.read(reinterpret_cast<char*>(bytes.data()) + done, size - done);
        if (got < 0)
            fail(path, "cannot read: " + file.errorString().toStdString());
        if (got == 0)
            fail(path, "file shrank while being read (expected " + std::to_string(size) +
                           " bytes, got " + std::to_string(done) + ")");
        done += got;
    }
    return parse(bytes, path);
}

Tensor readFloat(const std::string& path, const std::string& what) {
    Array array = read(path);
    if (!array.isFloat())
        fail(path, what + " must be float32 or float64, found " + dtypeName(array.storedType));
    return std::get<Tensor>(std::move(array.data));
}

MaskTensor readMask(const std::string& path, const std::string& what) {
    Array array = read(path);
    if (array.isFloat())
        fail(path, what + " must be a bool or uint8 mask, found " + dtypeName(array.storedType));
    return std::get<MaskTensor>(std::move(array.data));
}

std::string serialize(const Tensor& tensor) {
    return serializeFloat(tensor, "npy");
}

std::string serialize(const MaskTensor& mask) {
    return serializeMask(mask, "npy");
}

void write(const std::string& path, const Tensor& tensor) {
    writeFileAtomically(path, serializeFloat(tensor, path));
}

void write(const std::string& path, const MaskTensor& mask) {
    writeFileAtomically(path, serializeMask(mask, path));
}

} // namespace attnscope::npy
