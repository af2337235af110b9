#include "ui/appearance.h"

#include <QApplication>
#include <QLibraryInfo>
#include <QLocale>
#include <QPalette>
#include <QStyle>
#include <QStyleFactory>
#include <QTranslator>

namespace attnscope {

namespace {

QPalette darkPalette() {
    QPalette palette;
    const QColor window(45, 45, 48);
    const QColor base(30, 30, 32);
    const QColor text(230, 230, 230);
    const QColor disabled(128, 128, 128);
    palette.setColor(QPalette::Window, window);
    palette.setColor(QPalette::WindowText, text);
    palette.setColor(QPalette::Base, base);
    palette.setColor(QPalette::AlternateBase, window);
    palette.setColor(QPalette::ToolTipBase, base);
    palette.setColor(QPalette::ToolTipText, text);
    palette.setColor(QPalette::Text, text);
    palette.setColor(QPalette::Button, window);
    palette.setColor(QPalette::ButtonText, text);
    palette.setColor(QPalette::BrightText, QColor(255, 100, 100));
    palette.setColor(QPalette::Highlight, QColor(42, 130, 218));
    palette.setColor(QPalette::HighlightedText, Qt::white);
    palette.setColor(QPalette::Link, QColor(100, 170, 255));
    palette.setColor(QPalette::PlaceholderText, QColor(150, 150, 150));
    for (auto role : {QPalette::Text, QPalette::ButtonText, QPalette::WindowText}) {
        palette.setColor(QPalette::Disabled, role, disabled);
    }
    return palette;
}

} // namespace

void applyTheme(const QString& theme) {
    static const QPalette systemPalette = QApplication::palette();
    static const QString systemStyle = QApplication::style()->name();
    if (theme == QLatin1String("dark")) {
        QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
        QApplication::setPalette(darkPalette());
    } else if (theme == QLatin1String("light")) {
        QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
        QApplication::setPalette(QApplication::style()->standardPalette());
    } else {
        QApplication::setStyle(QStyleFactory::create(systemStyle));
        QApplication::setPalette(systemPalette);
    }
}

QString installTranslations(QApplication& app, const QString& language) {
    const QLocale locale = language == QLatin1String("system") || language.isEmpty()
                               ? QLocale::system()
                               : QLocale(language);
    // qt_add_translations embeds the .qm files under :/i18n: attnscope_zh_CN (the whole interface)
    // and attnscope_en (English plural forms only: "%n token(s)" → "1 token", "16 tokens").
    auto* own = new QTranslator(&app);
    QString active = locale.language() == QLocale::English ? QStringLiteral("en") : locale.name();
    if (!own->load(locale, QStringLiteral("attnscope"), QStringLiteral("_"),
                   QStringLiteral(":/i18n"))) {
        active = QStringLiteral("en");
        if (!own->load(QStringLiteral(":/i18n/attnscope_en"))) {
            delete own;
            return active;
        }
    }
    QApplication::installTranslator(own);
    if (active != QLatin1String("en")) {
        QLocale::setDefault(locale); // number formats and the first example follow the interface
        auto* qt = new QTranslator(&app);
        if (qt->load(locale, QStringLiteral("qtbase"), QStringLiteral("_"),
                     QLibraryInfo::path(QLibraryInfo::TranslationsPath))) {
            QApplication::installTranslator(qt);
        } else {
            delete qt;
        }
    }
    return active;
}

} // namespace attnscope
