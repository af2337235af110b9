#include "core/tokenize/addedvocabulary.h"

#include "core/tokenize/model.h"
#include "core/tokenize/normalizers.h"
#include "core/tokenize/unicode.h"

#include <algorithm>

namespace attnscope {

namespace {

bool sameToken(const AddedToken& a, const AddedToken& b) {
    return a.content == b.content && a.singleWord == b.singleWord && a.lstrip == b.lstrip &&
           a.rstrip == b.rstrip && a.normalized == b.normalized && a.special == b.special;
}

} // namespace

void AddedVocabulary::load(const QJsonValue& value, const json::Where& where, const Model& model,
                           const Normalizer* normalizer) {
    if (value.isNull() || value.isUndefined()) {
        return;
    }
    const QJsonArray list = json::array(value, where);
    std::vector<AddedToken> tokens;
    for (qsizetype i = 0; i < list.size(); ++i) {
        const json::Where at = where[i];
        const QJsonObject object = json::object(list.at(i), at);
        AddedToken token;
        token.content = json::string(json::required(object, "content", at), at / "content");
        token.special = json::optionalBool(object, "special", false, at);
        token.singleWord = json::optionalBool(object, "single_word", false, at);
        token.lstrip = json::optionalBool(object, "lstrip", false, at);
        token.rstrip = json::optionalBool(object, "rstrip", false, at);
        token.normalized = json::optionalBool(object, "normalized", !token.special, at);
        // The file's "id" is only checked for type: the reference takes the vocabulary's id, or
        // the next free one, whatever the file says.
        if (object.contains(QLatin1String("id"))) {
            json::integer(object.value(QLatin1String("id")), at / "id");
        }
        tokens.push_back(std::move(token));
    }
    for (const AddedToken& token : tokens) {
        if (token.special && !token.content.empty() &&
            std::none_of(m_specialOrder.begin(), m_specialOrder.end(),
                         [&](const AddedToken& t) { return t.content == token.content; })) {
            m_specialOrder.push_back(token);
        }
    }
    for (const AddedToken& token : tokens) {
        add(token, model);
    }

    // The patterns: special tokens first, then the others, each in file order.
    m_raw.clear();
    m_normalized.clear();
    std::vector<AddedToken> ordered = m_specialOrder;
    ordered.insert(ordered.end(), m_plainOrder.begin(), m_plainOrder.end());
    for (const AddedToken& token : ordered) {
        Entry entry{token, m_ids.at(token.content), unicode::decodeUtf8(token.content)};
        if (token.normalized) {
            if (normalizer != nullptr) {
                NormalizedString content(entry.pattern, 0);
                normalizer->normalize(content);
                entry.pattern = content.text();
            }
            m_normalized.push_back(std::move(entry));
        } else {
            m_raw.push_back(std::move(entry));
        }
    }
    for (std::size_t i = 0; i < m_raw.size(); ++i) {
        if (!m_raw[i].pattern.empty()) {
            m_rawByFirst[m_raw[i].pattern.front()].push_back(i);
        }
    }
    for (std::size_t i = 0; i < m_normalized.size(); ++i) {
        if (!m_normalized[i].pattern.empty()) {
            m_normalizedByFirst[m_normalized[i].pattern.front()].push_back(i);
        }
    }
}

void AddedVocabulary::add(const AddedToken& token, const Model& model) {
    if (token.content.empty()) {
        return;
    }
    for (const auto& [id, existing] : m_byId) {
        if (sameToken(existing, token)) {
            return;
        }
    }
    int id = 0;
    if (const auto known = tokenToId(token.content)) {
        id = *known;
    } else if (const auto inModel = model.tokenToId(token.content)) {
        id = *inModel;
    } else {
        // The next id after the vocabulary and the tokens added so far
        // (AddedVocabulary::add_tokens).
        const int vocabSize = model.vocabSize();
        id = vocabSize;
        if (!m_ids.empty()) {
            int max = 0;
            for (const auto& [content, existing] : m_ids) {
                max = std::max(max, existing);
            }
            if (max >= vocabSize || vocabSize == 0) {
                id = max + 1;
            }
        }
    }
    m_ids[token.content] = id;
    m_byId[id] = token;
    if (std::none_of(m_specialOrder.begin(), m_specialOrder.end(),
                     [&](const AddedToken& t) { return t.content == token.content; })) {
        m_plainOrder.push_back(token);
    }
}

std::vector<AddedVocabulary::Piece> AddedVocabulary::split(const NormalizedString& text,
                                                           bool normalizedPass) const {
    const std::vector<Entry>& entries = normalizedPass ? m_normalized : m_raw;
    const auto& byFirst = normalizedPass ? m_normalizedByFirst : m_rawByFirst;
    const std::u32string& s = text.text();
    const int n = static_cast<int>(s.size());
    std::vector<Piece> pieces;
    if (entries.empty() || n == 0) {
        pieces.push_back({text, std::nullopt});
        return pieces;
    }
    const auto at = [&](int k) {
        return s[static_cast<std::size_t>(k)];
    };

    int startOffset = 0;
    int pos = 0;
    while (pos < n) {
        // Leftmost-longest: the first position where any pattern matches, its longest pattern.
        const Entry* best = nullptr;
        const auto bucket = byFirst.find(at(pos));
        if (bucket != byFirst.end()) {
            for (std::size_t index : bucket->second) {
                const Entry& e = entries[index];
                if (static_cast<int>(e.pattern.size()) <= n - pos &&
                    s.compare(static_cast<std::size_t>(pos), e.pattern.size(), e.pattern) == 0 &&
                    (best == nullptr || e.pattern.size() > best->pattern.size())) {
                    best = &e;
                }
            }
        }
        if (best == nullptr) {
            ++pos;
            continue;
        }
        int start = pos;
        int stop = pos + static_cast<int>(best->pattern.size());
        pos = stop;
        const AddedToken& token = m_byId.at(best->id);
        if (token.singleWord) {
            const bool spaceBefore = start == 0 || !unicode::isWordChar(at(start - 1));
            const bool spaceAfter = stop == n || !unicode::isWordChar(at(stop));
            if (!spaceBefore || !spaceAfter) {
                continue;
            }
        }
        if (token.lstrip) {
            int newStart = start;
            while (newStart > 0 && unicode::isWhitespace(at(newStart - 1))) {
                --newStart;
            }
            start = std::max(newStart, startOffset);
        }
        if (token.rstrip) {
            while (stop < n && unicode::isWhitespace(at(stop))) {
                ++stop;
            }
            pos = stop; // never let the next match start inside the swallowed whitespace
        }
        if (startOffset < start) {
            pieces.push_back({text.slice(startOffset, start), std::nullopt});
        }
        pieces.push_back({text.slice(start, stop), best->id});
        startOffset = stop;
    }
    if (startOffset != n) {
        pieces.push_back({text.slice(startOffset, n), std::nullopt});
    }
    return pieces;
}

std::optional<int> AddedVocabulary::tokenToId(const std::string& token) const {
    const auto it = m_ids.find(token);
    if (it == m_ids.end()) {
        return std::nullopt;
    }
    return it->second;
}

std::optional<std::string> AddedVocabulary::idToToken(int id) const {
    const auto it = m_byId.find(id);
    if (it == m_byId.end()) {
        return std::nullopt;
    }
    return it->second.content;
}

bool AddedVocabulary::isSpecial(int id) const {
    const auto it = m_byId.find(id);
    return it != m_byId.end() && it->second.special;
}

} // namespace attnscope
