// Benchmark (not a test: timing is never asserted): what a slider step costs in random-tensor mode,
// measured as the user sees it: from the spin box's new value until the window has the result AND
// the heads grid, the large head and the link finder have been redrawn with it (their replots
// done). S≈128, E=768, H=12. Prints one JSON line with the median and quartiles in milliseconds.
//
//     QT_QPA_PLATFORM=offscreen build/release/tests/ui/bench_ui_updates [steps] [threads]
#include "core/base/processtuning.h"
#include "ui/document/attentiondocument.h"
#include "ui/figure/attentionplot.h"
#include "ui/panels/randompanel.h"
#include "ui/session/attentionjobrunner.h"
#include "ui/views/headsview.h"
#include "ui/views/linkfinder.h"
#include "ui/window/mainwindow.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <algorithm>
#include <cstdio>
#include <vector>

int main(int argc, char* argv[]) {
    attnscope::keepFreedMemoryForReuse(); // as the app does
    QApplication app(argc, argv);
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("attnscope-bench"));
    QSettings().clear();
    const int steps = argc > 1 ? std::max(5, std::atoi(argv[1])) : 40;
    const int threads = argc > 2 ? std::atoi(argv[2]) : 0;

    attnscope::MainWindow window{QString()};
    window.resize(1600, 1000);
    window.show();
    window.runner()->setThreads(threads);
    window.setMode(attnscope::MainWindow::RandomMode);
    auto* panel = window.randomPanel();
    panel->embedBox()->setValue(768);
    panel->headsBox()->setValue(12);
    panel->seqBox()->setValue(128);
    QSignalSpy shown(&window, &attnscope::MainWindow::resultShown);
    while (window.runner()->isBusy() || shown.isEmpty())
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 50);
    QCustomPlot* linkMap = window.linkFinder()->findChild<QCustomPlot*>(QStringLiteral("linkMap"));
    const std::vector<QCustomPlot*> plots{window.headsView()->gridPlot(),
                                          window.headsView()->headPlot(), linkMap};
    std::vector<std::unique_ptr<QSignalSpy>> replotted;
    for (QCustomPlot* plot : plots)
        replotted.push_back(std::make_unique<QSignalSpy>(plot, &QCustomPlot::afterReplot));
    for (int i = 0; i < 20; ++i)
        QCoreApplication::processEvents();

    std::vector<double> ms, computeMs, drawMs;
    QElapsedTimer timer;
    double resultAt = 0.0; // when the window had the result (its views given it), in the step
    QObject::connect(&window, &attnscope::MainWindow::resultShown,
                     [&] { resultAt = double(timer.nsecsElapsed()) / 1e6; });
    for (int i = 0; i < steps; ++i) {
        const int seq = 128 + ((i % 2 == 0) ? 1 : -1) * (1 + i % 3); // a drag around 128
        shown.clear();
        for (auto& spy : replotted)
            spy->clear();
        timer.start();
        panel->seqBox()->setValue(seq);
        while (shown.isEmpty())
            QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 5);
        computeMs.push_back(window.document()->outcome().computeMilliseconds);
        // The views asked for their replots when they were given the result; wait for them.
        const auto allReplotted = [&] {
            return std::all_of(replotted.begin(), replotted.end(),
                               [](const auto& spy) { return !spy->isEmpty(); });
        };
        while (!allReplotted())
            QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 5);
        ms.push_back(double(timer.nsecsElapsed()) / 1e6);
        drawMs.push_back(ms.back() - resultAt);
    }
    const auto quantile = [](std::vector<double> values, double q) {
        std::sort(values.begin(), values.end());
        return values[std::size_t(q * double(values.size() - 1))];
    };
    std::printf("{\"what\":\"random mode slider step, S~128 E=768 H=12, compute + redraw\","
                "\"steps\":%d,\"threads\":%d,\"median_ms\":%.2f,\"p25_ms\":%.2f,\"p75_ms\":%.2f,"
                "\"max_ms\":%.2f,\"median_compute_ms\":%.2f,\"median_after_result_ms\":%.2f}\n",
                steps, threads, quantile(ms, 0.5), quantile(ms, 0.25), quantile(ms, 0.75),
                quantile(ms, 1.0), quantile(computeMs, 0.5), quantile(drawMs, 0.5));
    return 0;
}
