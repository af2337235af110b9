#include "core/session/modelexamples.h"

#include "core/analysis/corefeval.h"
#include "core/analysis/linkranking.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace attnscope {

namespace {

constexpr qint64 kMaxExamplesBytes = 4 << 20;

// Offered for models without examples.json: pronoun sentences first, as for the built-in model.
const char* const kFallbackExamples[] = {
    "The girl told the boy that she would win the race.",
    "The dog chased the cat because it was hungry.",
    "The trophy did not fit in the suitcase because it was too big.",
    "My friends bought apples, bananas and oranges, and they were all fresh.",
    "Attention lets every token look at every other token.",
};

/** Reads [start, end) within a text of `length` code points; an empty string when valid. */
QString readSpan(const QJsonValue& value, int length, int* start, int* end) {
    const QJsonArray span = value.toArray();
    if (!value.isArray() || span.size() != 2 || !span[0].isDouble() || !span[1].isDouble())
        return QStringLiteral("expected [start, end]");
    const double s = span[0].toDouble(), e = span[1].toDouble();
    if (s != double(int(s)) || e != double(int(e)) || s < 0 || e <= s || e > length)
        return QStringLiteral("[%1, %2] is not a span of the text (0 <= start < end <= %3)")
            .arg(s)
            .arg(e)
            .arg(length);
    *start = int(s);
    *end = int(e);
    return {};
}

} // namespace

ModelExamples ModelExamples::fallback() {
    ModelExamples examples;
    for (const char* text : kFallbackExamples) {
        ModelExample example;
        example.text = QString::fromUtf8(text);
        example.language = QStringLiteral("en");
        examples.examples << example;
    }
    return examples;
}

ModelExamples ModelExamples::forFolder(const QString& folder) {
    const QString path = QDir(folder).filePath(QStringLiteral("examples.json"));
    QFile file(path);
    if (!file.exists())
        return fallback();
    ModelExamples failed = fallback();
    if (!file.open(QIODevice::ReadOnly)) {
        failed.problem = QStringLiteral("%1: cannot read: %2").arg(path, file.errorString());
        return failed;
    }
    if (file.size() > kMaxExamplesBytes) {
        failed.problem = QStringLiteral("%1: %2 bytes, more than an examples file can be (4 MiB)")
                             .arg(path)
                             .arg(file.size());
        return failed;
    }
    return parse(file.readAll(), path);
}

ModelExamples ModelExamples::parse(const QByteArray& json, const QString& source) {
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(json, &error);
    ModelExamples result;
    const auto fail = [&](const QString& problem) {
        ModelExamples failed = fallback();
        failed.problem = source + QStringLiteral(": ") + problem;
        return failed;
    };
    if (error.error != QJsonParseError::NoError)
        return fail(QStringLiteral("invalid JSON at offset %1: %2")
                        .arg(error.offset)
                        .arg(error.errorString()));
    if (!document.isObject())
        return fail(QStringLiteral("expected a JSON object at the top level"));
    const QJsonObject root = document.object();
    if (root.contains(QStringLiteral("recommended_head"))) {
        const QJsonObject head = root.value(QStringLiteral("recommended_head")).toObject();
        const QJsonValue layer = head.value(QStringLiteral("layer"));
        const QJsonValue index = head.value(QStringLiteral("head"));
        if (!layer.isDouble() || !index.isDouble() || layer.toInt(-1) < 0 || index.toInt(-1) < 0)
            result.problem = source + QStringLiteral(": recommended_head must be "
                                                     "{\"layer\": L, \"head\": H} with L, H >= 0");
        else {
            result.recommendedLayer = layer.toInt();
            result.recommendedHead = index.toInt();
        }
    }
    const QJsonValue list = root.value(QStringLiteral("examples"));
    if (!list.isArray())
        return fail(QStringLiteral("'examples' must be a list of {\"text\": ...} objects"));
    const QJsonArray array = list.toArray();
    int skipped = 0;
    QString firstProblem;
    for (qsizetype i = 0; i < array.size(); ++i) {
        const QJsonObject object = array[i].toObject();
        const QString where = QStringLiteral("examples[%1]").arg(i);
        ModelExample example;
        example.text = object.value(QStringLiteral("text")).toString();
        example.language = object.value(QStringLiteral("language")).toString();
        QString problem;
        if (!array[i].isObject() || example.text.isEmpty())
            problem = where + QStringLiteral(".text is missing or empty");
        const QJsonArray links = object.value(QStringLiteral("links")).toArray();
        if (problem.isEmpty() && !links.isEmpty()) {
            const QJsonObject link = links.first().toObject();
            const int length = int(example.text.toUcs4().size());
            QString spanProblem = readSpan(link.value(QStringLiteral("pronoun")), length,
                                           &example.pronounStart, &example.pronounEnd);
            if (!spanProblem.isEmpty())
                problem = where + QStringLiteral(".links[0].pronoun: ") + spanProblem;
            spanProblem = readSpan(link.value(QStringLiteral("antecedent")), length,
                                   &example.antecedentStart, &example.antecedentEnd);
            if (problem.isEmpty() && !spanProblem.isEmpty())
                problem = where + QStringLiteral(".links[0].antecedent: ") + spanProblem;
        }
        if (!problem.isEmpty()) {
            ++skipped;
            if (firstProblem.isEmpty())
                firstProblem = problem;
            continue;
        }
        result.examples << example;
    }
    if (skipped > 0) {
        const QString problem = skipped == 1 ? firstProblem
                                             : QStringLiteral("%1 (and %2 more examples left out)")
                                                   .arg(firstProblem)
                                                   .arg(skipped - 1);
        result.problem = source + QStringLiteral(": ") + problem;
    }
    if (result.examples.isEmpty()) {
        ModelExamples failed = fallback();
        failed.problem = result.problem.isEmpty() ? source + QStringLiteral(": 'examples' is empty")
                                                  : result.problem;
        return failed;
    }
    return result;
}

std::optional<ExampleFocus> exampleFocus(const AttentionSet& set, const ModelExample& example,
                                         int recommendedLayer, int recommendedHead) {
    if (!example.hasLink() || set.offsets.empty())
        return std::nullopt;
    // The tokens of the pronoun and the antecedent, by the coreference measure's own rule.
    const std::vector<std::int64_t> pronounTokens =
        tokensInSpan(set.offsets, set.special, {example.pronounStart, example.pronounEnd});
    const std::vector<std::int64_t> antecedent =
        tokensInSpan(set.offsets, set.special, {example.antecedentStart, example.antecedentEnd});
    if (pronounTokens.empty() || antecedent.empty())
        return std::nullopt;
    ExampleFocus focus;
    focus.query = int(pronounTokens.front());
    focus.layer = recommendedLayer;
    focus.head = recommendedHead;
    if (focus.layer < 0 || focus.layer >= set.layers() || focus.head < 0 ||
        focus.head >= set.heads()) {
        const HeadWeight best = bestHeadForKeys(set.attentions, focus.query, antecedent);
        focus.layer = int(best.layer);
        focus.head = int(best.head);
    }
    // Pin the antecedent token that this head attends to most.
    std::int64_t key = antecedent.front();
    for (const std::int64_t token : antecedent) {
        if (set.weight(focus.layer, focus.head, focus.query, int(token)) >
            set.weight(focus.layer, focus.head, focus.query, int(key)))
            key = token;
    }
    focus.key = int(key);
    return focus;
}

} // namespace attnscope
