#include "ui/document/attentiondocument.h"

#include "ui/session/attentionjobrunner.h"

#include <algorithm>

namespace attnscope {

AttentionDocument::AttentionDocument(QObject* parent)
    : QObject(parent)
    , m_runner(new AttentionJobRunner(this)) {
    connect(m_runner, &AttentionJobRunner::finished, this, &AttentionDocument::accept);
    connect(m_runner, &AttentionJobRunner::failed, this,
            [this](std::uint64_t, const QString& message) { emit computeFailed(message); });
    connect(m_runner, &AttentionJobRunner::cancelled, this, [this] { emit computeCancelled(); });
    connect(m_runner, &AttentionJobRunner::busyChanged, this, &AttentionDocument::busyChanged);
}

AttentionDocument::~AttentionDocument() = default;

std::uint64_t AttentionDocument::compute(const AttentionRequest& request) {
    return m_runner->submit(request);
}

void AttentionDocument::cancel() {
    m_runner->cancel();
}

bool AttentionDocument::isBusy() const {
    return m_runner->isBusy();
}

int AttentionDocument::seq() const {
    return m_outcome.set ? m_outcome.set->seq() : 0;
}

void AttentionDocument::accept(const AttentionOutcome& outcome) {
    // The runner already drops stale results; a result that is not the newest request's answer
    // must never reach the views, whatever path delivered it.
    if (outcome.generation != m_runner->latestGeneration() || !outcome.set)
        return;
    const std::shared_ptr<const AttentionSet> previous = m_outcome.set;
    m_outcome = outcome;
    const AttentionSet& set = *m_outcome.set;

    const int layer = std::clamp(m_layer, 0, std::max(0, set.layers() - 1));
    const int head = std::clamp(m_head, 0, std::max(0, set.heads() - 1));
    const bool headChanged = layer != m_layer || head != m_head;
    m_layer = layer;
    m_head = head;

    // A pin fits the new result when its tokens are still there with the same labels (more text
    // typed after them, a slider that keeps them); another model's or sentence's tokens do not.
    const auto fits = [&](int query, int key) {
        if (query < 0 || key < 0 || query >= set.seq() || key >= set.seq())
            return false;
        if (previous == nullptr)
            return true;
        return query < previous->seq() && key < previous->seq() &&
               previous->tokens.value(query) == set.tokens.value(query) &&
               previous->tokens.value(key) == set.tokens.value(key);
    };
    const bool pinCleared = m_pinQuery >= 0 && !fits(m_pinQuery, m_pinKey);
    if (pinCleared)
        m_pinQuery = m_pinKey = -1;
    // The link finder always has a link to rank when there are tokens: the pin's, or the first.
    int linkQuery = m_linkQuery, linkKey = m_linkKey;
    if (m_pinQuery >= 0) {
        linkQuery = m_pinQuery;
        linkKey = m_pinKey;
    } else if (!fits(linkQuery, linkKey)) {
        linkQuery = linkKey = set.seq() > 0 ? 0 : -1;
    }
    const bool linkMoved = linkQuery != m_linkQuery || linkKey != m_linkKey;
    m_linkQuery = linkQuery;
    m_linkKey = linkKey;

    emit resultChanged();
    if (headChanged)
        emit headSelected(m_layer, m_head);
    if (pinCleared)
        emit pinChanged(-1, -1);
    if (linkMoved)
        emit linkChanged(m_linkQuery, m_linkKey);
}

void AttentionDocument::setFigureOptions(const FigureOptions& options) {
    if (options == m_options)
        return;
    m_options = options;
    emit figureOptionsChanged(m_options);
}

void AttentionDocument::selectHead(int layer, int head) {
    const AttentionSet* set = m_outcome.set.get();
    layer = std::clamp(layer, 0, set ? std::max(0, set->layers() - 1) : 0);
    head = std::clamp(head, 0, set ? std::max(0, set->heads() - 1) : 0);
    if (layer == m_layer && head == m_head)
        return;
    m_layer = layer;
    m_head = head;
    emit headSelected(m_layer, m_head);
}

void AttentionDocument::stepHead(int delta) {
    if (!m_outcome.set)
        return;
    const int heads = std::max(1, m_outcome.set->heads());
    const int total = m_outcome.set->layers() * heads;
    const int index = std::clamp(m_layer * heads + m_head + delta, 0, std::max(0, total - 1));
    selectHead(index / heads, index % heads);
}

void AttentionDocument::stepLayer(int delta) {
    selectHead(m_layer + delta, m_head);
}

void AttentionDocument::setPin(int query, int key) {
    const int n = seq();
    if (query < 0 || key < 0 || query >= n || key >= n)
        query = key = -1;
    if (query == m_pinQuery && key == m_pinKey)
        return;
    m_pinQuery = query;
    m_pinKey = key;
    emit pinChanged(m_pinQuery, m_pinKey);
    if (query >= 0)
        setLink(query, key);
}

void AttentionDocument::setLink(int query, int key) {
    const int n = seq();
    if (query < 0 || key < 0 || query >= n || key >= n)
        return;
    if (query == m_linkQuery && key == m_linkKey)
        return;
    m_linkQuery = query;
    m_linkKey = key;
    emit linkChanged(m_linkQuery, m_linkKey);
}

} // namespace attnscope
