#pragma once

#include "core/tokenize/jsonreader.h"
#include "core/tokenize/normalizedstring.h"

#include <memory>
#include <vector>

namespace attnscope {

/**
 * Second stage of the pipeline: cuts normalized text into the pieces ("words") that the model then
 * tokenizes one by one, as Hugging Face `tokenizers`' pre-tokenizers do. ByteLevel also rewrites
 * each piece into GPT-2's byte alphabet.
 */
class PreTokenizer {
public:
    virtual ~PreTokenizer() = default;
    /** Replaces every piece by its sub-pieces; empty pieces are dropped. */
    virtual void preTokenize(std::vector<NormalizedString>& pieces) const = 0;
    /** Whether tokens come out in GPT-2's byte alphabet (decides how they are displayed). */
    virtual bool isByteLevel() const { return false; }

    /**
     * Builds a pre-tokenizer from its tokenizer.json object; null gives nullptr. Supported types:
     * BertPreTokenizer, ByteLevel, Whitespace, WhitespaceSplit, Split, Sequence. Throws
     * attnscope::Error for any other type or a malformed field.
     */
    static std::shared_ptr<const PreTokenizer> fromJson(const QJsonValue& value,
                                                        const json::Where& where);
};

/** GPT-2's pre-tokenization regex, hand-compiled: the matched ranges of `text`. */
std::vector<Span> gpt2Matches(const std::u32string& text);

} // namespace attnscope
