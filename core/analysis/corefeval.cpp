#include "core/analysis/corefeval.h"

#include "core/base/error.h"
#include "core/base/jsonvalue.h"

#include <QByteArray>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QJsonValue>
#include <QString>
#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdio>
#include <string_view>

namespace attnscope {

namespace {

constexpr qint64 kMaxFileBytes = qint64{256} << 20;

/** Unicode code points of a QString, counting a lone surrogate as one (it becomes U+FFFD). */
int codePointCount(const QString& text) {
    int count = 0;
    for (qsizetype i = 0; i < text.size(); ++i) {
        if (text[i].isHighSurrogate() && i + 1 < text.size() && text[i + 1].isLowSurrogate())
            ++i;
        ++count;
    }
    return count;
}

class LineParser {
public:
    LineParser(const std::string& source, int line)
        : m_prefix(source + ":" + std::to_string(line) + ": ") {}

    [[noreturn]] void fail(const std::string& message) const { throw Error(m_prefix + message); }

    int spanBound(const QJsonValue& value, const std::string& field) const {
        const std::string found = jsonValueDescription(value);
        if (!value.isDouble())
            fail(field + " must be a non-negative integer, found " + found);
        const double number = value.toDouble();
        if (!std::isfinite(number) || number != std::floor(number) || number < 0)
            fail(field + " must be a non-negative integer, found " + found);
        if (number > INT_MAX)
            fail(field + " is " + found + ", larger than any text");
        return static_cast<int>(number);
    }

    std::pair<int, int> span(const QJsonObject& link, const std::string& field,
                             int textLength) const {
        const auto it = link.find(QString::fromStdString(field.substr(field.rfind('.') + 1)));
        if (it == link.end())
            fail(field + " is missing: expected [start, end]");
        const QJsonValue value = it.value();
        if (!value.isArray() || value.toArray().size() != 2)
            fail(field + " must be an array of two integers [start, end], found " +
                 (value.isArray() ? "an array of " + std::to_string(value.toArray().size())
                                  : jsonValueDescription(value)));
        const QJsonArray pair = value.toArray();
        const int start = spanBound(pair[0], field + "[0]");
        const int end = spanBound(pair[1], field + "[1]");
        if (start >= end)
            fail(field + " is [" + std::to_string(start) + ", " + std::to_string(end) +
                 "]: expected start < end");
        if (end > textLength)
            fail(field + " ends at " + std::to_string(end) + ", past the end of the text (" +
                 std::to_string(textLength) + " code points)");
        return {start, end};
    }

private:
    std::string m_prefix;
};

CorefSentence parseLine(std::string_view line, const std::string& source, int lineNumber) {
    const LineParser parser(source, lineNumber);
    QJsonParseError parseError{};
    const QJsonDocument document = QJsonDocument::fromJson(
        QByteArray(line.data(), static_cast<qsizetype>(line.size())), &parseError);
    if (parseError.error != QJsonParseError::NoError)
        parser.fail("not valid JSON (" + parseError.errorString().toStdString() + " at column " +
                    std::to_string(parseError.offset + 1) + ")");
    if (!document.isObject())
        parser.fail("expected a JSON object {\"text\": ..., \"links\": [...]}");
    const QJsonObject object = document.object();

    const QJsonValue text = object.value(QStringLiteral("text"));
    if (!text.isString())
        parser.fail("\"text\" must be a string, found " + jsonValueDescription(text));
    const QJsonValue links = object.value(QStringLiteral("links"));
    if (!links.isArray())
        parser.fail("\"links\" must be an array, found " + jsonValueDescription(links));

    CorefSentence sentence;
    sentence.text = text.toString().toStdString();
    sentence.line = lineNumber;
    const int length = codePointCount(text.toString());
    const QJsonArray array = links.toArray();
    for (qsizetype i = 0; i < array.size(); ++i) {
        const std::string field = "links[" + std::to_string(i) + "]";
        if (!array[i].isObject())
            parser.fail(field + " must be an object {\"pronoun\": [s, e], \"antecedent\": [s, e]}" +
                        ", found " + jsonValueDescription(array[i]));
        const QJsonObject link = array[i].toObject();
        sentence.links.push_back({parser.span(link, field + ".pronoun", length),
                                  parser.span(link, field + ".antecedent", length)});
    }
    return sentence;
}

bool isBlank(std::string_view line) {
    return std::all_of(line.begin(), line.end(),
                       [](char c) { return c == ' ' || c == '\t' || c == '\r'; });
}

std::string spanText(std::pair<int, int> span) {
    // snprintf rather than "[" + to_string(...): GCC 12 reports a false -Wrestrict there (GCC bug
    // 105329).
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "[%d, %d)", span.first, span.second);
    return buffer;
}

bool overlaps(std::pair<int, int> token, std::pair<int, int> span) {
    // Tokens with an empty range ([CLS] at (0, 0)) never overlap anything.
    return token.first < token.second && token.first < span.second && span.first < token.second;
}

/** What one link contributes: which head got it right, and its baseline term. */
struct LinkScore {
    std::vector<std::uint8_t> correct; // [L * H]
    double baseline = 0.0;
};

} // namespace

std::vector<std::int64_t> tokensInSpan(const std::vector<std::pair<int, int>>& offsets,
                                       const std::vector<bool>& special, std::pair<int, int> span) {
    std::vector<std::int64_t> tokens;
    for (std::size_t t = 0; t < offsets.size() && t < special.size(); ++t)
        if (!special[t] && overlaps(offsets[t], span))
            tokens.push_back(static_cast<std::int64_t>(t));
    return tokens;
}

std::vector<CorefSentence> parseCorefJsonl(const std::string& text, const std::string& source) {
    std::vector<CorefSentence> sentences;
    std::string_view rest(text);
    // A UTF-8 byte order mark (Windows editors write one) is not part of the first line's JSON.
    if (rest.starts_with("\xEF\xBB\xBF"))
        rest.remove_prefix(3);
    int lineNumber = 0;
    while (!rest.empty()) {
        ++lineNumber;
        const std::size_t newline = rest.find('\n');
        const std::string_view line = rest.substr(0, newline);
        rest.remove_prefix(newline == std::string_view::npos ? rest.size() : newline + 1);
        if (!isBlank(line))
            sentences.push_back(parseLine(line, source, lineNumber));
    }
    return sentences;
}

std::vector<CorefSentence> readCorefJsonl(const std::string& path) {
    QFile file(QString::fromStdString(path));
    if (!file.open(QIODevice::ReadOnly))
        throw Error(path + ": cannot open (" + file.errorString().toStdString() + ")");
    if (file.size() > kMaxFileBytes)
        throw Error(path + ": " + std::to_string(file.size()) +
                    " bytes, more than the 256 MiB a coreference file may have");
    const QByteArray bytes = file.readAll();
    return parseCorefJsonl(std::string(bytes.constData(), static_cast<std::size_t>(bytes.size())),
                           path);
}

double CorefReport::accuracy(std::int64_t layer, std::int64_t head) const {
    if (links == 0)
        return 0.0;
    return static_cast<double>(correct[static_cast<std::size_t>(layer * heads + head)]) /
           static_cast<double>(links);
}

Tensor CorefReport::accuracyTable() const {
    Tensor table({layers, heads});
    for (std::int64_t l = 0; l < layers; ++l)
        for (std::int64_t h = 0; h < heads; ++h)
            table[l * heads + h] = static_cast<float>(accuracy(l, h));
    return table;
}

std::optional<HeadScore> CorefReport::best() const {
    if (links == 0 || correct.empty())
        return std::nullopt;
    // max_element returns the first of equal maxima: the lowest layer, then the lowest head.
    const auto it = std::max_element(correct.begin(), correct.end());
    const auto index = static_cast<std::int64_t>(it - correct.begin());
    return HeadScore{index / heads, index % heads, accuracy(index / heads, index % heads)};
}

CorefEvaluator::CorefEvaluator(bool causal)
    : m_causal(causal) {}

void CorefEvaluator::add(const Encoding& encoding, const Tensor& attentions,
                         const std::vector<CorefLink>& links, const std::string& label) {
    const std::string where = label.empty() ? std::string("coreference") : label;
    const auto tokens = static_cast<std::int64_t>(encoding.offsets.size());
    if (encoding.special.size() != encoding.offsets.size())
        throw Error(where + ": the encoding has " + std::to_string(encoding.offsets.size()) +
                    " offsets but " + std::to_string(encoding.special.size()) + " special flags");
    const Shape& shape = attentions.shape();
    if (shape.size() != 4 || shape[2] != tokens || shape[3] != tokens)
        throw Error(where + ": attentions must be [layers, heads, " + std::to_string(tokens) +
                    ", " + std::to_string(tokens) + "] for " + std::to_string(tokens) +
                    " tokens, found " + shapeToString(shape));
    const std::int64_t layers = shape[0];
    const std::int64_t heads = shape[1];
    if (layers < 1 || heads < 1)
        throw Error(where + ": attentions must have at least one layer and head, found " +
                    shapeToString(shape));
    if (!m_report.correct.empty() && (layers != m_report.layers || heads != m_report.heads))
        throw Error(where + ": attentions have " + std::to_string(layers) + " layers and " +
                    std::to_string(heads) + " heads, but earlier sentences had " +
                    std::to_string(m_report.layers) + " and " + std::to_string(m_report.heads));

    // Score every link before touching the report, so that an error leaves it as it was.
    std::vector<LinkScore> scores;
    std::vector<std::string> skipped;
    for (std::size_t index = 0; index < links.size(); ++index) {
        const CorefLink& link = links[index];
        const std::string linkName = where + ": link " + std::to_string(index);
        for (const auto& span : {link.pronoun, link.antecedent})
            if (span.first < 0 || span.first >= span.second)
                throw Error(linkName + ": span " + spanText(span) + " must have 0 <= start < end");

        const auto inSpan = [&](std::int64_t t, std::pair<int, int> span) {
            const auto ut = static_cast<std::size_t>(t);
            return !encoding.special[ut] && overlaps(encoding.offsets[ut], span);
        };
        const std::vector<std::int64_t> pronounTokens =
            tokensInSpan(encoding.offsets, encoding.special, link.pronoun);
        const std::int64_t query = pronounTokens.empty() ? -1 : pronounTokens.front();
        if (query < 0) {
            skipped.push_back(linkName + ": pronoun " + spanText(link.pronoun) +
                              " covers none of the " + std::to_string(tokens) +
                              " tokens (text truncated?)");
            continue;
        }

        std::vector<std::int64_t> allowed;
        std::vector<std::uint8_t> isAntecedent;
        bool antecedentHasTokens = false;
        bool antecedentBeforeQuery = false;
        for (std::int64_t t = 0; t < tokens; ++t) {
            const bool antecedent = inSpan(t, link.antecedent);
            antecedentHasTokens = antecedentHasTokens || antecedent;
            if (encoding.special[static_cast<std::size_t>(t)] || inSpan(t, link.pronoun))
                continue;
            antecedentBeforeQuery = antecedentBeforeQuery || (antecedent && t < query);
            if (m_causal && t > query)
                continue;
            allowed.push_back(t);
            isAntecedent.push_back(antecedent ? 1 : 0);
        }
        const auto antecedentTokens = std::count(isAntecedent.begin(), isAntecedent.end(), 1);
        if (antecedentTokens == 0) {
            std::string reason;
            if (!antecedentHasTokens)
                reason =
                    " covers none of the " + std::to_string(tokens) + " tokens (text truncated?)";
            else if (m_causal && !antecedentBeforeQuery)
                reason = " comes after the pronoun, which a causal model does not see";
            else
                reason = " has no token outside the pronoun " + spanText(link.pronoun);
            std::string line = linkName;
            line += ": antecedent ";
            line += spanText(link.antecedent);
            line += reason;
            skipped.push_back(std::move(line));
            continue;
        }

        LinkScore score;
        score.correct.resize(static_cast<std::size_t>(layers * heads));
        score.baseline =
            static_cast<double>(antecedentTokens) / static_cast<double>(allowed.size());
        for (std::int64_t lh = 0; lh < layers * heads; ++lh) {
            const float* row = attentions.data() + (lh * tokens + query) * tokens;
            for (std::int64_t k = 0; k < tokens; ++k)
                if (std::isnan(row[k]))
                    throw Error(linkName + ": attention of layer " + std::to_string(lh / heads) +
                                ", head " + std::to_string(lh % heads) + ", token " +
                                std::to_string(query) + " is NaN at key " + std::to_string(k));
            // The first of equal maxima wins, as numpy's argmax.
            std::size_t bestIndex = 0;
            for (std::size_t i = 1; i < allowed.size(); ++i)
                if (row[allowed[i]] > row[allowed[bestIndex]])
                    bestIndex = i;
            score.correct[static_cast<std::size_t>(lh)] = isAntecedent[bestIndex];
        }
        scores.push_back(std::move(score));
    }

    if (m_report.correct.empty()) {
        m_report.layers = layers;
        m_report.heads = heads;
        m_report.correct.assign(static_cast<std::size_t>(layers * heads), 0);
    }
    for (const LinkScore& score : scores) {
        for (std::size_t i = 0; i < score.correct.size(); ++i)
            m_report.correct[i] += score.correct[i];
        m_baselineSum += score.baseline;
        ++m_report.links;
    }
    m_report.baseline =
        m_report.links > 0 ? m_baselineSum / static_cast<double>(m_report.links) : 0.0;
    m_report.skipped.insert(m_report.skipped.end(), skipped.begin(), skipped.end());
}

std::string formatCorefReport(const CorefReport& report) {
    const auto percent = [](double fraction) {
        char buffer[32];
        std::snprintf(buffer, sizeof buffer, "%.1f%%", 100.0 * fraction);
        return std::string(buffer);
    };
    const auto padLeft = [](const std::string& text, std::size_t width) {
        return std::string(width > text.size() ? width - text.size() : 0, ' ') + text;
    };

    std::string out = "Coreference accuracy (Clark et al. 2019): " + std::to_string(report.links) +
                      (report.links == 1 ? " link" : " links") + ", " +
                      std::to_string(report.skipped.size()) + " skipped\n";
    if (report.layers > 0 && report.heads > 0) {
        // Every column is as wide as its widest entry: "head 11" or "100.0%".
        const std::size_t layerWidth =
            std::max<std::size_t>(5, std::to_string(report.layers - 1).size());
        std::vector<std::size_t> widths;
        out += padLeft("layer", layerWidth);
        for (std::int64_t h = 0; h < report.heads; ++h) {
            const std::string title = "head " + std::to_string(h);
            widths.push_back(std::max<std::size_t>(title.size(), 6));
            out += "  " + padLeft(title, widths.back());
        }
        out += '\n';
        for (std::int64_t l = 0; l < report.layers; ++l) {
            out += padLeft(std::to_string(l), layerWidth);
            for (std::int64_t h = 0; h < report.heads; ++h) {
                const std::string cell = report.links > 0 ? percent(report.accuracy(l, h)) : "-";
                out += "  " + padLeft(cell, widths[static_cast<std::size_t>(h)]);
            }
            out += '\n';
        }
    }
    if (const auto best = report.best())
        out += "best head: layer " + std::to_string(best->layer) + ", head " +
               std::to_string(best->head) + ": " + percent(best->accuracy) + '\n';
    else
        out += "best head: none (no link was evaluated)\n";
    out += "uniform baseline: " + (report.links > 0 ? percent(report.baseline) : "-") + '\n';
    return out;
}

} // namespace attnscope
