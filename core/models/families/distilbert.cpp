// DistilBERT (modeling_distilbert.py; Sanh et al. 2019): model_type "distilbert", BERT's encoder
// under other names (dim / n_heads / hidden_dim; q_lin, k_lin, v_lin, out_lin, sa_layer_norm,
// ffn.lin1/lin2, output_layer_norm), no token types, every LayerNorm with eps 1e-12, and an
// optional fixed sinusoidal position table that is computed when the checkpoint does not store it.

#include "core/models/families/bertencoder.h"
#include "core/models/modelfamily.h"

namespace attnscope {

namespace {

constexpr BertEncoderLayout kLayout{
    .hiddenField = "dim",
    .intermediateField = "hidden_dim",
    .positionsField = "max_position_embeddings",
    .layerPrefix = "transformer.layer.",
    .layer =
        {
            .query = "attention.q_lin",
            .key = "attention.k_lin",
            .value = "attention.v_lin",
            .attentionOut = "attention.out_lin",
            .attentionNorm = "sa_layer_norm",
            .ffnIn = "ffn.lin1",
            .ffnOut = "ffn.lin2",
            .outputNorm = "output_layer_norm",
        },
    .tokenTypes = false,
    .positions = PositionScheme::Sequential,
    .computeMissingSinusoidalTable = true,
};

void readConfig(const ConfigFields& fields, ModelConfig& config) {
    config.hiddenSize = fields.size("dim");
    config.numHeads = fields.size("n_heads");
    config.numLayers = fields.size("n_layers");
    config.intermediateSize = fields.size("hidden_dim");
    config.vocabSize = fields.size("vocab_size");
    config.positionEmbeddings = fields.size("max_position_embeddings");
    readActivation(fields, "activation", "gelu", config);
    config.sinusoidalPositions = fields.boolean("sinusoidal_pos_embds", false);
    // modeling_distilbert.py builds every LayerNorm with eps=1e-12; the config has no field.
    config.layerNormEps = 1e-12;
    checkHeadCount(fields, config, "n_heads", "dim");
}

WeightNaming naming() {
    return {"distilbert", {"embeddings.", "transformer."}, {"position_ids"}};
}

TransformerNetwork buildNetwork(const ModelConfig& config, ModelWeights& weights) {
    return buildBertEncoder(kLayout, config, weights);
}

} // namespace

extern const ModelFamily kDistilBertFamily{
    .modelType = "distilbert",
    .readConfig = &readConfig,
    .weightNaming = &naming,
    .buildNetwork = &buildNetwork,
};

} // namespace attnscope
