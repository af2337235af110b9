#pragma once

#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <optional>
#include <string>

/**
 * Typed access to the fields of a tokenizer file, throwing attnscope::Error with a one-line message
 * that names the file, the field path and what was expected ("tokenizer.json: model.vocab: expected
 * an object mapping tokens to ids").
 */
namespace attnscope::json {

/** The file and the path of fields that a value sits at. */
struct Where {
    std::string file;
    std::string path;

    Where operator/(const std::string& field) const;
    Where operator[](qsizetype index) const;
};

[[noreturn]] void fail(const Where& where, const std::string& message);

/** Parses a whole file as one JSON document whose top level is an object. */
QJsonObject parseObject(const QByteArray& bytes, const std::string& file);
/** Reads a file; throws if it cannot be opened. */
QByteArray readFile(const std::string& path);

QJsonObject object(const QJsonValue& value, const Where& where);
QJsonArray array(const QJsonValue& value, const Where& where);
std::string string(const QJsonValue& value, const Where& where);
bool boolean(const QJsonValue& value, const Where& where);
int integer(const QJsonValue& value, const Where& where);

/** A field that must be present. */
QJsonValue required(const QJsonObject& object, const char* key, const Where& where);
/** A string field that may be missing or null. */
std::optional<std::string> optionalString(const QJsonObject& object, const char* key,
                                          const Where& where);
/** A boolean field that may be missing or null, then `fallback`. */
bool optionalBool(const QJsonObject& object, const char* key, bool fallback, const Where& where);
/** A tri-state boolean: missing or null gives nullopt. */
std::optional<bool> optionalTriBool(const QJsonObject& object, const char* key, const Where& where);
int optionalInt(const QJsonObject& object, const char* key, int fallback, const Where& where);

/** The "type" tag of a component object. */
std::string typeTag(const QJsonObject& object, const Where& where);

} // namespace attnscope::json
