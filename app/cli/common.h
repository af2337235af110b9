#pragma once

// Pieces shared by the subcommands: the common options and writing several outputs all or
// nothing.

#include "app/cli/arguments.h"
#include "core/attention/multiheadattention.h"
#include "core/attention/randomtensors.h"
#include "core/attention/threading.h"
#include "core/base/tensor.h"

#include <QString>
#include <string>
#include <vector>

namespace attnscope::cli {

OptionSpec threadsOption();
/** Where this executable lives, to find the built-in model next to it. */
std::string applicationDir();
OptionSpec memoryBudgetOption();
/** --threads and --memory-budget-mb as the engine's options. */
ComputeOptions computeOptions(const ParsedArguments& arguments);

/** --text as a QString; throws Error when it is not valid UTF-8 (nothing is replaced silently). */
QString textArgument(const ParsedArguments& arguments);

/** A random problem as `random` and `render --random` take it from their options. */
struct RandomArguments {
    RandomSpec spec;
    MultiHeadMasks masks;   ///< --causal
    AttentionParams params; ///< --temperature; weights requested
};
/**
 * --seq, --embed, --heads, --seed, --distribution, --causal, --temperature, and --batch (default
 * 1) when the command offers it. Throws Error naming the option.
 */
RandomArguments randomArguments(const ParsedArguments& arguments);

/** An output file the command will write, remembered so that a failure can take it back. */
struct Output {
    std::string option;
    std::string path;
    const Tensor* tensor = nullptr; ///< written as .npy when set
    std::string text;               ///< written as is otherwise
};

/** Checks before any computation: distinct files, existing directories, not directories. */
void checkOutputPaths(const std::vector<Output>& outputs);
/** Writes every output atomically; on a failure removes the ones already written. */
void writeOutputs(const std::vector<Output>& outputs);
/** Adds `--option` to `outputs` when it was given. */
void addOutput(std::vector<Output>& outputs, const ParsedArguments& arguments,
               const std::string& option);
/** Points the output for `--option` (if any) at `tensor`. */
void setTensor(std::vector<Output>& outputs, const std::string& option, const Tensor& tensor);

} // namespace attnscope::cli
