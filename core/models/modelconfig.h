#pragma once

#include <QByteArray>
#include <cstdint>
#include <string>

namespace attnscope {

struct ModelFamily; // core/models/modelfamily.h

/** The feed-forward nonlinearities of transformers' ACT2FN that the supported models use. */
enum class Activation {
    Gelu,    ///< "gelu": exact x·Φ(x) with erf (Hendrycks & Gimpel 2016)
    GeluNew, ///< "gelu_new" / "gelu_pytorch_tanh" / "gelu_fast": the tanh approximation
    Relu,    ///< "relu"
    Silu,    ///< "silu" / "swish": x·sigmoid(x)
};

/** "gelu, gelu_new, ...": the activation names accepted in config.json, for messages. */
std::string supportedActivations();

/**
 * The fields of a Hugging Face config.json that decide the computation, under one set of names
 * whatever the family calls them (DistilBERT's `dim`/`n_heads`, GPT-2's `n_embd`/`n_head`, ...).
 * Fields that real configs on the Hub often omit take transformers' class defaults (e.g. GPT-2's
 * `n_inner` null → 4·n_embd, BERT's `layer_norm_eps` → 1e-12); the sizes are required.
 * Each family's ModelFamily::readConfig (core/models/modelfamily.h) fills in its fields.
 */
struct ModelConfig {
    /** The row of modelFamilies() for modelType; parseModelConfig never leaves it null. */
    const ModelFamily* family = nullptr;
    std::string modelType;             ///< as written in config.json ("bert", "gpt2", ...)
    std::int64_t hiddenSize = 0;       ///< E
    std::int64_t numHeads = 0;         ///< H, divides E
    std::int64_t numLayers = 0;        ///< L
    std::int64_t intermediateSize = 0; ///< width of the feed-forward layer
    std::int64_t vocabSize = 0;
    /** Rows of the position embedding table (max_position_embeddings / n_positions). */
    std::int64_t positionEmbeddings = 0;
    /** Rows of the token type table (BERT, RoBERTa); 0 when the family has none. */
    std::int64_t typeVocabSize = 0;
    /** RoBERTa's padding_idx, which offsets its position ids; -1 when unused or absent. */
    std::int64_t padTokenId = -1;
    Activation activation = Activation::Gelu;
    std::string activationName; ///< as written in config.json, for display
    double layerNormEps = 1e-12;
    /** DistilBERT's sinusoidal_pos_embds (the table may then be computed if not stored). */
    bool sinusoidalPositions = false;
    /** GPT-2's scale_attn_weights: divide scores by sqrt(head dim). BERT-family always does. */
    bool scaleAttentionWeights = true;
    /** GPT-2's scale_attn_by_inverse_layer_idx: also divide layer i's scores by i + 1. */
    bool scaleByInverseLayerIndex = false;

    [[nodiscard]] std::int64_t headDim() const noexcept {
        return numHeads > 0 ? hiddenSize / numHeads : 0;
    }
};

/**
 * Parses the contents of a config.json: reads `model_type`, finds its row of modelFamilies() and
 * lets the family read the rest. `source` (its path) starts every error message, which
 * names the field and what was expected: a missing or ill-typed size, an unsupported model_type
 * (listing the supported ones) or hidden_act, a head count that does not divide the hidden size,
 * or an option that changes the computation in a way attnscope does not implement (relative
 * position embeddings, BERT as a decoder, cross-attention). Throws Error.
 */
ModelConfig parseModelConfig(const QByteArray& json, const std::string& source);

/** Reads and parses `path` (at most 16 MiB); throws Error naming the path. */
ModelConfig loadModelConfig(const std::string& path);

} // namespace attnscope
