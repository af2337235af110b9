#pragma once

#include "core/tokenize/jsonreader.h"
#include "core/tokenize/model.h"

#include <cstdint>
#include <memory>

namespace attnscope {

/**
 * Byte-pair encoding (Sennrich et al. 2016) as Hugging Face `tokenizers` applies it: a word starts
 * as one symbol per code point (with continuing_subword_prefix / end_of_word_suffix where set; code
 * points outside the vocabulary become the unknown token, fused if fuse_unk, or vanish if there is
 * none), then the adjacent pair with the lowest merge rank is merged, leftmost first, until no pair
 * has a rank. For GPT-2 the pre-tokenizer has already mapped the text to its byte alphabet.
 * Dropout is a training-time option and is ignored.
 */
class BpeModel final : public Model {
public:
    /**
     * Reads `{"type": "BPE", "vocab": {...}, "merges": [...], ...}`; merges may be "a b" strings or
     * ["a", "b"] pairs. Throws attnscope::Error if a merge names a token that is not in the vocab.
     */
    static std::shared_ptr<const BpeModel> fromJson(const QJsonObject& object,
                                                    const json::Where& where);

    std::vector<ModelToken> tokenize(const std::u32string& piece) const override;
    std::string_view typeName() const override { return "BPE"; }

private:
    struct MergeResult {
        int rank;
        int id;
    };
    static std::uint64_t pairKey(int a, int b) {
        return (static_cast<std::uint64_t>(static_cast<std::uint32_t>(a)) << 32) |
               static_cast<std::uint32_t>(b);
    }

    std::unordered_map<std::uint64_t, MergeResult> m_merges;
    std::optional<std::string> m_prefix;
    std::optional<std::string> m_suffix;
    bool m_fuseUnk = false;
    bool m_ignoreMerges = false;
    std::string m_origin;
};

} // namespace attnscope
