#pragma once

#include <string>
#include <string_view>

class QString;

/**
 * Unicode helpers for the tokenizer pipeline: UTF-8 decoding and encoding, and the character
 * classes that Hugging Face `tokenizers` (Rust) uses, so that every normalizer and pre-tokenizer
 * classifies a character exactly as the reference does. Everything works on code points (char32_t).
 */
namespace attnscope::unicode {

/**
 * Decodes UTF-8. Each maximal ill-formed subsequence (a stray byte, a truncated sequence, an
 * overlong form, a surrogate) becomes one U+FFFD, Unicode's recommended practice (also Python's and
 * Qt's), so any byte string can be tokenized and offsets stay defined.
 */
std::u32string decodeUtf8(std::string_view utf8);
/** Encodes code points as UTF-8. */
std::string encodeUtf8(std::u32string_view text);
/** Appends one code point as UTF-8. */
void appendUtf8(std::string& out, char32_t c);
/** Whether a byte string is well-formed UTF-8. */
bool isValidUtf8(std::string_view utf8);

QString toQString(std::u32string_view text);
std::u32string fromQString(const QString& text);

/** Rust's `char::is_whitespace`: the Unicode White_Space property. */
bool isWhitespace(char32_t c);
/** BERT's control test: categories Cc, Cf, Cn, Co, except tab, newline and carriage return. */
bool isBertControl(char32_t c);
/** BERT's "Chinese character": the CJK Unified Ideographs blocks and their extensions. */
bool isChineseChar(char32_t c);
/** BERT's punctuation: ASCII punctuation (which includes $+<=>^`|~) or any P* category. */
bool isBertPunctuation(char32_t c);
/** Rust regex's Unicode `\w`: Alphabetic, marks, decimal digits, connector punctuation, ZWNJ/ZWJ.
 */
bool isWordChar(char32_t c);
/** `\p{L}`. */
bool isLetter(char32_t c);
/** `\p{N}`. */
bool isNumber(char32_t c);
/** General category Mn. */
bool isNonSpacingMark(char32_t c);
/** General category M (Mn, Mc, Me). */
bool isMark(char32_t c);

/** Rust's `char::to_lowercase`: the full, context-free lowercase mapping (İ gives two code points).
 */
std::u32string toLowercase(char32_t c);
/** Canonical (or, with `compatibility`, compatibility) decomposition of one code point,
 * recursively. */
std::u32string decompose(char32_t c, bool compatibility);
/** Canonical combining class. */
int combiningClass(char32_t c);
/** Canonical composition of an already decomposed sequence (NFC of it). */
std::u32string compose(std::u32string_view decomposed);

} // namespace attnscope::unicode
