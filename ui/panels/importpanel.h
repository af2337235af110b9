#pragma once

#include <QWidget>
#include <optional>

class QLineEdit;
class QPushButton;

namespace attnscope {

struct ImportRequest;

/**
 * Imported-attention mode: attention computed elsewhere (tools/export_attention.py, or the few
 * lines of transformers in the README): a .npy [L,H,S,S] or [H,S,S] with a tokens JSON list, or a
 * .safetensors file with one [H,S,S] tensor per layer (tokens in its metadata or a JSON file).
 */
class ImportPanel : public QWidget {
    Q_OBJECT

public:
    explicit ImportPanel(QWidget* parent = nullptr);

    [[nodiscard]] std::optional<ImportRequest> request(QString* error = nullptr) const;
    void setPaths(const QString& attentionPath, const QString& tokensPath);
    [[nodiscard]] QString attentionPath() const;
    [[nodiscard]] QString tokensPath() const;

    /** Asks for the files (File → Import attention…); emits requestChanged when chosen. */
    void chooseFiles();

signals:
    /** "Load" was pressed or files were chosen. */
    void requestChanged();

private:
    QLineEdit* m_attention = nullptr;
    QLineEdit* m_tokens = nullptr;
};

} // namespace attnscope
