#pragma once

#include "ui/figure/figureexport.h"

#include <QObject>
#include <QString>
#include <QStringList>

class QAction;
class QMenu;
class QWidget;

namespace attnscope {

class AttentionDocument;
class AttentionPlot;
class HeadsView;

/**
 * The File menu's exports of what is on screen: the large head and the heads grid as PNG, SVG or
 * PDF, every head into a folder, and the weights as .npy, .csv (the selected head) or .json. The
 * actions ask for a file and a size and report failures in a translated sentence; the functions
 * without dialogs do the work and throw Error (tests call them).
 */
class ExportActions : public QObject {
    Q_OBJECT

public:
    ExportActions(AttentionDocument* document, HeadsView* heads, QWidget* window);

    QAction* headImage() const { return m_headImage; }
    QAction* gridImage() const { return m_gridImage; }
    QAction* allHeads() const { return m_allHeads; }
    /** The three image actions, then the three data actions, separated: for menus. */
    void addTo(QMenu* menu) const;

    void exportHeadImage(const QString& path, const ImageSize& size, Overwrite overwrite);
    void exportGridImage(const QString& path, const ImageSize& size, Overwrite overwrite);
    QStringList exportAllHeadImages(const QString& folder, ImageFormat format,
                                    const ImageSize& size, Overwrite overwrite);
    /** .npy (every layer), .csv (the selected head) or .json (everything), by suffix. */
    void exportData(const QString& path, Overwrite overwrite);

signals:
    /** A file or folder was written: a line for the status bar. */
    void exported(const QString& message);

private:
    void exportPlotInteractive(const AttentionPlot* plot, const QString& title,
                               const QString& suggestedName, QSize defaultSize,
                               const QString& exportTitle);
    void exportAllHeadsInteractive();
    void exportDataInteractive(const QString& suffix);
    void requireResult() const;
    void reportFailure(const QString& error);

    AttentionDocument* m_document = nullptr;
    HeadsView* m_heads = nullptr;
    QWidget* m_window = nullptr;
    QAction* m_headImage = nullptr;
    QAction* m_gridImage = nullptr;
    QAction* m_allHeads = nullptr;
    QAction* m_npy = nullptr;
    QAction* m_csv = nullptr;
    QAction* m_json = nullptr;
};

} // namespace attnscope
