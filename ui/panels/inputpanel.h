#pragma once

#include "core/session/attentionrequest.h"

#include <QWidget>
#include <optional>

class QSettings;

namespace attnscope {

/**
 * One input mode of the window (sentence, random tensors, imported attention): it turns what the
 * user entered into a request, keeps its own settings, and says when its request changed. The
 * window holds a list of them; a new mode is one more class of this kind.
 */
class InputPanel : public QWidget {
    Q_OBJECT

public:
    using QWidget::QWidget;

    /** The tab's title (translated). */
    [[nodiscard]] virtual QString title() const = 0;
    /** The request for the current input, or nothing with the reason (translated) in `error`. */
    [[nodiscard]] virtual std::optional<AttentionRequest> request(QString* error) const = 0;
    /** Writes the panel's own values under its own group of `settings`. */
    virtual void saveSettings(QSettings& settings) const = 0;
    /** Reads what saveSettings wrote (defaults for what is missing); emits no requestChanged. */
    virtual void restoreSettings(const QSettings& settings) = 0;

signals:
    /** The request changed (typing is debounced by the panel). */
    void requestChanged();
};

} // namespace attnscope
