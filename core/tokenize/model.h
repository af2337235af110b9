#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace attnscope {

/** A token the model produced for one pre-tokenized piece; [start, end) in the piece's code points.
 */
struct ModelToken {
    int id = 0;
    std::string value;
    int start = 0;
    int end = 0;
};

/**
 * Third stage of the pipeline: turns one piece (a "word") into vocabulary tokens. Implemented by
 * WordPieceModel and BpeModel.
 */
class Model {
public:
    virtual ~Model() = default;
    /** Throws attnscope::Error if the piece needs the unknown token and the vocabulary lacks it. */
    virtual std::vector<ModelToken> tokenize(const std::u32string& piece) const = 0;
    /** "WordPiece" or "BPE". */
    virtual std::string_view typeName() const = 0;

    std::optional<int> tokenToId(const std::string& token) const;
    std::optional<std::string> idToToken(int id) const;
    /** Number of entries in the vocabulary (added tokens not included). */
    int vocabSize() const { return static_cast<int>(m_vocab.size()); }
    std::optional<int> unkTokenId() const;

protected:
    /** Fills the id -> token table; call once the vocabulary is loaded. */
    void indexVocab();

    std::unordered_map<std::string, int> m_vocab;
    std::unordered_map<int, std::string> m_reverse;
    std::optional<std::string> m_unkToken;
};

} // namespace attnscope
