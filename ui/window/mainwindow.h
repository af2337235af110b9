#pragma once

#include "ui/figure/figureexport.h"
#include "ui/figure/figureoptions.h"
#include "ui/session/attentionrequest.h"

#include <QMainWindow>
#include <cstdint>
#include <memory>

class QAction;
class QCheckBox;
class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QTabWidget;
class QTimer;

namespace attnscope {

class AttentionJobRunner;
class HeadsView;
class ImportPanel;
class LinkFinder;
class RandomPanel;
class SentencePanel;

/**
 * attnscope's window: the input panel (sentence, random tensors, imported attention) on the left,
 * the heads grid and the selected head in the middle, the link finder on the right, figure options
 * in a tool bar, and compute facts in the status bar. It wires the parts together; the parts hold
 * the logic (panels build requests, AttentionJobRunner computes off the GUI thread, HeadsView and
 * AttentionPlot draw, figureexport writes files).
 */
class MainWindow : public QMainWindow {
    Q_OBJECT

public:
    enum Mode { SentenceMode = 0, RandomMode = 1, ImportMode = 2 };

    /** `builtinFolder` may be empty when the built-in model is missing (the window says so). */
    explicit MainWindow(const QString& builtinFolder, QWidget* parent = nullptr);
    ~MainWindow() override;

    [[nodiscard]] Mode mode() const;
    void setMode(Mode mode);

    SentencePanel* sentencePanel() const { return m_sentence; }
    RandomPanel* randomPanel() const { return m_random; }
    ImportPanel* importPanel() const { return m_import; }
    HeadsView* headsView() const { return m_heads; }
    LinkFinder* linkFinder() const { return m_linkFinder; }
    AttentionJobRunner* runner() const { return m_runner; }

    /** The inline message above the maps (errors and warnings), empty when none. */
    [[nodiscard]] QString message() const;
    [[nodiscard]] const FigureOptions& figureOptions() const { return m_options; }
    void setFigureOptions(const FigureOptions& options);

    /** What the File menu's actions do after their dialogs; throw Error. */
    void exportHeadImage(const QString& path, const ImageSize& size, Overwrite overwrite);
    void exportGridImage(const QString& path, const ImageSize& size, Overwrite overwrite);
    QStringList exportAllHeadImages(const QString& folder, ImageFormat format,
                                    const ImageSize& size, Overwrite overwrite);
    /** .npy (every layer), .csv (the selected head) or .json (everything), by suffix. */
    void exportData(const QString& path, Overwrite overwrite);

    /** Recomputes for the current mode now (the panels call it on every change). */
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
    void buildToolBars();
    void buildStatusBar();
    void restoreSettings();
    void saveSettings() const;

    void onFinished(std::uint64_t generation, const AttentionOutcome& outcome);
    void onFailed(std::uint64_t generation, const QString& message);
    void onBusyChanged(bool busy);
    void showMessage(const QString& text, bool error);
    void focusExampleLink();
    void optionsFromControls();
    void updateStatus();

    void exportHeadImageInteractive();
    void exportGridImageInteractive();
    void exportAllHeadsInteractive();
    void exportPlotImageInteractive(class AttentionPlot* plot, const QString& title,
                                    const QString& suggestedName, QSize defaultSize);
    void exportDataInteractive(const QString& suffix);
    void showPlotMenu(class AttentionPlot* plot, const QPoint& position);
    void showAbout();
    void setTheme(const QString& theme);
    void setLanguage(const QString& language);

    QString m_builtinFolder;
    AttentionJobRunner* m_runner = nullptr;
    QTabWidget* m_modes = nullptr;
    SentencePanel* m_sentence = nullptr;
    RandomPanel* m_random = nullptr;
    ImportPanel* m_import = nullptr;
    HeadsView* m_heads = nullptr;
    LinkFinder* m_linkFinder = nullptr;
    QLabel* m_message = nullptr;

    QComboBox* m_colorMapBox = nullptr;
    QComboBox* m_scaleBox = nullptr;
    QComboBox* m_rangeBox = nullptr;
    QCheckBox* m_hideSpecialBox = nullptr;
    FigureOptions m_options;

    QLabel* m_statusTokens = nullptr;
    QLabel* m_statusShape = nullptr;
    QLabel* m_statusTime = nullptr;
    QLabel* m_statusThreads = nullptr;
    QProgressBar* m_progress = nullptr;
    QPushButton* m_cancelButton = nullptr;
    QTimer* m_busyTimer = nullptr;

    QAction* m_openModel = nullptr;
    QAction* m_importAction = nullptr;
    QAction* m_exportHead = nullptr;
    QAction* m_exportGrid = nullptr;
    QAction* m_exportAll = nullptr;
    QAction* m_exportNpy = nullptr;
    QAction* m_exportCsv = nullptr;
    QAction* m_exportJson = nullptr;
    QAction* m_cancelAction = nullptr;
    QAction* m_quit = nullptr;
    QAction* m_nextHead = nullptr;
    QAction* m_previousHead = nullptr;
    QAction* m_nextLayer = nullptr;
    QAction* m_previousLayer = nullptr;
    QAction* m_unpin = nullptr;
    QAction* m_about = nullptr;

    AttentionOutcome m_outcome;   ///< what is on screen
    QString m_focusedExampleText; ///< the example whose link was last focused automatically
    bool m_restoring = false;
};

} // namespace attnscope
