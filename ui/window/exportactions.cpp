#include "ui/window/exportactions.h"

#include "core/base/error.h"
#include "ui/dialogs/imagesizedialog.h"
#include "ui/document/attentiondocument.h"
#include "ui/figure/attentionpanels.h"
#include "ui/figure/attentionplot.h"
#include "ui/session/recentfolder.h"
#include "ui/views/headsview.h"

#include <QAction>
#include <QApplication>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QInputDialog>
#include <QMenu>
#include <QMessageBox>
#include <QProgressDialog>
#include <QStyle>

namespace attnscope {

namespace {

QString imageFilter() {
    return ExportActions::tr("PNG image (*.png);;SVG vector image (*.svg);;PDF document (*.pdf)");
}

/** Appends the suffix of the chosen filter when the user typed a name without one. */
QString withSuffix(QString path, const QString& selectedFilter) {
    if (!QFileInfo(path).suffix().isEmpty())
        return path;
    for (const char* suffix : {"png", "svg", "pdf", "npy", "csv", "json"}) {
        if (selectedFilter.contains(QStringLiteral("*.") + QLatin1String(suffix)))
            return path + QLatin1Char('.') + QLatin1String(suffix);
    }
    return path;
}

} // namespace

ExportActions::ExportActions(AttentionDocument* document, HeadsView* heads, QWidget* window)
    : QObject(window)
    , m_document(document)
    , m_heads(heads)
    , m_window(window) {
    m_headImage = new QAction(window->style()->standardIcon(QStyle::SP_DialogSaveButton),
                              tr("Export &Head Image…"), this);
    m_headImage->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    m_headImage->setToolTip(tr("Export the selected head as PNG, SVG or PDF"));
    m_headImage->setIconText(tr("Export Head"));
    connect(m_headImage, &QAction::triggered, this, [this] {
        const auto& set = m_document->result();
        if (!set)
            return;
        exportPlotInteractive(
            m_heads->headPlot(), tr("Export head image"),
            headFileName(m_document->layer(), m_document->head(), QStringLiteral("png")),
            QSize(900, 800), exportTitle(*set, m_document->layer(), m_document->head()));
    });
    m_gridImage = new QAction(tr("Export &Grid Image…"), this);
    m_gridImage->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E));
    m_gridImage->setIconText(tr("Export Grid"));
    connect(m_gridImage, &QAction::triggered, this, [this] {
        const auto& set = m_document->result();
        if (!set)
            return;
        exportPlotInteractive(
            m_heads->gridPlot(), tr("Export grid image"),
            QStringLiteral("layer%1_heads.png").arg(m_document->layer(), 2, 10, QLatin1Char('0')),
            QSize(1400, 1000), exportTitle(*set, m_document->layer()));
    });
    m_allHeads = new QAction(tr("Export &All Heads to Folder…"), this);
    m_allHeads->setShortcut(QKeySequence(Qt::CTRL | Qt::ALT | Qt::Key_E));
    m_allHeads->setIconText(tr("Export All Heads"));
    connect(m_allHeads, &QAction::triggered, this, &ExportActions::exportAllHeadsInteractive);
    m_npy = new QAction(tr("Export Weights as .&npy…"), this);
    connect(m_npy, &QAction::triggered, this,
            [this] { exportDataInteractive(QStringLiteral("npy")); });
    m_csv = new QAction(tr("Export Head as .&csv…"), this);
    connect(m_csv, &QAction::triggered, this,
            [this] { exportDataInteractive(QStringLiteral("csv")); });
    m_json = new QAction(tr("Export Weights and Tokens as .&json…"), this);
    connect(m_json, &QAction::triggered, this,
            [this] { exportDataInteractive(QStringLiteral("json")); });
}

void ExportActions::addTo(QMenu* menu) const {
    menu->addAction(m_headImage);
    menu->addAction(m_gridImage);
    menu->addAction(m_allHeads);
    menu->addSeparator();
    menu->addAction(m_npy);
    menu->addAction(m_csv);
    menu->addAction(m_json);
}

void ExportActions::requireResult() const {
    if (!m_document->result())
        throw Error("nothing to export yet");
}

void ExportActions::exportHeadImage(const QString& path, const ImageSize& size,
                                    Overwrite overwrite) {
    requireResult();
    exportImage(*m_heads->headPlot(), path, size, overwrite,
                exportTitle(*m_document->result(), m_document->layer(), m_document->head()));
}

void ExportActions::exportGridImage(const QString& path, const ImageSize& size,
                                    Overwrite overwrite) {
    requireResult();
    exportImage(*m_heads->gridPlot(), path, size, overwrite,
                exportTitle(*m_document->result(), m_document->layer()));
}

QStringList ExportActions::exportAllHeadImages(const QString& folder, ImageFormat format,
                                               const ImageSize& size, Overwrite overwrite) {
    requireResult();
    QProgressDialog progress(tr("Exporting every head…"), tr("Stop"), 0, 1, m_window);
    progress.setWindowModality(Qt::WindowModal);
    progress.setMinimumDuration(500);
    return exportAllHeads(m_document->result(), m_document->figureOptions(), folder, format, size,
                          overwrite, [&progress](int done, int total) {
                              progress.setMaximum(total);
                              progress.setValue(done);
                              QApplication::processEvents();
                              return !progress.wasCanceled();
                          });
}

void ExportActions::exportData(const QString& path, Overwrite overwrite) {
    requireResult();
    attnscope::exportData(*m_document->result(), m_document->layer(), m_document->head(),
                          m_document->figureOptions().hideSpecial, path, overwrite);
}

void ExportActions::reportFailure(const QString& error) {
    // Core's message is English; the sentence around it is the interface's language.
    QMessageBox::warning(m_window, tr("Export failed"),
                         tr("The file could not be written: %1").arg(error));
}

void ExportActions::exportPlotInteractive(const AttentionPlot* plot, const QString& title,
                                          const QString& suggestedName, QSize defaultSize,
                                          const QString& exportTitle) {
    QString filter;
    QString path = QFileDialog::getSaveFileName(
        m_window, title, QDir(lastFolder()).filePath(suggestedName), imageFilter(), &filter);
    if (path.isEmpty())
        return;
    path = withSuffix(path, filter);
    try {
        ImageSizeDialog dialog(imageFormatForPath(path), defaultSize, m_window);
        if (dialog.exec() != QDialog::Accepted)
            return;
        rememberFolder(path);
        // QFileDialog already asked before replacing an existing file
        exportImage(*plot, path, dialog.imageSize(), Overwrite::Replace, exportTitle);
        emit exported(tr("Wrote %1").arg(QDir::toNativeSeparators(path)));
    } catch (const Error& error) {
        reportFailure(QString::fromStdString(error.what()));
    }
}

void ExportActions::exportAllHeadsInteractive() {
    const auto& set = m_document->result();
    if (!set)
        return;
    const QString folder = QFileDialog::getExistingDirectory(
        m_window, tr("Export every head into a folder"), lastFolder());
    if (folder.isEmpty())
        return;
    bool ok = false;
    const QStringList formats{QStringLiteral("PNG"), QStringLiteral("SVG"), QStringLiteral("PDF")};
    const QString chosen = QInputDialog::getItem(
        m_window, tr("Image format"),
        tr("%1 images, one per head:").arg(set->layers() * set->heads()), formats, 0, false, &ok);
    if (!ok)
        return;
    const ImageFormat format = chosen == formats[1]   ? ImageFormat::Svg
                               : chosen == formats[2] ? ImageFormat::Pdf
                                                      : ImageFormat::Png;
    ImageSizeDialog dialog(format, QSize(900, 800), m_window);
    if (dialog.exec() != QDialog::Accepted)
        return;
    rememberFolder(folder);
    try {
        QStringList written;
        try {
            written = exportAllHeadImages(folder, format, dialog.imageSize(), Overwrite::Refuse);
        } catch (const Error& error) {
            // never overwrite silently: ask once for the whole folder
            if (QMessageBox::question(m_window, tr("Replace files?"),
                                      tr("%1\n\nReplace the existing files?")
                                          .arg(QString::fromStdString(error.what()))) !=
                QMessageBox::Yes)
                return;
            written = exportAllHeadImages(folder, format, dialog.imageSize(), Overwrite::Replace);
        }
        emit exported(tr("Wrote %n file(s) to %1", nullptr, int(written.size()))
                          .arg(QDir::toNativeSeparators(folder)));
    } catch (const Error& error) {
        reportFailure(QString::fromStdString(error.what()));
    }
}

void ExportActions::exportDataInteractive(const QString& suffix) {
    if (!m_document->result())
        return;
    const QString name =
        suffix == QLatin1String("csv")
            ? headFileName(m_document->layer(), m_document->head(), QStringLiteral("csv"))
            : QStringLiteral("attentions.") + suffix;
    const QString filter = suffix == QLatin1String("npy")   ? tr("NumPy array (*.npy)")
                           : suffix == QLatin1String("csv") ? tr("CSV table (*.csv)")
                                                            : tr("JSON (*.json)");
    QString selected;
    QString path = QFileDialog::getSaveFileName(
        m_window, tr("Export data"), QDir(lastFolder()).filePath(name), filter, &selected);
    if (path.isEmpty())
        return;
    path = withSuffix(path, selected);
    rememberFolder(path);
    try {
        exportData(path, Overwrite::Replace);
        emit exported(tr("Wrote %1").arg(QDir::toNativeSeparators(path)));
    } catch (const Error& error) {
        reportFailure(QString::fromStdString(error.what()));
    }
}

} // namespace attnscope
