#include "ui/session/attentionjobrunner.h"

#include "core/attention/multiheadattention.h"
#include "core/attention/threading.h"
#include "core/base/error.h"
#include "core/io/importedattention.h"
#include "core/models/textmodel.h"

#include <QFileInfo>
#include <QFutureWatcher>
#include <QThread>
#include <QtConcurrent/QtConcurrentRun>
#include <chrono>
#include <exception>

namespace attnscope {

namespace {

/** What a worker hands back: an outcome, or the one-line reason it has none. */
struct JobResult {
    AttentionOutcome outcome;
    QString error;
    bool cancelled = false;
};

QStringList toQStringList(const std::vector<std::string>& lines) {
    QStringList out;
    for (const auto& line : lines) {
        out << QString::fromStdString(line);
    }
    return out;
}

std::shared_ptr<AttentionSet> computeSentence(const SentenceRequest& request,
                                              const ComputeOptions& options, ComputeCache& cache,
                                              AttentionOutcome& outcome) {
    if (request.text.trimmed().isEmpty()) {
        throw Error("the text is empty: type a sentence");
    }
    const auto model = cache.model(request.modelFolder);
    TextAttention run = model->run(request.text.toStdString(), options);
    auto set = std::make_shared<AttentionSet>();
    set->attentions = std::move(run.output.attentions);
    for (const auto& display : run.encoding.display) {
        set->tokens << QString::fromStdString(display);
    }
    set->special = run.encoding.special;
    set->offsets = run.encoding.offsets;
    set->source = QFileInfo(request.modelFolder).fileName();
    set->text = request.text;
    outcome.warnings = toQStringList(run.warnings);
    const auto& config = model->model().config();
    outcome.modelDescription = AttentionJobRunner::tr("%1 · %2 layers × %3 heads · hidden %4")
                                   .arg(QString::fromStdString(config.modelType))
                                   .arg(config.numLayers)
                                   .arg(config.numHeads)
                                   .arg(config.hiddenSize);
    return set;
}

std::shared_ptr<AttentionSet> computeRandom(const RandomRequest& request,
                                            const ComputeOptions& options, ComputeCache& cache) {
    const Tensor input = makeRandomInput(request.spec, options.memoryBudgetBytes);
    const std::shared_ptr<const MultiHeadAttention> module =
        cache.randomModule(request.spec, options.memoryBudgetBytes);
    const MultiHeadAttention& attention = *module;
    MultiHeadMasks masks;
    masks.causal = request.causal;
    AttentionParams params;
    params.temperature = float(request.temperature);
    AttentionResult result = attention.forward(input, nullptr, nullptr, masks, params, options);
    // weights are [B, H, S, S]; the app uses batch 1, which is exactly one "layer" [1, H, S, S].
    auto set = std::make_shared<AttentionSet>();
    set->attentions = std::move(result.weights);
    const auto seq = int(request.spec.seq);
    set->tokens.reserve(seq);
    for (int i = 0; i < seq; ++i) {
        set->tokens << QStringLiteral("t%1").arg(i);
    }
    set->special.assign(std::size_t(seq), false);
    set->source = AttentionJobRunner::tr("random");
    return set;
}

std::shared_ptr<AttentionSet> computeImport(const ImportRequest& request,
                                            AttentionOutcome& outcome) {
    if (request.attentionPath.isEmpty()) {
        throw Error("no attention file chosen: pick a .npy or .safetensors file");
    }
    ImportedAttention imported = ImportedAttention::read(request.attentionPath.toStdString(),
                                                         request.tokensPath.toStdString());
    auto set = std::make_shared<AttentionSet>();
    set->attentions = std::move(imported.attentions);
    for (const auto& token : imported.tokens) {
        set->tokens << QString::fromStdString(token);
    }
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
    if (request.causal) {
        text += QStringLiteral(", causal");
    }
    if (request.temperature != 1.0) {
        text += QStringLiteral(", temperature %1").arg(request.temperature);
    }
    return text;
}

AttentionJobRunner::AttentionJobRunner(QObject* parent)
    : QObject(parent) {
    qRegisterMetaType<AttentionOutcome>();
}

AttentionJobRunner::~AttentionJobRunner() {
    // The worker holds copies of what it uses (the cache through a shared pointer), so nothing
    // dangles; still, no computation should outlive the window: cancel it, then wait (briefly).
    m_cancel.cancel();
    m_waiting.reset();
    QThreadPool::globalInstance()->waitForDone();
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
    m_waiting.reset();
    if (m_running) {
        m_userCancelled = true;
        m_cancel.cancel();
    }
}

std::shared_ptr<const TextModel> ComputeCache::model(const QString& folder) {
    // Loading under the lock: two requests for the same folder must not both load it. A load
    // takes seconds at most for the models attnscope runs, and only the worker calls this.
    std::lock_guard lock(m_mutex);
    const QString key = QFileInfo(folder).absoluteFilePath();
    if (auto found = m_models.find(key); found != m_models.end()) {
        return found->second;
    }
    auto loaded = std::make_shared<const TextModel>(TextModel::load(key.toStdString()));
    m_models[key] = loaded;
    return loaded;
}

std::shared_ptr<const MultiHeadAttention>
ComputeCache::randomModule(const RandomSpec& spec, std::uint64_t memoryBudgetBytes) {
    std::lock_guard lock(m_mutex);
    const RandomKey key{spec.embed, spec.heads, spec.seed, spec.distribution};
    if (m_randomModule && key == m_randomKey) {
        return m_randomModule;
    }
    MultiHeadAttentionWeights weights;
    if (m_randomModule && key.embed == m_randomKey.embed && key.seed == m_randomKey.seed &&
        key.distribution == m_randomKey.distribution) {
        weights = m_randomModule->weights(); // only the head count changed: same tensors
        weights.numHeads = spec.heads;
    } else {
        m_randomModule.reset(); // free the old weights before drawing new ones
        weights = makeRandomWeights(spec, memoryBudgetBytes);
    }
    m_randomModule = std::make_shared<const MultiHeadAttention>(std::move(weights));
    m_randomKey = key;
    return m_randomModule;
}

AttentionOutcome AttentionJobRunner::compute(const AttentionRequest& request, int threads,
                                             const CancellationToken& cancel, ComputeCache& cache) {
    ComputeOptions options;
    options.threads = threads;
    options.cancel = cancel;
    AttentionOutcome outcome;
    outcome.threads = resolveThreadCount(threads);
    const auto start = std::chrono::steady_clock::now();
    std::shared_ptr<AttentionSet> set;
    if (const auto* sentence = std::get_if<SentenceRequest>(&request)) {
        set = computeSentence(*sentence, options, cache, outcome);
    } else if (const auto* random = std::get_if<RandomRequest>(&request)) {
        set = computeRandom(*random, options, cache);
        set->text = describeRandomRequest(*random);
    } else {
        set = computeImport(std::get<ImportRequest>(request), outcome);
        outcome.threads = 1;
    }
    outcome.computeMilliseconds =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    outcome.set = std::move(set);
    return outcome;
}

void AttentionJobRunner::startNext() {
    if (!m_waiting) {
        if (m_running) {
            m_running = false;
            emit busyChanged(false);
        }
        return;
    }
    auto [generation, request] = std::move(*m_waiting);
    m_waiting.reset();
    m_cancel = CancellationToken();
    m_userCancelled = false;
    const CancellationToken cancel = m_cancel;
    const int threads = m_threads;
    std::shared_ptr<ComputeCache> cache = m_cache;
    const bool wasRunning = m_running;
    m_running = true;
    m_busyTimer.start();
    if (!wasRunning) {
        emit busyChanged(true);
    }

    auto* watcher = new QFutureWatcher<JobResult>(this);
    connect(watcher, &QFutureWatcher<JobResult>::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        const JobResult result = watcher->result();
        const bool newest = generation == m_generation;
        if (newest) {
            if (result.cancelled) {
                if (m_userCancelled) {
                    emit cancelled(generation);
                }
            } else if (!result.error.isEmpty()) {
                emit failed(generation, result.error);
            } else {
                emit finished(generation, result.outcome);
            }
        }
        startNext();
    });
    watcher->setFuture(QtConcurrent::run([request = std::move(request), threads, cancel, cache] {
        JobResult result;
        try {
            result.outcome = compute(request, threads, cancel, *cache);
        } catch (const Cancelled&) {
            result.cancelled = true;
        } catch (const Error& error) {
            result.error = QString::fromStdString(error.what());
        } catch (const std::bad_alloc&) {
            result.error = AttentionJobRunner::tr("out of memory: choose a smaller size");
        } catch (const std::exception& error) {
            result.error = QString::fromStdString(error.what());
        }
        return result;
    }));
}

} // namespace attnscope
