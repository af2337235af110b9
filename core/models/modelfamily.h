#pragma once

#include "core/models/modelconfig.h"
#include "core/models/modelweights.h"
#include "core/models/transformernetwork.h"

#include <span>
#include <string>
#include <string_view>

namespace attnscope {

class ConfigFields;

/**
 * One architecture attnscope runs: everything that differs between, say, BERT and GPT-2, for
 * one Hugging Face `model_type`. Each family is defined in its own file under
 * core/models/families/ and listed once in the table of modelFamilies() (families/families.cpp);
 * the loader (parseModelConfig, TransformerModel::load) only walks the table. Adding a family is
 * one new file, one row in the table and its line in core/models/CMakeLists.txt.
 */
struct ModelFamily {
    /** config.json's `model_type` ("bert"). */
    std::string_view modelType;
    /**
     * Reads the family's fields of config.json (sizes, activation, options) into config, whose
     * modelType and family are already set. Fails through `fields` (an Error naming the file and
     * the field) on a missing or ill-typed field or an option attnscope does not implement.
     */
    void (*readConfig)(const ConfigFields& fields, ModelConfig& config);
    /** How checkpoints of the family name their tensors (prefix, namespaces, buffers). */
    WeightNaming (*weightNaming)();
    /**
     * Builds the network from the checkpoint: take()s every tensor with the shape config implies
     * and ends with weights.finish(), so it throws Error naming missing or misshapen tensors.
     */
    TransformerNetwork (*buildNetwork)(const ModelConfig& config, ModelWeights& weights);
    /** A decoder: token i attends only to tokens <= i (coref-eval leaves later tokens out). */
    bool causal = false;
};

/** The table: every family attnscope runs, in the order messages list them. */
std::span<const ModelFamily* const> modelFamilies();

/** The family whose modelType is `modelType`, or nullptr when attnscope does not run it. */
const ModelFamily* findModelFamily(std::string_view modelType);

/** "bert, roberta, distilbert, gpt2": the model types of the table, for messages. */
std::string supportedModelTypes();

} // namespace attnscope
