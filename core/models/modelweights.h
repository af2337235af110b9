#pragma once

#include "core/base/tensor.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace attnscope {

namespace safetensors {
class File;
}

/**
 * How one model family names its tensors, so that ModelWeights can normalise what the Hub holds
 * to the names of the family's base model (BertModel, GPT2Model, ...).
 */
struct WeightNaming {
    /**
     * transformers' `base_model_prefix` ("bert", "roberta", "distilbert", "transformer"): task
     * models (BertForMaskedLM, GPT2LMHeadModel, ...) store the base model under "<prefix>.";
     * base models store it without. Both are accepted.
     */
    std::string basePrefix;
    /**
     * Name prefixes (after normalisation) that belong to the base model ("embeddings.",
     * "encoder."). A tensor there that the model does not use is an error (it means config.json
     * and the weights disagree, e.g. about the layer count); tensors elsewhere are task heads
     * (cls.*, lm_head.*, pooler.*, classifier.*, qa_outputs.*, ...) and are ignored.
     */
    std::vector<std::string> baseNamespaces;
    /**
     * Buffers some transformers versions saved inside the base model that carry no weights:
     * a name equal to or ending in ".<suffix>" of one of these is ignored ("position_ids",
     * "attn.bias", "attn.masked_bias").
     */
    std::vector<std::string> ignoredBuffers;
};

/**
 * The weights of a Hugging Face model folder, memory-mapped: `model.safetensors`, or the shards
 * that `model.safetensors.index.json` lists in its `weight_map` (every shard must exist and lie
 * inside the folder, and hold the tensors the map says it does). A folder with only
 * pytorch_model.bin (or TF/Flax weights) is refused with the one line of Python that converts it.
 *
 * Names are normalised as transformers' from_pretrained does: the family's base-model prefix is
 * stripped, and the legacy LayerNorm names of checkpoints converted from TensorFlow
 * ("LayerNorm.gamma" / "LayerNorm.beta") become "weight" / "bias". Tensors are converted to
 * float32 (from F32, F16, BF16 or F64) only when taken.
 *
 * A family's buildNetwork (core/models/modelfamily.h) take()s every tensor it needs with the
 * shape config.json implies, then calls finish(), which reports everything that was missing at
 * once.
 */
class ModelWeights {
public:
    /** Opens the weights of `folder`; throws Error naming the folder or file and the problem. */
    static ModelWeights open(const std::string& folder, WeightNaming naming);

    ModelWeights(ModelWeights&&) noexcept;
    ModelWeights& operator=(ModelWeights&&) noexcept;
    ~ModelWeights();

    /** "model.safetensors" or "model.safetensors.index.json (2 shards)", for messages. */
    [[nodiscard]] const std::string& description() const noexcept;
    /** Whether the checkpoint holds `name` (a normalised name, e.g. "encoder.layer.0..."). */
    [[nodiscard]] bool contains(const std::string& name) const;

    /**
     * The tensor `name` (normalised) as float32, checked against the shape that config.json
     * implies; `expectedFrom` says which config fields give that shape (e.g. "[intermediate_size,
     * hidden_size]"). A wrong shape throws Error naming the tensor as stored and both shapes; a
     * non-finite value throws too. A missing tensor is recorded for finish() and returns an
     * empty Tensor.
     */
    Tensor take(const std::string& name, const Shape& expected, const std::string& expectedFrom);

    /**
     * For GPT-2's Conv1D, which stores its weight as [in, out]: checks the stored shape against
     * `storedExpected` and returns the transpose, [out, in] as linear() and MultiHeadAttention
     * want it.
     */
    Tensor takeTransposed(const std::string& name, const Shape& storedExpected,
                          const std::string& expectedFrom);

    /** True while every take() so far found its tensor (blocks are only built from full sets). */
    [[nodiscard]] bool complete() const noexcept;

    /**
     * Throws Error listing every tensor that take() did not find (names as the checkpoint would
     * store them), or the base-model tensors that nothing took (`modelDescription`, e.g. "a bert
     * model with 2 layers", explains what config.json asked for).
     */
    void finish(const std::string& modelDescription) const;

    /** Stored names of the tensors that were ignored: task heads and buffers (sorted). */
    [[nodiscard]] std::vector<std::string> unusedTensors() const;

private:
    struct Impl;
    explicit ModelWeights(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace attnscope
