// libFuzzer target: config.json parsing (core/models/modelconfig.h). Only attnscope::Error may
// come out, and an accepted config must have the sizes a model needs.
#include "core/base/error.h"
#include "core/models/modelconfig.h"

#include <QByteArray>
#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const QByteArray json(reinterpret_cast<const char*>(data), static_cast<qsizetype>(size));
    try {
        const attnscope::ModelConfig config = attnscope::parseModelConfig(json, "config.json");
        if (config.numHeads <= 0 || config.hiddenSize <= 0 || config.numLayers <= 0 ||
            config.hiddenSize % config.numHeads != 0)
            __builtin_trap();
    } catch (const attnscope::Error&) {
    }
    return 0;
}
