#include "core/models/textmodel.h"

#include "core/base/error.h"

#include <QDir>
#include <QFileInfo>
#include <cstdlib>

namespace attnscope {

namespace {

bool isModelFolder(const QString& path) {
    return QFileInfo(QDir(path).filePath(QStringLiteral("config.json"))).isFile();
}

/** Removes tokens [begin, end) from every field. */
void truncateEncoding(Encoding& encoding, std::size_t begin, std::size_t end) {
    auto cut = [&](auto& values) {
        values.erase(values.begin() + static_cast<std::ptrdiff_t>(begin),
                     values.begin() + static_cast<std::ptrdiff_t>(end));
    };
    cut(encoding.ids);
    cut(encoding.tokens);
    cut(encoding.offsets);
    cut(encoding.special);
    cut(encoding.display);
}

} // namespace

std::string builtinModelFolder(const std::string& applicationDir) {
    const QString name = QString::fromLatin1(kBuiltinModelName);
    QStringList candidates;
    // No thread of attnscope changes the environment, so reading it is safe here.
    // NOLINTNEXTLINE(concurrency-mt-unsafe)
    if (const char* override = std::getenv("ATTNSCOPE_BUILTIN_MODEL"); override && *override)
        candidates << QString::fromLocal8Bit(override);
    if (!applicationDir.empty()) {
        const QDir app(QString::fromStdString(applicationDir));
        candidates << app.filePath(QStringLiteral("../share/attnscope/models/") + name)
                   << app.filePath(QStringLiteral("../resources/models/") + name)
                   << app.filePath(QStringLiteral("../../resources/models/") + name);
    }
#ifdef ATTNSCOPE_SOURCE_RESOURCES
    candidates << QStringLiteral(ATTNSCOPE_SOURCE_RESOURCES "/models/") + name;
#endif
    for (const QString& candidate : candidates) {
        if (isModelFolder(candidate))
            return QDir::cleanPath(QFileInfo(candidate).absoluteFilePath()).toStdString();
    }
    throw Error("the built-in model '" + name.toStdString() + "' was not found; looked in: " +
                candidates.join(QStringLiteral(", ")).toStdString() +
                " (set ATTNSCOPE_BUILTIN_MODEL to its folder)");
}

std::string resolveModelFolder(const std::string& spec, const std::string& applicationDir) {
    if (spec == "builtin")
        return builtinModelFolder(applicationDir);
    return spec;
}

TextModel::TextModel(TransformerModel model, Tokenizer tokenizer)
    : m_model(std::move(model))
    , m_tokenizer(std::move(tokenizer)) {}

TextModel TextModel::load(const std::string& folder) {
    TransformerModel model = TransformerModel::load(folder);
    Tokenizer tokenizer = Tokenizer::fromFolder(folder, model.config().modelType);
    return TextModel(std::move(model), std::move(tokenizer));
}

Encoding TextModel::encode(const std::string& utf8Text, std::vector<std::string>* warnings) const {
    Encoding encoding = m_tokenizer.encode(utf8Text, true);
    const std::size_t limit = static_cast<std::size_t>(m_model.maxPositions());
    if (encoding.size() <= limit)
        return encoding;
    // Keep the special tokens the post-processor put around the text ([CLS] … [SEP]); drop
    // content tokens from the end, as Hugging Face's truncation does.
    std::size_t trailing = 0;
    while (trailing < encoding.size() && encoding.special[encoding.size() - 1 - trailing] &&
           encoding.offsets[encoding.size() - 1 - trailing] == std::pair<int, int>{0, 0})
        ++trailing;
    if (trailing >= limit)
        trailing = 0;
    const std::size_t total = encoding.size();
    const std::size_t keepContentEnd = limit - trailing;
    truncateEncoding(encoding, keepContentEnd, total - trailing);
    if (warnings) {
        const int lastKept = keepContentEnd > 0 ? encoding.offsets[keepContentEnd - 1].second : 0;
        warnings->push_back("the text has " + std::to_string(total) +
                            " tokens but the model takes at most " + std::to_string(limit) +
                            ": truncated after character " + std::to_string(lastKept));
    }
    return encoding;
}

TextAttention TextModel::run(const std::string& utf8Text, const ComputeOptions& options) const {
    TextAttention result;
    result.encoding = encode(utf8Text, &result.warnings);
    if (result.encoding.size() == 0)
        throw Error("the text gives no tokens");
    result.output = m_model.run(result.encoding.ids, options);
    return result;
}

} // namespace attnscope
