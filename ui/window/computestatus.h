#pragma once

#include <QObject>

class QLabel;
class QProgressBar;
class QPushButton;
class QStatusBar;
class QTimer;

namespace attnscope {

class AttentionDocument;

/**
 * The status bar's compute facts (tokens, layers × heads, time, threads) for the result on
 * screen, and, for computations that take a noticeable time, a busy bar with the elapsed seconds
 * and a Cancel button (the engine reports no fraction done, so the bar does not pretend to).
 */
class ComputeStatus : public QObject {
    Q_OBJECT

public:
    ComputeStatus(AttentionDocument* document, QStatusBar* bar);

    /** After this long busy, the progress and Cancel appear (slider drags stay calm). */
    static constexpr int kShowAfterMs = 300;

private:
    void onBusyChanged(bool busy);
    void updateFacts();

    AttentionDocument* m_document = nullptr;
    QStatusBar* m_bar = nullptr;
    QLabel* m_tokens = nullptr;
    QLabel* m_shape = nullptr;
    QLabel* m_time = nullptr;
    QLabel* m_threads = nullptr;
    QProgressBar* m_progress = nullptr;
    QPushButton* m_cancel = nullptr;
    QTimer* m_busyTimer = nullptr;
};

} // namespace attnscope
