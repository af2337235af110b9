#include "ui/panels/sentencepanel.h"

#include "core/io/hubcache.h"
#include "core/session/attentionset.h"
#include "ui/session/recentfolder.h"

#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QLabel>
#include <QLocale>
#include <QPlainTextEdit>
#include <QSettings>
#include <QTimer>
#include <QVBoxLayout>

namespace attnscope {

SentencePanel::SentencePanel(const QString& builtinFolder, QWidget* parent)
    : InputPanel(parent)
    , m_builtinFolder(builtinFolder) {
    m_models = new QComboBox(this);
    m_models->setObjectName(QStringLiteral("modelChooser"));
    m_models->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_models->setMinimumContentsLength(18);
    m_modelNote = new QLabel(this);
    m_modelNote->setWordWrap(true);
    m_modelNote->setObjectName(QStringLiteral("modelNote"));
    m_exampleBox = new QComboBox(this);
    m_exampleBox->setObjectName(QStringLiteral("exampleChooser"));
    m_exampleBox->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_exampleBox->setMinimumContentsLength(18);
    m_exampleBox->setPlaceholderText(tr("Pick an example sentence"));
    m_text = new QPlainTextEdit(this);
    m_text->setObjectName(QStringLiteral("sentenceEdit"));
    m_text->setPlaceholderText(tr("Type a sentence"));
    m_text->setTabChangesFocus(true);

    m_typing = new QTimer(this);
    m_typing->setSingleShot(true);
    m_typing->setInterval(kTypingDelayMs);
    connect(m_typing, &QTimer::timeout, this, &SentencePanel::requestChanged);

    auto* form = new QFormLayout;
    form->addRow(tr("Model"), m_models);
    form->addRow(QString(), m_modelNote);
    form->addRow(tr("Examples"), m_exampleBox);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(new QLabel(tr("Text"), this));
    layout->addWidget(m_text, 1);

    if (!m_builtinFolder.isEmpty())
        m_models->addItem(tr("Built-in: %1").arg(QFileInfo(m_builtinFolder).fileName()),
                          m_builtinFolder);
    m_models->addItem(tr("Open model folder…"), QString());
    m_models->setCurrentIndex(0);
    loadExamples();
    scanCachedModels();

    connect(m_models, &QComboBox::activated, this, &SentencePanel::onModelActivated);
    connect(m_exampleBox, &QComboBox::activated, this, [this](int index) {
        if (index >= 0 && index < m_examples.examples.size()) {
            setText(m_examples.examples[index].text);
            emit requestChanged();
        }
    });
    connect(m_text, &QPlainTextEdit::textChanged, this, [this] {
        if (!m_settingText) {
            m_typing->start();
            syncExampleBox();
        }
    });
}

SentencePanel::~SentencePanel() = default;

QString SentencePanel::title() const {
    return tr("Sentence");
}

void SentencePanel::scanCachedModels() {
    // A cache of many snapshots on a slow disk takes seconds to walk: never on the GUI thread.
    m_scanner.run(
        [] { return HubCache::scan(); },
        [this](const HubCache& cache) {
            const QSignalBlocker block(m_models);
            for (const CachedModel& model : cache.models) {
                const QString path = QString::fromStdString(model.path);
                if (m_models->findData(path) >= 0)
                    continue; // already chosen by hand (or restored) before the scan ended
                const QString label = tr("HF cache: %1 (%2)")
                                          .arg(QString::fromStdString(model.repoId),
                                               QString::fromStdString(model.modelType));
                const int row = m_models->count() - 1; // before "Open model folder…"
                m_models->insertItem(row, label, path);
                if (!model.hasSafetensors) {
                    // listed so the user learns why it cannot be opened
                    m_models->setItemData(
                        row, tr("Only pytorch_model.bin: attnscope reads safetensors weights"),
                        Qt::ToolTipRole);
                }
            }
            m_previousModelIndex = m_models->currentIndex();
            emit cachedModelsListed();
        });
}

void SentencePanel::loadExamples() {
    m_examples = ModelExamples::forFolder(modelFolder());
    m_exampleBox->clear();
    for (const ModelExample& example : m_examples.examples) {
        QString label = example.text;
        if (label.size() > 60)
            label = label.left(57) + QStringLiteral("…");
        m_exampleBox->addItem(label, example.text);
    }
    syncExampleBox();
    if (modelFolder().isEmpty())
        m_modelNote->setText(tr("No model: choose a folder"));
    else if (!m_examples.problem.isEmpty())
        m_modelNote->setText(tr("%1\nThe examples file could not be used: %2")
                                 .arg(QDir::toNativeSeparators(modelFolder()), m_examples.problem));
    else
        m_modelNote->setText(QDir::toNativeSeparators(modelFolder()));
}

QString SentencePanel::modelNote() const {
    return m_modelNote->text();
}

void SentencePanel::onModelActivated(int index) {
    if (m_models->itemData(index).toString().isEmpty()) {
        m_models->setCurrentIndex(m_previousModelIndex); // "Open model folder…" is an action
        chooseModelFolder();
        return;
    }
    if (index == m_previousModelIndex)
        return;
    m_previousModelIndex = index;
    m_focusedExampleText.clear();
    loadExamples();
    emit requestChanged();
}

void SentencePanel::chooseModelFolder() {
    const QString folder = QFileDialog::getExistingDirectory(
        this, tr("Open a Hugging Face model folder"), lastFolder());
    if (folder.isEmpty())
        return;
    rememberFolder(folder);
    setModelFolder(folder);
    emit requestChanged();
}

QString SentencePanel::modelFolder() const {
    return m_models->currentData().toString();
}

void SentencePanel::setModelFolder(const QString& folder) {
    const QString absolute = QFileInfo(folder).absoluteFilePath();
    int index = -1;
    for (int i = 0; i < m_models->count(); ++i) {
        const QString data = m_models->itemData(i).toString();
        if (!data.isEmpty() && QFileInfo(data).absoluteFilePath() == absolute) {
            index = i;
            break;
        }
    }
    if (index < 0) {
        index = m_models->count() - 1; // before "Open model folder…"
        m_models->insertItem(index, QDir::toNativeSeparators(absolute), absolute);
    }
    m_models->setCurrentIndex(index);
    m_previousModelIndex = index;
    m_focusedExampleText.clear();
    loadExamples();
}

QString SentencePanel::text() const {
    return m_text->toPlainText();
}

void SentencePanel::setText(const QString& text) {
    m_settingText = true;
    m_text->setPlainText(text);
    m_settingText = false;
    m_typing->stop();
    syncExampleBox();
}

void SentencePanel::syncExampleBox() {
    // show which example is in the text box, or none once the user has edited it
    const QSignalBlocker block(m_exampleBox);
    m_exampleBox->setCurrentIndex(m_exampleBox->findData(text()));
}

std::optional<ModelExample> SentencePanel::currentExample() const {
    const QString current = text();
    for (const ModelExample& example : m_examples.examples) {
        if (example.text == current)
            return example;
    }
    return std::nullopt;
}

std::optional<ExampleFocus> SentencePanel::takeExampleFocus(const AttentionSet& set) {
    const std::optional<ModelExample> example = currentExample();
    if (!example || !example->hasLink() || example->text == m_focusedExampleText ||
        set.text != example->text)
        return std::nullopt;
    std::optional<ExampleFocus> focus =
        exampleFocus(set, *example, m_examples.recommendedLayer, m_examples.recommendedHead);
    if (focus)
        m_focusedExampleText = example->text;
    return focus;
}

std::optional<AttentionRequest> SentencePanel::request(QString* error) const {
    if (modelFolder().isEmpty()) {
        if (error)
            *error = tr("No model chosen: open a model folder.");
        return std::nullopt;
    }
    if (text().trimmed().isEmpty()) {
        if (error)
            *error = tr("The text is empty: type a sentence or pick an example.");
        return std::nullopt;
    }
    return SentenceRequest{modelFolder(), text()};
}

void SentencePanel::saveSettings(QSettings& settings) const {
    settings.setValue(QStringLiteral("sentence/model"), modelFolder());
    settings.setValue(QStringLiteral("sentence/text"), text());
}

void SentencePanel::restoreSettings(const QSettings& settings) {
    const QString folder = settings.value(QStringLiteral("sentence/model")).toString();
    if (!folder.isEmpty() && QFileInfo(folder).isDir())
        setModelFolder(folder);
    const QString saved = settings.value(QStringLiteral("sentence/text")).toString();
    if (!saved.isEmpty()) {
        setText(saved);
        return;
    }
    if (m_examples.examples.isEmpty())
        return;
    // The first example in the interface's language (the built-in model has English and Chinese
    // ones, pronoun examples first).
    const QString language =
        QLocale().language() == QLocale::Chinese ? QStringLiteral("zh") : QStringLiteral("en");
    const auto& examples = m_examples.examples;
    const auto match = std::find_if(examples.begin(), examples.end(),
                                    [&](const ModelExample& e) { return e.language == language; });
    setText(match != examples.end() ? match->text : examples.first().text);
}

} // namespace attnscope
