#include "core/tokenize/normalizedstring.h"

#include "core/tokenize/unicode.h"

#include <algorithm>

namespace attnscope {

NormalizedString::NormalizedString(std::u32string text, int originalStart)
    : m_text(std::move(text))
    , m_originalStart(originalStart) {
    m_alignments.reserve(m_text.size());
    for (int i = 0; i < size(); ++i) {
        m_alignments.emplace_back(originalStart + i, originalStart + i + 1);
    }
}

Span NormalizedString::originalSpan(int start, int end) const {
    if (start >= end || end > size()) {
        return {m_originalStart, m_originalStart};
    }
    return {m_alignments[static_cast<std::size_t>(start)].first,
            m_alignments[static_cast<std::size_t>(end - 1)].second};
}

Span NormalizedString::originalSpan() const {
    return originalSpan(0, size());
}

void NormalizedString::transformRange(int start, int end,
                                      const std::vector<std::pair<char32_t, int>>& dest,
                                      int initialOffset) {
    std::u32string text;
    std::vector<Span> alignments;
    text.reserve(dest.size());
    alignments.reserve(dest.size());
    std::size_t pos = static_cast<std::size_t>(start) + static_cast<std::size_t>(initialOffset);
    const Span atStart{m_originalStart, m_originalStart};
    for (const auto& [c, change] : dest) {
        Span align = atStart;
        if (change > 0) {
            if (pos >= 1 && pos - 1 < m_alignments.size()) {
                align = m_alignments[pos - 1];
            }
        } else {
            if (pos < m_alignments.size()) {
                align = m_alignments[pos];
            }
            pos += 1 + static_cast<std::size_t>(-change);
        }
        text.push_back(c);
        alignments.push_back(align);
    }
    m_text.replace(static_cast<std::size_t>(start), static_cast<std::size_t>(end - start), text);
    m_alignments.erase(m_alignments.begin() + start, m_alignments.begin() + end);
    m_alignments.insert(m_alignments.begin() + start, alignments.begin(), alignments.end());
}

void NormalizedString::filter(const std::function<bool(char32_t)>& keep) {
    // Dropping a code point drops its alignment: a kept one keeps its own, as in the reference.
    std::u32string text;
    std::vector<Span> alignments;
    for (std::size_t i = 0; i < m_text.size(); ++i) {
        if (keep(m_text[i])) {
            text.push_back(m_text[i]);
            alignments.push_back(m_alignments[i]);
        }
    }
    m_text = std::move(text);
    m_alignments = std::move(alignments);
}

void NormalizedString::map(const std::function<char32_t(char32_t)>& f) {
    for (char32_t& c : m_text) {
        c = f(c);
    }
}

void NormalizedString::lowercase() {
    bool ascii = true;
    for (char32_t c : m_text) {
        ascii = ascii && c < 0x80;
    }
    if (ascii) {
        map([](char32_t c) { return (c >= U'A' && c <= U'Z') ? c + 32 : c; });
        return;
    }
    std::vector<std::pair<char32_t, int>> dest;
    dest.reserve(m_text.size());
    for (char32_t c : m_text) {
        const std::u32string lower = unicode::toLowercase(c);
        for (std::size_t k = 0; k < lower.size(); ++k) {
            dest.emplace_back(lower[k], k > 0 ? 1 : 0);
        }
    }
    transform(dest, 0);
}

void NormalizedString::decompose(bool compatibility) {
    std::u32string text;
    std::vector<Span> alignments;
    text.reserve(m_text.size());
    alignments.reserve(m_text.size());
    // Each code point's decomposition keeps that code point's alignment (its first part replaces
    // it, the rest are inserted after it).
    for (std::size_t i = 0; i < m_text.size(); ++i) {
        const std::u32string parts = unicode::decompose(m_text[i], compatibility);
        for (char32_t p : parts) {
            text.push_back(p);
            alignments.push_back(m_alignments[i]);
        }
    }
    // Canonical ordering: a stable sort of each run of non-starters by combining class; the
    // alignments travel with their code points.
    std::size_t i = 0;
    while (i < text.size()) {
        if (unicode::combiningClass(text[i]) == 0) {
            ++i;
            continue;
        }
        std::size_t j = i;
        while (j < text.size() && unicode::combiningClass(text[j]) != 0) {
            ++j;
        }
        if (j - i > 1) {
            std::vector<std::pair<char32_t, Span>> run;
            for (std::size_t k = i; k < j; ++k) {
                run.emplace_back(text[k], alignments[k]);
            }
            std::stable_sort(run.begin(), run.end(), [](const auto& a, const auto& b) {
                return unicode::combiningClass(a.first) < unicode::combiningClass(b.first);
            });
            for (std::size_t k = i; k < j; ++k) {
                text[k] = run[k - i].first;
                alignments[k] = run[k - i].second;
            }
        }
        i = j;
    }
    m_text = std::move(text);
    m_alignments = std::move(alignments);
}

void NormalizedString::composeForm(bool compatibility) {
    decompose(compatibility);
    // Compose group by group. A group starts at a starter; when composing two neighbouring groups
    // together differs from composing them apart (Hangul syllables, the few starters that combine
    // with a previous starter), they are merged. A composed code point takes the alignment of the
    // first code point it replaced, which is what the reference's recomposition does.
    std::vector<std::size_t> starts;
    for (std::size_t i = 0; i < m_text.size(); ++i) {
        if (i == 0 || unicode::combiningClass(m_text[i]) == 0) {
            starts.push_back(i);
        }
    }
    starts.push_back(m_text.size());
    std::u32string text;
    std::vector<Span> alignments;
    std::size_t g = 0;
    while (g + 1 < starts.size()) {
        std::size_t groupStart = starts[g];
        std::size_t groupEnd = starts[g + 1];
        std::u32string composed =
            unicode::compose(std::u32string_view(m_text).substr(groupStart, groupEnd - groupStart));
        ++g;
        while (g + 1 < starts.size()) {
            const std::size_t nextEnd = starts[g + 1];
            const std::u32string_view next =
                std::u32string_view(m_text).substr(groupEnd, nextEnd - groupEnd);
            const std::u32string together = unicode::compose(
                std::u32string_view(m_text).substr(groupStart, nextEnd - groupStart));
            if (together == composed + unicode::compose(next)) {
                break;
            }
            composed = together;
            groupEnd = nextEnd;
            ++g;
        }
        const std::size_t inLength = groupEnd - groupStart;
        for (std::size_t k = 0; k < composed.size(); ++k) {
            text.push_back(composed[k]);
            alignments.push_back(m_alignments[groupStart + std::min(k, inLength - 1)]);
        }
    }
    m_text = std::move(text);
    m_alignments = std::move(alignments);
}

void NormalizedString::prepend(const std::u32string& s) {
    if (m_text.empty() || s.empty()) {
        return;
    }
    std::vector<std::pair<char32_t, int>> dest;
    for (std::size_t i = 0; i < s.size(); ++i) {
        dest.emplace_back(s[i], i == 0 ? 0 : 1);
    }
    dest.emplace_back(m_text[0], 1);
    transformRange(0, 1, dest, 0);
}

void NormalizedString::strip(bool left, bool right) {
    int leading = 0;
    int trailing = 0;
    if (left) {
        while (leading < size() &&
               unicode::isWhitespace(m_text[static_cast<std::size_t>(leading)])) {
            ++leading;
        }
    }
    if (right) {
        while (trailing < size() - leading &&
               unicode::isWhitespace(m_text[static_cast<std::size_t>(size() - 1 - trailing)])) {
            ++trailing;
        }
    }
    if (leading == 0 && trailing == 0) {
        return;
    }
    m_text = m_text.substr(static_cast<std::size_t>(leading),
                           static_cast<std::size_t>(size() - leading - trailing));
    m_alignments = std::vector<Span>(m_alignments.begin() + leading, m_alignments.end() - trailing);
}

void NormalizedString::replace(const std::vector<PatternPiece>& pieces,
                               const std::u32string& content) {
    // Right to left, so that earlier ranges keep their positions.
    for (auto it = pieces.rbegin(); it != pieces.rend(); ++it) {
        if (!it->isMatch) {
            continue;
        }
        std::vector<std::pair<char32_t, int>> dest;
        for (char32_t c : content) {
            dest.emplace_back(c, 1);
        }
        transformRange(it->start, it->end, dest, it->end - it->start);
    }
}

NormalizedString NormalizedString::slice(int start, int end) const {
    NormalizedString out;
    out.m_text =
        m_text.substr(static_cast<std::size_t>(start), static_cast<std::size_t>(end - start));
    out.m_alignments = std::vector<Span>(m_alignments.begin() + start, m_alignments.begin() + end);
    out.m_originalStart = originalSpan(start, end).first;
    return out;
}

std::vector<NormalizedString> NormalizedString::split(const std::vector<PatternPiece>& pieces,
                                                      SplitBehavior behavior) const {
    struct Keep {
        int start;
        int end;
        bool remove;
    };
    std::vector<Keep> splits;
    switch (behavior) {
    case SplitBehavior::Isolated:
        for (const auto& p : pieces) {
            splits.push_back({p.start, p.end, false});
        }
        break;
    case SplitBehavior::Removed:
        for (const auto& p : pieces) {
            splits.push_back({p.start, p.end, p.isMatch});
        }
        break;
    case SplitBehavior::Contiguous: {
        bool previous = false;
        for (const auto& p : pieces) {
            if (p.isMatch == previous && !splits.empty()) {
                splits.back().end = p.end;
            } else {
                splits.push_back({p.start, p.end, false});
            }
            previous = p.isMatch;
        }
        break;
    }
    case SplitBehavior::MergedWithPrevious: {
        bool previous = false;
        for (const auto& p : pieces) {
            if (p.isMatch && !previous && !splits.empty()) {
                splits.back().end = p.end;
            } else {
                splits.push_back({p.start, p.end, false});
            }
            previous = p.isMatch;
        }
        break;
    }
    case SplitBehavior::MergedWithNext: {
        bool previous = false;
        for (auto it = pieces.rbegin(); it != pieces.rend(); ++it) {
            if (it->isMatch && !previous && !splits.empty()) {
                splits.back().start = it->start;
            } else {
                splits.push_back({it->start, it->end, false});
            }
            previous = it->isMatch;
        }
        std::reverse(splits.begin(), splits.end());
        break;
    }
    }
    std::vector<NormalizedString> out;
    for (const auto& s : splits) {
        if (!s.remove && s.end > s.start) {
            out.push_back(slice(s.start, s.end));
        }
    }
    return out;
}

std::vector<PatternPiece> piecesFromMatches(int length, const std::vector<Span>& matches) {
    std::vector<PatternPiece> pieces;
    if (length == 0) {
        pieces.push_back({0, 0, false});
        return pieces;
    }
    int previous = 0;
    for (const auto& [start, end] : matches) {
        if (previous != start) {
            pieces.push_back({previous, start, false});
        }
        pieces.push_back({start, end, true});
        previous = end;
    }
    if (previous != length) {
        pieces.push_back({previous, length, false});
    }
    return pieces;
}

std::vector<PatternPiece> findCharMatches(const std::u32string& text,
                                          const std::function<bool(char32_t)>& predicate) {
    std::vector<Span> matches;
    for (int i = 0; i < static_cast<int>(text.size()); ++i) {
        if (predicate(text[static_cast<std::size_t>(i)])) {
            matches.emplace_back(i, i + 1);
        }
    }
    return piecesFromMatches(static_cast<int>(text.size()), matches);
}

std::vector<PatternPiece> findLiteralMatches(const std::u32string& text,
                                             const std::u32string& literal) {
    if (literal.empty()) {
        return {{0, static_cast<int>(text.size()), false}};
    }
    std::vector<Span> matches;
    std::size_t pos = text.find(literal);
    while (pos != std::u32string::npos) {
        matches.emplace_back(static_cast<int>(pos), static_cast<int>(pos + literal.size()));
        pos = text.find(literal, pos + literal.size());
    }
    return piecesFromMatches(static_cast<int>(text.size()), matches);
}

std::vector<PatternPiece> invertPieces(std::vector<PatternPiece> pieces) {
    for (auto& p : pieces) {
        p.isMatch = !p.isMatch;
    }
    return pieces;
}

} // namespace attnscope
