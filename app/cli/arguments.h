#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace attnscope::cli {

/** One option a subcommand accepts: `--name VALUE` / `--name=VALUE`, or a flag `--name`. */
struct OptionSpec {
    std::string name;      ///< without the leading "--"
    std::string valueName; ///< empty for a flag
    std::string help;
    bool required = false;
};

/**
 * The options given on one command line, looked up by name. Every accessor that converts a value
 * throws attnscope::Error with a one-line message naming the option and quoting what was given, so
 * that the caller never sees a half-parsed number.
 */
class ParsedArguments {
public:
    [[nodiscard]] bool helpRequested() const noexcept { return m_helpRequested; }
    [[nodiscard]] bool has(const std::string& name) const;
    [[nodiscard]] bool flag(const std::string& name) const { return has(name); }
    /** The raw value, or nullopt when the option was not given. */
    [[nodiscard]] std::optional<std::string> value(const std::string& name) const;
    /** The raw value of an option the parser already checked is present (required options). */
    [[nodiscard]] std::string required(const std::string& name) const;

    /** An integer in [1, max]; `fallback` when absent. */
    [[nodiscard]] std::int64_t positiveInt(const std::string& name,
                                           std::optional<std::int64_t> fallback = std::nullopt,
                                           std::int64_t max = INT64_MAX) const;
    /** An integer in [0, max]; `fallback` when absent. */
    [[nodiscard]] std::int64_t nonNegativeInt(const std::string& name, std::int64_t fallback,
                                              std::int64_t max = INT64_MAX) const;
    /** Any value of uint64 (seeds); `fallback` when absent. */
    [[nodiscard]] std::uint64_t unsignedInt64(const std::string& name,
                                              std::uint64_t fallback) const;
    /** A finite float > 0; nullopt when absent. */
    [[nodiscard]] std::optional<float> positiveFloat(const std::string& name) const;

private:
    friend class ArgumentParser;
    bool m_helpRequested = false;
    std::map<std::string, std::string> m_values; ///< flags map to ""
};

/**
 * A deliberately small parser for one subcommand. Strict on purpose: an unknown option, a repeated
 * option, a positional argument, a missing value or a value on a flag is an error rather than
 * something to guess about, because a CLI that silently ignores `--head 4` computes the wrong
 * thing.
 */
class ArgumentParser {
public:
    ArgumentParser(std::string command, std::string summary, std::vector<OptionSpec> options);

    /**
     * Parses the arguments after the subcommand name. `--help` (or `-h`) anywhere wins over every
     * other problem, so a user who is lost can always get the usage. Throws attnscope::Error.
     */
    [[nodiscard]] ParsedArguments parse(std::span<const std::string> arguments) const;

    /** Multi-line usage text for `--help`. */
    [[nodiscard]] std::string usage() const;

private:
    [[nodiscard]] const OptionSpec* find(const std::string& name) const;

    std::string m_command;
    std::string m_summary;
    std::vector<OptionSpec> m_options;
};

/**
 * Strict conversions shared by ParsedArguments (and exposed for tests): the whole text must be a
 * plain decimal number. No sign for unsigned values, no leading '+', no whitespace, no hex, no
 * trailing characters. nullopt when the text is not such a number or does not fit.
 */
std::optional<std::int64_t> parseInt64(const std::string& text);
std::optional<std::uint64_t> parseUInt64(const std::string& text);
/** A finite float in decimal or scientific notation; "nan", "inf" and overflow give nullopt. */
std::optional<float> parseFiniteFloat(const std::string& text);

/** 'text' in single quotes with control characters replaced, for one-line error messages. */
std::string quoteArgument(const std::string& text);

} // namespace attnscope::cli
