#include "ui/mainwindow.h"

#include "core/analysis/corefeval.h"
#include "core/analysis/linkranking.h"
#include "core/attention/threading.h"
#include "core/base/error.h"
#include "ui/appearance.h"
#include "ui/dialogs/imagesizedialog.h"
#include "ui/figure/attentionplot.h"
#include "ui/panels/importpanel.h"
#include "ui/panels/randompanel.h"
#include "ui/panels/sentencepanel.h"
#include "ui/session/attentionjobrunner.h"
#include "ui/session/recentfolder.h"
#include "ui/views/headsview.h"
#include "ui/views/linkfinder.h"

#include <Eigen/Core>
#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCheckBox>
#include <QCloseEvent>
#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QGuiApplication>
#include <QInputDialog>
#include <QLabel>
#include <QLocale>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QProcess>
#include <QProgressBar>
#include <QProgressDialog>
#include <QPushButton>
#include <QScreen>
#include <QSettings>
#include <QStatusBar>
#include <QStyle>
#include <QStyleFactory>
#include <QTabWidget>
#include <QTimer>
#include <QToolBar>
#include <QVBoxLayout>
#include <oneapi/tbb/version.h>

namespace attnscope {

namespace {

QString imageFilter() {
    return QObject::tr("PNG image (*.png);;SVG vector image (*.svg);;PDF document (*.pdf)");
}

/** Appends the suffix of the chosen filter when the user typed a name without one. */
QString withSuffix(QString path, const QString& selectedFilter) {
    if (!QFileInfo(path).suffix().isEmpty()) {
        return path;
    }
    for (const char* suffix : {"png", "svg", "pdf", "npy", "csv", "json"}) {
        if (selectedFilter.contains(QStringLiteral("*.") + QLatin1String(suffix))) {
            return path + QLatin1Char('.') + QLatin1String(suffix);
        }
    }
    return path;
}

} // namespace

MainWindow::MainWindow(const QString& builtinFolder, QWidget* parent)
    : QMainWindow(parent)
    , m_builtinFolder(builtinFolder) {
    setWindowTitle(QStringLiteral("attnscope"));
    setObjectName(QStringLiteral("mainWindow"));
    m_runner = new AttentionJobRunner(this);

    // ---- input panel (left dock)
    m_sentence = new SentencePanel(builtinFolder, this);
    m_random = new RandomPanel(this);
    m_import = new ImportPanel(this);
    m_modes = new QTabWidget(this);
    m_modes->setObjectName(QStringLiteral("modeTabs"));
    m_modes->addTab(m_sentence, tr("Sentence"));
    m_modes->addTab(m_random, tr("Random tensors"));
    m_modes->addTab(m_import, tr("Imported"));
    auto* inputDock = new QDockWidget(tr("Input"), this);
    inputDock->setObjectName(QStringLiteral("inputDock"));
    inputDock->setWidget(m_modes);
    inputDock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable);
    addDockWidget(Qt::LeftDockWidgetArea, inputDock);

    // ---- heads (centre)
    m_heads = new HeadsView(this);
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
    m_linkFinder = new LinkFinder(this);
    auto* linkDock = new QDockWidget(tr("Link finder"), this);
    linkDock->setObjectName(QStringLiteral("linkDock"));
    linkDock->setWidget(m_linkFinder);
    addDockWidget(Qt::RightDockWidgetArea, linkDock);

    buildActions();
    buildMenus();
    buildToolBars();
    buildStatusBar();
    menuBar()
        ->findChild<QMenu*>(QStringLiteral("viewMenu"))
        ->addAction(linkDock->toggleViewAction());
    menuBar()
        ->findChild<QMenu*>(QStringLiteral("viewMenu"))
        ->addAction(inputDock->toggleViewAction());

    connect(m_runner, &AttentionJobRunner::finished, this, &MainWindow::onFinished);
    connect(m_runner, &AttentionJobRunner::failed, this, &MainWindow::onFailed);
    connect(m_runner, &AttentionJobRunner::cancelled, this, [this] {
        showMessage(tr("Computation cancelled; the last result stays on screen."), false);
    });
    connect(m_runner, &AttentionJobRunner::busyChanged, this, &MainWindow::onBusyChanged);

    connect(m_sentence, &SentencePanel::requestChanged, this, &MainWindow::recompute);
    connect(m_sentence, &SentencePanel::modelChanged, this,
            [this] { m_focusedExampleText.clear(); });
    connect(m_random, &RandomPanel::requestChanged, this, &MainWindow::recompute);
    connect(m_import, &ImportPanel::requestChanged, this, &MainWindow::recompute);
    connect(m_modes, &QTabWidget::currentChanged, this, &MainWindow::recompute);

    connect(m_heads, &HeadsView::pinChanged, this, [this](int query, int key) {
        if (query >= 0) {
            m_linkFinder->setLink(query, key);
        }
    });
    connect(m_heads, &HeadsView::headSelected, this, [this] { updateStatus(); });
    connect(m_linkFinder, &LinkFinder::headActivated, this, [this](int layer, int head) {
        m_heads->selectHead(layer, head);
        m_heads->setPin(m_linkFinder->query(), m_linkFinder->key());
    });
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

void MainWindow::buildActions() {
    m_openModel = new QAction(tr("&Open Model Folder…"), this);
    m_openModel->setShortcut(QKeySequence::Open);
    connect(m_openModel, &QAction::triggered, this, [this] {
        setMode(SentenceMode);
        m_sentence->chooseModelFolder();
    });
    m_importAction = new QAction(tr("&Import Attention…"), this);
    m_importAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_I));
    connect(m_importAction, &QAction::triggered, this, [this] {
        setMode(ImportMode);
        m_import->chooseFiles();
    });
    m_exportHead = new QAction(style()->standardIcon(QStyle::SP_DialogSaveButton),
                               tr("Export &Head Image…"), this);
    m_exportHead->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    m_exportHead->setToolTip(tr("Export the selected head as PNG, SVG or PDF"));
    connect(m_exportHead, &QAction::triggered, this, &MainWindow::exportHeadImageInteractive);
    m_exportGrid = new QAction(tr("Export &Grid Image…"), this);
    m_exportGrid->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E));
    connect(m_exportGrid, &QAction::triggered, this, &MainWindow::exportGridImageInteractive);
    m_exportAll = new QAction(tr("Export &All Heads to Folder…"), this);
    m_exportAll->setShortcut(QKeySequence(Qt::CTRL | Qt::ALT | Qt::Key_E));
    connect(m_exportAll, &QAction::triggered, this, &MainWindow::exportAllHeadsInteractive);
    m_exportNpy = new QAction(tr("Export Weights as .&npy…"), this);
    connect(m_exportNpy, &QAction::triggered, this,
            [this] { exportDataInteractive(QStringLiteral("npy")); });
    m_exportCsv = new QAction(tr("Export Head as .&csv…"), this);
    connect(m_exportCsv, &QAction::triggered, this,
            [this] { exportDataInteractive(QStringLiteral("csv")); });
    m_exportJson = new QAction(tr("Export Weights and Tokens as .&json…"), this);
    connect(m_exportJson, &QAction::triggered, this,
            [this] { exportDataInteractive(QStringLiteral("json")); });
    m_cancelAction =
        new QAction(style()->standardIcon(QStyle::SP_BrowserStop), tr("&Stop Computation"), this);
    m_cancelAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Period));
    m_cancelAction->setEnabled(false);
    connect(m_cancelAction, &QAction::triggered, this, [this] { m_runner->cancel(); });
    m_quit = new QAction(tr("&Quit"), this);
    m_quit->setShortcut(QKeySequence::Quit);
    connect(m_quit, &QAction::triggered, this, &QWidget::close);

    m_nextHead = new QAction(tr("&Next Head"), this);
    m_nextHead->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Right));
    connect(m_nextHead, &QAction::triggered, this, [this] { m_heads->stepHead(1); });
    m_previousHead = new QAction(tr("&Previous Head"), this);
    m_previousHead->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Left));
    connect(m_previousHead, &QAction::triggered, this, [this] { m_heads->stepHead(-1); });
    m_nextLayer = new QAction(tr("Next &Layer"), this);
    m_nextLayer->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Down));
    connect(m_nextLayer, &QAction::triggered, this, [this] { m_heads->stepLayer(1); });
    m_previousLayer = new QAction(tr("P&revious Layer"), this);
    m_previousLayer->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Up));
    connect(m_previousLayer, &QAction::triggered, this, [this] { m_heads->stepLayer(-1); });
    m_unpin = new QAction(tr("&Unpin Cell"), this);
    m_unpin->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_U));
    connect(m_unpin, &QAction::triggered, this, [this] { m_heads->setPin(-1, -1); });
    m_about = new QAction(tr("&About attnscope"), this);
    connect(m_about, &QAction::triggered, this, &MainWindow::showAbout);
}

void MainWindow::buildMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(m_openModel);
    file->addAction(m_importAction);
    file->addSeparator();
    file->addAction(m_exportHead);
    file->addAction(m_exportGrid);
    file->addAction(m_exportAll);
    file->addSeparator();
    file->addAction(m_exportNpy);
    file->addAction(m_exportCsv);
    file->addAction(m_exportJson);
    file->addSeparator();
    file->addAction(m_quit);

    QMenu* view = menuBar()->addMenu(tr("&View"));
    view->setObjectName(QStringLiteral("viewMenu"));
    view->addAction(m_nextHead);
    view->addAction(m_previousHead);
    view->addAction(m_nextLayer);
    view->addAction(m_previousLayer);
    view->addAction(m_unpin);
    view->addSeparator();
    QMenu* theme = view->addMenu(tr("&Theme"));
    auto* themes = new QActionGroup(this);
    const QString currentTheme =
        QSettings().value(QStringLiteral("ui/theme"), QStringLiteral("system")).toString();
    for (const auto& [key, label] : {std::pair{QStringLiteral("system"), tr("System")},
                                     std::pair{QStringLiteral("light"), tr("Light")},
                                     std::pair{QStringLiteral("dark"), tr("Dark")}}) {
        QAction* action = theme->addAction(label);
        action->setCheckable(true);
        action->setChecked(key == currentTheme);
        themes->addAction(action);
        connect(action, &QAction::triggered, this, [this, key = key] { setTheme(key); });
    }
    QMenu* language = view->addMenu(tr("&Language"));
    auto* languages = new QActionGroup(this);
    const QString currentLanguage =
        QSettings().value(QStringLiteral("ui/language"), QStringLiteral("system")).toString();
    for (const auto& [key, label] :
         {std::pair{QStringLiteral("system"), tr("System language")},
          std::pair{QStringLiteral("en"), QStringLiteral("English")},
          std::pair{QStringLiteral("zh_CN"), QStringLiteral("简体中文")}}) {
        QAction* action = language->addAction(label);
        action->setCheckable(true);
        action->setChecked(key == currentLanguage);
        languages->addAction(action);
        connect(action, &QAction::triggered, this, [this, key = key] { setLanguage(key); });
    }

    QMenu* compute = menuBar()->addMenu(tr("&Compute"));
    compute->addAction(m_cancelAction);
    QMenu* threads = compute->addMenu(tr("&Threads"));
    auto* threadGroup = new QActionGroup(this);
    const int cores = hardwareThreads();
    for (int count = 0; count <= cores; ++count) {
        QAction* action = threads->addAction(count == 0 ? tr("All cores (%1)").arg(cores)
                                                        : QString::number(count));
        action->setCheckable(true);
        action->setChecked(count == 0);
        action->setData(count);
        threadGroup->addAction(action);
        connect(action, &QAction::triggered, this, [this, count] {
            m_runner->setThreads(count);
            recompute();
        });
    }

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(m_about);
}

void MainWindow::buildToolBars() {
    QToolBar* files = addToolBar(tr("Export"));
    files->setObjectName(QStringLiteral("exportToolBar"));
    // tool buttons show the icon text: short, without the menu's accelerator and ellipsis
    m_exportHead->setIconText(tr("Export Head"));
    m_exportGrid->setIconText(tr("Export Grid"));
    m_exportAll->setIconText(tr("Export All Heads"));
    m_cancelAction->setIconText(tr("Stop"));
    files->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    files->addAction(m_exportHead);
    files->addAction(m_exportGrid);
    files->addAction(m_exportAll);
    files->addAction(m_cancelAction);

    QToolBar* figure = addToolBar(tr("Figure"));
    figure->setObjectName(QStringLiteral("figureToolBar"));
    m_colorMapBox = new QComboBox(this);
    m_colorMapBox->setObjectName(QStringLiteral("colorMapBox"));
    m_colorMapBox->addItem(tr("Viridis"), colorMapKey(ColorMap::Viridis));
    m_colorMapBox->addItem(tr("Magma"), colorMapKey(ColorMap::Magma));
    m_colorMapBox->addItem(tr("Grayscale"), colorMapKey(ColorMap::Grayscale));
    m_colorMapBox->addItem(tr("Diverging (around uniform)"), colorMapKey(ColorMap::Diverging));
    m_scaleBox = new QComboBox(this);
    m_scaleBox->setObjectName(QStringLiteral("scaleBox"));
    m_scaleBox->addItem(tr("Linear scale"));
    m_scaleBox->addItem(tr("Log scale"));
    m_rangeBox = new QComboBox(this);
    m_rangeBox->setObjectName(QStringLiteral("rangeBox"));
    m_rangeBox->addItem(tr("Shared range"));
    m_rangeBox->addItem(tr("Range per head"));
    m_hideSpecialBox = new QCheckBox(tr("Hide special tokens"), this);
    m_hideSpecialBox->setObjectName(QStringLiteral("hideSpecialBox"));
    m_hideSpecialBox->setToolTip(
        tr("Drop [CLS], [SEP] and the like from rows and columns and renormalise each row"));
    figure->addWidget(new QLabel(tr(" Colours "), this));
    figure->addWidget(m_colorMapBox);
    figure->addWidget(m_scaleBox);
    figure->addWidget(m_rangeBox);
    figure->addWidget(m_hideSpecialBox);
    connect(m_colorMapBox, &QComboBox::currentIndexChanged, this, &MainWindow::optionsFromControls);
    connect(m_scaleBox, &QComboBox::currentIndexChanged, this, &MainWindow::optionsFromControls);
    connect(m_rangeBox, &QComboBox::currentIndexChanged, this, &MainWindow::optionsFromControls);
    connect(m_hideSpecialBox, &QCheckBox::toggled, this, &MainWindow::optionsFromControls);
}

void MainWindow::buildStatusBar() {
    m_statusTokens = new QLabel(this);
    m_statusTokens->setObjectName(QStringLiteral("statusTokens"));
    m_statusShape = new QLabel(this);
    m_statusShape->setObjectName(QStringLiteral("statusShape"));
    m_statusTime = new QLabel(this);
    m_statusTime->setObjectName(QStringLiteral("statusTime"));
    m_statusThreads = new QLabel(this);
    m_statusThreads->setObjectName(QStringLiteral("statusThreads"));
    m_progress = new QProgressBar(this);
    m_progress->setRange(0, 0); // the engine reports no fraction: an honest busy indicator
    m_progress->setMaximumWidth(160);
    m_progress->setFormat(QString());
    m_progress->hide();
    m_cancelButton = new QPushButton(tr("Cancel"), this);
    m_cancelButton->setObjectName(QStringLiteral("cancelButton"));
    m_cancelButton->hide();
    connect(m_cancelButton, &QPushButton::clicked, this, [this] { m_runner->cancel(); });
    m_busyTimer = new QTimer(this);
    m_busyTimer->setInterval(200);
    connect(m_busyTimer, &QTimer::timeout, this, [this] {
        // only computations that take a noticeable time show progress (slider drags stay calm)
        const qint64 elapsed = m_runner->busyMilliseconds();
        if (elapsed >= 300) {
            m_progress->show();
            m_cancelButton->show();
            statusBar()->showMessage(
                tr("Computing… %1 s").arg(double(elapsed) / 1000.0, 0, 'f', 1));
        }
    });
    statusBar()->addPermanentWidget(m_progress);
    statusBar()->addPermanentWidget(m_cancelButton);
    statusBar()->addPermanentWidget(m_statusTokens);
    statusBar()->addPermanentWidget(m_statusShape);
    statusBar()->addPermanentWidget(m_statusTime);
    statusBar()->addPermanentWidget(m_statusThreads);
}

MainWindow::Mode MainWindow::mode() const {
    return Mode(m_modes->currentIndex());
}

void MainWindow::setMode(Mode mode) {
    m_modes->setCurrentIndex(int(mode));
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
    if (m_restoring) {
        return;
    }
    QString error;
    std::optional<AttentionRequest> request;
    switch (mode()) {
    case SentenceMode:
        if (auto r = m_sentence->request(&error)) {
            request = *r;
        }
        break;
    case RandomMode:
        if (auto r = m_random->request(&error)) {
            request = *r;
        }
        break;
    case ImportMode:
        if (auto r = m_import->request(&error)) {
            request = *r;
        }
        break;
    }
    if (!request) {
        // invalid input: say what is wrong, keep the last good view
        showMessage(error, true);
        return;
    }
    m_runner->submit(*request);
}

void MainWindow::onFinished(std::uint64_t, const AttentionOutcome& outcome) {
    m_outcome = outcome;
    showMessage(outcome.warnings.join(QLatin1Char('\n')), false);
    m_heads->setOptions(m_options);
    m_heads->setAttention(outcome.set);
    m_linkFinder->setAttention(outcome.set);
    if (m_heads->pinnedQuery() >= 0) {
        m_linkFinder->setLink(m_heads->pinnedQuery(), m_heads->pinnedKey());
    }
    focusExampleLink();
    updateStatus();
    emit resultShown();
}

void MainWindow::onFailed(std::uint64_t, const QString& message) {
    showMessage(message, true);
    emit resultFailed(message);
}

void MainWindow::onBusyChanged(bool busy) {
    m_cancelAction->setEnabled(busy);
    if (busy) {
        m_busyTimer->start();
    } else {
        m_busyTimer->stop();
        m_progress->hide();
        m_cancelButton->hide();
        statusBar()->clearMessage();
    }
}

void MainWindow::focusExampleLink() {
    const auto& set = m_outcome.set;
    if (!set || set->offsets.empty() || mode() != SentenceMode) {
        return;
    }
    const auto example = m_sentence->currentExample();
    if (!example || example->pronounStart < 0 || example->text == m_focusedExampleText) {
        return;
    }
    m_focusedExampleText = example->text;
    // the tokens of the pronoun and the antecedent, by the coreference measure's own rule
    const std::vector<std::int64_t> pronounTokens =
        tokensInSpan(set->offsets, set->special, {example->pronounStart, example->pronounEnd});
    const std::vector<std::int64_t> antecedent = tokensInSpan(
        set->offsets, set->special, {example->antecedentStart, example->antecedentEnd});
    if (pronounTokens.empty() || antecedent.empty()) {
        return;
    }
    const int pronoun = int(pronounTokens.front());
    const ModelExamples& examples = m_sentence->examples();
    int layer = examples.recommendedLayer;
    int head = examples.recommendedHead;
    if (layer < 0 || layer >= set->layers() || head < 0 || head >= set->heads()) {
        const HeadWeight best = bestHeadForKeys(set->attentions, pronoun, antecedent);
        layer = int(best.layer);
        head = int(best.head);
    }
    // pin the antecedent token that this head attends to most
    std::int64_t key = antecedent.front();
    for (const std::int64_t token : antecedent) {
        if (set->weight(layer, head, pronoun, int(token)) >
            set->weight(layer, head, pronoun, int(key))) {
            key = token;
        }
    }
    m_heads->selectHead(layer, head);
    m_heads->setPin(pronoun, int(key));
    m_linkFinder->setLink(pronoun, int(key));
}

void MainWindow::updateStatus() {
    const auto& set = m_outcome.set;
    if (!set) {
        m_statusTokens->setText(tr("no result yet"));
        return;
    }
    m_statusTokens->setText(tr("%n token(s)", nullptr, set->seq()));
    m_statusShape->setText(tr("%n layer(s)", nullptr, set->layers()) + QStringLiteral(" × ") +
                           tr("%n head(s)", nullptr, set->heads()));
    m_statusTime->setText(tr("computed in %1 ms").arg(m_outcome.computeMilliseconds, 0, 'f', 1));
    m_statusThreads->setText(tr("%n thread(s)", nullptr, m_outcome.threads));
}

void MainWindow::setFigureOptions(const FigureOptions& options) {
    const QSignalBlocker b1(m_colorMapBox), b2(m_scaleBox), b3(m_rangeBox), b4(m_hideSpecialBox);
    m_colorMapBox->setCurrentIndex(m_colorMapBox->findData(colorMapKey(options.colorMap)));
    m_scaleBox->setCurrentIndex(options.scale == ValueScale::Log ? 1 : 0);
    m_rangeBox->setCurrentIndex(options.range == RangeMode::PerHead ? 1 : 0);
    m_hideSpecialBox->setChecked(options.hideSpecial);
    optionsFromControls();
}

void MainWindow::optionsFromControls() {
    FigureOptions options;
    parseColorMap(m_colorMapBox->currentData().toString(), &options.colorMap);
    options.scale = m_scaleBox->currentIndex() == 1 ? ValueScale::Log : ValueScale::Linear;
    options.range = m_rangeBox->currentIndex() == 1 ? RangeMode::PerHead : RangeMode::Shared;
    options.hideSpecial = m_hideSpecialBox->isChecked();
    m_options = options;
    m_heads->setOptions(options);
    m_linkFinder->setColorMap(options.colorMap);
}

// ---- export

void MainWindow::exportHeadImage(const QString& path, const ImageSize& size, Overwrite overwrite) {
    if (!m_heads->attention()) {
        throw Error("nothing to export yet");
    }
    exportImage(*m_heads->headPlot(), path, size, overwrite);
}

void MainWindow::exportGridImage(const QString& path, const ImageSize& size, Overwrite overwrite) {
    if (!m_heads->attention()) {
        throw Error("nothing to export yet");
    }
    exportImage(*m_heads->gridPlot(), path, size, overwrite);
}

QStringList MainWindow::exportAllHeadImages(const QString& folder, ImageFormat format,
                                            const ImageSize& size, Overwrite overwrite) {
    if (!m_heads->attention()) {
        throw Error("nothing to export yet");
    }
    QProgressDialog progress(tr("Exporting every head…"), tr("Stop"), 0, 1, this);
    progress.setWindowModality(Qt::WindowModal);
    progress.setMinimumDuration(500);
    return exportAllHeads(m_heads->attention(), m_options, folder, format, size, overwrite,
                          [&progress](int done, int total) {
                              progress.setMaximum(total);
                              progress.setValue(done);
                              QApplication::processEvents();
                              return !progress.wasCanceled();
                          });
}

void MainWindow::exportData(const QString& path, Overwrite overwrite) {
    const auto& set = m_heads->attention();
    if (!set) {
        throw Error("nothing to export yet");
    }
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix == QLatin1String("npy")) {
        exportNpy(*set, path, overwrite);
    } else if (suffix == QLatin1String("csv")) {
        exportCsv(*set, m_heads->layer(), m_heads->head(), m_options.hideSpecial, path, overwrite);
    } else if (suffix == QLatin1String("json")) {
        exportJson(*set, path, overwrite);
    } else {
        throw Error(QStringLiteral("%1: unknown data format; use .npy, .csv or .json")
                        .arg(path)
                        .toStdString());
    }
}

void MainWindow::exportHeadImageInteractive() {
    exportPlotImageInteractive(
        m_heads->headPlot(), tr("Export head image"),
        headFileName(m_heads->layer(), m_heads->head(), QStringLiteral("png")), QSize(900, 800));
}

void MainWindow::exportGridImageInteractive() {
    exportPlotImageInteractive(
        m_heads->gridPlot(), tr("Export grid image"),
        QStringLiteral("layer%1_heads.png").arg(m_heads->layer(), 2, 10, QLatin1Char('0')),
        QSize(1400, 1000));
}

void MainWindow::exportPlotImageInteractive(AttentionPlot* plot, const QString& title,
                                            const QString& suggestedName, QSize defaultSize) {
    if (!m_heads->attention()) {
        return;
    }
    QString filter;
    QString path = QFileDialog::getSaveFileName(
        this, title, QDir(lastFolder()).filePath(suggestedName), imageFilter(), &filter);
    if (path.isEmpty()) {
        return;
    }
    path = withSuffix(path, filter);
    try {
        ImageSizeDialog dialog(imageFormatForPath(path), defaultSize, this);
        if (dialog.exec() != QDialog::Accepted) {
            return;
        }
        rememberFolder(path);
        // QFileDialog already asked before replacing an existing file
        exportImage(*plot, path, dialog.imageSize(), Overwrite::Replace);
        statusBar()->showMessage(tr("Wrote %1").arg(QDir::toNativeSeparators(path)), 5000);
    } catch (const Error& error) {
        QMessageBox::warning(this, tr("Export failed"), QString::fromStdString(error.what()));
    }
}

void MainWindow::exportAllHeadsInteractive() {
    const auto& set = m_heads->attention();
    if (!set) {
        return;
    }
    const QString folder = QFileDialog::getExistingDirectory(
        this, tr("Export every head into a folder"), lastFolder());
    if (folder.isEmpty()) {
        return;
    }
    bool ok = false;
    const QStringList formats{QStringLiteral("PNG"), QStringLiteral("SVG"), QStringLiteral("PDF")};
    const QString chosen = QInputDialog::getItem(
        this, tr("Image format"), tr("%1 images, one per head:").arg(set->layers() * set->heads()),
        formats, 0, false, &ok);
    if (!ok) {
        return;
    }
    const ImageFormat format = chosen == formats[1]   ? ImageFormat::Svg
                               : chosen == formats[2] ? ImageFormat::Pdf
                                                      : ImageFormat::Png;
    ImageSizeDialog dialog(format, QSize(900, 800), this);
    if (dialog.exec() != QDialog::Accepted) {
        return;
    }
    rememberFolder(folder);
    try {
        QStringList written;
        try {
            written = exportAllHeadImages(folder, format, dialog.imageSize(), Overwrite::Refuse);
        } catch (const Error& error) {
            // never overwrite silently: ask once for the whole folder
            if (QMessageBox::question(this, tr("Replace files?"),
                                      tr("%1\n\nReplace the existing files?")
                                          .arg(QString::fromStdString(error.what()))) !=
                QMessageBox::Yes) {
                return;
            }
            written = exportAllHeadImages(folder, format, dialog.imageSize(), Overwrite::Replace);
        }
        statusBar()->showMessage(tr("Wrote %n file(s) to %1", nullptr, int(written.size()))
                                     .arg(QDir::toNativeSeparators(folder)),
                                 5000);
    } catch (const Error& error) {
        QMessageBox::warning(this, tr("Export failed"), QString::fromStdString(error.what()));
    }
}

void MainWindow::exportDataInteractive(const QString& suffix) {
    if (!m_heads->attention()) {
        return;
    }
    const QString name =
        suffix == QLatin1String("csv")
            ? headFileName(m_heads->layer(), m_heads->head(), QStringLiteral("csv"))
            : QStringLiteral("attentions.") + suffix;
    const QString filter = suffix == QLatin1String("npy")   ? tr("NumPy array (*.npy)")
                           : suffix == QLatin1String("csv") ? tr("CSV table (*.csv)")
                                                            : tr("JSON (*.json)");
    QString selected;
    QString path = QFileDialog::getSaveFileName(
        this, tr("Export data"), QDir(lastFolder()).filePath(name), filter, &selected);
    if (path.isEmpty()) {
        return;
    }
    path = withSuffix(path, selected);
    rememberFolder(path);
    try {
        exportData(path, Overwrite::Replace);
        statusBar()->showMessage(tr("Wrote %1").arg(QDir::toNativeSeparators(path)), 5000);
    } catch (const Error& error) {
        QMessageBox::warning(this, tr("Export failed"), QString::fromStdString(error.what()));
    }
}

void MainWindow::showPlotMenu(AttentionPlot* plot, const QPoint& position) {
    const PlotHit hit = plot->hitTest(position);
    if (hit.valid && (hit.layer != m_heads->layer() || hit.head != m_heads->head())) {
        m_heads->selectHead(hit.layer, hit.head);
    }
    QMenu menu(this);
    if (hit.valid) {
        QAction* pin =
            menu.addAction(tr("Pin %1").arg(HeadsView::describeCell(*plot->attention(), hit)));
        connect(pin, &QAction::triggered, this,
                [this, hit] { m_heads->setPin(hit.query, hit.key); });
        menu.addSeparator();
    }
    menu.addAction(m_exportHead);
    menu.addAction(m_exportGrid);
    menu.addAction(m_exportAll);
    menu.addSeparator();
    menu.addAction(m_exportCsv);
    menu.addAction(m_exportNpy);
    menu.addAction(m_exportJson);
    menu.exec(plot->mapToGlobal(position));
}

void MainWindow::showAbout() {
    const QString model =
        m_outcome.modelDescription.isEmpty()
            ? tr("none (random tensors or imported attention)")
            : QStringLiteral("%1 (%2)").arg(m_outcome.set ? m_outcome.set->source : QString(),
                                            m_outcome.modelDescription);
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

void MainWindow::setTheme(const QString& theme) {
    QSettings().setValue(QStringLiteral("ui/theme"), theme);
    applyTheme(theme);
}

void MainWindow::setLanguage(const QString& language) {
    QSettings().setValue(QStringLiteral("ui/language"), language);
    if (QMessageBox::question(
            this, tr("Language"),
            tr("The language changes when attnscope starts again. Restart now?")) ==
        QMessageBox::Yes) {
        saveSettings();
        QProcess::startDetached(QApplication::applicationFilePath(), {});
        close();
    }
}

// ---- settings

void MainWindow::restoreSettings() {
    QSettings settings;
    m_restoring = true;
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    const QString folder = settings.value(QStringLiteral("sentence/model")).toString();
    if (!folder.isEmpty() && QFileInfo(folder).isDir()) {
        m_sentence->setModelFolder(folder);
    }
    const QString text = settings.value(QStringLiteral("sentence/text")).toString();
    if (!text.isEmpty()) {
        m_sentence->setText(text);
    } else if (!m_sentence->examples().examples.isEmpty()) {
        // the first example in the interface's language (the built-in model has English and
        // Chinese ones, pronoun examples first)
        const QString language =
            QLocale().language() == QLocale::Chinese ? QStringLiteral("zh") : QStringLiteral("en");
        const auto& examples = m_sentence->examples().examples;
        const auto match =
            std::find_if(examples.begin(), examples.end(),
                         [&](const ModelExample& example) { return example.language == language; });
        m_sentence->setText(match != examples.end() ? match->text : examples.first().text);
    }
    RandomRequest random;
    random.spec.seq = settings.value(QStringLiteral("random/seq"), 16).toInt();
    random.spec.embed = settings.value(QStringLiteral("random/embed"), 64).toInt();
    random.spec.heads = settings.value(QStringLiteral("random/heads"), 4).toInt();
    random.spec.seed = settings.value(QStringLiteral("random/seed"), 0).toULongLong();
    random.spec.distribution =
        settings.value(QStringLiteral("random/distribution")).toString() == QLatin1String("uniform")
            ? Distribution::Uniform
            : Distribution::Normal;
    random.causal = settings.value(QStringLiteral("random/causal"), false).toBool();
    random.temperature = settings.value(QStringLiteral("random/temperature"), 1.0).toDouble();
    m_random->setRequest(random);
    m_import->setPaths(settings.value(QStringLiteral("import/attention")).toString(),
                       settings.value(QStringLiteral("import/tokens")).toString());
    FigureOptions options;
    parseColorMap(settings.value(QStringLiteral("figure/colorMap"), colorMapKey(ColorMap::Viridis))
                      .toString(),
                  &options.colorMap);
    options.scale = settings.value(QStringLiteral("figure/log"), false).toBool()
                        ? ValueScale::Log
                        : ValueScale::Linear;
    options.range = settings.value(QStringLiteral("figure/perHead"), false).toBool()
                        ? RangeMode::PerHead
                        : RangeMode::Shared;
    options.hideSpecial = settings.value(QStringLiteral("figure/hideSpecial"), false).toBool();
    setFigureOptions(options);
    const int savedMode = settings.value(QStringLiteral("input/mode"), int(SentenceMode)).toInt();
    setMode(Mode(std::clamp(savedMode, 0, 2)));
    if (m_builtinFolder.isEmpty()) {
        showMessage(
            tr("The built-in model was not found; open a model folder or use random tensors."),
            true);
    }
    m_restoring = false;
}

void MainWindow::saveSettings() const {
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    settings.setValue(QStringLiteral("input/mode"), int(mode()));
    settings.setValue(QStringLiteral("sentence/model"), m_sentence->modelFolder());
    settings.setValue(QStringLiteral("sentence/text"), m_sentence->text());
    if (const auto random = m_random->request()) {
        settings.setValue(QStringLiteral("random/seq"), qint64(random->spec.seq));
        settings.setValue(QStringLiteral("random/embed"), qint64(random->spec.embed));
        settings.setValue(QStringLiteral("random/heads"), qint64(random->spec.heads));
        settings.setValue(QStringLiteral("random/seed"), quint64(random->spec.seed));
        settings.setValue(QStringLiteral("random/distribution"),
                          QString::fromStdString(distributionName(random->spec.distribution)));
        settings.setValue(QStringLiteral("random/causal"), random->causal);
        settings.setValue(QStringLiteral("random/temperature"), random->temperature);
    }
    settings.setValue(QStringLiteral("import/attention"), m_import->attentionPath());
    settings.setValue(QStringLiteral("import/tokens"), m_import->tokensPath());
    settings.setValue(QStringLiteral("figure/colorMap"), colorMapKey(m_options.colorMap));
    settings.setValue(QStringLiteral("figure/log"), m_options.scale == ValueScale::Log);
    settings.setValue(QStringLiteral("figure/perHead"), m_options.range == RangeMode::PerHead);
    settings.setValue(QStringLiteral("figure/hideSpecial"), m_options.hideSpecial);
}

void MainWindow::closeEvent(QCloseEvent* event) {
    m_runner->cancel();
    saveSettings();
    event->accept();
}

} // namespace attnscope
