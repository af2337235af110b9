// attnscope-cli's model subcommands (tokenize, attention, coref-eval) driven through QProcess on a
// tiny BERT fixture given a vocabulary, compared with the library they call.

#include "clirunner.h"
#include "core/analysis/corefeval.h"
#include "core/formats/npy.h"
#include "core/models/textmodel.h"
#include "tests/common/tinybert.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

using namespace attnscope;

namespace {

void writeText(const QString& path, const QByteArray& text) {
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(text);
}

} // namespace

class TestCliModels : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void tokenizePrintsIdsTokensOffsets();
    void attentionMatchesLibrary();
    void attentionTruncatesWithWarning();
    void corefEvalPrintsTableBestHeadAndBaseline();
    void badInput_data();
    void badInput();

private:
    QTemporaryDir m_dir;
    QString m_model;
};

void TestCliModels::initTestCase() {
    // The 64-token BERT fixture (tests/data/models) with a vocabulary: 5 special tokens and 59
    // words "w5" ... "w63", so that a text maps to known ids.
    m_model = m_dir.filePath("bert");
    const QString problem =
        testing::writeTinyBert(QFINDTESTDATA("../data/models/bert_mlm"), m_model);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
}

void TestCliModels::tokenizePrintsIdsTokensOffsets() {
    const CliRun run = runCli({"tokenize", "--model", m_model, "--text", "w5 W6 zebra"});
    QVERIFY2(run.finished && run.exitCode == 0, qPrintable(describe(run)));
    QCOMPARE(run.out,
             QByteArray(R"({"ids":[2,5,6,1,3],"tokens":["[CLS]","w5","w6","[UNK]","[SEP]"],)"
                        R"("offsets":[[0,0],[0,2],[3,5],[6,11],[0,0]]})"
                        "\n"));
}

void TestCliModels::attentionMatchesLibrary() {
    const QString out = m_dir.filePath("a.npy"), tokens = m_dir.filePath("t.json");
    const QString text = "w7 w8 w9 w10 w11";
    const CliRun run = runCli({"attention", "--model", m_model, "--text", text, "--out", out,
                               "--tokens-out", tokens, "--threads", "1"});
    QVERIFY2(run.finished && run.exitCode == 0 && run.err.isEmpty(), qPrintable(describe(run)));
    const Tensor written = npy::readFloat(out.toStdString(), "A");
    const TextAttention expected = TextModel::load(m_model.toStdString()).run(text.toStdString());
    QCOMPARE(written.shape(), (Shape{3, 4, 7, 7}));
    QVERIFY(written == expected.output.attentions);
    QFile tokensFile(tokens);
    QVERIFY(tokensFile.open(QIODevice::ReadOnly));
    const QJsonObject json = QJsonDocument::fromJson(tokensFile.readAll()).object();
    QCOMPARE(json["tokens"].toArray().size(), 7);
    QCOMPARE(json["tokens"].toArray().first().toString(), QString("[CLS]"));
    QCOMPARE(json["ids"].toArray().at(1).toInt(), 7);
}

void TestCliModels::attentionTruncatesWithWarning() {
    // 30 words + [CLS] + [SEP] against max_position_embeddings 24.
    QStringList words;
    for (int i = 0; i < 30; ++i)
        words << QString("w%1").arg(10 + i);
    const QString out = m_dir.filePath("long.npy");
    const CliRun run =
        runCli({"attention", "--model", m_model, "--text", words.join(' '), "--out", out});
    QVERIFY2(run.finished && run.exitCode == 0, qPrintable(describe(run)));
    QVERIFY2(run.err.contains("warning") && run.err.contains("32 tokens") &&
                 run.err.contains("at most 24"),
             run.err.constData());
    QCOMPARE(npy::readFloat(out.toStdString(), "A").shape(), (Shape{3, 4, 24, 24}));
}

void TestCliModels::corefEvalPrintsTableBestHeadAndBaseline() {
    const QString data = m_dir.filePath("links.jsonl");
    writeText(data,
              R"({"text": "w5 w6 w7 w8", "links": [{"pronoun": [9, 11], "antecedent": [0, 2]}]}
{"text": "w9 w10 w11", "links": [{"pronoun": [7, 10], "antecedent": [3, 6]}]}
)");
    const CliRun run = runCli({"coref-eval", "--model", m_model, "--data", data});
    QVERIFY2(run.finished && run.exitCode == 0, qPrintable(describe(run)));
    // The same numbers as the library's evaluator.
    const TextModel model = TextModel::load(m_model.toStdString());
    CorefEvaluator evaluator;
    for (const CorefSentence& sentence : readCorefJsonl(data.toStdString())) {
        const TextAttention result = model.run(sentence.text);
        evaluator.add(result.encoding, result.output.attentions, sentence.links);
    }
    QCOMPARE(QString::fromUtf8(run.out),
             QString::fromStdString(formatCorefReport(evaluator.report())));
    QVERIFY(run.out.contains("best head: layer"));
    QVERIFY(run.out.contains("uniform baseline"));
}

void TestCliModels::badInput_data() {
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("keyword");
    QTest::newRow("missing_model_folder")
        << QStringList{"tokenize", "--model", "/nonexistent/model", "--text", "x"}
        << "/nonexistent/model";
    QTest::newRow("attention_missing_out")
        << QStringList{"attention", "--model", "{model}", "--text", "w5"} << "--out";
    QTest::newRow("attention_empty_text")
        << QStringList{"attention", "--model", "{model}", "--text", "", "--out", "{dir}/x.npy"}
        << "";
    QTest::newRow("coref_missing_data")
        << QStringList{"coref-eval", "--model", "{model}", "--data", "{dir}/none.jsonl"}
        << "none.jsonl";
    QTest::newRow("coref_bad_line")
        << QStringList{"coref-eval", "--model", "{model}", "--data", "{dir}/bad.jsonl"}
        << "bad.jsonl:2";
    QTest::newRow("model_without_config")
        << QStringList{"attention", "--model", "{dir}", "--text", "w5", "--out", "{dir}/y.npy"}
        << "config.json";
}

void TestCliModels::badInput() {
    QFETCH(QStringList, arguments);
    QFETCH(QString, keyword);
    writeText(m_dir.filePath("bad.jsonl"),
              "{\"text\": \"w5 w6\", \"links\": []}\n{\"text\": \"w5\", \"links\": [{\"pronoun\": "
              "[0, 9], \"antecedent\": [0, 1]}]}\n");
    for (QString& argument : arguments)
        argument.replace("{model}", m_model).replace("{dir}", m_dir.path());
    const CliRun run = runCli(arguments);
    QVERIFY2(run.finished && run.exitStatus == QProcess::NormalExit && run.exitCode == 2,
             qPrintable(describe(run)));
    QVERIFY2(run.err.count('\n') == 1 && run.err.contains(": error: "), qPrintable(describe(run)));
    QVERIFY2(QString::fromUtf8(run.err).contains(keyword), qPrintable(describe(run)));
    QVERIFY(!QFile::exists(m_dir.filePath("x.npy")) && !QFile::exists(m_dir.filePath("y.npy")));
}

QTEST_GUILESS_MAIN(TestCliModels)
#include "test_cli_models.moc"
