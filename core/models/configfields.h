#pragma once

#include "core/models/modelconfig.h"

#include <QJsonObject>
#include <cstdint>
#include <string>

namespace attnscope {

/**
 * Typed access to the top-level fields of one config.json, for a family's readConfig. Every
 * error is an Error whose message starts with the file (`source`) and names the field and what
 * was expected. "Missing" means absent; for the optional readers a JSON null counts as missing
 * too (transformers writes `"n_inner": null` for "use the default").
 */
class ConfigFields {
public:
    ConfigFields(QJsonObject object, std::string source);

    /** Throws Error("<source>: <message>"). */
    [[noreturn]] void fail(const std::string& message) const;

    /** Whether `key` is present and not null. */
    [[nodiscard]] bool has(const char* key) const;

    /** A required size: a positive integer, at most 2^24 (no real model comes near it). */
    [[nodiscard]] std::int64_t size(const char* key) const;

    /** An optional integer >= `minimum` (at most 2^24); missing or null gives `fallback`. */
    [[nodiscard]] std::int64_t integer(const char* key, std::int64_t fallback,
                                       std::int64_t minimum) const;

    /** An optional string; missing or null gives `fallback`. */
    [[nodiscard]] std::string string(const char* key, const char* fallback) const;

    /** An optional true/false; missing or null gives `fallback`. */
    [[nodiscard]] bool boolean(const char* key, bool fallback) const;

    /** An optional finite number > 0; missing or null gives `fallback`. */
    [[nodiscard]] double positiveNumber(const char* key, double fallback) const;

private:
    [[nodiscard]] std::int64_t checkedSize(const char* key, const QJsonValue& value,
                                           std::int64_t minimum) const;

    QJsonObject m_object;
    std::string m_source;
};

/**
 * The Activation named `name`, the value of field `key` (for the message); an unsupported name
 * fails, listing supportedActivations().
 */
Activation parseActivation(const ConfigFields& fields, const char* key, const std::string& name);

/**
 * Reads the optional activation field `key` (missing: `fallback`) into config.activationName and
 * config.activation.
 */
void readActivation(const ConfigFields& fields, const char* key, const char* fallback,
                    ModelConfig& config);

/**
 * Fails unless config.numHeads divides config.hiddenSize; `headsKey` and `hiddenKey` are the
 * family's names for the two fields ("n_head", "n_embd"), and the message lists the head counts
 * that would do.
 */
void checkHeadCount(const ConfigFields& fields, const ModelConfig& config, const char* headsKey,
                    const char* hiddenKey);

} // namespace attnscope
