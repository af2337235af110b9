// attnscope-cli render driven through QProcess: random problems and a tiny fixture model drawn
// into PNG, SVG and PDF with no display, and bad input reported as one line with exit status 2.

#include "clirunner.h"
#include "tests/common/tinybert.h"

#include <QDir>
#include <QFile>
#include <QImage>
#include <QProcessEnvironment>
#include <QSvgRenderer>
#include <QTemporaryDir>
#include <QtTest>

namespace {

QByteArray readAll(const QString& path) {
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

const QStringList kRandom = {"render", "--random", "--seq", "8",      "--embed",
                             "16",     "--heads",  "4",     "--seed", "7"};

} // namespace

class TestCliRender : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void randomRendersEachFormat_data();
    void randomRendersEachFormat();
    void pngSizeScaleAndDpi();
    void modelRendersTokensAsLabels();
    void forceReplacesExistingFile();
    void helpDescribesTheCommand();
    void badInput_data();
    void badInput();

private:
    QTemporaryDir m_dir;
    QString m_model;
};

void TestCliRender::initTestCase() {
    QVERIFY(m_dir.isValid());
    // The BERT fixture of tests/data/models with a vocabulary of "w5" ... "w63", as in
    // test_cli_models.
    m_model = m_dir.filePath("bert");
    const QString problem =
        attnscope::testing::writeTinyBert(QFINDTESTDATA("../data/models/bert_mlm"), m_model);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
}

void TestCliRender::randomRendersEachFormat_data() {
    QTest::addColumn<QString>("name");
    QTest::addColumn<QStringList>("layout");
    QTest::addColumn<QByteArray>("magic");
    QTest::newRow("png_grid_default") << "grid.png" << QStringList{} << QByteArray("\x89PNG\r\n");
    QTest::newRow("svg_single_head")
        << "head.svg" << QStringList{"--layer", "0", "--head", "3"} << QByteArray("<?xml");
    QTest::newRow("pdf_all_layers") << "all.pdf" << QStringList{"--all"} << QByteArray("%PDF-");
    QTest::newRow("png_log_diverging_causal")
        << "log.png" << QStringList{"--grid", "--log", "--colormap", "diverging", "--causal"}
        << QByteArray("\x89PNG\r\n");
}

void TestCliRender::randomRendersEachFormat() {
    QFETCH(QString, name);
    QFETCH(QStringList, layout);
    QFETCH(QByteArray, magic);
    const QString out = m_dir.filePath(name);
    const CliRun run = runCli(kRandom + layout + QStringList{"--out", out});
    QVERIFY2(run.finished && run.exitCode == 0, qPrintable(describe(run)));
    QVERIFY2(run.out.isEmpty() && run.err.isEmpty(), qPrintable(describe(run)));
    QVERIFY(readAll(out).startsWith(magic));
    if (name.endsWith(".svg")) {
        QVERIFY(QSvgRenderer(out).isValid());
        const QByteArray svg = readAll(out);
        QVERIFY(svg.contains(">t7</text>"));
        // the title names the source, the head and the problem, as the window's exports do
        QVERIFY(svg.contains("random — layer 0, head 3 — “seq 8, embed 16, heads 4, seed 7, "
                             "normal”"));
    }
    if (name.endsWith(".png"))
        QVERIFY(!QImage(out).isNull());
}

void TestCliRender::pngSizeScaleAndDpi() {
    const QString out = m_dir.filePath("sized.png");
    const CliRun run = runCli(kRandom + QStringList{"--out", out, "--width", "500", "--height",
                                                    "400", "--scale", "2", "--dpi", "300"});
    QVERIFY2(run.finished && run.exitCode == 0, qPrintable(describe(run)));
    const QImage image(out);
    QCOMPARE(image.size(), QSize(1000, 800));
    QCOMPARE(qRound(image.dotsPerMeterX() * 0.0254), 300);
}

void TestCliRender::modelRendersTokensAsLabels() {
    const QString out = m_dir.filePath("model.svg");
    const CliRun run = runCli({"render", "--model", m_model, "--text", "w5 w6 w7", "--layer", "1",
                               "--head", "2", "--out", out, "--threads", "1"});
    QVERIFY2(run.finished && run.exitCode == 0 && run.err.isEmpty(), qPrintable(describe(run)));
    const QByteArray svg = readAll(out);
    QVERIFY(svg.contains(">[CLS]</text>"));
    QVERIFY(svg.contains(">w6</text>"));
    QVERIFY(svg.contains("bert — layer 1, head 2 — “w5 w6 w7”"));

    // Hiding special tokens drops [CLS] and [SEP]; the default is the last layer's grid.
    const QString hidden = m_dir.filePath("hidden.svg");
    const CliRun second = runCli(
        {"render", "--model", m_model, "--text", "w5 w6 w7", "--hide-special", "--out", hidden});
    QVERIFY2(second.finished && second.exitCode == 0, qPrintable(describe(second)));
    const QByteArray grid = readAll(hidden);
    QVERIFY(!grid.contains(">[CLS]</text>"));
    QVERIFY(grid.contains("bert — layer 2 —")); // the fixture has 3 layers
}

void TestCliRender::forceReplacesExistingFile() {
    const QString out = m_dir.filePath("forced.png");
    {
        QFile file(out);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("original");
    }
    const CliRun run = runCli(kRandom + QStringList{"--out", out, "--force"});
    QVERIFY2(run.finished && run.exitCode == 0, qPrintable(describe(run)));
    QVERIFY(!QImage(out).isNull());
}

void TestCliRender::helpDescribesTheCommand() {
    const CliRun run = runCli({"render", "--help"});
    QVERIFY2(run.finished && run.exitCode == 0, qPrintable(describe(run)));
    QVERIFY(run.out.startsWith("Usage: attnscope-cli render"));
    QVERIFY(run.out.contains("--hide-special"));
    QVERIFY(run.out.contains("the grid of") || run.out.contains("(the default)"));
    const CliRun top = runCli({"--help"});
    QVERIFY(top.out.contains("  render "));
}

void TestCliRender::badInput_data() {
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("message");
    const QString existing = m_dir.filePath("existing.png");
    QTest::newRow("heads_not_dividing_embed")
        << QStringList{"render",  "--random", "--seq",  "8", "--embed", "10",
                       "--heads", "4",        "--seed", "1", "--out",   m_dir.filePath("x.png")}
        << "heads 4 does not divide embed 10";
    QTest::newRow("unknown_format_suffix")
        << kRandom + QStringList{"--out", m_dir.filePath("x.gif")}
        << "unknown image format '.gif'; expected .png, .svg or .pdf";
    QTest::newRow("existing_file_without_force")
        << kRandom + QStringList{"--out", existing} << "exists; pass --force to replace it";
    QTest::newRow("layer_out_of_range")
        << kRandom + QStringList{"--layer", "1", "--out", m_dir.filePath("x.png")}
        << "--layer 1 is out of range: the random problem has 1 layer (0 to 0)";
    QTest::newRow("head_out_of_range")
        << kRandom + QStringList{"--head", "4", "--out", m_dir.filePath("x.png")}
        << "--head 4 is out of range: the random problem has 4 heads (0 to 3)";
    QTest::newRow("model_and_random")
        << kRandom + QStringList{"--model", "builtin", "--out", m_dir.filePath("x.png")}
        << "--model and --random cannot be combined";
    QTest::newRow("no_source") << QStringList{"render", "--out", m_dir.filePath("x.png")}
                               << "missing --model DIR|builtin or --random";
    QTest::newRow("random_without_seq")
        << QStringList{"render", "--random", "--embed", "16",    "--heads",
                       "4",      "--seed",   "1",       "--out", m_dir.filePath("x.png")}
        << "--random needs --seq";
    QTest::newRow("text_with_random")
        << kRandom + QStringList{"--text", "hi", "--out", m_dir.filePath("x.png")}
        << "--text is only for --model";
    QTest::newRow("unknown_colormap")
        << kRandom + QStringList{"--colormap", "jet", "--out", m_dir.filePath("x.png")}
        << "--colormap must be one of viridis, magma, grayscale, diverging, not 'jet'";
    QTest::newRow("all_with_head")
        << kRandom + QStringList{"--all", "--head", "0", "--out", m_dir.filePath("x.png")}
        << "--all draws every layer and head";
    QTest::newRow("missing_out_directory")
        << kRandom + QStringList{"--out", m_dir.filePath("nowhere/x.png")} << "does not exist";
    QTest::newRow("zero_width") << kRandom +
                                       QStringList{"--width", "0", "--out", m_dir.filePath("x.png")}
                                << "--width";
    QTest::newRow("missing_model_folder")
        << QStringList{"render", "--model", m_dir.filePath("no-model"), "--text",
                       "w5",     "--out",   m_dir.filePath("x.png")}
        << "no-model";
}

void TestCliRender::badInput() {
    QFETCH(QStringList, arguments);
    QFETCH(QString, message);
    const QString existing = m_dir.filePath("existing.png");
    {
        QFile file(existing);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("original");
    }
    const CliRun run = runCli(arguments);
    QVERIFY2(run.finished && run.exitStatus == QProcess::NormalExit && run.exitCode == 2,
             qPrintable(describe(run)));
    QVERIFY(run.out.isEmpty());
    QVERIFY2(run.err.startsWith("attnscope-cli render: error: "), qPrintable(describe(run)));
    QVERIFY2(run.err.endsWith("\n") && run.err.count('\n') == 1, qPrintable(describe(run)));
    QVERIFY2(QString::fromUtf8(run.err).contains(message), qPrintable(describe(run)));
    QCOMPARE(readAll(existing), QByteArray("original"));
    QVERIFY(!QFile::exists(m_dir.filePath("x.png")));
    QVERIFY(!QFile::exists(m_dir.filePath("x.gif")));
}

QTEST_MAIN(TestCliRender)
#include "test_cli_render.moc"
