// Subcommands that work on whole models: tokenize and attention (and coref-eval).

#include "app/cli/arguments.h"
#include "app/cli/commands.h"
#include "app/cli/common.h"
#include "core/analysis/corefeval.h"
#include "core/base/error.h"
#include "core/models/modelfamily.h"
#include "core/models/textmodel.h"
#include "core/session/computeattention.h"
#include "core/session/computecache.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <filesystem>
#include <iostream>

namespace attnscope::cli {

namespace {

OptionSpec modelOption() {
    return {"model", "DIR|builtin",
            "A Hugging Face model folder (config.json, model.safetensors, tokenizer files), or "
            "'builtin' for attnscope's own model.",
            true};
}

std::string modelFolder(const ParsedArguments& parsed) {
    return resolveModelFolder(parsed.required("model"), applicationDir());
}

/** {"ids":[...],"tokens":[...],"offsets":[[s,e],...]}, compact, one line. */
std::string encodingJson(const Encoding& encoding) {
    QJsonArray ids, tokens, offsets;
    for (std::size_t i = 0; i < encoding.size(); ++i) {
        ids.append(encoding.ids[i]);
        tokens.append(QString::fromStdString(encoding.tokens[i]));
        offsets.append(QJsonArray{encoding.offsets[i].first, encoding.offsets[i].second});
    }
    // QJsonObject would sort the keys; write them in the documented order instead.
    const QByteArray idsJson = QJsonDocument(ids).toJson(QJsonDocument::Compact);
    const QByteArray tokensJson = QJsonDocument(tokens).toJson(QJsonDocument::Compact);
    const QByteArray offsetsJson = QJsonDocument(offsets).toJson(QJsonDocument::Compact);
    return "{\"ids\":" + idsJson.toStdString() + ",\"tokens\":" + tokensJson.toStdString() +
           ",\"offsets\":" + offsetsJson.toStdString() + "}";
}

const ArgumentParser& tokenizeParser() {
    static const ArgumentParser parser(
        "tokenize",
        "Tokenizes text with a model's tokenizer, special tokens included, and prints one JSON\n"
        "line {\"ids\":[...],\"tokens\":[...],\"offsets\":[[s,e],...]} (offsets in Unicode code\n"
        "points of the text, end exclusive). Words outside the vocabulary show as [UNK].",
        {modelOption(), {"text", "TEXT", "The text (UTF-8).", true}});
    return parser;
}

const ArgumentParser& attentionParser() {
    static const ArgumentParser parser(
        "attention",
        "Runs a model on a text and writes the attention of every layer and head as float32\n"
        "[layers, heads, tokens, tokens]. Text longer than the model's positions is truncated\n"
        "with a warning on stderr.",
        {modelOption(),
         {"text", "TEXT", "The text (UTF-8).", true},
         {"out", "A.npy", "Write the attentions, float32 [L, H, S, S].", true},
         {"tokens-out", "T.json", "Write the tokens as `tokenize` prints them."},
         threadsOption(),
         memoryBudgetOption()});
    return parser;
}

const ArgumentParser& corefEvalParser() {
    static const ArgumentParser parser(
        "coref-eval",
        "Scores every layer x head on coreference links, with the measure of Clark et al. 2019\n"
        "(\"What Does BERT Look At?\"): a head is right on a link when the largest attention\n"
        "weight from the pronoun's first token (leaving out the pronoun and special tokens) falls\n"
        "inside the antecedent. Prints the table, the best head and the uniform baseline.\n"
        "Data: JSON Lines, {\"text\": ..., \"links\": [{\"pronoun\": [s,e], \"antecedent\": "
        "[s,e]}]}\nwith spans in Unicode code points, end exclusive.",
        {modelOption(),
         {"data", "FILE.jsonl", "The coreference links to score.", true},
         threadsOption(),
         memoryBudgetOption()});
    return parser;
}

} // namespace

std::string applicationDir() {
    std::error_code error;
    const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", error);
    return error ? std::string() : exe.parent_path().string();
}

void runCorefEval(std::span<const std::string> arguments, std::ostream& out) {
    const ArgumentParser& parser = corefEvalParser();
    const ParsedArguments parsed = parser.parse(arguments);
    if (parsed.helpRequested()) {
        out << parser.usage();
        return;
    }
    const std::string dataPath = parsed.required("data");
    const std::vector<CorefSentence> sentences = readCorefJsonl(dataPath);
    const ComputeOptions options = computeOptions(parsed);
    const TextModel model = TextModel::load(modelFolder(parsed));
    // A causal model (GPT-2) cannot attend forward: the evaluator leaves later tokens out.
    CorefEvaluator evaluator(model.model().config().family->causal);
    for (const CorefSentence& sentence : sentences) {
        const TextAttention result = model.run(sentence.text, options);
        evaluator.add(result.encoding, result.output.attentions, sentence.links,
                      dataPath + ":" + std::to_string(sentence.line));
    }
    if (evaluator.report().links == 0)
        throw Error(dataPath + ": no link could be evaluated (" +
                    std::to_string(evaluator.report().skipped.size()) + " skipped)");
    out << formatCorefReport(evaluator.report());
}

void runTokenize(std::span<const std::string> arguments, std::ostream& out) {
    const ArgumentParser& parser = tokenizeParser();
    const ParsedArguments parsed = parser.parse(arguments);
    if (parsed.helpRequested()) {
        out << parser.usage();
        return;
    }
    const std::string folder = modelFolder(parsed);
    // Only the tokenizer is needed; the model's type (for a folder without tokenizer.json) comes
    // from its config.json.
    const Tokenizer tokenizer = Tokenizer::fromFolder(folder);
    out << encodingJson(tokenizer.encode(parsed.required("text"), true)) << '\n';
}

void runAttention(std::span<const std::string> arguments, std::ostream& out) {
    const ArgumentParser& parser = attentionParser();
    const ParsedArguments parsed = parser.parse(arguments);
    if (parsed.helpRequested()) {
        out << parser.usage();
        return;
    }
    std::vector<Output> outputs;
    addOutput(outputs, parsed, "out");
    addOutput(outputs, parsed, "tokens-out");
    checkOutputPaths(outputs);
    const ComputeOptions options = computeOptions(parsed);

    // The same computation as the window's and `render`'s (computeAttention).
    ComputeCache cache;
    const AttentionOutcome outcome = computeAttention(
        SentenceRequest{QString::fromStdString(modelFolder(parsed)), textArgument(parsed)}, options,
        cache);
    for (const QString& warning : outcome.warnings)
        std::cerr << "attnscope-cli attention: warning: " << warning.toStdString() << '\n';
    setTensor(outputs, "out", outcome.set->attentions);
    for (Output& output : outputs) {
        if (output.option == "tokens-out")
            output.text = encodingJson(outcome.set->encoding) + "\n";
    }
    writeOutputs(outputs);
}

} // namespace attnscope::cli
