#pragma once

#include "core/base/tensor.h"
#include "core/tokenize/tokenizer.h"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace attnscope {

/**
 * One coreference link of a sentence: a pronoun (or other anaphor) and the mention it refers to,
 * each as [start, end) in Unicode code points of the sentence text (the unit of Encoding::offsets).
 */
struct CorefLink {
    std::pair<int, int> pronoun;
    std::pair<int, int> antecedent;
};

/** One line of a coreference data file: a text and its links. */
struct CorefSentence {
    std::string text;
    std::vector<CorefLink> links;
    int line = 0; ///< 1-based line of the file it came from (0 when built in code)
};

/**
 * Parses coreference data in JSON Lines, one sentence per line:
 *
 *     {"text": "The dog barked because it was hungry.",
 *      "links": [{"pronoun": [23, 25], "antecedent": [0, 7]}]}
 *
 * Spans are [start, end) in Unicode code points of `text`, integers with 0 <= start < end <=
 * length. Blank lines are skipped and other keys are ignored. `source` (the path) and the line
 * number start every error, e.g. "coref.jsonl:3: links[0].pronoun[1] is 40, past the end of the
 * text (38 code points)". Throws Error.
 */
std::vector<CorefSentence> parseCorefJsonl(const std::string& text, const std::string& source);

/** Reads and parses a file (at most 256 MiB); throws Error naming the path. */
std::vector<CorefSentence> readCorefJsonl(const std::string& path);

/**
 * The tokens of a text span [start, end) (Unicode code points), in order: tokens that are not
 * special, have a non-empty range and overlap the span. The rule the coreference measure uses for
 * pronouns and antecedents; `offsets` and `special` as in Encoding.
 */
std::vector<std::int64_t> tokensInSpan(const std::vector<std::pair<int, int>>& offsets,
                                       const std::vector<bool>& special, std::pair<int, int> span);

/** A head and its score. Layer and head are 0-based. */
struct HeadScore {
    std::int64_t layer = 0;
    std::int64_t head = 0;
    double accuracy = 0.0;
};

/** The accumulated result of CorefEvaluator. */
struct CorefReport {
    std::int64_t layers = 0;
    std::int64_t heads = 0;
    /** Links that were evaluated; each was scored in every head. */
    std::int64_t links = 0;
    /** Links per head whose most-attended allowed token lies in the antecedent, row-major [L, H].
     */
    std::vector<std::int64_t> correct;
    /** The mean over links of antecedent tokens / allowed tokens: a head attending uniformly. */
    double baseline = 0.0;
    /** Links that could not be evaluated (e.g. the text was truncated), with one reason each. */
    std::vector<std::string> skipped;

    /** correct / links for one head, 0 <= layer < layers, 0 <= head < heads (0 without links). */
    [[nodiscard]] double accuracy(std::int64_t layer, std::int64_t head) const;
    /** The accuracies as a float tensor [L, H]. */
    [[nodiscard]] Tensor accuracyTable() const;
    /** The most accurate head (ties: lowest layer, then lowest head); none without links. */
    [[nodiscard]] std::optional<HeadScore> best() const;
};

/**
 * The coreference measure of Clark et al. 2019, "What Does BERT Look At? An Analysis of BERT's
 * Attention" (section 4.2, antecedent selection accuracy), on word pieces:
 *
 * for every link and every head, take the attention row of the pronoun's first token (the first
 * non-special token whose offsets overlap the pronoun span), leave out the pronoun's own tokens
 * (all tokens overlapping its span) and special tokens, and count the head correct when the largest
 * remaining weight falls on a token that overlaps the antecedent span. Ties go to the earliest
 * token, as numpy's argmax does. The baseline is the accuracy of a head that picks uniformly among
 * the allowed tokens.
 *
 * With `causal` (GPT-2), a token sees only itself and earlier tokens, so later tokens are left out
 * too; a link whose antecedent comes entirely after the pronoun is then skipped.
 *
 * Links whose pronoun or antecedent covers no allowed token (the text was truncated to the model's
 * length, or the spans overlap) are skipped and reported, not errors.
 */
class CorefEvaluator {
public:
    explicit CorefEvaluator(bool causal = false);

    /**
     * Scores the links of one sentence. `attentions` is [L, H, S, S] with S = encoding.size(); the
     * first call fixes L and H, and later calls must match. `label` (e.g. "coref.jsonl:12") names
     * the sentence in skip reasons. Throws Error for a tensor of the wrong shape or an attention
     * row with NaN, without changing the accumulated counts.
     */
    void add(const Encoding& encoding, const Tensor& attentions,
             const std::vector<CorefLink>& links, const std::string& label = {});

    [[nodiscard]] const CorefReport& report() const noexcept { return m_report; }

private:
    bool m_causal = false;
    double m_baselineSum = 0.0;
    CorefReport m_report;
};

/**
 * The report as text: a title line with the link counts, a table with one row per layer and one
 * column per head of accuracies in percent, then the best head and the uniform baseline, e.g.
 *
 *     Coreference accuracy (Clark et al. 2019): 40 links, 2 skipped
 *     layer  head 0  head 1
 *         0   12.5%   50.0%
 *         1   75.0%   25.0%
 *     best head: layer 1, head 0: 75.0%
 *     uniform baseline: 18.3%
 *
 * Layers and heads are numbered from 0.
 */
std::string formatCorefReport(const CorefReport& report);

} // namespace attnscope
