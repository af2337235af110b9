#pragma once

#include <QString>

class QApplication;

namespace attnscope {

/** "system", "light" or "dark": the application's palette (Fusion style for light and dark). */
void applyTheme(const QString& theme);

/**
 * Installs the interface translation for `language` ("system" follows the locale, "en", "zh_CN"):
 * attnscope's own (built into the binary from ui/translations/) and Qt's (dialog buttons), when
 * installed. Returns the language that is now active ("en" when none applies).
 */
QString installTranslations(QApplication& app, const QString& language);

} // namespace attnscope
