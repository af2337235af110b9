#pragma once

#include <optional>
#include <string>

namespace attnscope::bytelevel {

/**
 * GPT-2's reversible byte-to-character table (Radford et al. 2019, `bytes_to_unicode` in
 * openai/gpt-2 encoder.py): printable Latin-1 bytes stand for themselves, the other 68 bytes map to
 * U+0100 onwards, so that a space becomes `Ġ` and a newline `Ċ`.
 */
char32_t charForByte(unsigned char byte);
/** The byte a table character stands for, if it is one. */
std::optional<unsigned char> byteForChar(char32_t c);

/**
 * A readable form of a byte-level token: its bytes decoded as UTF-8, with a space shown as `␣`, a
 * newline as `↵`, a tab as `⇥`, other control bytes as their Control Pictures symbol, and bytes
 * that are only part of a character as `<0xF0>`. Returns nullopt if `token` is not made of table
 * characters (an added token, for example).
 */
std::optional<std::string> display(const std::string& token);

} // namespace attnscope::bytelevel
