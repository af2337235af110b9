#pragma once

#include "core/tokenize/jsonreader.h"
#include "core/tokenize/normalizedstring.h"

#include <memory>
#include <string>
#include <vector>

namespace attnscope {

/** The tokens of one sequence as the pipeline builds them, before display strings are added. */
struct RawEncoding {
    std::vector<int> ids;
    std::vector<std::string> tokens;
    std::vector<Span> offsets;
    /** Inserted by the post-processor, or a special added token matched in the text. */
    std::vector<bool> special;
    /** Produced by the model (rather than an added token or the post-processor). */
    std::vector<bool> fromModel;

    void push(int id, std::string token, Span offsets, bool special, bool fromModel);
    std::size_t size() const { return ids.size(); }
};

/**
 * Last stage of the pipeline: adds the model's special tokens around the sequence ([CLS] ... [SEP],
 * <s> ... </s>) and, for byte-level tokenizers, trims spaces out of the offsets, as Hugging Face
 * `tokenizers`' post-processors do. Inserted tokens get offsets (0, 0).
 */
class PostProcessor {
public:
    virtual ~PostProcessor() = default;
    virtual void process(RawEncoding& encoding, bool addSpecialTokens) const = 0;

    /**
     * Builds a post-processor from its tokenizer.json object; null gives nullptr. Supported types:
     * TemplateProcessing, BertProcessing, RobertaProcessing, ByteLevel, Sequence. Throws
     * attnscope::Error for any other type or a malformed field.
     */
    static std::shared_ptr<const PostProcessor> fromJson(const QJsonValue& value,
                                                         const json::Where& where);
};

/**
 * Hugging Face's ByteLevel offset trimming (`process_offsets`): leading and trailing `Ġ` or
 * whitespace of a token are taken out of its offsets, except the one space that add_prefix_space
 * put in front of the first token.
 */
void trimByteLevelOffsets(RawEncoding& encoding, bool addPrefixSpace);

} // namespace attnscope
