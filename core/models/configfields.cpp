#include "core/models/configfields.h"

#include "core/attention/multiheadattention.h"
#include "core/base/error.h"
#include "core/base/jsonvalue.h"

#include <QJsonValue>
#include <cmath>
#include <utility>

namespace attnscope {

namespace {

/** No real model comes near this; it keeps every product of sizes far from int64 overflow. */
constexpr std::int64_t kMaxDimension = std::int64_t(1) << 24;

} // namespace

ConfigFields::ConfigFields(QJsonObject object, std::string source)
    : m_object(std::move(object))
    , m_source(std::move(source)) {}

void ConfigFields::fail(const std::string& message) const {
    throw Error(m_source + ": " + message);
}

bool ConfigFields::has(const char* key) const {
    const QJsonValue value = m_object.value(QLatin1String(key));
    return !value.isUndefined() && !value.isNull();
}

std::int64_t ConfigFields::size(const char* key) const {
    const QJsonValue value = m_object.value(QLatin1String(key));
    if (value.isUndefined())
        fail(std::string("field '") + key + "' is missing (expected a positive integer)");
    return checkedSize(key, value, 1);
}

std::int64_t ConfigFields::integer(const char* key, std::int64_t fallback,
                                   std::int64_t minimum) const {
    const QJsonValue value = m_object.value(QLatin1String(key));
    if (value.isUndefined() || value.isNull())
        return fallback;
    return checkedSize(key, value, minimum);
}

std::string ConfigFields::string(const char* key, const char* fallback) const {
    const QJsonValue value = m_object.value(QLatin1String(key));
    if (value.isUndefined() || value.isNull())
        return fallback;
    if (!value.isString())
        fail(std::string("field '") + key + "' must be a string, found " +
             jsonValueDescription(value));
    return value.toString().toStdString();
}

bool ConfigFields::boolean(const char* key, bool fallback) const {
    const QJsonValue value = m_object.value(QLatin1String(key));
    if (value.isUndefined() || value.isNull())
        return fallback;
    if (!value.isBool())
        fail(std::string("field '") + key + "' must be true or false, found " +
             jsonValueDescription(value));
    return value.toBool();
}

double ConfigFields::positiveNumber(const char* key, double fallback) const {
    const QJsonValue value = m_object.value(QLatin1String(key));
    if (value.isUndefined() || value.isNull())
        return fallback;
    if (!value.isDouble() || !std::isfinite(value.toDouble()) || value.toDouble() <= 0.0)
        fail(std::string("field '") + key + "' must be a positive number, found " +
             jsonValueDescription(value));
    return value.toDouble();
}

std::int64_t ConfigFields::checkedSize(const char* key, const QJsonValue& value,
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
        fail(std::string("field '") + key + "' is " + jsonValueDescription(value) + ", more than " +
             std::to_string(kMaxDimension) + " (not a model attnscope can run)");
    return static_cast<std::int64_t>(number);
}

Activation parseActivation(const ConfigFields& fields, const char* key, const std::string& name) {
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

void readActivation(const ConfigFields& fields, const char* key, const char* fallback,
                    ModelConfig& config) {
    config.activationName = fields.string(key, fallback);
    config.activation = parseActivation(fields, key, config.activationName);
}

void checkHeadCount(const ConfigFields& fields, const ModelConfig& config, const char* headsKey,
                    const char* hiddenKey) {
    if (config.hiddenSize % config.numHeads != 0)
        fields.fail(std::string(headsKey) + " " + std::to_string(config.numHeads) +
                    " does not divide " + hiddenKey + " " + std::to_string(config.hiddenSize) +
                    " (allowed: " + allowedHeadCounts(config.hiddenSize) + ")");
}

} // namespace attnscope
