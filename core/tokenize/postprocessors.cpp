#include "core/tokenize/postprocessors.h"

#include "core/tokenize/bytelevel.h"
#include "core/tokenize/unicode.h"

#include <algorithm>
#include <map>

namespace attnscope {

void RawEncoding::push(int id, std::string token, Span offset, bool isSpecial, bool isFromModel) {
    ids.push_back(id);
    tokens.push_back(std::move(token));
    offsets.push_back(offset);
    special.push_back(isSpecial);
    fromModel.push_back(isFromModel);
}

void trimByteLevelOffsets(RawEncoding& encoding, bool addPrefixSpace) {
    const char32_t space = bytelevel::charForByte(' ');
    const auto isSpace = [space](char32_t c) {
        return c == space || unicode::isWhitespace(c);
    };
    for (std::size_t i = 0; i < encoding.size(); ++i) {
        const std::u32string token = unicode::decodeUtf8(encoding.tokens[i]);
        int leading = 0;
        while (leading < static_cast<int>(token.size()) &&
               isSpace(token[static_cast<std::size_t>(leading)])) {
            ++leading;
        }
        int trailing = 0;
        while (trailing < static_cast<int>(token.size()) &&
               isSpace(token[token.size() - 1 - static_cast<std::size_t>(trailing)])) {
            ++trailing;
        }
        Span& offsets = encoding.offsets[i];
        if (leading > 0) {
            const bool isFirst = i == 0 || offsets.first == 0;
            if (isFirst && addPrefixSpace && leading == 1) {
                leading = 0; // the space add_prefix_space added stays part of the first word
            }
            offsets.first = std::min(offsets.first + leading, offsets.second);
        }
        if (trailing > 0 && offsets.second >= trailing) {
            offsets.second = std::max(offsets.second - trailing, offsets.first);
        }
    }
}

namespace {

struct SpecialToken {
    std::vector<int> ids;
    std::vector<std::string> tokens;
};

RawEncoding surround(const RawEncoding& inner, const SpecialToken& before,
                     const SpecialToken& after) {
    RawEncoding out;
    for (std::size_t k = 0; k < before.ids.size(); ++k) {
        out.push(before.ids[k], before.tokens[k], {0, 0}, true, false);
    }
    for (std::size_t k = 0; k < inner.size(); ++k) {
        out.push(inner.ids[k], inner.tokens[k], inner.offsets[k], inner.special[k],
                 inner.fromModel[k]);
    }
    for (std::size_t k = 0; k < after.ids.size(); ++k) {
        out.push(after.ids[k], after.tokens[k], {0, 0}, true, false);
    }
    return out;
}

class BertProcessing final : public PostProcessor {
public:
    BertProcessing(SpecialToken cls, SpecialToken sep)
        : m_cls(std::move(cls))
        , m_sep(std::move(sep)) {}
    void process(RawEncoding& encoding, bool addSpecialTokens) const override {
        if (addSpecialTokens) {
            encoding = surround(encoding, m_cls, m_sep);
        }
    }

private:
    SpecialToken m_cls;
    SpecialToken m_sep;
};

class RobertaProcessing final : public PostProcessor {
public:
    RobertaProcessing(SpecialToken cls, SpecialToken sep, bool trimOffsets, bool addPrefixSpace)
        : m_cls(std::move(cls))
        , m_sep(std::move(sep))
        , m_trimOffsets(trimOffsets)
        , m_addPrefixSpace(addPrefixSpace) {}
    void process(RawEncoding& encoding, bool addSpecialTokens) const override {
        if (m_trimOffsets) {
            trimByteLevelOffsets(encoding, m_addPrefixSpace);
        }
        if (addSpecialTokens) {
            encoding = surround(encoding, m_cls, m_sep);
        }
    }

private:
    SpecialToken m_cls;
    SpecialToken m_sep;
    bool m_trimOffsets;
    bool m_addPrefixSpace;
};

class ByteLevelProcessing final : public PostProcessor {
public:
    ByteLevelProcessing(bool trimOffsets, bool addPrefixSpace)
        : m_trimOffsets(trimOffsets)
        , m_addPrefixSpace(addPrefixSpace) {}
    void process(RawEncoding& encoding, bool) const override {
        if (m_trimOffsets) {
            trimByteLevelOffsets(encoding, m_addPrefixSpace);
        }
    }

private:
    bool m_trimOffsets;
    bool m_addPrefixSpace;
};

class TemplateProcessing final : public PostProcessor {
public:
    // One template piece: the sequence itself (empty name) or a special token.
    struct Piece {
        bool isSequence = false;
        std::string special;
    };
    TemplateProcessing(std::vector<Piece> single, std::map<std::string, SpecialToken> specials)
        : m_single(std::move(single))
        , m_specials(std::move(specials)) {}

    void process(RawEncoding& encoding, bool addSpecialTokens) const override {
        if (!addSpecialTokens) {
            return;
        }
        RawEncoding out;
        for (const Piece& piece : m_single) {
            if (piece.isSequence) {
                for (std::size_t k = 0; k < encoding.size(); ++k) {
                    out.push(encoding.ids[k], encoding.tokens[k], encoding.offsets[k],
                             encoding.special[k], encoding.fromModel[k]);
                }
            } else {
                const SpecialToken& s = m_specials.at(piece.special);
                for (std::size_t k = 0; k < s.ids.size(); ++k) {
                    out.push(s.ids[k], s.tokens[k], {0, 0}, true, false);
                }
            }
        }
        encoding = std::move(out);
    }

private:
    std::vector<Piece> m_single;
    std::map<std::string, SpecialToken> m_specials;
};

class Sequence final : public PostProcessor {
public:
    explicit Sequence(std::vector<std::shared_ptr<const PostProcessor>> steps)
        : m_steps(std::move(steps)) {}
    void process(RawEncoding& encoding, bool addSpecialTokens) const override {
        for (const auto& step : m_steps) {
            step->process(encoding, addSpecialTokens);
        }
    }

private:
    std::vector<std::shared_ptr<const PostProcessor>> m_steps;
};

// `["[CLS]", 101]`
SpecialToken tokenPair(const QJsonObject& object, const char* key, const json::Where& where) {
    const json::Where at = where / key;
    const QJsonArray pair = json::array(json::required(object, key, where), at);
    if (pair.size() != 2) {
        json::fail(at, "expected [token, id]");
    }
    return {{json::integer(pair.at(1), at[1])}, {json::string(pair.at(0), at[0])}};
}

TemplateProcessing::Piece templatePiece(const QJsonValue& value, const json::Where& where) {
    TemplateProcessing::Piece piece;
    const QJsonObject object = json::object(value, where);
    if (object.contains(QLatin1String("Sequence"))) {
        const json::Where at = where / "Sequence";
        const QJsonObject sequence = json::object(object.value(QLatin1String("Sequence")), at);
        const std::string id = json::string(json::required(sequence, "id", at), at / "id");
        if (id != "A" && id != "B") {
            json::fail(at / "id", "expected \"A\" or \"B\", found '" + id + "'");
        }
        piece.isSequence = id == "A";
        return piece;
    }
    if (object.contains(QLatin1String("SpecialToken"))) {
        const json::Where at = where / "SpecialToken";
        const QJsonObject special = json::object(object.value(QLatin1String("SpecialToken")), at);
        piece.special = json::string(json::required(special, "id", at), at / "id");
        return piece;
    }
    json::fail(where, "expected {\"Sequence\": ...} or {\"SpecialToken\": ...}");
}

std::shared_ptr<const PostProcessor> templateFromJson(const QJsonObject& object,
                                                      const json::Where& where) {
    std::map<std::string, SpecialToken> specials;
    const QJsonValue specialsValue = object.value(QLatin1String("special_tokens"));
    if (!specialsValue.isUndefined() && !specialsValue.isNull()) {
        const json::Where at = where / "special_tokens";
        const QJsonObject map = json::object(specialsValue, at);
        for (auto it = map.begin(); it != map.end(); ++it) {
            const json::Where entryWhere = at / it.key().toStdString();
            const QJsonObject entry = json::object(it.value(), entryWhere);
            SpecialToken token;
            const QJsonArray ids =
                json::array(json::required(entry, "ids", entryWhere), entryWhere / "ids");
            const QJsonArray tokens =
                json::array(json::required(entry, "tokens", entryWhere), entryWhere / "tokens");
            if (ids.size() != tokens.size()) {
                json::fail(entryWhere, "ids and tokens must have the same length");
            }
            for (qsizetype i = 0; i < ids.size(); ++i) {
                token.ids.push_back(json::integer(ids.at(i), (entryWhere / "ids")[i]));
                token.tokens.push_back(json::string(tokens.at(i), (entryWhere / "tokens")[i]));
            }
            specials.emplace(it.key().toStdString(), std::move(token));
        }
    }
    const json::Where singleWhere = where / "single";
    const QJsonArray single = json::array(json::required(object, "single", where), singleWhere);
    std::vector<TemplateProcessing::Piece> pieces;
    for (qsizetype i = 0; i < single.size(); ++i) {
        TemplateProcessing::Piece piece = templatePiece(single.at(i), singleWhere[i]);
        if (!piece.isSequence && piece.special.empty()) {
            continue; // sequence B, absent when encoding one text
        }
        if (!piece.isSequence && specials.find(piece.special) == specials.end()) {
            json::fail(singleWhere[i],
                       "special token '" + piece.special + "' is not defined in special_tokens");
        }
        pieces.push_back(std::move(piece));
    }
    return std::make_shared<TemplateProcessing>(std::move(pieces), std::move(specials));
}

} // namespace

std::shared_ptr<const PostProcessor> PostProcessor::fromJson(const QJsonValue& value,
                                                             const json::Where& where) {
    if (value.isNull() || value.isUndefined()) {
        return nullptr;
    }
    const QJsonObject object = json::object(value, where);
    const std::string type = json::typeTag(object, where);
    if (type == "BertProcessing") {
        return std::make_shared<BertProcessing>(tokenPair(object, "cls", where),
                                                tokenPair(object, "sep", where));
    }
    if (type == "RobertaProcessing") {
        return std::make_shared<RobertaProcessing>(
            tokenPair(object, "cls", where), tokenPair(object, "sep", where),
            json::optionalBool(object, "trim_offsets", true, where),
            json::optionalBool(object, "add_prefix_space", true, where));
    }
    if (type == "ByteLevel") {
        return std::make_shared<ByteLevelProcessing>(
            json::optionalBool(object, "trim_offsets", true, where),
            json::optionalBool(object, "add_prefix_space", true, where));
    }
    if (type == "TemplateProcessing") {
        return templateFromJson(object, where);
    }
    if (type == "Sequence") {
        const json::Where listWhere = where / "processors";
        const QJsonArray list = json::array(json::required(object, "processors", where), listWhere);
        std::vector<std::shared_ptr<const PostProcessor>> steps;
        for (qsizetype i = 0; i < list.size(); ++i) {
            if (auto step = fromJson(list.at(i), listWhere[i])) {
                steps.push_back(std::move(step));
            }
        }
        return std::make_shared<Sequence>(std::move(steps));
    }
    json::fail(where / "type", "unsupported post-processor '" + type +
                                   "' (supported: TemplateProcessing, BertProcessing, "
                                   "RobertaProcessing, ByteLevel, Sequence)");
}

} // namespace attnscope
