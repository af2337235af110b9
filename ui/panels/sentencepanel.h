#pragma once

#include <QJsonObject>
#include <QString>
#include <QVector>
#include <QWidget>
#include <optional>

class QComboBox;
class QLabel;
class QPlainTextEdit;
class QTimer;

namespace attnscope {

struct SentenceRequest;

/** An example sentence a model folder offers (examples.json), with its first pronoun link. */
struct ModelExample {
    QString text;
    QString language;
    /** Code-point spans [start, end) of the first link's pronoun and antecedent, or -1. */
    int pronounStart = -1;
    int pronounEnd = -1;
    int antecedentStart = -1;
    int antecedentEnd = -1;
};

/** examples.json of a model folder (see resources/models/attnscope-pronouns/README.md). */
struct ModelExamples {
    QVector<ModelExample> examples;
    /** The head the model card recommends for the pronoun link, or -1. */
    int recommendedLayer = -1;
    int recommendedHead = -1;

    /** Reads `<folder>/examples.json`; falls back to built-in English examples when absent or bad.
     */
    static ModelExamples forFolder(const QString& folder);
};

/**
 * Sentence mode: which model, and the text. The model chooser offers the built-in model, the
 * supported models of the local Hugging Face cache and "Open model folder…"; the examples box
 * offers the model's example sentences (pronoun examples first). Typing updates the view after a
 * short pause (debounced), so every keystroke does not start a run.
 */
class SentencePanel : public QWidget {
    Q_OBJECT

public:
    explicit SentencePanel(const QString& builtinFolder, QWidget* parent = nullptr);

    /** The request for the current state, or nothing (with the reason in `error`). */
    [[nodiscard]] std::optional<SentenceRequest> request(QString* error = nullptr) const;

    [[nodiscard]] QString modelFolder() const;
    /** Selects (adding it when new) a model folder. */
    void setModelFolder(const QString& folder);
    [[nodiscard]] QString text() const;
    void setText(const QString& text);
    [[nodiscard]] const ModelExamples& examples() const { return m_examples; }
    /** The example whose text is the current text, if any. */
    [[nodiscard]] std::optional<ModelExample> currentExample() const;

    /** Asks the user for a model folder (File → Open model folder…). */
    void chooseModelFolder();

    /** Debounce delay of typing, in milliseconds. */
    static constexpr int kTypingDelayMs = 300;

signals:
    /** The model or the text changed (already debounced for typing). */
    void requestChanged();
    /** The model folder changed (the window resets its layer/head choice). */
    void modelChanged(const QString& folder);

private:
    void fillModels();
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
    int m_previousModelIndex = 0;
    bool m_settingText = false;
};

} // namespace attnscope
