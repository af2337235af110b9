// Tests of the tokenizer pipeline against Hugging Face's own output (tests/data/tokenizers, made by
// tools/tokenizer_reference): every corpus text through every reference tokenizer, id for id, token
// for token, offset for offset; the vocab.txt-only and vocab.json + merges.txt-only folders against
// the equivalent tokenizer.json; the lookups; display strings; and every error path.
#include "core/base/error.h"
#include "core/tokenize/tokenizer.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>
#include <algorithm>
#include <map>
#include <random>
#include <string>

using namespace attnscope;

namespace {

QString dataRoot() {
    return QFINDTESTDATA("../data/tokenizers");
}

QByteArray readAll(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        qFatal("cannot read %s", qPrintable(path));
    }
    return file.readAll();
}

QJsonObject readJson(const QString& path) {
    return QJsonDocument::fromJson(readAll(path)).object();
}

QString writeFile(const QString& path, const QByteArray& bytes) {
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        qFatal("cannot write %s", qPrintable(path));
    }
    file.write(bytes);
    return path;
}

// The reference tokenizer.json: the committed file, or the committed skeleton with model.vocab (and
// model.merges) filled in from the shared vocabulary files, as the expected file's "fill" says.
std::string referenceTokenizerJson(const QJsonObject& expected) {
    const QString root = dataRoot();
    QJsonObject tokenizer = readJson(root + "/" + expected["tokenizer_file"].toString());
    const QJsonObject fill = expected["fill"].toObject();
    if (fill.isEmpty()) {
        return QJsonDocument(tokenizer).toJson(QJsonDocument::Compact).toStdString();
    }
    QJsonObject model = tokenizer["model"].toObject();
    const QString vocabFile = fill["vocab"].toString();
    if (vocabFile.endsWith(".txt")) {
        // As JSON text: QJsonObject::insert is too slow for 30,000 keys. The committed vocab.txt
        // has no duplicates and no characters that need escaping besides " and \.
        QByteArray text = "{";
        const QList<QByteArray> lines = readAll(root + "/" + vocabFile).split('\n');
        for (qsizetype i = 0; i + 1 < lines.size(); ++i) {
            QByteArray token = lines[i];
            token.replace("\\", "\\\\").replace("\"", "\\\"");
            text += (i > 0 ? ",\"" : "\"") + token + "\":" + QByteArray::number(i);
        }
        model["vocab"] = QJsonDocument::fromJson(text + "}").object();
    } else {
        model["vocab"] = readJson(root + "/" + vocabFile);
        QJsonArray merges;
        const bool pairs = fill["merges_as"].toString() == "pairs";
        for (const QByteArray& line : readAll(root + "/" + fill["merges"].toString()).split('\n')) {
            if (line.isEmpty() || line.startsWith("#version")) {
                continue;
            }
            const QString text = QString::fromUtf8(line);
            if (pairs) {
                const qsizetype space = text.indexOf(' ');
                merges.append(QJsonArray{text.left(space), text.mid(space + 1)});
            } else {
                merges.append(text);
            }
        }
        model["merges"] = merges;
    }
    tokenizer["model"] = model;
    return QJsonDocument(tokenizer).toJson(QJsonDocument::Compact).toStdString();
}

const QStringList& referenceNames() {
    static const QStringList names = {
        "bert-base-uncased", "bert-cased",         "bert-chinese",       "gpt2",
        "roberta",           "gpt2-prefix-space",  "wordpiece-sequence", "wordpiece-whitespace",
        "bpe-word-suffix",   "bpe-subword-prefix", "bpe-ignore-merges"};
    return names;
}

const QJsonObject& expectedFor(const QString& name) {
    static std::map<QString, QJsonObject> cache;
    auto it = cache.find(name);
    if (it == cache.end()) {
        it = cache.emplace(name, readJson(dataRoot() + "/" + name + "/expected.json")).first;
    }
    return it->second;
}

// Loading GPT-2 parses a megabyte of JSON: once per reference.
const Tokenizer& referenceTokenizer(const QString& name) {
    static std::map<QString, Tokenizer> cache;
    auto it = cache.find(name);
    if (it == cache.end()) {
        it = cache
                 .emplace(name, Tokenizer::fromTokenizerJsonText(
                                    referenceTokenizerJson(expectedFor(name)), name.toStdString()))
                 .first;
    }
    return it->second;
}

// One line per token, so that a failure shows the first differing token and its neighbours.
QStringList describe(const Encoding& e) {
    QStringList lines;
    for (std::size_t i = 0; i < e.size(); ++i) {
        lines << QStringLiteral("%1 %2 [%3,%4)%5")
                     .arg(e.ids[i])
                     .arg(QString::fromStdString(e.tokens[i]))
                     .arg(e.offsets[i].first)
                     .arg(e.offsets[i].second)
                     .arg(e.special[i] ? " special" : "");
    }
    return lines;
}

QStringList describe(const QJsonObject& e) {
    QStringList lines;
    const QJsonArray ids = e["ids"].toArray();
    for (qsizetype i = 0; i < ids.size(); ++i) {
        const QJsonArray offsets = e["offsets"].toArray()[i].toArray();
        lines << QStringLiteral("%1 %2 [%3,%4)%5")
                     .arg(ids[i].toInt())
                     .arg(e["tokens"].toArray()[i].toString())
                     .arg(offsets[0].toInt())
                     .arg(offsets[1].toInt())
                     .arg(e["special"].toArray()[i].toBool() ? " special" : "");
    }
    return lines;
}

// Token by token, so that a failure names the first token that differs.
void compareLines(const QStringList& actual, const QStringList& expected, const QString& what) {
    for (qsizetype i = 0; i < std::min(actual.size(), expected.size()); ++i) {
        QVERIFY2(actual[i] == expected[i],
                 qPrintable(QStringLiteral("%1: token %2: got '%3', expected '%4'")
                                .arg(what)
                                .arg(i)
                                .arg(actual[i], expected[i])));
    }
    QVERIFY2(actual.size() == expected.size(),
             qPrintable(QStringLiteral("%1: got %2 tokens, expected %3: got [%4], expected [%5]")
                            .arg(what)
                            .arg(actual.size())
                            .arg(expected.size())
                            .arg(actual.join(" | "), expected.join(" | "))));
}

QByteArray tokenizerJsonWith(const char* modelJson, const char* rest = "") {
    return QByteArray("{\"version\":\"1.0\",") + rest + "\"model\":" + modelJson + "}";
}

constexpr const char* kTinyWordPiece =
    R"({"type":"WordPiece","unk_token":"[UNK]","vocab":{"[UNK]":0,"[CLS]":1,"[SEP]":2,"a":3,"##b":4}})";
constexpr const char* kTinyBpe = R"({"type":"BPE","vocab":{"a":0,"b":1,"ab":2},"merges":["a b"]})";

} // namespace

class TestTokenizer : public QObject {
    Q_OBJECT

private slots:
    void matchesReference_data();
    void matchesReference();
    void folderMatchesTokenizerJson_data();
    void folderMatchesTokenizerJson();
    void lookups();
    void displayStrings_data();
    void displayStrings();
    void invalidUtf8CountsAsReplacementCharacters();
    void folderPrefersTokenizerJson();
    void rejectsMalformedTokenizerJson_data();
    void rejectsMalformedTokenizerJson();
    void rejectsMalformedFolders_data();
    void rejectsMalformedFolders();
    void missingUnknownTokenIsAnErrorWhenNeeded();
    void mutatedFilesOnlyEverThrowError();
};

void TestTokenizer::matchesReference_data() {
    QTest::addColumn<QString>("tokenizer");
    QTest::addColumn<int>("index");
    for (const QString& name : referenceNames()) {
        const QJsonArray cases = expectedFor(name)["cases"].toArray();
        QVERIFY2(cases.size() >= 60, qPrintable(name + ": expected the whole corpus"));
        for (qsizetype i = 0; i < cases.size(); ++i) {
            const QString row = name + "/" + cases[i].toObject()["name"].toString();
            QTest::newRow(qPrintable(row)) << name << static_cast<int>(i);
        }
    }
}

void TestTokenizer::matchesReference() {
    QFETCH(QString, tokenizer);
    QFETCH(int, index);
    const QJsonObject c = expectedFor(tokenizer)["cases"].toArray()[index].toObject();
    const std::string text = c["text"].toString().toStdString();
    const Tokenizer& t = referenceTokenizer(tokenizer);
    compareLines(describe(t.encode(text, true)), describe(c["with_special_tokens"].toObject()),
                 "with special tokens");
    if (QTest::currentTestFailed()) {
        return;
    }
    compareLines(describe(t.encode(text, false)), describe(c["without_special_tokens"].toObject()),
                 "without special tokens");
}

void TestTokenizer::folderMatchesTokenizerJson_data() {
    QTest::addColumn<QString>("folder");
    QTest::addColumn<QString>("hint");
    QTest::addColumn<QByteArray>("configName");
    QTest::addColumn<QByteArray>("config");
    QTest::addColumn<QString>("reference");
    QTest::newRow("vocab_txt_uncased_default_config")
        << "bert-base-uncased"
        << "" << QByteArray() << QByteArray() << "bert-base-uncased";
    QTest::newRow("vocab_txt_lowercase_explicit")
        << "bert-base-uncased"
        << "" << QByteArray("tokenizer_config.json")
        << QByteArray(R"({"do_lower_case": true, "model_max_length": 512})") << "bert-base-uncased";
    QTest::newRow("vocab_txt_cased_config")
        << "bert-base-uncased"
        << "" << QByteArray("tokenizer_config.json") << QByteArray(R"({"do_lower_case": false})")
        << "bert-cased";
    QTest::newRow("vocab_txt_chinese_config")
        << "bert-base-uncased"
        << "" << QByteArray("tokenizer_config.json")
        << QByteArray(R"({"do_lower_case": false, "tokenize_chinese_chars": true})")
        << "bert-chinese";
    QTest::newRow("vocab_json_gpt2") << "gpt2"
                                     << "" << QByteArray() << QByteArray() << "gpt2";
    QTest::newRow("vocab_json_gpt2_config")
        << "gpt2"
        << "" << QByteArray("config.json") << QByteArray(R"({"model_type": "gpt2"})") << "gpt2";
    QTest::newRow("vocab_json_roberta_hint")
        << "gpt2"
        << "roberta" << QByteArray() << QByteArray() << "roberta";
    QTest::newRow("vocab_json_roberta_config")
        << "gpt2"
        << "" << QByteArray("config.json") << QByteArray(R"({"model_type": "roberta"})")
        << "roberta";
}

void TestTokenizer::folderMatchesTokenizerJson() {
    QFETCH(QString, folder);
    QFETCH(QString, hint);
    QFETCH(QByteArray, configName);
    QFETCH(QByteArray, config);
    QFETCH(QString, reference);
    // A folder with only the slow tokenizer's files (and maybe a config).
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    for (const char* name : {"vocab.txt", "vocab.json", "merges.txt"}) {
        const QString source = dataRoot() + "/" + folder + "/" + name;
        if (QFile::exists(source)) {
            QVERIFY(QFile::copy(source, dir.filePath(name)));
        }
    }
    if (!configName.isEmpty()) {
        writeFile(dir.filePath(QString::fromLatin1(configName)), config);
    }
    const Tokenizer fromFolder =
        Tokenizer::fromFolder(dir.path().toStdString(), hint.toStdString());
    const Tokenizer& fromJson = referenceTokenizer(reference);
    QCOMPARE(fromFolder.vocabSize(), fromJson.vocabSize());
    QCOMPARE(fromFolder.unkTokenId(), fromJson.unkTokenId());
    const QJsonArray cases = expectedFor(reference)["cases"].toArray();
    for (const QJsonValue& value : cases) {
        const QJsonObject c = value.toObject();
        const std::string text = c["text"].toString().toStdString();
        const QString what = c["name"].toString();
        compareLines(describe(fromFolder.encode(text, true)),
                     describe(c["with_special_tokens"].toObject()), what + " with special tokens");
        if (QTest::currentTestFailed()) {
            return;
        }
        compareLines(describe(fromFolder.encode(text, false)),
                     describe(c["without_special_tokens"].toObject()),
                     what + " without special tokens");
        if (QTest::currentTestFailed()) {
            return;
        }
    }
}

void TestTokenizer::lookups() {
    const Tokenizer& bert = referenceTokenizer("bert-base-uncased");
    QCOMPARE(bert.modelType(), std::string("WordPiece"));
    QCOMPARE(bert.isByteLevel(), false);
    QCOMPARE(bert.vocabSize(), 30522);
    QCOMPARE(bert.unkTokenId(), std::optional<int>(100));
    QCOMPARE(bert.tokenToId("[CLS]"), std::optional<int>(101));
    QCOMPARE(bert.tokenToId("the"), std::optional<int>(1996));
    QCOMPARE(bert.tokenToId("##s"), std::optional<int>(2015));
    QCOMPARE(bert.tokenToId("not-a-token"), std::optional<int>());
    QCOMPARE(bert.idToToken(1996), std::optional<std::string>("the"));
    QCOMPARE(bert.idToToken(30522), std::optional<std::string>());
    QCOMPARE(bert.idToToken(-1), std::optional<std::string>());

    const Tokenizer& gpt2 = referenceTokenizer("gpt2");
    QCOMPARE(gpt2.modelType(), std::string("BPE"));
    QCOMPARE(gpt2.isByteLevel(), true);
    QCOMPARE(gpt2.vocabSize(), 50257);
    QCOMPARE(gpt2.unkTokenId(), std::optional<int>());
    QCOMPARE(gpt2.tokenToId("<|endoftext|>"), std::optional<int>(50256));
    QCOMPARE(gpt2.tokenToId("\xC4\xA0the"), std::optional<int>(262)); // "Ġthe"
    QCOMPARE(gpt2.idToToken(50256), std::optional<std::string>("<|endoftext|>"));

    // Added tokens outside the vocabulary take the ids after it, whatever the file says.
    const Tokenizer& roberta = referenceTokenizer("roberta");
    QCOMPARE(roberta.vocabSize(), 50262);
    QCOMPARE(roberta.tokenToId("<s>"), std::optional<int>(50257));
    QCOMPARE(roberta.tokenToId("<mask>"), std::optional<int>(50261));
    QCOMPARE(roberta.idToToken(50258), std::optional<std::string>("</s>"));

    const Tokenizer& suffixBpe = referenceTokenizer("bpe-word-suffix");
    QCOMPARE(suffixBpe.unkTokenId(), std::optional<int>(0));
}

void TestTokenizer::displayStrings_data() {
    QTest::addColumn<QString>("tokenizer");
    QTest::addColumn<QString>("text");
    QTest::addColumn<QStringList>("display");
    QTest::newRow("gpt2_space_and_newline") << "gpt2"
                                            << "Hello world\n"
                                            << QStringList{"Hello", "\u2423world", "\u21B5"};
    QTest::newRow("gpt2_accented_letter_whole") << "gpt2"
                                                << "caf\u00e9" << QStringList{"c", "af", "\u00e9"};
    QTest::newRow("gpt2_emoji_split_into_bytes")
        << "gpt2"
        << "\U0001F600" << QStringList{"<0xF0><0x9F><0x98>", "<0x80>"};
    QTest::newRow("gpt2_tab_and_special")
        << "gpt2"
        << "\tx<|endoftext|>" << QStringList{"\u21E5", "x", "<|endoftext|>"};
    QTest::newRow("roberta_specials_as_tokens") << "roberta"
                                                << "hi" << QStringList{"<s>", "hi", "</s>"};
    QTest::newRow("bert_continuation_prefix_kept")
        << "bert-base-uncased"
        << "playing xqz" << QStringList{"[CLS]", "playing", "x", "##q", "##z", "[SEP]"};
}

void TestTokenizer::displayStrings() {
    QFETCH(QString, tokenizer);
    QFETCH(QString, text);
    QFETCH(QStringList, display);
    const Encoding e = referenceTokenizer(tokenizer).encode(text.toStdString());
    QStringList shown;
    for (const std::string& d : e.display) {
        shown << QString::fromStdString(d);
    }
    QCOMPARE(shown, display);
    QCOMPARE(e.display.size(), e.ids.size());
}

void TestTokenizer::invalidUtf8CountsAsReplacementCharacters() {
    // "\xFF" and the truncated "\xE2\x82" are one U+FFFD each, so "ok" starts at code point 3.
    const Encoding e = referenceTokenizer("gpt2").encode(std::string("\xFF\xE2\x82 ok"), false);
    QVERIFY(!e.tokens.empty());
    QCOMPARE(e.tokens.back(), std::string("\xC4\xA0ok")); // "Ġok"
    QCOMPARE(e.offsets.back(), std::make_pair(2, 5));
    const Encoding w = referenceTokenizer("bert-base-uncased").encode("\xFF ok", false);
    QCOMPARE(w.tokens, (std::vector<std::string>{"ok"})); // U+FFFD is removed by clean_text
    QCOMPARE(w.offsets.front(), std::make_pair(2, 4));
}

void TestTokenizer::folderPrefersTokenizerJson() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    writeFile(dir.filePath("tokenizer.json"), tokenizerJsonWith(kTinyWordPiece));
    writeFile(dir.filePath("vocab.txt"), "[UNK]\nzzz\n");
    const Tokenizer t = Tokenizer::fromFolder(dir.path().toStdString());
    QCOMPARE(t.tokenToId("##b"), std::optional<int>(4));
    QCOMPARE(t.encode("ab").tokens, (std::vector<std::string>{"a", "##b"}));
}

void TestTokenizer::rejectsMalformedTokenizerJson_data() {
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("message");
    const auto withModel = [](const char* model, const char* rest = "") {
        return tokenizerJsonWith(model, rest);
    };
    QTest::newRow("not_json") << QByteArray("{\"model\": ") << "not valid JSON";
    QTest::newRow("top_level_array")
        << QByteArray("[1, 2]") << "expected a JSON object at the top level";
    QTest::newRow("model_missing")
        << QByteArray("{\"version\": \"1.0\"}") << "t.json: model: missing";
    QTest::newRow("model_not_object")
        << withModel("\"WordPiece\"") << "model: expected an object, found a string";
    QTest::newRow("model_unknown_type")
        << withModel(R"({"type":"Unigram","vocab":[]})")
        << "model.type: unsupported model 'Unigram' (supported: WordPiece, BPE)";
    QTest::newRow("model_untyped_unrecognisable")
        << withModel(R"({"vocab":{}})") << "missing model type";
    QTest::newRow("vocab_not_object") << withModel(R"({"type":"WordPiece","vocab":["a","b"]})")
                                      << "model.vocab: expected an object mapping tokens to ids";
    QTest::newRow("vocab_missing")
        << withModel(R"({"type":"WordPiece"})") << "model.vocab: missing";
    QTest::newRow("vocab_id_negative") << withModel(R"({"type":"WordPiece","vocab":{"a":-1}})")
                                       << "model.vocab.\"a\": expected a non-negative integer";
    QTest::newRow("vocab_id_fraction")
        << withModel(R"({"type":"BPE","vocab":{"a":1.5},"merges":[]})")
        << "expected a non-negative integer";
    QTest::newRow("vocab_id_string")
        << withModel(R"({"type":"WordPiece","vocab":{"a":"1"}})") << "found a string";
    QTest::newRow("wordpiece_prefix_not_string")
        << withModel(R"({"type":"WordPiece","vocab":{},"continuing_subword_prefix":3})")
        << "model.continuing_subword_prefix: expected a string, found a number";
    QTest::newRow("wordpiece_max_chars_negative")
        << withModel(R"({"type":"WordPiece","vocab":{},"max_input_chars_per_word":-5})")
        << "model.max_input_chars_per_word: expected a non-negative integer";
    QTest::newRow("merges_missing")
        << withModel(R"({"type":"BPE","vocab":{}})") << "model.merges: missing";
    QTest::newRow("merges_not_array") << withModel(R"({"type":"BPE","vocab":{},"merges":"a b"})")
                                      << "model.merges: expected an array";
    QTest::newRow("merge_unknown_left")
        << withModel(R"({"type":"BPE","vocab":{"a":0,"b":1,"ab":2},"merges":["zz b"]})")
        << "model.merges[0]: merge token 'zz' is not in the vocabulary";
    QTest::newRow("merge_unknown_right_pair")
        << withModel(R"({"type":"BPE","vocab":{"a":0,"b":1,"ab":2},"merges":["a b",["a","q"]]})")
        << "model.merges[1]: merge token 'q' is not in the vocabulary";
    QTest::newRow("merge_result_not_in_vocab")
        << withModel(R"({"type":"BPE","vocab":{"a":0,"b":1},"merges":["a b"]})")
        << "model.merges[0]: merge token 'ab' is not in the vocabulary";
    QTest::newRow("merge_without_space")
        << withModel(R"({"type":"BPE","vocab":{"a":0},"merges":["ab"]})")
        << "model.merges[0]: expected two tokens separated by one space";
    QTest::newRow("merge_three_parts")
        << withModel(R"({"type":"BPE","vocab":{"a":0},"merges":["a b c"]})")
        << "expected two tokens separated by one space";
    QTest::newRow("merge_pair_too_long")
        << withModel(R"({"type":"BPE","vocab":{"a":0},"merges":[["a","a","a"]]})")
        << "model.merges[0]: expected a merge as";
    QTest::newRow("merge_pair_not_strings")
        << withModel(R"({"type":"BPE","vocab":{"a":0},"merges":[[1,2]]})")
        << "model.merges[0][0]: expected a string";
    QTest::newRow("bpe_byte_fallback")
        << withModel(R"({"type":"BPE","vocab":{},"merges":[],"byte_fallback":true})")
        << "model.byte_fallback: byte_fallback BPE (Llama-style) is not supported";
    QTest::newRow("bpe_dropout_out_of_range")
        << withModel(R"({"type":"BPE","vocab":{},"merges":[],"dropout":2})")
        << "model.dropout: expected null or a number between 0 and 1";
    QTest::newRow("normalizer_unknown")
        << withModel(kTinyWordPiece, R"("normalizer":{"type":"Nmt"},)")
        << "normalizer.type: unsupported normalizer 'Nmt' (supported: BertNormalizer, NFD, NFKD, "
           "NFC, NFKC, Lowercase, StripAccents, Strip, Replace, Prepend, Sequence)";
    QTest::newRow("normalizer_without_type")
        << withModel(kTinyWordPiece, R"("normalizer":{"lowercase":true},)")
        << "normalizer.type: missing";
    QTest::newRow("normalizer_not_object")
        << withModel(kTinyWordPiece, R"("normalizer":"NFC",)") << "normalizer: expected an object";
    QTest::newRow("bert_normalizer_flag_not_bool")
        << withModel(kTinyWordPiece, R"("normalizer":{"type":"BertNormalizer","lowercase":"yes"},)")
        << "normalizer.lowercase: expected true or false, found a string";
    QTest::newRow("normalizer_sequence_inner_unknown")
        << withModel(
               kTinyWordPiece,
               R"("normalizer":{"type":"Sequence","normalizers":[{"type":"NFC"},{"type":"Precompiled"}]},)")
        << "normalizer.normalizers[1].type: unsupported normalizer 'Precompiled'";
    QTest::newRow("normalizer_sequence_not_array")
        << withModel(kTinyWordPiece, R"("normalizer":{"type":"Sequence","normalizers":{}},)")
        << "normalizer.normalizers: expected an array, found an object";
    QTest::newRow("replace_pattern_unknown_kind")
        << withModel(kTinyWordPiece,
                     R"("normalizer":{"type":"Replace","pattern":{"Glob":"*"},"content":""},)")
        << "normalizer.pattern: expected {\"String\": ...} or {\"Regex\": ...}";
    QTest::newRow("replace_bad_regex")
        << withModel(kTinyWordPiece,
                     R"("normalizer":{"type":"Replace","pattern":{"Regex":"(a"},"content":""},)")
        << "normalizer.pattern.Regex: regex '(a' does not compile";
    QTest::newRow("replace_content_missing")
        << withModel(kTinyWordPiece, R"("normalizer":{"type":"Replace","pattern":{"String":"a"}},)")
        << "normalizer.content: missing";
    QTest::newRow("pretokenizer_unknown")
        << withModel(kTinyWordPiece, R"("pre_tokenizer":{"type":"Metaspace"},)")
        << "pre_tokenizer.type: unsupported pre-tokenizer 'Metaspace' (supported: "
           "BertPreTokenizer, "
           "ByteLevel, Whitespace, WhitespaceSplit, Split, Sequence)";
    QTest::newRow("pretokenizer_sequence_inner_unknown")
        << withModel(kTinyWordPiece,
                     R"("pre_tokenizer":{"type":"Sequence","pretokenizers":[{"type":"Digits"}]},)")
        << "pre_tokenizer.pretokenizers[0].type: unsupported pre-tokenizer 'Digits'";
    QTest::newRow("split_unknown_behavior")
        << withModel(
               kTinyWordPiece,
               R"("pre_tokenizer":{"type":"Split","pattern":{"String":" "},"behavior":"Dropped"},)")
        << "pre_tokenizer.behavior: unknown behavior 'Dropped'";
    QTest::newRow("split_bad_regex")
        << withModel(
               kTinyWordPiece,
               R"("pre_tokenizer":{"type":"Split","pattern":{"Regex":"[a-"},"behavior":"Isolated"},)")
        << "pre_tokenizer.pattern.Regex: regex '[a-' does not compile";
    QTest::newRow("split_invert_not_bool")
        << withModel(
               kTinyWordPiece,
               R"("pre_tokenizer":{"type":"Split","pattern":{"String":" "},"behavior":"Isolated","invert":1},)")
        << "pre_tokenizer.invert: expected true or false";
    QTest::newRow("bytelevel_prefix_not_bool")
        << withModel(kTinyBpe, R"("pre_tokenizer":{"type":"ByteLevel","add_prefix_space":"no"},)")
        << "pre_tokenizer.add_prefix_space: expected true or false";
    QTest::newRow("postprocessor_unknown")
        << withModel(kTinyWordPiece, R"("post_processor":{"type":"BertPostProcessor"},)")
        << "post_processor.type: unsupported post-processor 'BertPostProcessor' (supported: "
           "TemplateProcessing, BertProcessing, RobertaProcessing, ByteLevel, Sequence)";
    QTest::newRow("bert_processing_sep_not_pair")
        << withModel(
               kTinyWordPiece,
               R"("post_processor":{"type":"BertProcessing","sep":"[SEP]","cls":["[CLS]",1]},)")
        << "post_processor.sep: expected an array, found a string";
    QTest::newRow("bert_processing_cls_wrong_length")
        << withModel(
               kTinyWordPiece,
               R"("post_processor":{"type":"BertProcessing","sep":["[SEP]",2],"cls":["[CLS]"]},)")
        << "post_processor.cls: expected [token, id]";
    QTest::newRow("roberta_processing_id_not_int")
        << withModel(
               kTinyWordPiece,
               R"("post_processor":{"type":"RobertaProcessing","sep":["</s>","2"],"cls":["<s>",0]},)")
        << "post_processor.sep[1]: expected a non-negative integer, found a string";
    QTest::newRow("template_undefined_special")
        << withModel(
               kTinyWordPiece,
               R"("post_processor":{"type":"TemplateProcessing","single":[{"SpecialToken":{"id":"[CLS]","type_id":0}},{"Sequence":{"id":"A","type_id":0}}],"special_tokens":{}},)")
        << "post_processor.single[0]: special token '[CLS]' is not defined in special_tokens";
    QTest::newRow("template_ids_tokens_mismatch")
        << withModel(
               kTinyWordPiece,
               R"("post_processor":{"type":"TemplateProcessing","single":[],"special_tokens":{"[CLS]":{"id":"[CLS]","ids":[1,2],"tokens":["[CLS]"]}}},)")
        << "post_processor.special_tokens.[CLS]: ids and tokens must have the same length";
    QTest::newRow("template_bad_piece")
        << withModel(
               kTinyWordPiece,
               R"("post_processor":{"type":"TemplateProcessing","single":[{"Word":{}}],"special_tokens":{}},)")
        << "post_processor.single[0]: expected {\"Sequence\": ...} or {\"SpecialToken\": ...}";
    QTest::newRow("template_bad_sequence_id")
        << withModel(
               kTinyWordPiece,
               R"("post_processor":{"type":"TemplateProcessing","single":[{"Sequence":{"id":"C"}}],"special_tokens":{}},)")
        << "post_processor.single[0].Sequence.id: expected \"A\" or \"B\", found 'C'";
    QTest::newRow("template_single_missing")
        << withModel(kTinyWordPiece, R"("post_processor":{"type":"TemplateProcessing"},)")
        << "post_processor.single: missing";
    QTest::newRow("added_tokens_not_array")
        << withModel(kTinyWordPiece, R"("added_tokens":{"content":"[CLS]"},)")
        << "added_tokens: expected an array, found an object";
    QTest::newRow("added_token_without_content")
        << withModel(kTinyWordPiece, R"("added_tokens":[{"id":1,"special":true}],)")
        << "added_tokens[0].content: missing";
    QTest::newRow("added_token_flag_not_bool")
        << withModel(kTinyWordPiece,
                     R"("added_tokens":[{"id":1,"content":"[CLS]","lstrip":"yes"}],)")
        << "added_tokens[0].lstrip: expected true or false";
    QTest::newRow("added_token_bad_id")
        << withModel(kTinyWordPiece, R"("added_tokens":[{"id":"one","content":"[CLS]"}],)")
        << "added_tokens[0].id: expected a non-negative integer";
}

void TestTokenizer::rejectsMalformedTokenizerJson() {
    QFETCH(QByteArray, json);
    QFETCH(QString, message);
    try {
        Tokenizer::fromTokenizerJsonText(json.toStdString(), "t.json");
        QFAIL("no error");
    } catch (const Error& e) {
        const QString what = QString::fromStdString(e.what());
        QVERIFY2(what.startsWith("t.json: "), qPrintable(what));
        QVERIFY2(what.contains(message), qPrintable(what));
        QVERIFY2(!what.contains('\n'), qPrintable(what));
    }
}

void TestTokenizer::rejectsMalformedFolders_data() {
    QTest::addColumn<QStringList>("files"); // name, content, name, content, ...
    QTest::addColumn<QString>("message");
    QTest::newRow("empty_folder") << QStringList{}
                                  << "no tokenizer.json, vocab.txt, or vocab.json with merges.txt";
    QTest::newRow("vocab_json_without_merges")
        << QStringList{"vocab.json", "{}"}
        << "no tokenizer.json, vocab.txt, or vocab.json with merges.txt";
    QTest::newRow("tokenizer_json_broken")
        << QStringList{"tokenizer.json", "{\"model\": [}"} << "tokenizer.json: not valid JSON";
    QTest::newRow("vocab_txt_without_cls")
        << QStringList{"vocab.txt", "[PAD]\n[UNK]\n[SEP]\nhello\n"}
        << "vocab.txt: has no '[CLS]' (the cls_token)";
    QTest::newRow("vocab_txt_custom_sep_missing")
        << QStringList{"vocab.txt", "[UNK]\n[CLS]\n[SEP]\n", "tokenizer_config.json",
                       R"({"sep_token": "<sep>"})"}
        << "vocab.txt: has no '<sep>' (the sep_token)";
    QTest::newRow("tokenizer_config_flag_not_bool")
        << QStringList{"vocab.txt", "[UNK]\n[CLS]\n[SEP]\n", "tokenizer_config.json",
                       R"({"do_lower_case": "no"})"}
        << "tokenizer_config.json: do_lower_case: expected true or false, found a string";
    QTest::newRow("tokenizer_config_not_json")
        << QStringList{"vocab.txt", "[UNK]\n[CLS]\n[SEP]\n", "tokenizer_config.json",
                       "do_lower_case=1"}
        << "tokenizer_config.json: not valid JSON";
    QTest::newRow("tokenizer_config_token_object_without_content")
        << QStringList{"vocab.txt", "[UNK]\n[CLS]\n[SEP]\n", "tokenizer_config.json",
                       R"({"unk_token": {"lstrip": false}})"}
        << "tokenizer_config.json: unk_token.content: missing";
    QTest::newRow("vocab_json_not_object")
        << QStringList{"vocab.json", "[\"a\"]", "merges.txt", "#version: 0.2\n"}
        << "vocab.json: expected a JSON object at the top level";
    QTest::newRow("vocab_json_id_not_int")
        << QStringList{"vocab.json", R"({"a": "0"})", "merges.txt", ""}
        << "vocab.json: \"a\": expected a non-negative integer";
    QTest::newRow("merges_txt_unknown_token")
        << QStringList{"vocab.json", R"({"a": 0, "b": 1, "ab": 2})", "merges.txt",
                       "#version: 0.2\na b\na c\n"}
        << "merges.txt: line 3: 'c' is not in vocab.json";
    QTest::newRow("merges_txt_malformed_line")
        << QStringList{"vocab.json", R"({"a": 0, "b": 1, "ab": 2})", "merges.txt",
                       "#version: 0.2\nab\n"}
        << "merges.txt: line 2: expected two tokens separated by one space";
    QTest::newRow("merges_txt_result_not_in_vocab")
        << QStringList{"vocab.json", R"({"a": 0, "b": 1})", "merges.txt", "a b\n"}
        << "model.merges[0]: merge token 'ab' is not in the vocabulary";
    QTest::newRow("config_model_type_not_string")
        << QStringList{"vocab.json", R"({"a": 0})", "merges.txt",
                       "",           "config.json", R"({"model_type": 7})"}
        << "config.json: model_type: expected a string, found a number";
}

void TestTokenizer::rejectsMalformedFolders() {
    QFETCH(QStringList, files);
    QFETCH(QString, message);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    for (qsizetype i = 0; i + 1 < files.size(); i += 2) {
        writeFile(dir.filePath(files[i]), files[i + 1].toUtf8());
    }
    try {
        Tokenizer::fromFolder(dir.path().toStdString());
        QFAIL("no error");
    } catch (const Error& e) {
        const QString what = QString::fromStdString(e.what());
        QVERIFY2(what.contains(message), qPrintable(what));
        QVERIFY2(!what.contains('\n'), qPrintable(what));
    }
}

void TestTokenizer::missingUnknownTokenIsAnErrorWhenNeeded() {
    // Loading works and known words encode; only a word that needs the unknown token fails.
    const Tokenizer wordPiece = Tokenizer::fromTokenizerJsonText(
        tokenizerJsonWith(R"({"type":"WordPiece","unk_token":"<oov>","vocab":{"a":0}})",
                          R"("pre_tokenizer":{"type":"WhitespaceSplit"},)")
            .toStdString(),
        "wp.json");
    QCOMPARE(wordPiece.unkTokenId(), std::optional<int>());
    QCOMPARE(wordPiece.encode("a a").ids, (std::vector<int>{0, 0}));
    QVERIFY_THROWS_EXCEPTION(Error, wordPiece.encode("a b"));
    const Tokenizer bpe = Tokenizer::fromTokenizerJsonText(
        tokenizerJsonWith(R"({"type":"BPE","unk_token":"<oov>","vocab":{"a":0},"merges":[]})")
            .toStdString(),
        "bpe.json");
    QCOMPARE(bpe.encode("aa").ids, (std::vector<int>{0, 0}));
    QVERIFY_THROWS_EXCEPTION(Error, bpe.encode("ab"));
    // Neither a missing file nor a missing folder crashes.
    QVERIFY_THROWS_EXCEPTION(Error, Tokenizer::fromTokenizerJson("/nonexistent/tokenizer.json"));
    QVERIFY_THROWS_EXCEPTION(Error, Tokenizer::fromFolder("/nonexistent/model"));
}

void TestTokenizer::mutatedFilesOnlyEverThrowError() {
    // Deterministic byte mutations of a small complete tokenizer.json: each either loads and
    // encodes or throws attnscope::Error; anything else (or a sanitizer report) fails the test.
    const QByteArray original = readAll(dataRoot() + "/bpe-word-suffix/tokenizer.json");
    std::mt19937 rng(12345);
    const char replacements[] = "{}[]\",:0-9 aZ\\";
    int loaded = 0;
    for (int round = 0; round < 400; ++round) {
        QByteArray bytes = original;
        const int edits = 1 + static_cast<int>(rng() % 3);
        for (int k = 0; k < edits; ++k) {
            const auto at = static_cast<qsizetype>(rng() % static_cast<unsigned>(bytes.size()));
            switch (rng() % 3) {
            case 0:
                bytes[at] = replacements[rng() % (sizeof replacements - 1)];
                break;
            case 1:
                bytes.remove(at, 1 + static_cast<qsizetype>(rng() % 8));
                break;
            default:
                bytes.insert(at, replacements[rng() % (sizeof replacements - 1)]);
                break;
            }
        }
        try {
            const Tokenizer t =
                Tokenizer::fromTokenizerJsonText(bytes.toStdString(), "mutated.json");
            t.encode("Hello, world! 123 caf\u00e9 \xF0\x9F\x98\x80");
            ++loaded;
        } catch (const Error&) {
        }
    }
    QVERIFY(loaded > 0); // some mutations keep the file valid, so encoding ran on odd settings too
}

QTEST_GUILESS_MAIN(TestTokenizer)
#include "test_tokenizer.moc"
