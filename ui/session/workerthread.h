#pragma once

#include <QObject>
#include <QString>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

namespace attnscope {

/**
 * One thread of its own that runs the work posted to it, in order, and hands each reply back on
 * the thread this object lives on (the GUI thread).
 *
 * Why not QtConcurrent::run or a QThreadPool: their hand-offs (the task object built on one thread
 * and destroyed on the other, the result stored in a QFutureInterface) are synchronised inside
 * libQt6Core, which Debian does not build with ThreadSanitizer, so TSan reports every one; the
 * only suppressions that silence those reports match every frame below them, the computation
 * included. Here every hand-off goes through a std::mutex that TSan sees, and the reply is
 * announced with a queued call that carries nothing, so TSan checks the work and its results.
 */
class WorkerThread : public QObject {
    Q_OBJECT

public:
    /** `name` names the thread for debuggers and `top` (at most 15 bytes are kept). */
    explicit WorkerThread(QString name, QObject* parent = nullptr);
    /** Waits for the work that is running; work not started and replies not delivered are
     *  dropped. */
    ~WorkerThread() override;

    WorkerThread(const WorkerThread&) = delete;
    WorkerThread& operator=(const WorkerThread&) = delete;

    /**
     * Runs `work` on the worker thread, then `reply` on this object's thread, unless this object
     * is destroyed first. `work` must not throw: one that does has its reply dropped, with a
     * warning (the runner turns every failure into a result).
     */
    void post(std::function<void()> work, std::function<void()> reply);

    /**
     * Blocks until no work is running or waiting; replies already due are not delivered by this
     * (they need the event loop). Lets a test put a finished computation's reply behind a newer
     * request without guessing at timings.
     */
    void waitUntilIdle();

    /** post() for work that returns a value: `reply` receives it. */
    template <class Work, class Reply> void run(Work work, Reply reply) {
        using Result = std::invoke_result_t<Work&>;
        auto result = std::make_shared<std::optional<Result>>();
        post([result, work = std::move(work)]() mutable { result->emplace(work()); },
             [result, reply = std::move(reply)]() mutable { reply(std::move(**result)); });
    }

private slots:
    void deliverReplies();

private:
    struct Task {
        std::function<void()> work;
        std::function<void()> reply;
    };
    void loop();

    const QString m_name;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<Task> m_tasks;                     ///< guarded by m_mutex
    std::vector<std::function<void()>> m_replies; ///< guarded by m_mutex
    bool m_stopping = false;                      ///< guarded by m_mutex
    bool m_working = false;                       ///< guarded by m_mutex: a work is running
    std::condition_variable m_idle;               ///< notified when the last work ends
    std::thread m_thread;                         ///< started by the first post()
};

} // namespace attnscope
