// attnscope-cli render: the window's heat-map figure drawn offscreen into a PNG, SVG or PDF.

#include "app/cli/arguments.h"
#include "app/cli/commands.h"
#include "app/cli/common.h"
#include "core/base/error.h"
#include "core/models/textmodel.h"
#include "core/session/computeattention.h"
#include "core/session/computecache.h"
#include "ui/figure/attentionpanels.h"
#include "ui/figure/attentionplot.h"
#include "ui/figure/figureexport.h"
#include "ui/figure/figureoptions.h"

#include <QApplication>
#include <QFileInfo>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>

namespace attnscope::cli {

namespace {

const ArgumentParser& renderParser() {
    static const ArgumentParser parser(
        "render",
        "Draws attention heat maps into an image with the window's figure code; the suffix of\n"
        "--out chooses PNG, SVG or PDF (SVG and PDF keep labels as text). Needs no display.\n"
        "Source, one of:\n"
        "  --model DIR|builtin --text TEXT    a model's attention on a text\n"
        "  --random --seq S --embed E --heads H --seed N    a random problem (one layer)\n"
        "What is drawn, one of (layers and heads are numbered from 0):\n"
        "  --layer L --head H    one head, large, with every label that fits\n"
        "  --grid [--layer L]    every head of a layer (the default)\n"
        "  --all                 every layer x head, layers as rows\n"
        "--layer defaults to the last layer. Tokens are labelled with the model's display form\n"
        "(t0, t1, ... for --random).",
        {
            {"model", "DIR|builtin", "A Hugging Face model folder, or 'builtin' (with --text)."},
            {"text", "TEXT", "The text (UTF-8) to run the model on."},
            {"random", "", "Draw a deterministic random problem instead of a model."},
            {"seq", "S", "--random: sequence length."},
            {"embed", "E", "--random: embedding dimension."},
            {"heads", "H", "--random: number of heads; must divide E."},
            {"seed", "N", "--random: seed, 0 to 18446744073709551615."},
            {"causal", "", "--random: query i sees only keys j <= i."},
            {"temperature", "X", "--random: divide the logits by X > 0 (default 1)."},
            {"distribution", "normal|uniform",
             "--random: distribution of the input (default normal)."},
            {"layer", "L", "The layer to draw (default: the last)."},
            {"head", "H", "Draw this head alone."},
            {"grid", "", "Draw every head of the layer (the default)."},
            {"all", "", "Draw every layer and head."},
            {"out", "FILE", "The image to write: FILE.png, FILE.svg or FILE.pdf.", true},
            {"width", "PX", "Width in pixels (points for PDF); default: fits the content."},
            {"height", "PX", "Height in pixels (points for PDF); default: fits the content."},
            {"scale", "K", "PNG: pixels per logical pixel, e.g. 3 for print (default 1)."},
            {"dpi", "D", "PNG: resolution written into the file (default 96 x scale)."},
            {"colormap", "NAME", "viridis (default), magma, grayscale or diverging."},
            {"log", "", "Logarithmic colour scale (weights below 1e-4 get the lowest colour)."},
            {"hide-special", "",
             "Leave out special tokens ([CLS], [SEP], <s>) and renormalise each row."},
            {"weights-out", "W.npy",
             "Also write the attention the figure shows, float32 [layers, heads, S, S]."},
            {"force", "", "Replace --out (and --weights-out) if it exists."},
            threadsOption(),
            memoryBudgetOption(),
        });
    return parser;
}

/** The options that belong to one source only, for "--seq is only for --random" messages. */
void rejectOptions(const ParsedArguments& parsed, std::initializer_list<const char*> names,
                   const std::string& belongsTo) {
    for (const char* name : names) {
        if (parsed.has(name))
            throw Error(std::string("--") + name + " is only for " + belongsTo);
    }
}

void requireOptions(const ParsedArguments& parsed, std::initializer_list<const char*> names,
                    const std::string& source) {
    for (const char* name : names) {
        if (!parsed.has(name))
            throw Error(source + " needs --" + name + " (see 'attnscope-cli render --help')");
    }
}

/** The request that --model/--text or --random and its options describe. */
AttentionRequest renderRequest(const ParsedArguments& parsed, bool random) {
    if (random) {
        const RandomArguments arguments = randomArguments(parsed);
        RandomRequest request;
        request.spec = arguments.spec;
        request.causal = arguments.masks.causal;
        request.temperature = double(arguments.params.temperature);
        return request;
    }
    return SentenceRequest{
        QString::fromStdString(resolveModelFolder(parsed.required("model"), applicationDir())),
        textArgument(parsed)};
}

/**
 * Qt's own start-up notes ("XDG_RUNTIME_DIR not set", which every root shell and container
 * triggers) would break the CLI's promise of a silent success and one-line errors; they say
 * nothing about the image. Everything else still reaches stderr.
 */
void quietQtMessages(QtMsgType type, const QMessageLogContext& context, const QString& message) {
    if (type == QtDebugMsg || type == QtInfoMsg)
        return;
    if (message.startsWith(QLatin1String("QStandardPaths: ")))
        return;
    std::cerr << "attnscope-cli render: " << (type == QtWarningMsg ? "warning: " : "error: ")
              << message.toStdString() << '\n';
    (void)context;
}

/** QApplication for the offscreen platform: render never needs (or waits for) a display. */
std::unique_ptr<QApplication> offscreenApplication() {
    if (QCoreApplication::instance() != nullptr)
        return nullptr;
    // -platform wins over QT_QPA_PLATFORM, so a user's xcb/wayland setting cannot make render
    // depend on a display.
    static char name[] = "attnscope-cli";
    static char platformOption[] = "-platform";
    static char platform[] = "offscreen";
    static char* argv[] = {name, platformOption, platform, nullptr};
    static int argc = 3;
    qInstallMessageHandler(quietQtMessages);
    return std::make_unique<QApplication>(argc, argv);
}

} // namespace

void runRender(std::span<const std::string> arguments, std::ostream& out) {
    const ArgumentParser& parser = renderParser();
    const ParsedArguments parsed = parser.parse(arguments);
    if (parsed.helpRequested()) {
        out << parser.usage();
        return;
    }

    // Everything that can be checked without computing is checked first.
    const bool random = parsed.flag("random");
    if (random && parsed.has("model"))
        throw Error("--model and --random cannot be combined; choose one source");
    if (!random && !parsed.has("model"))
        throw Error("missing --model DIR|builtin or --random (see 'attnscope-cli render --help')");
    if (random) {
        rejectOptions(parsed, {"text"}, "--model");
        requireOptions(parsed, {"seq", "embed", "heads", "seed"}, "--random");
    } else {
        rejectOptions(parsed,
                      {"seq", "embed", "heads", "seed", "causal", "temperature", "distribution"},
                      "--random");
        requireOptions(parsed, {"text"}, "--model");
    }
    if (parsed.flag("all") && (parsed.has("layer") || parsed.has("head") || parsed.flag("grid")))
        throw Error("--all draws every layer and head; leave out --layer, --head and --grid");
    if (parsed.flag("grid") && parsed.has("head"))
        throw Error("--grid and --head cannot be combined (--head draws one head alone)");
    std::optional<std::int64_t> layer, head;
    if (parsed.has("layer"))
        layer = parsed.nonNegativeInt("layer", 0);
    if (parsed.has("head"))
        head = parsed.nonNegativeInt("head", 0);

    FigureOptions figureOptions;
    if (const std::optional<std::string> name = parsed.value("colormap")) {
        if (!parseColorMap(QString::fromStdString(*name), &figureOptions.colorMap))
            throw Error("--colormap must be one of " +
                        colorMapKeys().join(QStringLiteral(", ")).toStdString() + ", not " +
                        quoteArgument(*name));
    }
    figureOptions.scale = parsed.flag("log") ? ValueScale::Log : ValueScale::Linear;
    figureOptions.hideSpecial = parsed.flag("hide-special");

    ImageSize size;
    if (parsed.has("width"))
        size.width = int(parsed.positiveInt("width", std::nullopt, kMaxImageSide));
    if (parsed.has("height"))
        size.height = int(parsed.positiveInt("height", std::nullopt, kMaxImageSide));
    if (const std::optional<float> scale = parsed.positiveFloat("scale")) {
        if (double(*scale) > kMaxImageScale)
            throw Error("--scale " + parsed.required("scale") + " is too large (at most 20)");
        size.scale = double(*scale);
    }
    if (parsed.has("dpi"))
        size.dpi = int(parsed.positiveInt("dpi", std::nullopt, kMaxImageDpi));

    const std::string outPath = parsed.required("out");
    const QString outFile = QString::fromStdString(outPath);
    (void)imageFormatForPath(outFile);
    std::vector<Output> outputs{Output{"out", outPath, nullptr, {}}};
    addOutput(outputs, parsed, "weights-out");
    checkOutputPaths(outputs);
    const bool force = parsed.flag("force");
    for (const Output& output : outputs) {
        if (!force && std::filesystem::exists(output.path))
            throw Error("--" + output.option + " " + quoteArgument(output.path) +
                        " exists; pass --force to replace it");
    }
    const ComputeOptions options = computeOptions(parsed);

    // The same computation as the window's and `attention`'s (computeAttention).
    ComputeCache cache;
    const AttentionOutcome outcome =
        computeAttention(renderRequest(parsed, random), options, cache);
    for (const QString& warning : outcome.warnings)
        std::cerr << "attnscope-cli render: warning: " << warning.toStdString() << '\n';
    const AttentionSet& set = *outcome.set;
    const std::string what = random ? "the random problem" : "the model";
    if (layer && *layer >= set.layers())
        throw Error("--layer " + std::to_string(*layer) + " is out of range: " + what + " has " +
                    std::to_string(set.layers()) + (set.layers() == 1 ? " layer" : " layers") +
                    " (0 to " + std::to_string(set.layers() - 1) + ")");
    if (head && *head >= set.heads())
        throw Error("--head " + std::to_string(*head) + " is out of range: " + what + " has " +
                    std::to_string(set.heads()) + (set.heads() == 1 ? " head" : " heads") +
                    " (0 to " + std::to_string(set.heads() - 1) + ")");
    const int shownLayer = layer ? int(*layer) : set.layers() - 1;

    const std::unique_ptr<QApplication> application = offscreenApplication();
    AttentionPlot plot;
    plot.setOptions(figureOptions);
    QString title;
    if (parsed.flag("all")) {
        plot.setFigure(modelFigure(set, figureOptions.hideSpecial));
        title = exportTitle(set);
    } else if (head) {
        plot.setFigure(headFigure(set, shownLayer, int(*head), figureOptions.hideSpecial));
        title = exportTitle(set, shownLayer, int(*head));
    } else {
        plot.setFigure(layerFigure(set, shownLayer, figureOptions.hideSpecial));
        title = exportTitle(set, shownLayer);
    }
    exportImage(plot, outFile, size, force ? Overwrite::Replace : Overwrite::Refuse, title);
    if (outputs.size() > 1) {
        // All or nothing: the figure without the numbers it was drawn from is taken back.
        try {
            setTensor(outputs, "weights-out", set.attentions);
            writeOutputs({outputs.back()});
        } catch (...) {
            std::error_code ignored;
            std::filesystem::remove(outPath, ignored);
            throw;
        }
    }
}

} // namespace attnscope::cli
