// Image and data exports into a temporary folder, offscreen: PNG size, resolution and content;
// SVG validity and labels as text; PDF; NPY round trip; CSV quoting and precision; JSON; refusing
// to overwrite; one image per head.

#include "core/base/error.h"
#include "core/formats/npy.h"
#include "figuretestdata.h"
#include "ui/figure/attentionpanels.h"
#include "ui/figure/attentionplot.h"
#include "ui/figure/colormaps.h"
#include "ui/figure/figureexport.h"

#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QSvgRenderer>
#include <QTemporaryDir>
#include <QtTest>

using namespace attnscope;

namespace {

QByteArray readAll(const QString& path) {
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

int distinctColors(const QImage& image) {
    QSet<QRgb> colors;
    for (int y = 0; y < image.height(); y += 3)
        for (int x = 0; x < image.width(); x += 3)
            colors.insert(image.pixel(x, y));
    return int(colors.size());
}

} // namespace

class TestFigureExport : public QObject {
    Q_OBJECT

private slots:
    void init();
    void pngHasRequestedSizeAndContent_data();
    void pngHasRequestedSizeAndContent();
    void pngNaturalSizeWhenNoneGiven();
    void smallPngKeepsASingleStrongLink();
    void pngStrongCellHasTheTopColour();
    void svgIsValidWithLabelsAsText();
    void pdfIsWrittenWithEmbeddedFont();
    void unknownSuffixIsAnError();
    void npyRoundTrips();
    void csvHasLabelledQuotedRowsAndFullPrecision();
    void jsonParses();
    void refuseLeavesExistingFileUntouched_data();
    void refuseLeavesExistingFileUntouched();
    void replaceOverwrites();
    void allHeadsWritesOneNamedImagePerHead();
    void allHeadsRefusesWhenAnyTargetExists();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::shared_ptr<AttentionSet> m_set;
};

void TestFigureExport::init() {
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_set = testdata::makeSet(2, 3, 6, {"The", "dog, too", "said \"hi\"", "to", "it", "."});
}

void TestFigureExport::pngHasRequestedSizeAndContent_data() {
    QTest::addColumn<int>("width");
    QTest::addColumn<int>("height");
    QTest::addColumn<double>("scale");
    QTest::addColumn<int>("dpi");
    QTest::addColumn<QSize>("pixels");
    QTest::addColumn<int>("expectedDpi");
    QTest::newRow("640x480_screen") << 640 << 480 << 1.0 << 0 << QSize(640, 480) << 96;
    QTest::newRow("400x300_scale3_print") << 400 << 300 << 3.0 << 300 << QSize(1200, 900) << 300;
    QTest::newRow("scale2_default_dpi") << 500 << 400 << 2.0 << 0 << QSize(1000, 800) << 192;
}

void TestFigureExport::pngHasRequestedSizeAndContent() {
    QFETCH(int, width);
    QFETCH(int, height);
    QFETCH(double, scale);
    QFETCH(int, dpi);
    QFETCH(QSize, pixels);
    QFETCH(int, expectedDpi);
    AttentionPlot plot;
    plot.setFigure(layerFigure(*m_set, 1, false));
    const QSize before = plot.size();
    const QString path = m_dir->filePath("grid.png");
    exportImage(plot, path, {width, height, scale, dpi}, Overwrite::Refuse, exportTitle(*m_set, 1));
    const QImage image(path);
    QVERIFY(!image.isNull());
    QCOMPARE(image.size(), pixels);
    QCOMPARE(qRound(image.dotsPerMeterX() * 0.0254), expectedDpi);
    QVERIFY2(distinctColors(image) > 20, qPrintable(QString::number(distinctColors(image))));
    // The window's plot is not resized by an export.
    QCOMPARE(plot.size(), before);
}

void TestFigureExport::pngNaturalSizeWhenNoneGiven() {
    AttentionPlot plot;
    plot.setFigure(headFigure(*m_set, 0, 2, false));
    const QString path = m_dir->filePath("single.png");
    const QString title = exportTitle(*m_set, 0, 2);
    exportImage(plot, path, {}, Overwrite::Refuse, title);
    plot.setTitle(title); // the export's own figure carries the title
    QCOMPARE(QImage(path).size(), plot.naturalSize());
}

void TestFigureExport::smallPngKeepsASingleStrongLink() {
    // 900 tokens in a 400 × 400 image (maps of ~300 pixels) at scale 1 and at scale 2: the one
    // strong link must be in the PNG both times (each pixel shows its tokens' largest weight).
    constexpr int n = 900;
    auto set = testdata::makeSet(1, 1, n);
    float* cells = set->attentions.data();
    std::fill(cells, cells + n * n, 1.0f / n);
    cells[500 * n + 601] = 1.0f;
    AttentionPlot plot;
    plot.setFigure(headFigure(*set, 0, 0, false));
    for (const double scale : {1.0, 2.0}) {
        const QString path = m_dir->filePath(QStringLiteral("strong%1.png").arg(scale));
        exportImage(plot, path, {400, 400, scale, 0}, Overwrite::Refuse, exportTitle(*set, 0, 0));
        const QImage image(path);
        QCOMPARE(image.size(), QSize(400, 400) * scale);
        // The colour map's top colour (the link is the maximum, so it gets exactly that colour).
        const QColor strong = colorGradient(ColorMap::Viridis).color(1.0, QCPRange(0, 1));
        int found = 0;
        for (int y = 0; y < image.height(); ++y)
            for (int x = 0; x < image.width(); ++x)
                found += image.pixelColor(x, y) == strong ? 1 : 0;
        QVERIFY2(found > 0, qPrintable(QStringLiteral("scale %1: the link is missing").arg(scale)));
    }
}

void TestFigureExport::pngStrongCellHasTheTopColour() {
    // One head of 6 tokens whose cell (query 2, key 4) is the only large weight: in the PNG the
    // pixel at that cell's centre has the top colour of the map, and a weak cell does not.
    auto set = testdata::makeSet(1, 1, 6);
    float* cells = set->attentions.data();
    std::fill(cells, cells + 36, 0.02F);
    cells[2 * 6 + 4] = 0.9F;
    AttentionPlot plot;
    plot.setFigure(headFigure(*set, 0, 0, false));
    const QString path = m_dir->filePath("strong.png");
    const QString title = exportTitle(*set, 0, 0);
    exportImage(plot, path, {600, 500, 2.0, 0}, Overwrite::Refuse, title);
    const QImage image(path);
    QCOMPARE(image.size(), QSize(1200, 1000));
    // Where the cells are: the same figure laid out at the export's logical size.
    AttentionPlot layout;
    layout.setTitle(title);
    layout.copyFigureFrom(plot);
    layout.resize(600, 500);
    layout.setViewport(QRect(0, 0, 600, 500));
    layout.rebuild();
    const auto* map = qobject_cast<QCPColorMap*>(layout.plottable(0));
    QVERIFY(map != nullptr);
    const auto centre = [&](int query, int key) {
        return QPoint(int(map->keyAxis()->coordToPixel(key) * 2),
                      int(map->valueAxis()->coordToPixel(5 - query) * 2));
    };
    const QColor top = colorGradient(ColorMap::Viridis).color(1.0, QCPRange(0, 1));
    QCOMPARE(image.pixelColor(centre(2, 4)), top);
    QVERIFY(image.pixelColor(centre(2, 3)) != top);
    QVERIFY(image.pixelColor(centre(0, 4)) != top);
    // the weak cells take the colour of 0.02 in [0, 0.9]
    const QColor weak = colorGradient(ColorMap::Viridis).color(0.02, QCPRange(0, 0.9));
    QCOMPARE(image.pixelColor(centre(5, 0)), weak);
}

void TestFigureExport::svgIsValidWithLabelsAsText() {
    AttentionPlot plot;
    plot.setFigure(headFigure(*m_set, 1, 0, false));
    const QString path = m_dir->filePath("head.svg");
    exportImage(plot, path, {700, 600, 1.0, 0}, Overwrite::Refuse, exportTitle(*m_set, 1, 0));
    QSvgRenderer renderer(path);
    QVERIFY(renderer.isValid());
    const QByteArray svg = readAll(path);
    QVERIFY(svg.contains("<text"));
    // Every token label is text in the SVG, on both axes (queries and keys).
    for (const QString& token : m_set->tokens) {
        const QByteArray escaped = token.toHtmlEscaped().toUtf8();
        const QByteArray text = ">" + escaped + "</text>";
        QVERIFY2(svg.count(text) >= 2 || svg.count(">" + token.toUtf8() + "</text>") >= 2,
                 qPrintable(token));
    }
    QVERIFY(svg.contains(">weight</text>"));
    QVERIFY(svg.contains("test — layer 1, head 0")); // the title exports always have
    QVERIFY(svg.contains("WenQuanYi Micro Hei"));    // the CJK fallback is named for viewers
}

void TestFigureExport::pdfIsWrittenWithEmbeddedFont() {
    AttentionPlot plot;
    plot.setFigure(layerFigure(*m_set, 0, false));
    const QString path = m_dir->filePath("grid.pdf");
    exportImage(plot, path, {800, 600, 1.0, 0}, Overwrite::Refuse, exportTitle(*m_set, 0));
    const QByteArray pdf = readAll(path);
    QVERIFY(pdf.startsWith("%PDF-"));
    // Text is drawn as text with the font embedded (a TrueType program per font), not as paths.
    QVERIFY(pdf.contains("/FontFile2"));
    QVERIFY(pdf.contains("/ToUnicode"));
    QVERIFY(pdf.contains("/MediaBox [0 0 800.000000 600.000000]")); // points
}

void TestFigureExport::unknownSuffixIsAnError() {
    AttentionPlot plot;
    plot.setFigure(layerFigure(*m_set, 0, false));
    const QString path = m_dir->filePath("figure.gif");
    try {
        exportImage(plot, path, {}, Overwrite::Refuse, QStringLiteral("title"));
        QFAIL("no error for .gif");
    } catch (const Error& error) {
        QVERIFY2(QString(error.what()).contains("figure.gif") &&
                     QString(error.what()).contains(".png, .svg or .pdf"),
                 error.what());
    }
    QVERIFY(!QFile::exists(path));
    QCOMPARE(imageFormatForPath("A.SVG"), ImageFormat::Svg);
    QCOMPARE(imageSuffix(ImageFormat::Pdf), QStringLiteral("pdf"));
}

void TestFigureExport::npyRoundTrips() {
    const QString path = m_dir->filePath("a.npy");
    exportNpy(*m_set, path, Overwrite::Refuse);
    const Tensor read = npy::readFloat(path.toStdString(), "test");
    QCOMPARE(read.shape(), (Shape{2, 3, 6, 6}));
    QVERIFY(read == m_set->attentions);
}

void TestFigureExport::csvHasLabelledQuotedRowsAndFullPrecision() {
    const QString path = m_dir->filePath("head.csv");
    exportCsv(*m_set, 1, 2, false, path, Overwrite::Refuse);
    const QList<QByteArray> lines = readAll(path).split('\n');
    QCOMPARE(lines.size(), 6 + 2); // header, 6 rows, the empty piece after the last CRLF
    QCOMPARE(lines[0], QByteArray("query\\key,The,\"dog, too\",\"said \"\"hi\"\"\",to,it,.\r"));
    QVERIFY(lines[2].startsWith("\"dog, too\","));
    // Every value read back is the float written: the weights of layer 1, head 2.
    for (int query = 0; query < 6; ++query) {
        QList<QByteArray> cells = lines[1 + query].trimmed().split(',');
        // Labels with a comma are quoted: the values are the last six fields.
        QVERIFY(cells.size() >= 7);
        cells = cells.mid(cells.size() - 6);
        for (int key = 0; key < 6; ++key)
            QCOMPARE(cells[key].toFloat(), m_set->weight(1, 2, query, key));
    }
    // With special tokens hidden the rows are renormalised, as the maps draw them.
    auto special = testdata::makeSet(1, 1, 4, {"[CLS]", "a", "b", "[SEP]"});
    special->special = {true, false, false, true};
    const QString hidden = m_dir->filePath("hidden.csv");
    exportCsv(*special, 0, 0, true, hidden, Overwrite::Refuse);
    const QList<QByteArray> rows = readAll(hidden).split('\n');
    QCOMPARE(rows[0], QByteArray("query\\key,a,b\r"));
    const QList<QByteArray> a = rows[1].trimmed().split(',');
    const double sum = double(special->weight(0, 0, 1, 1)) + special->weight(0, 0, 1, 2);
    QCOMPARE(a[0], QByteArray("a"));
    QVERIFY(std::abs(a[1].toDouble() - special->weight(0, 0, 1, 1) / sum) < 1e-6);
}

void TestFigureExport::jsonParses() {
    const QString path = m_dir->filePath("a.json");
    m_set->text = "The dog, too, said \"hi\" to it.";
    exportJson(*m_set, path, Overwrite::Refuse);
    QJsonParseError error{};
    const QJsonDocument document = QJsonDocument::fromJson(readAll(path), &error);
    QCOMPARE(error.error, QJsonParseError::NoError);
    const QJsonObject object = document.object();
    QCOMPARE(object["source"].toString(), QStringLiteral("test"));
    QCOMPARE(object["text"].toString(), m_set->text);
    QCOMPARE(object["tokens"].toArray().at(2).toString(), QStringLiteral("said \"hi\""));
    QCOMPARE(object["special"].toArray().size(), 6);
    QCOMPARE(object["layers"].toInt(), 2);
    QCOMPARE(object["heads"].toInt(), 3);
    const double value = object["attentions"][1][2][3][4].toDouble();
    QCOMPARE(float(value), m_set->weight(1, 2, 3, 4));
}

void TestFigureExport::refuseLeavesExistingFileUntouched_data() {
    QTest::addColumn<QString>("name");
    QTest::newRow("png") << "x.png";
    QTest::newRow("svg") << "x.svg";
    QTest::newRow("pdf") << "x.pdf";
    QTest::newRow("npy") << "x.npy";
    QTest::newRow("csv") << "x.csv";
    QTest::newRow("json") << "x.json";
}

void TestFigureExport::refuseLeavesExistingFileUntouched() {
    QFETCH(QString, name);
    const QString path = m_dir->filePath(name);
    {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("original");
    }
    AttentionPlot plot;
    plot.setFigure(layerFigure(*m_set, 0, false));
    try {
        if (name.endsWith(".npy"))
            exportNpy(*m_set, path, Overwrite::Refuse);
        else if (name.endsWith(".csv"))
            exportCsv(*m_set, 0, 0, false, path, Overwrite::Refuse);
        else if (name.endsWith(".json"))
            exportJson(*m_set, path, Overwrite::Refuse);
        else
            exportImage(plot, path, {}, Overwrite::Refuse, QStringLiteral("title"));
        QFAIL("no error for an existing file");
    } catch (const Error& error) {
        QVERIFY2(QString(error.what()).contains(name + "' exists;"), error.what());
    }
    QCOMPARE(readAll(path), QByteArray("original"));
}

void TestFigureExport::replaceOverwrites() {
    const QString path = m_dir->filePath("x.png");
    {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("original");
    }
    AttentionPlot plot;
    plot.setFigure(layerFigure(*m_set, 0, false));
    exportImage(plot, path, {300, 200, 1.0, 0}, Overwrite::Replace, QStringLiteral("title"));
    QCOMPARE(QImage(path).size(), QSize(300, 200));
}

void TestFigureExport::allHeadsWritesOneNamedImagePerHead() {
    int calls = 0;
    const QStringList written =
        exportAllHeads(m_set, {}, m_dir->filePath("heads"), ImageFormat::Png, {320, 280, 1.0, 0},
                       Overwrite::Refuse, [&](int done, int total) {
                           ++calls;
                           return done <= total;
                       });
    QCOMPARE(written.size(), 6);
    QCOMPARE(calls, 7);
    QVERIFY(written.at(0).endsWith("/heads/layer00_head00.png"));
    QVERIFY(written.at(5).endsWith("/heads/layer01_head02.png"));
    for (const QString& path : written) {
        const QImage image(path);
        QCOMPARE(image.size(), QSize(320, 280));
        QVERIFY(distinctColors(image) > 10);
    }
    // Stopping early through progress.
    const QStringList some =
        exportAllHeads(m_set, {}, m_dir->filePath("some"), ImageFormat::Svg, {300, 300, 1.0, 0},
                       Overwrite::Refuse, [](int done, int) { return done < 2; });
    QCOMPARE(some.size(), 2);
    QVERIFY(readAll(some.at(1)).contains("test — layer 0, head 1"));
}

void TestFigureExport::allHeadsRefusesWhenAnyTargetExists() {
    const QString folder = m_dir->filePath("heads");
    QVERIFY(QDir().mkpath(folder));
    {
        QFile file(folder + "/layer01_head01.png");
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("original");
    }
    QVERIFY_THROWS_EXCEPTION(
        Error, exportAllHeads(m_set, {}, folder, ImageFormat::Png, {}, Overwrite::Refuse));
    QCOMPARE(QDir(folder).entryList(QDir::Files), QStringList{"layer01_head01.png"});
}

QTEST_MAIN(TestFigureExport)
#include "test_figureexport.moc"
