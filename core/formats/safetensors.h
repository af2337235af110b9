#pragma once

#include "core/base/tensor.h"

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace attnscope::safetensors {

/**
 * Element types of the safetensors format that attnscope opens. Floats are converted to float32;
 * integers and booleans too (checkpoints carry int64 `position_ids` buffers and boolean masks; a
 * file that holds them must still open). The 8-bit float formats open but are refused when a
 * tensor of them is converted.
 */
enum class DType {
    F32,
    F16,
    BF16,
    F64,
    BOOL,
    U8,
    I8,
    I16,
    U16,
    I32,
    U32,
    I64,
    U64,
    F8_E4M3,
    F8_E5M2
};

/** One entry of the header: dtype, shape and its byte span relative to the data section. */
struct TensorInfo {
    std::string name;
    DType dtype = DType::F32;
    Shape shape;
    std::uint64_t begin = 0; ///< offset into the data section (after the 8-byte length + header)
    std::uint64_t end = 0;   ///< exclusive
};

/**
 * The validated header of a safetensors file: every entry has a known dtype, a non-negative shape
 * whose element count × dtype size equals its byte span, and spans lie inside the data section
 * without overlapping. `dataSize` is the size of the data section that the spans were checked
 * against.
 */
struct Header {
    std::vector<TensorInfo> tensors; ///< sorted by begin offset
    std::map<std::string, std::string> metadata;
    std::uint64_t dataOffset = 0; ///< 8 + header length
    std::uint64_t dataSize = 0;   ///< file size - dataOffset
};

/**
 * Parses and validates the header of a safetensors file whose full size is `fileSize`, given the
 * file's first bytes (at least 8 + header length of them). `sourceName` prefixes every error.
 * A header larger than 100 MB (the format's own limit) or than the file is refused before reading.
 */
Header parseHeader(std::span<const std::byte> prefix, std::uint64_t fileSize,
                   const std::string& sourceName);

/**
 * A safetensors file opened read-only and memory-mapped: tensors are converted to float32 only when
 * asked for, so opening a large checkpoint costs no copy.
 */
class File {
public:
    /** Opens and validates `path`; throws Error naming the file and the problem. */
    static File open(const std::string& path);

    File(File&&) noexcept;
    File& operator=(File&&) noexcept;
    ~File();

    [[nodiscard]] const std::string& path() const noexcept;
    [[nodiscard]] const Header& header() const noexcept;
    [[nodiscard]] bool contains(const std::string& name) const noexcept;
    /** The entry for `name`, or nullptr. */
    [[nodiscard]] const TensorInfo* find(const std::string& name) const noexcept;
    /** All tensor names in file order. */
    [[nodiscard]] std::vector<std::string> names() const;
    /** The tensor converted to float32; throws Error naming the file and tensor if absent. */
    [[nodiscard]] Tensor toFloat(const std::string& name) const;

private:
    struct Impl;
    explicit File(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

/** Serialises float32 tensors (in the given order) with optional `__metadata__`. */
std::string serialize(const std::vector<std::pair<std::string, Tensor>>& tensors,
                      const std::map<std::string, std::string>& metadata = {});
/** Writes atomically (temporary file then rename). */
void write(const std::string& path, const std::vector<std::pair<std::string, Tensor>>& tensors,
           const std::map<std::string, std::string>& metadata = {});

} // namespace attnscope::safetensors
