#pragma once

#include "ui/panels/inputpanel.h"

#include <optional>

class QLineEdit;
class QPushButton;

namespace attnscope {

/**
 * Imported-attention mode: attention computed elsewhere (tools/export_attention.py, or the few
 * lines of transformers in the README): a .npy [L,H,S,S] or [H,S,S] with a tokens JSON list, or a
 * .safetensors file with one [H,S,S] tensor per layer (tokens in its metadata or a JSON file).
 */
class ImportPanel : public InputPanel {
    Q_OBJECT

public:
    explicit ImportPanel(QWidget* parent = nullptr);

    [[nodiscard]] QString title() const override;
    /** The chosen files (read when Load is pressed, files are chosen or the tab is opened). */
    [[nodiscard]] std::optional<AttentionRequest> request(QString* error) const override;
    /** "import/attention" and "import/tokens". */
    void saveSettings(QSettings& settings) const override;
    void restoreSettings(const QSettings& settings) override;

    void setPaths(const QString& attentionPath, const QString& tokensPath);
    [[nodiscard]] QString attentionPath() const;
    [[nodiscard]] QString tokensPath() const;

    /** Asks for the files (File → Import attention…); emits requestChanged when chosen. */
    void chooseFiles();

private:
    QLineEdit* m_attention = nullptr;
    QLineEdit* m_tokens = nullptr;
};

} // namespace attnscope
