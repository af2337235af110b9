// The Simplified Chinese interface: installTranslations() loads the catalogue built into
// attnscope_ui, the window's menus, tabs and docks come out in Chinese, and no text the window
// shows is still the English source of a translated string (which is what a tr() context that does
// not match the catalogue, e.g. one without the namespace, looks like). With "en" nothing changes.
#include "core/io/importedattention.h"
#include "ui/appearance.h"
#include "ui/figure/attentionplot.h"
#include "ui/panels/importpanel.h"
#include "ui/panels/sentencepanel.h"
#include "ui/window/mainwindow.h"

#include <QAbstractButton>
#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QDockWidget>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QPlainTextEdit>
#include <QRegularExpression>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTranslator>
#include <QtTest>
#include <set>

using namespace attnscope;

namespace {

/** Every text the window can show, with where it comes from (for the failure message). */
struct ShownText {
    QString where;
    QString text;
};

QList<ShownText> shownTexts(const MainWindow& window) {
    QList<ShownText> texts;
    const auto add = [&texts](const QObject* object, const QString& kind, const QString& text) {
        if (!text.trimmed().isEmpty()) {
            texts.append({QStringLiteral("%1 %2 (%3)")
                              .arg(kind, object->objectName(),
                                   QString::fromLatin1(object->metaObject()->className())),
                          text});
        }
    };
    add(&window, QStringLiteral("window title"), window.windowTitle());
    for (const QAction* action : window.findChildren<QAction*>()) {
        add(action, QStringLiteral("action"), action->text());
        add(action, QStringLiteral("action tool tip"), action->toolTip());
    }
    for (const QMenu* menu : window.findChildren<QMenu*>()) {
        add(menu, QStringLiteral("menu"), menu->title());
        for (const QAction* action : menu->actions()) {
            add(action, QStringLiteral("menu item"), action->text());
        }
    }
    for (const QLabel* label : window.findChildren<QLabel*>()) {
        if (label->isVisibleTo(&window)) {
            add(label, QStringLiteral("label"), label->text());
        }
    }
    for (const QTabWidget* tabs : window.findChildren<QTabWidget*>()) {
        for (int i = 0; i < tabs->count(); ++i) {
            add(tabs, QStringLiteral("tab"), tabs->tabText(i));
        }
    }
    for (const QDockWidget* dock : window.findChildren<QDockWidget*>()) {
        add(dock, QStringLiteral("dock"), dock->windowTitle());
    }
    for (const QAbstractButton* button : window.findChildren<QAbstractButton*>()) {
        add(button, QStringLiteral("button"), button->text());
    }
    for (const QComboBox* box : window.findChildren<QComboBox*>()) {
        if (box->objectName() == QLatin1String("exampleChooser")) {
            continue; // example sentences are the model's input, not interface text
        }
        if (box->objectName() == QLatin1String("linkQuery") ||
            box->objectName() == QLatin1String("linkKey")) {
            continue; // tokens
        }
        const bool models = box->objectName() == QLatin1String("modelChooser");
        for (int i = 0; i < box->count(); ++i) {
            if (!models || box->itemData(i).toString().isEmpty()) { // model names stay as they are
                add(box, QStringLiteral("combo item"), box->itemText(i));
            }
            add(box, QStringLiteral("combo item tool tip"),
                box->itemData(i, Qt::ToolTipRole).toString());
        }
    }
    for (const QTableWidget* table : window.findChildren<QTableWidget*>()) {
        for (int i = 0; i < table->columnCount(); ++i) {
            if (const QTableWidgetItem* header = table->horizontalHeaderItem(i)) {
                add(table, QStringLiteral("column header"), header->text());
            }
        }
    }
    for (const QCustomPlot* plot : window.findChildren<QCustomPlot*>()) {
        add(plot, QStringLiteral("x axis"), plot->xAxis->label());
        add(plot, QStringLiteral("y axis"), plot->yAxis->label());
        if (const auto* attention = qobject_cast<const AttentionPlot*>(plot)) {
            add(plot, QStringLiteral("plot title"), attention->title());
        }
    }
    for (const QWidget* widget : window.findChildren<QWidget*>()) {
        add(widget, QStringLiteral("tool tip"), widget->toolTip());
        if (const auto* line = qobject_cast<const QLineEdit*>(widget)) {
            add(widget, QStringLiteral("placeholder"), line->placeholderText());
        }
        if (const auto* edit = qobject_cast<const QPlainTextEdit*>(widget)) {
            add(widget, QStringLiteral("placeholder"), edit->placeholderText());
        }
    }
    return texts;
}

/** The tr() contexts of the interface: every class in the window, and the figure exporter's. */
std::set<QString> contexts(const MainWindow& window) {
    std::set<QString> names{QStringLiteral("QObject"), QStringLiteral("attnscope::FigureExport"),
                            QStringLiteral("attnscope::AttentionJobRunner")};
    names.insert(QString::fromLatin1(window.metaObject()->className()));
    for (const QObject* object : window.findChildren<QObject*>()) {
        names.insert(QString::fromLatin1(object->metaObject()->className()));
    }
    // and the same without the namespace, as a catalogue made without the headers has them
    for (const QString& name : std::set<QString>(names)) {
        if (name.startsWith(QLatin1String("attnscope::"))) {
            names.insert(name.mid(int(qstrlen("attnscope::"))));
        }
    }
    return names;
}

/** The contexts in which `text` is the English source of a string that has a translation. */
QStringList translatedIn(const std::set<QString>& names, const QString& text) {
    QStringList found;
    const QByteArray source = text.toUtf8();
    for (const QString& name : names) {
        const QByteArray context = name.toLatin1();
        if (QCoreApplication::translate(context.constData(), source.constData()) != text) {
            found << name;
        }
    }
    return found;
}

// Words that stay as they are in the Chinese interface: names, formats and the language chooser's
// own entry. File names (tokens.json), suffixes (.npy) and tensor notation ([layers, heads, seq,
// seq], [CLS]) are taken out before looking for English words.
const QStringList kKeptWords{
    QStringLiteral("attnscope"), QStringLiteral("Viridis"), QStringLiteral("Magma"),
    QStringLiteral("English"),   QStringLiteral("PNG"),     QStringLiteral("SVG"),
    QStringLiteral("PDF"),       QStringLiteral("JSON"),    QStringLiteral("NumPy"),
    QStringLiteral("CSV"),       QStringLiteral("README"),  QStringLiteral("Python"),
    QStringLiteral("softmax"),   QStringLiteral("dpi"),
};

void removeTranslators() {
    for (QTranslator* translator : qApp->findChildren<QTranslator*>()) {
        QCoreApplication::removeTranslator(translator);
        delete translator;
    }
}

/** Switches to random tensors (16 tokens, 4 heads by default) and waits for the result. */
bool showRandomResult(MainWindow& window) {
    QSignalSpy shown(&window, &MainWindow::resultShown);
    window.setMode(MainWindow::RandomMode);
    return shown.count() > 0 || shown.wait(10000);
}

} // namespace

class TestTranslations : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("attnscope-tests"));
        QCoreApplication::setApplicationName(QStringLiteral("test_translations"));
    }
    void init() { QSettings().clear(); }
    void cleanup() { removeTranslators(); }

    void englishTranslatesNothing() {
        QCOMPARE(installTranslations(*qApp, QStringLiteral("en")), QStringLiteral("en"));
        MainWindow window{QString()};
        window.show();
        QCOMPARE(window.menuBar()->actions().first()->text(), QStringLiteral("&File"));
        const auto* tabs = window.findChild<QTabWidget*>(QStringLiteral("modeTabs"));
        QVERIFY(tabs);
        QCOMPARE(tabs->tabText(0), QStringLiteral("Sentence"));
        QCOMPARE(tabs->tabText(1), QStringLiteral("Random tensors"));
        QCOMPARE(tabs->tabText(2), QStringLiteral("Imported"));
        QVERIFY(showRandomResult(window));
        // %n forms in English come from the English catalogue of plural forms only (lupdate
        // -pluralonly): "16 tokens", never "16 token(s)"
        QCOMPARE(window.findChild<QLabel*>(QStringLiteral("statusTokens"))->text(),
                 QStringLiteral("16 tokens"));
        QCOMPARE(window.findChild<QLabel*>(QStringLiteral("statusShape"))->text(),
                 QStringLiteral("1 layer × 4 heads"));
        // no Chinese anywhere but in the language chooser's own entry
        const QRegularExpression han(QStringLiteral("\\p{Han}"));
        for (const ShownText& shown : shownTexts(window)) {
            if (shown.text != QStringLiteral("简体中文")) {
                QVERIFY2(!han.match(shown.text).hasMatch(),
                         qPrintable(QStringLiteral("%1: \"%2\"").arg(shown.where, shown.text)));
            }
        }
    }

    void chineseMenusTabsAndDocks() {
        QCOMPARE(installTranslations(*qApp, QStringLiteral("zh_CN")), QStringLiteral("zh_CN"));
        MainWindow window{QString()};
        window.show();
        QCOMPARE(window.menuBar()->actions().first()->text(), QStringLiteral("文件(&F)"));
        QStringList menus;
        for (const QAction* action : window.menuBar()->actions()) {
            menus << action->text();
        }
        QCOMPARE(menus, (QStringList{QStringLiteral("文件(&F)"), QStringLiteral("视图(&V)"),
                                     QStringLiteral("计算(&C)"), QStringLiteral("帮助(&H)")}));
        const auto* tabs = window.findChild<QTabWidget*>(QStringLiteral("modeTabs"));
        QVERIFY(tabs);
        QCOMPARE(tabs->tabText(0), QStringLiteral("句子"));
        QCOMPARE(tabs->tabText(1), QStringLiteral("随机张量"));
        QCOMPARE(tabs->tabText(2), QStringLiteral("导入"));
        QCOMPARE(window.findChild<QDockWidget*>(QStringLiteral("linkDock"))->windowTitle(),
                 QStringLiteral("关联查找"));
        // without a model the sentence mode says so, in Chinese
        QCOMPARE(window.message(), QStringLiteral("未选择模型：请打开模型文件夹。"));
    }

    void chineseStatusBarUsesNumerusForms() {
        installTranslations(*qApp, QStringLiteral("zh_CN"));
        MainWindow window{QString()};
        window.show();
        QVERIFY(showRandomResult(window));
        const auto* tokens = window.findChild<QLabel*>(QStringLiteral("statusTokens"));
        QVERIFY(tokens);
        QCOMPARE(tokens->text(), QStringLiteral("16 个词元"));
        const auto* shape = window.findChild<QLabel*>(QStringLiteral("statusShape"));
        QCOMPARE(shape->text(), QStringLiteral("1 层 × 4 头"));
    }

    void chineseLeavesNoEnglishOnScreen() {
        installTranslations(*qApp, QStringLiteral("zh_CN"));
        MainWindow window{QString()};
        window.show();
        QVERIFY(showRandomResult(window));
        const std::set<QString> names = contexts(window);
        const QRegularExpression word(QStringLiteral("[A-Za-z]{3,}"));
        const QRegularExpression notation(QStringLiteral("[\\w*]*[._][\\w.]+|\\[[^\\]]*\\]"));
        QStringList english;
        QStringList untranslated;
        const QList<ShownText> texts = shownTexts(window);
        QVERIFY(texts.size() > 80); // the walk reaches the menus, panels, docks and status bar
        for (const ShownText& shown : texts) {
            // a tr() whose context does not match the catalogue shows its English source
            const QStringList contextsWithTranslation = translatedIn(names, shown.text);
            if (!contextsWithTranslation.isEmpty()) {
                english << QStringLiteral("%1: \"%2\" (translated in %3)")
                               .arg(shown.where, shown.text,
                                    contextsWithTranslation.join(QStringLiteral(", ")));
            }
            // a string outside tr(), or one the catalogue lacks, shows English words
            QString text = shown.text;
            text.remove(notation);
            for (auto it = word.globalMatch(text); it.hasNext();) {
                const QString found = it.next().captured();
                if (!kKeptWords.contains(found)) {
                    untranslated << QStringLiteral("%1: \"%2\"").arg(shown.where, shown.text);
                    break;
                }
            }
        }
        QVERIFY2(english.isEmpty(), qPrintable(english.join(QLatin1Char('\n'))));
        QVERIFY2(untranslated.isEmpty(), qPrintable(untranslated.join(QLatin1Char('\n'))));
    }

    void coreErrorsComeInATranslatedSentence() {
        // Core's messages are English (they name files and fields); the window says them inside
        // a sentence of its own language.
        installTranslations(*qApp, QStringLiteral("zh_CN"));
        MainWindow window{QString()};
        window.show();
        window.sentencePanel()->setModelFolder(QStringLiteral("/nonexistent/zh-model"));
        window.sentencePanel()->setText(QStringLiteral("它很好。"));
        window.recompute();
        QTRY_VERIFY(window.message().contains(QStringLiteral("/nonexistent/zh-model")));
        QVERIFY2(window.message().startsWith(QStringLiteral("无法计算注意力：")),
                 qPrintable(window.message()));
        // and a warning likewise: an imported file whose rows do not sum to 1
        QTemporaryDir dir;
        ImportedAttention halfRows;
        halfRows.attentions = Tensor({1, 1, 2, 2}, 0.25F);
        halfRows.tokens = {"a", "b"};
        const QString npy = dir.filePath("half.npy"), tokens = dir.filePath("tokens.json");
        halfRows.writeNpy(npy.toStdString(), tokens.toStdString());
        window.importPanel()->setPaths(npy, tokens);
        window.setMode(MainWindow::ImportMode);
        QTRY_VERIFY(window.message().startsWith(QStringLiteral("注意：")));
    }

    void figureExportTitlesFollowTheLanguage() {
        QCOMPARE(QCoreApplication::translate("attnscope::FigureExport", " — all layers"),
                 QStringLiteral(" — all layers"));
        installTranslations(*qApp, QStringLiteral("zh_CN"));
        QCOMPARE(QCoreApplication::translate("attnscope::FigureExport", " — all layers"),
                 QStringLiteral(" — 所有层"));
    }
};

QTEST_MAIN(TestTranslations)
#include "test_translations.moc"
