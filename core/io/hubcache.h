#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace attnscope {

/** One model of the local Hugging Face cache that attnscope can show. */
struct CachedModel {
    /** "org/name", or "name" for the Hub's old top-level models ("gpt2"). */
    std::string repoId;
    /** The snapshot folder's name: the commit hash of the revision. */
    std::string revision;
    /** The snapshot folder, ready for the model loader (its files may be links into blobs/). */
    std::string path;
    /** config.json's model_type: "bert", "roberta", "distilbert" or "gpt2". */
    std::string modelType;
    /**
     * Whether the weights are safetensors (model.safetensors, or every shard named by
     * model.safetensors.index.json). False for a pytorch_model.bin-only snapshot: listed so that
     * the user learns why it cannot be opened, but attnscope reads only safetensors.
     */
    bool hasSafetensors = false;
    /** Total size of the weight files, links resolved. */
    std::uint64_t weightBytes = 0;
};

/**
 * The supported models in the local Hugging Face cache (huggingface_hub's layout):
 *
 *     <cache>/models--{org}--{name}/refs/main             the commit hash of the current revision
 *     <cache>/models--{org}--{name}/snapshots/<commit>/    config.json, model.safetensors, ...
 *     <cache>/models--{org}--{name}/blobs/<hash>           the files that snapshots link to
 *
 * A snapshot counts when its config.json has a supported model_type (bert, roberta, distilbert,
 * gpt2) and it has weights (model.safetensors, model.safetensors.index.json with all its shards,
 * or pytorch_model.bin). One snapshot per repository is listed, chosen in this order: loadable
 * (safetensors) before not; the revision that refs/main names; the most recently modified.
 *
 * Scanning never throws: a messy cache (broken links from interrupted downloads, unreadable or
 * invalid config.json, unsupported architectures) is skipped, with one line per skipped thing in
 * `problems` for diagnostics.
 */
struct HubCache {
    /** The models found, sorted by repository id. */
    std::vector<CachedModel> models;
    /** Why repositories or snapshots were left out, one line each. */
    std::vector<std::string> problems;
    /** The cache folders that were searched, in order. */
    std::vector<std::string> roots;

    /**
     * Where the cache may be, in huggingface_hub's order of precedence, without duplicates:
     * `$HF_HUB_CACHE`, the older `$HUGGINGFACE_HUB_CACHE`, `$HF_HOME/hub`, transformers' legacy
     * `$TRANSFORMERS_CACHE`, and the default `${XDG_CACHE_HOME:-~/.cache}/huggingface/hub`.
     * Unset variables are skipped; a leading `~` is expanded. The folders need not exist.
     */
    static std::vector<std::string> locations();

    /** Scans locations(). */
    static HubCache scan();
    /**
     * Scans the given cache folders; when two hold the same repository, the first one's is
     * listed. Folders that do not exist are noted in `problems`.
     */
    static HubCache scan(const std::vector<std::string>& roots);

    /** Whether attnscope runs a config.json `model_type`. */
    static bool isSupportedModelType(const std::string& modelType);
};

} // namespace attnscope
