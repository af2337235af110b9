#pragma once

#include "core/session/computeattention.h"
#include "ui/figure/figureoptions.h"

#include <QObject>
#include <cstdint>
#include <memory>

namespace attnscope {

class AttentionJobRunner;

/**
 * What the window shows, in one place (in the manner of Tiled's MapDocument): the result on
 * screen, the figure options, the selected layer and head, the pinned cell and the link finder's
 * link, and the job runner that computes new results. Every view reads this object and listens to
 * its signals; none keeps a copy. Setters clamp once, here, and signal only real changes.
 *
 * A new result arrives as resultChanged() after the selection, pin and link have been fitted to
 * it (layer and head clamped; a pin whose tokens are gone, or now carry other labels, cleared);
 * the signals of those changes follow it. Results of requests that a newer one replaced are never
 * shown.
 */
class AttentionDocument : public QObject {
    Q_OBJECT

public:
    explicit AttentionDocument(QObject* parent = nullptr);
    ~AttentionDocument() override;

    [[nodiscard]] AttentionJobRunner* runner() const { return m_runner; }
    /** Computes `request` off the GUI thread; returns its generation. */
    std::uint64_t compute(const AttentionRequest& request);
    /** Stops the computation; the result on screen stays. */
    void cancel();
    [[nodiscard]] bool isBusy() const;

    /** The result on screen (an empty outcome before the first). */
    [[nodiscard]] const AttentionOutcome& outcome() const { return m_outcome; }
    [[nodiscard]] const std::shared_ptr<const AttentionSet>& result() const {
        return m_outcome.set;
    }

    [[nodiscard]] const FigureOptions& figureOptions() const { return m_options; }
    void setFigureOptions(const FigureOptions& options);

    [[nodiscard]] int layer() const { return m_layer; }
    [[nodiscard]] int head() const { return m_head; }
    /** Selects a head, clamped to the result (layer 0, head 0 without one). */
    void selectHead(int layer, int head);
    /** Walks through every head of every layer in order, by `delta` heads (clamped). */
    void stepHead(int delta);
    void stepLayer(int delta);

    [[nodiscard]] int pinnedQuery() const { return m_pinQuery; }
    [[nodiscard]] int pinnedKey() const { return m_pinKey; }
    [[nodiscard]] bool hasPin() const { return m_pinQuery >= 0; }
    /** Pins cell (query, key) (original token indices); out of range or -1 unpins. A pin also
     * becomes the link finder's link. */
    void setPin(int query, int key);
    void clearPin() { setPin(-1, -1); }

    /** The link the link finder ranks heads for (follows the pin; can be chosen apart from it). */
    [[nodiscard]] int linkQuery() const { return m_linkQuery; }
    [[nodiscard]] int linkKey() const { return m_linkKey; }
    void setLink(int query, int key);

signals:
    /** A new result is on screen (outcome()); selection, pin and link are already fitted to it. */
    void resultChanged();
    /** The figure options changed. */
    void figureOptionsChanged(const attnscope::FigureOptions& options);
    /** The selected layer or head changed. */
    void headSelected(int layer, int head);
    /** The pin changed; (-1, -1) when unpinned. */
    void pinChanged(int query, int key);
    /** The link finder's link changed. */
    void linkChanged(int query, int key);
    /** The newest computation failed; `message` is core's one line (English, untranslated). */
    void computeFailed(const QString& message);
    /** The newest computation was cancelled by cancel(). */
    void computeCancelled();
    /** A computation started or ended. */
    void busyChanged(bool busy);

private:
    void accept(const AttentionOutcome& outcome);
    [[nodiscard]] int seq() const;

    AttentionJobRunner* m_runner = nullptr;
    AttentionOutcome m_outcome;
    FigureOptions m_options;
    int m_layer = 0;
    int m_head = 0;
    int m_pinQuery = -1;
    int m_pinKey = -1;
    int m_linkQuery = -1;
    int m_linkKey = -1;
};

} // namespace attnscope
