#include "ui/panels/importpanel.h"

#include "core/session/attentionrequest.h"
#include "ui/session/recentfolder.h"

#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>

namespace attnscope {

namespace {

QWidget* pathRow(QLineEdit* edit, QPushButton* browse, QWidget* parent) {
    auto* row = new QWidget(parent);
    auto* layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(edit, 1);
    layout->addWidget(browse);
    return row;
}

} // namespace

ImportPanel::ImportPanel(QWidget* parent)
    : InputPanel(parent) {
    m_attention = new QLineEdit(this);
    m_attention->setObjectName(QStringLiteral("importAttentionPath"));
    m_attention->setPlaceholderText(tr("attentions.npy or .safetensors"));
    m_tokens = new QLineEdit(this);
    m_tokens->setObjectName(QStringLiteral("importTokensPath"));
    m_tokens->setPlaceholderText(tr("tokens.json (a JSON list of strings)"));
    auto* browseAttention = new QPushButton(tr("Browse…"), this);
    auto* browseTokens = new QPushButton(tr("Browse…"), this);
    auto* load = new QPushButton(tr("Load"), this);
    load->setObjectName(QStringLiteral("importLoad"));

    auto* help = new QLabel(
        tr("Attention computed elsewhere, e.g. by a model too big for this "
           "machine: a .npy of shape [layers, heads, seq, seq] or [heads, seq, seq] "
           "with a tokens file, or a .safetensors file with one [heads, seq, seq] "
           "tensor per layer. The README shows the few lines of Python that write them."),
        this);
    help->setWordWrap(true);

    auto* form = new QFormLayout(this);
    form->addRow(help);
    form->addRow(tr("Attention"), pathRow(m_attention, browseAttention, this));
    form->addRow(tr("Tokens"), pathRow(m_tokens, browseTokens, this));
    form->addRow(QString(), load);

    connect(browseAttention, &QPushButton::clicked, this, [this] {
        const QString path =
            QFileDialog::getOpenFileName(this, tr("Attention file"), lastFolder(),
                                         tr("Attention (*.npy *.safetensors);;All files (*)"));
        if (!path.isEmpty()) {
            rememberFolder(path);
            m_attention->setText(path);
        }
    });
    connect(browseTokens, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Tokens file"), lastFolder(),
                                                          tr("JSON (*.json);;All files (*)"));
        if (!path.isEmpty()) {
            rememberFolder(path);
            m_tokens->setText(path);
        }
    });
    connect(load, &QPushButton::clicked, this, &ImportPanel::requestChanged);
    connect(m_attention, &QLineEdit::returnPressed, this, &ImportPanel::requestChanged);
    connect(m_tokens, &QLineEdit::returnPressed, this, &ImportPanel::requestChanged);
}

QString ImportPanel::title() const {
    return tr("Imported");
}

std::optional<AttentionRequest> ImportPanel::request(QString* error) const {
    if (attentionPath().isEmpty()) {
        if (error)
            *error = tr("Choose an attention file (.npy or .safetensors).");
        return std::nullopt;
    }
    return ImportRequest{attentionPath(), tokensPath()};
}

void ImportPanel::saveSettings(QSettings& settings) const {
    settings.setValue(QStringLiteral("import/attention"), attentionPath());
    settings.setValue(QStringLiteral("import/tokens"), tokensPath());
}

void ImportPanel::restoreSettings(const QSettings& settings) {
    setPaths(settings.value(QStringLiteral("import/attention")).toString(),
             settings.value(QStringLiteral("import/tokens")).toString());
}

void ImportPanel::setPaths(const QString& attentionPath, const QString& tokensPath) {
    m_attention->setText(attentionPath);
    m_tokens->setText(tokensPath);
}

QString ImportPanel::attentionPath() const {
    return m_attention->text().trimmed();
}

QString ImportPanel::tokensPath() const {
    return m_tokens->text().trimmed();
}

void ImportPanel::chooseFiles() {
    const QString path =
        QFileDialog::getOpenFileName(this, tr("Import attention"), lastFolder(),
                                     tr("Attention (*.npy *.safetensors);;All files (*)"));
    if (path.isEmpty()) {
        return;
    }
    rememberFolder(path);
    QString tokens;
    if (!path.endsWith(QStringLiteral(".safetensors"), Qt::CaseInsensitive)) {
        // the usual companion file next to it, else ask
        const QFileInfo info(path);
        const QString guess = info.dir().filePath(QStringLiteral("tokens.json"));
        tokens = QFileInfo::exists(guess)
                     ? guess
                     : QFileDialog::getOpenFileName(this, tr("Tokens file"), info.absolutePath(),
                                                    tr("JSON (*.json);;All files (*)"));
    }
    setPaths(path, tokens);
    emit requestChanged();
}

} // namespace attnscope
