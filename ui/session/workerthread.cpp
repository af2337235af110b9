#include "ui/session/workerthread.h"

#include <QMetaObject>
#include <QThread>
#include <QtGlobal>
#include <exception>
#include <pthread.h>

namespace attnscope {

WorkerThread::WorkerThread(QString name, QObject* parent)
    : QObject(parent)
    , m_name(std::move(name)) {}

WorkerThread::~WorkerThread() {
    {
        const std::lock_guard lock(m_mutex);
        m_stopping = true;
        m_tasks.clear();
    }
    m_wake.notify_all();
    if (m_thread.joinable())
        m_thread.join();
    // Replies still queued are dropped with m_replies; Qt discards the posted deliverReplies
    // calls together with this object.
}

void WorkerThread::post(std::function<void()> work, std::function<void()> reply) {
    Q_ASSERT(QThread::currentThread() == thread());
    {
        const std::lock_guard lock(m_mutex);
        m_tasks.push_back({std::move(work), std::move(reply)});
    }
    m_wake.notify_one();
    if (!m_thread.joinable()) {
        m_thread = std::thread([this] { loop(); });
        // Linux keeps 15 bytes of a thread's name.
        const QByteArray name = m_name.toUtf8().left(15);
        pthread_setname_np(m_thread.native_handle(), name.constData());
    }
}

void WorkerThread::loop() {
    for (;;) {
        Task task;
        {
            std::unique_lock lock(m_mutex);
            m_wake.wait(lock, [this] { return m_stopping || !m_tasks.empty(); });
            if (m_stopping)
                return;
            task = std::move(m_tasks.front());
            m_tasks.pop_front();
            m_working = true;
        }
        bool done = false;
        try {
            task.work();
            done = true;
        } catch (const std::exception& error) {
            qWarning("attnscope: work on thread %s threw (%s); its reply is dropped",
                     qPrintable(m_name), error.what());
        } catch (...) {
            qWarning("attnscope: work on thread %s threw; its reply is dropped",
                     qPrintable(m_name));
        }
        task.work = nullptr; // its captures are released here, on the thread that used them
        {
            const std::lock_guard lock(m_mutex);
            m_working = false;
            if (m_tasks.empty())
                m_idle.notify_all();
            if (m_stopping)
                return;
            if (!done)
                continue;
            m_replies.push_back(std::move(task.reply));
        }
        // A queued call with no arguments: Qt allocates the event itself, nothing of ours
        // crosses threads outside the mutex.
        QMetaObject::invokeMethod(this, "deliverReplies", Qt::QueuedConnection);
    }
}

void WorkerThread::waitUntilIdle() {
    std::unique_lock lock(m_mutex);
    m_idle.wait(lock, [this] { return !m_working && m_tasks.empty(); });
}

void WorkerThread::deliverReplies() {
    std::vector<std::function<void()>> replies;
    {
        const std::lock_guard lock(m_mutex);
        replies.swap(m_replies);
    }
    for (std::function<void()>& reply : replies)
        reply();
}

} // namespace attnscope
