// BERT (modeling_bert.py; Devlin et al. 2019): model_type "bert", a post-LN encoder with token
// types and positions 0, 1, 2, ...

#include "core/models/families/bertencoder.h"
#include "core/models/modelfamily.h"

namespace attnscope {

namespace {

constexpr BertEncoderLayout kLayout{
    .hiddenField = "hidden_size",
    .intermediateField = "intermediate_size",
    .positionsField = "max_position_embeddings",
    .layerPrefix = "encoder.layer.",
    .layer = kBertLayerNames,
    .tokenTypes = true,
    .positions = PositionScheme::Sequential,
    .computeMissingSinusoidalTable = false,
};

WeightNaming naming() {
    // BertModel's base_model_prefix; the position_ids / token_type_ids buffers carry no weights.
    return {"bert", {"embeddings.", "encoder."}, {"position_ids", "token_type_ids"}};
}

TransformerNetwork buildNetwork(const ModelConfig& config, ModelWeights& weights) {
    return buildBertEncoder(kLayout, config, weights);
}

} // namespace

extern const ModelFamily kBertFamily{
    .modelType = "bert",
    .readConfig = &readBertConfig,
    .weightNaming = &naming,
    .buildNetwork = &buildNetwork,
};

} // namespace attnscope
