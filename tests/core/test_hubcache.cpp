// Tests of the Hugging Face cache listing on fake caches built in temporary folders, laid out as
// huggingface_hub lays them out: snapshot files are relative links into blobs/, refs/main names
// the current revision.
#include "core/io/hubcache.h"

#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

using namespace attnscope;
namespace fs = std::filesystem;

namespace {

constexpr const char* kBertConfig = R"({"model_type": "bert", "hidden_size": 8})";
constexpr const char* kGpt2Config = R"({"model_type": "gpt2"})";
constexpr const char* kLlamaConfig = R"({"model_type": "llama"})";
constexpr const char* kShardIndex =
    R"({"metadata": {"total_size": 30}, "weight_map": {"a.weight": "model-00001-of-00002.safetensors",
        "b.weight": "model-00002-of-00002.safetensors", "c.weight": "model-00001-of-00002.safetensors"}})";

/** One file of a snapshot: its content (stored as a blob and linked), or a dangling link. */
struct FakeFile {
    QByteArray content;
    bool dangling = false;
    bool plain = false; ///< a regular file instead of a link (older caches, copied folders)
};

using Files = std::map<std::string, FakeFile>;

/**
 * Builds <root>/models--<repo>/ with one snapshot per revision; files are links into blobs/ as
 * huggingface_hub makes them. Snapshot modification times are revision order: later is newer.
 */
void addRepository(const QString& root, const QString& folder,
                   const std::vector<std::pair<std::string, Files>>& revisions,
                   const QByteArray& refsMain = {}) {
    const fs::path repo = fs::path(root.toStdString()) / folder.toStdString();
    fs::create_directories(repo / "blobs");
    fs::create_directories(repo / "snapshots");
    int blob = 0;
    const auto now = fs::file_time_type::clock::now();
    for (std::size_t r = 0; r < revisions.size(); ++r) {
        const auto& [revision, files] = revisions[r];
        const fs::path snapshot = repo / "snapshots" / revision;
        fs::create_directories(snapshot);
        for (const auto& [name, file] : files) {
            const std::string blobName = "blob" + std::to_string(blob++);
            if (file.plain) {
                QFile out(QString::fromStdString((snapshot / name).string()));
                QVERIFY(out.open(QIODevice::WriteOnly));
                out.write(file.content);
                continue;
            }
            if (!file.dangling) {
                QFile out(QString::fromStdString((repo / "blobs" / blobName).string()));
                QVERIFY(out.open(QIODevice::WriteOnly));
                out.write(file.content);
            }
            fs::create_symlink(fs::path("../../blobs") / blobName, snapshot / name);
        }
        fs::last_write_time(snapshot, now - std::chrono::hours(24 * (revisions.size() - r)));
    }
    if (!refsMain.isNull()) {
        fs::create_directories(repo / "refs");
        QFile ref(QString::fromStdString((repo / "refs" / "main").string()));
        QVERIFY(ref.open(QIODevice::WriteOnly));
        ref.write(refsMain);
    }
}

Files bertFiles(const QByteArray& weights = QByteArray(12, 'w')) {
    return {{"config.json", {kBertConfig}},
            {"model.safetensors", {weights}},
            {"tokenizer.json", {"{}"}}};
}

QString joined(const std::vector<std::string>& lines) {
    QStringList list;
    for (const std::string& line : lines)
        list << QString::fromStdString(line);
    return list.join(QStringLiteral(" | "));
}

/** Restores the environment variables a test changes. */
class EnvironmentGuard {
public:
    explicit EnvironmentGuard(std::vector<const char*> names)
        : m_names(std::move(names)) {
        for (const char* name : m_names)
            m_saved.emplace_back(qEnvironmentVariableIsSet(name), qgetenv(name));
    }
    ~EnvironmentGuard() {
        for (std::size_t i = 0; i < m_names.size(); ++i) {
            if (m_saved[i].first)
                qputenv(m_names[i], m_saved[i].second);
            else
                qunsetenv(m_names[i]);
        }
    }
    EnvironmentGuard(const EnvironmentGuard&) = delete;
    EnvironmentGuard& operator=(const EnvironmentGuard&) = delete;

private:
    std::vector<const char*> m_names;
    std::vector<std::pair<bool, QByteArray>> m_saved;
};

} // namespace

class TestHubCache : public QObject {
    Q_OBJECT

private slots:
    void examinesEachRepository_data();
    void examinesEachRepository();
    void choosesOneRevision_data();
    void choosesOneRevision();
    void listsAMixedCacheSortedAndSkipsOtherFolders();
    void firstCacheFolderWins();
    void locationsFollowTheEnvironment_data();
    void locationsFollowTheEnvironment();
};

void TestHubCache::examinesEachRepository_data() {
    QTest::addColumn<QString>("folder");
    QTest::addColumn<int>("kind");
    QTest::addColumn<QString>("repoId");
    QTest::addColumn<QString>("modelType");
    QTest::addColumn<bool>("hasSafetensors");
    QTest::addColumn<qulonglong>("weightBytes");
    QTest::addColumn<QString>("problem");

    const auto listed = [](const char* name, const char* folder, int kind, const char* repoId,
                           const char* type, bool safetensors, qulonglong bytes) {
        QTest::newRow(name) << folder << kind << repoId << type << safetensors << bytes
                            << QString();
    };
    const auto skipped = [](const char* name, const char* folder, int kind, const char* problem) {
        QTest::newRow(name) << folder << kind << QString() << QString() << false << qulonglong{0}
                            << problem;
    };
    listed("bert_linked_safetensors", "models--google-bert--bert-base-uncased", 0,
           "google-bert/bert-base-uncased", "bert", true, 12);
    listed("top_level_repo_without_org", "models--gpt2", 1, "gpt2", "gpt2", true, 5);
    listed("plain_files_not_links", "models--org--copied", 2, "org/copied", "bert", true, 7);
    listed("sharded_safetensors_sizes_summed", "models--org--sharded", 3, "org/sharded", "bert",
           true, 10 + 20);
    listed("pytorch_bin_only_listed_not_loadable", "models--org--bin-only", 4, "org/bin-only",
           "bert", false, 9);
    skipped("unsupported_llama", "models--meta-llama--Llama-2-7b", 5,
            "model_type \"llama\" is not supported");
    skipped("config_without_weights", "models--org--no-weights", 6, "no weights");
    skipped("dangling_config_link", "models--org--interrupted", 7, "config.json is a broken link");
    skipped("dangling_weights_link", "models--org--half", 8, "model.safetensors is a broken link");
    skipped("shard_missing", "models--org--shard-missing", 9,
            "incomplete: model-00002-of-00002.safetensors is a broken link");
    skipped("config_not_json", "models--org--bad-json", 10, "config.json is not a JSON object");
    skipped("config_without_model_type", "models--org--typeless", 11, "no model_type");
    skipped("no_snapshots_folder", "models--org--empty", 12, "no snapshots folder");
    skipped("no_config", "models--org--weights-only", 13, "no config.json");
    skipped("shard_index_leaves_the_folder", "models--org--evil-index", 14, "invalid shard");
    skipped("empty_snapshots_folder", "models--org--no-snapshot", 15, "no snapshot");
}

void TestHubCache::examinesEachRepository() {
    QFETCH(QString, folder);
    QFETCH(int, kind);
    QFETCH(QString, repoId);
    QFETCH(QString, modelType);
    QFETCH(bool, hasSafetensors);
    QFETCH(qulonglong, weightBytes);
    QFETCH(QString, problem);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString root = dir.path();
    const std::string rev = "0123abcd";
    Files files;
    switch (kind) {
    case 0:
        files = bertFiles();
        break;
    case 1:
        files = {{"config.json", {kGpt2Config}}, {"model.safetensors", {"12345"}}};
        break;
    case 2:
        files = {{"config.json", {kBertConfig, false, true}},
                 {"model.safetensors", {"1234567", false, true}}};
        break;
    case 3:
        files = {{"config.json", {kBertConfig}},
                 {"model.safetensors.index.json", {kShardIndex}},
                 {"model-00001-of-00002.safetensors", {QByteArray(10, 'a')}},
                 {"model-00002-of-00002.safetensors", {QByteArray(20, 'b')}}};
        break;
    case 4:
        files = {{"config.json", {kBertConfig}}, {"pytorch_model.bin", {"123456789"}}};
        break;
    case 5:
        files = {{"config.json", {kLlamaConfig}}, {"model.safetensors", {"x"}}};
        break;
    case 6:
        files = {{"config.json", {kBertConfig}}, {"vocab.txt", {"[PAD]"}}};
        break;
    case 7:
        files = {{"config.json", {{}, true}}, {"model.safetensors", {"x"}}};
        break;
    case 8:
        files = {{"config.json", {kBertConfig}}, {"model.safetensors", {{}, true}}};
        break;
    case 9:
        files = {{"config.json", {kBertConfig}},
                 {"model.safetensors.index.json", {kShardIndex}},
                 {"model-00001-of-00002.safetensors", {QByteArray(10, 'a')}},
                 {"model-00002-of-00002.safetensors", {{}, true}}};
        break;
    case 10:
        files = {{"config.json", {"{\"model_type\": "}}, {"model.safetensors", {"x"}}};
        break;
    case 11:
        files = {{"config.json", {"{\"hidden_size\": 8}"}}, {"model.safetensors", {"x"}}};
        break;
    case 12:
        QVERIFY(QDir(root).mkpath(folder + QStringLiteral("/blobs")));
        break;
    case 13:
        files = {{"model.safetensors", {"x"}}};
        break;
    case 14:
        files = {{"config.json", {kBertConfig}},
                 {"model.safetensors.index.json",
                  {R"({"weight_map": {"a": "../../blobs/model.safetensors"}})"}}};
        break;
    case 15:
        QVERIFY(QDir(root).mkpath(folder + QStringLiteral("/snapshots")));
        break;
    }
    if (kind != 12 && kind != 15)
        addRepository(root, folder, {{rev, files}}, QByteArray::fromStdString(rev));

    const HubCache cache = HubCache::scan({root.toStdString()});
    if (problem.isEmpty()) {
        QCOMPARE(cache.models.size(), std::size_t{1});
        const CachedModel& model = cache.models.front();
        QCOMPARE(QString::fromStdString(model.repoId), repoId);
        QCOMPARE(model.revision, rev);
        QCOMPARE(QString::fromStdString(model.path), root + QLatin1Char('/') + folder +
                                                         QStringLiteral("/snapshots/") +
                                                         QString::fromStdString(rev));
        QCOMPARE(QString::fromStdString(model.modelType), modelType);
        QCOMPARE(model.hasSafetensors, hasSafetensors);
        QCOMPARE(static_cast<qulonglong>(model.weightBytes), weightBytes);
        QVERIFY2(cache.problems.empty(), qPrintable(joined(cache.problems)));
    } else {
        QVERIFY(cache.models.empty());
        QCOMPARE(cache.problems.size(), std::size_t{1});
        const QString line = QString::fromStdString(cache.problems.front());
        QVERIFY2(line.contains(problem), qPrintable(line));
        QVERIFY2(line.startsWith(root + QLatin1Char('/') + folder), qPrintable(line));
    }
}

void TestHubCache::choosesOneRevision_data() {
    QTest::addColumn<QStringList>("revisions"); // oldest first; a suffix says what is in it
    QTest::addColumn<QByteArray>("refsMain");
    QTest::addColumn<QString>("chosen");
    QTest::addColumn<QString>("problem");

    QTest::newRow("refs_main_over_a_newer_snapshot")
        << QStringList{"aaa", "bbb"} << QByteArray("aaa") << "aaa" << QString();
    QTest::newRow("refs_main_with_trailing_newline")
        << QStringList{"aaa", "bbb"} << QByteArray("aaa\n") << "aaa" << QString();
    QTest::newRow("newest_without_refs")
        << QStringList{"aaa", "ccc", "bbb"} << QByteArray() << "bbb" << QString();
    QTest::newRow("refs_main_without_its_snapshot_falls_back_to_newest")
        << QStringList{"aaa", "bbb"} << QByteArray("fff") << "bbb"
        << "refs/main names fff, which has no snapshot folder";
    QTest::newRow("refs_main_unsupported_falls_back")
        << QStringList{"aaa", "bbb:llama"} << QByteArray("bbb") << "aaa"
        << "bbb: model_type";
    QTest::newRow("safetensors_before_a_bin_only_main")
        << QStringList{"aaa", "bbb:bin"} << QByteArray("bbb") << "aaa" << QString();
    QTest::newRow("bin_only_when_nothing_else")
        << QStringList{"aaa:bin", "bbb:llama"} << QByteArray("bbb") << "aaa"
        << "bbb: model_type";
    QTest::newRow("old_broken_revision_noted_current_listed")
        << QStringList{"aaa:dangling", "bbb"} << QByteArray("bbb") << "bbb"
        << "aaa: model.safetensors is a broken link";
}

void TestHubCache::choosesOneRevision() {
    QFETCH(QStringList, revisions);
    QFETCH(QByteArray, refsMain);
    QFETCH(QString, chosen);
    QFETCH(QString, problem);

    std::vector<std::pair<std::string, Files>> snapshots;
    for (const QString& spec : revisions) {
        const QString name = spec.section(QLatin1Char(':'), 0, 0);
        const QString what = spec.section(QLatin1Char(':'), 1);
        Files files = bertFiles();
        if (what == QStringLiteral("llama"))
            files["config.json"] = {kLlamaConfig};
        if (what == QStringLiteral("bin")) {
            files.erase("model.safetensors");
            files["pytorch_model.bin"] = {"weights"};
        }
        if (what == QStringLiteral("dangling"))
            files["model.safetensors"] = {{}, true};
        snapshots.emplace_back(name.toStdString(), files);
    }
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    addRepository(dir.path(), QStringLiteral("models--org--model"), snapshots, refsMain);

    const HubCache cache = HubCache::scan({dir.path().toStdString()});
    QCOMPARE(cache.models.size(), std::size_t{1});
    QCOMPARE(QString::fromStdString(cache.models.front().revision), chosen);
    if (problem.isEmpty()) {
        QVERIFY2(cache.problems.empty(), qPrintable(joined(cache.problems)));
    } else {
        QCOMPARE(cache.problems.size(), std::size_t{1});
        QVERIFY2(QString::fromStdString(cache.problems.front()).contains(problem),
                 qPrintable(joined(cache.problems)));
    }
}

void TestHubCache::listsAMixedCacheSortedAndSkipsOtherFolders() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString root = dir.path();
    addRepository(
        root, QStringLiteral("models--zeta--roberta-small"),
        {{"r1",
          {{"config.json", {R"({"model_type": "roberta"})"}}, {"model.safetensors", {"x"}}}}});
    addRepository(
        root, QStringLiteral("models--distilbert--distilbert-base-uncased"),
        {{"r2",
          {{"config.json", {R"({"model_type": "distilbert"})"}}, {"model.safetensors", {"x"}}}}},
        "r2");
    addRepository(root, QStringLiteral("models--gpt2"),
                  {{"r3", {{"config.json", {kGpt2Config}}, {"model.safetensors", {"x"}}}}});
    addRepository(root, QStringLiteral("models--meta-llama--Llama-2-7b"),
                  {{"r4", {{"config.json", {kLlamaConfig}}, {"model.safetensors", {"x"}}}}});
    // Not models: datasets, spaces, the lock folder, a stray file.
    addRepository(root, QStringLiteral("datasets--org--data"),
                  {{"r5", {{"config.json", {kBertConfig}}}}});
    QVERIFY(QDir(root).mkpath(QStringLiteral(".locks/models--gpt2")));
    QFile version(root + QStringLiteral("/version.txt"));
    QVERIFY(version.open(QIODevice::WriteOnly));
    version.write("1");
    version.close();

    const HubCache cache = HubCache::scan({root.toStdString()});
    std::vector<std::string> ids;
    std::vector<std::string> types;
    for (const CachedModel& model : cache.models) {
        ids.push_back(model.repoId);
        types.push_back(model.modelType);
    }
    QCOMPARE(ids, (std::vector<std::string>{"distilbert/distilbert-base-uncased", "gpt2",
                                            "zeta/roberta-small"}));
    QCOMPARE(types, (std::vector<std::string>{"distilbert", "gpt2", "roberta"}));
    QCOMPARE(cache.problems.size(), std::size_t{1});
    QVERIFY(cache.problems.front().find("llama") != std::string::npos);
    QCOMPARE(cache.roots, std::vector<std::string>{root.toStdString()});
}

void TestHubCache::firstCacheFolderWins() {
    QTemporaryDir first;
    QTemporaryDir second;
    QVERIFY(first.isValid() && second.isValid());
    addRepository(first.path(), QStringLiteral("models--org--model"), {{"one", bertFiles()}});
    addRepository(second.path(), QStringLiteral("models--org--model"), {{"two", bertFiles()}});
    addRepository(second.path(), QStringLiteral("models--org--other"), {{"three", bertFiles()}});
    const QString missing = first.filePath(QStringLiteral("nowhere"));

    const HubCache cache = HubCache::scan(
        {missing.toStdString(), first.path().toStdString(), second.path().toStdString()});
    QCOMPARE(cache.models.size(), std::size_t{2});
    QCOMPARE(cache.models[0].revision, std::string("one"));
    QCOMPARE(cache.models[1].repoId, std::string("org/other"));
    QCOMPARE(cache.problems.size(), std::size_t{2});
    QVERIFY2(QString::fromStdString(cache.problems[0]).startsWith(missing + ": no such folder"),
             qPrintable(joined(cache.problems)));
    QVERIFY2(cache.problems[1].find("also in an earlier cache folder") != std::string::npos,
             qPrintable(joined(cache.problems)));
}

void TestHubCache::locationsFollowTheEnvironment_data() {
    // Values are relative to a temporary HOME; "~" stays as written to test its expansion.
    QTest::addColumn<QString>("hubCache");
    QTest::addColumn<QString>("hfHome");
    QTest::addColumn<QString>("transformersCache");
    QTest::addColumn<QString>("xdgCache");
    QTest::addColumn<QStringList>("expected");

    QTest::newRow("nothing_set_default_under_home")
        << ""
        << ""
        << ""
        << "" << QStringList{"H/.cache/huggingface/hub"};
    QTest::newRow("xdg_cache_home_moves_the_default")
        << ""
        << ""
        << ""
        << "H/xdg" << QStringList{"H/xdg/huggingface/hub"};
    QTest::newRow("all_in_precedence_order")
        << "H/hub"
        << "H/hf"
        << "H/tc"
        << "" << QStringList{"H/hub", "H/hf/hub", "H/tc", "H/.cache/huggingface/hub"};
    QTest::newRow("hub_cache_same_as_hf_home_hub_listed_once")
        << "H/hf/hub"
        << "H/hf"
        << ""
        << "" << QStringList{"H/hf/hub", "H/.cache/huggingface/hub"};
    QTest::newRow("tilde_expanded_and_path_cleaned")
        << "~/a/../hub/"
        << ""
        << ""
        << "" << QStringList{"H/hub", "H/.cache/huggingface/hub"};
    QTest::newRow("legacy_transformers_cache_equal_to_default")
        << ""
        << ""
        << "H/.cache/huggingface/hub"
        << "" << QStringList{"H/.cache/huggingface/hub"};
}

void TestHubCache::locationsFollowTheEnvironment() {
    QFETCH(QString, hubCache);
    QFETCH(QString, hfHome);
    QFETCH(QString, transformersCache);
    QFETCH(QString, xdgCache);
    QFETCH(QStringList, expected);

    QTemporaryDir home;
    QVERIFY(home.isValid());
    const EnvironmentGuard guard({"HOME", "HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE", "HF_HOME",
                                  "TRANSFORMERS_CACHE", "XDG_CACHE_HOME"});
    const auto set = [&](const char* name, const QString& value) {
        if (value.isEmpty())
            qunsetenv(name);
        else
            qputenv(name, QString(value).replace(QStringLiteral("H/"), home.path() + "/").toUtf8());
    };
    qputenv("HOME", home.path().toUtf8());
    set("HF_HUB_CACHE", hubCache);
    qunsetenv("HUGGINGFACE_HUB_CACHE");
    set("HF_HOME", hfHome);
    set("TRANSFORMERS_CACHE", transformersCache);
    set("XDG_CACHE_HOME", xdgCache);

    std::vector<std::string> paths;
    for (const QString& path : expected)
        paths.push_back(
            QString(path).replace(QStringLiteral("H/"), home.path() + "/").toStdString());
    QCOMPARE(HubCache::locations(), paths);
}

QTEST_APPLESS_MAIN(TestHubCache)
#include "test_hubcache.moc"
