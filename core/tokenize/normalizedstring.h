#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace attnscope {

/** A [start, end) range of code points. */
using Span = std::pair<int, int>;

/** One piece of a pattern search: a range of the searched text and whether the pattern matched it.
 */
struct PatternPiece {
    int start = 0;
    int end = 0;
    bool isMatch = false;
};

/** What a split keeps of the delimiters a pattern matched (Hugging Face's SplitDelimiterBehavior).
 */
enum class SplitBehavior { Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous };

/**
 * A piece of text being normalized, with, for every code point of its current (normalized) form,
 * the range of code points of the user's input it came from. This is Hugging Face's
 * NormalizedString, kept in code points instead of UTF-8 bytes and with ranges into the whole input
 * (not the piece), so that the offsets of every token fall out of the alignments of its first and
 * last code point.
 *
 * Every edit goes through transform(), whose (code point, change) protocol is the reference's:
 * change 0 replaces the next old code point, a positive change inserts (aligned like the old code
 * point before it), and -N replaces the next one and deletes N more.
 */
class NormalizedString {
public:
    NormalizedString() = default;
    /** `text` is the input (or a piece of it) starting at code point `originalStart`. */
    NormalizedString(std::u32string text, int originalStart);

    const std::u32string& text() const { return m_text; }
    const std::vector<Span>& alignments() const { return m_alignments; }
    bool empty() const { return m_text.empty(); }
    int size() const { return static_cast<int>(m_text.size()); }

    /** The input range that the normalized range [start, end) came from. */
    Span originalSpan(int start, int end) const;
    /** The input range this whole piece came from. */
    Span originalSpan() const;

    /** Replaces the normalized range [start, end) according to `dest` (see the class comment). */
    void transformRange(int start, int end, const std::vector<std::pair<char32_t, int>>& dest,
                        int initialOffset);
    void transform(const std::vector<std::pair<char32_t, int>>& dest, int initialOffset) {
        transformRange(0, size(), dest, initialOffset);
    }

    void filter(const std::function<bool(char32_t)>& keep);
    void map(const std::function<char32_t(char32_t)>& f);
    void lowercase();
    void nfd() { decompose(false); }
    void nfkd() { decompose(true); }
    void nfc() { composeForm(false); }
    void nfkc() { composeForm(true); }
    void prepend(const std::u32string& s);
    void strip(bool left, bool right);
    /** Replaces each matched piece by `content`. */
    void replace(const std::vector<PatternPiece>& pieces, const std::u32string& content);

    /** The sub-piece of normalized range [start, end), keeping its alignments. */
    NormalizedString slice(int start, int end) const;
    /** Splits on the matched pieces of a pattern (see SplitBehavior); empty pieces are dropped. */
    std::vector<NormalizedString> split(const std::vector<PatternPiece>& pieces,
                                        SplitBehavior behavior) const;

private:
    void decompose(bool compatibility);
    void composeForm(bool compatibility);

    std::u32string m_text;
    std::vector<Span> m_alignments;
    int m_originalStart = 0;
};

/** Pattern matches for a per-code-point predicate: each matching code point is its own match. */
std::vector<PatternPiece> findCharMatches(const std::u32string& text,
                                          const std::function<bool(char32_t)>& predicate);
/** Non-overlapping matches of a literal string, left to right; an empty literal matches nothing. */
std::vector<PatternPiece> findLiteralMatches(const std::u32string& text,
                                             const std::u32string& literal);
/** Turns match ranges (sorted, non-overlapping) into pieces covering the whole text. */
std::vector<PatternPiece> piecesFromMatches(int length, const std::vector<Span>& matches);
/** Swaps matched and unmatched pieces (Hugging Face's `invert`). */
std::vector<PatternPiece> invertPieces(std::vector<PatternPiece> pieces);

} // namespace attnscope
