// Chinese token labels must draw real glyphs, never the missing-glyph box: in a QImage with
// labelFont(), and in SVG and PNG exports of a figure whose tokens are Chinese.

#include "figuretestdata.h"
#include "ui/figure/attentionpanels.h"
#include "ui/figure/attentionplot.h"
#include "ui/figure/figureexport.h"
#include "ui/figure/fonts.h"

#include <QFile>
#include <QImage>
#include <QPainter>
#include <QSet>
#include <QTemporaryDir>
#include <QtTest>

using namespace attnscope;

namespace {

// A code point no font has a glyph for (plane 16 private use): whatever draws for it is the
// missing-glyph box.
const QString kNoGlyph = QString::fromUcs4(U"\U0010FFFD");

QImage draw(const QString& text) {
    QImage image(160, 48, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::white);
    QPainter painter(&image);
    painter.setFont(labelFont(18));
    painter.setPen(Qt::black);
    painter.drawText(image.rect(), Qt::AlignCenter, text);
    return image;
}

int inkPixels(const QImage& image) {
    int ink = 0;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x)
            ink += qGray(image.pixel(x, y)) < 160 ? 1 : 0;
    return ink;
}

} // namespace

class TestFonts : public QObject {
    Q_OBJECT

private slots:
    void chineseDrawsGlyphsNotBoxes_data();
    void chineseDrawsGlyphsNotBoxes();
    void hasGlyphsKnowsWhatTheFontsCover();
    void chineseFigureExportsKeepTheLabels();
};

void TestFonts::chineseDrawsGlyphsNotBoxes_data() {
    QTest::addColumn<QString>("text");
    QTest::newRow("pronoun_tamen") << QStringLiteral("它们");
    QTest::newRow("apple_pingguo") << QStringLiteral("苹果");
    QTest::newRow("single_character") << QStringLiteral("猫");
}

void TestFonts::chineseDrawsGlyphsNotBoxes() {
    QFETCH(QString, text);
    QString boxes;
    for (qsizetype i = 0; i < text.size(); ++i)
        boxes += kNoGlyph;
    const QImage glyphs = draw(text);
    const QImage missing = draw(boxes);
    QVERIFY2(inkPixels(glyphs) > 30, "the text drew something");
    QVERIFY2(glyphs != missing, "Chinese drew as missing-glyph boxes");
    // Each character on its own, too: one box among real glyphs would pass the check above.
    for (const QChar c : text)
        QVERIFY2(draw(QString(c)) != draw(kNoGlyph), qPrintable(QString(c)));
}

void TestFonts::hasGlyphsKnowsWhatTheFontsCover() {
    const QFont font = labelFont();
    QVERIFY(font.families().contains(QStringLiteral("WenQuanYi Micro Hei")));
    QVERIFY(hasGlyphs(font, QStringLiteral("苹果")));
    QVERIFY(hasGlyphs(font, QStringLiteral("它们 ate the apples")));
    QVERIFY(hasGlyphs(font, QStringLiteral("␣world ↵ ##ing [CLS]")));
    QVERIFY(!hasGlyphs(font, kNoGlyph));
    QVERIFY(!hasGlyphs(font, QStringLiteral("苹") + kNoGlyph));
    QVERIFY(hasGlyphs(font, QString()));
}

void TestFonts::chineseFigureExportsKeepTheLabels() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const auto set = testdata::makeSet(1, 2, 6, {"[CLS]", "它们", "吃", "了", "苹果", "[SEP]"});
    AttentionPlot plot;
    plot.setFigure(headFigure(*set, 0, 1, false));

    const QString svgPath = dir.filePath("zh.svg");
    exportImage(plot, svgPath, {600, 520, 1.0, 0}, Overwrite::Refuse, exportTitle(*set, 0, 1));
    QFile svg(svgPath);
    QVERIFY(svg.open(QIODevice::ReadOnly));
    const QString xml = QString::fromUtf8(svg.readAll());
    QVERIFY2(xml.contains(QStringLiteral(">苹果</text>")), "Chinese label as SVG text");
    QVERIFY(xml.contains(QStringLiteral(">它们</text>")));

    const QString pngPath = dir.filePath("zh.png");
    exportImage(plot, pngPath, {600, 520, 1.0, 0}, Overwrite::Refuse, exportTitle(*set, 0, 1));
    const QImage image(pngPath);
    QCOMPARE(image.size(), QSize(600, 520));
    QSet<QRgb> colors;
    for (int y = 0; y < image.height(); y += 2)
        for (int x = 0; x < image.width(); x += 2)
            colors.insert(image.pixel(x, y));
    QVERIFY(colors.size() > 20);
}

QTEST_MAIN(TestFonts)
#include "test_fonts.moc"
