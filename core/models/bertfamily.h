#pragma once

#include "core/models/modelconfig.h"
#include "core/models/modelweights.h"
#include "core/models/transformernetwork.h"

namespace attnscope {

/**
 * Tensor names of BertModel, RobertaModel and DistilBertModel as transformers stores them: base
 * prefixes "bert." / "roberta." / "distilbert.", base namespaces "embeddings." and "encoder."
 * (DistilBERT: "transformer."), and the position_ids / token_type_ids buffers to ignore.
 */
WeightNaming bertFamilyNaming(ModelFamily family);

/**
 * Builds a post-LN encoder from the weights of a BERT, RoBERTa or DistilBERT checkpoint.
 * BERT / RoBERTa (modeling_bert.py): word + token type 0 + position embeddings, LayerNorm; each
 * layer BertSelfAttention (query/key/value packed into the engine's [3E, E] in-projection, scores
 * scaled by 1/sqrt(head dim)), BertSelfOutput (dense, residual, LayerNorm), BertIntermediate
 * (dense, hidden_act) and BertOutput (dense, residual, LayerNorm). RoBERTa numbers positions from
 * pad_token_id + 1. DistilBERT (modeling_distilbert.py): no token types; q_lin/k_lin/v_lin/out_lin,
 * sa_layer_norm, ffn.lin1/lin2, output_layer_norm, all LayerNorms with eps 1e-12; a sinusoidal
 * position table is computed when the checkpoint does not store it.
 * Throws Error naming missing tensors or the tensor whose shape disagrees with config.json.
 */
TransformerNetwork loadBertFamily(const ModelConfig& config, ModelWeights& weights);

} // namespace attnscope
