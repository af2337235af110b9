#pragma once

#include "core/models/configfields.h"
#include "core/models/embeddings.h"
#include "core/models/modelconfig.h"
#include "core/models/modelweights.h"
#include "core/models/transformernetwork.h"

namespace attnscope {

/** Tensor names inside one layer of a BERT-style encoder, after the layer's prefix. */
struct BertLayerNames {
    const char* query;
    const char* key;
    const char* value;
    const char* attentionOut;
    const char* attentionNorm;
    const char* ffnIn;
    const char* ffnOut;
    const char* outputNorm;
};

/** BertLayer's names (modeling_bert.py), which RobertaLayer and many others copy. */
inline constexpr BertLayerNames kBertLayerNames{
    .query = "attention.self.query",
    .key = "attention.self.key",
    .value = "attention.self.value",
    .attentionOut = "attention.output.dense",
    .attentionNorm = "attention.output.LayerNorm",
    .ffnIn = "intermediate.dense",
    .ffnOut = "output.dense",
    .outputNorm = "output.LayerNorm",
};

/**
 * How one family lays out a BERT-style post-LN encoder: what buildBertEncoder needs to know
 * beyond config.json's sizes.
 */
struct BertEncoderLayout {
    /** config.json's names for the sizes, for the expected shapes in messages ("hidden_size"). */
    const char* hiddenField;
    const char* intermediateField;
    const char* positionsField;
    /** Layer i's tensors are "<layerPrefix><i>.<name>" ("encoder.layer."). */
    const char* layerPrefix;
    BertLayerNames layer;
    /** embeddings.token_type_embeddings, [type_vocab_size, E], of which type 0 is added. */
    bool tokenTypes;
    /** How positions are numbered; AfterPadding takes padding_idx from config.padTokenId. */
    PositionScheme positions;
    /**
     * When config.sinusoidalPositions is set and the checkpoint does not store
     * embeddings.position_embeddings, compute the fixed table (sinusoidalPositionTable) instead.
     */
    bool computeMissingSinusoidalTable;
};

/**
 * The fields of BertConfig (bert, roberta and the families that copy it): hidden_size,
 * num_attention_heads, num_hidden_layers, intermediate_size, vocab_size,
 * max_position_embeddings, type_vocab_size (2), hidden_act (gelu), layer_norm_eps (1e-12).
 * Refuses options of BertModel that change the attention itself (position_embedding_type other
 * than "absolute", is_decoder, add_cross_attention) rather than compute something that is not
 * the model.
 */
void readBertConfig(const ConfigFields& fields, ModelConfig& config);

/**
 * Builds a post-LN encoder (modeling_bert.py and the families that copy it): word + token type 0
 * (if layout.tokenTypes) + position embeddings, LayerNorm; each layer self-attention (query, key
 * and value packed into the engine's [3E, E] in-projection, scores scaled by 1/sqrt(head dim)),
 * output projection, residual, LayerNorm, feed-forward (dense, config.activation, dense),
 * residual, LayerNorm. Ends with weights.finish(), so it throws Error naming missing tensors or
 * the tensor whose shape disagrees with config.json.
 */
TransformerNetwork buildBertEncoder(const BertEncoderLayout& layout, const ModelConfig& config,
                                    ModelWeights& weights);

} // namespace attnscope
