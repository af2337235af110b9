// libFuzzer target: loading a tokenizer.json from arbitrary text, then encoding a few strings
// (ASCII, accents, CJK, emoji, special-token text, control characters, invalid UTF-8) with and
// without special tokens. Only attnscope::Error may come out, and every encoding must be
// consistent: one id, token, offset, flag and display string per token, offsets in range.
#include "core/base/error.h"
#include "core/tokenize/tokenizer.h"

#include <cstddef>
#include <cstdint>
#include <string>

namespace {

const char* const kTexts[] = {
    "Hello, world! The dog barked because it was hungry.",
    // One element in two literals (parenthesised: clang's -Wstring-concatenation).
    ("  caf\xC3\xA9 na\xC3\xAFve \xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E \xF0\x9F\x98\x80 [SEP] "
     "<s> <|endoftext|> unbelievable"),
    "",
    "a\tb\nc\r\x01 \xE2\x80\x8B \xFF\xFE x",
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string json(reinterpret_cast<const char*>(data), size);
    try {
        const auto tokenizer = attnscope::Tokenizer::fromTokenizerJsonText(json, "fuzz.json");
        for (const char* text : kTexts) {
            for (bool special : {true, false}) {
                try {
                    const attnscope::Encoding encoding = tokenizer.encode(text, special);
                    const std::size_t n = encoding.ids.size();
                    if (encoding.tokens.size() != n || encoding.offsets.size() != n ||
                        encoding.special.size() != n || encoding.display.size() != n)
                        __builtin_trap();
                    // Offsets count code points, never more than the text's bytes.
                    const int limit = static_cast<int>(std::string(text).size());
                    for (const auto& [start, end] : encoding.offsets)
                        if (start < 0 || start > end || end > limit)
                            __builtin_trap();
                } catch (const attnscope::Error&) {
                    // A vocabulary without the unknown token refuses some texts: documented.
                }
            }
        }
    } catch (const attnscope::Error&) {
    }
    return 0;
}
