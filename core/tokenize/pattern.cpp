#include "core/tokenize/pattern.h"

#include "core/tokenize/unicode.h"

namespace attnscope {

Pattern Pattern::literal(std::u32string text) {
    Pattern p;
    p.m_literal = std::move(text);
    return p;
}

Pattern Pattern::regex(const std::string& utf8Regex, const json::Where& where) {
    Pattern p;
    p.m_isRegex = true;
    p.m_regex = QRegularExpression(QString::fromStdString(utf8Regex),
                                   QRegularExpression::UseUnicodePropertiesOption);
    if (!p.m_regex.isValid()) {
        json::fail(where, "regex '" + utf8Regex +
                              "' does not compile: " + p.m_regex.errorString().toStdString());
    }
    return p;
}

Pattern Pattern::fromJson(const QJsonValue& value, const json::Where& where) {
    const QJsonObject object = json::object(value, where);
    if (object.contains(QLatin1String("String"))) {
        return literal(unicode::decodeUtf8(
            json::string(object.value(QLatin1String("String")), where / "String")));
    }
    if (object.contains(QLatin1String("Regex"))) {
        return regex(json::string(object.value(QLatin1String("Regex")), where / "Regex"),
                     where / "Regex");
    }
    json::fail(where, "expected {\"String\": ...} or {\"Regex\": ...}");
}

std::vector<PatternPiece> Pattern::find(const std::u32string& text) const {
    if (!m_isRegex) {
        return findLiteralMatches(text, m_literal);
    }
    if (text.empty()) {
        return {{0, 0, false}};
    }
    const QString subject = unicode::toQString(text);
    // UTF-16 index -> code point index, for match boundaries (which fall on code point boundaries).
    std::vector<int> codePointAt(static_cast<std::size_t>(subject.size()) + 1, 0);
    int cp = 0;
    for (qsizetype i = 0; i < subject.size(); ++i) {
        codePointAt[static_cast<std::size_t>(i)] = cp;
        if (!(subject.at(i).isHighSurrogate() && i + 1 < subject.size() &&
              subject.at(i + 1).isLowSurrogate())) {
            ++cp;
        }
    }
    codePointAt[static_cast<std::size_t>(subject.size())] = cp;
    std::vector<Span> matches;
    auto it = m_regex.globalMatch(subject);
    while (it.hasNext()) {
        const QRegularExpressionMatch m = it.next();
        matches.emplace_back(codePointAt[static_cast<std::size_t>(m.capturedStart())],
                             codePointAt[static_cast<std::size_t>(m.capturedEnd())]);
    }
    return piecesFromMatches(static_cast<int>(text.size()), matches);
}

} // namespace attnscope
