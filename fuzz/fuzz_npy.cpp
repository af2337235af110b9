// libFuzzer target: the .npy parser on arbitrary bytes. Only attnscope::Error may come out, and
// an accepted array must be as large as its shape says.
#include "core/base/error.h"
#include "core/formats/npy.h"

#include <cstddef>
#include <cstdint>
#include <span>
#include <variant>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto bytes = std::as_bytes(std::span(data, size));
    try {
        const attnscope::npy::Array array = attnscope::npy::parse(bytes, "fuzz.npy");
        const std::int64_t count = attnscope::checkedElementCount(array.shape());
        const std::int64_t stored =
            std::visit([](const auto& tensor) { return tensor.numel(); }, array.data);
        if (count != stored)
            __builtin_trap();
    } catch (const attnscope::Error&) {
        // A clear refusal is the expected outcome for most inputs.
    }
    return 0;
}
