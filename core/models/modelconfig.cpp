#include "core/models/modelconfig.h"

#include "core/base/error.h"
#include "core/models/configfields.h"
#include "core/models/modelfamily.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>

namespace attnscope {

namespace {

constexpr qint64 kMaxConfigBytes = qint64{16} * 1024 * 1024;

} // namespace

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
    const ConfigFields fields(document.object(), source);

    ModelConfig config;
    if (!fields.has("model_type"))
        fields.fail("field 'model_type' is missing (expected one of: " + supportedModelTypes() +
                    ")");
    config.modelType = fields.string("model_type", "");
    config.family = findModelFamily(config.modelType);
    if (config.family == nullptr)
        fields.fail("model_type '" + config.modelType.substr(0, 60) +
                    "' is not supported (supported: " + supportedModelTypes() + ")");
    config.family->readConfig(fields, config);
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
