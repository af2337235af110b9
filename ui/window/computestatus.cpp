#include "ui/window/computestatus.h"

#include "ui/document/attentiondocument.h"
#include "ui/session/attentionjobrunner.h"

#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QStatusBar>
#include <QTimer>

namespace attnscope {

ComputeStatus::ComputeStatus(AttentionDocument* document, QStatusBar* bar)
    : QObject(bar)
    , m_document(document)
    , m_bar(bar) {
    m_tokens = new QLabel(bar);
    m_tokens->setObjectName(QStringLiteral("statusTokens"));
    m_shape = new QLabel(bar);
    m_shape->setObjectName(QStringLiteral("statusShape"));
    m_time = new QLabel(bar);
    m_time->setObjectName(QStringLiteral("statusTime"));
    m_threads = new QLabel(bar);
    m_threads->setObjectName(QStringLiteral("statusThreads"));
    m_progress = new QProgressBar(bar);
    m_progress->setRange(0, 0); // the engine reports no fraction: an honest busy indicator
    m_progress->setMaximumWidth(160);
    m_progress->setFormat(QString());
    m_progress->hide();
    m_cancel = new QPushButton(tr("Cancel"), bar);
    m_cancel->setObjectName(QStringLiteral("cancelButton"));
    m_cancel->hide();
    connect(m_cancel, &QPushButton::clicked, m_document, &AttentionDocument::cancel);
    m_busyTimer = new QTimer(this);
    m_busyTimer->setInterval(200);
    connect(m_busyTimer, &QTimer::timeout, this, [this] {
        const qint64 elapsed = m_document->runner()->busyMilliseconds();
        if (elapsed >= kShowAfterMs) {
            m_progress->show();
            m_cancel->show();
            m_bar->showMessage(tr("Computing… %1 s").arg(double(elapsed) / 1000.0, 0, 'f', 1));
        }
    });
    for (QWidget* widget : std::initializer_list<QWidget*>{m_progress, m_cancel, m_tokens, m_shape,
                                                           m_time, m_threads})
        bar->addPermanentWidget(widget);
    connect(m_document, &AttentionDocument::busyChanged, this, &ComputeStatus::onBusyChanged);
    connect(m_document, &AttentionDocument::resultChanged, this, &ComputeStatus::updateFacts);
    updateFacts();
}

void ComputeStatus::onBusyChanged(bool busy) {
    if (busy) {
        m_busyTimer->start();
        return;
    }
    m_busyTimer->stop();
    m_progress->hide();
    m_cancel->hide();
    m_bar->clearMessage();
}

void ComputeStatus::updateFacts() {
    const AttentionOutcome& outcome = m_document->outcome();
    if (!outcome.set) {
        m_tokens->setText(tr("no result yet"));
        return;
    }
    const AttentionSet& set = *outcome.set;
    m_tokens->setText(tr("%n token(s)", nullptr, set.seq()));
    m_shape->setText(tr("%n layer(s)", nullptr, set.layers()) + QStringLiteral(" × ") +
                     tr("%n head(s)", nullptr, set.heads()));
    m_time->setText(tr("computed in %1 ms").arg(outcome.computeMilliseconds, 0, 'f', 1));
    m_threads->setText(tr("%n thread(s)", nullptr, outcome.threads));
}

} // namespace attnscope
