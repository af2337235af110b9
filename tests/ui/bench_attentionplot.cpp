// Benchmarks of the heat-map figure (not registered with CTest: timings are never asserted).
//   QT_QPA_PLATFORM=offscreen build/release/tests/ui/bench_attentionplot
// sliderUpdate: what the window does ~30 times a second while a slider moves (12 heads,
// 128 tokens): the panels of a new set of the same shape (layerFigure), then a full replot.
// gridBuild1024 / gridRelayout1024 / gridNewData1024: a 12-head grid of 1,024 tokens built from
// scratch, laid out again (a resize), and given new numbers of the same shape; each then drawn.
// singleHead1024: switching the large view between heads of a 1,024-token sequence.
// Pass e.g. -iterations 10 for steadier numbers.

#include "figuretestdata.h"
#include "ui/figure/attentionpanels.h"
#include "ui/figure/attentionplot.h"

#include <QtTest>

using namespace attnscope;

class BenchAttentionPlot : public QObject {
    Q_OBJECT

private slots:
    void sliderUpdate();
    void gridBuild1024();
    void gridRelayout1024();
    void gridNewData1024();
    void singleHead1024();
};

void BenchAttentionPlot::sliderUpdate() {
    AttentionPlot plot;
    plot.resize(1400, 900);
    plot.show();
    QVERIFY(QTest::qWaitForWindowExposed(&plot));
    // Two sets of the same shape with different numbers, alternated like a moving slider.
    const auto a = testdata::makeSet(1, 12, 128);
    auto b = std::make_shared<AttentionSet>(*a);
    for (std::int64_t i = 0; i < b->attentions.numel(); ++i)
        b->attentions[i] = a->attentions[b->attentions.numel() - 1 - i];
    plot.setFigure(layerFigure(*a, 0, false));
    plot.replot();
    bool flip = false;
    QBENCHMARK {
        plot.setFigure(layerFigure(flip ? *a : *b, 0, false));
        plot.replot();
        flip = !flip;
    }
}

void BenchAttentionPlot::gridBuild1024() {
    AttentionPlot plot;
    plot.resize(1400, 900);
    plot.show();
    QVERIFY(QTest::qWaitForWindowExposed(&plot));
    // Different labels force a build from scratch: panels, cells, colours, labels, layout.
    const auto a = testdata::makeSet(1, 12, 1024);
    auto b = std::make_shared<AttentionSet>(*a);
    b->tokens[0] = QStringLiteral("other");
    bool flip = false;
    QBENCHMARK {
        plot.setFigure(layerFigure(flip ? *a : *b, 0, false));
        plot.replot();
        flip = !flip;
    }
}

void BenchAttentionPlot::gridRelayout1024() {
    AttentionPlot plot;
    plot.resize(1400, 900);
    plot.show();
    QVERIFY(QTest::qWaitForWindowExposed(&plot));
    plot.setFigure(layerFigure(*testdata::makeSet(1, 12, 1024), 0, false));
    plot.replot();
    // What a resize does: the maps keep their cells, the layout and labels are made again.
    QBENCHMARK {
        plot.rebuild();
        plot.replot();
    }
}

void BenchAttentionPlot::gridNewData1024() {
    AttentionPlot plot;
    plot.resize(1400, 900);
    plot.show();
    QVERIFY(QTest::qWaitForWindowExposed(&plot));
    const auto a = testdata::makeSet(1, 12, 1024);
    auto b = std::make_shared<AttentionSet>(*a);
    for (std::int64_t i = 0; i < b->attentions.numel(); ++i)
        b->attentions[i] = a->attentions[b->attentions.numel() - 1 - i];
    plot.setFigure(layerFigure(*a, 0, false));
    plot.replot();
    bool flip = false;
    QBENCHMARK {
        plot.setFigure(layerFigure(flip ? *a : *b, 0, false));
        plot.replot();
        flip = !flip;
    }
}

void BenchAttentionPlot::singleHead1024() {
    AttentionPlot plot;
    plot.resize(1200, 1000);
    plot.show();
    QVERIFY(QTest::qWaitForWindowExposed(&plot));
    const auto set = testdata::makeSet(1, 12, 1024);
    int head = 0;
    QBENCHMARK {
        plot.setFigure(headFigure(*set, 0, head, false));
        plot.replot();
        head = (head + 1) % 12;
    }
}

QTEST_MAIN(BenchAttentionPlot)
#include "bench_attentionplot.moc"
