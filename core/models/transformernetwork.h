#pragma once

#include "core/models/embeddings.h"
#include "core/models/layerops.h"
#include "core/models/transformerblock.h"

#include <optional>
#include <vector>

namespace attnscope {

/**
 * The layers of a loaded model in the order they run: embeddings, the blocks, and (for pre-LN
 * models) a final LayerNorm. What a family's ModelFamily::buildNetwork (core/models/modelfamily.h)
 * builds from a checkpoint.
 */
struct TransformerNetwork {
    Embeddings embeddings;
    std::vector<TransformerBlock> blocks;
    std::optional<LayerNormWeights> finalNorm; ///< GPT-2's ln_f
};

} // namespace attnscope
