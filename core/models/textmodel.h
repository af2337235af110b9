#pragma once

#include "core/attention/threading.h"
#include "core/base/tensor.h"
#include "core/models/transformermodel.h"
#include "core/tokenize/tokenizer.h"

#include <string>
#include <vector>

namespace attnscope {

/** The folder name of the built-in model under resources/models. */
inline constexpr const char* kBuiltinModelName = "attnscope-pronouns";

/**
 * The folder of the built-in model. Looked for, in order: $ATTNSCOPE_BUILTIN_MODEL;
 * `<applicationDir>/../share/attnscope/models/<name>` (an installed attnscope);
 * `<applicationDir>/../resources/models/<name>` and
 * `<applicationDir>/../../resources/models/<name>` (a build tree next to the sources); the source
 * tree attnscope was built from. Throws Error listing the places it looked.
 */
std::string builtinModelFolder(const std::string& applicationDir);

/** "builtin" → builtinModelFolder(applicationDir); anything else is a folder path, returned as is.
 */
std::string resolveModelFolder(const std::string& spec, const std::string& applicationDir);

/** What a TextModel computes for one text. */
struct TextAttention {
    Encoding encoding;  ///< the tokens actually run (after truncation)
    ModelOutput output; ///< attentions [L, H, S, S] and hidden states [S, E]
    /** Human-readable warnings, e.g. that the text was truncated to the model's positions. */
    std::vector<std::string> warnings;
};

/**
 * A model folder's tokenizer and network together: text in, every layer's attention out. Text
 * longer than the model's positions is truncated at the end (the post-processor's leading and
 * trailing special tokens are kept, as Hugging Face's truncation does) with a warning.
 * Immutable; run() may be called from several threads.
 */
class TextModel {
public:
    /** Loads tokenizer and weights from `folder`; throws Error naming the file at fault. */
    static TextModel load(const std::string& folder);

    [[nodiscard]] const TransformerModel& model() const noexcept { return m_model; }
    [[nodiscard]] const Tokenizer& tokenizer() const noexcept { return m_tokenizer; }
    /**
     * Bytes the loaded network holds: its weights and the copies packed for the engine's kernel
     * (the tokenizer's tables, a few MiB at most, are not counted). What ComputeCache budgets.
     */
    [[nodiscard]] std::uint64_t residentBytes() const noexcept { return m_model.residentBytes(); }

    /** Tokenizes (with special tokens) and truncates to the model's positions. */
    [[nodiscard]] Encoding encode(const std::string& utf8Text,
                                  std::vector<std::string>* warnings = nullptr) const;

    /** encode() then the forward pass. Throws Error (empty text, memory budget), Cancelled. */
    [[nodiscard]] TextAttention run(const std::string& utf8Text,
                                    const ComputeOptions& options = {}) const;

private:
    TextModel(TransformerModel model, Tokenizer tokenizer);

    TransformerModel m_model;
    Tokenizer m_tokenizer;
};

} // namespace attnscope
