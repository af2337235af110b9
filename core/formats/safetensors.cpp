#include "core/formats/safetensors.h"

#include "core/base/error.h"
#include "core/base/jsonvalue.h"
#include "core/formats/atomicwrite.h"
#include "core/formats/byteorder.h"

#include <QByteArray>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QJsonValue>
#include <QString>
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <set>
#include <string_view>
#include <tuple>

namespace attnscope::safetensors {

namespace {

// Format: https://github.com/huggingface/safetensors#format. The limit is the Rust crate's
// MAX_HEADER_SIZE; a header this large is refused before a byte of it is read.
constexpr std::uint64_t kMaxHeaderSize = 100'000'000;
constexpr std::uint64_t kLengthFieldSize = 8;
constexpr const char* kMetadataKey = "__metadata__";
constexpr const char* kSupportedDtypes =
    "F32, F16, BF16, F64, BOOL, U8, I8, I16, U16, I32, U32, I64, U64, F8_E4M3 or F8_E5M2";

struct DTypeInfo {
    DType type;
    std::string_view name;
    std::uint64_t size;
};

constexpr DTypeInfo kDtypes[] = {
    {DType::F32, "F32", 4}, {DType::F16, "F16", 2},         {DType::BF16, "BF16", 2},
    {DType::F64, "F64", 8}, {DType::BOOL, "BOOL", 1},       {DType::U8, "U8", 1},
    {DType::I8, "I8", 1},   {DType::I16, "I16", 2},         {DType::U16, "U16", 2},
    {DType::I32, "I32", 4}, {DType::U32, "U32", 4},         {DType::I64, "I64", 8},
    {DType::U64, "U64", 8}, {DType::F8_E4M3, "F8_E4M3", 1}, {DType::F8_E5M2, "F8_E5M2", 1}};

// dtypes the format defines that attnscope does not convert; named separately so that the error
// says "not supported" rather than "unknown".
constexpr std::string_view kOtherFormatDtypes[] = {
    "F8_E4M3FNUZ", "F8_E5M2FNUZ", "F8_E8M0", "F6_E2M3", "F6_E3M2", "F4", "C64", "C128"};

[[noreturn]] void fail(const std::string& source, const std::string& message) {
    throw Error(source + ": " + message);
}

const DTypeInfo& info(DType type) {
    for (const DTypeInfo& entry : kDtypes)
        if (entry.type == type)
            return entry;
    return kDtypes[0];
}

/** Untrusted names and values in messages: quoted, shortened, control characters replaced. */
std::string quotedName(std::string_view text) {
    constexpr std::size_t limit = 60;
    std::string out = "'";
    for (char c : text.substr(0, limit))
        out += static_cast<unsigned char>(c) < 0x20 || c == '\x7f' ? '?' : c;
    return out + (text.size() > limit ? "...'" : "'");
}

/**
 * A JSON number that must be a non-negative integer. QJsonDocument keeps integers that fit in
 * int64 exactly and everything else as double, so this both rejects 2.5 and -1 and reads 2^53 + 1
 * without rounding.
 */
std::int64_t nonNegativeInteger(const QJsonValue& value, const std::string& source,
                                const std::string& what) {
    if (!value.isDouble())
        fail(source, what + " must be a non-negative integer, found " + jsonTypeName(value));
    const double asDouble = value.toDouble();
    if (!std::isfinite(asDouble) || std::trunc(asDouble) != asDouble)
        fail(source, what + " must be a non-negative integer, found " +
                         QString::number(asDouble, 'g', 17).toStdString());
    if (asDouble < 0)
        fail(source, what + " must be a non-negative integer, found " +
                         QString::number(asDouble, 'g', 17).toStdString());
    const qint64 integer = value.toInteger(-1);
    if (integer < 0)
        fail(source, what + " (" + QString::number(asDouble, 'g', 17).toStdString() +
                         ") does not fit in a signed 64-bit integer");
    return integer;
}

const DTypeInfo& parseDtype(const QJsonValue& value, const std::string& source,
                            const std::string& tensor) {
    if (!value.isString())
        fail(source, "tensor " + tensor + ": dtype must be a string, found " + jsonTypeName(value));
    const std::string name = value.toString().toStdString();
    for (const DTypeInfo& entry : kDtypes)
        if (entry.name == name)
            return entry;
    const bool known = std::find(std::begin(kOtherFormatDtypes), std::end(kOtherFormatDtypes),
                                 name) != std::end(kOtherFormatDtypes);
    fail(source, "tensor " + tensor + ": dtype " + quotedName(name) +
                     (known ? " is not supported" : " is unknown") + " (expected " +
                     kSupportedDtypes + ")");
}

TensorInfo parseEntry(const std::string& name, const QJsonValue& value, std::uint64_t dataSize,
                      const std::string& source) {
    const std::string label = quotedName(name);
    if (!value.isObject())
        fail(source, "tensor " + label + " must be a JSON object, found " + jsonTypeName(value));
    const QJsonObject object = value.toObject();
    for (auto it = object.begin(); it != object.end(); ++it) {
        const QString key = it.key();
        if (key != QLatin1String("dtype") && key != QLatin1String("shape") &&
            key != QLatin1String("data_offsets"))
            fail(source, "tensor " + label + " has unexpected field " +
                             quotedName(key.toStdString()) +
                             " (expected dtype, shape and data_offsets)");
    }
    for (const char* field : {"dtype", "shape", "data_offsets"})
        if (!object.contains(QLatin1String(field)))
            fail(source, "tensor " + label + " is missing field '" + field + "'");

    TensorInfo tensor;
    tensor.name = name;
    const DTypeInfo& dtype = parseDtype(object.value(QLatin1String("dtype")), source, label);
    tensor.dtype = dtype.type;

    const QJsonValue shapeValue = object.value(QLatin1String("shape"));
    if (!shapeValue.isArray())
        fail(source, "tensor " + label + ": shape must be an array of integers, found " +
                         jsonTypeName(shapeValue));
    const QJsonArray shape = shapeValue.toArray();
    tensor.shape.reserve(static_cast<std::size_t>(shape.size()));
    for (qsizetype i = 0; i < shape.size(); ++i)
        tensor.shape.push_back(nonNegativeInteger(
            shape.at(i), source, "tensor " + label + ": shape dimension " + std::to_string(i)));

    const QJsonValue offsetsValue = object.value(QLatin1String("data_offsets"));
    if (!offsetsValue.isArray() || offsetsValue.toArray().size() != 2)
        fail(source,
             "tensor " + label + ": data_offsets must be an array [begin, end], found " +
                 (offsetsValue.isArray()
                      ? "an array of " + std::to_string(offsetsValue.toArray().size()) + " values"
                      : jsonTypeName(offsetsValue)));
    const QJsonArray offsets = offsetsValue.toArray();
    tensor.begin = static_cast<std::uint64_t>(
        nonNegativeInteger(offsets.at(0), source, "tensor " + label + ": data_offsets begin"));
    tensor.end = static_cast<std::uint64_t>(
        nonNegativeInteger(offsets.at(1), source, "tensor " + label + ": data_offsets end"));
    const std::string span =
        "[" + std::to_string(tensor.begin) + ", " + std::to_string(tensor.end) + "]";
    if (tensor.begin > tensor.end)
        fail(source, "tensor " + label + ": data_offsets " + span + " end before they begin");
    if (tensor.end > dataSize)
        fail(source, "tensor " + label + ": data_offsets " + span +
                         " run past the end of the data section (" + std::to_string(dataSize) +
                         " bytes)");

    const std::int64_t count = checkedElementCount(tensor.shape);
    if (count < 0)
        fail(source, "tensor " + label + ": shape " + shapeToString(tensor.shape) +
                         " has more elements than fit in 64 bits");
    const auto ucount = static_cast<std::uint64_t>(count);
    const std::uint64_t spanSize = tensor.end - tensor.begin;
    // Divide rather than multiply, so that a huge shape cannot wrap around into a match.
    if (ucount > spanSize / dtype.size || ucount * dtype.size != spanSize) {
        const std::string needed = ucount > std::numeric_limits<std::uint64_t>::max() / dtype.size
                                       ? "more than 2^64"
                                       : std::to_string(ucount * dtype.size);
        fail(source, "tensor " + label + ": shape " + shapeToString(tensor.shape) + " of " +
                         std::string(dtype.name) + " needs " + needed +
                         " bytes, but data_offsets " + span + " span " + std::to_string(spanSize));
    }
    return tensor;
}

std::map<std::string, std::string> parseMetadata(const QJsonValue& value,
                                                 const std::string& source) {
    std::map<std::string, std::string> metadata;
    // The Rust crate reads __metadata__ as Option<HashMap<String, String>>, so null means none.
    if (value.isNull())
        return metadata;
    if (!value.isObject())
        fail(source, std::string(kMetadataKey) + " must be an object of strings, found " +
                         jsonTypeName(value));
    const QJsonObject object = value.toObject();
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (!it.value().isString())
            fail(source, std::string(kMetadataKey) + " entry " +
                             quotedName(it.key().toStdString()) + " must be a string, found " +
                             jsonTypeName(it.value()));
        metadata[it.key().toStdString()] = it.value().toString().toStdString();
    }
    return metadata;
}

/** IEEE 754 binary16 → binary32, exact for every value (subnormals, ±inf, NaN payloads). */
float halfToFloat(std::uint16_t half) noexcept {
    const std::uint32_t sign = static_cast<std::uint32_t>(half & 0x8000u) << 16;
    std::uint32_t exponent = (half >> 10) & 0x1fu;
    std::uint32_t mantissa = half & 0x3ffu;
    std::uint32_t bits = 0;
    if (exponent == 0x1f) {
        bits = sign | 0x7f800000u | (mantissa << 13);
    } else if (exponent != 0) {
        bits = sign | ((exponent + (127 - 15)) << 23) | (mantissa << 13);
    } else if (mantissa == 0) {
        bits = sign;
    } else {
        // Subnormal half: shift the leading 1 into the implicit bit, every binary16 subnormal is a
        // normal binary32.
        exponent = 127 - 15 + 1;
        while ((mantissa & 0x400u) == 0) {
            mantissa <<= 1;
            --exponent;
        }
        bits = sign | (exponent << 23) | ((mantissa & 0x3ffu) << 13);
    }
    return std::bit_cast<float>(bits);
}

/** bfloat16 is the top half of a binary32, so widening is a shift. */
float bfloat16ToFloat(std::uint16_t value) noexcept {
    return std::bit_cast<float>(static_cast<std::uint32_t>(value) << 16);
}

/** UTF-8 that survives a round trip through QString is valid (Qt replaces malformed input). */
bool isValidUtf8(const std::string& text) {
    return QString::fromStdString(text).toStdString() == text;
}

void appendJsonString(std::string& out, const std::string& text) {
    static constexpr char hex[] = "0123456789abcdef";
    out += '"';
    for (char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (byte < 0x20) {
            out += "\\u00";
            out += hex[byte >> 4];
            out += hex[byte & 0xf];
        } else {
            out += c;
        }
    }
    out += '"';
}

std::string serializeImpl(const std::vector<std::pair<std::string, Tensor>>& tensors,
                          const std::map<std::string, std::string>& metadata,
                          const std::string& label) {
    std::set<std::string_view> names;
    for (const auto& [name, tensor] : tensors) {
        if (name == kMetadataKey)
            fail(label,
                 "a tensor cannot be named " + quotedName(name) + " (reserved for metadata)");
        if (!isValidUtf8(name))
            fail(label, "tensor name " + quotedName(name) + " is not valid UTF-8");
        if (!names.insert(name).second)
            fail(label, "tensor name " + quotedName(name) + " appears twice");
        if (checkedElementCount(tensor.shape()) != tensor.numel())
            fail(label, "tensor " + quotedName(name) + " has shape " +
                            shapeToString(tensor.shape()) + " but holds " +
                            std::to_string(tensor.numel()) + " values");
    }
    for (const auto& [key, value] : metadata)
        if (!isValidUtf8(key) || !isValidUtf8(value))
            fail(label, "metadata entry " + quotedName(key) + " is not valid UTF-8");

    // Compact JSON in the layout of the Rust crate: metadata first, then tensors in data order.
    std::string json = "{";
    if (!metadata.empty()) {
        json += "\"__metadata__\":{";
        bool first = true;
        for (const auto& [key, value] : metadata) {
            if (!first)
                json += ',';
            first = false;
            appendJsonString(json, key);
            json += ':';
            appendJsonString(json, value);
        }
        json += '}';
    }
    std::uint64_t offset = 0;
    for (const auto& [name, tensor] : tensors) {
        if (json.size() > 1)
            json += ',';
        appendJsonString(json, name);
        json += ":{\"dtype\":\"F32\",\"shape\":[";
        for (std::size_t i = 0; i < tensor.shape().size(); ++i) {
            if (i > 0)
                json += ',';
            json += std::to_string(tensor.shape()[i]);
        }
        const std::uint64_t bytes = static_cast<std::uint64_t>(tensor.numel()) * sizeof(float);
        json += "],\"data_offsets\":[" + std::to_string(offset) + "," +
                std::to_string(offset + bytes) + "]}";
        offset += bytes;
    }
    json += '}';
    // The Rust crate pads with spaces so that the data section starts 8-byte aligned.
    json.append((8 - json.size() % 8) % 8, ' ');
    if (json.size() > kMaxHeaderSize)
        fail(label, "header of " + std::to_string(json.size()) + " bytes exceeds the format's " +
                        std::to_string(kMaxHeaderSize) + "-byte limit");

    std::string out;
    out.reserve(kLengthFieldSize + json.size() + offset);
    detail::appendLittle(out, static_cast<std::uint64_t>(json.size()));
    out += json;
    for (const auto& entry : tensors)
        for (float value : entry.second.values())
            detail::appendLittle(out, std::bit_cast<std::uint32_t>(value));
    return out;
}

} // namespace

Header parseHeader(std::span<const std::byte> prefix, std::uint64_t fileSize,
                   const std::string& sourceName) {
    if (fileSize < kLengthFieldSize || prefix.size() < kLengthFieldSize)
        fail(sourceName, "file is " +
                             std::to_string(std::min<std::uint64_t>(fileSize, prefix.size())) +
                             " bytes, too short for the 8-byte header length");
    const auto headerSize = detail::loadLittle<std::uint64_t>(prefix.data());
    if (headerSize > kMaxHeaderSize)
        fail(sourceName, "header length " + std::to_string(headerSize) +
                             " exceeds the format's limit of " + std::to_string(kMaxHeaderSize) +
                             " bytes");
    if (headerSize > fileSize - kLengthFieldSize)
        fail(sourceName,
             "header length " + std::to_string(headerSize) + " runs past the end of the file (" +
                 std::to_string(fileSize - kLengthFieldSize) + " bytes follow the length field)");
    if (headerSize > prefix.size() - kLengthFieldSize)
        fail(sourceName, "only " + std::to_string(prefix.size() - kLengthFieldSize) + " of the " +
                             std::to_string(headerSize) + " header bytes were read");

    // fromRawData: no copy; the parser only reads the headerSize bytes it is given.
    const QByteArray json =
        QByteArray::fromRawData(reinterpret_cast<const char*>(prefix.data() + kLengthFieldSize),
                                static_cast<qsizetype>(headerSize));
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        fail(sourceName, "header is not valid JSON: " + parseError.errorString().toStdString() +
                             " at byte " + std::to_string(parseError.offset));
    if (!document.isObject())
        fail(sourceName, std::string("header JSON is not an object (found ") +
                             (document.isArray() ? "an array" : "nothing") + ")");

    Header header;
    header.dataOffset = kLengthFieldSize + headerSize;
    header.dataSize = fileSize - header.dataOffset;
    const QJsonObject object = document.object();
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (it.key() == QLatin1String(kMetadataKey)) {
            header.metadata = parseMetadata(it.value(), sourceName);
            continue;
        }
        // A lone surrogate (legal as a JSON \u escape) has no UTF-8 form, and two such names
        // would collapse into one after conversion.
        if (!it.key().isValidUtf16())
            fail(sourceName,
                 "tensor name " + quotedName(it.key().toStdString()) + " is not valid Unicode");
        header.tensors.push_back(
            parseEntry(it.key().toStdString(), it.value(), header.dataSize, sourceName));
    }

    std::sort(header.tensors.begin(), header.tensors.end(),
              [](const TensorInfo& a, const TensorInfo& b) {
                  return std::tie(a.begin, a.end, a.name) < std::tie(b.begin, b.end, b.name);
              });
    // Empty spans hold no bytes and cannot overlap anything, wherever they point.
    const TensorInfo* previous = nullptr;
    for (const TensorInfo& tensor : header.tensors) {
        if (tensor.begin == tensor.end)
            continue;
        if (previous && tensor.begin < previous->end)
            fail(sourceName,
                 "tensors " + quotedName(previous->name) + " [" + std::to_string(previous->begin) +
                     ", " + std::to_string(previous->end) + "] and " + quotedName(tensor.name) +
                     " [" + std::to_string(tensor.begin) + ", " + std::to_string(tensor.end) +
                     "] overlap in the data section");
        previous = &tensor;
    }
    return header;
}

struct File::Impl {
    std::string path;
    // Owns the mapping: QFile unmaps when it is destroyed, so it lives exactly as long as File.
    QFile file;
    const std::byte* data = nullptr;
    Header header;
    std::map<std::string, std::size_t, std::less<>> index; ///< name → position in header.tensors
};

File::File(std::unique_ptr<Impl> impl)
    : m_impl(std::move(impl)) {}
File::File(File&&) noexcept = default;
File& File::operator=(File&&) noexcept = default;
File::~File() = default;

File File::open(const std::string& path) {
    auto impl = std::make_unique<Impl>();
    impl->path = path;
    impl->file.setFileName(QString::fromStdString(path));
    if (!impl->file.open(QIODevice::ReadOnly))
        fail(path, "cannot open for reading: " + impl->file.errorString().toStdString());
    const qint64 size = impl->file.size();
    if (size < 0)
        fail(path, "cannot determine the file size");
    std::span<const std::byte> bytes;
    // Mapping an empty file fails; parseHeader reports such a file as too short.
    if (size > 0) {
        uchar* mapped = impl->file.map(0, size);
        if (!mapped)
            fail(path, "cannot memory-map: " + impl->file.errorString().toStdString());
        impl->data = reinterpret_cast<const std::byte*>(mapped);
        bytes = {impl->data, static_cast<std::size_t>(size)};
    }
    impl->header = parseHeader(bytes, static_cast<std::uint64_t>(size), path);
    for (std::size_t i = 0; i < impl->header.tensors.size(); ++i)
        impl->index.emplace(impl->header.tensors[i].name, i);
    return File(std::move(impl));
}

const std::string& File::path() const noexcept {
    return m_impl->path;
}

const Header& File::header() const noexcept {
    return m_impl->header;
}

bool File::contains(const std::string& name) const noexcept {
    return find(name) != nullptr;
}

const TensorInfo* File::find(const std::string& name) const noexcept {
    const auto it = m_impl->index.find(name);
    return it == m_impl->index.end() ? nullptr : &m_impl->header.tensors[it->second];
}

std::vector<std::string> File::names() const {
    std::vector<std::string> result;
    result.reserve(m_impl->header.tensors.size());
    for (const TensorInfo& tensor : m_impl->header.tensors)
        result.push_back(tensor.name);
    return result;
}

Tensor File::toFloat(const std::string& name) const {
    const TensorInfo* tensorInfo = find(name);
    if (!tensorInfo)
        fail(m_impl->path, "no tensor named " + quotedName(name) + " (the file has " +
                               std::to_string(m_impl->header.tensors.size()) + " tensors)");
    Tensor out(tensorInfo->shape);
    std::span<float> values = out.values();
    if (values.empty())
        return out;
    // Spans were checked against the file size when the header was parsed. The data section
    // need not be aligned, so every value is assembled from bytes rather than read through a
    // float pointer into the map.
    const std::byte* src = m_impl->data + m_impl->header.dataOffset + tensorInfo->begin;
    const std::uint64_t width = info(tensorInfo->dtype).size;
    switch (tensorInfo->dtype) {
    case DType::F32:
        if constexpr (std::endian::native == std::endian::little) {
            std::memcpy(values.data(), src, values.size() * sizeof(float));
        } else {
            for (std::size_t i = 0; i < values.size(); ++i)
                values[i] =
                    std::bit_cast<float>(detail::loadLittle<std::uint32_t>(src + i * width));
        }
        break;
    case DType::F16:
        for (std::size_t i = 0; i < values.size(); ++i)
            values[i] = halfToFloat(detail::loadLittle<std::uint16_t>(src + i * width));
        break;
    case DType::BF16:
        for (std::size_t i = 0; i < values.size(); ++i)
            values[i] = bfloat16ToFloat(detail::loadLittle<std::uint16_t>(src + i * width));
        break;
    case DType::F64:
        for (std::size_t i = 0; i < values.size(); ++i)
            values[i] = detail::narrowToFloat(
                std::bit_cast<double>(detail::loadLittle<std::uint64_t>(src + i * width)));
        break;
    // Integers convert as C++ does (exact up to 2^24, nearest float beyond); a boolean is 0 or 1.
    case DType::BOOL:
        for (std::size_t i = 0; i < values.size(); ++i)
            values[i] = src[i] != std::byte{0} ? 1.0f : 0.0f;
        break;
    case DType::U8:
        for (std::size_t i = 0; i < values.size(); ++i)
            values[i] = static_cast<float>(std::to_integer<std::uint8_t>(src[i]));
        break;
    case DType::I8:
        for (std::size_t i = 0; i < values.size(); ++i)
            values[i] =
                static_cast<float>(static_cast<std::int8_t>(std::to_integer<std::uint8_t>(src[i])));
        break;
    case DType::I16:
        for (std::size_t i = 0; i < values.size(); ++i)
            values[i] = static_cast<float>(
                static_cast<std::int16_t>(detail::loadLittle<std::uint16_t>(src + i * width)));
        break;
    case DType::U16:
        for (std::size_t i = 0; i < values.size(); ++i)
            values[i] = static_cast<float>(detail::loadLittle<std::uint16_t>(src + i * width));
        break;
    case DType::I32:
        for (std::size_t i = 0; i < values.size(); ++i)
            values[i] = static_cast<float>(
                static_cast<std::int32_t>(detail::loadLittle<std::uint32_t>(src + i * width)));
        break;
    case DType::U32:
        for (std::size_t i = 0; i < values.size(); ++i)
            values[i] = static_cast<float>(detail::loadLittle<std::uint32_t>(src + i * width));
        break;
    case DType::I64:
        for (std::size_t i = 0; i < values.size(); ++i)
            values[i] = static_cast<float>(
                static_cast<std::int64_t>(detail::loadLittle<std::uint64_t>(src + i * width)));
        break;
    case DType::U64:
        for (std::size_t i = 0; i < values.size(); ++i)
            values[i] = static_cast<float>(detail::loadLittle<std::uint64_t>(src + i * width));
        break;
    case DType::F8_E4M3:
    case DType::F8_E5M2:
        fail(m_impl->path, "tensor " + quotedName(name) + " has dtype " +
                               std::string(info(tensorInfo->dtype).name) +
                               ", which attnscope does not convert (expected F32, F16, BF16, F64 "
                               "or an integer type)");
    }
    return out;
}

std::string serialize(const std::vector<std::pair<std::string, Tensor>>& tensors,
                      const std::map<std::string, std::string>& metadata) {
    return serializeImpl(tensors, metadata, "safetensors");
}

void write(const std::string& path, const std::vector<std::pair<std::string, Tensor>>& tensors,
           const std::map<std::string, std::string>& metadata) {
    writeFileAtomically(path, serializeImpl(tensors, metadata, path));
}

} // namespace attnscope::safetensors
