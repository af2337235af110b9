// libFuzzer target: the safetensors header parser, given the input both as a whole file and as
// the first bytes of a much larger one (as File::open and a partial read would). Only
// attnscope::Error may come out, and an accepted header must keep its documented invariants.
#include "core/base/error.h"
#include "core/formats/safetensors.h"

#include <cstddef>
#include <cstdint>
#include <span>

namespace {

void parse(std::span<const std::byte> bytes, std::uint64_t fileSize) {
    try {
        const auto header = attnscope::safetensors::parseHeader(bytes, fileSize, "fuzz");
        if (header.dataOffset > fileSize || header.dataSize != fileSize - header.dataOffset)
            __builtin_trap();
        std::uint64_t previousEnd = 0;
        for (const auto& tensor : header.tensors) {
            // Spans lie in the data section, sorted, and non-empty ones do not overlap.
            if (tensor.begin > tensor.end || tensor.end > header.dataSize)
                __builtin_trap();
            if (tensor.begin != tensor.end) {
                if (tensor.begin < previousEnd)
                    __builtin_trap();
                previousEnd = tensor.end;
            }
            if (attnscope::checkedElementCount(tensor.shape) < 0)
                __builtin_trap();
        }
    } catch (const attnscope::Error&) {
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto bytes = std::as_bytes(std::span(data, size));
    parse(bytes, size);
    parse(bytes, std::uint64_t{size} + (std::uint64_t{1} << 32));
    return 0;
}
