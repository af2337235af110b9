#pragma once

#include "ui/panels/inputpanel.h"

#include <optional>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QSlider;
class QSpinBox;

namespace attnscope {

/**
 * Random-tensor mode: the knobs of one multi-head self-attention on deterministic random inputs —
 * sequence length (spin box and slider), embedding size, heads, seed, distribution, causal mask and
 * temperature. Every change is a new request at once (the runner drops stale ones), so dragging
 * the slider shows what the sizes do. Heads that do not divide the embedding are refused inline
 * with the allowed counts, and the last good view stays.
 */
class RandomPanel : public InputPanel {
    Q_OBJECT

public:
    explicit RandomPanel(QWidget* parent = nullptr);

    [[nodiscard]] QString title() const override;
    [[nodiscard]] std::optional<AttentionRequest> request(QString* error) const override;
    /** "random/seq", "random/embed", … (16, 64, 4, seed 0, normal, not causal, temperature 1). */
    void saveSettings(QSettings& settings) const override;
    void restoreSettings(const QSettings& settings) override;

    /** The request for the current values, or nothing with the reason in `error`. */
    [[nodiscard]] std::optional<RandomRequest> randomRequest(QString* error = nullptr) const;
    /** Shows `request`'s values (no requestChanged). */
    void setRequest(const RandomRequest& request);

    QSpinBox* seqBox() const { return m_seq; }
    QSpinBox* embedBox() const { return m_embed; }
    QSpinBox* headsBox() const { return m_heads; }
    QSpinBox* seedBox() const { return m_seed; }

    static constexpr int kMaxSeq = 4096;
    static constexpr int kMaxEmbed = 4096;

private:
    void onChanged();
    void updateMessage();

    QSpinBox* m_seq = nullptr;
    QSlider* m_seqSlider = nullptr;
    QSpinBox* m_embed = nullptr;
    QSpinBox* m_heads = nullptr;
    QSpinBox* m_seed = nullptr;
    QComboBox* m_distribution = nullptr;
    QCheckBox* m_causal = nullptr;
    QDoubleSpinBox* m_temperature = nullptr;
    QLabel* m_message = nullptr;
};

} // namespace attnscope
