#pragma once

#include <ostream>
#include <span>
#include <string>
#include <string_view>

namespace attnscope::cli {

/**
 * One subcommand of attnscope-cli. `run` receives the arguments after the subcommand name, writes
 * its results (usage for --help, the bench JSON line) to `out`, and throws attnscope::Error for
 * any bad input; main turns that into the one-line error and exit status 2.
 */
struct Command {
    std::string_view name;
    std::string_view summary;
    void (*run)(std::span<const std::string> arguments, std::ostream& out);
};

/** Every subcommand, in the order `attnscope-cli --help` lists them. */
std::span<const Command> commands();
/** The subcommand called `name`, or nullptr. */
const Command* findCommand(std::string_view name);
/** "mha, random, bench, show" for messages. */
std::string commandNames();
/** The text of `attnscope-cli --help`. */
std::string topLevelUsage();

void runMha(std::span<const std::string> arguments, std::ostream& out);
void runRandom(std::span<const std::string> arguments, std::ostream& out);
void runBench(std::span<const std::string> arguments, std::ostream& out);
void runShow(std::span<const std::string> arguments, std::ostream& out);
void runTokenize(std::span<const std::string> arguments, std::ostream& out);
void runAttention(std::span<const std::string> arguments, std::ostream& out);
void runCorefEval(std::span<const std::string> arguments, std::ostream& out);
void runRender(std::span<const std::string> arguments, std::ostream& out);

} // namespace attnscope::cli
