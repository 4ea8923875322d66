// Declarative schema for JSON scenario documents, and a validator that reports
// every problem at once with a precise, friendly message.
//
// Typical use:
//
//   using namespace factorysim::scenario;
//   const Schema pod = object("A pod of identical racks", {
//       {"model", enumeration("Accelerator model", {"GB200", "MI300X"})},
//       {"racks", integer("Number of racks", "", 1, 100000, 1)},
//   }, {"model"});
//
//   nlohmann::json doc = load_json_file("scenario.json");      // json_input.hpp
//   set_by_pointer(doc, "/pods/0/racks=16");                   // --set override
//   apply_defaults(doc, schema);
//   if (auto problems = validate(doc, schema); !problems.empty())
//       throw InputError("scenario.json", std::move(problems));
//
// Every diagnostic names a JSON pointer (RFC 6901) and says what was expected
// and what was found, e.g.
//   scenario.json: /pods/0/racks: expected an integer in [1, 100000], found -3
#pragma once

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "factorysim/core/error.hpp"

namespace factorysim::scenario {

// ---------------------------------------------------------------------------
// Diagnostics
// ---------------------------------------------------------------------------

/// One problem found in an input document.
struct Diagnostic {
    /// RFC 6901 JSON pointer of the offending value; "" is the document root.
    std::string pointer;
    /// Human-readable description, e.g. "expected an integer in [1, 100000], found -3".
    std::string message;

    friend bool operator==(const Diagnostic&, const Diagnostic&) = default;
};

/// Renders "<file>: <pointer>: <message>" ("(root)" stands for the empty pointer).
std::string format_diagnostic(const std::string& file, const Diagnostic& diagnostic);

/// Prints "<pointer>: <message>" (handy for test frameworks).
std::ostream& operator<<(std::ostream& os, const Diagnostic& diagnostic);

/// Thrown when an input (file, command-line override, ...) is invalid. what()
/// lists every diagnostic, one per line, as "<file>: <pointer>: <message>".
/// It is a factorysim::UsageError (hence a std::runtime_error): the user can fix it.
class InputError : public factorysim::UsageError {
public:
    InputError(std::string file, std::vector<Diagnostic> diagnostics);

    const std::string& file() const noexcept { return file_; }
    const std::vector<Diagnostic>& diagnostics() const noexcept { return diagnostics_; }

private:
    std::string file_;
    std::vector<Diagnostic> diagnostics_;
};

// ---------------------------------------------------------------------------
// Schema
// ---------------------------------------------------------------------------

enum class Kind { Object, Array, String, Number, Integer, Boolean, Any };

/// "object", "array", "string", "number", "integer", "boolean", "any".
std::string_view to_string(Kind kind) noexcept;

/// One node of a schema tree. Build trees with the helper functions below
/// (object, number, integer, ...) and refine them with the fluent setters.
struct Schema {
    Kind kind = Kind::Any;
    std::string description;
    std::string unit;  ///< e.g. "kW", "degC", "h"; shown in messages and in the JSON Schema

    /// Filled in by apply_defaults() when the key is missing from its parent object.
    std::optional<nlohmann::json> default_value;

    // Number / Integer
    std::optional<double> minimum, maximum;
    bool exclusive_minimum = false;
    bool exclusive_maximum = false;

    // String: allowed values (empty = any string)
    std::vector<std::string> enum_values;

    // Object
    std::vector<std::pair<std::string, Schema>> properties;  ///< in documentation order
    std::vector<std::string> required;
    bool additional_properties = false;  ///< unknown keys are errors unless true

    // Array
    std::shared_ptr<Schema> items;
    std::optional<std::size_t> min_items, max_items;

    /// Object discriminated by its "type" string (e.g. cooling "air" vs
    /// "neptune_dlc"): each alternative is an Object schema whose "type"
    /// property is an enumeration with exactly one value. When non-empty, the
    /// alternatives replace `properties`/`required` of this node.
    std::vector<Schema> one_of_by_type;

    // -- fluent setters (usable on temporaries and on lvalues) --------------
    Schema& with_description(std::string text) &;
    Schema with_description(std::string text) &&;
    Schema& with_unit(std::string unit_name) &;
    Schema with_unit(std::string unit_name) &&;
    Schema& with_default(nlohmann::json value) &;
    Schema with_default(nlohmann::json value) &&;
    Schema& with_minimum(double value, bool exclusive = false) &;
    Schema with_minimum(double value, bool exclusive = false) &&;
    Schema& with_maximum(double value, bool exclusive = false) &;
    Schema with_maximum(double value, bool exclusive = false) &&;
    Schema& with_additional_properties(bool allowed = true) &;
    Schema with_additional_properties(bool allowed = true) &&;
    Schema& with_item_count(std::optional<std::size_t> min, std::optional<std::size_t> max) &;
    Schema with_item_count(std::optional<std::size_t> min, std::optional<std::size_t> max) &&;

    // -- queries ---------------------------------------------------------------
    /// The schema of property `name`, or nullptr.
    const Schema* property(std::string_view name) const;
    bool is_required(std::string_view name) const;
    /// For a discriminated object: the alternative whose "type" is `type_name`, or nullptr.
    const Schema* alternative(std::string_view type_name) const;
    /// For a discriminated object: the known "type" values, in declaration order.
    std::vector<std::string> type_names() const;
};

// -- builders ----------------------------------------------------------------

Schema object(std::string description,
              std::vector<std::pair<std::string, Schema>> properties,
              std::vector<std::string> required = {});

/// An alternative of a discriminated object: an object whose first property is
/// a required "type" that must equal `type_name`.
Schema object_variant(std::string type_name, std::string description,
                      std::vector<std::pair<std::string, Schema>> properties,
                      std::vector<std::string> required = {});

/// An object discriminated by its "type" key. Throws std::invalid_argument if an
/// alternative is not an object with a single-valued "type" enumeration, or if
/// two alternatives share a type name (these are programming errors).
Schema discriminated(std::string description, std::vector<Schema> alternatives);

Schema number(std::string description, std::string unit = {},
              std::optional<double> minimum = {}, std::optional<double> maximum = {},
              std::optional<double> default_value = {});

/// Integers are JSON numbers with no fractional part; 16.0 is accepted as 16.
Schema integer(std::string description, std::string unit = {},
               std::optional<double> minimum = {}, std::optional<double> maximum = {},
               std::optional<std::int64_t> default_value = {});

Schema string(std::string description, std::optional<std::string> default_value = {});

Schema enumeration(std::string description, std::vector<std::string> values,
                   std::optional<std::string> default_value = {});

Schema boolean(std::string description, std::optional<bool> default_value = {});

Schema array(std::string description, Schema item,
             std::optional<std::size_t> min_items = {}, std::optional<std::size_t> max_items = {});

/// Accepts any JSON value (no validation below this node).
Schema any(std::string description);

// ---------------------------------------------------------------------------
// Operations
// ---------------------------------------------------------------------------

/// Returns ALL problems of `doc` against `schema` (empty = valid). The order is
/// a depth-first walk of the document: a node's own problems (wrong type, missing
/// required keys, ...) come before those of its members; object members are
/// visited in nlohmann::json's key order, array elements by index.
std::vector<Diagnostic> validate(const nlohmann::json& doc, const Schema& schema);

/// validate(), throwing InputError(file, diagnostics) if anything is wrong.
void validate_or_throw(const nlohmann::json& doc, const Schema& schema, const std::string& file);

/// Fills in missing object keys that have a default, recursively (inserted
/// defaults are themselves completed, array items and discriminated objects
/// included). Values of the wrong type are left alone for validate() to report.
/// A discriminated object without "type" gets the type of the one alternative
/// whose "type" property declares a default, if there is exactly one.
void apply_defaults(nlohmann::json& doc, const Schema& schema);

/// Converts to a JSON Schema (draft 2020-12) document.
nlohmann::json to_json_schema(const Schema& schema);

/// Best close match of `unknown` among `candidates` (case-insensitive optimal
/// string alignment distance <= max(2, len/3), or `unknown` being a prefix of a
/// candidate), or "" if nothing is close.
std::string did_you_mean(std::string_view unknown, const std::vector<std::string>& candidates);

/// Applies a command-line override "POINTER=VALUE", e.g. "/pods/0/racks=16".
/// VALUE is parsed as JSON if it parses (16, true, "x", [1,2]); otherwise it is
/// taken verbatim as a string. Missing object members along the path are
/// created; "-" as the last token appends to an array. Throws
/// InputError("--set", {{pointer, message}}) on a malformed assignment, on an
/// array index out of range, or when the path runs through a scalar.
void set_by_pointer(nlohmann::json& doc, std::string_view assignment);

// -- helpers shared with the input layer ---------------------------------------

/// `pointer` + "/" + token, escaping "~" and "/" as RFC 6901 requires.
std::string append_pointer(std::string_view pointer, std::string_view token);
std::string append_pointer(std::string_view pointer, std::size_t index);

/// Short description of a value for messages, abbreviated to about `max_chars`:
/// `a string ("abc")`, `a number (75)`, `a boolean (true)`, `null`,
/// `an array ([1, 2, 3])`, `an object ({"racks": 16})`.
std::string describe_value(const nlohmann::json& value, std::size_t max_chars = 40);

}  // namespace factorysim::scenario
