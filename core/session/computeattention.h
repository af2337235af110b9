#pragma once

#include "core/attention/threading.h"
#include "core/session/attentionrequest.h"
#include "core/session/attentionset.h"

#include <QString>
#include <QStringList>
#include <cstdint>
#include <memory>
#include <optional>

namespace attnscope {

class ComputeCache;

/** The model a sentence ran on, for the status bar and About (the window formats it). */
struct ModelSummary {
    QString modelType; ///< config.json's model_type ("bert", "gpt2", ...)
    int layers = 0;
    int heads = 0;
    int hiddenSize = 0;
};

/** One finished computation. */
struct AttentionOutcome {
    std::shared_ptr<const AttentionSet> set;
    /** Wall time of the computation (model run, attention, or file read), in milliseconds. */
    double computeMilliseconds = 0.0;
    /** Threads the engine used. */
    int threads = 1;
    /** Things the user should see that did not stop the computation (truncation, row sums). */
    QStringList warnings;
    /** Sentence mode: the model that ran. */
    std::optional<ModelSummary> model;
    /** Which AttentionJobRunner::submit() this answers (0 when computed directly). */
    std::uint64_t generation = 0;
};

/**
 * The one way from a request to attention, used by the window's job runner, `attnscope-cli
 * render` and `attnscope-cli attention`, so that all three give the same numbers for the same
 * request:
 * - SentenceRequest: the folder's model (loaded through `cache`) on the text, truncated to the
 *   model's positions with a warning; every layer's attention [L, H, S, S].
 * - RandomRequest: MultiHeadAttention with makeRandomWeights(spec) on makeRandomInput(spec), the
 *   causal mask and temperature of the request; the heads' weights as one layer [1, H, S, S]
 *   (batch must be 1).
 * - ImportRequest: ImportedAttention::read of the files.
 * Runs on the calling thread. Throws Error with one line naming what is wrong (empty text, a
 * folder that is no model, sizes over the memory budget, a malformed file), Cancelled when
 * options.cancel is set.
 */
AttentionOutcome computeAttention(const AttentionRequest& request, const ComputeOptions& options,
                                  ComputeCache& cache);

} // namespace attnscope
