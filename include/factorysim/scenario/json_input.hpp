// Safe parsing of untrusted JSON text (scenario files, command-line values).
//
// Everything that goes wrong is reported as an InputError naming the file, a
// JSON pointer (where the parser was) and "line L, column C: <what>":
//   scenario.json: /pods/0/power: line 7, column 16: the number 1e999 is too large ...
// Guarantees: a size limit checked before reading, a nesting-depth limit that is
// enforced while parsing (no recursion, so 10,000 or 10,000,000 levels of '['
// fail fast), duplicate keys rejected, numbers overflowing a double rejected,
// binary garbage reported as a parse error.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "factorysim/scenario/schema.hpp"  // InputError, Diagnostic

namespace factorysim::scenario {

struct ParseLimits {
    std::size_t max_bytes = 64u << 20;  ///< larger inputs are rejected before parsing/reading
    std::size_t max_depth = 64;         ///< nested objects/arrays; the top-level object is level 1
};

/// Parses a JSON document whose top level must be an object. Throws InputError.
nlohmann::json parse_json_text(std::string_view text, const std::string& file_name, ParseLimits limits = {});

/// Like parse_json_text, but any JSON value is accepted at the top level
/// (used for command-line values such as `--set /pods/0/racks=16`).
nlohmann::json parse_json_value(std::string_view text, const std::string& file_name, ParseLimits limits = {});

/// Reads and parses a file. Missing, unreadable, directory and too-large files
/// (size checked before reading) are reported as InputError naming `path`.
nlohmann::json load_json_file(const std::string& path, ParseLimits limits = {});

/// 1-based line and column (in characters, UTF-8 aware) of byte `offset` in `text`.
struct TextPosition {
    std::size_t line = 1;
    std::size_t column = 1;
};
TextPosition position_of(std::string_view text, std::size_t offset);

}  // namespace factorysim::scenario
