// attnscope: the desktop app. Everything but start-up lives in ui/.
#include "core/base/error.h"
#include "core/base/processtuning.h"
#include "core/models/textmodel.h"
#include "ui/appearance.h"
#include "ui/window/mainwindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QSettings>

int main(int argc, char* argv[]) {
    attnscope::keepFreedMemoryForReuse();
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("attnscope"));
    QApplication::setApplicationName(QStringLiteral("attnscope"));
    QApplication::setApplicationVersion(QStringLiteral(ATTNSCOPE_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("See how transformer attention works: one heat map per head."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption fresh(
        QStringLiteral("fresh"),
        QStringLiteral("Start from the defaults instead of the last session's settings."));
    const QCommandLineOption language(
        QStringLiteral("language"),
        QStringLiteral("Interface language for this run: en, zh_CN or system."),
        QStringLiteral("code"));
    parser.addOption(fresh);
    parser.addOption(language);
    parser.process(app);
    if (parser.isSet(fresh)) {
        QSettings().clear();
    }

    QSettings settings;
    attnscope::installTranslations(
        app,
        parser.isSet(language)
            ? parser.value(language)
            : settings.value(QStringLiteral("ui/language"), QStringLiteral("system")).toString());
    attnscope::applyTheme(
        settings.value(QStringLiteral("ui/theme"), QStringLiteral("system")).toString());

    QString builtin;
    try {
        builtin = QString::fromStdString(
            attnscope::builtinModelFolder(QCoreApplication::applicationDirPath().toStdString()));
    } catch (const attnscope::Error&) {
        // the window says that the built-in model is missing and offers the other modes
    }
    attnscope::MainWindow window(builtin);
    window.show();
    return QApplication::exec();
}
