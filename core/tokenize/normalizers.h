#pragma once

#include "core/tokenize/jsonreader.h"
#include "core/tokenize/normalizedstring.h"

#include <memory>

namespace attnscope {

/**
 * First stage of the pipeline: rewrites the text (case, accents, Unicode forms, Chinese characters)
 * while keeping each code point's alignment to the input. The types and their semantics are those
 * of Hugging Face `tokenizers`' normalizers.
 */
class Normalizer {
public:
    virtual ~Normalizer() = default;
    virtual void normalize(NormalizedString& text) const = 0;

    /**
     * Builds a normalizer from its tokenizer.json object; null gives nullptr. Supported types:
     * BertNormalizer, NFD, NFKD, NFC, NFKC, Lowercase, StripAccents, Strip, Replace, Prepend,
     * Sequence. Throws attnscope::Error for any other type or a malformed field.
     */
    static std::shared_ptr<const Normalizer> fromJson(const QJsonValue& value,
                                                      const json::Where& where);
};

} // namespace attnscope
