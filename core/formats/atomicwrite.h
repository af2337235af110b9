#pragma once

#include <string>
#include <string_view>

namespace attnscope {

/**
 * Writes `bytes` to `path` through a temporary file in the same folder that is renamed over the
 * target only after every byte reached it (QSaveFile), so a full disk or a crash never leaves a
 * half-written file. Throws Error naming the path and the reason.
 */
void writeFileAtomically(const std::string& path, std::string_view bytes);

} // namespace attnscope
