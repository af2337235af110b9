#pragma once

#include "core/tokenize/jsonreader.h"
#include "core/tokenize/normalizedstring.h"

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace attnscope {

class Model;
class Normalizer;

/** One entry of tokenizer.json's `added_tokens`. */
struct AddedToken {
    std::string content;
    bool singleWord = false;
    bool lstrip = false;
    bool rstrip = false;
    bool normalized = true;
    bool special = false;
};

/**
 * The tokens added on top of the model's vocabulary ([CLS], <mask>, user tokens). Before the
 * pipeline runs, they are cut out of the text whole, as Hugging Face `tokenizers` does: first the
 * ones with `normalized: false` in the raw text, then the others in each remaining piece after
 * normalization; the matching is leftmost-longest, `single_word` rejects a match inside a word, and
 * `lstrip` / `rstrip` swallow the whitespace next to the token.
 */
class AddedVocabulary {
public:
    /** Reads `added_tokens`; ids come from the model's vocabulary or follow it, as in the
     * reference. */
    void load(const QJsonValue& value, const json::Where& where, const Model& model,
              const Normalizer* normalizer);

    /** A piece of text, or an added token (with its id) cut out of it. */
    struct Piece {
        NormalizedString text;
        std::optional<int> id;
    };
    /** Splits `text` on the added tokens of one pass (raw text or normalized pieces). */
    std::vector<Piece> split(const NormalizedString& text, bool normalizedPass) const;

    std::optional<int> tokenToId(const std::string& token) const;
    std::optional<std::string> idToToken(int id) const;
    bool isSpecial(int id) const;
    int size() const { return static_cast<int>(m_ids.size()); }

private:
    struct Entry {
        AddedToken token;
        int id = 0;
        std::u32string pattern;
    };
    void add(const AddedToken& token, const Model& model);

    std::unordered_map<std::string, int> m_ids;
    std::unordered_map<int, AddedToken> m_byId;
    std::vector<AddedToken> m_specialOrder;
    std::vector<AddedToken> m_plainOrder;
    // Matching patterns of the two passes, each bucketed by first code point.
    std::vector<Entry> m_raw;
    std::vector<Entry> m_normalized;
    std::unordered_map<char32_t, std::vector<std::size_t>> m_rawByFirst;
    std::unordered_map<char32_t, std::vector<std::size_t>> m_normalizedByFirst;
};

} // namespace attnscope
