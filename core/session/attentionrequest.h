#pragma once

#include "core/attention/randomtensors.h"
#include "ui/figure/attentionset.h"

#include <QString>
#include <QStringList>
#include <memory>
#include <variant>

namespace attnscope {

/** Sentence mode: run a model folder ("builtin" resolved by the caller) on a text. */
struct SentenceRequest {
    QString modelFolder;
    QString text;
};

/** Random-tensor mode: one multi-head self-attention on deterministic random inputs. */
struct RandomRequest {
    RandomSpec spec;
    bool causal = false;
    double temperature = 1.0;
};

/** Imported mode: attention computed elsewhere (.npy + tokens JSON, or .safetensors). */
struct ImportRequest {
    QString attentionPath;
    QString tokensPath; ///< may be empty for a .safetensors file that carries its tokens
};

using AttentionRequest = std::variant<SentenceRequest, RandomRequest, ImportRequest>;

/** One finished computation, delivered on the GUI thread. */
struct AttentionOutcome {
    std::shared_ptr<const AttentionSet> set;
    /** Wall time of the computation (model run, attention, or file read), in milliseconds. */
    double computeMilliseconds = 0.0;
    /** Threads the engine used. */
    int threads = 1;
    /** Things the user should see that did not stop the computation (truncation, row sums). */
    QStringList warnings;
    /** Sentence mode: the model's description for the status bar and About ("bert, 4 × 4"). */
    QString modelDescription;
};

/** "seq 128, embed 768, heads 12, seed 0, normal" — for titles. */
QString describeRandomRequest(const RandomRequest& request);

} // namespace attnscope
