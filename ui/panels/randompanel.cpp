#include "ui/panels/randompanel.h"

#include "core/attention/multiheadattention.h"
#include "core/session/attentionrequest.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QSettings>
#include <QSlider>
#include <QSpinBox>

namespace attnscope {

RandomPanel::RandomPanel(QWidget* parent)
    : InputPanel(parent) {
    m_seq = new QSpinBox(this);
    m_seq->setObjectName(QStringLiteral("seqBox"));
    m_seq->setRange(1, kMaxSeq);
    m_seq->setValue(16);
    m_seqSlider = new QSlider(Qt::Horizontal, this);
    m_seqSlider->setObjectName(QStringLiteral("seqSlider"));
    m_seqSlider->setRange(1, 512);
    m_seqSlider->setValue(16);
    m_embed = new QSpinBox(this);
    m_embed->setObjectName(QStringLiteral("embedBox"));
    m_embed->setRange(1, kMaxEmbed);
    m_embed->setValue(64);
    m_heads = new QSpinBox(this);
    m_heads->setObjectName(QStringLiteral("headsBox"));
    m_heads->setRange(1, 256);
    m_heads->setValue(4);
    m_seed = new QSpinBox(this);
    m_seed->setObjectName(QStringLiteral("seedBox"));
    m_seed->setRange(0, 2147483647);
    m_distribution = new QComboBox(this);
    m_distribution->setObjectName(QStringLiteral("distributionBox"));
    m_distribution->addItem(tr("Normal N(0, 1)"), QStringLiteral("normal"));
    m_distribution->addItem(tr("Uniform, unit variance"), QStringLiteral("uniform"));
    m_causal = new QCheckBox(tr("Causal mask (no look-ahead)"), this);
    m_causal->setObjectName(QStringLiteral("causalBox"));
    m_temperature = new QDoubleSpinBox(this);
    m_temperature->setObjectName(QStringLiteral("temperatureBox"));
    m_temperature->setRange(0.05, 20.0);
    m_temperature->setSingleStep(0.1);
    m_temperature->setDecimals(2);
    m_temperature->setValue(1.0);
    m_temperature->setToolTip(
        tr("Divides the scores before the softmax: above 1 flattens, below 1 sharpens."));
    m_message = new QLabel(this);
    m_message->setObjectName(QStringLiteral("randomMessage"));
    m_message->setWordWrap(true);
    m_message->setStyleSheet(QStringLiteral("color: #c0392b;"));
    m_message->hide();

    auto* seqRow = new QHBoxLayout;
    seqRow->addWidget(m_seq);
    seqRow->addWidget(m_seqSlider, 1);
    auto* form = new QFormLayout(this);
    form->addRow(tr("Sequence length"), seqRow);
    form->addRow(tr("Embedding size"), m_embed);
    form->addRow(tr("Heads"), m_heads);
    form->addRow(tr("Seed"), m_seed);
    form->addRow(tr("Distribution"), m_distribution);
    form->addRow(QString(), m_causal);
    form->addRow(tr("Temperature"), m_temperature);
    form->addRow(m_message);

    connect(m_seqSlider, &QSlider::valueChanged, m_seq, &QSpinBox::setValue);
    connect(m_seq, &QSpinBox::valueChanged, this, [this](int value) {
        if (value <= m_seqSlider->maximum()) {
            const QSignalBlocker block(m_seqSlider);
            m_seqSlider->setValue(value);
        }
        onChanged();
    });
    for (QSpinBox* box : {m_embed, m_heads, m_seed}) {
        connect(box, &QSpinBox::valueChanged, this, &RandomPanel::onChanged);
    }
    connect(m_distribution, &QComboBox::currentIndexChanged, this, &RandomPanel::onChanged);
    connect(m_causal, &QCheckBox::toggled, this, &RandomPanel::onChanged);
    connect(m_temperature, &QDoubleSpinBox::valueChanged, this, &RandomPanel::onChanged);
}

QString RandomPanel::title() const {
    return tr("Random tensors");
}

std::optional<AttentionRequest> RandomPanel::request(QString* error) const {
    if (auto random = randomRequest(error))
        return *random;
    return std::nullopt;
}

void RandomPanel::saveSettings(QSettings& settings) const {
    const std::optional<RandomRequest> random = randomRequest();
    if (!random)
        return; // what the user typed is refused: keep the last good values
    settings.setValue(QStringLiteral("random/seq"), qint64(random->spec.seq));
    settings.setValue(QStringLiteral("random/embed"), qint64(random->spec.embed));
    settings.setValue(QStringLiteral("random/heads"), qint64(random->spec.heads));
    settings.setValue(QStringLiteral("random/seed"), quint64(random->spec.seed));
    settings.setValue(QStringLiteral("random/distribution"),
                      QString::fromStdString(distributionName(random->spec.distribution)));
    settings.setValue(QStringLiteral("random/causal"), random->causal);
    settings.setValue(QStringLiteral("random/temperature"), random->temperature);
}

void RandomPanel::restoreSettings(const QSettings& settings) {
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
    setRequest(random);
}

std::optional<RandomRequest> RandomPanel::randomRequest(QString* error) const {
    if (m_embed->value() % m_heads->value() != 0) {
        if (error) {
            *error =
                tr("%1 heads do not divide the embedding size %2 (each head gets embed / heads "
                   "dimensions). Allowed head counts: %3.")
                    .arg(m_heads->value())
                    .arg(m_embed->value())
                    .arg(QString::fromStdString(allowedHeadCounts(m_embed->value())));
        }
        return std::nullopt;
    }
    RandomRequest request;
    request.spec.seq = m_seq->value();
    request.spec.embed = m_embed->value();
    request.spec.heads = m_heads->value();
    request.spec.seed = std::uint64_t(m_seed->value());
    request.spec.distribution =
        parseDistribution(m_distribution->currentData().toString().toStdString());
    request.causal = m_causal->isChecked();
    request.temperature = m_temperature->value();
    return request;
}

void RandomPanel::setRequest(const RandomRequest& request) {
    const QSignalBlocker b1(m_seq), b2(m_seqSlider), b3(m_embed), b4(m_heads), b5(m_seed),
        b6(m_distribution), b7(m_causal), b8(m_temperature);
    m_seq->setValue(int(request.spec.seq));
    m_seqSlider->setValue(int(std::min<std::int64_t>(request.spec.seq, m_seqSlider->maximum())));
    m_embed->setValue(int(request.spec.embed));
    m_heads->setValue(int(request.spec.heads));
    m_seed->setValue(int(std::min<std::uint64_t>(request.spec.seed, 2147483647U)));
    m_distribution->setCurrentIndex(m_distribution->findData(
        QString::fromStdString(distributionName(request.spec.distribution))));
    m_causal->setChecked(request.causal);
    m_temperature->setValue(request.temperature);
    updateMessage();
}

void RandomPanel::updateMessage() {
    QString error;
    const bool valid = randomRequest(&error).has_value();
    m_message->setText(error);
    m_message->setVisible(!valid);
}

void RandomPanel::onChanged() {
    updateMessage();
    emit requestChanged();
}

} // namespace attnscope
