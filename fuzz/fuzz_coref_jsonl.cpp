// libFuzzer target: the coreference JSONL reader, then the evaluator on what it accepted (one
// token per code point, [CLS] and [SEP] around, uniform attention). Only attnscope::Error may
// come out of the reader, and nothing out of the evaluator: accepted spans are always in range.
#include "core/analysis/corefeval.h"
#include "core/base/error.h"

#include <QList>
#include <QString>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace {

int codePoints(const std::string& utf8) {
    return static_cast<int>(QString::fromStdString(utf8).toUcs4().size());
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::vector<attnscope::CorefSentence> sentences;
    try {
        sentences = attnscope::parseCorefJsonl(
            std::string(reinterpret_cast<const char*>(data), size), "fuzz.jsonl");
    } catch (const attnscope::Error&) {
        return 0;
    }
    attnscope::CorefEvaluator evaluator;
    for (const auto& sentence : sentences) {
        const int length = codePoints(sentence.text);
        if (length > 200)
            continue; // keeps each run fast; the reader was exercised already
        attnscope::Encoding encoding;
        const auto add = [&](int start, int end, bool special) {
            encoding.ids.push_back(0);
            encoding.tokens.emplace_back("t");
            encoding.display.emplace_back("t");
            encoding.offsets.emplace_back(start, end);
            encoding.special.push_back(special);
        };
        add(0, 0, true);
        for (int i = 0; i < length; ++i)
            add(i, i + 1, false);
        add(0, 0, true);
        const auto tokens = static_cast<std::int64_t>(encoding.size());
        const attnscope::Tensor attentions({1, 1, tokens, tokens},
                                           1.0f / static_cast<float>(tokens));
        evaluator.add(encoding, attentions, sentence.links);
    }
    // The reader keeps spans inside the text and every code point has a token here, so a link
    // can only be skipped because its antecedent lies within its pronoun.
    const auto& report = evaluator.report();
    for (const std::string& reason : report.skipped)
        if (reason.find("no token outside the pronoun") == std::string::npos)
            __builtin_trap();
    (void)attnscope::formatCorefReport(report);
    return 0;
}
