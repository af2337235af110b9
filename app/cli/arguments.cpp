#include "app/cli/arguments.h"

#include "core/base/error.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <sstream>
#include <system_error>

namespace attnscope::cli {

namespace {

std::string dashed(const std::string& name) {
    return "--" + name;
}

// An optional minus and digits only: the text is an integer, just not one that fits. Telling this
// apart from garbage lets the message say "out of range" instead of "not a number".
bool looksLikeInteger(const std::string& text) {
    const std::size_t start = (!text.empty() && text.front() == '-') ? 1 : 0;
    return text.size() > start &&
           std::all_of(text.begin() + static_cast<std::ptrdiff_t>(start), text.end(),
                       [](char c) { return c >= '0' && c <= '9'; });
}

template <typename T> std::optional<T> parseWhole(const std::string& text) {
    // std::from_chars is locale-independent and already rejects whitespace and a leading '+'.
    T value{};
    const char* begin = text.data();
    const char* end = begin + text.size();
    const auto [ptr, ec] = std::from_chars(begin, end, value);
    if (text.empty() || ec != std::errc{} || ptr != end) {
        return std::nullopt;
    }
    return value;
}

} // namespace

std::string quoteArgument(const std::string& text) {
    // Quoting makes an empty or space-padded value visible in the message; control characters are
    // replaced so that a hostile argument cannot break the one-line error contract.
    std::string out = "'";
    for (const char c : text) {
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
            out += '?';
        } else {
            out += c;
        }
    }
    return out + "'";
}

std::optional<std::int64_t> parseInt64(const std::string& text) {
    return parseWhole<std::int64_t>(text);
}

std::optional<std::uint64_t> parseUInt64(const std::string& text) {
    // from_chars for unsigned types rejects '-', so "-1" cannot wrap to 2^64 - 1.
    return parseWhole<std::uint64_t>(text);
}

std::optional<float> parseFiniteFloat(const std::string& text) {
    const std::optional<float> value = parseWhole<float>(text);
    if (!value || !std::isfinite(*value)) {
        return std::nullopt;
    }
    return value;
}

bool ParsedArguments::has(const std::string& name) const {
    return m_values.contains(name);
}

std::optional<std::string> ParsedArguments::value(const std::string& name) const {
    const auto it = m_values.find(name);
    if (it == m_values.end()) {
        return std::nullopt;
    }
    return it->second;
}

std::string ParsedArguments::required(const std::string& name) const {
    const auto it = m_values.find(name);
    if (it == m_values.end()) {
        throw Error("missing required option " + dashed(name));
    }
    return it->second;
}

std::int64_t ParsedArguments::positiveInt(const std::string& name,
                                          std::optional<std::int64_t> fallback,
                                          std::int64_t max) const {
    const std::optional<std::string> text = value(name);
    if (!text) {
        if (!fallback) {
            throw Error("missing required option " + dashed(name));
        }
        return *fallback;
    }
    const std::optional<std::int64_t> parsed = parseInt64(*text);
    if (!parsed && looksLikeInteger(*text) && text->front() != '-') {
        throw Error(dashed(name) + " is out of range (at most " + std::to_string(max) + "), got " +
                    quoteArgument(*text));
    }
    if (!parsed || *parsed < 1) {
        throw Error(dashed(name) + " must be a positive integer, got " + quoteArgument(*text));
    }
    if (*parsed > max) {
        throw Error(dashed(name) + " must be at most " + std::to_string(max) + ", got " +
                    quoteArgument(*text));
    }
    return *parsed;
}

std::int64_t ParsedArguments::nonNegativeInt(const std::string& name, std::int64_t fallback,
                                             std::int64_t max) const {
    const std::optional<std::string> text = value(name);
    if (!text) {
        return fallback;
    }
    const std::optional<std::int64_t> parsed = parseInt64(*text);
    if (!parsed && looksLikeInteger(*text) && text->front() != '-') {
        throw Error(dashed(name) + " is out of range (at most " + std::to_string(max) + "), got " +
                    quoteArgument(*text));
    }
    if (!parsed || *parsed < 0) {
        throw Error(dashed(name) + " must be a non-negative integer, got " + quoteArgument(*text));
    }
    if (*parsed > max) {
        throw Error(dashed(name) + " must be at most " + std::to_string(max) + ", got " +
                    quoteArgument(*text));
    }
    return *parsed;
}

std::uint64_t ParsedArguments::unsignedInt64(const std::string& name,
                                             std::uint64_t fallback) const {
    const std::optional<std::string> text = value(name);
    if (!text) {
        return fallback;
    }
    const std::optional<std::uint64_t> parsed = parseUInt64(*text);
    if (!parsed) {
        if (looksLikeInteger(*text) && text->front() != '-') {
            throw Error(dashed(name) + " is out of range (at most 18446744073709551615), got " +
                        quoteArgument(*text));
        }
        throw Error(dashed(name) + " must be a non-negative integer, got " + quoteArgument(*text));
    }
    return *parsed;
}

std::optional<float> ParsedArguments::positiveFloat(const std::string& name) const {
    const std::optional<std::string> text = value(name);
    if (!text) {
        return std::nullopt;
    }
    const std::optional<float> parsed = parseFiniteFloat(*text);
    if (!parsed || !(*parsed > 0.0f)) {
        throw Error(dashed(name) + " must be a finite number greater than 0, got " +
                    quoteArgument(*text));
    }
    return parsed;
}

ArgumentParser::ArgumentParser(std::string command, std::string summary,
                               std::vector<OptionSpec> options)
    : m_command(std::move(command))
    , m_summary(std::move(summary))
    , m_options(std::move(options)) {}

const OptionSpec* ArgumentParser::find(const std::string& name) const {
    const auto it = std::find_if(m_options.begin(), m_options.end(),
                                 [&](const OptionSpec& spec) { return spec.name == name; });
    return it == m_options.end() ? nullptr : &*it;
}

ParsedArguments ArgumentParser::parse(std::span<const std::string> arguments) const {
    ParsedArguments parsed;
    if (std::any_of(arguments.begin(), arguments.end(),
                    [](const std::string& a) { return a == "--help" || a == "-h"; })) {
        parsed.m_helpRequested = true;
        return parsed;
    }

    const std::string hint = " (see 'attnscope-cli " + m_command + " --help')";
    for (std::size_t i = 0; i < arguments.size(); ++i) {
        const std::string& argument = arguments[i];
        if (!argument.starts_with("--") || argument.size() == 2) {
            throw Error("unexpected argument " + quoteArgument(argument) + hint);
        }
        const std::size_t equals = argument.find('=');
        const std::string name =
            argument.substr(2, equals == std::string::npos ? std::string::npos : equals - 2);
        const OptionSpec* spec = find(name);
        if (spec == nullptr) {
            throw Error("unknown option " + quoteArgument(dashed(name)) + hint);
        }
        if (parsed.m_values.contains(name)) {
            throw Error(dashed(name) + " given more than once");
        }

        std::string value;
        if (spec->valueName.empty()) {
            if (equals != std::string::npos) {
                throw Error(dashed(name) + " is a flag and takes no value, got " +
                            quoteArgument(argument.substr(equals + 1)));
            }
        } else if (equals != std::string::npos) {
            value = argument.substr(equals + 1);
        } else {
            // A following "--option" is taken as a forgotten value, not as a file name; a value
            // that really starts with "--" can still be given as --name=--value.
            if (i + 1 >= arguments.size() || arguments[i + 1].starts_with("--")) {
                throw Error(dashed(name) + " requires a value (" + spec->valueName + ")");
            }
            value = arguments[++i];
        }
        if (!spec->valueName.empty() && value.empty()) {
            throw Error(dashed(name) + " requires a non-empty value (" + spec->valueName + ")");
        }
        parsed.m_values.emplace(name, std::move(value));
    }

    for (const OptionSpec& spec : m_options) {
        if (spec.required && !parsed.m_values.contains(spec.name)) {
            throw Error("missing required option " + dashed(spec.name) + hint);
        }
    }
    return parsed;
}

std::string ArgumentParser::usage() const {
    std::ostringstream out;
    out << "Usage: attnscope-cli " << m_command;
    for (const OptionSpec& spec : m_options) {
        const std::string text =
            dashed(spec.name) + (spec.valueName.empty() ? "" : " " + spec.valueName);
        out << (spec.required ? " " + text : " [" + text + "]");
    }
    out << "\n\n" << m_summary << "\n\nOptions:\n";

    std::size_t width = std::string("--help").size();
    for (const OptionSpec& spec : m_options) {
        width = std::max(width, spec.name.size() + 2 +
                                    (spec.valueName.empty() ? 0 : spec.valueName.size() + 1));
    }
    const auto line = [&](const std::string& left, const std::string& help) {
        out << "  " << left << std::string(width - left.size() + 2, ' ') << help << '\n';
    };
    for (const OptionSpec& spec : m_options) {
        line(dashed(spec.name) + (spec.valueName.empty() ? "" : " " + spec.valueName),
             spec.help + (spec.required ? " (required)" : ""));
    }
    line("--help", "Show this help and exit.");
    return out.str();
}

} // namespace attnscope::cli
