#pragma once

#include <QFont>
#include <QString>

namespace attnscope {

/**
 * The font for token labels, titles and legends in views and exports: a Latin face with a CJK
 * fallback that is present on the machine (WenQuanYi Micro Hei, installed by tools/setup.sh), so
 * that Chinese tokens never come out as empty boxes — also offscreen and in SVG/PDF.
 */
QFont labelFont(qreal pointSize = 9.0);

/** Whether every character of `text` has a real glyph in `font` or in its fallbacks. */
bool hasGlyphs(const QFont& font, const QString& text);

} // namespace attnscope
