#pragma once

#include "ui/figure/figureexport.h"
#include "ui/figure/figureoptions.h"

#include <QMainWindow>
#include <vector>

class QAction;
class QLabel;
class QTabWidget;

namespace attnscope {

class AttentionDocument;
class AttentionJobRunner;
class ComputeStatus;
class ExportActions;
class HeadsView;
class ImportPanel;
class InputPanel;
class LinkFinder;
class RandomPanel;
class SentencePanel;

/**
 * attnscope's window: the input panels (sentence, random tensors, imported attention) in a dock
 * on the left, the heads grid and the selected head in the middle, the link finder on the right,
 * figure options in a tool bar and compute facts in the status bar. It owns the docks, menus and
 * dialogs and wires the parts to one AttentionDocument, which holds what is shown: panels make
 * requests, the document computes them off the GUI thread, the views draw the document.
 */
class MainWindow : public QMainWindow {
    Q_OBJECT

public:
    /** The order of the input tabs. */
    enum Mode { SentenceMode = 0, RandomMode = 1, ImportMode = 2 };

    /** `builtinFolder` may be empty when the built-in model is missing (the window says so). */
    explicit MainWindow(const QString& builtinFolder, QWidget* parent = nullptr);
    ~MainWindow() override;

    [[nodiscard]] Mode mode() const;
    void setMode(Mode mode);

    AttentionDocument* document() const { return m_document; }
    AttentionJobRunner* runner() const;
    SentencePanel* sentencePanel() const { return m_sentence; }
    RandomPanel* randomPanel() const { return m_random; }
    ImportPanel* importPanel() const { return m_import; }
    HeadsView* headsView() const { return m_heads; }
    LinkFinder* linkFinder() const { return m_linkFinder; }
    ExportActions* exports() const { return m_exports; }

    /** The inline message above the maps (errors and warnings), empty when none. */
    [[nodiscard]] QString message() const;

    /** What the File menu's actions do after their dialogs (see ExportActions); throw Error. */
    void exportHeadImage(const QString& path, const ImageSize& size, Overwrite overwrite);
    void exportGridImage(const QString& path, const ImageSize& size, Overwrite overwrite);
    QStringList exportAllHeadImages(const QString& folder, ImageFormat format,
                                    const ImageSize& size, Overwrite overwrite);
    void exportData(const QString& path, Overwrite overwrite);

    /** Computes the current input panel's request now (the panels ask on every change). */
    void recompute();

signals:
    /** A result is on screen (after the views were updated). */
    void resultShown();
    /** A request failed; the message is shown inline. */
    void resultFailed(const QString& message);

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void buildActions();
    void buildMenus();
    void restoreSettings();
    void saveSettings() const;

    void onResult();
    void showMessage(const QString& text, bool error);
    void showPlotMenu(class AttentionPlot* plot, const QPoint& position);
    void showAbout();
    void setLanguage(const QString& language);
    [[nodiscard]] InputPanel* currentPanel() const;

    QString m_builtinFolder;
    AttentionDocument* m_document = nullptr;
    QTabWidget* m_modes = nullptr;
    SentencePanel* m_sentence = nullptr;
    RandomPanel* m_random = nullptr;
    ImportPanel* m_import = nullptr;
    std::vector<InputPanel*> m_panels; ///< in Mode order
    HeadsView* m_heads = nullptr;
    LinkFinder* m_linkFinder = nullptr;
    QLabel* m_message = nullptr;
    ExportActions* m_exports = nullptr;
    ComputeStatus* m_status = nullptr;

    QAction* m_openModel = nullptr;
    QAction* m_importAction = nullptr;
    QAction* m_cancelAction = nullptr;
    QAction* m_quit = nullptr;
    QAction* m_nextHead = nullptr;
    QAction* m_previousHead = nullptr;
    QAction* m_nextLayer = nullptr;
    QAction* m_previousLayer = nullptr;
    QAction* m_unpin = nullptr;
    QAction* m_about = nullptr;

    bool m_restoring = false;
};

} // namespace attnscope
