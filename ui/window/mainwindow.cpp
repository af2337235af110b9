#include "ui/window/mainwindow.h"

#include "core/attention/threading.h"
#include "ui/appearance.h"
#include "ui/document/attentiondocument.h"
#include "ui/figure/attentionplot.h"
#include "ui/panels/importpanel.h"
#include "ui/panels/randompanel.h"
#include "ui/panels/sentencepanel.h"
#include "ui/session/attentionjobrunner.h"
#include "ui/views/headsview.h"
#include "ui/views/linkfinder.h"
#include "ui/window/computestatus.h"
#include "ui/window/exportactions.h"
#include "ui/window/figuretoolbar.h"

#include <Eigen/Core>
#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QGuiApplication>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QProcess>
#include <QScreen>
#include <QSettings>
#include <QStatusBar>
#include <QStyle>
#include <QTabWidget>
#include <QToolBar>
#include <QVBoxLayout>
#include <functional>
#include <oneapi/tbb/version.h>
#include <utility>
#include <vector>

namespace attnscope {

MainWindow::MainWindow(const QString& builtinFolder, QWidget* parent)
    : QMainWindow(parent)
    , m_builtinFolder(builtinFolder)
    , m_document(new AttentionDocument(this)) {
    setWindowTitle(QStringLiteral("attnscope"));
    setObjectName(QStringLiteral("mainWindow"));

    // ---- input panels (left dock), in Mode order
    m_sentence = new SentencePanel(builtinFolder, this);
    m_random = new RandomPanel(this);
    m_import = new ImportPanel(this);
    m_panels = {m_sentence, m_random, m_import};
    m_modes = new QTabWidget(this);
    m_modes->setObjectName(QStringLiteral("modeTabs"));
    for (InputPanel* panel : m_panels) {
        m_modes->addTab(panel, panel->title());
        connect(panel, &InputPanel::requestChanged, this, &MainWindow::recompute);
    }
    connect(m_modes, &QTabWidget::currentChanged, this, &MainWindow::recompute);
    auto* inputDock = new QDockWidget(tr("Input"), this);
    inputDock->setObjectName(QStringLiteral("inputDock"));
    inputDock->setWidget(m_modes);
    inputDock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable);
    addDockWidget(Qt::LeftDockWidgetArea, inputDock);

    // ---- heads (centre), under the inline message
    m_heads = new HeadsView(m_document, this);
    m_message = new QLabel(this);
    m_message->setObjectName(QStringLiteral("messageBanner"));
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->hide();
    auto* centre = new QWidget(this);
    auto* centreLayout = new QVBoxLayout(centre);
    centreLayout->setContentsMargins(4, 4, 4, 4);
    centreLayout->addWidget(m_message);
    centreLayout->addWidget(m_heads, 1);
    setCentralWidget(centre);

    // ---- link finder (right dock)
    m_linkFinder = new LinkFinder(m_document, this);
    auto* linkDock = new QDockWidget(tr("Link finder"), this);
    linkDock->setObjectName(QStringLiteral("linkDock"));
    linkDock->setWidget(m_linkFinder);
    addDockWidget(Qt::RightDockWidgetArea, linkDock);

    m_exports = new ExportActions(m_document, m_heads, this);
    connect(m_exports, &ExportActions::exported, this,
            [this](const QString& message) { statusBar()->showMessage(message, 5000); });
    m_status = new ComputeStatus(m_document, statusBar());
    buildActions();
    buildMenus();
    QMenu* view = menuBar()->findChild<QMenu*>(QStringLiteral("viewMenu"));
    view->addAction(linkDock->toggleViewAction());
    view->addAction(inputDock->toggleViewAction());
    QToolBar* files = addToolBar(tr("Export"));
    files->setObjectName(QStringLiteral("exportToolBar"));
    files->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    for (QAction* action :
         {m_exports->headImage(), m_exports->gridImage(), m_exports->allHeads(), m_cancelAction})
        files->addAction(action);
    addToolBar(new FigureToolBar(m_document, this));

    // Connected after the views: they have drawn the result when onResult runs.
    connect(m_document, &AttentionDocument::resultChanged, this, &MainWindow::onResult);
    connect(m_document, &AttentionDocument::computeFailed, this, [this](const QString& error) {
        // Core's message is English: the sentence around it is in the interface's language.
        showMessage(tr("Could not compute the attention: %1").arg(error), true);
        emit resultFailed(error);
    });
    connect(m_document, &AttentionDocument::computeCancelled, this, [this] {
        showMessage(tr("Computation cancelled; the last result stays on screen."), false);
    });
    connect(m_document, &AttentionDocument::busyChanged, m_cancelAction, &QAction::setEnabled);
    for (AttentionPlot* plot : {m_heads->gridPlot(), m_heads->headPlot()}) {
        plot->setContextMenuPolicy(Qt::CustomContextMenu);
        connect(plot, &QWidget::customContextMenuRequested, this,
                [this, plot](const QPoint& position) { showPlotMenu(plot, position); });
    }

    // first launch: the whole screen, narrow side panels, the maps get the space
    if (const QScreen* screen = QGuiApplication::primaryScreen()) {
        const QRect available = screen->availableGeometry();
        resize(std::min(available.width(), 1800), std::min(available.height(), 1100));
    } else {
        resize(1500, 900);
    }
    resizeDocks({inputDock, linkDock}, {330, 300}, Qt::Horizontal);
    restoreSettings();
    recompute();
}

MainWindow::~MainWindow() = default;

AttentionJobRunner* MainWindow::runner() const {
    return m_document->runner();
}

void MainWindow::buildActions() {
    const auto action = [this](const QString& text, const QKeySequence& shortcut, auto slot) {
        auto* a = new QAction(text, this);
        a->setShortcut(shortcut);
        connect(a, &QAction::triggered, this, slot);
        return a;
    };
    m_openModel = action(tr("&Open Model Folder…"), QKeySequence::Open, [this] {
        setMode(SentenceMode);
        m_sentence->chooseModelFolder();
    });
    m_importAction = action(tr("&Import Attention…"), QKeySequence(Qt::CTRL | Qt::Key_I), [this] {
        setMode(ImportMode);
        m_import->chooseFiles();
    });
    m_cancelAction = action(tr("&Stop Computation"), QKeySequence(Qt::CTRL | Qt::Key_Period),
                            [this] { m_document->cancel(); });
    m_cancelAction->setIcon(style()->standardIcon(QStyle::SP_BrowserStop));
    m_cancelAction->setIconText(tr("Stop"));
    m_cancelAction->setEnabled(false);
    m_quit = action(tr("&Quit"), QKeySequence::Quit, [this] { close(); });
    m_nextHead = action(tr("&Next Head"), QKeySequence(Qt::CTRL | Qt::Key_Right),
                        [this] { m_document->stepHead(1); });
    m_previousHead = action(tr("&Previous Head"), QKeySequence(Qt::CTRL | Qt::Key_Left),
                            [this] { m_document->stepHead(-1); });
    m_nextLayer = action(tr("Next &Layer"), QKeySequence(Qt::CTRL | Qt::Key_Down),
                         [this] { m_document->stepLayer(1); });
    m_previousLayer = action(tr("P&revious Layer"), QKeySequence(Qt::CTRL | Qt::Key_Up),
                             [this] { m_document->stepLayer(-1); });
    m_unpin = action(tr("&Unpin Cell"), QKeySequence(Qt::CTRL | Qt::Key_U),
                     [this] { m_document->clearPin(); });
    m_about = action(tr("&About attnscope"), QKeySequence(), [this] { showAbout(); });
}

void MainWindow::buildMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(m_openModel);
    file->addAction(m_importAction);
    file->addSeparator();
    m_exports->addTo(file);
    file->addSeparator();
    file->addAction(m_quit);

    QMenu* view = menuBar()->addMenu(tr("&View"));
    view->setObjectName(QStringLiteral("viewMenu"));
    for (QAction* a : {m_nextHead, m_previousHead, m_nextLayer, m_previousLayer, m_unpin})
        view->addAction(a);
    view->addSeparator();
    // A choice of a setting as a checkable group: theme and language.
    const auto choices = [this](QMenu* menu, const QString& key, const QString& current,
                                const std::vector<std::pair<QString, QString>>& options,
                                const std::function<void(const QString&)>& apply) {
        auto* group = new QActionGroup(this);
        for (const auto& [value, label] : options) {
            QAction* a = menu->addAction(label);
            a->setCheckable(true);
            a->setChecked(value == current);
            group->addAction(a);
            connect(a, &QAction::triggered, this, [key, value = value, apply] {
                QSettings().setValue(key, value);
                apply(value);
            });
        }
    };
    const QSettings settings;
    choices(view->addMenu(tr("&Theme")), QStringLiteral("ui/theme"),
            settings.value(QStringLiteral("ui/theme"), QStringLiteral("system")).toString(),
            {{QStringLiteral("system"), tr("System")},
             {QStringLiteral("light"), tr("Light")},
             {QStringLiteral("dark"), tr("Dark")}},
            [](const QString& theme) { applyTheme(theme); });
    choices(view->addMenu(tr("&Language")), QStringLiteral("ui/language"),
            settings.value(QStringLiteral("ui/language"), QStringLiteral("system")).toString(),
            {{QStringLiteral("system"), tr("System language")},
             {QStringLiteral("en"), QStringLiteral("English")},
             {QStringLiteral("zh_CN"), QStringLiteral("简体中文")}},
            [this](const QString& language) { setLanguage(language); });

    QMenu* compute = menuBar()->addMenu(tr("&Compute"));
    compute->addAction(m_cancelAction);
    QMenu* threads = compute->addMenu(tr("&Threads"));
    auto* threadGroup = new QActionGroup(this);
    const int cores = hardwareThreads();
    for (int count = 0; count <= cores; ++count) {
        QAction* a = threads->addAction(count == 0 ? tr("All cores (%1)").arg(cores)
                                                   : QString::number(count));
        a->setCheckable(true);
        a->setChecked(count == 0);
        threadGroup->addAction(a);
        connect(a, &QAction::triggered, this, [this, count] {
            m_document->runner()->setThreads(count);
            recompute();
        });
    }

    menuBar()->addMenu(tr("&Help"))->addAction(m_about);
}

MainWindow::Mode MainWindow::mode() const {
    return Mode(m_modes->currentIndex());
}

void MainWindow::setMode(Mode mode) {
    m_modes->setCurrentIndex(int(mode));
}

InputPanel* MainWindow::currentPanel() const {
    return m_panels[std::size_t(std::clamp(m_modes->currentIndex(), 0, int(m_panels.size()) - 1))];
}

QString MainWindow::message() const {
    return m_message->isVisible() ? m_message->text() : QString();
}

void MainWindow::showMessage(const QString& text, bool error) {
    if (text.isEmpty()) {
        m_message->hide();
        m_message->clear();
        return;
    }
    m_message->setText(text);
    m_message->setStyleSheet(
        error ? QStringLiteral("QLabel { background: #fdecea; color: #8a1c1c; padding: 6px; "
                               "border: 1px solid #e0a0a0; border-radius: 3px; }")
              : QStringLiteral("QLabel { background: #fff6d5; color: #6b5200; padding: 6px; "
                               "border: 1px solid #e0cc80; border-radius: 3px; }"));
    m_message->show();
}

void MainWindow::recompute() {
    if (m_restoring)
        return;
    QString error;
    if (const std::optional<AttentionRequest> request = currentPanel()->request(&error))
        m_document->compute(*request);
    else
        showMessage(error, true); // invalid input: say what is wrong, keep the last good view
}

void MainWindow::onResult() {
    const AttentionOutcome& outcome = m_document->outcome();
    QStringList warnings;
    for (const QString& warning : outcome.warnings)
        warnings << tr("Note: %1").arg(warning);
    showMessage(warnings.join(QLatin1Char('\n')), false);
    // The first time an example with a pronoun link is shown, open its head with the link pinned.
    if (currentPanel() == m_sentence) {
        if (const std::optional<ExampleFocus> focus = m_sentence->takeExampleFocus(*outcome.set)) {
            m_document->selectHead(focus->layer, focus->head);
            m_document->setPin(focus->query, focus->key);
        }
    }
    emit resultShown();
}

void MainWindow::exportHeadImage(const QString& path, const ImageSize& size, Overwrite overwrite) {
    m_exports->exportHeadImage(path, size, overwrite);
}

void MainWindow::exportGridImage(const QString& path, const ImageSize& size, Overwrite overwrite) {
    m_exports->exportGridImage(path, size, overwrite);
}

QStringList MainWindow::exportAllHeadImages(const QString& folder, ImageFormat format,
                                            const ImageSize& size, Overwrite overwrite) {
    return m_exports->exportAllHeadImages(folder, format, size, overwrite);
}

void MainWindow::exportData(const QString& path, Overwrite overwrite) {
    m_exports->exportData(path, overwrite);
}

void MainWindow::showPlotMenu(AttentionPlot* plot, const QPoint& position) {
    const PlotHit hit = plot->hitTest(position);
    if (hit.valid)
        m_document->selectHead(hit.layer, hit.head);
    QMenu menu(this);
    if (hit.valid && m_document->result()) {
        QAction* pin =
            menu.addAction(tr("Pin %1").arg(HeadsView::describeCell(*m_document->result(), hit)));
        connect(pin, &QAction::triggered, this,
                [this, hit] { m_document->setPin(hit.query, hit.key); });
        menu.addSeparator();
    }
    m_exports->addTo(&menu);
    menu.exec(plot->mapToGlobal(position));
}

void MainWindow::showAbout() {
    const AttentionOutcome& outcome = m_document->outcome();
    const QString model =
        !outcome.model ? tr("none (random tensors or imported attention)")
                       : QStringLiteral("%1 (%2)").arg(outcome.set->source,
                                                       tr("%1 · %2 layers × %3 heads · hidden %4")
                                                           .arg(outcome.model->modelType)
                                                           .arg(outcome.model->layers)
                                                           .arg(outcome.model->heads)
                                                           .arg(outcome.model->hiddenSize));
    QMessageBox::about(
        this, tr("About attnscope"),
        tr("<h3>attnscope %1</h3><p>See how transformer attention works: one heat map per head, "
           "computed natively on a multithreaded CPU engine.</p>"
           "<p>Qt %2 (built with %3)<br>Eigen %4<br>oneTBB %5<br>QCustomPlot %6</p>"
           "<p>Loaded model: %7</p>")
            .arg(QApplication::applicationVersion(), QString::fromLatin1(qVersion()),
                 QStringLiteral(QT_VERSION_STR))
            .arg(QStringLiteral("%1.%2.%3")
                     .arg(EIGEN_WORLD_VERSION)
                     .arg(EIGEN_MAJOR_VERSION)
                     .arg(EIGEN_MINOR_VERSION))
            .arg(QStringLiteral("%1 (runtime %2)")
                     .arg(QStringLiteral(TBB_VERSION_STRING),
                          QString::fromLatin1(TBB_runtime_version())))
            .arg(QStringLiteral(QCUSTOMPLOT_VERSION_STR), model.toHtmlEscaped()));
}

void MainWindow::setLanguage(const QString&) {
    if (QMessageBox::question(
            this, tr("Language"),
            tr("The language changes when attnscope starts again. Restart now?")) ==
        QMessageBox::Yes) {
        saveSettings();
        QProcess::startDetached(QApplication::applicationFilePath(), {});
        close();
    }
}

void MainWindow::restoreSettings() {
    QSettings settings;
    m_restoring = true;
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    for (InputPanel* panel : m_panels)
        panel->restoreSettings(settings);
    m_document->setFigureOptions(readFigureOptions(settings));
    const int savedMode = settings.value(QStringLiteral("input/mode"), int(SentenceMode)).toInt();
    setMode(Mode(std::clamp(savedMode, 0, int(m_panels.size()) - 1)));
    if (m_builtinFolder.isEmpty())
        showMessage(
            tr("The built-in model was not found; open a model folder or use random tensors."),
            true);
    m_restoring = false;
}

void MainWindow::saveSettings() const {
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    settings.setValue(QStringLiteral("input/mode"), int(mode()));
    for (const InputPanel* panel : m_panels)
        panel->saveSettings(settings);
    writeFigureOptions(settings, m_document->figureOptions());
}

void MainWindow::closeEvent(QCloseEvent* event) {
    m_document->cancel();
    saveSettings();
    event->accept();
}

} // namespace attnscope
