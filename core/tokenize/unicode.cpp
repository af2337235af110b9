#include "core/tokenize/unicode.h"

#include <QChar>
#include <QString>

namespace attnscope::unicode {

namespace {

// Length of the well-formed UTF-8 sequence starting at `i` (RFC 3629 / Unicode table 3-7), or, if
// it is ill-formed, minus the length of its maximal subpart (the bytes to replace by one U+FFFD).
int sequenceLength(std::string_view s, std::size_t i, char32_t& out) {
    const auto byte = [&](std::size_t k) {
        return static_cast<unsigned char>(s[i + k]);
    };
    const unsigned char b0 = byte(0);
    if (b0 < 0x80) {
        out = b0;
        return 1;
    }
    int length = 0;
    unsigned char lo = 0x80;
    unsigned char hi = 0xBF;
    char32_t c = 0;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        length = 2;
        c = b0 & 0x1F;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        length = 3;
        c = b0 & 0x0F;
        lo = b0 == 0xE0 ? 0xA0 : 0x80;
        hi = b0 == 0xED ? 0x9F : 0xBF;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        length = 4;
        c = b0 & 0x07;
        lo = b0 == 0xF0 ? 0x90 : 0x80;
        hi = b0 == 0xF4 ? 0x8F : 0xBF;
    } else {
        return -1;
    }
    for (int k = 1; k < length; ++k) {
        if (i + static_cast<std::size_t>(k) >= s.size()) {
            return -k;
        }
        const unsigned char b = byte(static_cast<std::size_t>(k));
        if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xBF)) {
            return -k;
        }
        c = (c << 6) | (b & 0x3F);
    }
    out = c;
    return length;
}

QChar::Category category(char32_t c) {
    return QChar::category(c);
}

} // namespace

std::u32string decodeUtf8(std::string_view utf8) {
    std::u32string out;
    out.reserve(utf8.size());
    std::size_t i = 0;
    while (i < utf8.size()) {
        char32_t c = 0;
        const int n = sequenceLength(utf8, i, c);
        out.push_back(n > 0 ? c : U'\uFFFD');
        i += static_cast<std::size_t>(n > 0 ? n : -n);
    }
    return out;
}

bool isValidUtf8(std::string_view utf8) {
    std::size_t i = 0;
    while (i < utf8.size()) {
        char32_t c = 0;
        const int n = sequenceLength(utf8, i, c);
        if (n <= 0) {
            return false;
        }
        i += static_cast<std::size_t>(n);
    }
    return true;
}

void appendUtf8(std::string& out, char32_t c) {
    if (c < 0x80) {
        out.push_back(static_cast<char>(c));
    } else if (c < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (c >> 6)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else if (c < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (c >> 12)));
        out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (c >> 18)));
        out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
}

std::string encodeUtf8(std::u32string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char32_t c : text) {
        appendUtf8(out, c);
    }
    return out;
}

// By hand rather than QString::fromUcs4, which takes a leading U+FEFF for a byte order mark and
// drops it.
QString toQString(std::u32string_view text) {
    QString out;
    out.reserve(static_cast<qsizetype>(text.size()));
    for (char32_t c : text) {
        if (QChar::requiresSurrogates(c)) {
            out.append(QChar(QChar::highSurrogate(c)));
            out.append(QChar(QChar::lowSurrogate(c)));
        } else {
            out.append(QChar(static_cast<char16_t>(c)));
        }
    }
    return out;
}

std::u32string fromQString(const QString& text) {
    std::u32string out;
    out.reserve(static_cast<std::size_t>(text.size()));
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (c.isHighSurrogate() && i + 1 < text.size() && text.at(i + 1).isLowSurrogate()) {
            out.push_back(QChar::surrogateToUcs4(c, text.at(i + 1)));
            ++i;
        } else {
            out.push_back(c.unicode());
        }
    }
    return out;
}

bool isWhitespace(char32_t c) {
    switch (c) {
    case 0x09:
    case 0x0A:
    case 0x0B:
    case 0x0C:
    case 0x0D:
    case 0x20:
    case 0x85:
    case 0xA0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000:
        return true;
    default:
        return c >= 0x2000 && c <= 0x200A;
    }
}

bool isBertControl(char32_t c) {
    if (c == U'\t' || c == U'\n' || c == U'\r') {
        return false;
    }
    switch (category(c)) {
    case QChar::Other_Control:
    case QChar::Other_Format:
    case QChar::Other_NotAssigned:
    case QChar::Other_PrivateUse:
        return true;
    default:
        return false;
    }
}

bool isChineseChar(char32_t c) {
    return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) ||
           (c >= 0x20000 && c <= 0x2A6DF) || (c >= 0x2A700 && c <= 0x2B73F) ||
           (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B920 && c <= 0x2CEAF) ||
           (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
}

bool isBertPunctuation(char32_t c) {
    if ((c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) ||
        (c >= 123 && c <= 126)) {
        return true;
    }
    switch (category(c)) {
    case QChar::Punctuation_Connector:
    case QChar::Punctuation_Dash:
    case QChar::Punctuation_Open:
    case QChar::Punctuation_Close:
    case QChar::Punctuation_InitialQuote:
    case QChar::Punctuation_FinalQuote:
    case QChar::Punctuation_Other:
        return true;
    default:
        return false;
    }
}

bool isLetter(char32_t c) {
    switch (category(c)) {
    case QChar::Letter_Uppercase:
    case QChar::Letter_Lowercase:
    case QChar::Letter_Titlecase:
    case QChar::Letter_Modifier:
    case QChar::Letter_Other:
        return true;
    default:
        return false;
    }
}

bool isNumber(char32_t c) {
    switch (category(c)) {
    case QChar::Number_DecimalDigit:
    case QChar::Number_Letter:
    case QChar::Number_Other:
        return true;
    default:
        return false;
    }
}

bool isNonSpacingMark(char32_t c) {
    return category(c) == QChar::Mark_NonSpacing;
}

bool isMark(char32_t c) {
    switch (category(c)) {
    case QChar::Mark_NonSpacing:
    case QChar::Mark_SpacingCombining:
    case QChar::Mark_Enclosing:
        return true;
    default:
        return false;
    }
}

bool isWordChar(char32_t c) {
    if (c < 0x80) {
        return (c >= U'0' && c <= U'9') || (c >= U'a' && c <= U'z') || (c >= U'A' && c <= U'Z') ||
               c == U'_';
    }
    if (c == 0x200C || c == 0x200D) {
        return true; // Join_Control
    }
    // Symbols that carry Other_Alphabetic (circled and squared Latin letters).
    if ((c >= 0x24B6 && c <= 0x24E9) || (c >= 0x1F130 && c <= 0x1F149) ||
        (c >= 0x1F150 && c <= 0x1F169) || (c >= 0x1F170 && c <= 0x1F189)) {
        return true;
    }
    if (isLetter(c) || isMark(c)) {
        return true;
    }
    const QChar::Category cat = category(c);
    return cat == QChar::Number_DecimalDigit || cat == QChar::Number_Letter ||
           cat == QChar::Punctuation_Connector;
}

std::u32string toLowercase(char32_t c) {
    if (c < 0x80) {
        return std::u32string(1, (c >= U'A' && c <= U'Z') ? c + 32 : c);
    }
    // QString::toLower applies the full (SpecialCasing) mappings without context, like Rust's
    // char::to_lowercase; a single code point gives no final-sigma context.
    return fromQString(toQString(std::u32string_view(&c, 1)).toLower());
}

std::u32string decompose(char32_t c, bool compatibility) {
    // Nothing below U+00A0 decomposes, in either form.
    if (c < 0xA0) {
        return std::u32string(1, c);
    }
    return fromQString(toQString(std::u32string_view(&c, 1))
                           .normalized(compatibility ? QString::NormalizationForm_KD
                                                     : QString::NormalizationForm_D));
}

int combiningClass(char32_t c) {
    return c < 0x300 ? 0 : QChar::combiningClass(c);
}

std::u32string compose(std::u32string_view decomposed) {
    bool ascii = true;
    for (char32_t c : decomposed) {
        ascii = ascii && c < 0x80;
    }
    if (ascii) {
        return std::u32string(decomposed);
    }
    return fromQString(toQString(decomposed).normalized(QString::NormalizationForm_C));
}

} // namespace attnscope::unicode
