#pragma once

#include "core/attention/randomtensors.h"

#include <QString>
#include <variant>

namespace attnscope {

/** Sentence mode: run a model folder ("builtin" resolved by the caller) on a text. */
struct SentenceRequest {
    QString modelFolder;
    QString text;

    friend bool operator==(const SentenceRequest&, const SentenceRequest&) = default;
};

/** Random-tensor mode: one multi-head self-attention on deterministic random inputs (batch 1). */
struct RandomRequest {
    RandomSpec spec;
    bool causal = false;
    double temperature = 1.0;

    friend bool operator==(const RandomRequest& a, const RandomRequest& b) {
        return a.spec.batch == b.spec.batch && a.spec.seq == b.spec.seq &&
               a.spec.embed == b.spec.embed && a.spec.heads == b.spec.heads &&
               a.spec.seed == b.spec.seed && a.spec.distribution == b.spec.distribution &&
               a.causal == b.causal && a.temperature == b.temperature;
    }
};

/** Imported mode: attention computed elsewhere (.npy + tokens JSON, or .safetensors). */
struct ImportRequest {
    QString attentionPath;
    QString tokensPath; ///< may be empty for a .safetensors file that carries its tokens

    friend bool operator==(const ImportRequest&, const ImportRequest&) = default;
};

/** Anything the app or `attnscope-cli render` / `attention` can turn into an AttentionSet. */
using AttentionRequest = std::variant<SentenceRequest, RandomRequest, ImportRequest>;

/** "seq 128, embed 768, heads 12, seed 0, normal[, causal][, temperature 2]": for titles. */
QString describeRandomRequest(const RandomRequest& request);

} // namespace attnscope
