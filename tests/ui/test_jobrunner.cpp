// AttentionJobRunner on its own, not through the window: results on the GUI thread with their
// generation, stale results dropped, cancellation that no timing can turn into a result,
// failures, and a destructor that waits for its own work only.

#include "core/session/computecache.h"
#include "ui/session/attentionjobrunner.h"

#include <QSemaphore>
#include <QSignalSpy>
#include <QThread>
#include <QThreadPool>
#include <QtTest>
#include <atomic>

using namespace attnscope;

namespace {

RandomRequest randomRequest(int seq, int embed = 16, int heads = 2) {
    RandomRequest request;
    request.spec.seq = seq;
    request.spec.embed = embed;
    request.spec.heads = heads;
    return request;
}

} // namespace

class TestJobRunner : public QObject {
    Q_OBJECT

private slots:
    void finishedCarriesItsGeneration() {
        AttentionJobRunner runner;
        QSignalSpy finished(&runner, &AttentionJobRunner::finished);
        QSignalSpy busy(&runner, &AttentionJobRunner::busyChanged);
        runner.setThreads(1);
        const std::uint64_t generation = runner.submit(randomRequest(7));
        QCOMPARE(generation, 1U);
        QVERIFY(runner.isBusy());
        QTRY_COMPARE(finished.size(), 1);
        const auto outcome = finished.front().at(0).value<AttentionOutcome>();
        QCOMPARE(outcome.generation, generation);
        QCOMPARE(outcome.set->seq(), 7);
        QCOMPARE(outcome.threads, 1);
        QTRY_VERIFY(!runner.isBusy());
        QCOMPARE(busy.size(), 2); // busy, then idle
        QCOMPARE(busy.at(0).at(0).toBool(), true);
        QCOMPARE(busy.at(1).at(0).toBool(), false);
        QCOMPARE(runner.latestGeneration(), generation);
    }

    void onlyTheNewestResultArrives() {
        AttentionJobRunner runner;
        QSignalSpy finished(&runner, &AttentionJobRunner::finished);
        QSignalSpy cancelled(&runner, &AttentionJobRunner::cancelled);
        // A finished request whose result is still on its way, then two more at once: the first
        // result is stale when it arrives, the second request waits and is replaced; only the
        // third's result is delivered.
        runner.submit(randomRequest(300, 256, 8));
        runner.waitForComputation();
        runner.submit(randomRequest(5));
        const std::uint64_t newest = runner.submit(randomRequest(6));
        QTRY_VERIFY(!runner.isBusy());
        QCOMPARE(finished.size(), 1);
        const auto outcome = finished.front().at(0).value<AttentionOutcome>();
        QCOMPARE(outcome.generation, newest);
        QCOMPARE(outcome.set->seq(), 6);
        QCOMPARE(cancelled.size(), 0); // stopping a stale request is not a user's cancel
    }

    void cancelEndsInCancelledWhateverTheTiming() {
        AttentionJobRunner runner;
        QSignalSpy finished(&runner, &AttentionJobRunner::finished);
        QSignalSpy failed(&runner, &AttentionJobRunner::failed);
        QSignalSpy cancelled(&runner, &AttentionJobRunner::cancelled);
        // A request that the engine has finished, its result on its way, before cancel() is
        // called: it must still end cancelled, never delivered.
        const std::uint64_t generation = runner.submit(randomRequest(3));
        runner.waitForComputation();
        runner.cancel();
        QTRY_COMPARE(cancelled.size(), 1);
        QTRY_VERIFY(!runner.isBusy());
        QCOMPARE(cancelled.front().at(0).value<std::uint64_t>(), generation);
        QCOMPARE(finished.size(), 0);
        QCOMPARE(failed.size(), 0);
        // and a large one, cancelled at once: stopped inside the engine or before it starts
        runner.submit(randomRequest(2000, 512, 8));
        runner.cancel();
        QTRY_COMPARE(cancelled.size(), 2);
        QCOMPARE(finished.size(), 0);
        // after a cancel the next request runs normally
        const std::uint64_t next = runner.submit(randomRequest(4));
        QTRY_COMPARE(finished.size(), 1);
        QCOMPARE(finished.front().at(0).value<AttentionOutcome>().generation, next);
    }

    void failureNamesWhatIsWrong() {
        AttentionJobRunner runner;
        QSignalSpy failed(&runner, &AttentionJobRunner::failed);
        QSignalSpy finished(&runner, &AttentionJobRunner::finished);
        const std::uint64_t generation =
            runner.submit(SentenceRequest{QStringLiteral("/nonexistent/model"), "x"});
        QTRY_COMPARE(failed.size(), 1);
        QCOMPARE(failed.front().at(0).value<std::uint64_t>(), generation);
        QVERIFY2(failed.front().at(1).toString().contains("/nonexistent/model"),
                 qPrintable(failed.front().at(1).toString()));
        QCOMPARE(finished.size(), 0);
    }

    void resultsArriveOnTheRunnersThread() {
        AttentionJobRunner runner;
        QThread* delivered = nullptr;
        connect(&runner, &AttentionJobRunner::finished, this,
                [&] { delivered = QThread::currentThread(); });
        runner.submit(randomRequest(4));
        QTRY_VERIFY(delivered != nullptr);
        QCOMPARE(delivered, QThread::currentThread());
    }

    void cacheIsReusedAcrossRequests() {
        AttentionJobRunner runner;
        QSignalSpy finished(&runner, &AttentionJobRunner::finished);
        runner.submit(randomRequest(8, 32, 4));
        QTRY_COMPARE(finished.size(), 1);
        const RandomSpec spec = randomRequest(8, 32, 4).spec;
        const auto module = runner.cache().randomModule(spec, 0);
        runner.submit(randomRequest(9, 32, 4)); // another length: the same weights
        QTRY_COMPARE(finished.size(), 2);
        QCOMPARE(runner.cache().randomModule(spec, 0).get(), module.get());
    }

    void destructorWaitsForItsOwnWorkOnly() {
        // Occupy every thread of Qt's global pool with work that waits for this test: a runner
        // that waited for the whole global pool (as it once did) would never return here.
        QSemaphore release;
        std::atomic<int> started{0};
        const int globalThreads = QThreadPool::globalInstance()->maxThreadCount();
        QThreadPool* global = QThreadPool::globalInstance();
        for (int i = 0; i < globalThreads; ++i)
            global->start([&] {
                ++started;
                release.acquire();
            });
        QTRY_COMPARE(started.load(), globalThreads);
        std::atomic<bool> released{false};
        // A safety valve so that a regression fails instead of hanging the suite.
        QSemaphore done;
        QThread* valve = QThread::create([&] {
            if (!done.tryAcquire(1, 20000)) {
                released = true;
                release.release(globalThreads);
            }
        });
        valve->start();
        {
            AttentionJobRunner runner;
            runner.submit(randomRequest(500, 128, 4));
        } // cancels and waits for its computation, on its own pool
        const bool returnedFirst = !released;
        done.release();
        valve->wait();
        delete valve;
        release.release(globalThreads);
        global->waitForDone();
        QVERIFY2(returnedFirst, "the runner's destructor waited for Qt's global thread pool");
    }
};

QTEST_MAIN(TestJobRunner)
#include "test_jobrunner.moc"
