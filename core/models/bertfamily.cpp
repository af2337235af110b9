#include "core/models/bertfamily.h"

#include <algorithm>
#include <cmath>
#include <optional>

namespace attnscope {

namespace {

/** config.json's names for the sizes, which the two layouts of this family spell differently. */
struct FieldNames {
    const char* hidden;
    const char* intermediate;
    const char* positions;
};

/** Tensor names inside one layer, BERT's or DistilBERT's. */
struct LayerNames {
    const char* query;
    const char* key;
    const char* value;
    const char* attentionOut;
    const char* attentionNorm;
    const char* ffnIn;
    const char* ffnOut;
    const char* outputNorm;
};

constexpr LayerNames kBertLayer{"attention.self.query",
                                "attention.self.key",
                                "attention.self.value",
                                "attention.output.dense",
                                "attention.output.LayerNorm",
                                "intermediate.dense",
                                "output.dense",
                                "output.LayerNorm"};
constexpr LayerNames kDistilBertLayer{"attention.q_lin",   "attention.k_lin",  "attention.v_lin",
                                      "attention.out_lin", "sa_layer_norm",    "ffn.lin1",
                                      "ffn.lin2",          "output_layer_norm"};

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
    Loader(const ModelConfig& config, ModelWeights& weights)
        : m_config(config)
        , m_weights(weights)
        , m_fields(
              config.family == ModelFamily::DistilBert
                  ? FieldNames{"dim", "hidden_dim", "max_position_embeddings"}
                  : FieldNames{"hidden_size", "intermediate_size", "max_position_embeddings"}) {}

    Tensor vector(const std::string& name, std::int64_t size, const char* field) {
        return m_weights.take(name, {size}, shapeOf(field));
    }

    Tensor matrix(const std::string& name, std::int64_t rows, const char* rowField,
                  std::int64_t cols, const char* colField) {
        return m_weights.take(name, {rows, cols}, shapeOf(rowField, colField));
    }

    LayerNormWeights norm(const std::string& prefix) {
        const std::int64_t E = m_config.hiddenSize;
        return {vector(prefix + ".weight", E, m_fields.hidden),
                vector(prefix + ".bias", E, m_fields.hidden), m_config.layerNormEps};
    }

    Embeddings embeddings() {
        const ModelConfig& c = m_config;
        Embeddings emb;
        emb.word = matrix("embeddings.word_embeddings.weight", c.vocabSize, "vocab_size",
                          c.hiddenSize, m_fields.hidden);
        const std::string positionName = "embeddings.position_embeddings.weight";
        if (c.family == ModelFamily::DistilBert && c.sinusoidalPositions &&
            !m_weights.contains(positionName))
            emb.position = sinusoidalPositionTable(c.positionEmbeddings, c.hiddenSize);
        else
            emb.position = matrix(positionName, c.positionEmbeddings, m_fields.positions,
                                  c.hiddenSize, m_fields.hidden);
        if (c.family != ModelFamily::DistilBert)
            emb.tokenType = matrix("embeddings.token_type_embeddings.weight", c.typeVocabSize,
                                   "type_vocab_size", c.hiddenSize, m_fields.hidden);
        emb.norm = norm("embeddings.LayerNorm");
        if (c.family == ModelFamily::Roberta) {
            emb.scheme = PositionScheme::AfterPadding;
            emb.paddingIdx = c.padTokenId;
        }
        return emb;
    }

    /** The block of layer `index`, or nothing when a tensor of it is missing. */
    std::optional<TransformerBlock> block(std::int64_t index) {
        const ModelConfig& c = m_config;
        const std::int64_t E = c.hiddenSize, I = c.intermediateSize;
        const bool distil = c.family == ModelFamily::DistilBert;
        const LayerNames& n = distil ? kDistilBertLayer : kBertLayer;
        const std::string p =
            (distil ? "transformer.layer." : "encoder.layer.") + std::to_string(index) + ".";
        const char* h = m_fields.hidden;
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
        Tensor ffnIn = weight(n.ffnIn, I, m_fields.intermediate, E, h);
        Tensor ffnInBias = bias(n.ffnIn, I, m_fields.intermediate);
        Tensor ffnOut = weight(n.ffnOut, E, h, I, m_fields.intermediate);
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
    const ModelConfig& m_config;
    ModelWeights& m_weights;
    FieldNames m_fields;
};

} // namespace

WeightNaming bertFamilyNaming(ModelFamily family) {
    switch (family) {
    case ModelFamily::Roberta:
        return {"roberta", {"embeddings.", "encoder."}, {"position_ids", "token_type_ids"}};
    case ModelFamily::DistilBert:
        return {"distilbert", {"embeddings.", "transformer."}, {"position_ids"}};
    case ModelFamily::Bert:
    case ModelFamily::Gpt2:
        break;
    }
    return {"bert", {"embeddings.", "encoder."}, {"position_ids", "token_type_ids"}};
}

TransformerNetwork loadBertFamily(const ModelConfig& config, ModelWeights& weights) {
    Loader loader(config, weights);
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
