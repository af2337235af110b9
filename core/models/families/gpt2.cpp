// GPT-2 (modeling_gpt2.py; Radford et al. 2019): model_type "gpt2", a causal pre-LN decoder.
// wte + wpe embeddings; blocks ln_1 → causal self-attention (c_attn, c_proj) → residual, ln_2 →
// MLP (c_fc, activation_function, c_proj) → residual; the final ln_f. GPT-2's Conv1D layers store
// weights as [in, out]; they are transposed here, and c_attn's [E, 3E] becomes the engine's
// packed [3E, E] in-projection as it is (its output columns are already query, key, value).

#include "core/models/configfields.h"
#include "core/models/modelfamily.h"

#include <cmath>
#include <utility>

namespace attnscope {

namespace {

void readConfig(const ConfigFields& fields, ModelConfig& config) {
    config.hiddenSize = fields.size("n_embd");
    config.numHeads = fields.size("n_head");
    config.numLayers = fields.size("n_layer");
    config.vocabSize = fields.size("vocab_size");
    // Very old configs carry n_ctx as well; n_positions is the table size GPT2Model uses.
    config.positionEmbeddings = fields.has("n_positions") || !fields.has("n_ctx")
                                    ? fields.size("n_positions")
                                    : fields.size("n_ctx");
    checkHeadCount(fields, config, "n_head", "n_embd");
    // GPT2MLP: inner_dim = n_inner if not None else 4 * hidden_size.
    config.intermediateSize = fields.integer("n_inner", 4 * config.hiddenSize, 1);
    readActivation(fields, "activation_function", "gelu_new", config);
    config.layerNormEps = fields.positiveNumber("layer_norm_epsilon", 1e-5);
    config.scaleAttentionWeights = fields.boolean("scale_attn_weights", true);
    config.scaleByInverseLayerIndex = fields.boolean("scale_attn_by_inverse_layer_idx", false);
    if (fields.boolean("add_cross_attention", false))
        fields.fail("add_cross_attention is true; encoder-decoder models are not supported");
}

WeightNaming naming() {
    // Base prefix "transformer." (GPT2LMHeadModel and other task models); attn.bias and
    // attn.masked_bias are the causal mask and its fill value, which older transformers saved.
    return {"transformer", {"wte.", "wpe.", "h.", "ln_f."}, {"attn.bias", "attn.masked_bias"}};
}

TransformerNetwork buildNetwork(const ModelConfig& config, ModelWeights& weights) {
    const std::int64_t E = config.hiddenSize, I = config.intermediateSize;
    const std::string inner = "n_inner (or 4 * n_embd)";
    const auto vector = [&](const std::string& name, std::int64_t size, const std::string& field) {
        return weights.take(name, {size}, "[" + field + "]");
    };
    const auto norm = [&](const std::string& prefix) {
        return LayerNormWeights{vector(prefix + ".weight", E, "n_embd"),
                                vector(prefix + ".bias", E, "n_embd"), config.layerNormEps};
    };
    // Conv1D (transformers/pytorch_utils.py) computes x·W + b with W stored [in, out].
    const auto conv1d = [&](const std::string& prefix, std::int64_t in, const std::string& inField,
                            std::int64_t out, const std::string& outField) {
        return std::pair{weights.takeTransposed(prefix + ".weight", {in, out},
                                                "[" + inField + ", " + outField + "], Conv1D"),
                         vector(prefix + ".bias", out, outField)};
    };

    TransformerNetwork network;
    Embeddings& emb = network.embeddings;
    emb.word = weights.take("wte.weight", {config.vocabSize, E}, "[vocab_size, n_embd]");
    emb.position =
        weights.take("wpe.weight", {config.positionEmbeddings, E}, "[n_positions, n_embd]");

    for (std::int64_t layer = 0; layer < config.numLayers; ++layer) {
        const std::string p = "h." + std::to_string(layer);
        LayerNormWeights ln1 = norm(p + ".ln_1");
        auto [qkv, qkvBias] = conv1d(p + ".attn.c_attn", E, "n_embd", 3 * E, "3 * n_embd");
        auto [proj, projBias] = conv1d(p + ".attn.c_proj", E, "n_embd", E, "n_embd");
        LayerNormWeights ln2 = norm(p + ".ln_2");
        auto [fc, fcBias] = conv1d(p + ".mlp.c_fc", E, "n_embd", I, inner);
        auto [fcProj, fcProjBias] = conv1d(p + ".mlp.c_proj", I, inner, E, "n_embd");
        if (!weights.complete())
            continue;

        // GPT2Attention._attn: divide by sqrt(head dim) if scale_attn_weights, and by
        // layer_idx + 1 if scale_attn_by_inverse_layer_idx.
        double scale =
            config.scaleAttentionWeights ? 1.0 / std::sqrt(double(config.headDim())) : 1.0;
        if (config.scaleByInverseLayerIndex)
            scale /= double(layer + 1);

        MultiHeadAttentionWeights attention;
        attention.numHeads = config.numHeads;
        attention.inProjWeight = std::move(qkv);
        attention.inProjBias = std::move(qkvBias);
        attention.outProjWeight = std::move(proj);
        attention.outProjBias = std::move(projBias);
        network.blocks.push_back(TransformerBlock{
            MultiHeadAttention(std::move(attention)), std::move(ln1),
            LinearLayer(std::move(fc), std::move(fcBias), "feed-forward in"),
            LinearLayer(std::move(fcProj), std::move(fcProjBias), "feed-forward out"),
            std::move(ln2), NormPlacement::Pre, config.activation,
            /*causal=*/true, static_cast<float>(scale)});
    }
    network.finalNorm = norm("ln_f");
    weights.finish("a gpt2 model with " + std::to_string(config.numLayers) +
                   (config.numLayers == 1 ? " layer" : " layers"));
    return network;
}

} // namespace

extern const ModelFamily kGpt2Family{
    .modelType = "gpt2",
    .readConfig = &readConfig,
    .weightNaming = &naming,
    .buildNetwork = &buildNetwork,
    .causal = true,
};

} // namespace attnscope
