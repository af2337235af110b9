#include "ui/panels/sentencepanel.h"

#include "core/io/hubcache.h"
#include "ui/session/attentionrequest.h"
#include "ui/session/recentfolder.h"

#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QPlainTextEdit>
#include <QTimer>
#include <QVBoxLayout>

namespace attnscope {

namespace {

// Offered for models without examples.json: pronoun sentences first, as for the built-in model.
const char* const kFallbackExamples[] = {
    "The girl told the boy that she would win the race.",
    "The dog chased the cat because it was hungry.",
    "The trophy did not fit in the suitcase because it was too big.",
    "My friends bought apples, bananas and oranges, and they were all fresh.",
    "Attention lets every token look at every other token.",
};

ModelExamples fallbackExamples() {
    ModelExamples examples;
    for (const char* text : kFallbackExamples) {
        ModelExample example;
        example.text = QString::fromUtf8(text);
        example.language = QStringLiteral("en");
        examples.examples << example;
    }
    return examples;
}

bool readSpan(const QJsonValue& value, int* start, int* end) {
    const QJsonArray span = value.toArray();
    if (span.size() != 2 || !span[0].isDouble() || !span[1].isDouble()) {
        return false;
    }
    *start = span[0].toInt();
    *end = span[1].toInt();
    return *start >= 0 && *end > *start;
}

} // namespace

ModelExamples ModelExamples::forFolder(const QString& folder) {
    QFile file(QDir(folder).filePath(QStringLiteral("examples.json")));
    if (!file.open(QIODevice::ReadOnly) || file.size() > (1 << 22)) {
        return fallbackExamples();
    }
    const QJsonObject root = QJsonDocument::fromJson(file.readAll()).object();
    ModelExamples result;
    const QJsonObject recommended = root.value(QStringLiteral("recommended_head")).toObject();
    result.recommendedLayer = recommended.value(QStringLiteral("layer")).toInt(-1);
    result.recommendedHead = recommended.value(QStringLiteral("head")).toInt(-1);
    for (const QJsonValue& value : root.value(QStringLiteral("examples")).toArray()) {
        const QJsonObject object = value.toObject();
        ModelExample example;
        example.text = object.value(QStringLiteral("text")).toString();
        example.language = object.value(QStringLiteral("language")).toString();
        const QJsonArray links = object.value(QStringLiteral("links")).toArray();
        if (!links.isEmpty()) {
            const QJsonObject link = links.first().toObject();
            if (!readSpan(link.value(QStringLiteral("pronoun")), &example.pronounStart,
                          &example.pronounEnd) ||
                !readSpan(link.value(QStringLiteral("antecedent")), &example.antecedentStart,
                          &example.antecedentEnd)) {
                example.pronounStart = example.pronounEnd = -1;
                example.antecedentStart = example.antecedentEnd = -1;
            }
        }
        if (!example.text.isEmpty()) {
            result.examples << example;
        }
    }
    if (result.examples.isEmpty()) {
        return fallbackExamples();
    }
    return result;
}

SentencePanel::SentencePanel(const QString& builtinFolder, QWidget* parent)
    : QWidget(parent)
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

    fillModels();
    loadExamples();

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

void SentencePanel::fillModels() {
    m_models->clear();
    if (!m_builtinFolder.isEmpty()) {
        m_models->addItem(tr("Built-in: %1").arg(QFileInfo(m_builtinFolder).fileName()),
                          m_builtinFolder);
    }
    const HubCache cache = HubCache::scan();
    for (const CachedModel& model : cache.models) {
        const QString label =
            tr("HF cache: %1 (%2)")
                .arg(QString::fromStdString(model.repoId), QString::fromStdString(model.modelType));
        m_models->addItem(label, QString::fromStdString(model.path));
        if (!model.hasSafetensors) {
            // listed so the user learns why it cannot be opened
            const int row = m_models->count() - 1;
            m_models->setItemData(row,
                                  tr("Only pytorch_model.bin: attnscope reads safetensors weights"),
                                  Qt::ToolTipRole);
        }
    }
    m_models->addItem(tr("Open model folder…"), QString());
    m_models->setCurrentIndex(0);
    m_previousModelIndex = 0;
}

void SentencePanel::loadExamples() {
    m_examples = ModelExamples::forFolder(modelFolder());
    m_exampleBox->clear();
    for (const ModelExample& example : m_examples.examples) {
        QString label = example.text;
        if (label.size() > 60) {
            label = label.left(57) + QStringLiteral("…");
        }
        m_exampleBox->addItem(label, example.text);
    }
    syncExampleBox();
    m_modelNote->setText(modelFolder().isEmpty() ? tr("No model: choose a folder")
                                                 : QDir::toNativeSeparators(modelFolder()));
}

void SentencePanel::onModelActivated(int index) {
    if (m_models->itemData(index).toString().isEmpty()) {
        m_models->setCurrentIndex(m_previousModelIndex); // "Open model folder…" is an action
        chooseModelFolder();
        return;
    }
    if (index == m_previousModelIndex) {
        return;
    }
    m_previousModelIndex = index;
    loadExamples();
    emit modelChanged(modelFolder());
    emit requestChanged();
}

void SentencePanel::chooseModelFolder() {
    const QString folder = QFileDialog::getExistingDirectory(
        this, tr("Open a Hugging Face model folder"), lastFolder());
    if (folder.isEmpty()) {
        return;
    }
    rememberFolder(folder);
    setModelFolder(folder);
    emit modelChanged(modelFolder());
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
        if (example.text == current) {
            return example;
        }
    }
    return std::nullopt;
}

std::optional<SentenceRequest> SentencePanel::request(QString* error) const {
    if (modelFolder().isEmpty()) {
        if (error) {
            *error = tr("No model chosen: open a model folder.");
        }
        return std::nullopt;
    }
    if (text().trimmed().isEmpty()) {
        if (error) {
            *error = tr("The text is empty: type a sentence or pick an example.");
        }
        return std::nullopt;
    }
    return SentenceRequest{modelFolder(), text()};
}

} // namespace attnscope
