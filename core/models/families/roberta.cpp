// RoBERTa (modeling_roberta.py; Liu et al. 2019): model_type "roberta", BERT's encoder and config
// with positions numbered from pad_token_id + 1 (fairseq's make_positions).

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
    .positions = PositionScheme::AfterPadding,
    .computeMissingSinusoidalTable = false,
};

void readConfig(const ConfigFields& fields, ModelConfig& config) {
    readBertConfig(fields, config);
    // RobertaEmbeddings.padding_idx = pad_token_id; positions start at padding_idx + 1.
    config.padTokenId = fields.integer("pad_token_id", 1, 0);
    if (config.padTokenId + 1 >= config.positionEmbeddings)
        fields.fail("pad_token_id " + std::to_string(config.padTokenId) +
                    " leaves no positions: RoBERTa numbers positions from pad_token_id + 1 "
                    "and max_position_embeddings is " +
                    std::to_string(config.positionEmbeddings));
}

WeightNaming naming() {
    return {"roberta", {"embeddings.", "encoder."}, {"position_ids", "token_type_ids"}};
}

TransformerNetwork buildNetwork(const ModelConfig& config, ModelWeights& weights) {
    return buildBertEncoder(kLayout, config, weights);
}

} // namespace

extern const ModelFamily kRobertaFamily{
    .modelType = "roberta",
    .readConfig = &readConfig,
    .weightNaming = &naming,
    .buildNetwork = &buildNetwork,
};

} // namespace attnscope
