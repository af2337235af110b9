#include "core/models/transformermodel.h"

#include "core/attention/memorybudget.h"
#include "core/base/error.h"
#include "core/models/modelfamily.h"
#include "core/models/transformernetwork.h"

#include <QDir>
#include <QFileInfo>
#include <algorithm>
#include <cstring>

namespace attnscope {

struct TransformerModel::Impl {
    std::string folder;
    ModelConfig config;
    TransformerNetwork network;
    std::string weightsDescription;
    std::vector<std::string> unusedTensors;
};

TransformerModel::TransformerModel(std::unique_ptr<Impl> impl)
    : m_impl(std::move(impl)) {}
TransformerModel::TransformerModel(TransformerModel&&) noexcept = default;
TransformerModel& TransformerModel::operator=(TransformerModel&&) noexcept = default;
TransformerModel::~TransformerModel() = default;

TransformerModel TransformerModel::load(const std::string& folder) {
    const QFileInfo info(QString::fromStdString(folder));
    if (!info.exists())
        throw Error(folder + ": no such folder");
    if (!info.isDir())
        throw Error(folder + ": not a folder (expected a Hugging Face model folder with "
                             "config.json and model.safetensors)");
    const QDir dir(info.filePath());
    if (!dir.exists(QStringLiteral("config.json")))
        throw Error(folder + ": no config.json (expected a Hugging Face model folder with "
                             "config.json and model.safetensors)");

    auto impl = std::make_unique<Impl>();
    impl->folder = folder;
    impl->config = loadModelConfig(dir.filePath(QStringLiteral("config.json")).toStdString());
    const ModelFamily& family = *impl->config.family;
    ModelWeights weights = ModelWeights::open(folder, family.weightNaming());
    impl->network = family.buildNetwork(impl->config, weights);
    impl->weightsDescription = weights.description();
    impl->unusedTensors = weights.unusedTensors();
    return TransformerModel(std::move(impl));
}

const ModelConfig& TransformerModel::config() const noexcept {
    return m_impl->config;
}
const std::string& TransformerModel::folder() const noexcept {
    return m_impl->folder;
}
const std::string& TransformerModel::weightsDescription() const noexcept {
    return m_impl->weightsDescription;
}
const std::vector<std::string>& TransformerModel::unusedTensors() const noexcept {
    return m_impl->unusedTensors;
}

int TransformerModel::maxPositions() const noexcept {
    return static_cast<int>(m_impl->network.embeddings.maxPositions());
}
int TransformerModel::layers() const noexcept {
    return static_cast<int>(m_impl->config.numLayers);
}
int TransformerModel::heads() const noexcept {
    return static_cast<int>(m_impl->config.numHeads);
}
int TransformerModel::hiddenSize() const noexcept {
    return static_cast<int>(m_impl->config.hiddenSize);
}
int TransformerModel::vocabSize() const noexcept {
    return static_cast<int>(m_impl->config.vocabSize);
}

std::uint64_t TransformerModel::estimateRunBytes(std::int64_t tokens, int threads) const {
    const ModelConfig& c = m_impl->config;
    const std::int64_t S = tokens, E = c.hiddenSize;
    // Kept for the whole run: every layer's attention plus the output hidden states.
    std::uint64_t floats = saturatingProduct({c.numLayers, c.numHeads, S, S});
    floats = saturatingAdd(floats, saturatingProduct({S, E}));
    // One layer at a time: its input, residual and normed copies, output, the feed-forward
    // activations (one copy of the inner width live at a time).
    floats = saturatingAdd(floats, saturatingProduct({4, S, E}));
    floats = saturatingAdd(floats, saturatingProduct({S, c.intermediateSize}));
    std::uint64_t bytes = saturatingMul(floats, sizeof(float));
    if (!m_impl->network.blocks.empty())
        bytes = saturatingAdd(bytes, m_impl->network.blocks.front().attention.estimateForwardBytes(
                                         1, tokens, tokens, true, threads));
    return bytes;
}

ModelOutput TransformerModel::run(const std::vector<int>& ids,
                                  const ComputeOptions& options) const {
    const ModelConfig& c = m_impl->config;
    const TransformerNetwork& network = m_impl->network;
    const std::string name = m_impl->folder + " (" + c.modelType + ")";
    if (ids.empty())
        throw Error(name + ": the input is empty; expected at least one token id");
    if (ids.size() > static_cast<std::size_t>(maxPositions()))
        throw Error(name + ": " + std::to_string(ids.size()) + " tokens, but the model accepts " +
                    "at most " + std::to_string(maxPositions()) + " (its position table" +
                    (network.embeddings.scheme == PositionScheme::AfterPadding
                         ? " minus pad_token_id + 1"
                         : "") +
                    "); truncate the input");
    for (std::size_t i = 0; i < ids.size(); ++i) {
        if (ids[i] < 0 || ids[i] >= c.vocabSize)
            throw Error(name + ": token id " + std::to_string(ids[i]) + " at position " +
                        std::to_string(i) + " is outside the vocabulary [0, " +
                        std::to_string(c.vocabSize) + ")");
    }

    const std::int64_t S = static_cast<std::int64_t>(ids.size());
    const std::int64_t L = c.numLayers, H = c.numHeads, E = c.hiddenSize;
    const int threads = resolveThreadCount(options.threads);
    checkMemoryBudget(estimateRunBytes(S, threads), options.memoryBudgetBytes,
                      c.modelType + " forward pass (" + std::to_string(S) + " tokens, " +
                          std::to_string(L) + " layers × " + std::to_string(H) + " heads)");

    ModelOutput output;
    output.attentions = Tensor::uninitialized({L, H, S, S});
    Tensor x = network.embeddings.forward(ids, options);
    const std::size_t layerFloats = static_cast<std::size_t>(H * S * S);
    for (std::int64_t layer = 0; layer < L; ++layer) {
        if (options.cancel.isCancelled())
            throw Cancelled();
        Tensor weights;
        x = network.blocks[static_cast<std::size_t>(layer)].forward(x, options, weights);
        std::memcpy(output.attentions.data() + layer * H * S * S, weights.data(),
                    layerFloats * sizeof(float));
    }
    if (network.finalNorm)
        layerNormInPlace(x, *network.finalNorm, options);
    output.hiddenStates = x.reshaped({S, E});
    return output;
}

std::uint64_t TransformerModel::residentBytes() const noexcept {
    const TransformerNetwork& network = m_impl->network;
    const auto bytes = [](const Tensor& t) {
        return saturatingProduct({t.numel(), sizeof(float)});
    };
    const auto norm = [&](const LayerNormWeights& n) {
        return saturatingAdd(bytes(n.weight), bytes(n.bias));
    };
    const Embeddings& e = network.embeddings;
    std::uint64_t total =
        saturatingAdd(saturatingAdd(bytes(e.word), bytes(e.position)), bytes(e.tokenType));
    if (e.norm)
        total = saturatingAdd(total, norm(*e.norm));
    for (const TransformerBlock& block : network.blocks) {
        total = saturatingAdd(total, block.attention.residentBytes());
        total = saturatingAdd(
            total, saturatingAdd(block.ffnIn.residentBytes(), block.ffnOut.residentBytes()));
        total =
            saturatingAdd(total, saturatingAdd(norm(block.attentionNorm), norm(block.outputNorm)));
    }
    if (network.finalNorm)
        total = saturatingAdd(total, norm(*network.finalNorm));
    return total;
}

} // namespace attnscope
