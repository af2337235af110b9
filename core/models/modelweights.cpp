#include "core/models/modelweights.h"

#include "core/attention/validation.h"
#include "core/base/error.h"
#include "core/formats/safetensors.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <algorithm>
#include <set>

namespace attnscope {

namespace {

constexpr const char* kSingleFile = "model.safetensors";
constexpr const char* kIndexFile = "model.safetensors.index.json";
constexpr qint64 kMaxIndexBytes = qint64{64} * 1024 * 1024;
constexpr std::size_t kMaxListedNames = 8;

bool startsWith(const std::string& text, const std::string& prefix) {
    return text.size() >= prefix.size() && text.compare(0, prefix.size(), prefix) == 0;
}

bool endsWith(const std::string& text, const std::string& suffix) {
    return text.size() >= suffix.size() &&
           text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

/** Untrusted names in messages: quoted, shortened, control characters replaced. */
std::string quotedName(const std::string& text) {
    constexpr std::size_t limit = 120;
    std::string out = "'";
    for (char c : text.substr(0, limit))
        out += static_cast<unsigned char>(c) < 0x20 || c == '\x7f' ? '?' : c;
    return out + (text.size() > limit ? "...'" : "'");
}

/** "a, b, c and 4 more" */
std::string listNames(const std::vector<std::string>& names) {
    std::string out;
    for (std::size_t i = 0; i < names.size() && i < kMaxListedNames; ++i)
        out += (i == 0 ? "" : ", ") + names[i];
    if (names.size() > kMaxListedNames)
        out += " and " + std::to_string(names.size() - kMaxListedNames) + " more";
    return out;
}

/**
 * transformers' _fix_key for checkpoints converted from the original TensorFlow BERT: LayerNorm
 * parameters were called gamma and beta.
 */
std::string fixLegacyName(const std::string& name) {
    if (endsWith(name, ".gamma"))
        return name.substr(0, name.size() - 6) + ".weight";
    if (endsWith(name, ".beta"))
        return name.substr(0, name.size() - 5) + ".bias";
    return name;
}

std::string pathIn(const QDir& dir, const std::string& file) {
    return dir.filePath(QString::fromStdString(file)).toStdString();
}

/**
 * The shard files of an index, validated: a relative path without ".." that exists and, with
 * symbolic links resolved, lies inside the folder.
 */
std::string checkedShardPath(const QDir& dir, const std::string& shard,
                             const std::string& indexPath) {
    const QString name = QString::fromStdString(shard);
    const QStringList parts = name.split(QRegularExpression(QStringLiteral("[/\\\\]")));
    if (name.isEmpty() || QDir::isAbsolutePath(name) || parts.contains(QStringLiteral("..")) ||
        name.contains(QLatin1Char(':')))
        throw Error(indexPath + ": shard " + quotedName(shard) +
                    " is not a file name inside the model folder");
    const QFileInfo info(dir.filePath(name));
    if (!info.exists())
        throw Error(indexPath + ": shard " + quotedName(shard) + " does not exist in " +
                    dir.path().toStdString());
    if (!info.isFile())
        throw Error(indexPath + ": shard " + quotedName(shard) + " is not a regular file");
    const QString root = dir.canonicalPath() + QLatin1Char('/');
    if (!info.canonicalFilePath().startsWith(root))
        throw Error(indexPath + ": shard " + quotedName(shard) +
                    " resolves to a file outside the model folder");
    return info.filePath().toStdString();
}

std::map<std::string, std::string> readWeightMap(const std::string& indexPath) {
    QFile file(QString::fromStdString(indexPath));
    if (!file.open(QIODevice::ReadOnly))
        throw Error(indexPath + ": cannot open: " + file.errorString().toStdString());
    if (file.size() > kMaxIndexBytes)
        throw Error(indexPath + ": " + std::to_string(file.size()) +
                    " bytes, more than a shard index can plausibly be (limit 64 MiB)");
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (parseError.error != QJsonParseError::NoError)
        throw Error(indexPath + ": invalid JSON at offset " + std::to_string(parseError.offset) +
                    ": " + parseError.errorString().toStdString());
    if (!document.isObject())
        throw Error(indexPath + ": expected a JSON object at the top level");
    const QJsonValue weightMap = document.object().value(QLatin1String("weight_map"));
    if (!weightMap.isObject())
        throw Error(indexPath + ": field 'weight_map' must be an object mapping tensor names to "
                                "shard files");
    std::map<std::string, std::string> result;
    const QJsonObject object = weightMap.toObject();
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (!it.value().isString())
            throw Error(indexPath + ": weight_map[" + quotedName(it.key().toStdString()) +
                        "] must be a shard file name (a string)");
        result.emplace(it.key().toStdString(), it.value().toString().toStdString());
    }
    if (result.empty())
        throw Error(indexPath + ": weight_map is empty");
    return result;
}

[[noreturn]] void refuseOtherFormats(const QDir& dir) {
    const std::string folder = dir.path().toStdString();
    for (const char* other : {"pytorch_model.bin", "pytorch_model.bin.index.json"}) {
        if (dir.exists(QLatin1String(other))) {
            std::string message = folder + ": has " + other;
            message += " but no model.safetensors; attnscope reads safetensors only. Convert "
                       "with: python3 -c \"from transformers import AutoModel as M; "
                       "M.from_pretrained('";
            message += folder;
            message += "').save_pretrained('";
            message += folder;
            message += "', safe_serialization=True)\"";
            throw Error(message);
        }
    }
    for (const char* other : {"tf_model.h5", "flax_model.msgpack"}) {
        if (dir.exists(QLatin1String(other)))
            throw Error(folder + ": has " + other +
                        " but no model.safetensors; attnscope reads safetensors only (load it in "
                        "transformers and save_pretrained(..., safe_serialization=True))");
    }
    throw Error(folder + ": no model.safetensors or model.safetensors.index.json");
}

} // namespace

struct ModelWeights::Impl {
    struct Entry {
        std::size_t file = 0;
        std::string storedName;
        bool taken = false;
    };

    WeightNaming naming;
    std::string folder;
    std::string description;
    std::vector<safetensors::File> files;
    std::map<std::string, Entry> entries; ///< by normalised name
    bool prefixed = false;                ///< some base-model names carried basePrefix
    mutable std::vector<std::string> missing;

    void add(const std::string& storedName, std::size_t file) {
        std::string name = storedName;
        const std::string prefix = naming.basePrefix + ".";
        if (!naming.basePrefix.empty() && startsWith(name, prefix)) {
            name = name.substr(prefix.size());
            prefixed = true;
        }
        name = fixLegacyName(name);
        const auto [it, inserted] = entries.emplace(name, Entry{file, storedName, false});
        if (!inserted)
            throw Error(files[file].path() + ": tensors " + quotedName(it->second.storedName) +
                        " and " + quotedName(storedName) + " are the same parameter " +
                        quotedName(name) + " of the model");
    }

    [[nodiscard]] bool isBuffer(const std::string& name) const {
        return std::any_of(naming.ignoredBuffers.begin(), naming.ignoredBuffers.end(),
                           [&](const std::string& buffer) {
                               return name == buffer || endsWith(name, "." + buffer);
                           });
    }

    [[nodiscard]] bool inBaseModel(const std::string& name) const {
        return std::any_of(naming.baseNamespaces.begin(), naming.baseNamespaces.end(),
                           [&](const std::string& space) { return startsWith(name, space); });
    }

    /** How a missing tensor would be stored: with the prefix if the checkpoint uses one. */
    [[nodiscard]] std::string storedFormOf(const std::string& name) const {
        return prefixed ? naming.basePrefix + "." + name : name;
    }

    const safetensors::TensorInfo* lookUp(const std::string& name, Entry*& entry) {
        const auto it = entries.find(name);
        if (it == entries.end()) {
            missing.push_back(storedFormOf(name));
            return nullptr;
        }
        entry = &it->second;
        entry->taken = true;
        return files[entry->file].find(entry->storedName);
    }
};

ModelWeights::ModelWeights(std::unique_ptr<Impl> impl)
    : m_impl(std::move(impl)) {}
ModelWeights::ModelWeights(ModelWeights&&) noexcept = default;
ModelWeights& ModelWeights::operator=(ModelWeights&&) noexcept = default;
ModelWeights::~ModelWeights() = default;

ModelWeights ModelWeights::open(const std::string& folder, WeightNaming naming) {
    auto impl = std::make_unique<Impl>();
    impl->naming = std::move(naming);
    impl->folder = folder;
    const QDir dir(QString::fromStdString(folder));

    if (dir.exists(QLatin1String(kSingleFile))) {
        impl->description = kSingleFile;
        impl->files.push_back(safetensors::File::open(pathIn(dir, kSingleFile)));
        for (const std::string& name : impl->files[0].names())
            impl->add(name, 0);
        return ModelWeights(std::move(impl));
    }
    if (!dir.exists(QLatin1String(kIndexFile)))
        refuseOtherFormats(dir);

    const std::string indexPath = pathIn(dir, kIndexFile);
    const std::map<std::string, std::string> weightMap = readWeightMap(indexPath);
    std::map<std::string, std::size_t> shardIndex;
    for (const auto& [name, shard] : weightMap) {
        auto it = shardIndex.find(shard);
        if (it == shardIndex.end()) {
            const std::string path = checkedShardPath(dir, shard, indexPath);
            impl->files.push_back(safetensors::File::open(path));
            it = shardIndex.emplace(shard, impl->files.size() - 1).first;
        }
        if (!impl->files[it->second].contains(name))
            throw Error(indexPath + ": weight_map puts " + quotedName(name) + " in " +
                        quotedName(shard) + ", which has no such tensor");
        impl->add(name, it->second);
    }
    impl->description = std::string(kIndexFile) + " (" + std::to_string(impl->files.size()) +
                        (impl->files.size() == 1 ? " shard)" : " shards)");
    return ModelWeights(std::move(impl));
}

const std::string& ModelWeights::description() const noexcept {
    return m_impl->description;
}

bool ModelWeights::contains(const std::string& name) const {
    return m_impl->entries.contains(name);
}

Tensor ModelWeights::take(const std::string& name, const Shape& expected,
                          const std::string& expectedFrom) {
    Impl::Entry* entry = nullptr;
    const safetensors::TensorInfo* info = m_impl->lookUp(name, entry);
    if (info == nullptr)
        return {};
    const safetensors::File& file = m_impl->files[entry->file];
    if (info->shape != expected)
        throw Error(file.path() + ": tensor " + quotedName(entry->storedName) + " has shape " +
                    shapeToString(info->shape) + " but config.json implies " +
                    shapeToString(expected) + " (" + expectedFrom + ")");
    Tensor tensor = file.toFloat(entry->storedName);
    requireFinite(tensor, file.path() + ": tensor " + quotedName(entry->storedName));
    return tensor;
}

Tensor ModelWeights::takeTransposed(const std::string& name, const Shape& storedExpected,
                                    const std::string& expectedFrom) {
    const Tensor stored = take(name, storedExpected, expectedFrom);
    if (stored.empty())
        return {};
    const std::int64_t rows = stored.dim(0), cols = stored.dim(1);
    Tensor out = Tensor::uninitialized({cols, rows});
    for (std::int64_t r = 0; r < rows; ++r)
        for (std::int64_t c = 0; c < cols; ++c)
            out[c * rows + r] = stored[r * cols + c];
    return out;
}

bool ModelWeights::complete() const noexcept {
    return m_impl->missing.empty();
}

void ModelWeights::finish(const std::string& modelDescription) const {
    const Impl& impl = *m_impl;
    if (!impl.missing.empty())
        throw Error(impl.folder + ": " + impl.description + " lacks " +
                    std::to_string(impl.missing.size()) + " tensor" +
                    (impl.missing.size() == 1 ? "" : "s") + " that " + modelDescription +
                    " needs: " + listNames(impl.missing));
    std::vector<std::string> unexpected;
    for (const auto& [name, entry] : impl.entries) {
        if (!entry.taken && impl.inBaseModel(name) && !impl.isBuffer(name))
            unexpected.push_back(quotedName(entry.storedName));
    }
    if (!unexpected.empty())
        throw Error(impl.folder + ": " + impl.description + " has " +
                    std::to_string(unexpected.size()) + " tensor" +
                    (unexpected.size() == 1 ? "" : "s") + " that " + modelDescription +
                    " (as config.json describes it) does not use: " + listNames(unexpected));
}

std::vector<std::string> ModelWeights::unusedTensors() const {
    std::vector<std::string> names;
    for (const auto& [name, entry] : m_impl->entries) {
        if (!entry.taken)
            names.push_back(entry.storedName);
    }
    std::sort(names.begin(), names.end());
    return names;
}

} // namespace attnscope
