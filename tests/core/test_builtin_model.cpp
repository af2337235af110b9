// The shipped built-in model: it loads with no download, and its best head links pronouns to
// their antecedents on the held-out files (sentences from templates and word combinations not
// seen in training) in English and Chinese, far above the uniform baseline.

#include "core/analysis/corefeval.h"
#include "core/models/textmodel.h"

#include <QDir>
#include <QtTest>
#include <map>
#include <optional>

using namespace attnscope;

namespace {

CorefReport evaluate(const TextModel& model, const std::string& path) {
    // Hundreds of short sentences: one thread each is faster than starting workers per layer.
    ComputeOptions oneThread;
    oneThread.threads = 1;
    CorefEvaluator evaluator;
    for (const CorefSentence& sentence : readCorefJsonl(path)) {
        const TextAttention result = model.run(sentence.text, oneThread);
        evaluator.add(result.encoding, result.output.attentions, sentence.links,
                      path + ":" + std::to_string(sentence.line));
    }
    return evaluator.report();
}

} // namespace

class TestBuiltinModel : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void bestHeadResolvesHeldOutPronouns_data();
    void bestHeadResolvesHeldOutPronouns();
    void articleSentenceLinksTheFruits();
    void unknownWordsAreVisible();

private:
    std::string heldOutPath(const char* file) const {
        return QDir(QString::fromStdString(m_folder)).filePath(file).toStdString();
    }

    std::string m_folder;
    std::optional<TextModel> m_model;
    std::map<QString, CorefReport> m_reports; ///< by held-out file, evaluated once
};

void TestBuiltinModel::initTestCase() {
    m_folder = builtinModelFolder({});
    m_model.emplace(TextModel::load(m_folder));
    for (const char* file : {"eval/heldout_en.jsonl", "eval/heldout_zh.jsonl",
                             "eval/handwritten_en.jsonl", "eval/handwritten_zh.jsonl"})
        m_reports[file] = evaluate(*m_model, heldOutPath(file));
}

void TestBuiltinModel::bestHeadResolvesHeldOutPronouns_data() {
    QTest::addColumn<QString>("file");
    QTest::addColumn<int>("minimumLinks");
    QTest::newRow("heldout_en") << "eval/heldout_en.jsonl" << 200;
    QTest::newRow("heldout_zh") << "eval/heldout_zh.jsonl" << 200;
    // sentences written by hand from the vocabulary, not from the generator's templates
    QTest::newRow("handwritten_en") << "eval/handwritten_en.jsonl" << 40;
    QTest::newRow("handwritten_zh") << "eval/handwritten_zh.jsonl" << 40;
}

void TestBuiltinModel::bestHeadResolvesHeldOutPronouns() {
    QFETCH(QString, file);
    QFETCH(int, minimumLinks);
    const CorefReport& report = m_reports.at(file);
    QVERIFY2(report.links >= minimumLinks, qPrintable(QString::number(report.links)));
    QVERIFY(report.skipped.empty());
    const std::optional<HeadScore> best = report.best();
    QVERIFY(best.has_value());
    const QString summary = QString::fromStdString(formatCorefReport(report));
    QVERIFY2(best->accuracy >= 0.90, qPrintable(summary));
    QVERIFY2(best->accuracy >= report.baseline + 0.5, qPrintable(summary));
}

void TestBuiltinModel::articleSentenceLinksTheFruits() {
    // The sentence of the article this project grew from; 「它们」 refers to 「苹果、香蕉和橙子」.
    const QString text = QStringLiteral("我昨天去了超市，买了苹果、香蕉和橙子，它们都很新鲜");
    const int pronoun = text.indexOf(QStringLiteral("它们"));
    const int antecedent = text.indexOf(QStringLiteral("苹果"));
    const int antecedentEnd = text.indexOf(QStringLiteral("橙子")) + 2;
    // The best head is chosen on the held-out Chinese file, not on this sentence.
    const std::optional<HeadScore> best = m_reports.at("eval/heldout_zh.jsonl").best();
    QVERIFY(best.has_value());

    CorefEvaluator evaluator;
    const TextAttention result = m_model->run(text.toStdString());
    // All characters of the sentence are in the vocabulary.
    for (const std::string& token : result.encoding.tokens)
        QVERIFY2(token != "[UNK]",
                 "a character of the article's sentence is not in the vocabulary");
    evaluator.add(result.encoding, result.output.attentions,
                  {{{pronoun, pronoun + 2}, {antecedent, antecedentEnd}}});
    QCOMPARE(evaluator.report().links, 1);
    QVERIFY2(evaluator.report().accuracy(best->layer, best->head) == 1.0,
             qPrintable(QString::fromStdString(formatCorefReport(evaluator.report()))));
}

void TestBuiltinModel::unknownWordsAreVisible() {
    const Encoding encoding = m_model->encode("The girl saw a xylophonist.");
    QVERIFY(std::find(encoding.tokens.begin(), encoding.tokens.end(), "[UNK]") !=
            encoding.tokens.end());
    QCOMPARE(encoding.tokens.front(), std::string("[CLS]"));
}

QTEST_APPLESS_MAIN(TestBuiltinModel)
#include "test_builtin_model.moc"
