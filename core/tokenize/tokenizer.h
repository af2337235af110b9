#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

class QJsonObject;

namespace attnscope {

/**
 * The tokens of one encoded text. All vectors have one entry per token.
 */
struct Encoding {
    /** Vocabulary ids, as the model expects them. */
    std::vector<int> ids;
    /** Token strings exactly as Hugging Face gives them (`Ġworld`, `##ing`, `[CLS]`). */
    std::vector<std::string> tokens;
    /**
     * The part of the input each token came from, as [start, end) in Unicode code points of the
     * input (not UTF-8 bytes, not UTF-16 units). Tokens inserted by the post-processor ([CLS],
     * <s>) have (0, 0); the pieces of one character (an emoji split into bytes by GPT-2) all cover
     * that whole character.
     */
    std::vector<std::pair<int, int>> offsets;
    /**
     * True for tokens the post-processor inserted (Hugging Face's special_tokens_mask) and for
     * special added tokens typed in the text ("[SEP]", "<|endoftext|>").
     */
    std::vector<bool> special;
    /**
     * A readable form of each token: byte-level tokens are decoded to text, with a space shown as
     * `␣` and a newline as `↵` (`Ġworld` gives `␣world`; a byte that is only part of a character
     * shows as `<0xF0>`); WordPiece tokens are shown as they are, `##` included.
     */
    std::vector<std::string> display;

    std::size_t size() const { return ids.size(); }
};

/**
 * A Hugging Face tokenizer: normalizer, pre-tokenizer, model (WordPiece or BPE), post-processor and
 * added tokens, reading `tokenizer.json` or a slow tokenizer's vocabulary files, and giving the
 * same ids, tokens and offsets as Hugging Face `tokenizers`. Immutable once built: copies are cheap
 * (shared) and encode() may be called from several threads at once.
 *
 * Supported components (anything else is an attnscope::Error when loading):
 * - normalizers: BertNormalizer, NFD, NFKD, NFC, NFKC, Lowercase, StripAccents, Strip, Replace,
 *   Prepend, Sequence;
 * - pre-tokenizers: BertPreTokenizer, ByteLevel, Whitespace, WhitespaceSplit, Split, Sequence;
 * - models: WordPiece, BPE (without byte_fallback);
 * - post-processors: TemplateProcessing, BertProcessing, RobertaProcessing, ByteLevel, Sequence.
 * The decoder is not used, and tokenizer.json's truncation and padding are not applied.
 */
class Tokenizer {
public:
    /**
     * Loads a model folder: its `tokenizer.json` if there is one; else `vocab.txt` (BERT's
     * WordPiece pipeline, with `do_lower_case` (default true), `tokenize_chinese_chars`,
     * `strip_accents` and the special tokens read from `tokenizer_config.json` if present); else
     * `vocab.json` and `merges.txt` (GPT-2's byte-level BPE pipeline, or RoBERTa's when the model
     * type is "roberta"). The model type is `modelTypeHint` if given, else `model_type` in the
     * folder's `config.json`. Throws attnscope::Error if none of these files is there or one is
     * malformed.
     */
    static Tokenizer fromFolder(const std::string& dir, const std::string& modelTypeHint = {});
    /** Loads a Hugging Face `tokenizer.json`. Throws attnscope::Error naming the bad field. */
    static Tokenizer fromTokenizerJson(const std::string& path);
    /** Same, from the file's text; `origin` names it in error messages. */
    static Tokenizer fromTokenizerJsonText(const std::string& json,
                                           const std::string& origin = "tokenizer.json");

    /**
     * Tokenizes UTF-8 text (bytes that are not valid UTF-8 each count as one U+FFFD). With
     * `addSpecialTokens`, the post-processor adds the model's special tokens. Throws
     * attnscope::Error only if the text needs the unknown token and the vocabulary lacks it.
     */
    Encoding encode(const std::string& utf8Text, bool addSpecialTokens = true) const;

    /** The id of a token of the vocabulary or of the added tokens. */
    std::optional<int> tokenToId(const std::string& token) const;
    /** The token of an id of the vocabulary or of the added tokens. */
    std::optional<std::string> idToToken(int id) const;
    /** The id of the model's unknown token, if it has one that is in the vocabulary. */
    std::optional<int> unkTokenId() const;
    /** The model's vocabulary plus the added tokens that are not in it. */
    int vocabSize() const;
    /** "WordPiece" or "BPE". */
    std::string modelType() const;
    /** Whether tokens are in GPT-2's byte alphabet. */
    bool isByteLevel() const;

private:
    static Tokenizer fromJsonObject(const QJsonObject& root, const std::string& origin);

    struct Impl;
    explicit Tokenizer(std::shared_ptr<const Impl> impl);

    std::shared_ptr<const Impl> m_impl;
};

} // namespace attnscope
