#include "core/tokenize/pretokenizers.h"

#include "core/tokenize/bytelevel.h"
#include "core/tokenize/pattern.h"
#include "core/tokenize/unicode.h"

namespace attnscope {

namespace {

template <typename F> void splitEach(std::vector<NormalizedString>& pieces, F&& splitOne) {
    std::vector<NormalizedString> out;
    out.reserve(pieces.size());
    for (const NormalizedString& piece : pieces) {
        for (NormalizedString& sub : splitOne(piece)) {
            if (!sub.empty()) {
                out.push_back(std::move(sub));
            }
        }
    }
    pieces = std::move(out);
}

class BertPreTokenizer final : public PreTokenizer {
public:
    void preTokenize(std::vector<NormalizedString>& pieces) const override {
        splitEach(pieces, [](const NormalizedString& p) {
            return p.split(findCharMatches(p.text(), unicode::isWhitespace),
                           SplitBehavior::Removed);
        });
        splitEach(pieces, [](const NormalizedString& p) {
            return p.split(findCharMatches(p.text(), unicode::isBertPunctuation),
                           SplitBehavior::Isolated);
        });
    }
};

class WhitespaceSplit final : public PreTokenizer {
public:
    void preTokenize(std::vector<NormalizedString>& pieces) const override {
        splitEach(pieces, [](const NormalizedString& p) {
            return p.split(findCharMatches(p.text(), unicode::isWhitespace),
                           SplitBehavior::Removed);
        });
    }
};

// Hugging Face's Whitespace: keeps the matches of `\w+|[^\w\s]+` (Rust regex, Unicode classes).
class Whitespace final : public PreTokenizer {
public:
    void preTokenize(std::vector<NormalizedString>& pieces) const override {
        splitEach(pieces, [](const NormalizedString& p) {
            const std::u32string& s = p.text();
            const int n = static_cast<int>(s.size());
            std::vector<Span> matches;
            int i = 0;
            while (i < n) {
                const char32_t c = s[static_cast<std::size_t>(i)];
                if (unicode::isWhitespace(c)) {
                    ++i;
                    continue;
                }
                const bool word = unicode::isWordChar(c);
                int j = i + 1;
                while (j < n) {
                    const char32_t d = s[static_cast<std::size_t>(j)];
                    if (word ? !unicode::isWordChar(d)
                             : (unicode::isWordChar(d) || unicode::isWhitespace(d))) {
                        break;
                    }
                    ++j;
                }
                matches.emplace_back(i, j);
                i = j;
            }
            return p.split(invertPieces(piecesFromMatches(n, matches)), SplitBehavior::Removed);
        });
    }
};

class ByteLevel final : public PreTokenizer {
public:
    ByteLevel(bool addPrefixSpace, bool useRegex)
        : m_addPrefixSpace(addPrefixSpace)
        , m_useRegex(useRegex) {}

    bool isByteLevel() const override { return true; }

    void preTokenize(std::vector<NormalizedString>& pieces) const override {
        splitEach(pieces, [this](const NormalizedString& piece) {
            NormalizedString p = piece;
            // Every piece gets the space, also those after an added token, as in the reference.
            if (m_addPrefixSpace && p.text().front() != U' ') {
                p.prepend(U" ");
            }
            if (!m_useRegex) {
                return std::vector<NormalizedString>{p};
            }
            return p.split(piecesFromMatches(p.size(), gpt2Matches(p.text())),
                           SplitBehavior::Isolated);
        });
        for (NormalizedString& p : pieces) {
            std::vector<std::pair<char32_t, int>> dest;
            dest.reserve(p.text().size() * 2);
            std::string utf8;
            for (char32_t c : p.text()) {
                utf8.clear();
                unicode::appendUtf8(utf8, c);
                for (std::size_t k = 0; k < utf8.size(); ++k) {
                    dest.emplace_back(bytelevel::charForByte(static_cast<unsigned char>(utf8[k])),
                                      k > 0 ? 1 : 0);
                }
            }
            p.transform(dest, 0);
        }
    }

private:
    bool m_addPrefixSpace;
    bool m_useRegex;
};

class Split final : public PreTokenizer {
public:
    Split(Pattern pattern, SplitBehavior behavior, bool invert)
        : m_pattern(std::move(pattern))
        , m_behavior(behavior)
        , m_invert(invert) {}

    void preTokenize(std::vector<NormalizedString>& pieces) const override {
        splitEach(pieces, [this](const NormalizedString& p) {
            auto found = m_pattern.find(p.text());
            return p.split(m_invert ? invertPieces(std::move(found)) : found, m_behavior);
        });
    }

private:
    Pattern m_pattern;
    SplitBehavior m_behavior;
    bool m_invert;
};

class Sequence final : public PreTokenizer {
public:
    explicit Sequence(std::vector<std::shared_ptr<const PreTokenizer>> steps)
        : m_steps(std::move(steps)) {}
    void preTokenize(std::vector<NormalizedString>& pieces) const override {
        for (const auto& step : m_steps) {
            step->preTokenize(pieces);
        }
    }
    bool isByteLevel() const override {
        for (const auto& step : m_steps) {
            if (step->isByteLevel()) {
                return true;
            }
        }
        return false;
    }

private:
    std::vector<std::shared_ptr<const PreTokenizer>> m_steps;
};

SplitBehavior behaviorFromJson(const QJsonObject& object, const json::Where& where) {
    const std::string name =
        json::string(json::required(object, "behavior", where), where / "behavior");
    if (name == "Removed") {
        return SplitBehavior::Removed;
    }
    if (name == "Isolated") {
        return SplitBehavior::Isolated;
    }
    if (name == "MergedWithPrevious") {
        return SplitBehavior::MergedWithPrevious;
    }
    if (name == "MergedWithNext") {
        return SplitBehavior::MergedWithNext;
    }
    if (name == "Contiguous") {
        return SplitBehavior::Contiguous;
    }
    json::fail(where / "behavior", "unknown behavior '" + name +
                                       "' (expected Removed, Isolated, MergedWithPrevious, "
                                       "MergedWithNext or Contiguous)");
}

} // namespace

std::vector<Span> gpt2Matches(const std::u32string& s) {
    // 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
    const int n = static_cast<int>(s.size());
    const auto at = [&](int k) {
        return s[static_cast<std::size_t>(k)];
    };
    const auto isOther = [](char32_t c) {
        return !unicode::isWhitespace(c) && !unicode::isLetter(c) && !unicode::isNumber(c);
    };
    std::vector<Span> matches;
    int i = 0;
    while (i < n) {
        const char32_t c = at(i);
        if (c == U'\'' && i + 1 < n) {
            const char32_t a = at(i + 1);
            const char32_t b = i + 2 < n ? at(i + 2) : 0;
            int length = 0;
            if (a == U's' || a == U't' || a == U'm' || a == U'd') {
                length = 2;
            } else if ((a == U'r' && b == U'e') || (a == U'v' && b == U'e') ||
                       (a == U'l' && b == U'l')) {
                length = 3;
            }
            if (length > 0) {
                matches.emplace_back(i, i + length);
                i += length;
                continue;
            }
        }
        const int j = (c == U' ' && i + 1 < n) ? i + 1 : i;
        const char32_t first = at(j);
        bool (*const classes[])(char32_t) = {unicode::isLetter, unicode::isNumber};
        bool matched = false;
        for (auto inClass : classes) {
            if (inClass(first)) {
                int k = j;
                while (k < n && inClass(at(k))) {
                    ++k;
                }
                matches.emplace_back(i, k);
                i = k;
                matched = true;
                break;
            }
        }
        if (matched) {
            continue;
        }
        if (isOther(first)) {
            int k = j;
            while (k < n && isOther(at(k))) {
                ++k;
            }
            matches.emplace_back(i, k);
            i = k;
            continue;
        }
        // A whitespace run: all of it at the end of the text, else all but its last code point
        // (which then leads the next word), else (a single one) just it.
        int k = i;
        while (k < n && unicode::isWhitespace(at(k))) {
            ++k;
        }
        if (k < n && k - 1 > i) {
            k -= 1;
        }
        matches.emplace_back(i, k);
        i = k;
    }
    return matches;
}

std::shared_ptr<const PreTokenizer> PreTokenizer::fromJson(const QJsonValue& value,
                                                           const json::Where& where) {
    if (value.isNull() || value.isUndefined()) {
        return nullptr;
    }
    const QJsonObject object = json::object(value, where);
    const std::string type = json::typeTag(object, where);
    if (type == "BertPreTokenizer") {
        return std::make_shared<BertPreTokenizer>();
    }
    if (type == "ByteLevel") {
        return std::make_shared<ByteLevel>(
            json::optionalBool(object, "add_prefix_space", true, where),
            json::optionalBool(object, "use_regex", true, where));
    }
    if (type == "Whitespace") {
        return std::make_shared<Whitespace>();
    }
    if (type == "WhitespaceSplit") {
        return std::make_shared<WhitespaceSplit>();
    }
    if (type == "Split") {
        return std::make_shared<Split>(
            Pattern::fromJson(json::required(object, "pattern", where), where / "pattern"),
            behaviorFromJson(object, where), json::optionalBool(object, "invert", false, where));
    }
    if (type == "Sequence") {
        const json::Where listWhere = where / "pretokenizers";
        const QJsonArray list =
            json::array(json::required(object, "pretokenizers", where), listWhere);
        std::vector<std::shared_ptr<const PreTokenizer>> steps;
        for (qsizetype i = 0; i < list.size(); ++i) {
            if (auto step = fromJson(list.at(i), listWhere[i])) {
                steps.push_back(std::move(step));
            }
        }
        return std::make_shared<Sequence>(std::move(steps));
    }
    json::fail(where / "type", "unsupported pre-tokenizer '" + type +
                                   "' (supported: BertPreTokenizer, ByteLevel, Whitespace, "
                                   "WhitespaceSplit, Split, Sequence)");
}

} // namespace attnscope
