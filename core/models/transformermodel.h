#pragma once

#include "core/attention/threading.h"
#include "core/base/tensor.h"
#include "core/models/modelconfig.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace attnscope {

/** What TransformerModel::run() returns for one sequence of S tokens. */
struct ModelOutput {
    /**
     * [L, H, S, S]: layer l, head h, query i, key j = the softmax probability with which token i
     * attends to token j (transformers' output_attentions, batch dimension dropped). Causal models
     * (GPT-2) have zeros above the diagonal.
     */
    Tensor attentions;
    /** [S, E]: the last hidden state (transformers' last_hidden_state; after ln_f for GPT-2). */
    Tensor hiddenStates;
};

/**
 * A Hugging Face transformer loaded from a model folder and run in float32 on attnscope's
 * attention engine, to look at the attention of every layer and head.
 *
 * Supported: the `model_type`s of modelFamilies() (core/models/modelfamily.h: bert, roberta,
 * distilbert and gpt2), with the weights in model.safetensors or sharded safetensors (see
 * ModelWeights for the names and layouts accepted). The task heads of a checkpoint (masked-LM,
 * classifier, question answering, LM head, pooler) are ignored: the output is the base model's.
 * Input is token ids (tokenize with core/tokenize), one sequence, attention over every token (no
 * padding mask, as transformers does without an attention_mask), token type 0.
 *
 * A loaded model is immutable; run() is const and may be called from several threads at once.
 */
class TransformerModel {
public:
    /**
     * Loads `folder` (config.json plus weights). Throws Error with one line that names the file,
     * field or tensor and says what was expected: no such folder, missing or malformed
     * config.json, an unsupported model_type, only pytorch_model.bin present, a shard missing or
     * outside the folder, tensors missing (all listed), a tensor whose shape disagrees with
     * config.json (both shapes), or base-model tensors the config does not account for.
     */
    static TransformerModel load(const std::string& folder);

    TransformerModel(TransformerModel&&) noexcept;
    TransformerModel& operator=(TransformerModel&&) noexcept;
    ~TransformerModel();

    [[nodiscard]] const ModelConfig& config() const noexcept;
    /** The folder it was loaded from. */
    [[nodiscard]] const std::string& folder() const noexcept;
    /** Where the weights came from: "model.safetensors" or the index with its shard count. */
    [[nodiscard]] const std::string& weightsDescription() const noexcept;
    /** Stored names of checkpoint tensors that were ignored (task heads, buffers), sorted. */
    [[nodiscard]] const std::vector<std::string>& unusedTensors() const noexcept;

    /**
     * The longest input run() accepts: the position table's rows (max_position_embeddings /
     * n_positions), minus pad_token_id + 1 when positions start after the pad id
     * (PositionScheme::AfterPadding: RoBERTa). Callers truncate longer text to this.
     */
    [[nodiscard]] int maxPositions() const noexcept;
    [[nodiscard]] int layers() const noexcept;
    [[nodiscard]] int heads() const noexcept;
    [[nodiscard]] int hiddenSize() const noexcept;
    [[nodiscard]] int vocabSize() const noexcept;

    /**
     * Bytes run() needs at its peak for `tokens` tokens: the attentions of every layer and head
     * (L·H·S² floats), the hidden states and the largest layer's working set.
     */
    [[nodiscard]] std::uint64_t estimateRunBytes(std::int64_t tokens, int threads) const;

    /** Bytes the loaded network holds: every weight and the copies packed for the kernel. */
    [[nodiscard]] std::uint64_t residentBytes() const noexcept;

    /**
     * Runs the model on `ids` (one sequence). Throws Error when ids is empty, longer than
     * maxPositions(), holds an id outside [0, vocab size), or when estimateRunBytes() exceeds
     * options.memoryBudgetBytes (checked before anything is allocated); Cancelled when
     * options.cancel is set (polled between layers and inside the engine). Results do not depend
     * on options.threads.
     */
    [[nodiscard]] ModelOutput run(const std::vector<int>& ids,
                                  const ComputeOptions& options = {}) const;

private:
    struct Impl;
    explicit TransformerModel(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace attnscope
