#include "ui/figure/fonts.h"

#include <QFontDatabase>
#include <QRawFont>
#include <QStringList>
#include <vector>

namespace attnscope {

namespace {

// DejaVu Sans for Latin, Greek, Cyrillic and the symbols attnscope shows (␣, ↵); WenQuanYi Micro
// Hei for Chinese (tools/setup.sh installs fonts-wqy-microhei). Qt asks them in this order per
// character, so a Chinese token falls through to WQY instead of fontconfig's guess — which
// offscreen or in a minimal container can be a font without CJK, i.e. empty boxes.
QStringList labelFamilies() {
    return {QStringLiteral("DejaVu Sans"), QStringLiteral("WenQuanYi Micro Hei"),
            QStringLiteral("Noto Sans CJK SC"), QStringLiteral("Droid Sans Fallback")};
}

} // namespace

QFont labelFont(qreal pointSize) {
    QFont font;
    font.setFamilies(labelFamilies());
    font.setPointSizeF(pointSize);
    font.setStyleHint(QFont::SansSerif);
    return font;
}

bool hasGlyphs(const QFont& font, const QString& text) {
    QStringList families = font.families();
    if (families.isEmpty())
        families = {font.family()};
    std::vector<QRawFont> raws;
    for (const QString& family : families) {
        QFont single(font);
        single.setFamilies({family});
        QRawFont raw = QRawFont::fromFont(single);
        // fromFont gives whatever fontconfig substituted when the family is missing; only count
        // the family itself.
        if (raw.isValid() && raw.familyName().compare(family, Qt::CaseInsensitive) == 0)
            raws.push_back(std::move(raw));
    }
    for (const char32_t codePoint : text.toUcs4()) {
        const QChar::Category category = QChar::category(codePoint);
        // Spaces and format characters draw nothing by design.
        if (category == QChar::Separator_Space || category == QChar::Other_Control ||
            category == QChar::Other_Format)
            continue;
        bool found = false;
        for (const QRawFont& raw : raws) {
            if (raw.supportsCharacter(codePoint)) {
                found = true;
                break;
            }
        }
        if (!found)
            return false;
    }
    return true;
}

} // namespace attnscope
