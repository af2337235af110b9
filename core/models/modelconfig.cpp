#include "core/models/modelconfig.h"

#include "core/attention/multiheadattention.h"
#include "core/base/error.h"
#include "core/base/jsonvalue.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>
#include <QLocale>
#include <cmath>
#include <optional>

namespace attnscope {

namespace {

constexpr qint64 kMaxConfigBytes = 16 * 1024 * 1024;
/** No real model comes near this; it keeps every product of sizes far from int64 overflow. */
constexpr std::int64_t kMaxDimension = std::int64_t(1) << 24;

/** Typed access to the top-level fields of one config.json; every error names file and field. */
class Fields {
public:
    Fields(QJsonObject object, std::string source)
        : m_object(std::move(object))
        , m_source(std::move(source)) {}

    [[noreturn]] void fail(const std::string& message) const {
        throw Error(m_source + ": " + message);
    }

    [[nodiscard]] bool has(const char* key) const {
        const QJsonValue value = m_object.value(QLatin1String(key));
        return !value.isUndefined() && !value.isNull();
    }

    /** A required size: a positive integer no larger than kMaxDimension. */
    [[nodiscard]] std::int64_t size(const char* key) const {
        const QJsonValue value = m_object.value(QLatin1String(key));
        if (value.isUndefined())
            fail(std::string("field '") + key + "' is missing (expected a positive integer)");
        return checkedSize(key, value, 1);
    }

    /** An optional integer >= minimum; missing or null gives `fallback`. */
    [[nodiscard]] std::int64_t integer(const char* key, std::int64_t fallback,
                                       std::int64_t minimum) const {
        const QJsonValue value = m_object.value(QLatin1String(key));
        if (value.isUndefined() || value.isNull())
            return fallback;
        return checkedSize(key, value, minimum);
    }

    [[nodiscard]] std::string string(const char* key, const char* fallback) const {
        const QJsonValue value = m_object.value(QLatin1String(key));
        if (value.isUndefined() || value.isNull())
            return fallback;
        if (!value.isString())
            fail(std::string("field '") + key + "' must be a string, found " +
                 jsonValueDescription(value));
        return value.toString().toStdString();
    }

    [[nodiscard]] bool boolean(const char* key, bool fallback) const {
        const QJsonValue value = m_object.value(QLatin1String(key));
        if (value.isUndefined() || value.isNull())
            return fallback;
        if (!value.isBool())
            fail(std::string("field '") + key + "' must be true or false, found " +
                 jsonValueDescription(value));
        return value.toBool();
    }

    [[nodiscard]] double positiveNumber(const char* key, double fallback) const {
        const QJsonValue value = m_object.value(QLatin1String(key));
        if (value.isUndefined() || value.isNull())
            return fallback;
        if (!value.isDouble() || !std::isfinite(value.toDouble()) || value.toDouble() <= 0.0)
            fail(std::string("field '") + key + "' must be a positive number, found " +
                 jsonValueDescription(value));
        return value.toDouble();
    }

private:
    [[nodiscard]] std::int64_t checkedSize(const char* key, const QJsonValue& value,
                                           std::int64_t minimum) const {
        const std::string expected = minimum == 1   ? "a positive integer"
                                     : minimum == 0 ? "a non-negative integer"
                                                    : "an integer";
        if (!value.isDouble())
            fail(std::string("field '") + key + "' must be " + expected + ", found " +
                 jsonValueDescription(value));
        const double number = value.toDouble();
        if (!std::isfinite(number) || std::trunc(number) != number || number < double(minimum))
            fail(std::string("field '") + key + "' must be " + expected + ", found " +
                 jsonValueDescription(value));
        if (number > double(kMaxDimension))
            fail(std::string("field '") + key + "' is " + jsonValueDescription(value) +
                 ", more than " + std::to_string(kMaxDimension) +
                 " (not a model attnscope can run)");
        return static_cast<std::int64_t>(number);
    }

    QJsonObject m_object;
    std::string m_source;
};

Activation parseActivation(const Fields& fields, const char* key, const std::string& name) {
    if (name == "gelu")
        return Activation::Gelu;
    if (name == "gelu_new" || name == "gelu_pytorch_tanh" || name == "gelu_fast")
        return Activation::GeluNew;
    if (name == "relu")
        return Activation::Relu;
    if (name == "silu" || name == "swish")
        return Activation::Silu;
    fields.fail(std::string("field '") + key + "' is '" + name + "', which is not supported (" +
                supportedActivations() + ")");
}

void checkHeads(const Fields& fields, const ModelConfig& config, const char* headsKey,
                const char* hiddenKey) {
    if (config.hiddenSize % config.numHeads != 0)
        fields.fail(std::string(headsKey) + " " + std::to_string(config.numHeads) +
                    " does not divide " + hiddenKey + " " + std::to_string(config.hiddenSize) +
                    " (allowed: " + allowedHeadCounts(config.hiddenSize) + ")");
}

void parseBertFamily(const Fields& fields, ModelConfig& config) {
    config.hiddenSize = fields.size("hidden_size");
    config.numHeads = fields.size("num_attention_heads");
    config.numLayers = fields.size("num_hidden_layers");
    config.intermediateSize = fields.size("intermediate_size");
    config.vocabSize = fields.size("vocab_size");
    config.positionEmbeddings = fields.size("max_position_embeddings");
    config.typeVocabSize = fields.integer("type_vocab_size", 2, 1);
    config.activationName = fields.string("hidden_act", "gelu");
    config.activation = parseActivation(fields, "hidden_act", config.activationName);
    config.layerNormEps = fields.positiveNumber("layer_norm_eps", 1e-12);
    checkHeads(fields, config, "num_attention_heads", "hidden_size");

    // Options of BertModel that change the attention itself; refuse rather than compute
    // something that is not the model.
    const std::string positionType = fields.string("position_embedding_type", "absolute");
    if (positionType != "absolute")
        fields.fail("position_embedding_type '" + positionType +
                    "' is not supported (attnscope implements 'absolute' position embeddings "
                    "only)");
    if (fields.boolean("is_decoder", false))
        fields.fail("is_decoder is true (a causal " + config.modelType +
                    " decoder); attnscope runs " + config.modelType + " as an encoder only");
    if (fields.boolean("add_cross_attention", false))
        fields.fail("add_cross_attention is true; encoder-decoder models are not supported");

    if (config.family == ModelFamily::Roberta) {
        // RobertaEmbeddings.padding_idx = pad_token_id; positions start at padding_idx + 1.
        config.padTokenId = fields.integer("pad_token_id", 1, 0);
        if (config.padTokenId + 1 >= config.positionEmbeddings)
            fields.fail("pad_token_id " + std::to_string(config.padTokenId) +
                        " leaves no positions: RoBERTa numbers positions from pad_token_id + 1 "
                        "and max_position_embeddings is " +
                        std::to_string(config.positionEmbeddings));
    }
}

void parseDistilBert(const Fields& fields, ModelConfig& config) {
    config.hiddenSize = fields.size("dim");
    config.numHeads = fields.size("n_heads");
    config.numLayers = fields.size("n_layers");
    config.intermediateSize = fields.size("hidden_dim");
    config.vocabSize = fields.size("vocab_size");
    config.positionEmbeddings = fields.size("max_position_embeddings");
    config.activationName = fields.string("activation", "gelu");
    config.activation = parseActivation(fields, "activation", config.activationName);
    config.sinusoidalPositions = fields.boolean("sinusoidal_pos_embds", false);
    // modeling_distilbert.py builds every LayerNorm with eps=1e-12; the config has no field.
    config.layerNormEps = 1e-12;
    checkHeads(fields, config, "n_heads", "dim");
}

void parseGpt2(const Fields& fields, ModelConfig& config) {
    config.hiddenSize = fields.size("n_embd");
    config.numHeads = fields.size("n_head");
    config.numLayers = fields.size("n_layer");
    config.vocabSize = fields.size("vocab_size");
    // Very old configs carry n_ctx as well; n_positions is the table size GPT2Model uses.
    config.positionEmbeddings = fields.has("n_positions") || !fields.has("n_ctx")
                                    ? fields.size("n_positions")
                                    : fields.size("n_ctx");
    checkHeads(fields, config, "n_head", "n_embd");
    // GPT2MLP: inner_dim = n_inner if not None else 4 * hidden_size.
    config.intermediateSize = fields.integer("n_inner", 4 * config.hiddenSize, 1);
    config.activationName = fields.string("activation_function", "gelu_new");
    config.activation = parseActivation(fields, "activation_function", config.activationName);
    config.layerNormEps = fields.positiveNumber("layer_norm_epsilon", 1e-5);
    config.scaleAttentionWeights = fields.boolean("scale_attn_weights", true);
    config.scaleByInverseLayerIndex = fields.boolean("scale_attn_by_inverse_layer_idx", false);
    if (fields.boolean("add_cross_attention", false))
        fields.fail("add_cross_attention is true; encoder-decoder models are not supported");
}

} // namespace

std::string supportedModelTypes() {
    return "bert, roberta, distilbert, gpt2";
}

std::string supportedActivations() {
    return "supported: gelu, gelu_new, gelu_pytorch_tanh, gelu_fast, relu, silu, swish";
}

ModelConfig parseModelConfig(const QByteArray& json, const std::string& source) {
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        throw Error(source + ": invalid JSON at offset " + std::to_string(parseError.offset) +
                    ": " + parseError.errorString().toStdString());
    if (!document.isObject())
        throw Error(source + ": expected a JSON object at the top level");
    const Fields fields(document.object(), source);

    ModelConfig config;
    if (!fields.has("model_type"))
        fields.fail("field 'model_type' is missing (expected one of: " + supportedModelTypes() +
                    ")");
    config.modelType = fields.string("model_type", "");
    if (config.modelType == "bert")
        config.family = ModelFamily::Bert;
    else if (config.modelType == "roberta")
        config.family = ModelFamily::Roberta;
    else if (config.modelType == "distilbert")
        config.family = ModelFamily::DistilBert;
    else if (config.modelType == "gpt2")
        config.family = ModelFamily::Gpt2;
    else
        fields.fail("model_type '" + config.modelType.substr(0, 60) +
                    "' is not supported (supported: " + supportedModelTypes() + ")");

    switch (config.family) {
    case ModelFamily::Bert:
    case ModelFamily::Roberta:
        parseBertFamily(fields, config);
        break;
    case ModelFamily::DistilBert:
        parseDistilBert(fields, config);
        break;
    case ModelFamily::Gpt2:
        parseGpt2(fields, config);
        break;
    }
    return config;
}

ModelConfig loadModelConfig(const std::string& path) {
    QFile file(QString::fromStdString(path));
    if (!file.open(QIODevice::ReadOnly))
        throw Error(path + ": cannot open: " + file.errorString().toStdString());
    if (file.size() > kMaxConfigBytes)
        throw Error(path + ": " + std::to_string(file.size()) +
                    " bytes, more than a config.json can plausibly be (limit 16 MiB)");
    return parseModelConfig(file.readAll(), path);
}

} // namespace attnscope
