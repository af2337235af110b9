#include "core/tokenize/bpe.h"

#include "core/base/error.h"
#include "core/tokenize/unicode.h"
#include "core/tokenize/wordpiece.h"

#include <queue>

namespace attnscope {

namespace {

template <typename WhereFn>
std::pair<std::string, std::string> mergeFromJson(const QJsonValue& value, const WhereFn& where) {
    if (value.isString()) {
        std::string line = value.toString().toStdString();
        const std::size_t space = line.find(' ');
        if (space == std::string::npos || line.find(' ', space + 1) != std::string::npos) {
            json::fail(where(), "expected two tokens separated by one space, found '" + line + "'");
        }
        std::string right = line.substr(space + 1);
        line.resize(space);
        return {std::move(line), std::move(right)};
    }
    if (value.isArray() && value.toArray().size() == 2) {
        const QJsonArray pair = value.toArray();
        if (pair.at(0).isString() && pair.at(1).isString()) {
            return {pair.at(0).toString().toStdString(), pair.at(1).toString().toStdString()};
        }
        json::string(pair.at(0), where()[0]);
        json::string(pair.at(1), where()[1]);
    }
    json::fail(where(), "expected a merge as \"a b\" or [\"a\", \"b\"]");
}

} // namespace

std::shared_ptr<const BpeModel> BpeModel::fromJson(const QJsonObject& object,
                                                   const json::Where& where) {
    auto model = std::make_shared<BpeModel>();
    readVocab(json::required(object, "vocab", where), where / "vocab", model->m_vocab);
    model->m_unkToken = json::optionalString(object, "unk_token", where);
    model->m_prefix = json::optionalString(object, "continuing_subword_prefix", where);
    model->m_suffix = json::optionalString(object, "end_of_word_suffix", where);
    model->m_fuseUnk = json::optionalBool(object, "fuse_unk", false, where);
    model->m_ignoreMerges = json::optionalBool(object, "ignore_merges", false, where);
    if (json::optionalBool(object, "byte_fallback", false, where)) {
        json::fail(where / "byte_fallback", "byte_fallback BPE (Llama-style) is not supported");
    }
    const QJsonValue dropout = object.value(QLatin1String("dropout"));
    if (!dropout.isUndefined() && !dropout.isNull() &&
        (!dropout.isDouble() || dropout.toDouble() < 0.0 || dropout.toDouble() > 1.0)) {
        json::fail(where / "dropout", "expected null or a number between 0 and 1");
    }
    model->m_origin = where.file + ": " + where.path;
    model->indexVocab();

    const json::Where mergesWhere = where / "merges";
    const QJsonArray merges = json::array(json::required(object, "merges", where), mergesWhere);
    const std::size_t prefixLength = model->m_prefix ? model->m_prefix->size() : 0;
    int rank = 0;
    for (qsizetype i = 0; i < merges.size(); ++i) {
        const QJsonValue merge = merges.at(i);
        if (merge.isString() && merge.toString().startsWith(QLatin1String("#version"))) {
            continue;
        }
        // The field path only on failure: building 50,000 of them slows GPT-2's loading.
        const auto at = [&] {
            return mergesWhere[i];
        };
        const auto [a, b] = mergeFromJson(merge, at);
        const auto idOf = [&](const std::string& token) {
            const auto id = model->tokenToId(token);
            if (!id) {
                json::fail(at(), "merge token '" + token + "' is not in the vocabulary");
            }
            return *id;
        };
        const int aId = idOf(a);
        const int bId = idOf(b);
        // The merged token drops the right part's continuing_subword_prefix ("t" + "##h" = "th").
        const std::string merged =
            a + (b.compare(0, prefixLength, model->m_prefix.value_or("")) == 0
                     ? b.substr(prefixLength)
                     : b);
        const int mergedId = idOf(merged);
        model->m_merges[pairKey(aId, bId)] = {rank, mergedId};
        ++rank;
    }
    return model;
}

std::vector<ModelToken> BpeModel::tokenize(const std::u32string& piece) const {
    if (piece.empty()) {
        return {};
    }
    if (m_ignoreMerges) {
        const std::string whole = unicode::encodeUtf8(piece);
        if (const auto id = tokenToId(whole)) {
            return {{*id, whole, 0, static_cast<int>(piece.size())}};
        }
    }

    struct Symbol {
        int id;
        int prev;
        int next;
        int length; // code points; 0 once merged into its left neighbour
    };
    std::vector<Symbol> symbols;
    symbols.reserve(piece.size());
    const auto add = [&](int id, int length) {
        const int index = static_cast<int>(symbols.size());
        if (!symbols.empty()) {
            symbols.back().next = index;
        }
        symbols.push_back({id, index - 1, -1, length});
    };
    // The unknown token waiting to be added (fused with the next unknown code points if fuse_unk).
    int pendingUnkId = -1;
    int pendingUnkLength = 0;
    std::string s;
    for (std::size_t i = 0; i < piece.size(); ++i) {
        s.clear();
        if (i > 0 && m_prefix) {
            s = *m_prefix;
        }
        unicode::appendUtf8(s, piece[i]);
        if (i + 1 == piece.size() && m_suffix) {
            s += *m_suffix;
        }
        if (const auto id = tokenToId(s)) {
            if (pendingUnkId >= 0) {
                add(pendingUnkId, pendingUnkLength);
                pendingUnkId = -1;
            }
            add(*id, 1);
        } else if (m_unkToken) {
            const auto unkId = unkTokenId();
            if (!unkId) {
                throw Error(m_origin + ": unk_token '" + *m_unkToken +
                            "' is needed for a character but is not in the vocabulary");
            }
            if (pendingUnkId >= 0 && m_fuseUnk) {
                pendingUnkLength += 1;
            } else {
                if (pendingUnkId >= 0) {
                    add(pendingUnkId, pendingUnkLength);
                }
                pendingUnkId = *unkId;
                pendingUnkLength = 1;
            }
        }
        // Without an unknown token, a code point outside the vocabulary is dropped, as in the
        // reference.
    }
    if (pendingUnkId >= 0) {
        add(pendingUnkId, pendingUnkLength);
    }

    struct Candidate {
        int rank;
        int pos;
        int id;
        bool operator>(const Candidate& o) const {
            return rank != o.rank ? rank > o.rank : pos > o.pos;
        }
    };
    std::priority_queue<Candidate, std::vector<Candidate>, std::greater<>> queue;
    const auto lookup = [&](int a, int b) -> const MergeResult* {
        const auto it = m_merges.find(pairKey(a, b));
        return it == m_merges.end() ? nullptr : &it->second;
    };
    for (std::size_t i = 0; i + 1 < symbols.size(); ++i) {
        if (const MergeResult* m = lookup(symbols[i].id, symbols[i + 1].id)) {
            queue.push({m->rank, static_cast<int>(i), m->id});
        }
    }
    while (!queue.empty()) {
        const Candidate top = queue.top();
        queue.pop();
        Symbol& left = symbols[static_cast<std::size_t>(top.pos)];
        if (left.length == 0 || left.next == -1) {
            continue;
        }
        const Symbol right = symbols[static_cast<std::size_t>(left.next)];
        const MergeResult* current = lookup(left.id, right.id);
        if (current == nullptr || current->id != top.id) {
            continue; // stale: one side has merged since this pair was queued
        }
        symbols[static_cast<std::size_t>(left.next)].length = 0;
        left.id = top.id;
        left.length += right.length;
        left.next = right.next;
        if (right.next >= 0) {
            symbols[static_cast<std::size_t>(right.next)].prev = top.pos;
        }
        if (left.prev >= 0) {
            if (const MergeResult* m =
                    lookup(symbols[static_cast<std::size_t>(left.prev)].id, left.id)) {
                queue.push({m->rank, left.prev, m->id});
            }
        }
        if (left.next >= 0) {
            if (const MergeResult* m =
                    lookup(left.id, symbols[static_cast<std::size_t>(left.next)].id)) {
                queue.push({m->rank, top.pos, m->id});
            }
        }
    }

    std::vector<ModelToken> tokens;
    int offset = 0;
    for (const Symbol& symbol : symbols) {
        if (symbol.length == 0) {
            continue;
        }
        tokens.push_back({symbol.id, idToToken(symbol.id).value_or(std::string()), offset,
                          offset + symbol.length});
        offset += symbol.length;
    }
    return tokens;
}

} // namespace attnscope
