#pragma once

#include "core/tokenize/jsonreader.h"
#include "core/tokenize/model.h"

#include <memory>

namespace attnscope {

/**
 * BERT's WordPiece (Wu et al. 2016; greedy longest-match-first as in google-research/bert
 * tokenization.py and Hugging Face `tokenizers`): a word is cut into the longest vocabulary prefix,
 * then the longest `##`-prefixed continuation, and so on; if any rest has no match, or the word is
 * longer than max_input_chars_per_word code points, the whole word becomes the unknown token.
 */
class WordPieceModel final : public Model {
public:
    /** Reads `{"type": "WordPiece", "vocab": {...}, "unk_token", ...}`. */
    static std::shared_ptr<const WordPieceModel> fromJson(const QJsonObject& object,
                                                          const json::Where& where);

    std::vector<ModelToken> tokenize(const std::u32string& piece) const override;
    std::string_view typeName() const override { return "WordPiece"; }

private:
    ModelToken unknown(int length) const;

    std::string m_prefix = "##";
    int m_maxInputChars = 100;
    std::string m_origin;
};

/** Reads a `{token: id}` vocabulary object into `vocab`, checking every id. */
void readVocab(const QJsonValue& value, const json::Where& where,
               std::unordered_map<std::string, int>& vocab);

} // namespace attnscope
