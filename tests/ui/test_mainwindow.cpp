// Drives the real window offscreen: modes, spin boxes, typing, hover and pin, the link finder,
// exports, and a burst of parameter changes.
#include "core/analysis/linkranking.h"
#include "core/base/error.h"
#include "core/formats/npy.h"
#include "core/models/textmodel.h"
#include "tests/common/tinybert.h"
#include "ui/document/attentiondocument.h"
#include "ui/figure/attentionplot.h"
#include "ui/panels/randompanel.h"
#include "ui/panels/sentencepanel.h"
#include "ui/session/attentionjobrunner.h"
#include "ui/views/headsview.h"
#include "ui/views/linkfinder.h"
#include "ui/window/mainwindow.h"

#include <QComboBox>
#include <QFile>
#include <QImage>
#include <QLabel>
#include <QPlainTextEdit>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QSvgRenderer>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>
#include <cstdint>
#include <vector>

using namespace attnscope;

namespace {

int colorMapCount(AttentionPlot* plot) {
    int count = 0;
    for (int i = 0; i < plot->plottableCount(); ++i) {
        count += qobject_cast<QCPColorMap*>(plot->plottable(i)) != nullptr ? 1 : 0;
    }
    return count;
}

/** A widget position over cell (query, key) of head (layer, head), found through hitTest. */
std::optional<QPoint> findCell(const AttentionPlot* plot, int layer, int head, int query, int key) {
    for (int y = 0; y < plot->height(); y += 2) {
        for (int x = 0; x < plot->width(); x += 2) {
            const PlotHit hit = plot->hitTest(QPointF(x, y));
            if (hit.valid && hit.layer == layer && hit.head == head && hit.query == query &&
                hit.key == key) {
                return QPoint(x, y);
            }
        }
    }
    return std::nullopt;
}

QString builtinFolderOrEmpty() {
    try {
        return QString::fromStdString(
            builtinModelFolder(QCoreApplication::applicationDirPath().toStdString()));
    } catch (const Error&) {
        return {};
    }
}

} // namespace

class TestMainWindow : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("attnscope-tests"));
        QCoreApplication::setApplicationName(QStringLiteral("test_mainwindow"));
    }
    void init() { QSettings().clear(); }

    void randomModeFollowsTheSpinBoxes() {
        MainWindow window{QString()};
        window.show();
        QSignalSpy shown(&window, &MainWindow::resultShown);
        window.setMode(MainWindow::RandomMode);
        RandomPanel* panel = window.randomPanel();
        panel->seqBox()->setValue(12);
        panel->embedBox()->setValue(32);
        panel->headsBox()->setValue(4);
        QTRY_VERIFY(!window.runner()->isBusy() && shown.count() > 0);
        QCOMPARE(window.document()->result()->heads(), 4);
        QCOMPARE(window.document()->result()->seq(), 12);
        QCOMPARE(colorMapCount(window.headsView()->gridPlot()), 4);

        panel->headsBox()->setValue(8);
        QTRY_COMPARE(window.document()->result()->heads(), 8);
        QTRY_COMPARE(colorMapCount(window.headsView()->gridPlot()), 8);

        // 5 does not divide 32: an inline message with the allowed counts; the last view stays
        panel->headsBox()->setValue(5);
        QTRY_VERIFY(window.message().contains(QStringLiteral("1, 2, 4, 8, 16, 32")));
        QCOMPARE(window.document()->result()->heads(), 8);
        QCOMPARE(colorMapCount(window.headsView()->gridPlot()), 8);
        QCOMPARE(panel->headsBox()->value(), 5); // what the user typed is kept

        panel->headsBox()->setValue(2);
        QTRY_COMPARE(window.document()->result()->heads(), 2);
        QTRY_VERIFY(window.message().isEmpty());

        // the seed changes the numbers, the same seed gives them back
        const float before = window.document()->result()->weight(0, 0, 3, 1);
        panel->seedBox()->setValue(7);
        QTRY_VERIFY(!window.runner()->isBusy() &&
                    window.document()->result()->weight(0, 0, 3, 1) != before);
        panel->seedBox()->setValue(0);
        QTRY_VERIFY(!window.runner()->isBusy() &&
                    window.document()->result()->weight(0, 0, 3, 1) == before);
    }

    void hoverShowsTheExactWeightAndClickPins() {
        MainWindow window{QString()};
        window.resize(1400, 900);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.setMode(MainWindow::RandomMode);
        window.randomPanel()->seqBox()->setValue(6);
        window.randomPanel()->embedBox()->setValue(16);
        window.randomPanel()->headsBox()->setValue(2);
        QTRY_VERIFY(!window.runner()->isBusy() && window.document()->result() &&
                    window.document()->result()->seq() == 6 &&
                    window.document()->result()->heads() == 2);
        HeadsView* view = window.headsView();
        AttentionDocument* document = window.document();
        AttentionPlot* plot = view->headPlot();
        const auto cell = findCell(plot, 0, document->head(), 2, 4);
        QVERIFY2(cell.has_value(), "no pixel of the large map maps to query 2, key 4");

        const float weight = window.document()->result()->weight(0, document->head(), 2, 4);
        const QString expected = QStringLiteral("t2 → t4: %1").arg(double(weight), 0, 'g', 6);
        QTest::mouseMove(plot, *cell);
        QTRY_VERIFY2(view->readoutText().contains(expected),
                     qPrintable(view->readoutText() + " / " + expected));

        QTest::mouseClick(plot, Qt::LeftButton, {}, *cell);
        QCOMPARE(document->pinnedQuery(), 2);
        QCOMPARE(document->pinnedKey(), 4);
        // the pin stays when the mouse leaves, and the link finder follows it
        QTest::mouseMove(plot, QPoint(2, 2));
        QTRY_VERIFY(view->readoutText().contains(QStringLiteral("Pinned")));
        QVERIFY(view->readoutText().contains(expected));
        QCOMPARE(document->linkQuery(), 2);
        QCOMPARE(document->linkKey(), 4);
        QCOMPARE(window.linkFinder()->queryBox()->currentData().toInt(), 2);
        QCOMPARE(window.linkFinder()->keyBox()->currentData().toInt(), 4);
        // clicking the pinned cell again unpins
        QTest::mouseClick(plot, Qt::LeftButton, {}, *cell);
        QCOMPARE(document->pinnedQuery(), -1);
    }

    void sentenceModeRunsTheModelAsYouType() {
        // the tiny BERT fixture (64 ids) with a vocabulary for the sentence typed below
        QTemporaryDir modelDir;
        QVERIFY(modelDir.isValid());
        const QString folder = modelDir.path();
        const QString problem = testing::writeTinyBert(QFINDTESTDATA("../data/models/bert_mlm"),
                                                       folder, {"the", "cat", "sat", "on", "mat"});
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        MainWindow window{QString()};
        window.show();
        QSignalSpy shown(&window, &MainWindow::resultShown);
        window.setMode(MainWindow::SentenceMode);
        window.sentencePanel()->setModelFolder(folder);
        auto* edit = window.findChild<QPlainTextEdit*>(QStringLiteral("sentenceEdit"));
        QVERIFY(edit);
        edit->clear();
        QTest::keyClicks(edit, QStringLiteral("the cat sat on the mat"));
        QTRY_VERIFY2_WITH_TIMEOUT(shown.count() > 0 && !window.runner()->isBusy(),
                                  qPrintable(window.message()), 10000);
        const TextModel model = TextModel::load(folder.toStdString());
        const Encoding encoding = model.encode("the cat sat on the mat");
        const auto& set = window.document()->result();
        QCOMPARE(set->seq(), int(encoding.size()));
        QCOMPARE(set->layers(), model.model().layers());
        QCOMPARE(set->heads(), model.model().heads());
        QCOMPARE(set->tokens.first(), QString::fromStdString(encoding.display.front()));
        QCOMPARE(colorMapCount(window.headsView()->gridPlot()), set->heads());
        // another layer, through the layer box as a user does it
        window.findChild<QSpinBox*>(QStringLiteral("layerBox"))->setValue(1);
        QCOMPARE(window.document()->layer(), 1);
        QCOMPARE(window.headsView()->gridPlot()->figure().panels.front().layer, 1);

        // an unreadable model folder: an inline error, the last good view stays, the text is kept
        window.sentencePanel()->setModelFolder(
            QDir::temp().filePath(QStringLiteral("attnscope-no-such-model")));
        window.recompute();
        QTRY_VERIFY(window.message().contains(QStringLiteral("attnscope-no-such-model")));
        QCOMPARE(window.document()->result(), set);
        QCOMPARE(edit->toPlainText(), QStringLiteral("the cat sat on the mat"));
    }

    void theHubCacheIsListedWhenItsScanEnds() {
        // A Hugging Face cache with one BERT snapshot, found through HF_HUB_CACHE by the scan
        // that runs off the GUI thread; choosing the entry runs that model.
        QTemporaryDir hub;
        QVERIFY(hub.isValid());
        const QString snapshot =
            hub.filePath(QStringLiteral("models--attnscope-tests--tiny-bert/snapshots/0123abc"));
        const QString problem = testing::writeTinyBert(QFINDTESTDATA("../data/models/bert_mlm"),
                                                       snapshot, {"the", "cat", "sat"});
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        const QByteArray previous = qgetenv("HF_HUB_CACHE");
        qputenv("HF_HUB_CACHE", hub.path().toUtf8());
        MainWindow window{QString()};
        QSignalSpy listed(window.sentencePanel(), &SentencePanel::cachedModelsListed);
        window.show();
        QTRY_COMPARE(listed.count(), 1);
        if (previous.isNull())
            qunsetenv("HF_HUB_CACHE");
        else
            qputenv("HF_HUB_CACHE", previous);
        auto* chooser = window.findChild<QComboBox*>(QStringLiteral("modelChooser"));
        QVERIFY(chooser);
        const int row = chooser->findData(QDir(snapshot).absolutePath());
        QVERIFY2(row >= 0, "the cached snapshot is not in the model chooser");
        QCOMPARE(chooser->itemText(row),
                 QStringLiteral("HF cache: attnscope-tests/tiny-bert (bert)"));

        QSignalSpy shown(&window, &MainWindow::resultShown);
        window.setMode(MainWindow::SentenceMode);
        chooser->setCurrentIndex(row);
        auto* edit = window.findChild<QPlainTextEdit*>(QStringLiteral("sentenceEdit"));
        edit->setPlainText(QStringLiteral("the cat sat"));
        QTRY_VERIFY2_WITH_TIMEOUT(!window.runner()->isBusy() && window.document()->result() &&
                                      window.document()->result()->seq() ==
                                          5, // [CLS] the cat sat [SEP]
                                  qPrintable(window.message()), 10000);
        QCOMPARE(window.sentencePanel()->modelFolder(), QDir(snapshot).absolutePath());
    }

    void firstLaunchShowsThePronounLinkOfTheBuiltinModel() {
        const QString builtin = builtinFolderOrEmpty();
        if (builtin.isEmpty()) {
            QSKIP("the built-in model is not in this checkout");
        }
        MainWindow window(builtin);
        window.show();
        QSignalSpy shown(&window, &MainWindow::resultShown);
        QTRY_VERIFY_WITH_TIMEOUT(shown.count() > 0 && !window.runner()->isBusy(), 20000);
        QCOMPARE(window.mode(), MainWindow::SentenceMode);
        const auto example = window.sentencePanel()->currentExample();
        QVERIFY(example.has_value());
        QVERIFY(example->pronounStart >= 0);
        AttentionDocument* view = window.document();
        const auto& set = window.document()->result();
        // the pronoun is pinned, on a token inside the antecedent
        QVERIFY(view->pinnedQuery() >= 0);
        const auto [qs, qe] = set->offsets[std::size_t(view->pinnedQuery())];
        QVERIFY(qs >= example->pronounStart && qe <= example->pronounEnd);
        const auto [ks, ke] = set->offsets[std::size_t(view->pinnedKey())];
        QVERIFY2(ks >= example->antecedentStart && ke <= example->antecedentEnd,
                 qPrintable(set->tokens.value(view->pinnedKey())));
        // the head shown is the model card's recommendation, and in it the pronoun's strongest
        // allowed link is the antecedent
        const ModelExamples& examples = window.sentencePanel()->examples();
        QCOMPARE(view->layer(), examples.recommendedLayer);
        QCOMPARE(view->head(), examples.recommendedHead);
        // the link finder ranks every head for that link; its top entry is the best head for it
        LinkFinder* finder = window.linkFinder();
        QCOMPARE(view->linkQuery(), view->pinnedQuery());
        QCOMPARE(view->linkKey(), view->pinnedKey());
        QCOMPARE(finder->queryBox()->currentData().toInt(), view->pinnedQuery());
        const std::vector<HeadWeight> ranked =
            rankHeadsForLink(set->attentions, view->linkQuery(), view->linkKey());
        QCOMPARE(finder->table()->rowCount(), set->layers() * set->heads());
        QCOMPARE(finder->table()->item(0, 1)->data(Qt::DisplayRole).toInt(),
                 int(ranked.front().layer));
        QCOMPARE(finder->table()->item(0, 2)->data(Qt::DisplayRole).toInt(),
                 int(ranked.front().head));
        // clicking an entry opens that head
        finder->table()->cellClicked(3, 0);
        QCOMPARE(view->layer(), int(ranked[3].layer));
        QCOMPARE(view->head(), int(ranked[3].head));
    }

    void exportsWriteEveryFormat() {
        MainWindow window{QString()};
        window.show();
        window.setMode(MainWindow::RandomMode);
        window.randomPanel()->seqBox()->setValue(8);
        window.randomPanel()->embedBox()->setValue(16);
        window.randomPanel()->headsBox()->setValue(4);
        QTRY_VERIFY(!window.runner()->isBusy() && window.document()->result() &&
                    window.document()->result()->seq() == 8 &&
                    window.document()->result()->heads() == 4);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        ImageSize size;
        size.width = 640;
        size.height = 480;
        window.exportHeadImage(dir.filePath(QStringLiteral("head.png")), size, Overwrite::Refuse);
        const QImage png(dir.filePath(QStringLiteral("head.png")));
        QCOMPARE(png.size(), QSize(640, 480));
        QVERIFY(png.pixel(10, 10) != png.pixel(320, 240) ||
                png.pixel(320, 240) != png.pixel(600, 400));
        window.exportGridImage(dir.filePath(QStringLiteral("grid.svg")), size, Overwrite::Refuse);
        QSvgRenderer svg(dir.filePath(QStringLiteral("grid.svg")));
        QVERIFY(svg.isValid());
        window.exportHeadImage(dir.filePath(QStringLiteral("head.pdf")), size, Overwrite::Refuse);
        QFile pdf(dir.filePath(QStringLiteral("head.pdf")));
        QVERIFY(pdf.open(QIODevice::ReadOnly));
        QCOMPARE(pdf.read(4), QByteArray("%PDF"));

        window.exportData(dir.filePath(QStringLiteral("all.npy")), Overwrite::Refuse);
        const Tensor back = npy::readFloat(dir.filePath(QStringLiteral("all.npy")).toStdString(),
                                           "exported attentions");
        QCOMPARE(back.shape(), (Shape{1, 4, 8, 8}));
        QCOMPARE(back[5], window.document()->result()->attentions[5]);
        window.exportData(dir.filePath(QStringLiteral("head.csv")), Overwrite::Refuse);
        QVERIFY(QFileInfo(dir.filePath(QStringLiteral("head.csv"))).size() > 0);
        // never overwrite silently
        QVERIFY_THROWS_EXCEPTION(
            Error, window.exportData(dir.filePath(QStringLiteral("all.npy")), Overwrite::Refuse));

        const QStringList all = window.exportAllHeadImages(
            dir.filePath(QString()), ImageFormat::Png, size, Overwrite::Refuse);
        QCOMPARE(all.size(), 4);
        QVERIFY(QFileInfo::exists(dir.filePath(QStringLiteral("layer00_head03.png"))));
    }

    void aBurstOfChangesShowsOnlyFreshResults() {
        MainWindow window{QString()};
        window.show();
        window.setMode(MainWindow::RandomMode);
        RandomPanel* panel = window.randomPanel();
        AttentionDocument* document = window.document();
        // Every result the views were given, with the newest request at that moment, and what
        // the two plots drew from it once the window had shown it.
        struct Delivery {
            std::uint64_t generation = 0;
            std::uint64_t newest = 0;
            int seq = 0;
            int heads = 0;
            int gridPanels = 0;
            int gridRows = 0;
            int headRows = 0;
            float drawn = 0.0F;
            float computed = 0.0F;
        };
        std::vector<Delivery> delivered;
        connect(&window, &MainWindow::resultShown, this, [&] {
            const AttentionSet& set = *document->result();
            const FigureSpec& grid = window.headsView()->gridPlot()->figure();
            const FigureSpec& head = window.headsView()->headPlot()->figure();
            delivered.push_back({document->outcome().generation,
                                 window.runner()->latestGeneration(), set.seq(), set.heads(),
                                 int(grid.panels.size()), grid.panels.front().rows(),
                                 head.panels.front().rows(), head.panels.front().matrix->at(0, 0),
                                 set.weight(document->layer(), document->head(), 0, 0)});
        });
        panel->embedBox()->setValue(64);
        panel->headsBox()->setValue(4);
        for (int seq = 1; seq <= 80; ++seq) {
            panel->seqBox()->setValue(seq);
            if (seq % 10 == 0)
                QCoreApplication::processEvents(); // let some results land in between
        }
        panel->headsBox()->setValue(8);
        QTRY_VERIFY_WITH_TIMEOUT(!window.runner()->isBusy() && document->result() &&
                                     document->result()->seq() == 80 &&
                                     document->result()->heads() == 8,
                                 20000);
        QVERIFY(!delivered.empty());
        for (const Delivery& d : delivered) {
            QVERIFY2(d.generation == d.newest,
                     qPrintable(QStringLiteral("a stale result (request %1) was shown while %2 "
                                               "was the newest")
                                    .arg(d.generation)
                                    .arg(d.newest)));
            QCOMPARE(d.gridPanels, d.heads);
            QCOMPARE(d.gridRows, d.seq);
            QCOMPARE(d.headRows, d.seq);
            QCOMPARE(d.drawn, d.computed);
        }
        QCOMPARE(delivered.back().seq, 80);
        QCOMPARE(delivered.back().heads, 8);
        QVERIFY(window.message().isEmpty());
    }

    void cancelKeepsTheLastResult() {
        MainWindow window{QString()};
        window.show();
        window.setMode(MainWindow::RandomMode);
        RandomPanel* panel = window.randomPanel();
        panel->seqBox()->setValue(8);
        panel->embedBox()->setValue(16);
        panel->headsBox()->setValue(2);
        QTRY_VERIFY(!window.runner()->isBusy() && window.document()->result() &&
                    window.document()->result()->seq() == 8);
        const auto shown = window.document()->result();
        QSignalSpy cancelled(window.document(), &AttentionDocument::computeCancelled);
        QSignalSpy changed(window.document(), &AttentionDocument::resultChanged);
        // Cancelled right after the request: whether or not the engine got to finish it, the
        // request ends cancelled and the last result stays (no timing decides this).
        panel->seqBox()->setValue(9);
        window.document()->cancel();
        QTRY_COMPARE(cancelled.size(), 1);
        QTRY_VERIFY(!window.runner()->isBusy());
        QCOMPARE(changed.size(), 0);
        QCOMPARE(window.document()->result(), shown);
        QVERIFY(window.message().contains(QStringLiteral("cancelled")));
        // the next change computes again
        panel->seqBox()->setValue(10);
        QTRY_VERIFY(window.document()->result()->seq() == 10);
    }
};

QTEST_MAIN(TestMainWindow)
#include "test_mainwindow.moc"
