#include "app/cli/commands.h"

#include "app/cli/arguments.h"
#include "app/cli/common.h"
#include "core/attention/multiheadattention.h"
#include "core/attention/randomtensors.h"
#include "core/attention/scaleddotproduct.h"
#include "core/attention/threading.h"
#include "core/attention/validation.h"
#include "core/base/error.h"
#include "core/base/tensor.h"
#include "core/formats/atomicwrite.h"
#include "core/formats/npy.h"
#include "core/formats/safetensors.h"
#include "core/tokenize/unicode.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iomanip>
#include <optional>
#include <sstream>
#include <system_error>
#include <vector>

namespace attnscope::cli {

namespace {

// Far beyond any machine attnscope runs on, but small enough that a typo like --threads 1000000
// is reported instead of asking oneTBB for a million workers.
constexpr std::int64_t kMaxThreads = 4096;
constexpr std::int64_t kMaxRepeat = 1'000'000;
constexpr std::int64_t kBytesPerMiB = std::int64_t{1} << 20;

} // namespace

OptionSpec threadsOption() {
    return {"threads", "N",
            "Worker threads; 0 = every core (default). Results do not depend on it."};
}

OptionSpec memoryBudgetOption() {
    return {"memory-budget-mb", "N",
            "Refuse computations whose working set exceeds N MiB (default: half the RAM)."};
}

ComputeOptions computeOptions(const ParsedArguments& arguments) {
    ComputeOptions options;
    options.threads = static_cast<int>(arguments.nonNegativeInt("threads", 0, kMaxThreads));
    if (arguments.has("memory-budget-mb")) {
        const std::int64_t mib =
            arguments.positiveInt("memory-budget-mb", std::nullopt, INT64_MAX / kBytesPerMiB);
        options.memoryBudgetBytes = static_cast<std::uint64_t>(mib * kBytesPerMiB);
    }
    return options;
}

QString textArgument(const ParsedArguments& arguments) {
    const std::string text = arguments.required("text");
    if (!unicode::isValidUtf8(text))
        throw Error("--text is not valid UTF-8");
    return QString::fromStdString(text);
}

RandomArguments randomArguments(const ParsedArguments& arguments) {
    RandomArguments random;
    random.spec.batch = arguments.positiveInt("batch", 1); // render has no --batch: always 1
    random.spec.seq = arguments.positiveInt("seq");
    random.spec.embed = arguments.positiveInt("embed");
    random.spec.heads = arguments.positiveInt("heads");
    random.spec.seed = arguments.unsignedInt64("seed", 0);
    if (const std::optional<std::string> name = arguments.value("distribution")) {
        try {
            random.spec.distribution = parseDistribution(*name);
        } catch (const Error& e) {
            throw Error(std::string("--") + e.what());
        }
    }
    random.masks.causal = arguments.flag("causal");
    random.params.temperature = arguments.positiveFloat("temperature").value_or(1.0f);
    random.params.needWeights = true;
    return random;
}

std::filesystem::path comparablePath(const std::string& path) {
    std::error_code error;
    std::filesystem::path canonical = std::filesystem::weakly_canonical(path, error);
    return error ? std::filesystem::path(path).lexically_normal() : canonical;
}

// Checked before any computation, so that a typo in an output path costs nothing and a long run
// is not thrown away at the end.
void checkOutputPaths(const std::vector<Output>& outputs) {
    for (std::size_t i = 0; i < outputs.size(); ++i) {
        const std::filesystem::path path = comparablePath(outputs[i].path);
        for (std::size_t j = 0; j < i; ++j) {
            if (comparablePath(outputs[j].path) == path) {
                throw Error("--" + outputs[j].option + " and --" + outputs[i].option +
                            " name the same file " + quoteArgument(outputs[i].path));
            }
        }
        std::filesystem::path parent = std::filesystem::path(outputs[i].path).parent_path();
        if (parent.empty()) {
            parent = ".";
        }
        std::error_code error;
        if (!std::filesystem::is_directory(parent, error)) {
            throw Error("--" + outputs[i].option + ": directory " + quoteArgument(parent.string()) +
                        " does not exist");
        }
        if (std::filesystem::is_directory(outputs[i].path, error)) {
            throw Error("--" + outputs[i].option + ": " + quoteArgument(outputs[i].path) +
                        " is a directory");
        }
    }
}

// All or nothing: each npy::write is atomic, and if a later one fails the earlier files are
// removed, so that a script never picks up weights without the matching output.
void writeOutputs(const std::vector<Output>& outputs) {
    std::vector<std::string> written;
    try {
        for (const Output& output : outputs) {
            if (output.tensor != nullptr)
                npy::write(output.path, *output.tensor);
            else
                writeFileAtomically(output.path, output.text);
            written.push_back(output.path);
        }
    } catch (...) {
        for (const std::string& path : written) {
            std::error_code ignored;
            std::filesystem::remove(path, ignored);
        }
        throw;
    }
}

void addOutput(std::vector<Output>& outputs, const ParsedArguments& arguments,
               const std::string& option) {
    if (const std::optional<std::string> path = arguments.value(option)) {
        outputs.push_back({option, *path, nullptr, {}});
    }
}

void setTensor(std::vector<Output>& outputs, const std::string& option, const Tensor& tensor) {
    for (Output& output : outputs) {
        if (output.option == option) {
            output.tensor = &tensor;
        }
    }
}

namespace {

// Six significant digits are far finer than the run-to-run noise of a timing, and keep the line
// short.
std::string jsonNumber(double value) {
    if (!std::isfinite(value)) {
        return "null"; // JSON has no inf/NaN; only reachable if the clock measured zero time
    }
    std::array<char, 64> buffer{};
    std::snprintf(buffer.data(), buffer.size(), "%.6g", value);
    return buffer.data();
}

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    const std::size_t n = values.size();
    return n % 2 == 1 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

const ArgumentParser& mhaParser() {
    static const ArgumentParser parser(
        "mha",
        "Runs torch.nn.MultiheadAttention (batch_first=True, inference) from a saved state_dict "
        "and\n"
        "writes the attention weights of every head and the output as .npy files.",
        {
            {"state-dict", "FILE.safetensors",
             "nn.MultiheadAttention state_dict (in_proj_weight, out_proj.weight, ...).", true},
            {"query", "Q.npy", "Query, float32 [B, S, E].", true},
            {"key", "K.npy", "Key, float32 [B, T, kdim] (with --value; default: the query)."},
            {"value", "V.npy", "Value, float32 [B, T, vdim] (with --key)."},
            {"heads", "H", "Number of heads; must divide E.", true},
            {"causal", "", "Query i sees only keys j <= i."},
            {"key-padding-mask", "M.npy", "bool/uint8 [B, T]; true = ignore that key."},
            {"attn-mask", "A.npy",
             "bool [S, T] or [B*H, S, T] (true = hide), or float (added to the scores)."},
            {"add-zero-attn", "", "Append a zero key and value (add_zero_attn=True)."},
            {"scale", "X", "Score scale (default 1/sqrt(E/H))."},
            {"temperature", "X", "Divide the logits by X > 0 (default 1)."},
            threadsOption(),
            memoryBudgetOption(),
            {"weights-out", "W.npy", "Write the weights, float32 [B, H, S, T].", true},
            {"output-out", "O.npy", "Write the output, float32 [B, S, E].", true},
        });
    return parser;
}

const ArgumentParser& randomParser() {
    static const ArgumentParser parser(
        "random",
        "Builds a deterministic random self-attention problem (same numbers on every platform for\n"
        "the same seed) and writes its attention weights, and optionally output and input.",
        {
            {"batch", "B", "Batch size (default 1)."},
            {"seq", "S", "Sequence length.", true},
            {"embed", "E", "Embedding dimension.", true},
            {"heads", "H", "Number of heads; must divide E.", true},
            {"seed", "N", "Seed, 0 to 18446744073709551615.", true},
            {"distribution", "normal|uniform", "Distribution of the input (default normal)."},
            {"causal", "", "Query i sees only keys j <= i."},
            {"temperature", "X", "Divide the logits by X > 0 (default 1)."},
            threadsOption(),
            memoryBudgetOption(),
            {"weights-out", "W.npy", "Write the weights, float32 [B, H, S, S].", true},
            {"output-out", "O.npy", "Write the output, float32 [B, S, E]."},
            {"input-out", "X.npy", "Write the input, float32 [B, S, E]."},
        });
    return parser;
}

const ArgumentParser& benchParser() {
    static const ArgumentParser parser(
        "bench",
        "Times MultiHeadAttention.forward on random inputs and prints one JSON line:\n"
        "{\"command\":\"bench\",\"batch\":B,\"seq\":S,\"key_seq\":T,\"embed\":E,\"heads\":H,"
        "\"threads\":N,\n \"need_weights\":true,\"repeat\":R,\"median_ms\":x,\"min_ms\":x,"
        "\"max_ms\":x,\"gflops\":x}",
        {
            {"seq", "S", "Query sequence length.", true},
            {"embed", "E", "Embedding dimension.", true},
            {"heads", "H", "Number of heads; must divide E.", true},
            {"batch", "B", "Batch size (default 1)."},
            {"key-seq", "T", "Key sequence length (default S; T != S is cross-attention)."},
            threadsOption(),
            {"no-weights", "", "Do not compute the attention weights (need_weights=False)."},
            {"repeat", "R", "Timed forward passes (default 10)."},
            {"warmup", "W", "Untimed forward passes first (default 2)."},
            {"seed", "N", "Seed of the random problem (default 0)."},
            memoryBudgetOption(),
        });
    return parser;
}

const ArgumentParser& showParser() {
    static const ArgumentParser parser(
        "show",
        "Prints attention weights as text, one matrix per head (rows: queries, columns: keys).\n"
        "Accepts [S, T], [H, S, T] and [B or layers, H, S, T] float32 arrays.",
        {
            {"weights", "W.npy", "The weights to print.", true},
            {"index", "N", "Which batch item or layer of a 4-D array (default 0)."},
            {"head", "H", "Print only this head (default: every head)."},
        });
    return parser;
}

constexpr std::array<Command, 8> kCommands{{
    {"mha", "Run nn.MultiheadAttention from a state_dict on .npy inputs.", &runMha},
    {"random", "Attention weights of a deterministic random problem.", &runRandom},
    {"bench", "Time the multi-head attention forward pass; prints JSON.", &runBench},
    {"show", "Print attention weights from a .npy file as text, head by head.", &runShow},
    {"tokenize", "Tokenize text with a model's tokenizer; prints ids, tokens, offsets.",
     &runTokenize},
    {"attention", "Every layer's and head's attention of a model on a text.", &runAttention},
    {"coref-eval", "Score every head on pronoun -> antecedent links (Clark et al. 2019).",
     &runCorefEval},
    {"render", "Draw attention heat maps into a PNG, SVG or PDF (no display needed).", &runRender},
}};

} // namespace

std::span<const Command> commands() {
    return kCommands;
}

const Command* findCommand(std::string_view name) {
    const auto it = std::find_if(kCommands.begin(), kCommands.end(),
                                 [&](const Command& command) { return command.name == name; });
    return it == kCommands.end() ? nullptr : &*it;
}

std::string commandNames() {
    std::string names;
    for (const Command& command : kCommands) {
        names += (names.empty() ? "" : ", ") + std::string(command.name);
    }
    return names;
}

std::string topLevelUsage() {
    std::ostringstream out;
    out << "Usage: attnscope-cli <command> [options]\n"
           "       attnscope-cli <command> --help\n"
           "       attnscope-cli --version\n\n"
           "Multi-head attention from the command line.\n\nCommands:\n";
    for (const Command& command : kCommands) {
        out << "  " << command.name << std::string(12 - command.name.size(), ' ') << command.summary
            << '\n';
    }
    out << "\nExit status: 0 on success, 2 on any error (reported as one line on stderr).\n";
    return out.str();
}

void runMha(std::span<const std::string> arguments, std::ostream& out) {
    const ArgumentParser& parser = mhaParser();
    const ParsedArguments parsed = parser.parse(arguments);
    if (parsed.helpRequested()) {
        out << parser.usage();
        return;
    }

    // Everything that can be checked without reading a file is checked first.
    const std::int64_t heads = parsed.positiveInt("heads");
    if (parsed.has("key") != parsed.has("value")) {
        throw Error("--key and --value must be given together (neither for self-attention)");
    }
    AttentionParams params;
    params.scale = parsed.positiveFloat("scale");
    params.temperature = parsed.positiveFloat("temperature").value_or(1.0f);
    params.needWeights = true;
    const ComputeOptions options = computeOptions(parsed);
    std::vector<Output> outputs;
    addOutput(outputs, parsed, "weights-out");
    addOutput(outputs, parsed, "output-out");
    checkOutputPaths(outputs);

    const safetensors::File stateDict = safetensors::File::open(parsed.required("state-dict"));
    const MultiHeadAttention module =
        MultiHeadAttention::fromStateDict(stateDict, heads, parsed.flag("add-zero-attn"));

    const Tensor query = npy::readFloat(parsed.required("query"), "--query");
    std::optional<Tensor> key;
    std::optional<Tensor> value;
    if (parsed.has("key")) {
        key = npy::readFloat(parsed.required("key"), "--key");
        value = npy::readFloat(parsed.required("value"), "--value");
    }

    MultiHeadMasks masks;
    masks.causal = parsed.flag("causal");
    std::optional<MaskTensor> keyPadding;
    if (const std::optional<std::string> path = parsed.value("key-padding-mask")) {
        keyPadding = npy::readMask(*path, "--key-padding-mask");
        masks.keyPadding = &*keyPadding;
    }
    // PyTorch's attn_mask is either boolean (true = hide) or additive; the dtype on disk decides,
    // exactly as the dtype of the tensor decides in torch.
    std::optional<npy::Array> attnMask;
    if (const std::optional<std::string> path = parsed.value("attn-mask")) {
        attnMask = npy::read(*path);
        if (attnMask->isFloat()) {
            masks.additive = &std::get<Tensor>(attnMask->data);
        } else {
            masks.hidden = &std::get<MaskTensor>(attnMask->data);
        }
    }

    const AttentionResult result = module.forward(
        query, key ? &*key : nullptr, value ? &*value : nullptr, masks, params, options);
    setTensor(outputs, "weights-out", result.weights);
    setTensor(outputs, "output-out", result.output);
    writeOutputs(outputs);
}

void runRandom(std::span<const std::string> arguments, std::ostream& out) {
    const ArgumentParser& parser = randomParser();
    const ParsedArguments parsed = parser.parse(arguments);
    if (parsed.helpRequested()) {
        out << parser.usage();
        return;
    }

    const RandomArguments random = randomArguments(parsed);
    const RandomSpec& spec = random.spec;
    const MultiHeadMasks& masks = random.masks;
    const AttentionParams& params = random.params;
    const ComputeOptions options = computeOptions(parsed);
    std::vector<Output> outputs;
    addOutput(outputs, parsed, "weights-out");
    addOutput(outputs, parsed, "output-out");
    addOutput(outputs, parsed, "input-out");
    checkOutputPaths(outputs);

    RandomProblem problem = makeRandomProblem(spec, options.memoryBudgetBytes);
    const MultiHeadAttention module(std::move(problem.weights));
    const AttentionResult result =
        module.forward(problem.input, nullptr, nullptr, masks, params, options);
    setTensor(outputs, "weights-out", result.weights);
    setTensor(outputs, "output-out", result.output);
    setTensor(outputs, "input-out", problem.input);
    writeOutputs(outputs);
}

void runBench(std::span<const std::string> arguments, std::ostream& out) {
    const ArgumentParser& parser = benchParser();
    const ParsedArguments parsed = parser.parse(arguments);
    if (parsed.helpRequested()) {
        out << parser.usage();
        return;
    }

    RandomSpec spec;
    spec.batch = parsed.positiveInt("batch", 1);
    spec.seq = parsed.positiveInt("seq");
    spec.embed = parsed.positiveInt("embed");
    spec.heads = parsed.positiveInt("heads");
    spec.seed = parsed.unsignedInt64("seed", 0);
    const std::int64_t keySeq = parsed.positiveInt("key-seq", spec.seq);
    const std::int64_t repeat = parsed.positiveInt("repeat", 10, kMaxRepeat);
    const std::int64_t warmup = parsed.nonNegativeInt("warmup", 2, kMaxRepeat);
    AttentionParams params;
    params.needWeights = !parsed.flag("no-weights");
    ComputeOptions options = computeOptions(parsed);
    // The JSON reports the thread count actually used, so "0" is resolved here, once.
    options.threads = resolveThreadCount(options.threads);

    RandomProblem problem = makeRandomProblem(spec, options.memoryBudgetBytes);
    const MultiHeadAttention module(std::move(problem.weights));
    // Cross-attention when T != S: the memory is another random input of the same seed, which is
    // all a timing needs (the cost does not depend on the values).
    std::optional<Tensor> memory;
    if (keySeq != spec.seq) {
        RandomSpec memorySpec = spec;
        memorySpec.seq = keySeq;
        memory = makeRandomProblem(memorySpec, options.memoryBudgetBytes).input;
    }
    const Tensor* key = memory ? &*memory : nullptr;

    for (std::int64_t i = 0; i < warmup; ++i) {
        (void)module.forward(problem.input, key, key, {}, params, options);
    }
    std::vector<double> milliseconds;
    milliseconds.reserve(static_cast<std::size_t>(repeat));
    for (std::int64_t i = 0; i < repeat; ++i) {
        const auto start = std::chrono::steady_clock::now();
        const AttentionResult result = module.forward(problem.input, key, key, {}, params, options);
        const auto stop = std::chrono::steady_clock::now();
        milliseconds.push_back(std::chrono::duration<double, std::milli>(stop - start).count());
    }

    const double medianMs = median(milliseconds);
    const double gflops =
        module.forwardFlops(spec.batch, spec.seq, keySeq) / (medianMs / 1e3) / 1e9;
    const auto [minMs, maxMs] = std::minmax_element(milliseconds.begin(), milliseconds.end());
    out << "{\"command\":\"bench\",\"batch\":" << spec.batch << ",\"seq\":" << spec.seq
        << ",\"key_seq\":" << keySeq << ",\"embed\":" << spec.embed << ",\"heads\":" << spec.heads
        << ",\"threads\":" << options.threads
        << ",\"need_weights\":" << (params.needWeights ? "true" : "false")
        << ",\"repeat\":" << repeat << ",\"median_ms\":" << jsonNumber(medianMs)
        << ",\"min_ms\":" << jsonNumber(*minMs) << ",\"max_ms\":" << jsonNumber(*maxMs)
        << ",\"gflops\":" << jsonNumber(gflops) << "}\n";
}

void runShow(std::span<const std::string> arguments, std::ostream& out) {
    const ArgumentParser& parser = showParser();
    const ParsedArguments parsed = parser.parse(arguments);
    if (parsed.helpRequested()) {
        out << parser.usage();
        return;
    }
    const std::string path = parsed.required("weights");
    Tensor weights = npy::readFloat(path, "--weights");
    if (weights.rank() == 2)
        weights = weights.reshaped({1, 1, weights.dim(0), weights.dim(1)});
    else if (weights.rank() == 3)
        weights = weights.reshaped({1, weights.dim(0), weights.dim(1), weights.dim(2)});
    else if (weights.rank() != 4)
        throw Error(path + ": --weights must be [S, T], [H, S, T] or [B, H, S, T] but has shape " +
                    shapeToString(weights.shape()));
    const std::int64_t count = weights.dim(0), heads = weights.dim(1);
    const std::int64_t rows = weights.dim(2), cols = weights.dim(3);
    const std::int64_t index = parsed.nonNegativeInt("index", 0);
    if (index >= count)
        throw Error("--index " + std::to_string(index) + " is out of range: " + path + " holds " +
                    std::to_string(count));
    std::int64_t firstHead = 0, lastHead = heads;
    if (parsed.has("head")) {
        firstHead = parsed.nonNegativeInt("head", 0);
        if (firstHead >= heads)
            throw Error("--head " + std::to_string(firstHead) + " is out of range: " + path +
                        " has " + std::to_string(heads) + " heads");
        lastHead = firstHead + 1;
    }
    std::array<char, 32> cell{};
    for (std::int64_t h = firstHead; h < lastHead; ++h) {
        out << "head " << h << " (" << rows << " queries x " << cols << " keys)\n";
        for (std::int64_t i = 0; i < rows; ++i) {
            out << std::setw(5) << i << " |";
            for (std::int64_t j = 0; j < cols; ++j) {
                std::snprintf(cell.data(), cell.size(), " %.3f",
                              static_cast<double>(weights.at({index, h, i, j})));
                out << cell.data();
            }
            out << '\n';
        }
        out << '\n';
    }
}

} // namespace attnscope::cli
