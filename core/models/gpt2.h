#pragma once

#include "core/models/modelconfig.h"
#include "core/models/modelweights.h"
#include "core/models/transformernetwork.h"

namespace attnscope {

/**
 * Tensor names of GPT2Model: base prefix "transformer." (GPT2LMHeadModel and other task models),
 * base namespaces wte/wpe/h/ln_f, and the attn.bias / attn.masked_bias buffers (the causal mask
 * and its fill value, which older transformers saved) to ignore.
 */
WeightNaming gpt2Naming();

/**
 * Builds GPT-2 (modeling_gpt2.py; Radford et al. 2019): wte + wpe embeddings, pre-LN blocks
 * ln_1 → causal self-attention (c_attn, c_proj) → residual, ln_2 → MLP (c_fc, activation_function,
 * c_proj) → residual, and the final ln_f. GPT-2's Conv1D layers store weights as [in, out]; they
 * are transposed here, and c_attn's [E, 3E] becomes the engine's packed [3E, E] in-projection
 * as it is (its output columns are already query, key, value). Scores are divided by
 * sqrt(head dim) when scale_attn_weights and by (layer index + 1) when
 * scale_attn_by_inverse_layer_idx. Throws Error like loadBertFamily.
 */
TransformerNetwork loadGpt2(const ModelConfig& config, ModelWeights& weights);

} // namespace attnscope
