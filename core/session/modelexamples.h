#pragma once

#include "core/session/attentionset.h"

#include <QByteArray>
#include <QString>
#include <QVector>
#include <optional>

namespace attnscope {

/** An example sentence a model folder offers (examples.json), with its first pronoun link. */
struct ModelExample {
    QString text;
    QString language;
    /** Code-point spans [start, end) of the first link's pronoun and antecedent, or -1. */
    int pronounStart = -1;
    int pronounEnd = -1;
    int antecedentStart = -1;
    int antecedentEnd = -1;

    [[nodiscard]] bool hasLink() const { return pronounStart >= 0 && antecedentStart >= 0; }
};

/**
 * `examples.json` of a model folder (see resources/models/attnscope-pronouns/README.md):
 *
 *     {"recommended_head": {"layer": 3, "head": 3},
 *      "examples": [{"text": "...", "language": "en",
 *                    "links": [{"pronoun": [s, e], "antecedent": [s, e]}]}, ...]}
 *
 * Spans are [start, end) in code points of the text. A folder without the file offers a few
 * English pronoun sentences. A file that cannot be used is not replaced silently: `problem` says
 * what is wrong (the file and the field), the valid examples are kept, and the built-in English
 * ones are offered when none is.
 */
struct ModelExamples {
    QVector<ModelExample> examples;
    /** The head the model card recommends for the pronoun link, or -1. */
    int recommendedLayer = -1;
    int recommendedHead = -1;
    /** Why (part of) examples.json was not used, one line; empty when it was read or absent. */
    QString problem;

    /** Reads `<folder>/examples.json` (at most 4 MiB). Never throws. */
    static ModelExamples forFolder(const QString& folder);
    /** Parses the contents of an examples.json; `source` names it in `problem`. */
    static ModelExamples parse(const QByteArray& json, const QString& source);
    /** The English pronoun sentences offered for models without examples.json. */
    static ModelExamples fallback();
};

/** Which head to open and which cell to pin for an example's pronoun link. */
struct ExampleFocus {
    int layer = 0;
    int head = 0;
    int query = -1; ///< the pronoun's first token
    int key = -1;   ///< the antecedent token this head attends to most from the pronoun
};

/**
 * Where to look for the example's link in `set` (the example's text run through a model): the
 * recommended head when it exists in the set, else the head that puts the most weight from the
 * pronoun onto the antecedent; the pronoun's and antecedent's tokens by the coreference measure's
 * rule (tokensInSpan). Nothing when the example has no link or its spans hold no token.
 */
std::optional<ExampleFocus> exampleFocus(const AttentionSet& set, const ModelExample& example,
                                         int recommendedLayer, int recommendedHead);

} // namespace attnscope
