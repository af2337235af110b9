#include "core/tokenize/bytelevel.h"

#include "core/tokenize/unicode.h"

#include <array>
#include <cstdio>

namespace attnscope::bytelevel {

namespace {

struct Tables {
    std::array<char32_t, 256> charOf{};
    Tables() {
        char32_t next = 256;
        for (int b = 0; b < 256; ++b) {
            const bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || b >= 0xAE;
            charOf[static_cast<std::size_t>(b)] = printable ? static_cast<char32_t>(b) : next++;
        }
    }
};

const Tables& tables() {
    static const Tables t;
    return t;
}

} // namespace

char32_t charForByte(unsigned char byte) {
    return tables().charOf[byte];
}

std::optional<unsigned char> byteForChar(char32_t c) {
    if (c < 256) {
        const bool printable = (c >= '!' && c <= '~') || (c >= 0xA1 && c <= 0xAC) || c >= 0xAE;
        if (printable) {
            return static_cast<unsigned char>(c);
        }
        return std::nullopt;
    }
    if (c < 256 + 68) {
        // The non-printable bytes in increasing order took U+0100, U+0101, ...
        int index = static_cast<int>(c - 256);
        for (int b = 0; b < 256; ++b) {
            if (tables().charOf[static_cast<std::size_t>(b)] >= 256 && index-- == 0) {
                return static_cast<unsigned char>(b);
            }
        }
    }
    return std::nullopt;
}

std::optional<std::string> display(const std::string& token) {
    std::string bytes;
    for (char32_t c : unicode::decodeUtf8(token)) {
        const auto b = byteForChar(c);
        if (!b) {
            return std::nullopt;
        }
        bytes.push_back(static_cast<char>(*b));
    }
    std::string out;
    std::size_t i = 0;
    while (i < bytes.size()) {
        const auto b = static_cast<unsigned char>(bytes[i]);
        if (b < 0x80) {
            if (b == ' ') {
                out += "\u2423"; // ␣
            } else if (b == '\n') {
                out += "\u21B5"; // ↵
            } else if (b == '\t') {
                out += "\u21E5"; // ⇥
            } else if (b < 0x20) {
                unicode::appendUtf8(out, 0x2400 + b); // Control Pictures: ␀ ... ␟
            } else if (b == 0x7F) {
                out += "\u2421"; // ␡
            } else {
                out.push_back(static_cast<char>(b));
            }
            ++i;
            continue;
        }
        // Take the longest well-formed UTF-8 sequence here; a lone or partial byte shows as hex.
        std::size_t length = 0;
        for (std::size_t n = 2; n <= 4 && i + n <= bytes.size() && length == 0; ++n) {
            if (unicode::isValidUtf8(std::string_view(bytes).substr(i, n))) {
                length = n;
            }
        }
        if (length > 0) {
            out.append(bytes, i, length);
            i += length;
        } else {
            char hex[8];
            std::snprintf(hex, sizeof hex, "<0x%02X>", b);
            out += hex;
            ++i;
        }
    }
    return out;
}

} // namespace attnscope::bytelevel
