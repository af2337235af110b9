#pragma once

#include "core/base/tensor.h"

#include <string>
#include <vector>

namespace attnscope {

/**
 * Attention computed elsewhere and brought into attnscope: for models too big for a desktop, run
 * them in PyTorch (see tools/export_attention.py) and open the maps here.
 *
 * Two layouts are read:
 *
 * - a `.npy` file of float32 or float64 attention probabilities, [L, H, S, S] or [H, S, S] (one
 *   layer), plus a tokens file: a JSON list of S strings. For convenience, PyTorch's batch axis of
 *   size 1 may be left in: [L, 1, H, S, S] (torch.stack of transformers' `attentions`) and
 *   [1, H, S, S] with L = 1 are read too.
 * - a `.safetensors` file with one [H, S, S] tensor (or [1, H, S, S]) per layer, in any dtype the
 *   safetensors reader knows. Layers are ordered by the numbers in the tensor names, compared as
 *   numbers: "layer2" < "layer10", "encoder.layer.3.attn" < "encoder.layer.11.attn"; names without
 *   numbers compare as text. The tokens may come from `__metadata__` {"tokens": "<JSON list>"}
 *   so that one file is enough; a tokens file, when given, takes precedence.
 *
 * Validation: S x S maps, the same H and S in every layer, S tokens, and values that are
 * probabilities: NaN, infinities, negative values and values above 1 + 1e-3 are errors (they mean
 * scores before the softmax, or a broken export). Rows whose sum is not within 1e-3 of 1 are
 * accepted (averaged, masked or renormalised maps) and reported once in `warnings`.
 */
struct ImportedAttention {
    /** [L, H, S, S], float32. */
    Tensor attentions;
    /** S token strings, shown as the axis labels. */
    std::vector<std::string> tokens;
    /** Things the user should know that did not stop the import, one line each. */
    std::vector<std::string> warnings;

    /** How far a row's sum may be from 1, and a value above 1, before it is flagged. */
    static constexpr double kTolerance = 1e-3;

    /** Reads `.npy` attentions and a tokens JSON file. Throws Error naming the file and field. */
    static ImportedAttention readNpy(const std::string& npyPath, const std::string& tokensPath);
    /**
     * Reads a `.safetensors` file; `tokensPath` may be empty when the file carries its tokens in
     * its metadata. Throws Error naming the file and field.
     */
    static ImportedAttention readSafetensors(const std::string& path,
                                             const std::string& tokensPath = {});
    /** readSafetensors for a `.safetensors` file name, readNpy for anything else. */
    static ImportedAttention read(const std::string& path, const std::string& tokensPath = {});

    /**
     * Checks `attentions` [L, H, S, S] and `tokens` as described above; throws Error (naming
     * `source`) or returns the warnings. Used by the readers and the writers.
     */
    static std::vector<std::string> validate(const Tensor& attentions,
                                             const std::vector<std::string>& tokens,
                                             const std::string& source);

    /**
     * Writes `attentions` as float32 [L, H, S, S] `.npy` and `tokens` as a JSON list, each
     * atomically. Validates first (throws Error).
     */
    void writeNpy(const std::string& npyPath, const std::string& tokensPath) const;
    /**
     * Writes one float32 [H, S, S] tensor per layer named "layer0", "layer1", ..., with the
     * tokens in `__metadata__` as a JSON list. Validates first (throws Error).
     */
    void writeSafetensors(const std::string& path) const;
};

/**
 * Orders strings by the numbers they contain ("layer2" < "layer10"): digit runs compare by value,
 * other runs as bytes; strings equal in that order (e.g. "l01", "l1") fall back to plain byte
 * order, so that the order is total. Used to order safetensors layers.
 */
bool naturalLess(const std::string& a, const std::string& b);

} // namespace attnscope
