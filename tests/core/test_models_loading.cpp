// TransformerModel::load on malformed model folders: each row copies a fixture of
// tests/data/models into a temporary folder, breaks one thing (config.json, the weights, the shard
// index) and expects a one-line Error that names what is wrong. Never a crash (this suite also
// runs under ASan/UBSan).

#include "core/base/error.h"
#include "core/formats/safetensors.h"
#include "core/models/transformermodel.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>
#include <functional>
#include <limits>

using namespace attnscope;

namespace {

/** Breaks the copied model folder it is given. */
using Mutation = std::function<void(const QDir&)>;
using TensorList = std::vector<std::pair<std::string, Tensor>>;

QString fixturesRoot() {
    return QFINDTESTDATA("../data/models");
}

void writeBytes(const QString& path, const QByteArray& bytes) {
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(bytes) != bytes.size())
        throw Error(path.toStdString() + ": cannot write");
}

QByteArray readBytes(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw Error(path.toStdString() + ": cannot read");
    return file.readAll();
}

/** Copies the files of a fixture folder (not its reference/ subfolder). */
void copyFixture(const QString& fixture, const QDir& to) {
    const QDir from(fixturesRoot() + QLatin1Char('/') + fixture);
    if (!from.exists())
        throw Error(from.path().toStdString() + ": fixture not found");
    for (const QString& name : from.entryList(QDir::Files))
        if (!QFile::copy(from.filePath(name), to.filePath(name)))
            throw Error(to.filePath(name).toStdString() + ": cannot copy");
}

Mutation editConfig(std::function<void(QJsonObject&)> edit) {
    return [edit](const QDir& dir) {
        const QString path = dir.filePath(QStringLiteral("config.json"));
        QJsonObject config = QJsonDocument::fromJson(readBytes(path)).object();
        edit(config);
        writeBytes(path, QJsonDocument(config).toJson());
    };
}

Mutation setField(const char* key, QJsonValue value) {
    return editConfig(
        [key, value](QJsonObject& config) { config.insert(QLatin1String(key), value); });
}

Mutation removeField(const char* key) {
    return editConfig([key](QJsonObject& config) { config.remove(QLatin1String(key)); });
}

Mutation replaceFile(const char* name, QByteArray bytes) {
    return [name, bytes](const QDir& dir) {
        writeBytes(dir.filePath(QLatin1String(name)), bytes);
    };
}

Mutation removeFile(const char* name) {
    return [name](const QDir& dir) {
        if (!QFile::remove(dir.filePath(QLatin1String(name))))
            throw Error(std::string(name) + ": cannot remove");
    };
}

/** Rewrites model.safetensors (as float32) after `edit` changed its tensors. */
Mutation editWeights(std::function<void(TensorList&)> edit) {
    return [edit](const QDir& dir) {
        const std::string path = dir.filePath(QStringLiteral("model.safetensors")).toStdString();
        TensorList tensors;
        {
            const auto file = safetensors::File::open(path);
            for (const std::string& name : file.names())
                tensors.emplace_back(name, file.toFloat(name));
        }
        edit(tensors);
        safetensors::write(path, tensors);
    };
}

Mutation dropTensors(std::vector<std::string> names) {
    return editWeights([names](TensorList& tensors) {
        std::erase_if(tensors, [&](const auto& entry) {
            return std::find(names.begin(), names.end(), entry.first) != names.end();
        });
    });
}

Mutation renameTensor(std::string from, std::string to) {
    return editWeights([from, to](TensorList& tensors) {
        for (auto& entry : tensors)
            if (entry.first == from)
                entry.first = to;
    });
}

Mutation addTensor(std::string name, Tensor tensor) {
    return editWeights([name, tensor](TensorList& tensors) { tensors.emplace_back(name, tensor); });
}

Mutation setIndexEntry(const char* tensor, QJsonValue shard) {
    return [tensor, shard](const QDir& dir) {
        const QString path = dir.filePath(QStringLiteral("model.safetensors.index.json"));
        QJsonObject index = QJsonDocument::fromJson(readBytes(path)).object();
        QJsonObject map = index.value(QStringLiteral("weight_map")).toObject();
        map.insert(QLatin1String(tensor), shard);
        index.insert(QStringLiteral("weight_map"), map);
        writeBytes(path, QJsonDocument(index).toJson());
    };
}

Mutation both(Mutation first, Mutation second) {
    return [first, second](const QDir& dir) {
        first(dir);
        second(dir);
    };
}

} // namespace

Q_DECLARE_METATYPE(Mutation)

class TestModelsLoading : public QObject {
    Q_OBJECT

private slots:
    void rejectsMalformedFolder_data();
    void rejectsMalformedFolder();
    void acceptsWhatTheHubHolds_data();
    void acceptsWhatTheHubHolds();
};

void TestModelsLoading::rejectsMalformedFolder_data() {
    QTest::addColumn<QString>("fixture");
    QTest::addColumn<Mutation>("mutation");
    QTest::addColumn<QString>("subpath"); ///< loaded instead of the folder itself, if set
    QTest::addColumn<QStringList>("expected");

    const Mutation none = [](const QDir&) {
    };
    const auto row = [&](const char* name, const char* fixture, Mutation mutation,
                         QStringList expected, const char* subpath = "") {
        QTest::newRow(name) << QString::fromLatin1(fixture) << std::move(mutation)
                            << QString::fromLatin1(subpath) << expected;
    };

    // The folder itself.
    row("no_such_folder", "bert_mlm", none, {"no such folder"}, "does-not-exist");
    row("file_instead_of_folder", "bert_mlm", none, {"not a folder"}, "config.json");
    row("missing_config", "bert_mlm", removeFile("config.json"), {"no config.json"});

    // config.json.
    row("config_bad_json", "bert_mlm", replaceFile("config.json", "{\"model_type\": \"bert\","),
        {"config.json: invalid JSON at offset"});
    row("config_not_an_object", "bert_mlm", replaceFile("config.json", "[1, 2]"),
        {"config.json: expected a JSON object"});
    row("config_empty_file", "bert_mlm", replaceFile("config.json", ""),
        {"config.json: invalid JSON"});
    row("model_type_missing", "bert_mlm", removeField("model_type"),
        {"config.json: field 'model_type' is missing", "bert, roberta, distilbert, gpt2"});
    row("model_type_unsupported", "bert_mlm", setField("model_type", QStringLiteral("llama")),
        {"model_type 'llama' is not supported (supported: bert, roberta, distilbert, gpt2)"});
    row("model_type_not_a_string", "bert_mlm", setField("model_type", 7),
        {"field 'model_type' must be a string, found 7"});
    row("hidden_size_missing", "bert_mlm", removeField("hidden_size"),
        {"config.json: field 'hidden_size' is missing (expected a positive integer)"});
    row("hidden_size_string", "bert_mlm", setField("hidden_size", QStringLiteral("32")),
        {"field 'hidden_size' must be a positive integer, found a string"});
    row("hidden_size_fraction", "bert_mlm", setField("hidden_size", 32.5),
        {"field 'hidden_size' must be a positive integer, found 32.5"});
    row("hidden_size_huge", "bert_mlm", setField("hidden_size", 1e15),
        {"field 'hidden_size' is 1e+15, more than 16777216"});
    row("num_hidden_layers_null", "bert_mlm", setField("num_hidden_layers", QJsonValue()),
        {"field 'num_hidden_layers' must be a positive integer, found null"});
    row("heads_do_not_divide_hidden", "bert_mlm", setField("num_attention_heads", 5),
        {"num_attention_heads 5 does not divide hidden_size 32 (allowed: 1, 2, 4, 8, 16, 32)"});
    row("distilbert_heads_do_not_divide_dim", "distilbert", setField("n_heads", 3),
        {"n_heads 3 does not divide dim 32"});
    row("gpt2_n_head_zero", "gpt2_model", setField("n_head", 0),
        {"field 'n_head' must be a positive integer, found 0"});
    row("gpt2_n_embd_missing", "gpt2_lm_head", removeField("n_embd"),
        {"field 'n_embd' is missing"});
    row("distilbert_dim_missing", "distilbert", removeField("dim"), {"field 'dim' is missing"});
    row("hidden_act_unsupported", "bert_mlm", setField("hidden_act", QStringLiteral("mish")),
        {"field 'hidden_act' is 'mish', which is not supported", "gelu_new"});
    row("gpt2_activation_not_a_string", "gpt2_model", setField("activation_function", 1),
        {"field 'activation_function' must be a string, found 1"});
    row("layer_norm_eps_negative", "bert_mlm", setField("layer_norm_eps", -1e-12),
        {"field 'layer_norm_eps' must be a positive number, found -1e-12"});
    row("relative_position_embeddings", "bert_mlm",
        setField("position_embedding_type", QStringLiteral("relative_key")),
        {"position_embedding_type 'relative_key' is not supported"});
    row("bert_as_decoder", "bert_mlm", setField("is_decoder", true), {"is_decoder is true"});
    row("gpt2_cross_attention", "gpt2_model", setField("add_cross_attention", true),
        {"add_cross_attention is true"});
    row("scale_flag_not_boolean", "gpt2_model", setField("scale_attn_weights", 1),
        {"field 'scale_attn_weights' must be true or false, found 1"});
    row("roberta_pad_leaves_no_positions", "roberta", setField("pad_token_id", 25),
        {"pad_token_id 25 leaves no positions", "max_position_embeddings is 26"});

    // Which weight files exist.
    row("no_weights", "bert_mlm", removeFile("model.safetensors"),
        {"no model.safetensors or model.safetensors.index.json"});
    row("pytorch_bin_only", "bert_mlm",
        both(removeFile("model.safetensors"), replaceFile("pytorch_model.bin", "PK")),
        {"has pytorch_model.bin but no model.safetensors; attnscope reads safetensors only",
         "save_pretrained(", "safe_serialization=True"});
    row("tf_weights_only", "bert_mlm",
        both(removeFile("model.safetensors"), replaceFile("tf_model.h5", "HDF")),
        {"has tf_model.h5 but no model.safetensors"});
    row("weights_truncated", "bert_mlm", replaceFile("model.safetensors", QByteArray(5, 'x')),
        {"model.safetensors"});

    // Tensors against config.json.
    row("missing_tensors_listed", "bert_mlm",
        dropTensors({"bert.encoder.layer.1.output.dense.weight", "bert.embeddings.LayerNorm.bias"}),
        {"model.safetensors lacks 2 tensors that a bert model with 3 layers needs: "
         "bert.embeddings.LayerNorm.bias, bert.encoder.layer.1.output.dense.weight"});
    row("config_has_more_layers", "gpt2_model", setField("n_layer", 3),
        {"lacks 12 tensors that a gpt2 model with 3 layers needs: h.2.ln_1.weight, h.2.ln_1.bias, "
         "h.2.attn.c_attn.weight",
         "and 4 more"});
    row("weights_have_more_layers", "distilbert", setField("n_layers", 1),
        {"tensors that a distilbert model with 1 layer (as config.json describes it) does not "
         "use: 'transformer.layer.1."});
    row("wrong_intermediate_size", "bert_mlm", setField("intermediate_size", 64),
        {"tensor 'bert.encoder.layer.0.intermediate.dense.weight' has shape [40, 32] but "
         "config.json implies [64, 32] ([intermediate_size, hidden_size])"});
    row("wrong_vocab_size", "roberta_mlm_padded", setField("vocab_size", 50),
        {"tensor 'roberta.embeddings.word_embeddings.weight' has shape [64, 32] but config.json "
         "implies [50, 32] ([vocab_size, hidden_size])"});
    row("wrong_positions_distilbert", "distilbert", setField("max_position_embeddings", 512),
        {"'embeddings.position_embeddings.weight' has shape [24, 32] but config.json implies "
         "[512, 32] ([max_position_embeddings, dim])"});
    row("wrong_gpt2_inner_conv1d", "gpt2_lm_head", setField("n_inner", 64),
        {"tensor 'transformer.h.0.mlp.c_fc.weight' has shape [32, 128] but config.json implies "
         "[32, 64] ([n_embd, n_inner (or 4 * n_embd)], Conv1D)"});
    row("gpt2_conv1d_stored_transposed", "gpt2_model", editWeights([](TensorList& tensors) {
            for (auto& [name, tensor] : tensors)
                if (name == "h.0.mlp.c_fc.weight")
                    tensor = tensor.reshaped({50, 30});
        }),
        {"tensor 'h.0.mlp.c_fc.weight' has shape [50, 30] but config.json implies [30, 50]"});
    row("wrong_type_vocab_size", "bert_unprefixed", setField("type_vocab_size", 1),
        {"'embeddings.token_type_embeddings.weight' has shape [2, 20] but config.json implies "
         "[1, 20]"});
    row("non_finite_weight", "bert_unprefixed", editWeights([](TensorList& tensors) {
            for (auto& [name, tensor] : tensors)
                if (name == "encoder.layer.1.attention.self.key.bias")
                    tensor[3] = std::numeric_limits<float>::quiet_NaN();
        }),
        {"tensor 'encoder.layer.1.attention.self.key.bias' has a non-finite value"});
    row("same_parameter_twice", "bert_legacy_gamma_beta",
        addTensor("bert.embeddings.LayerNorm.weight", Tensor({32}, 1.0f)),
        {"are the same parameter 'embeddings.LayerNorm.weight'"});
    row("prefixed_and_unprefixed_twice", "bert_unprefixed",
        addTensor("bert.pooler.dense.bias", Tensor({20}, 0.0f)),
        {"tensors 'pooler.dense.bias' and 'bert.pooler.dense.bias' are the same parameter "
         "'pooler.dense.bias'"});
    row("unknown_tensor_in_base_model", "gpt2_model",
        addTensor("h.0.attn.q_proj.weight", Tensor({30, 30}, 0.0f)),
        {"does not use: 'h.0.attn.q_proj.weight'"});

    // Sharded checkpoints.
    row("shard_missing", "bert_sharded", removeFile("model-00002-of-00002.safetensors"),
        {"model.safetensors.index.json: shard 'model-00002-of-00002.safetensors' does not exist"});
    row("shard_outside_folder", "bert_sharded",
        setIndexEntry("bert.pooler.dense.bias", QStringLiteral("../bert_mlm/model.safetensors")),
        {"shard '../bert_mlm/model.safetensors' is not a file name inside the model folder"});
    row("shard_absolute_path", "bert_sharded",
        setIndexEntry("bert.pooler.dense.bias", QStringLiteral("/etc/hostname")),
        {"shard '/etc/hostname' is not a file name inside the model folder"});
    row("shard_not_a_string", "bert_sharded", setIndexEntry("bert.pooler.dense.bias", 2),
        {"weight_map['bert.pooler.dense.bias'] must be a shard file name"});
    row("shard_lacks_listed_tensor", "bert_sharded",
        setIndexEntry("bert.encoder.layer.0.output.dense.weight",
                      QStringLiteral("model-00002-of-00002.safetensors")),
        {"weight_map puts 'bert.encoder.layer.0.output.dense.weight' in "
         "'model-00002-of-00002.safetensors', which has no such tensor"});
    row("index_bad_json", "bert_sharded", replaceFile("model.safetensors.index.json", "{"),
        {"model.safetensors.index.json: invalid JSON"});
    row("index_without_weight_map", "bert_sharded",
        replaceFile("model.safetensors.index.json", "{\"metadata\": {}}"),
        {"field 'weight_map' must be an object"});
    row("index_empty_weight_map", "bert_sharded",
        replaceFile("model.safetensors.index.json", "{\"weight_map\": {}}"),
        {"weight_map is empty"});
    row("index_tensor_missing_from_map", "bert_sharded",
        [](const QDir& dir) {
            const QString path = dir.filePath(QStringLiteral("model.safetensors.index.json"));
            QJsonObject index = QJsonDocument::fromJson(readBytes(path)).object();
            QJsonObject map = index.value(QStringLiteral("weight_map")).toObject();
            map.remove(QStringLiteral("bert.encoder.layer.1.attention.self.value.bias"));
            index.insert(QStringLiteral("weight_map"), map);
            writeBytes(path, QJsonDocument(index).toJson());
        },
        {"lacks 1 tensor that a bert model with 2 layers needs: "
         "bert.encoder.layer.1.attention.self.value.bias"});
    row("shard_symlink_outside_folder", "bert_sharded",
        [](const QDir& dir) {
            const QString shard = dir.filePath(QStringLiteral("model-00002-of-00002.safetensors"));
            const QString outside = dir.filePath(QStringLiteral("../outside.safetensors"));
            QFile::remove(outside);
            if (!QFile::rename(shard, outside) || !QFile::link(outside, shard))
                throw Error("cannot set up the symbolic link");
        },
        {"shard 'model-00002-of-00002.safetensors' resolves to a file outside the model folder"});
}

void TestModelsLoading::rejectsMalformedFolder() {
    QFETCH(QString, fixture);
    QFETCH(Mutation, mutation);
    QFETCH(QString, subpath);
    QFETCH(QStringList, expected);

    // The model folder is a subfolder so that "outside the folder" stays inside the temporary one.
    QTemporaryDir temp;
    QVERIFY(temp.isValid());
    QVERIFY(QDir(temp.path()).mkdir(QStringLiteral("model")));
    const QDir dir(temp.filePath(QStringLiteral("model")));
    try {
        copyFixture(fixture, dir);
        mutation(dir);
    } catch (const Error& e) {
        QFAIL(e.what());
    }
    const QString path = subpath.isEmpty() ? dir.path() : dir.filePath(subpath);

    try {
        const TransformerModel model = TransformerModel::load(path.toStdString());
        QFAIL(qPrintable(QStringLiteral("loaded without error (%1 layers)").arg(model.layers())));
    } catch (const Cancelled&) {
        QFAIL("unexpected Cancelled");
    } catch (const Error& e) {
        const QString message = QString::fromUtf8(e.what());
        for (const QString& part : expected)
            QVERIFY2(message.contains(part),
                     qPrintable(QStringLiteral("expected \"%1\" in: %2").arg(part, message)));
        QVERIFY2(!message.contains(QLatin1Char('\n')), qPrintable(message));
    }
}

void TestModelsLoading::acceptsWhatTheHubHolds_data() {
    QTest::addColumn<QString>("fixture");
    QTest::addColumn<Mutation>("mutation");

    // Configs on the Hub often predate fields that transformers now writes; the class defaults
    // apply (GPT2Config: n_inner None, activation gelu_new, epsilon 1e-5; BertConfig: gelu, 1e-12).
    QTest::newRow("gpt2_without_optional_fields")
        << QStringLiteral("gpt2_lm_head") << editConfig([](QJsonObject& c) {
               for (const char* key : {"n_inner", "activation_function", "layer_norm_epsilon",
                                       "scale_attn_weights", "scale_attn_by_inverse_layer_idx"})
                   c.remove(QLatin1String(key));
           });
    QTest::newRow("gpt2_n_ctx_only")
        << QStringLiteral("gpt2_lm_head") << editConfig([](QJsonObject& c) {
               c.insert(QStringLiteral("n_ctx"), c.take(QStringLiteral("n_positions")));
           });
    QTest::newRow("bert_without_optional_fields")
        << QStringLiteral("bert_mlm") << editConfig([](QJsonObject& c) {
               for (const char* key :
                    {"hidden_act", "layer_norm_eps", "position_embedding_type", "pad_token_id"})
                   c.remove(QLatin1String(key));
           });
    // TensorFlow-converted names without the task prefix.
    QTest::newRow("legacy_gamma_beta_unprefixed")
        << QStringLiteral("bert_unprefixed")
        << both(renameTensor("embeddings.LayerNorm.weight", "embeddings.LayerNorm.gamma"),
                renameTensor("encoder.layer.1.output.LayerNorm.bias",
                             "encoder.layer.1.output.LayerNorm.beta"));
    // A base-model folder saved next to unrelated heads of another task.
    QTest::newRow("bert_with_unknown_head")
        << QStringLiteral("bert_unprefixed") << addTensor("score.weight", Tensor({2, 20}, 0.5f));
}

void TestModelsLoading::acceptsWhatTheHubHolds() {
    QFETCH(QString, fixture);
    QFETCH(Mutation, mutation);
    QTemporaryDir temp;
    QVERIFY(temp.isValid());
    const QDir dir(temp.path());
    copyFixture(fixture, dir);
    const TransformerModel reference =
        TransformerModel::load((fixturesRoot() + QLatin1Char('/') + fixture).toStdString());
    mutation(dir);
    const TransformerModel model = TransformerModel::load(temp.path().toStdString());
    const std::vector<int> ids{3, 1, 4, 1, 5, 9, 2, 6};
    const ModelOutput expected = reference.run(ids);
    const ModelOutput actual = model.run(ids);
    QVERIFY(actual.attentions == expected.attentions);
    QVERIFY(actual.hiddenStates == expected.hiddenStates);
}

QTEST_GUILESS_MAIN(TestModelsLoading)
#include "test_models_loading.moc"
