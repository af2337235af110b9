// AttentionDocument with QSignalSpy: a stale result is never emitted; a pin that no longer fits
// the result (its tokens gone, or other tokens in their place) is cleared, one that fits stays;
// layer and head are clamped once, with one signal per real change; the link follows the pin.

#include "tests/common/tinybert.h"
#include "ui/document/attentiondocument.h"
#include "ui/session/attentionjobrunner.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace attnscope;

namespace {

RandomRequest randomRequest(int seq, int heads = 4, int embed = 16) {
    RandomRequest request;
    request.spec.seq = seq;
    request.spec.embed = embed;
    request.spec.heads = heads;
    return request;
}

/** Computes `request` and waits until the document shows it. */
bool show(AttentionDocument& document, const AttentionRequest& request) {
    QSignalSpy changed(&document, &AttentionDocument::resultChanged);
    const std::uint64_t generation = document.compute(request);
    return QTest::qWaitFor(
        [&] { return !changed.isEmpty() && document.outcome().generation == generation; }, 10000);
}

} // namespace

class TestDocument : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        const QString fixture = QFINDTESTDATA("../data/models/bert_mlm");
        // Two models whose vocabularies give different tokens for the same text.
        m_first = m_dir.filePath("first");
        m_second = m_dir.filePath("second");
        QVERIFY(testing::writeTinyBert(fixture, m_first, {"the", "cat", "sat"}).isEmpty());
        QVERIFY(testing::writeTinyBert(fixture, m_second, {"dog", "ran"}).isEmpty());
    }

    void aStaleResultIsNeverEmitted() {
        AttentionDocument document;
        QSignalSpy changed(&document, &AttentionDocument::resultChanged);
        // A request that has finished, its result due, then two more: only the newest may ever
        // be shown.
        document.compute(randomRequest(400, 8, 256));
        document.runner()->waitForComputation();
        document.compute(randomRequest(5));
        const std::uint64_t newest = document.compute(randomRequest(6));
        QTRY_VERIFY(!document.isBusy());
        QCOMPARE(changed.size(), 1);
        QCOMPARE(document.outcome().generation, newest);
        QCOMPARE(document.result()->seq(), 6);
    }

    void aPinThatNoLongerFitsIsCleared() {
        AttentionDocument document;
        QVERIFY(show(document, SentenceRequest{m_first, QStringLiteral("the cat sat")}));
        QCOMPARE(document.result()->tokens, (QStringList{"[CLS]", "the", "cat", "sat", "[SEP]"}));
        document.setPin(2, 1);
        QVERIFY(document.hasPin());
        QSignalSpy pin(&document, &AttentionDocument::pinChanged);
        // More text after the pinned tokens: they are still there, the pin stays.
        QVERIFY(show(document, SentenceRequest{m_first, QStringLiteral("the cat sat the")}));
        QCOMPARE(document.pinnedQuery(), 2);
        QCOMPARE(pin.size(), 0);
        // Another model: other tokens at those places ("[UNK]"), the pin goes.
        QVERIFY(show(document, SentenceRequest{m_second, QStringLiteral("the cat sat")}));
        QCOMPARE(document.result()->tokens.at(2), QStringLiteral("[UNK]"));
        QVERIFY(!document.hasPin());
        QCOMPARE(pin.size(), 1);
        QCOMPARE(pin.front().at(0).toInt(), -1);
        QCOMPARE(pin.front().at(1).toInt(), -1);
    }

    void aPinPastTheEndIsCleared() {
        AttentionDocument document;
        QVERIFY(show(document, randomRequest(8)));
        document.setPin(7, 3);
        QVERIFY(show(document, randomRequest(9))); // t7 is still t7
        QCOMPARE(document.pinnedQuery(), 7);
        QSignalSpy pin(&document, &AttentionDocument::pinChanged);
        QVERIFY(show(document, randomRequest(5))); // t7 is gone
        QVERIFY(!document.hasPin());
        QCOMPARE(pin.size(), 1);
        // out of range pins are refused (unpinned), without a signal when nothing changes
        document.setPin(9, 0);
        QVERIFY(!document.hasPin());
        QCOMPARE(pin.size(), 1);
    }

    void layerAndHeadAreClamped() {
        AttentionDocument document;
        QVERIFY(show(document, randomRequest(6, 4)));
        QSignalSpy selected(&document, &AttentionDocument::headSelected);
        document.selectHead(7, 99);
        QCOMPARE(document.layer(), 0); // random tensors are one layer
        QCOMPARE(document.head(), 3);
        QCOMPARE(selected.size(), 1);
        QCOMPARE(selected.front().at(1).toInt(), 3);
        document.selectHead(0, 3); // no change: no signal
        document.selectHead(-5, 3);
        QCOMPARE(selected.size(), 1);
        document.stepHead(-1);
        QCOMPARE(document.head(), 2);
        document.stepHead(10);
        QCOMPARE(document.head(), 3);
        // a result with fewer heads clamps the selection, and says so once
        selected.clear();
        QVERIFY(show(document, randomRequest(6, 2)));
        QCOMPARE(document.head(), 1);
        QCOMPARE(selected.size(), 1);
    }

    void headSelectedComesAfterTheResult() {
        // The views redraw the new result on resultChanged; the clamped selection's signal
        // follows it, so that no view is told of a head the result it shows lacks.
        AttentionDocument document;
        QVERIFY(show(document, randomRequest(6, 4)));
        document.selectHead(0, 3);
        QStringList order;
        connect(&document, &AttentionDocument::resultChanged, this,
                [&] { order << QStringLiteral("result %1").arg(document.result()->heads()); });
        connect(&document, &AttentionDocument::headSelected, this,
                [&](int, int head) { order << QStringLiteral("head %1").arg(head); });
        QVERIFY(show(document, randomRequest(6, 2)));
        QCOMPARE(order, (QStringList{"result 2", "head 1"}));
    }

    void theLinkFollowsThePin() {
        AttentionDocument document;
        QVERIFY(show(document, randomRequest(6)));
        QCOMPARE(document.linkQuery(), 0); // a link to rank from the first result on
        QSignalSpy link(&document, &AttentionDocument::linkChanged);
        document.setPin(3, 4);
        QCOMPARE(document.linkQuery(), 3);
        QCOMPARE(document.linkKey(), 4);
        QCOMPARE(link.size(), 1);
        document.setLink(1, 2); // chosen in the link finder: the pin stays
        QCOMPARE(document.pinnedQuery(), 3);
        QCOMPARE(document.linkQuery(), 1);
        document.clearPin(); // unpinning keeps the link
        QCOMPARE(document.linkQuery(), 1);
        document.setLink(10, 0); // refused
        QCOMPARE(document.linkQuery(), 1);
    }

    void figureOptionsSignalOnlyChanges() {
        AttentionDocument document;
        QSignalSpy options(&document, &AttentionDocument::figureOptionsChanged);
        FigureOptions changed;
        changed.colorMap = ColorMap::Magma;
        document.setFigureOptions(changed);
        document.setFigureOptions(changed);
        QCOMPARE(options.size(), 1);
        QCOMPARE(document.figureOptions().colorMap, ColorMap::Magma);
    }

    void failuresAndCancelsKeepTheResult() {
        AttentionDocument document;
        QVERIFY(show(document, randomRequest(6)));
        const auto shown = document.result();
        QSignalSpy failed(&document, &AttentionDocument::computeFailed);
        document.compute(SentenceRequest{m_dir.filePath("none"), QStringLiteral("x")});
        QTRY_COMPARE(failed.size(), 1);
        QVERIFY(failed.front().at(0).toString().contains("none"));
        QCOMPARE(document.result(), shown);
        QSignalSpy cancelled(&document, &AttentionDocument::computeCancelled);
        document.compute(randomRequest(7));
        document.cancel();
        QTRY_COMPARE(cancelled.size(), 1);
        QTRY_VERIFY(!document.isBusy());
        QCOMPARE(document.result(), shown);
    }

private:
    QTemporaryDir m_dir;
    QString m_first;
    QString m_second;
};

QTEST_MAIN(TestDocument)
#include "test_document.moc"
