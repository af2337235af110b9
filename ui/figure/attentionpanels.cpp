#include "ui/figure/attentionpanels.h"

#include "core/base/error.h"

#include <QCoreApplication>

namespace attnscope {

namespace {

void checkHead(const AttentionSet& set, int layer, int head) {
    if (layer < 0 || layer >= set.layers())
        throw Error("layer " + std::to_string(layer) + " is out of range: the attention has " +
                    std::to_string(set.layers()) + " layers (0 to " +
                    std::to_string(set.layers() - 1) + ")");
    if (head < 0 || head >= set.heads())
        throw Error("head " + std::to_string(head) + " is out of range: the attention has " +
                    std::to_string(set.heads()) + " heads (0 to " +
                    std::to_string(set.heads() - 1) + ")");
}

/** The labels of the tokens a head matrix keeps (all of them, shared, when none is dropped). */
QStringList labelsOf(const AttentionSet& set, const HeadMatrix& matrix) {
    if (matrix.size() == set.seq())
        return set.tokens;
    QStringList labels;
    labels.reserve(matrix.size());
    for (const int token : matrix.tokens)
        labels << set.tokens.value(token);
    return labels;
}

PanelSpec panelOf(const AttentionSet& set, int layer, int head, bool hideSpecial,
                  const QStringList* labels) {
    HeadMatrix weights = headMatrix(set, layer, head, hideSpecial);
    PanelSpec panel;
    panel.rowLabels = labels != nullptr ? *labels : labelsOf(set, weights);
    panel.columnLabels = panel.rowLabels;
    if (weights.size() != set.seq()) {
        panel.rowTokens = weights.tokens;
        panel.columnTokens = weights.tokens;
    }
    auto matrix = std::make_shared<PanelMatrix>();
    matrix->rows = matrix->columns = weights.size();
    matrix->values = std::move(weights.values);
    panel.matrix = std::move(matrix);
    // The panel titles were the figure's own strings: they keep its translation context.
    panel.title =
        QCoreApplication::translate("attnscope::AttentionPlot", "L%1 H%2").arg(layer).arg(head);
    panel.kind = ValueKind::Probability;
    panel.layer = layer;
    panel.head = head;
    return panel;
}

} // namespace

PanelSpec headPanel(const AttentionSet& set, int layer, int head, bool hideSpecial) {
    checkHead(set, layer, head);
    return panelOf(set, layer, head, hideSpecial, nullptr);
}

FigureSpec headFigure(const AttentionSet& set, int layer, int head, bool hideSpecial) {
    FigureSpec figure;
    figure.style = PanelStyle::Large;
    figure.panels.push_back(headPanel(set, layer, head, hideSpecial));
    return figure;
}

FigureSpec layerFigure(const AttentionSet& set, int layer, bool hideSpecial) {
    checkHead(set, layer, 0);
    FigureSpec figure;
    figure.style = PanelStyle::Grid;
    figure.panels.reserve(std::size_t(set.heads()));
    // Every head keeps the same tokens: one label list, shared by all panels.
    const QStringList labels = labelsOf(set, headMatrix(set, layer, 0, hideSpecial));
    for (int h = 0; h < set.heads(); ++h)
        figure.panels.push_back(panelOf(set, layer, h, hideSpecial, &labels));
    return figure;
}

FigureSpec modelFigure(const AttentionSet& set, bool hideSpecial) {
    checkHead(set, 0, 0);
    FigureSpec figure;
    figure.style = PanelStyle::Compact;
    figure.columns = set.heads();
    figure.panels.reserve(std::size_t(set.layers()) * std::size_t(set.heads()));
    const QStringList labels = labelsOf(set, headMatrix(set, 0, 0, hideSpecial));
    for (int l = 0; l < set.layers(); ++l)
        for (int h = 0; h < set.heads(); ++h)
            figure.panels.push_back(panelOf(set, l, h, hideSpecial, &labels));
    return figure;
}

QString displaySource(const AttentionSet& set) {
    if (set.kind == SourceKind::Random)
        return QCoreApplication::translate("attnscope::AttentionPanels", "random");
    return set.source;
}

QString exportTitle(const AttentionSet& set, int layer, int head) {
    QString title = set.source.isEmpty()
                        ? QCoreApplication::translate("attnscope::FigureExport", "attention")
                        : displaySource(set);
    if (layer >= 0 && head >= 0)
        title += QCoreApplication::translate("attnscope::FigureExport", " — layer %1, head %2")
                     .arg(layer)
                     .arg(head);
    else if (layer >= 0)
        title += QCoreApplication::translate("attnscope::FigureExport", " — layer %1").arg(layer);
    else
        title += QCoreApplication::translate("attnscope::FigureExport", " — all layers");
    if (!set.text.isEmpty()) {
        QString text = set.text.simplified();
        if (text.size() > 70)
            text = text.left(69) + QChar(0x2026);
        title += QStringLiteral(" — “%1”").arg(text);
    }
    return title;
}

} // namespace attnscope
