#include "core/tokenize/normalizers.h"

#include "core/tokenize/pattern.h"
#include "core/tokenize/unicode.h"

#include <vector>

namespace attnscope {

namespace {

class BertNormalizer final : public Normalizer {
public:
    BertNormalizer(bool cleanText, bool handleChineseChars, std::optional<bool> stripAccents,
                   bool lowercase)
        : m_cleanText(cleanText)
        , m_handleChineseChars(handleChineseChars)
        // BERT's rule: strip_accents left unset follows lowercase.
        , m_stripAccents(stripAccents.value_or(lowercase))
        , m_lowercase(lowercase) {}

    void normalize(NormalizedString& text) const override {
        if (m_cleanText) {
            text.filter(
                [](char32_t c) { return !(c == 0 || c == 0xFFFD || unicode::isBertControl(c)); });
            text.map([](char32_t c) { return unicode::isWhitespace(c) ? U' ' : c; });
        }
        if (m_handleChineseChars) {
            std::vector<std::pair<char32_t, int>> dest;
            bool any = false;
            for (char32_t c : text.text()) {
                if (unicode::isChineseChar(c)) {
                    dest.insert(dest.end(), {{U' ', 0}, {c, 1}, {U' ', 1}});
                    any = true;
                } else {
                    dest.emplace_back(c, 0);
                }
            }
            if (any) {
                text.transform(dest, 0);
            }
        }
        if (m_stripAccents) {
            text.nfd();
            text.filter([](char32_t c) { return !unicode::isNonSpacingMark(c); });
        }
        if (m_lowercase) {
            text.lowercase();
        }
    }

private:
    bool m_cleanText;
    bool m_handleChineseChars;
    bool m_stripAccents;
    bool m_lowercase;
};

enum class Form { NFD, NFKD, NFC, NFKC };

class UnicodeNormalizer final : public Normalizer {
public:
    explicit UnicodeNormalizer(Form form)
        : m_form(form) {}
    void normalize(NormalizedString& text) const override {
        switch (m_form) {
        case Form::NFD:
            text.nfd();
            break;
        case Form::NFKD:
            text.nfkd();
            break;
        case Form::NFC:
            text.nfc();
            break;
        case Form::NFKC:
            text.nfkc();
            break;
        }
    }

private:
    Form m_form;
};

class Lowercase final : public Normalizer {
public:
    void normalize(NormalizedString& text) const override { text.lowercase(); }
};

class StripAccents final : public Normalizer {
public:
    // Removes every combining mark; on its own it only strips accents from decomposed text, which
    // is why tokenizer files put NFD before it.
    void normalize(NormalizedString& text) const override {
        text.filter([](char32_t c) { return !unicode::isMark(c); });
    }
};

class Strip final : public Normalizer {
public:
    Strip(bool left, bool right)
        : m_left(left)
        , m_right(right) {}
    void normalize(NormalizedString& text) const override { text.strip(m_left, m_right); }

private:
    bool m_left;
    bool m_right;
};

class Replace final : public Normalizer {
public:
    Replace(Pattern pattern, std::u32string content)
        : m_pattern(std::move(pattern))
        , m_content(std::move(content)) {}
    void normalize(NormalizedString& text) const override {
        text.replace(m_pattern.find(text.text()), m_content);
    }

private:
    Pattern m_pattern;
    std::u32string m_content;
};

class Prepend final : public Normalizer {
public:
    explicit Prepend(std::u32string prefix)
        : m_prefix(std::move(prefix)) {}
    void normalize(NormalizedString& text) const override { text.prepend(m_prefix); }

private:
    std::u32string m_prefix;
};

class Sequence final : public Normalizer {
public:
    explicit Sequence(std::vector<std::shared_ptr<const Normalizer>> steps)
        : m_steps(std::move(steps)) {}
    void normalize(NormalizedString& text) const override {
        for (const auto& step : m_steps) {
            step->normalize(text);
        }
    }

private:
    std::vector<std::shared_ptr<const Normalizer>> m_steps;
};

} // namespace

std::shared_ptr<const Normalizer> Normalizer::fromJson(const QJsonValue& value,
                                                       const json::Where& where) {
    if (value.isNull() || value.isUndefined()) {
        return nullptr;
    }
    const QJsonObject object = json::object(value, where);
    const std::string type = json::typeTag(object, where);
    if (type == "BertNormalizer") {
        return std::make_shared<BertNormalizer>(
            json::optionalBool(object, "clean_text", true, where),
            json::optionalBool(object, "handle_chinese_chars", true, where),
            json::optionalTriBool(object, "strip_accents", where),
            json::optionalBool(object, "lowercase", true, where));
    }
    if (type == "NFD") {
        return std::make_shared<UnicodeNormalizer>(Form::NFD);
    }
    if (type == "NFKD") {
        return std::make_shared<UnicodeNormalizer>(Form::NFKD);
    }
    if (type == "NFC") {
        return std::make_shared<UnicodeNormalizer>(Form::NFC);
    }
    if (type == "NFKC") {
        return std::make_shared<UnicodeNormalizer>(Form::NFKC);
    }
    if (type == "Lowercase") {
        return std::make_shared<Lowercase>();
    }
    if (type == "StripAccents") {
        return std::make_shared<StripAccents>();
    }
    if (type == "Strip") {
        return std::make_shared<Strip>(json::optionalBool(object, "strip_left", true, where),
                                       json::optionalBool(object, "strip_right", true, where));
    }
    if (type == "Replace") {
        return std::make_shared<Replace>(
            Pattern::fromJson(json::required(object, "pattern", where), where / "pattern"),
            unicode::decodeUtf8(
                json::string(json::required(object, "content", where), where / "content")));
    }
    if (type == "Prepend") {
        return std::make_shared<Prepend>(unicode::decodeUtf8(
            json::string(json::required(object, "prepend", where), where / "prepend")));
    }
    if (type == "Sequence") {
        const json::Where listWhere = where / "normalizers";
        const QJsonArray list =
            json::array(json::required(object, "normalizers", where), listWhere);
        std::vector<std::shared_ptr<const Normalizer>> steps;
        for (qsizetype i = 0; i < list.size(); ++i) {
            if (auto step = fromJson(list.at(i), listWhere[i])) {
                steps.push_back(std::move(step));
            }
        }
        return std::make_shared<Sequence>(std::move(steps));
    }
    json::fail(where / "type", "unsupported normalizer '" + type +
                                   "' (supported: BertNormalizer, NFD, NFKD, NFC, NFKC, Lowercase, "
                                   "StripAccents, Strip, Replace, Prepend, Sequence)");
}

} // namespace attnscope
