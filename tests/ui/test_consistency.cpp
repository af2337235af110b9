// The window, `attnscope-cli render` and `attnscope-cli attention` (and `random`) give identical
// numbers for the same request: all of them go through computeAttention. The window is driven as
// a user drives it (panels, spin boxes, typing); the CLI is the real binary.

#include "core/formats/npy.h"
#include "tests/common/tinybert.h"
#include "ui/document/attentiondocument.h"
#include "ui/panels/randompanel.h"
#include "ui/panels/sentencepanel.h"
#include "ui/window/mainwindow.h"

#include <QCheckBox>
#include <QPlainTextEdit>
#include <QProcess>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>
#include <cstring>

using namespace attnscope;

namespace {

/** Runs attnscope-cli; an empty string when it succeeded, else what it printed. */
QString runCli(const QStringList& arguments) {
    QProcess process;
    process.start(QStringLiteral(ATTNSCOPE_CLI_PATH), arguments);
    if (!process.waitForFinished(60000))
        return QStringLiteral("attnscope-cli did not finish");
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0)
        return QString::fromUtf8(process.readAllStandardError());
    return {};
}

bool bitwiseEqual(const Tensor& a, const Tensor& b) {
    return a.shape() == b.shape() &&
           std::memcmp(a.data(), b.data(), std::size_t(a.numel()) * sizeof(float)) == 0;
}

Tensor readNpy(const QString& path) {
    return npy::readFloat(path.toStdString(), path.toStdString());
}

} // namespace

class TestConsistency : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("attnscope-tests"));
        QCoreApplication::setApplicationName(QStringLiteral("test_consistency"));
        QSettings().clear();
        QVERIFY(m_dir.isValid());
        m_model = m_dir.filePath("bert");
        QVERIFY(testing::writeTinyBert(QFINDTESTDATA("../data/models/bert_mlm"), m_model,
                                       {"the", "girl", "told", "boy", "she", "won"})
                    .isEmpty());
    }

    void sentenceNumbersAreTheSameEverywhere() {
        const QString text = QStringLiteral("the girl told the boy she won");
        MainWindow window{QString()};
        window.show();
        window.setMode(MainWindow::SentenceMode);
        window.sentencePanel()->setModelFolder(m_model);
        auto* edit = window.findChild<QPlainTextEdit*>(QStringLiteral("sentenceEdit"));
        edit->clear();
        QTest::keyClicks(edit, text);
        QTRY_VERIFY_WITH_TIMEOUT(window.document()->result() &&
                                     window.document()->result()->text == text &&
                                     !window.document()->isBusy(),
                                 10000);
        const Tensor& gui = window.document()->result()->attentions;

        const QString attention = m_dir.filePath("attention.npy");
        QString problem = runCli({"attention", "--model", m_model, "--text", text, "--out",
                                  attention, "--threads", "1"});
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        const QString rendered = m_dir.filePath("rendered.npy");
        problem = runCli({"render", "--model", m_model, "--text", text, "--out",
                          m_dir.filePath("figure.png"), "--weights-out", rendered});
        QVERIFY2(problem.isEmpty(), qPrintable(problem));

        QVERIFY(gui.numel() > 0);
        QVERIFY2(bitwiseEqual(readNpy(attention), gui), "attention != the window");
        QVERIFY2(bitwiseEqual(readNpy(rendered), gui), "render != the window");
    }

    void randomNumbersAreTheSameEverywhere() {
        MainWindow window{QString()};
        window.show();
        window.setMode(MainWindow::RandomMode);
        RandomPanel* panel = window.randomPanel();
        panel->seqBox()->setValue(11);
        panel->embedBox()->setValue(48);
        panel->headsBox()->setValue(6);
        panel->seedBox()->setValue(42);
        window.findChild<QCheckBox*>(QStringLiteral("causalBox"))->setChecked(true);
        QTRY_VERIFY(window.document()->result() && window.document()->result()->seq() == 11 &&
                    window.document()->result()->heads() == 6 && !window.document()->isBusy() &&
                    window.document()->result()->text.contains("causal"));
        const Tensor& gui = window.document()->result()->attentions;

        const QStringList problem = {"--seq", "11",     "--embed", "48",      "--heads",
                                     "6",     "--seed", "42",      "--causal"};
        const QString random = m_dir.filePath("random.npy");
        QString failure = runCli(QStringList{"random"} + problem +
                                 QStringList{"--weights-out", random, "--threads", "1"});
        QVERIFY2(failure.isEmpty(), qPrintable(failure));
        const QString rendered = m_dir.filePath("random-rendered.npy");
        failure =
            runCli(QStringList{"render", "--random"} + problem +
                   QStringList{"--out", m_dir.filePath("random.svg"), "--weights-out", rendered});
        QVERIFY2(failure.isEmpty(), qPrintable(failure));
        QVERIFY2(bitwiseEqual(readNpy(random), gui), "random != the window");
        QVERIFY2(bitwiseEqual(readNpy(rendered), gui), "render != the window");
    }

private:
    QTemporaryDir m_dir;
    QString m_model;
};

QTEST_MAIN(TestConsistency)
#include "test_consistency.moc"
