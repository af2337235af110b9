// WorkerThread: work runs on its own thread, replies come back in order on the owner's thread,
// a destroyed worker waits for the running work and drops the rest.

#include "ui/session/workerthread.h"

#include <QSemaphore>
#include <QSignalSpy>
#include <QThread>
#include <QtTest>
#include <atomic>
#include <thread>
#include <vector>

using namespace attnscope;

class TestWorkerThread : public QObject {
    Q_OBJECT

private slots:
    void workRunsElsewhereRepliesComeBackInOrder() {
        WorkerThread worker(QStringLiteral("test-worker"));
        const std::thread::id gui = std::this_thread::get_id();
        std::vector<int> replies;
        std::vector<bool> workOffGui;
        for (int i = 0; i < 20; ++i)
            worker.run(
                [i, gui] {
                    return std::pair{i, std::this_thread::get_id() != gui};
                },
                [&, gui](std::pair<int, bool> result) {
                    QCOMPARE(std::this_thread::get_id(), gui);
                    replies.push_back(result.first);
                    workOffGui.push_back(result.second);
                });
        QTRY_COMPARE(replies.size(), std::size_t{20});
        for (int i = 0; i < 20; ++i) {
            QCOMPARE(replies[std::size_t(i)], i);
            QVERIFY(workOffGui[std::size_t(i)]);
        }
    }

    void aReplyMayPostMoreWork() {
        WorkerThread worker(QStringLiteral("test-worker"));
        int last = 0;
        std::function<void(int)> next = [&](int value) {
            last = value;
            if (value < 5)
                worker.run([value] { return value + 1; }, next);
        };
        worker.run([] { return 1; }, next);
        QTRY_COMPARE(last, 5);
    }

    void waitUntilIdleReturnsWhenAllWorkHasRunRepliesStillDue() {
        WorkerThread worker(QStringLiteral("test-worker"));
        std::atomic<int> ran{0};
        int replied = 0;
        for (int i = 0; i < 10; ++i)
            worker.post([&] { ++ran; }, [&] { ++replied; });
        worker.waitUntilIdle();
        QCOMPARE(ran.load(), 10);
        QCOMPARE(replied, 0); // replies need the event loop
        QTRY_COMPARE(replied, 10);
        worker.waitUntilIdle(); // idle already: returns at once
    }

    void destructorWaitsForRunningWorkAndDropsTheRest() {
        QSemaphore started;
        QSemaphore mayFinish;
        std::atomic<bool> finished{false};
        std::atomic<int> laterRan{0};
        bool replied = false;
        std::thread releaser;
        {
            WorkerThread worker(QStringLiteral("test-worker"));
            worker.post(
                [&] {
                    started.release();
                    mayFinish.acquire();
                    finished = true;
                },
                [&] { replied = true; });
            for (int i = 0; i < 3; ++i)
                worker.post([&] { ++laterRan; }, [&] { replied = true; });
            started.acquire();
            // Let the running work end only after the destructor has begun waiting.
            releaser = std::thread([&] {
                std::this_thread::sleep_for(std::chrono::milliseconds(50));
                mayFinish.release();
            });
        }
        releaser.join();
        QVERIFY(finished); // the destructor waited for it
        QCOMPARE(laterRan.load(), 0);
        QCoreApplication::processEvents();
        QVERIFY(!replied); // no reply reaches a destroyed worker's owner
    }

    void workThatThrowsDropsOnlyItsReply() {
        WorkerThread worker(QStringLiteral("test-worker"));
        bool thrownReplied = false;
        bool nextReplied = false;
        QTest::ignoreMessage(QtWarningMsg,
                             QRegularExpression("work on thread test-worker threw \\(boom\\)"));
        worker.post([] { throw std::runtime_error("boom"); }, [&] { thrownReplied = true; });
        worker.post([] {}, [&] { nextReplied = true; });
        QTRY_VERIFY(nextReplied);
        QVERIFY(!thrownReplied);
    }
};

QTEST_MAIN(TestWorkerThread)
#include "test_workerthread.moc"
