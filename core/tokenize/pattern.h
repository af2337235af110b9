#pragma once

#include "core/tokenize/jsonreader.h"
#include "core/tokenize/normalizedstring.h"

#include <QRegularExpression>
#include <string>

namespace attnscope {

/**
 * The `pattern` of Hugging Face's Split pre-tokenizer and Replace normalizer: a literal string or a
 * regular expression. The reference compiles regexes with Oniguruma; here they run on PCRE2
 * (through QRegularExpression) with Unicode properties, which agrees on the syntax tokenizer files
 * use.
 */
class Pattern {
public:
    static Pattern literal(std::u32string text);
    /** Throws attnscope::Error naming `where` if the regex does not compile. */
    static Pattern regex(const std::string& utf8Regex, const json::Where& where);
    /** `{"String": "..."}` or `{"Regex": "..."}`, as tokenizer.json writes them. */
    static Pattern fromJson(const QJsonValue& value, const json::Where& where);

    /** Pieces covering the whole text, each flagged as matched or not. */
    std::vector<PatternPiece> find(const std::u32string& text) const;

private:
    bool m_isRegex = false;
    std::u32string m_literal;
    QRegularExpression m_regex;
};

} // namespace attnscope
