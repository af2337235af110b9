#pragma once

#include "core/base/tensor.h"
#include "core/tokenize/tokenizer.h"

#include <QString>
#include <QStringList>
#include <cstdint>
#include <utility>
#include <vector>

namespace attnscope {

/** What produced an attention set: a model on a text, a random problem, or a file. */
enum class SourceKind { Model, Random, Imported };

/**
 * One computed result: the attention of every layer and head over one token sequence, with the
 * labels of the tokens. Made once per computation (computeAttention) and shared read-only between
 * the views and the exporters (std::shared_ptr<const AttentionSet>), so a view never sees half an
 * update.
 */
struct AttentionSet {
    /** [L, H, S, S] float32 probabilities: attentions[l, h, query, key]. */
    Tensor attentions;
    /** S axis labels (Encoding::display for models, "t0".."tN" for random tensors). */
    QStringList tokens;
    /** S flags: tokens the post-processor added ([CLS], [SEP], <s>); hidden on request. */
    std::vector<bool> special;
    /** Sentence mode: each token's [start, end) in code points of `text` (empty otherwise). */
    std::vector<std::pair<int, int>> offsets;
    /** Sentence mode: the encoding the model ran (ids, tokens, offsets); empty otherwise. */
    Encoding encoding;
    SourceKind kind = SourceKind::Model;
    /**
     * Where it came from, untranslated: the model folder's name ("attnscope-pronouns"),
     * "random", or the imported file's name. Views translate "random" (see `kind`).
     */
    QString source;
    /** The input sentence; for random problems their description (describeRandomRequest). */
    QString text;

    [[nodiscard]] int layers() const { return int(attentions.dim(0)); }
    [[nodiscard]] int heads() const { return int(attentions.dim(1)); }
    [[nodiscard]] int seq() const { return int(attentions.dim(2)); }
    /** attentions[layer, head, query, key]; indices must be in range. */
    [[nodiscard]] float weight(int layer, int head, int query, int key) const;
    /** Whether token `index` is a special token (false when no flags are set). */
    [[nodiscard]] bool isSpecial(int index) const;
    /** Tokens that are drawn: every one, or those that are not special. */
    [[nodiscard]] int visibleTokens(bool hideSpecial) const;
    /**
     * Checks that the parts agree: attentions [L, H, S, S], S labels, S special flags (or none),
     * S offsets (or none). Throws Error naming the part.
     */
    void validate() const;
};

/**
 * One head as drawn: the tokens kept (original indices, in order) and their n×n weights,
 * row-major [query][key]. With `hideSpecial`, special tokens are dropped from rows and columns and
 * every row is renormalised to sum to 1 (a row whose kept weights sum to 0 stays 0).
 */
struct HeadMatrix {
    std::vector<int> tokens;
    std::vector<float> values;

    [[nodiscard]] int size() const { return int(tokens.size()); }
    [[nodiscard]] float at(int row, int column) const {
        return values[std::size_t(row) * tokens.size() + std::size_t(column)];
    }
    /** The position of original token `token` among the kept ones, or -1. */
    [[nodiscard]] int indexOf(int token) const;
};

HeadMatrix headMatrix(const AttentionSet& set, int layer, int head, bool hideSpecial);

} // namespace attnscope
