#pragma once

#include "core/session/modelexamples.h"
#include "ui/panels/inputpanel.h"
#include "ui/session/workerthread.h"

#include <QString>
#include <optional>

class QComboBox;
class QLabel;
class QPlainTextEdit;
class QTimer;

namespace attnscope {

struct AttentionSet;

/**
 * Sentence mode: which model, and the text. The model chooser offers the built-in model, the
 * supported models of the local Hugging Face cache (scanned off the GUI thread; they appear when
 * the scan is done) and "Open model folder…"; the examples box offers the model's example
 * sentences (pronoun examples first). A malformed examples.json is reported under the chooser.
 * Typing updates the view after a short pause (debounced), so every keystroke does not start a
 * run.
 */
class SentencePanel : public InputPanel {
    Q_OBJECT

public:
    explicit SentencePanel(const QString& builtinFolder, QWidget* parent = nullptr);
    ~SentencePanel() override;

    [[nodiscard]] QString title() const override;
    [[nodiscard]] std::optional<AttentionRequest> request(QString* error) const override;
    /**
     * "sentence/model" and "sentence/text". Without a saved text, the first example in the
     * interface's language is offered (the built-in model has English and Chinese ones).
     */
    void saveSettings(QSettings& settings) const override;
    void restoreSettings(const QSettings& settings) override;

    [[nodiscard]] QString modelFolder() const;
    /** Selects (adding it when new) a model folder. */
    void setModelFolder(const QString& folder);
    [[nodiscard]] QString text() const;
    void setText(const QString& text);
    [[nodiscard]] const ModelExamples& examples() const { return m_examples; }
    /** The example whose text is the current text, if any. */
    [[nodiscard]] std::optional<ModelExample> currentExample() const;
    /** The line under the model chooser: the folder, or what is wrong with its examples.json. */
    [[nodiscard]] QString modelNote() const;

    /**
     * Where to look in `set` (this panel's text run through its model) the first time an example
     * with a pronoun link is shown: its head and cell (exampleFocus). Nothing for text the user
     * typed, or for an example already focused once (the user's own choice of head then stays).
     */
    std::optional<ExampleFocus> takeExampleFocus(const AttentionSet& set);

    /** Asks the user for a model folder (File → Open model folder…). */
    void chooseModelFolder();

    /** Debounce delay of typing, in milliseconds. */
    static constexpr int kTypingDelayMs = 300;

signals:
    /** The Hugging Face cache scan is done and its models are in the chooser. */
    void cachedModelsListed();

private:
    void scanCachedModels();
    void loadExamples();
    void onModelActivated(int index);
    void syncExampleBox();

    QString m_builtinFolder;
    QComboBox* m_models = nullptr;
    QComboBox* m_exampleBox = nullptr;
    QPlainTextEdit* m_text = nullptr;
    QLabel* m_modelNote = nullptr;
    QTimer* m_typing = nullptr;
    ModelExamples m_examples;
    QString m_focusedExampleText; ///< the example whose link was last focused automatically
    int m_previousModelIndex = 0;
    bool m_settingText = false;
    /** Walks the Hugging Face cache off the GUI thread. Last: joined before the rest goes. */
    WorkerThread m_scanner{QStringLiteral("attnscope-scan")};
};

} // namespace attnscope
