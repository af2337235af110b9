// attnscope-cli: dispatches to a subcommand and turns every failure into one line on stderr and
// exit status 2. Parsing lives in arguments.cpp, the subcommands in commands.cpp.

#include "app/cli/arguments.h"
#include "app/cli/commands.h"
#include "core/base/error.h"
#include "core/base/processtuning.h"

#include <csignal>
#include <exception>
#include <iostream>
#include <new>
#include <span>
#include <string>
#include <vector>

namespace {

constexpr int kExitSuccess = 0;
constexpr int kExitError = 2;

// Core promises one-line messages; this keeps the CLI's contract even if a message from deeper
// down (a std::exception from the standard library, say) spans lines.
std::string oneLine(std::string message) {
    for (char& c : message) {
        if (c == '\n' || c == '\r') {
            c = ' ';
        }
    }
    return message;
}

int fail(const std::string& context, const std::string& message) {
    std::cerr << context << ": error: " << oneLine(message) << std::endl;
    return kExitError;
}

} // namespace

int main(int argc, char** argv) {
    attnscope::keepFreedMemoryForReuse();
#ifdef SIGPIPE
    // `attnscope-cli bench | head -c0` must end with an error status, not be killed by a signal;
    // with SIGPIPE ignored the failed write shows up as a bad stream below.
    std::signal(SIGPIPE, SIG_IGN);
#endif
    std::string context = "attnscope-cli";
    try {
        const std::vector<std::string> arguments(argv + (argc > 0 ? 1 : 0), argv + argc);
        if (arguments.empty()) {
            throw attnscope::Error("missing subcommand (see 'attnscope-cli --help')");
        }
        const std::string& first = arguments.front();
        if (first == "--help" || first == "-h") {
            std::cout << attnscope::cli::topLevelUsage();
        } else if (first == "--version") {
            std::cout << "attnscope-cli " << ATTNSCOPE_VERSION << '\n';
        } else if (const attnscope::cli::Command* command = attnscope::cli::findCommand(first)) {
            context += " " + std::string(command->name);
            command->run(std::span(arguments).subspan(1), std::cout);
        } else if (first.starts_with("-")) {
            throw attnscope::Error("unknown option " + attnscope::cli::quoteArgument(first) +
                                   " (see 'attnscope-cli --help')");
        } else {
            throw attnscope::Error("unknown subcommand " + attnscope::cli::quoteArgument(first) +
                                   " (expected one of: " + attnscope::cli::commandNames() + ")");
        }
        std::cout.flush();
        if (!std::cout) {
            throw attnscope::Error("cannot write to standard output");
        }
        return kExitSuccess;
    } catch (const std::bad_alloc&) {
        return fail(context, "out of memory");
    } catch (const std::exception& error) {
        return fail(context, error.what());
    } catch (...) {
        return fail(context, "unexpected internal error");
    }
}
