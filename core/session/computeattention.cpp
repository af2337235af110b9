#include "core/session/computeattention.h"

#include "core/attention/multiheadattention.h"
#include "core/base/error.h"
#include "core/io/importedattention.h"
#include "core/models/textmodel.h"
#include "core/session/computecache.h"

#include <QDir>
#include <QFileInfo>
#include <chrono>

namespace attnscope {

namespace {

QStringList toQStringList(const std::vector<std::string>& lines) {
    QStringList out;
    for (const std::string& line : lines)
        out << QString::fromStdString(line);
    return out;
}

/** The folder's own name, also for "model/" and "." (fileName() of those is empty). */
QString folderName(const QString& folder) {
    const QFileInfo info(folder);
    QString name = QFileInfo(info.canonicalFilePath()).fileName();
    if (name.isEmpty())
        name = QFileInfo(QDir::cleanPath(info.absoluteFilePath())).fileName();
    return name.isEmpty() ? folder : name;
}

std::shared_ptr<AttentionSet> computeSentence(const SentenceRequest& request,
                                              const ComputeOptions& options, ComputeCache& cache,
                                              AttentionOutcome& outcome) {
    if (request.text.trimmed().isEmpty())
        throw Error("the text is empty: type a sentence");
    const std::shared_ptr<const TextModel> model = cache.model(request.modelFolder);
    TextAttention run = model->run(request.text.toStdString(), options);
    auto set = std::make_shared<AttentionSet>();
    set->kind = SourceKind::Model;
    set->attentions = std::move(run.output.attentions);
    for (const std::string& display : run.encoding.display)
        set->tokens << QString::fromStdString(display);
    set->special = run.encoding.special;
    set->offsets = run.encoding.offsets;
    set->encoding = std::move(run.encoding);
    set->source = folderName(request.modelFolder);
    set->text = request.text;
    outcome.warnings = toQStringList(run.warnings);
    const ModelConfig& config = model->model().config();
    outcome.model = ModelSummary{QString::fromStdString(config.modelType), int(config.numLayers),
                                 int(config.numHeads), int(config.hiddenSize)};
    return set;
}

std::shared_ptr<AttentionSet> computeRandom(const RandomRequest& request,
                                            const ComputeOptions& options, ComputeCache& cache) {
    if (request.spec.batch != 1)
        throw Error("random request: batch must be 1, got " + std::to_string(request.spec.batch));
    const std::shared_ptr<const MultiHeadAttention> module =
        cache.randomModule(request.spec, options.memoryBudgetBytes);
    // The same weights as module->forward(makeRandomInput(spec)), bit for bit: from the cached
    // projections (a slider step projects no row twice), weights only (the mode shows no output).
    const ComputeCache::Projections projections = cache.randomProjections(request.spec, options);
    MultiHeadMasks masks;
    masks.causal = request.causal;
    AttentionParams params;
    params.temperature = float(request.temperature);
    params.needWeights = true;
    params.needOutput = false;
    AttentionResult result = module->forwardProjected(projections.query, projections.key, nullptr,
                                                      masks, params, options);
    auto set = std::make_shared<AttentionSet>();
    set->kind = SourceKind::Random;
    // The weights are [B = 1, H, S, S]: exactly one layer of [L, H, S, S].
    set->attentions = std::move(result.weights);
    const auto seq = int(request.spec.seq);
    set->tokens.reserve(seq);
    for (int i = 0; i < seq; ++i)
        set->tokens << QStringLiteral("t%1").arg(i);
    set->special.assign(std::size_t(seq), false);
    set->source = QStringLiteral("random");
    set->text = describeRandomRequest(request);
    return set;
}

std::shared_ptr<AttentionSet> computeImport(const ImportRequest& request,
                                            AttentionOutcome& outcome) {
    if (request.attentionPath.isEmpty())
        throw Error("no attention file chosen: pick a .npy or .safetensors file");
    ImportedAttention imported = ImportedAttention::read(request.attentionPath.toStdString(),
                                                         request.tokensPath.toStdString());
    auto set = std::make_shared<AttentionSet>();
    set->kind = SourceKind::Imported;
    set->attentions = std::move(imported.attentions);
    for (const std::string& token : imported.tokens)
        set->tokens << QString::fromStdString(token);
    set->special.assign(imported.tokens.size(), false);
    set->source = QFileInfo(request.attentionPath).fileName();
    outcome.warnings = toQStringList(imported.warnings);
    return set;
}

} // namespace

QString describeRandomRequest(const RandomRequest& request) {
    QString text = QStringLiteral("seq %1, embed %2, heads %3, seed %4, %5")
                       .arg(request.spec.seq)
                       .arg(request.spec.embed)
                       .arg(request.spec.heads)
                       .arg(request.spec.seed)
                       .arg(QString::fromStdString(distributionName(request.spec.distribution)));
    if (request.causal)
        text += QStringLiteral(", causal");
    if (request.temperature != 1.0)
        text += QStringLiteral(", temperature %1").arg(request.temperature);
    return text;
}

AttentionOutcome computeAttention(const AttentionRequest& request, const ComputeOptions& options,
                                  ComputeCache& cache) {
    AttentionOutcome outcome;
    outcome.threads = resolveThreadCount(options.threads);
    const auto start = std::chrono::steady_clock::now();
    std::shared_ptr<AttentionSet> set;
    if (const auto* sentence = std::get_if<SentenceRequest>(&request)) {
        set = computeSentence(*sentence, options, cache, outcome);
    } else if (const auto* random = std::get_if<RandomRequest>(&request)) {
        set = computeRandom(*random, options, cache);
    } else {
        set = computeImport(std::get<ImportRequest>(request), outcome);
        outcome.threads = 1; // reading a file
    }
    set->validate();
    outcome.computeMilliseconds =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    outcome.set = std::move(set);
    return outcome;
}

} // namespace attnscope
