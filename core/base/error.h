#pragma once

#include <stdexcept>
#include <string>

namespace attnscope {

/**
 * The one exception type that core throws for bad input: a malformed file, a tensor of the wrong
 * shape, a parameter out of range, a computation over the memory budget. The message is a single
 * line that names the file, field or parameter and says what was expected, so that the CLI can
 * print it as it is and the GUI can show it inline.
 */
class Error : public std::runtime_error {
public:
    explicit Error(const std::string& message)
        : std::runtime_error(message) {}
};

/** Thrown when a computation was stopped through its CancellationToken; not a failure. */
class Cancelled : public Error {
public:
    Cancelled()
        : Error("computation cancelled") {}
};

} // namespace attnscope
