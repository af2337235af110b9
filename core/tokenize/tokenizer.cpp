#include "core/tokenize/tokenizer.h"

#include "core/base/error.h"
#include "core/tokenize/addedvocabulary.h"
#include "core/tokenize/bpe.h"
#include "core/tokenize/bytelevel.h"
#include "core/tokenize/jsonreader.h"
#include "core/tokenize/normalizers.h"
#include "core/tokenize/postprocessors.h"
#include "core/tokenize/pretokenizers.h"
#include "core/tokenize/unicode.h"
#include "core/tokenize/wordpiece.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <algorithm>
#include <cstdio>
#include <unordered_map>

namespace attnscope {

struct Tokenizer::Impl {
    std::shared_ptr<const Normalizer> normalizer;
    std::shared_ptr<const PreTokenizer> preTokenizer;
    std::shared_ptr<const Model> model;
    std::shared_ptr<const PostProcessor> postProcessor;
    AddedVocabulary added;
};

namespace {

std::shared_ptr<const Model> modelFromJson(const QJsonValue& value, const json::Where& where) {
    const QJsonObject object = json::object(value, where);
    std::string type;
    if (object.contains(QLatin1String("type"))) {
        type = json::typeTag(object, where);
    } else if (object.contains(QLatin1String("merges"))) {
        type = "BPE"; // files from before components were tagged
    } else if (object.contains(QLatin1String("max_input_chars_per_word"))) {
        type = "WordPiece";
    }
    if (type == "WordPiece") {
        return WordPieceModel::fromJson(object, where);
    }
    if (type == "BPE") {
        return BpeModel::fromJson(object, where);
    }
    json::fail(where / "type", (type.empty() ? std::string("missing model type")
                                             : "unsupported model '" + type + "'") +
                                   " (supported: WordPiece, BPE)");
}

std::string pathIn(const std::string& dir, const char* name) {
    return QDir(QString::fromStdString(dir)).filePath(QLatin1String(name)).toStdString();
}

bool fileExists(const std::string& path) {
    return QFileInfo(QString::fromStdString(path)).isFile();
}

// A configuration file of the folder, or an empty object if it is not there.
QJsonObject optionalConfig(const std::string& dir, const char* name) {
    const std::string path = pathIn(dir, name);
    if (!fileExists(path)) {
        return {};
    }
    return json::parseObject(json::readFile(path), path);
}

// A special token setting of tokenizer_config.json: a string, or an AddedToken object.
std::string configToken(const QJsonObject& config, const char* key, const std::string& fallback,
                        const json::Where& where) {
    const QJsonValue value = config.value(QLatin1String(key));
    if (value.isUndefined() || value.isNull()) {
        return fallback;
    }
    if (value.isObject()) {
        return json::string(json::required(value.toObject(), "content", where / key),
                            where / key / "content");
    }
    return json::string(value, where / key);
}

QJsonObject addedTokenJson(const std::string& content, bool normalized, bool lstrip = false) {
    return QJsonObject{{"content", QString::fromStdString(content)},
                       {"single_word", false},
                       {"lstrip", lstrip},
                       {"rstrip", false},
                       {"normalized", normalized},
                       {"special", true}};
}

QJsonArray tokenPairJson(const std::string& token, int id) {
    return QJsonArray{QString::fromStdString(token), id};
}

void appendJsonString(std::string& out, const std::string& s) {
    out += '"';
    for (char c : s) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (static_cast<unsigned char>(c) < 0x20) {
            char escaped[8];
            std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned>(c));
            out += escaped;
        } else {
            out += c;
        }
    }
    out += '"';
}

std::vector<std::string> splitLines(const QByteArray& bytes) {
    std::vector<std::string> lines;
    std::string line;
    for (char c : bytes) {
        if (c == '\n') {
            lines.push_back(line);
            line.clear();
        } else {
            line.push_back(c);
        }
    }
    if (!line.empty()) {
        lines.push_back(line);
    }
    return lines;
}

// The tokenizer.json that transformers' BertConverter makes of a BERT vocab.txt.
QJsonObject wordPieceFolderJson(const std::string& dir) {
    const std::string vocabPath = pathIn(dir, "vocab.txt");
    const std::string configPath = pathIn(dir, "tokenizer_config.json");
    const QJsonObject config = optionalConfig(dir, "tokenizer_config.json");
    const json::Where where{configPath, {}};

    // BertTokenizer's load_vocab: one token per line, the line number is the id, a later duplicate
    // wins. The object is built as JSON text: inserting 30,000 keys into a QJsonObject one by one
    // takes quadratic time.
    const std::vector<std::string> lines = splitLines(json::readFile(vocabPath));
    std::unordered_map<std::string, int> ids;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        if (!unicode::isValidUtf8(lines[i])) {
            throw Error(vocabPath + ": line " + std::to_string(i + 1) + " is not valid UTF-8");
        }
        ids[lines[i]] = static_cast<int>(i);
    }
    std::string text = "{";
    for (const auto& [token, id] : ids) {
        if (text.size() > 1) {
            text += ',';
        }
        appendJsonString(text, token);
        text += ':' + std::to_string(id);
    }
    text += '}';
    const QJsonObject vocab = json::parseObject(QByteArray::fromStdString(text), vocabPath);
    const auto idOf = [&](const std::string& token, const char* setting) {
        const QJsonValue id = vocab.value(QString::fromStdString(token));
        if (!id.isDouble()) {
            throw Error(vocabPath + ": has no '" + token + "' (the " + setting + ")");
        }
        return id.toInt();
    };

    const std::string unk = configToken(config, "unk_token", "[UNK]", where);
    const std::string sep = configToken(config, "sep_token", "[SEP]", where);
    const std::string pad = configToken(config, "pad_token", "[PAD]", where);
    const std::string cls = configToken(config, "cls_token", "[CLS]", where);
    const std::string mask = configToken(config, "mask_token", "[MASK]", where);
    const bool lowercase = json::optionalBool(config, "do_lower_case", true, where);
    const bool chinese = json::optionalBool(config, "tokenize_chinese_chars", true, where);
    const std::optional<bool> stripAccents = json::optionalTriBool(config, "strip_accents", where);

    QJsonArray added;
    for (const std::string& token : {unk, sep, pad, cls, mask}) {
        added.append(addedTokenJson(token, false));
    }
    const auto piece = [](const char* kind, const std::string& id) {
        return QJsonObject{{kind, QJsonObject{{"id", QString::fromStdString(id)}, {"type_id", 0}}}};
    };
    const auto special = [](const std::string& token, int id) {
        return QJsonObject{{"id", QString::fromStdString(token)},
                           {"ids", QJsonArray{id}},
                           {"tokens", QJsonArray{QString::fromStdString(token)}}};
    };
    QJsonObject root;
    root.insert("added_tokens", added);
    root.insert("normalizer", QJsonObject{{"type", "BertNormalizer"},
                                          {"clean_text", true},
                                          {"handle_chinese_chars", chinese},
                                          {"strip_accents",
                                           stripAccents ? QJsonValue(*stripAccents) : QJsonValue()},
                                          {"lowercase", lowercase}});
    root.insert("pre_tokenizer", QJsonObject{{"type", "BertPreTokenizer"}});
    root.insert(
        "post_processor",
        QJsonObject{
            {"type", "TemplateProcessing"},
            {"single", QJsonArray{piece("SpecialToken", cls), piece("Sequence", "A"),
                                  piece("SpecialToken", sep)}},
            {"special_tokens",
             QJsonObject{{QString::fromStdString(cls), special(cls, idOf(cls, "cls_token"))},
                         {QString::fromStdString(sep), special(sep, idOf(sep, "sep_token"))}}}});
    root.insert("model", QJsonObject{{"type", "WordPiece"},
                                     {"unk_token", QString::fromStdString(unk)},
                                     {"continuing_subword_prefix", "##"},
                                     {"max_input_chars_per_word", 100},
                                     {"vocab", vocab}});
    return root;
}

// The tokenizer.json that transformers' GPT2Converter / RobertaConverter make of vocab.json and
// merges.txt.
QJsonObject byteLevelFolderJson(const std::string& dir, std::string modelType) {
    const std::string vocabPath = pathIn(dir, "vocab.json");
    const std::string mergesPath = pathIn(dir, "merges.txt");
    const std::string configPath = pathIn(dir, "tokenizer_config.json");
    const QJsonObject config = optionalConfig(dir, "tokenizer_config.json");
    const json::Where where{configPath, {}};
    if (modelType.empty()) {
        const std::string modelConfigPath = pathIn(dir, "config.json");
        const QJsonObject modelConfig = optionalConfig(dir, "config.json");
        modelType =
            json::optionalString(modelConfig, "model_type", json::Where{modelConfigPath, {}})
                .value_or("gpt2");
    }
    const bool roberta = modelType == "roberta";

    const QJsonObject vocab = json::parseObject(json::readFile(vocabPath), vocabPath);
    for (auto it = vocab.begin(); it != vocab.end(); ++it) {
        json::integer(it.value(), json::Where{vocabPath, "\"" + it.key().toStdString() + "\""});
    }
    QJsonArray merges;
    const std::vector<std::string> lines = splitLines(json::readFile(mergesPath));
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const std::string& line = lines[i];
        if (line.empty() || line.rfind("#version", 0) == 0) {
            continue;
        }
        const std::string at = mergesPath + ": line " + std::to_string(i + 1);
        const std::size_t space = line.find(' ');
        if (space == std::string::npos || line.find(' ', space + 1) != std::string::npos ||
            !unicode::isValidUtf8(line)) {
            throw Error(at + ": expected two tokens separated by one space");
        }
        for (const std::string& part : {line.substr(0, space), line.substr(space + 1)}) {
            if (!vocab.contains(QString::fromStdString(part))) {
                throw Error(at + ": '" += part + "' is not in vocab.json");
            }
        }
        merges.append(QString::fromStdString(line));
    }

    const bool addPrefixSpace = json::optionalBool(config, "add_prefix_space", false, where);
    QJsonArray added;
    QJsonObject root;
    if (roberta) {
        // RobertaTokenizer's special tokens, in transformers' order (bos, eos, unk, sep, pad, cls,
        // mask); those missing from vocab.json get the ids after it.
        const std::string bos = configToken(config, "bos_token", "<s>", where);
        const std::string eos = configToken(config, "eos_token", "</s>", where);
        const std::string unk = configToken(config, "unk_token", "<unk>", where);
        const std::string sep = configToken(config, "sep_token", "</s>", where);
        const std::string pad = configToken(config, "pad_token", "<pad>", where);
        const std::string cls = configToken(config, "cls_token", "<s>", where);
        const std::string mask = configToken(config, "mask_token", "<mask>", where);
        std::vector<std::string> order;
        for (const std::string& token : {bos, eos, unk, sep, pad, cls, mask}) {
            if (std::find(order.begin(), order.end(), token) == order.end()) {
                order.push_back(token);
            }
        }
        for (const std::string& token : order) {
            added.append(addedTokenJson(token, token != mask, token == mask));
        }
        // Ids as AddedVocabulary will give them: from vocab.json, else after it.
        int next = static_cast<int>(vocab.size());
        const auto idOf = [&](const std::string& token) {
            if (vocab.contains(QString::fromStdString(token))) {
                return vocab.value(QString::fromStdString(token)).toInt();
            }
            int id = next;
            for (const std::string& t : order) {
                if (t == token) {
                    return id;
                }
                if (!vocab.contains(QString::fromStdString(t))) {
                    ++id;
                }
            }
            return id;
        };
        root.insert("post_processor", QJsonObject{{"type", "RobertaProcessing"},
                                                  {"sep", tokenPairJson(sep, idOf(sep))},
                                                  {"cls", tokenPairJson(cls, idOf(cls))},
                                                  {"trim_offsets", true},
                                                  {"add_prefix_space", addPrefixSpace}});
    } else {
        std::vector<std::string> order;
        for (const char* key : {"bos_token", "eos_token", "unk_token"}) {
            const std::string token = configToken(config, key, "<|endoftext|>", where);
            if (std::find(order.begin(), order.end(), token) == order.end()) {
                order.push_back(token);
            }
        }
        for (const std::string& token : order) {
            added.append(addedTokenJson(token, true));
        }
        root.insert("post_processor", QJsonObject{{"type", "ByteLevel"},
                                                  {"add_prefix_space", true},
                                                  {"trim_offsets", false},
                                                  {"use_regex", true}});
    }
    root.insert("added_tokens", added);
    root.insert("pre_tokenizer", QJsonObject{{"type", "ByteLevel"},
                                             {"add_prefix_space", addPrefixSpace},
                                             {"trim_offsets", true},
                                             {"use_regex", true}});
    root.insert("model", QJsonObject{{"type", "BPE"},
                                     {"unk_token", QJsonValue()},
                                     {"continuing_subword_prefix", ""},
                                     {"end_of_word_suffix", ""},
                                     {"fuse_unk", false},
                                     {"vocab", vocab},
                                     {"merges", merges}});
    return root;
}

} // namespace

Tokenizer::Tokenizer(std::shared_ptr<const Impl> impl)
    : m_impl(std::move(impl)) {}

Tokenizer Tokenizer::fromTokenizerJsonText(const std::string& json, const std::string& origin) {
    return fromJsonObject(json::parseObject(QByteArray::fromStdString(json), origin), origin);
}

Tokenizer Tokenizer::fromJsonObject(const QJsonObject& root, const std::string& origin) {
    const json::Where where{origin, {}};
    auto impl = std::make_shared<Impl>();
    impl->model = modelFromJson(json::required(root, "model", where), where / "model");
    impl->normalizer =
        Normalizer::fromJson(root.value(QLatin1String("normalizer")), where / "normalizer");
    impl->preTokenizer =
        PreTokenizer::fromJson(root.value(QLatin1String("pre_tokenizer")), where / "pre_tokenizer");
    impl->postProcessor = PostProcessor::fromJson(root.value(QLatin1String("post_processor")),
                                                  where / "post_processor");
    impl->added.load(root.value(QLatin1String("added_tokens")), where / "added_tokens",
                     *impl->model, impl->normalizer.get());
    return Tokenizer(std::move(impl));
}

Tokenizer Tokenizer::fromTokenizerJson(const std::string& path) {
    return fromTokenizerJsonText(json::readFile(path).toStdString(), path);
}

Tokenizer Tokenizer::fromFolder(const std::string& dir, const std::string& modelTypeHint) {
    if (!QFileInfo(QString::fromStdString(dir)).isDir()) {
        throw Error(dir + ": not a folder");
    }
    const std::string tokenizerJson = pathIn(dir, "tokenizer.json");
    if (fileExists(tokenizerJson)) {
        return fromTokenizerJson(tokenizerJson);
    }
    QJsonObject root;
    if (fileExists(pathIn(dir, "vocab.txt"))) {
        root = wordPieceFolderJson(dir);
    } else if (fileExists(pathIn(dir, "vocab.json")) && fileExists(pathIn(dir, "merges.txt"))) {
        root = byteLevelFolderJson(dir, modelTypeHint);
    } else {
        throw Error(dir + ": no tokenizer.json, vocab.txt, or vocab.json with merges.txt");
    }
    return fromJsonObject(root, dir + " (as tokenizer.json)");
}

Encoding Tokenizer::encode(const std::string& utf8Text, bool addSpecialTokens) const {
    const Impl& impl = *m_impl;
    const NormalizedString whole(unicode::decodeUtf8(utf8Text), 0);

    // Added tokens come out first: the raw-text ones, then, in each normalized remaining piece,
    // the normalized ones.
    std::vector<AddedVocabulary::Piece> pieces;
    for (AddedVocabulary::Piece& piece : impl.added.split(whole, false)) {
        if (piece.id) {
            pieces.push_back(std::move(piece));
            continue;
        }
        if (impl.normalizer) {
            impl.normalizer->normalize(piece.text);
        }
        for (AddedVocabulary::Piece& sub : impl.added.split(piece.text, true)) {
            pieces.push_back(std::move(sub));
        }
    }

    RawEncoding raw;
    std::vector<NormalizedString> words;
    for (const AddedVocabulary::Piece& piece : pieces) {
        if (piece.text.empty()) {
            continue;
        }
        if (piece.id) {
            raw.push(*piece.id, unicode::encodeUtf8(piece.text.text()), piece.text.originalSpan(),
                     impl.added.isSpecial(*piece.id), false);
            continue;
        }
        words.assign(1, piece.text);
        if (impl.preTokenizer) {
            impl.preTokenizer->preTokenize(words);
        }
        for (const NormalizedString& word : words) {
            for (ModelToken& token : impl.model->tokenize(word.text())) {
                raw.push(token.id, std::move(token.value),
                         word.originalSpan(token.start, token.end), false, true);
            }
        }
    }
    if (impl.postProcessor) {
        impl.postProcessor->process(raw, addSpecialTokens);
    }

    Encoding out;
    out.ids = std::move(raw.ids);
    out.offsets = std::move(raw.offsets);
    out.special = std::move(raw.special);
    out.display.reserve(raw.tokens.size());
    const bool byteLevel = isByteLevel();
    for (std::size_t i = 0; i < raw.tokens.size(); ++i) {
        std::optional<std::string> shown;
        if (byteLevel && raw.fromModel[i]) {
            shown = bytelevel::display(raw.tokens[i]);
        }
        out.display.push_back(shown.value_or(raw.tokens[i]));
    }
    out.tokens = std::move(raw.tokens);
    return out;
}

std::optional<int> Tokenizer::tokenToId(const std::string& token) const {
    if (const auto id = m_impl->added.tokenToId(token)) {
        return id;
    }
    return m_impl->model->tokenToId(token);
}

std::optional<std::string> Tokenizer::idToToken(int id) const {
    if (auto token = m_impl->added.idToToken(id)) {
        return token;
    }
    return m_impl->model->idToToken(id);
}

std::optional<int> Tokenizer::unkTokenId() const {
    return m_impl->model->unkTokenId();
}

int Tokenizer::vocabSize() const {
    int extra = 0;
    // Added tokens that reuse a vocabulary entry do not grow it.
    for (int id = m_impl->model->vocabSize();; ++id) {
        if (!m_impl->added.idToToken(id)) {
            break;
        }
        ++extra;
    }
    return m_impl->model->vocabSize() + extra;
}

std::string Tokenizer::modelType() const {
    return std::string(m_impl->model->typeName());
}

bool Tokenizer::isByteLevel() const {
    return m_impl->preTokenizer && m_impl->preTokenizer->isByteLevel();
}

} // namespace attnscope
