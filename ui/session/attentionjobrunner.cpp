#include "ui/session/attentionjobrunner.h"

#include "core/base/error.h"
#include "core/session/computecache.h"

#include <QThread>
#include <exception>

namespace attnscope {

namespace {

/** What a worker hands back: an outcome, or the one-line reason it has none. */
struct JobResult {
    AttentionOutcome outcome;
    QString error;
    bool cancelled = false;
};

} // namespace

AttentionJobRunner::AttentionJobRunner(QObject* parent)
    : QObject(parent)
    , m_cache(std::make_shared<ComputeCache>()) {
    qRegisterMetaType<AttentionOutcome>();
}

AttentionJobRunner::~AttentionJobRunner() {
    // The worker holds copies of what it uses (the cache through a shared pointer), so nothing
    // dangles; still, no computation outlives the window: stop it, then wait for it alone.
    m_waiting.reset();
    m_cancel.cancel();
    // m_worker, the last member, is destroyed first: it joins its thread.
}

qint64 AttentionJobRunner::busyMilliseconds() const {
    return m_running ? m_busyTimer.elapsed() : 0;
}

std::uint64_t AttentionJobRunner::submit(const AttentionRequest& request) {
    Q_ASSERT(QThread::currentThread() == thread());
    const std::uint64_t generation = ++m_generation;
    m_waiting.emplace(generation, request);
    if (m_running) {
        m_cancel.cancel(); // the running one is stale now; stop it early
        return generation;
    }
    startNext();
    return generation;
}

void AttentionJobRunner::cancel() {
    Q_ASSERT(QThread::currentThread() == thread());
    m_waiting.reset();
    m_cancelledUpTo = m_generation;
    if (m_running)
        m_cancel.cancel();
}

void AttentionJobRunner::startNext() {
    if (!m_waiting) {
        if (m_running) {
            m_running = false;
            emit busyChanged(false);
        }
        return;
    }
    // Not a structured binding: clang (the fuzz build, clang-tidy) cannot capture one.
    const std::uint64_t generation = m_waiting->first;
    AttentionRequest request = std::move(m_waiting->second);
    m_waiting.reset();
    m_cancel = CancellationToken();
    ComputeOptions options;
    options.threads = m_threads;
    options.cancel = m_cancel;
    std::shared_ptr<ComputeCache> cache = m_cache;
    const bool wasRunning = m_running;
    m_running = true;
    m_busyTimer.start();
    if (!wasRunning)
        emit busyChanged(true);

    auto work = [request = std::move(request), options, cache] {
        JobResult result;
        try {
            result.outcome = computeAttention(request, options, *cache);
        } catch (const Cancelled&) {
            result.cancelled = true;
        } catch (const Error& error) {
            result.error = QString::fromStdString(error.what());
        } catch (const std::bad_alloc&) {
            result.error = QStringLiteral("out of memory: choose a smaller size");
        } catch (const std::exception& error) {
            result.error = QString::fromStdString(error.what());
        }
        return result;
    };
    m_worker.run(std::move(work), [this, generation](JobResult result) {
        if (generation == m_generation) { // older results are stale: dropped
            // A user's cancel wins even when the engine finished first: after cancel() the
            // screen keeps the last result, whatever the timing.
            if (generation <= m_cancelledUpTo || result.cancelled)
                emit cancelled(generation);
            else if (!result.error.isEmpty())
                emit failed(generation, result.error);
            else {
                result.outcome.generation = generation;
                emit finished(result.outcome);
            }
        }
        startNext();
    });
}

} // namespace attnscope
