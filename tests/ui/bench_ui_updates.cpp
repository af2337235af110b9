// Benchmark (not a test: timing is never asserted): what a slider drag costs in random-tensor mode.
// Each step changes the sequence length of a S=128, E=768, H=12 problem and waits until the
// window shows the result: engine compute on the worker + heads grid + large head + link finder
// redraw on the GUI thread. Prints one JSON line with the median and quartiles in milliseconds.
//
//     QT_QPA_PLATFORM=offscreen build/release/tests/ui/bench_ui_updates [steps] [threads]
#include "core/base/processtuning.h"
#include "ui/mainwindow.h"
#include "ui/panels/randompanel.h"
#include "ui/session/attentionjobrunner.h"
#include "ui/views/headsview.h"

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
    while (window.runner()->isBusy() || shown.isEmpty()) {
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 50);
    }

    std::vector<double> ms;
    for (int i = 0; i < steps; ++i) {
        const int seq = 128 + ((i % 2 == 0) ? 1 : -1) * (1 + i % 3); // a drag around 128
        shown.clear();
        QElapsedTimer timer;
        timer.start();
        panel->seqBox()->setValue(seq);
        while (shown.isEmpty()) {
            QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 5);
        }
        ms.push_back(double(timer.nsecsElapsed()) / 1e6);
    }
    std::sort(ms.begin(), ms.end());
    const auto at = [&](double q) {
        return ms[std::size_t(q * double(ms.size() - 1))];
    };
    std::printf(
        "{\"what\":\"random mode update, S~128 E=768 H=12, compute + redraw\",\"steps\":%d,"
        "\"threads\":%d,\"median_ms\":%.2f,\"p25_ms\":%.2f,\"p75_ms\":%.2f,\"max_ms\":%.2f}\n",
        steps, threads, at(0.5), at(0.25), at(0.75), ms.back());
    return 0;
}
