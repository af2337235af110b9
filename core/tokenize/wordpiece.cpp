#include "core/tokenize/wordpiece.h"

#include "core/base/error.h"
#include "core/tokenize/unicode.h"

namespace attnscope {

void readVocab(const QJsonValue& value, const json::Where& where,
               std::unordered_map<std::string, int>& vocab) {
    if (!value.isObject()) {
        json::fail(where, "expected an object mapping tokens to ids");
    }
    const QJsonObject object = value.toObject();
    vocab.clear();
    vocab.reserve(static_cast<std::size_t>(object.size()));
    for (auto it = object.begin(); it != object.end(); ++it) {
        std::string token = it.key().toStdString();
        const QJsonValue id = it.value();
        const double d = id.toDouble();
        if (!id.isDouble() || d < 0 || d > 2147483647.0 ||
            static_cast<double>(static_cast<int>(d)) != d) {
            json::integer(id, where / ("\"" + token + "\"")); // throws, naming the entry
        }
        vocab[std::move(token)] = static_cast<int>(d);
    }
}

std::shared_ptr<const WordPieceModel> WordPieceModel::fromJson(const QJsonObject& object,
                                                               const json::Where& where) {
    auto model = std::make_shared<WordPieceModel>();
    readVocab(json::required(object, "vocab", where), where / "vocab", model->m_vocab);
    model->m_unkToken = json::optionalString(object, "unk_token", where).value_or("[UNK]");
    model->m_prefix =
        json::optionalString(object, "continuing_subword_prefix", where).value_or("##");
    model->m_maxInputChars = json::optionalInt(object, "max_input_chars_per_word", 100, where);
    model->m_origin = where.file + ": " + where.path;
    model->indexVocab();
    return model;
}

ModelToken WordPieceModel::unknown(int length) const {
    const auto id = unkTokenId();
    if (!id) {
        throw Error(m_origin + ": unk_token '" + *m_unkToken +
                    "' is needed for a word but is not in the vocabulary");
    }
    return {*id, *m_unkToken, 0, length};
}

std::vector<ModelToken> WordPieceModel::tokenize(const std::u32string& piece) const {
    const int n = static_cast<int>(piece.size());
    if (n > m_maxInputChars) {
        return {unknown(n)};
    }
    // UTF-8 once, with the byte offset of every code point, so candidates are plain substrings.
    std::string utf8;
    std::vector<std::size_t> byteAt;
    byteAt.reserve(piece.size() + 1);
    for (char32_t c : piece) {
        byteAt.push_back(utf8.size());
        unicode::appendUtf8(utf8, c);
    }
    byteAt.push_back(utf8.size());

    std::vector<ModelToken> tokens;
    std::string candidate;
    int start = 0;
    while (start < n) {
        int end = n;
        bool found = false;
        while (start < end) {
            candidate.clear();
            if (start > 0) {
                candidate = m_prefix;
            }
            candidate.append(utf8, byteAt[static_cast<std::size_t>(start)],
                             byteAt[static_cast<std::size_t>(end)] -
                                 byteAt[static_cast<std::size_t>(start)]);
            const auto it = m_vocab.find(candidate);
            if (it != m_vocab.end()) {
                tokens.push_back({it->second, candidate, start, end});
                found = true;
                break;
            }
            --end;
        }
        if (!found) {
            return {unknown(n)};
        }
        start = end;
    }
    return tokens;
}

} // namespace attnscope
