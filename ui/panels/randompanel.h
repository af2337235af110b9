#pragma once

#include <QWidget>
#include <optional>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QSlider;
class QSpinBox;

namespace attnscope {

struct RandomRequest;

/**
 * Random-tensor mode: the knobs of one multi-head self-attention on deterministic random inputs —
 * sequence length (spin box and slider), embedding size, heads, seed, distribution, causal mask and
 * temperature. Every change is a new request at once (the runner drops stale ones), so dragging
 * the slider shows what the sizes do. Heads that do not divide the embedding are refused inline
 * with the allowed counts, and the last good view stays.
 */
class RandomPanel : public QWidget {
    Q_OBJECT

public:
    explicit RandomPanel(QWidget* parent = nullptr);

    /** The request for the current values, or nothing with the reason in `error`. */
    [[nodiscard]] std::optional<RandomRequest> request(QString* error = nullptr) const;
    void setRequest(const RandomRequest& request);

    QSpinBox* seqBox() const { return m_seq; }
    QSpinBox* embedBox() const { return m_embed; }
    QSpinBox* headsBox() const { return m_heads; }
    QSpinBox* seedBox() const { return m_seed; }

    static constexpr int kMaxSeq = 4096;
    static constexpr int kMaxEmbed = 4096;

signals:
    /** Some value changed. */
    void requestChanged();

private:
    void onChanged();

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
