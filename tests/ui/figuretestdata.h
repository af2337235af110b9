#pragma once

// Attention sets with known numbers for the figure tests: every row a softmax of deterministic
// scores, so that a test can ask for any cell's exact value.

#include "core/session/attentionset.h"

#include <cmath>
#include <cstdint>
#include <memory>

namespace attnscope::testdata {

inline std::shared_ptr<AttentionSet> makeSet(int layers, int heads, int seq,
                                             const QStringList& labels = {}) {
    auto set = std::make_shared<AttentionSet>();
    set->attentions = Tensor({layers, heads, seq, seq});
    float* out = set->attentions.data();
    for (int l = 0; l < layers; ++l) {
        for (int h = 0; h < heads; ++h) {
            for (int q = 0; q < seq; ++q) {
                double sum = 0.0;
                float* row = out;
                for (int k = 0; k < seq; ++k) {
                    // Scores that differ by layer, head and cell; a sharp peak per row.
                    const double score = std::sin(0.37 * (k + 1) * (q + 2) + 1.3 * h + 0.7 * l) +
                                         ((k * 7 + q * 3 + h) % seq == 0 ? 2.0 : 0.0);
                    row[k] = float(std::exp(score));
                    sum += row[k];
                }
                for (int k = 0; k < seq; ++k)
                    row[k] = float(row[k] / sum);
                out += seq;
            }
        }
    }
    for (int i = 0; i < seq; ++i)
        set->tokens.append(i < labels.size() ? labels[i] : QStringLiteral("t%1").arg(i));
    set->special.assign(std::size_t(seq), false);
    set->source = QStringLiteral("test");
    return set;
}

} // namespace attnscope::testdata
