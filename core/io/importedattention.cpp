#include "core/io/importedattention.h"

#include "core/base/error.h"
#include "core/base/jsonvalue.h"
#include "core/formats/atomicwrite.h"
#include "core/formats/npy.h"
#include "core/formats/safetensors.h"

#include <QByteArray>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QJsonValue>
#include <QString>
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string_view>

namespace attnscope {

namespace {

constexpr qint64 kMaxTokensFileBytes = qint64{64} << 20;
constexpr const char* kTokensKey = "tokens";

[[noreturn]] void fail(const std::string& source, const std::string& message) {
    throw Error(source + ": " + message);
}

std::string number(double value) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.9g", value);
    return buffer;
}

/** A JSON list of strings; `source` and `what` name it in errors. */
std::vector<std::string> parseTokenList(const QByteArray& json, const std::string& source,
                                        const std::string& what) {
    QJsonParseError parseError{};
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        fail(source, what + " is not valid JSON (" + parseError.errorString().toStdString() +
                         " at offset " + std::to_string(parseError.offset) +
                         "): expected a JSON list of token strings");
    if (!document.isArray())
        fail(source, what + " must be a JSON list of token strings, found " +
                         (document.isObject() ? "an object" : "something else"));
    const QJsonArray array = document.array();
    std::vector<std::string> tokens;
    tokens.reserve(static_cast<std::size_t>(array.size()));
    for (qsizetype i = 0; i < array.size(); ++i) {
        if (!array[i].isString())
            fail(source, what + "[" + std::to_string(i) + "] must be a string, found " +
                             jsonTypeName(array[i]));
        tokens.push_back(array[i].toString().toStdString());
    }
    return tokens;
}

std::vector<std::string> readTokensFile(const std::string& path) {
    QFile file(QString::fromStdString(path));
    if (!file.open(QIODevice::ReadOnly))
        fail(path, "cannot open the tokens file (" + file.errorString().toStdString() + ")");
    if (file.size() > kMaxTokensFileBytes)
        fail(path,
             std::to_string(file.size()) + " bytes, more than the 64 MiB a tokens file may have");
    return parseTokenList(file.readAll(), path, "the tokens list");
}

/**
 * Drops PyTorch's batch axis of size 1 at `axis` when the tensor has `rank` dimensions, and
 * refuses a larger batch: one map per text.
 */
Tensor withoutBatch(Tensor tensor, std::size_t rank, std::size_t axis, const std::string& source,
                    const std::string& what) {
    if (tensor.rank() != rank)
        return tensor;
    Shape shape = tensor.shape();
    if (shape[axis] != 1)
        fail(source, what + " is " + shapeToString(shape) + ": a batch of " +
                         std::to_string(shape[axis]) + " texts; export one text at a time");
    shape.erase(shape.begin() + static_cast<std::ptrdiff_t>(axis));
    return tensor.reshaped(shape);
}

void checkShape(const Tensor& attentions, const std::string& source) {
    const Shape& shape = attentions.shape();
    if (shape.size() != 4 || shape[2] != shape[3])
        fail(source,
             "attentions must be [layers, heads, tokens, tokens], found " + shapeToString(shape));
    if (shape[0] < 1 || shape[1] < 1 || shape[2] < 1)
        fail(source, "attentions " + shapeToString(shape) +
                         " are empty: expected at least one layer, head and token");
}

/** The token count must match S; named after the tokens' source, which is the likelier culprit. */
void checkTokenCount(const std::vector<std::string>& tokens, const Tensor& attentions,
                     const std::string& tokensSource, const std::string& attentionSource) {
    const std::int64_t length = attentions.dim(-1);
    if (static_cast<std::int64_t>(tokens.size()) != length)
        fail(tokensSource, std::to_string(tokens.size()) + " tokens, but " + attentionSource +
                               " has attention maps of " + std::to_string(length) + " x " +
                               std::to_string(length) + " tokens");
}

bool isDigit(char c) {
    return std::isdigit(static_cast<unsigned char>(c)) != 0;
}

std::string compactJson(const std::vector<std::string>& tokens, const std::string& source) {
    QJsonArray array;
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        const QString token = QString::fromStdString(tokens[i]);
        // QString replaces invalid UTF-8 silently; the file would not give the token back.
        if (token.toStdString() != tokens[i])
            fail(source, "token " + std::to_string(i) + " is not valid UTF-8");
        array.append(token);
    }
    const QByteArray json = QJsonDocument(array).toJson(QJsonDocument::Compact);
    return std::string(json.constData(), static_cast<std::size_t>(json.size()));
}

} // namespace

bool naturalLess(const std::string& a, const std::string& b) {
    std::size_t i = 0;
    std::size_t j = 0;
    while (i < a.size() && j < b.size()) {
        if (isDigit(a[i]) && isDigit(b[j])) {
            std::size_t iEnd = i;
            std::size_t jEnd = j;
            while (iEnd < a.size() && isDigit(a[iEnd]))
                ++iEnd;
            while (jEnd < b.size() && isDigit(b[jEnd]))
                ++jEnd;
            // Compared as digit strings without leading zeros, so any length works (no overflow).
            std::string_view x(a.data() + i, iEnd - i);
            std::string_view y(b.data() + j, jEnd - j);
            x.remove_prefix(std::min(x.find_first_not_of('0'), x.size()));
            y.remove_prefix(std::min(y.find_first_not_of('0'), y.size()));
            if (x.size() != y.size())
                return x.size() < y.size();
            if (x != y)
                return x < y;
            i = iEnd;
            j = jEnd;
        } else {
            if (a[i] != b[j])
                return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[j]);
            ++i;
            ++j;
        }
    }
    if ((i < a.size()) != (j < b.size()))
        return j < b.size();
    return a < b;
}

std::vector<std::string> ImportedAttention::validate(const Tensor& attentions,
                                                     const std::vector<std::string>& tokens,
                                                     const std::string& source) {
    checkShape(attentions, source);
    const Shape& shape = attentions.shape();
    const std::int64_t layers = shape[0];
    const std::int64_t heads = shape[1];
    const std::int64_t length = shape[2];
    if (static_cast<std::int64_t>(tokens.size()) != length)
        fail(source, std::to_string(tokens.size()) + " tokens for attention maps of " +
                         std::to_string(length) + " x " + std::to_string(length) + " (expected " +
                         std::to_string(length) + " tokens)");

    const auto where = [&](std::int64_t flat) {
        return "attentions" + flatIndexToString(shape, flat);
    };
    std::int64_t offRows = 0;
    std::string firstOffRow;
    for (std::int64_t row = 0; row < layers * heads * length; ++row) {
        const float* values = attentions.data() + row * length;
        double sum = 0.0;
        for (std::int64_t k = 0; k < length; ++k) {
            const float value = values[k];
            if (!std::isfinite(value))
                fail(source, where(row * length + k) + " is " + number(value) +
                                 ": expected attention probabilities");
            if (value < 0.0f || value > 1.0 + kTolerance)
                fail(source, where(row * length + k) + " is " + number(value) +
                                 ": expected a probability in [0, 1] (scores before the softmax?)");
            sum += value;
        }
        if (std::abs(sum - 1.0) > kTolerance && offRows++ == 0)
            firstOffRow = "layer " + std::to_string(row / (heads * length)) + ", head " +
                          std::to_string(row / length % heads) + ", token " +
                          std::to_string(row % length) + " sums to " + number(sum);
    }
    std::vector<std::string> warnings;
    if (offRows > 0)
        warnings.push_back(source + ": " + std::to_string(offRows) + " of " +
                           std::to_string(layers * heads * length) +
                           " attention rows do not sum to 1 within " + number(kTolerance) +
                           " (first: " + firstOffRow +
                           "); averaged, masked or renormalised maps are shown as they are");
    return warnings;
}

ImportedAttention ImportedAttention::readNpy(const std::string& npyPath,
                                             const std::string& tokensPath) {
    if (tokensPath.empty())
        fail(npyPath, ".npy attentions need a tokens file (a JSON list of strings)");
    Tensor tensor = npy::readFloat(npyPath, "attentions");
    tensor = withoutBatch(std::move(tensor), 5, 1, npyPath, "attentions");
    if (tensor.rank() == 3)
        tensor = tensor.reshaped({1, tensor.dim(0), tensor.dim(1), tensor.dim(2)});
    if (tensor.rank() != 4)
        fail(npyPath, "attentions must be [layers, heads, tokens, tokens] or "
                      "[heads, tokens, tokens], found " +
                          shapeToString(tensor.shape()));

    ImportedAttention result;
    result.tokens = readTokensFile(tokensPath);
    checkShape(tensor, npyPath);
    checkTokenCount(result.tokens, tensor, tokensPath, npyPath);
    result.warnings = validate(tensor, result.tokens, npyPath);
    result.attentions = std::move(tensor);
    return result;
}

ImportedAttention ImportedAttention::readSafetensors(const std::string& path,
                                                     const std::string& tokensPath) {
    const safetensors::File file = safetensors::File::open(path);
    std::vector<std::string> names = file.names();
    if (names.empty())
        fail(path, "the file has no tensors: expected one [heads, tokens, tokens] per layer");
    std::sort(names.begin(), names.end(), naturalLess);

    ImportedAttention result;
    const auto& metadata = file.header().metadata;
    const auto metadataTokens = metadata.find(kTokensKey);
    if (!tokensPath.empty()) {
        result.tokens = readTokensFile(tokensPath);
        if (metadataTokens != metadata.end() &&
            parseTokenList(QByteArray::fromStdString(metadataTokens->second), path,
                           "__metadata__.tokens") != result.tokens)
            result.warnings.push_back(path + ": the tokens in __metadata__ differ from " +
                                      tokensPath + ", which is used");
    } else if (metadataTokens != metadata.end()) {
        result.tokens = parseTokenList(QByteArray::fromStdString(metadataTokens->second), path,
                                       "__metadata__.tokens");
    } else {
        fail(path, "no tokens: expected __metadata__ {\"tokens\": \"[...]\"} or a tokens file");
    }

    Shape layerShape;
    std::string firstName;
    Tensor attentions;
    for (std::size_t layer = 0; layer < names.size(); ++layer) {
        const std::string what = "tensor \"" + names[layer] + "\"";
        Tensor tensor = withoutBatch(file.toFloat(names[layer]), 4, 0, path, what);
        if (tensor.rank() != 3 || tensor.dim(1) != tensor.dim(2))
            fail(path, what + " is " + shapeToString(tensor.shape()) +
                           ": expected one [heads, tokens, tokens] tensor per layer");
        if (layer == 0) {
            layerShape = tensor.shape();
            firstName = names[layer];
            Shape shape = layerShape;
            shape.insert(shape.begin(), static_cast<std::int64_t>(names.size()));
            if (checkedElementCount(shape) < 0)
                fail(path, "attentions " + shapeToString(shape) + " are too large");
            attentions = Tensor::uninitialized(shape);
        } else if (tensor.shape() != layerShape) {
            std::string message = what + " is " + shapeToString(tensor.shape());
            message += " but \"" + firstName + "\" is " + shapeToString(layerShape);
            message += ": every layer must have the same heads and tokens";
            fail(path, message);
        }
        std::memcpy(attentions.data() + static_cast<std::int64_t>(layer) * tensor.numel(),
                    tensor.data(), static_cast<std::size_t>(tensor.numel()) * sizeof(float));
    }

    checkShape(attentions, path);
    checkTokenCount(result.tokens, attentions,
                    tokensPath.empty() ? path + ": __metadata__.tokens" : tokensPath, path);
    const std::vector<std::string> warnings = validate(attentions, result.tokens, path);
    result.warnings.insert(result.warnings.end(), warnings.begin(), warnings.end());
    result.attentions = std::move(attentions);
    return result;
}

ImportedAttention ImportedAttention::read(const std::string& path, const std::string& tokensPath) {
    const std::string suffix = ".safetensors";
    std::string lower = path;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (lower.ends_with(suffix))
        return readSafetensors(path, tokensPath);
    return readNpy(path, tokensPath);
}

void ImportedAttention::writeNpy(const std::string& npyPath, const std::string& tokensPath) const {
    (void)validate(attentions, tokens, npyPath);
    const std::string json = compactJson(tokens, tokensPath);
    npy::write(npyPath, attentions);
    writeFileAtomically(tokensPath, json);
}

void ImportedAttention::writeSafetensors(const std::string& path) const {
    (void)validate(attentions, tokens, path);
    const std::int64_t heads = attentions.dim(1);
    const std::int64_t length = attentions.dim(2);
    std::vector<std::pair<std::string, Tensor>> layers;
    const std::int64_t perLayer = heads * length * length;
    for (std::int64_t layer = 0; layer < attentions.dim(0); ++layer) {
        Tensor tensor = Tensor::uninitialized({heads, length, length});
        std::memcpy(tensor.data(), attentions.data() + layer * perLayer,
                    static_cast<std::size_t>(perLayer) * sizeof(float));
        layers.emplace_back("layer" + std::to_string(layer), std::move(tensor));
    }
    safetensors::write(path, layers, {{kTokensKey, compactJson(tokens, path)}});
}

} // namespace attnscope
