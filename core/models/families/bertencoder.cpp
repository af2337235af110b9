#include "core/models/families/bertencoder.h"

#include <algorithm>
#include <cmath>
#include <optional>

namespace attnscope {

namespace {

std::string shapeOf(const char* a, const char* b) {
    return std::string("[") + a + ", " + b + "]";
}

std::string shapeOf(const char* a) {
    return std::string("[") + a + "]";
}

/** Concatenates [E, E] query, key and value projections into nn.MultiheadAttention's [3E, E]. */
Tensor packRows(const Tensor& q, const Tensor& k, const Tensor& v) {
    Shape shape = q.shape();
    shape[0] *= 3;
    Tensor packed = Tensor::uninitialized(shape);
    float* out = packed.data();
    for (const Tensor* part : {&q, &k, &v})
        out = std::copy(part->data(), part->data() + part->numel(), out);
    return packed;
}

class Loader {
public:
    Loader(const BertEncoderLayout& layout, const ModelConfig& config, ModelWeights& weights)
        : m_layout(layout)
        , m_config(config)
        , m_weights(weights) {}

    Tensor vector(const std::string& name, std::int64_t size, const char* field) {
        return m_weights.take(name, {size}, shapeOf(field));
    }

    Tensor matrix(const std::string& name, std::int64_t rows, const char* rowField,
                  std::int64_t cols, const char* colField) {
        return m_weights.take(name, {rows, cols}, shapeOf(rowField, colField));
    }

    LayerNormWeights norm(const std::string& prefix) {
        const std::int64_t E = m_config.hiddenSize;
        return {vector(prefix + ".weight", E, m_layout.hiddenField),
                vector(prefix + ".bias", E, m_layout.hiddenField), m_config.layerNormEps};
    }

    Embeddings embeddings() {
        const ModelConfig& c = m_config;
        const char* h = m_layout.hiddenField;
        Embeddings emb;
        emb.word =
            matrix("embeddings.word_embeddings.weight", c.vocabSize, "vocab_size", c.hiddenSize, h);
        const std::string positionName = "embeddings.position_embeddings.weight";
        if (m_layout.computeMissingSinusoidalTable && c.sinusoidalPositions &&
            !m_weights.contains(positionName))
            emb.position = sinusoidalPositionTable(c.positionEmbeddings, c.hiddenSize);
        else
            emb.position = matrix(positionName, c.positionEmbeddings, m_layout.positionsField,
                                  c.hiddenSize, h);
        if (m_layout.tokenTypes)
            emb.tokenType = matrix("embeddings.token_type_embeddings.weight", c.typeVocabSize,
                                   "type_vocab_size", c.hiddenSize, h);
        emb.norm = norm("embeddings.LayerNorm");
        emb.scheme = m_layout.positions;
        if (emb.scheme == PositionScheme::AfterPadding)
            emb.paddingIdx = c.padTokenId;
        return emb;
    }

    /** The block of layer `index`, or nothing when a tensor of it is missing. */
    std::optional<TransformerBlock> block(std::int64_t index) {
        const ModelConfig& c = m_config;
        const std::int64_t E = c.hiddenSize, I = c.intermediateSize;
        const BertLayerNames& n = m_layout.layer;
        const std::string p = m_layout.layerPrefix + std::to_string(index) + ".";
        const char* h = m_layout.hiddenField;
        const char* i = m_layout.intermediateField;
        const auto weight = [&](const char* name, std::int64_t rows, const char* rowField,
                                std::int64_t cols, const char* colField) {
            return matrix(p + name + ".weight", rows, rowField, cols, colField);
        };
        const auto bias = [&](const char* name, std::int64_t size, const char* field) {
            return vector(p + name + ".bias", size, field);
        };

        const Tensor q = weight(n.query, E, h, E, h), qb = bias(n.query, E, h);
        const Tensor k = weight(n.key, E, h, E, h), kb = bias(n.key, E, h);
        const Tensor v = weight(n.value, E, h, E, h), vb = bias(n.value, E, h);
        Tensor out = weight(n.attentionOut, E, h, E, h), outBias = bias(n.attentionOut, E, h);
        LayerNormWeights attentionNorm = norm(p + n.attentionNorm);
        Tensor ffnIn = weight(n.ffnIn, I, i, E, h);
        Tensor ffnInBias = bias(n.ffnIn, I, i);
        Tensor ffnOut = weight(n.ffnOut, E, h, I, i);
        Tensor ffnOutBias = bias(n.ffnOut, E, h);
        LayerNormWeights outputNorm = norm(p + n.outputNorm);
        if (!m_weights.complete())
            return std::nullopt;

        MultiHeadAttentionWeights attention;
        attention.numHeads = c.numHeads;
        attention.inProjWeight = packRows(q, k, v);
        attention.inProjBias = packRows(qb, kb, vb);
        attention.outProjWeight = std::move(out);
        attention.outProjBias = std::move(outBias);
        return TransformerBlock{
            MultiHeadAttention(std::move(attention)), std::move(attentionNorm),
            LinearLayer(std::move(ffnIn), std::move(ffnInBias), "feed-forward in"),
            LinearLayer(std::move(ffnOut), std::move(ffnOutBias), "feed-forward out"),
            std::move(outputNorm), NormPlacement::Post, c.activation,
            /*causal=*/false,
            // BertSelfAttention divides by sqrt(head size); DistilBERT
            // divides q by sqrt(dim_per_head) first, the same scale.
            static_cast<float>(1.0 / std::sqrt(double(c.headDim())))};
    }

private:
    const BertEncoderLayout& m_layout;
    const ModelConfig& m_config;
    ModelWeights& m_weights;
};

} // namespace

void readBertConfig(const ConfigFields& fields, ModelConfig& config) {
    config.hiddenSize = fields.size("hidden_size");
    config.numHeads = fields.size("num_attention_heads");
    config.numLayers = fields.size("num_hidden_layers");
    config.intermediateSize = fields.size("intermediate_size");
    config.vocabSize = fields.size("vocab_size");
    config.positionEmbeddings = fields.size("max_position_embeddings");
    config.typeVocabSize = fields.integer("type_vocab_size", 2, 1);
    readActivation(fields, "hidden_act", "gelu", config);
    config.layerNormEps = fields.positiveNumber("layer_norm_eps", 1e-12);
    checkHeadCount(fields, config, "num_attention_heads", "hidden_size");

    // Options of BertModel that change the attention itself; refuse rather than compute
    // something that is not the model.
    const std::string positionType = fields.string("position_embedding_type", "absolute");
    if (positionType != "absolute")
        fields.fail("position_embedding_type '" + positionType +
                    "' is not supported (attnscope implements 'absolute' position embeddings "
                    "only)");
    if (fields.boolean("is_decoder", false))
        fields.fail("is_decoder is true (a causal " + config.modelType +
                    " decoder); attnscope runs " + config.modelType + " as an encoder only");
    if (fields.boolean("add_cross_attention", false))
        fields.fail("add_cross_attention is true; encoder-decoder models are not supported");
}

TransformerNetwork buildBertEncoder(const BertEncoderLayout& layout, const ModelConfig& config,
                                    ModelWeights& weights) {
    Loader loader(layout, config, weights);
    TransformerNetwork network;
    network.embeddings = loader.embeddings();
    for (std::int64_t layer = 0; layer < config.numLayers; ++layer) {
        std::optional<TransformerBlock> block = loader.block(layer);
        if (block)
            network.blocks.push_back(std::move(*block));
    }
    weights.finish("a " + config.modelType + " model with " + std::to_string(config.numLayers) +
                   (config.numLayers == 1 ? " layer" : " layers"));
    return network;
}

} // namespace attnscope
