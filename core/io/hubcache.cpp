#include "core/io/hubcache.h"

#include "core/models/modelfamily.h"

#include <QByteArray>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QSet>
#include <QString>
#include <QStringList>
#include <algorithm>
#include <exception>
#include <optional>
#include <set>

namespace attnscope {

namespace {

constexpr qint64 kMaxJsonBytes = qint64{16} << 20;
const QString kModelsPrefix = QStringLiteral("models--");

std::string str(const QString& text) {
    return text.toStdString();
}

QString environmentPath(const char* name) {
    QString value = qEnvironmentVariable(name);
    if (value == QStringLiteral("~") || value.startsWith(QStringLiteral("~/")))
        value = QDir::homePath() + value.mid(1);
    return value;
}

/** A snapshot that qualifies, or the reason why not. */
struct Verdict {
    std::optional<CachedModel> model;
    std::string reason;
};

/** Describes a file that is missing, telling a dangling link (interrupted download) apart. */
std::string missing(const QFileInfo& info) {
    if (info.isSymLink())
        return info.fileName().toStdString() + " is a broken link to " + str(info.symLinkTarget()) +
               " (interrupted download?)";
    return "no " + info.fileName().toStdString();
}

/** Reads a small JSON object; nullopt and a reason when it is not one. */
std::optional<QJsonObject> readJsonObject(const QFileInfo& info, std::string& reason) {
    QFile file(info.filePath());
    if (!file.open(QIODevice::ReadOnly)) {
        reason = "cannot read " + str(info.fileName()) + " (" + str(file.errorString()) + ")";
        return std::nullopt;
    }
    if (file.size() > kMaxJsonBytes) {
        reason = str(info.fileName()) + " is larger than 16 MiB";
        return std::nullopt;
    }
    QJsonParseError error{};
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &error);
    if (error.error != QJsonParseError::NoError || !document.isObject()) {
        reason = str(info.fileName()) + " is not a JSON object" +
                 (error.error != QJsonParseError::NoError ? " (" + str(error.errorString()) + ")"
                                                          : std::string());
        return std::nullopt;
    }
    return document.object();
}

/**
 * Checks the shards of a sharded safetensors checkpoint: every file that the index's weight_map
 * names must be there (links resolved). Returns their total size, or nullopt and a reason.
 */
std::optional<std::uint64_t> shardBytes(const QDir& snapshot, const QFileInfo& index,
                                        std::string& reason) {
    const auto object = readJsonObject(index, reason);
    if (!object)
        return std::nullopt;
    const QJsonValue map = object->value(QStringLiteral("weight_map"));
    if (!map.isObject()) {
        reason = str(index.fileName()) + " has no weight_map object";
        return std::nullopt;
    }
    QSet<QString> shards;
    const QJsonObject weightMap = map.toObject();
    for (auto it = weightMap.begin(); it != weightMap.end(); ++it) {
        const QString shard = it.value().toString();
        // A shard name that leaves the snapshot folder is not something the Hub writes.
        if (shard.isEmpty() || shard.contains(QLatin1Char('/')) || shard.startsWith('.')) {
            reason = str(index.fileName()) + " names an invalid shard \"" + str(shard) + "\"";
            return std::nullopt;
        }
        shards.insert(shard);
    }
    if (shards.isEmpty()) {
        reason = str(index.fileName()) + " names no shard";
        return std::nullopt;
    }
    QStringList sorted(shards.begin(), shards.end());
    sorted.sort();
    std::uint64_t total = 0;
    for (const QString& shard : sorted) {
        const QFileInfo info(snapshot.filePath(shard));
        if (!info.exists()) {
            reason = "sharded checkpoint is incomplete: " + missing(info);
            return std::nullopt;
        }
        total += static_cast<std::uint64_t>(info.size());
    }
    return total;
}

Verdict examineSnapshot(const QString& repoId, const QFileInfo& snapshotInfo) {
    Verdict verdict;
    const QDir snapshot(snapshotInfo.filePath());
    // QFileInfo follows links: exists() is false for a dangling one, size() is the blob's.
    const QFileInfo config(snapshot.filePath(QStringLiteral("config.json")));
    if (!config.exists()) {
        verdict.reason = missing(config);
        return verdict;
    }
    const auto object = readJsonObject(config, verdict.reason);
    if (!object)
        return verdict;
    const QJsonValue type = object->value(QStringLiteral("model_type"));
    if (!type.isString()) {
        verdict.reason = "config.json has no model_type string";
        return verdict;
    }
    const std::string modelType = str(type.toString());
    if (!HubCache::isSupportedModelType(modelType)) {
        verdict.reason =
            "model_type \"" + modelType + "\" is not supported (" + supportedModelTypes() + ")";
        return verdict;
    }

    CachedModel model;
    model.repoId = str(repoId);
    model.revision = str(snapshotInfo.fileName());
    model.path = str(snapshotInfo.absoluteFilePath());
    model.modelType = modelType;

    const QFileInfo single(snapshot.filePath(QStringLiteral("model.safetensors")));
    const QFileInfo index(snapshot.filePath(QStringLiteral("model.safetensors.index.json")));
    const QFileInfo bin(snapshot.filePath(QStringLiteral("pytorch_model.bin")));
    const QFileInfo binIndex(snapshot.filePath(QStringLiteral("pytorch_model.bin.index.json")));
    if (single.exists()) {
        model.hasSafetensors = true;
        model.weightBytes = static_cast<std::uint64_t>(single.size());
    } else if (index.exists()) {
        const auto bytes = shardBytes(snapshot, index, verdict.reason);
        if (!bytes)
            return verdict;
        model.hasSafetensors = true;
        model.weightBytes = *bytes;
    } else if (bin.exists() || binIndex.exists()) {
        model.weightBytes = bin.exists() ? static_cast<std::uint64_t>(bin.size()) : 0;
    } else {
        // Name the dangling link if there is one: it says the download was interrupted.
        verdict.reason = single.isSymLink()  ? missing(single)
                         : index.isSymLink() ? missing(index)
                                             : "no weights (model.safetensors, "
                                               "model.safetensors.index.json or pytorch_model.bin)";
        return verdict;
    }
    verdict.model = std::move(model);
    return verdict;
}

/** The snapshot listed for one models--org--name folder, or nullopt (reasons in `problems`). */
std::optional<CachedModel> examineRepository(const QFileInfo& repoInfo,
                                             std::vector<std::string>& problems) {
    const QString repoId =
        repoInfo.fileName().mid(kModelsPrefix.size()).replace(QStringLiteral("--"), "/");
    const std::string where = str(repoInfo.filePath());
    if (repoId.isEmpty()) {
        problems.push_back(where + ": no repository name after \"models--\"");
        return std::nullopt;
    }
    const QDir repo(repoInfo.filePath());
    const QFileInfo snapshotsInfo(repo.filePath(QStringLiteral("snapshots")));
    if (!snapshotsInfo.isDir()) {
        problems.push_back(where + ": no snapshots folder");
        return std::nullopt;
    }

    QString mainRevision;
    QFile ref(repo.filePath(QStringLiteral("refs/main")));
    if (ref.open(QIODevice::ReadOnly))
        mainRevision = QString::fromUtf8(ref.read(256)).trimmed();

    const QFileInfoList snapshots =
        QDir(snapshotsInfo.filePath()).entryInfoList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
    std::vector<std::pair<CachedModel, QDateTime>> candidates;
    bool mainSeen = false;
    for (const QFileInfo& snapshot : snapshots) {
        Verdict verdict = examineSnapshot(repoId, snapshot);
        mainSeen = mainSeen || snapshot.fileName() == mainRevision;
        if (verdict.model)
            candidates.emplace_back(std::move(*verdict.model), snapshot.lastModified());
        else
            problems.push_back(str(snapshot.filePath()) + ": " + verdict.reason);
    }
    if (!mainRevision.isEmpty() && !mainSeen)
        problems.push_back(where + ": refs/main names " + str(mainRevision) +
                           ", which has no snapshot folder");
    if (candidates.empty()) {
        if (snapshots.isEmpty())
            problems.push_back(where + ": no snapshot");
        return std::nullopt;
    }
    const std::string main = str(mainRevision);
    // Loadable first, then the revision refs/main names, then the newest (then the name, so
    // that the choice never depends on the listing order).
    const auto better = [&](const auto& a, const auto& b) {
        if (a.first.hasSafetensors != b.first.hasSafetensors)
            return a.first.hasSafetensors;
        const bool aMain = a.first.revision == main;
        const bool bMain = b.first.revision == main;
        if (aMain != bMain)
            return aMain;
        if (a.second != b.second)
            return a.second > b.second;
        return a.first.revision < b.first.revision;
    };
    return std::min_element(candidates.begin(), candidates.end(), better)->first;
}

void scanRoot(const QString& root, HubCache& cache, std::set<std::string>& seen) {
    const QFileInfo rootInfo(root);
    if (!rootInfo.isDir()) {
        cache.problems.push_back(str(root) + ": no such folder");
        return;
    }
    const QFileInfoList entries =
        QDir(root).entryInfoList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
    for (const QFileInfo& entry : entries) {
        // datasets--, spaces--, .locks and version files are not models.
        if (!entry.fileName().startsWith(kModelsPrefix))
            continue;
        try {
            auto model = examineRepository(entry, cache.problems);
            if (!model)
                continue;
            if (!seen.insert(model->repoId).second) {
                cache.problems.push_back(str(entry.filePath()) + ": " + model->repoId +
                                         " is also in an earlier cache folder, which is used");
                continue;
            }
            cache.models.push_back(std::move(*model));
        } catch (const std::exception& error) {
            // Nothing above throws for bad files; this keeps even an allocation failure from
            // taking the model list down with it.
            cache.problems.push_back(str(entry.filePath()) + ": " + error.what());
        }
    }
}

} // namespace

bool HubCache::isSupportedModelType(const std::string& modelType) {
    // The families core/models runs (core/models/modelfamily.h).
    return findModelFamily(modelType) != nullptr;
}

std::vector<std::string> HubCache::locations() {
    QStringList candidates;
    candidates << environmentPath("HF_HUB_CACHE") << environmentPath("HUGGINGFACE_HUB_CACHE");
    if (const QString home = environmentPath("HF_HOME"); !home.isEmpty())
        candidates << home + QStringLiteral("/hub");
    candidates << environmentPath("TRANSFORMERS_CACHE");
    QString cacheHome = environmentPath("XDG_CACHE_HOME");
    if (cacheHome.isEmpty())
        cacheHome = QDir::homePath() + QStringLiteral("/.cache");
    candidates << cacheHome + QStringLiteral("/huggingface/hub");

    std::vector<std::string> result;
    QSet<QString> seen;
    for (const QString& candidate : candidates) {
        if (candidate.isEmpty())
            continue;
        const QString path = QDir::cleanPath(QFileInfo(candidate).absoluteFilePath());
        // The same folder reached twice (HF_HUB_CACHE=$HF_HOME/hub, or through a link).
        const QString canonical = QFileInfo(path).canonicalFilePath();
        const QString key = canonical.isEmpty() ? path : canonical;
        if (seen.contains(key))
            continue;
        seen.insert(key);
        result.push_back(str(path));
    }
    return result;
}

HubCache HubCache::scan() {
    return scan(locations());
}

HubCache HubCache::scan(const std::vector<std::string>& roots) {
    HubCache cache;
    cache.roots = roots;
    std::set<std::string> seen;
    for (const std::string& root : roots)
        scanRoot(QString::fromStdString(root), cache, seen);
    std::sort(cache.models.begin(), cache.models.end(),
              [](const CachedModel& a, const CachedModel& b) { return a.repoId < b.repoId; });
    return cache;
}

} // namespace attnscope
