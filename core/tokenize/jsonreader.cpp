#include "core/tokenize/jsonreader.h"

#include "core/base/error.h"
#include "core/base/jsonvalue.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonParseError>
#include <cmath>
#include <limits>

namespace attnscope::json {

namespace {} // namespace

Where Where::operator/(const std::string& field) const {
    return {file, path.empty() ? field : path + "." + field};
}

Where Where::operator[](qsizetype index) const {
    return {file, path + "[" + std::to_string(index) + "]"};
}

void fail(const Where& where, const std::string& message) {
    throw Error(where.file + ": " + (where.path.empty() ? "" : where.path + ": ") + message);
}

QByteArray readFile(const std::string& path) {
    QFile file(QString::fromStdString(path));
    if (!file.open(QIODevice::ReadOnly)) {
        throw Error(path + ": cannot open: " + file.errorString().toStdString());
    }
    return file.readAll();
}

QJsonObject parseObject(const QByteArray& bytes, const std::string& file) {
    QJsonParseError error{};
    const QJsonDocument document = QJsonDocument::fromJson(bytes, &error);
    if (error.error != QJsonParseError::NoError) {
        throw Error(file + ": not valid JSON at byte " + std::to_string(error.offset) + ": " +
                    error.errorString().toStdString());
    }
    if (!document.isObject()) {
        throw Error(file + ": expected a JSON object at the top level");
    }
    return document.object();
}

QJsonObject object(const QJsonValue& value, const Where& where) {
    if (!value.isObject()) {
        fail(where, "expected an object, found " + jsonTypeName(value));
    }
    return value.toObject();
}

QJsonArray array(const QJsonValue& value, const Where& where) {
    if (!value.isArray()) {
        fail(where, "expected an array, found " + jsonTypeName(value));
    }
    return value.toArray();
}

std::string string(const QJsonValue& value, const Where& where) {
    if (!value.isString()) {
        fail(where, "expected a string, found " + jsonTypeName(value));
    }
    return value.toString().toStdString();
}

bool boolean(const QJsonValue& value, const Where& where) {
    if (!value.isBool()) {
        fail(where, "expected true or false, found " + jsonTypeName(value));
    }
    return value.toBool();
}

int integer(const QJsonValue& value, const Where& where) {
    const double d = value.toDouble();
    if (!value.isDouble() || std::floor(d) != d || d < 0 ||
        d > static_cast<double>(std::numeric_limits<int>::max())) {
        fail(where, "expected a non-negative integer, found " +
                        (value.isDouble() ? std::to_string(d) : jsonTypeName(value)));
    }
    return static_cast<int>(d);
}

QJsonValue required(const QJsonObject& object, const char* key, const Where& where) {
    QJsonValue value = object.value(QLatin1String(key));
    if (value.isUndefined()) {
        fail(where / key, "missing");
    }
    return value;
}

std::optional<std::string> optionalString(const QJsonObject& object, const char* key,
                                          const Where& where) {
    const QJsonValue value = object.value(QLatin1String(key));
    if (value.isUndefined() || value.isNull()) {
        return std::nullopt;
    }
    return string(value, where / key);
}

bool optionalBool(const QJsonObject& object, const char* key, bool fallback, const Where& where) {
    return optionalTriBool(object, key, where).value_or(fallback);
}

std::optional<bool> optionalTriBool(const QJsonObject& object, const char* key,
                                    const Where& where) {
    const QJsonValue value = object.value(QLatin1String(key));
    if (value.isUndefined() || value.isNull()) {
        return std::nullopt;
    }
    return boolean(value, where / key);
}

int optionalInt(const QJsonObject& object, const char* key, int fallback, const Where& where) {
    const QJsonValue value = object.value(QLatin1String(key));
    if (value.isUndefined() || value.isNull()) {
        return fallback;
    }
    return integer(value, where / key);
}

std::string typeTag(const QJsonObject& object, const Where& where) {
    return string(required(object, "type", where), where / "type");
}

} // namespace attnscope::json
