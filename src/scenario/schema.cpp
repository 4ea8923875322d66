#include "factorysim/scenario/schema.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <ostream>
#include <system_error>

#include <fmt/format.h>

#include "factorysim/scenario/json_input.hpp"

namespace factorysim::scenario {

using nlohmann::json;

namespace {

// ---------------------------------------------------------------------------
// Small text helpers
// ---------------------------------------------------------------------------

/// Largest n' <= n such that s[0, n') does not end in the middle of a UTF-8 sequence.
std::size_t utf8_cut(std::string_view s, std::size_t n) {
    if (n >= s.size()) return s.size();
    while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0u) == 0x80u) --n;
    return n;
}

std::string json_string_literal(std::string_view s) {
    return json(std::string(s)).dump(-1, ' ', false, json::error_handler_t::replace);
}

/// `"text"`, JSON-escaped, with the contents abbreviated to about max_chars.
std::string quote(std::string_view s, std::size_t max_chars = 40) {
    if (s.size() <= max_chars) return json_string_literal(s);
    const std::size_t keep = utf8_cut(s, max_chars > 3 ? max_chars - 3 : 0);
    std::string lit = json_string_literal(s.substr(0, keep));
    lit.insert(lit.size() - 1, "...");
    return lit;
}

std::string format_number(double d) {
    if (std::isnan(d)) return "NaN";
    if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
    if (std::trunc(d) == d && std::fabs(d) < 1e15) {
        return std::to_string(static_cast<long long>(d));
    }
    char buf[64];
    const auto res = std::to_chars(buf, buf + sizeof buf, d);
    return std::string(buf, res.ptr);
}

std::string scalar_text(const json& v) {
    if (v.is_number_float()) {
        const double d = v.get<double>();
        if (!std::isfinite(d)) return format_number(d);
    }
    return v.dump(-1, ' ', false, json::error_handler_t::replace);
}

/// Appends a compact rendering of `v` to `out`, giving up once out exceeds `budget`.
void preview(const json& v, std::string& out, std::size_t budget) {
    if (out.size() > budget) return;
    switch (v.type()) {
        case json::value_t::object: {
            out += '{';
            bool first = true;
            for (auto it = v.begin(); it != v.end(); ++it) {
                if (out.size() > budget) return;
                if (!first) out += ", ";
                first = false;
                const std::string& key = it.key();
                out += json_string_literal(std::string_view(key).substr(0, utf8_cut(key, budget + 1)));
                out += ": ";
                preview(it.value(), out, budget);
            }
            out += '}';
            break;
        }
        case json::value_t::array: {
            out += '[';
            bool first = true;
            for (const auto& e : v) {
                if (out.size() > budget) return;
                if (!first) out += ", ";
                first = false;
                preview(e, out, budget);
            }
            out += ']';
            break;
        }
        case json::value_t::string: {
            const auto& s = v.get_ref<const std::string&>();
            out += json_string_literal(std::string_view(s).substr(0, utf8_cut(s, budget + 1)));
            break;
        }
        case json::value_t::binary: out += "<binary>"; break;
        case json::value_t::discarded: out += "<discarded>"; break;
        default: out += scalar_text(v); break;
    }
}

std::string abbreviated(const json& v, std::size_t max_chars) {
    if (v.is_string()) return quote(v.get_ref<const std::string&>(), max_chars);
    std::string out;
    preview(v, out, max_chars);
    if (out.size() > max_chars) {
        out.resize(utf8_cut(out, max_chars > 3 ? max_chars - 3 : 0));
        out += "...";
    }
    return out;
}

std::string plural(std::size_t n, std::string_view word) {
    std::string s = std::to_string(n);
    s += ' ';
    s += word;
    if (n != 1) s += 's';
    return s;
}

/// `"a"` or `one of "a", "b", "c"`.
std::string one_of_phrase(const std::vector<std::string>& values) {
    if (values.size() == 1) return quote(values.front(), 1000);
    std::string s = "one of ";
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (i) s += ", ";
        s += quote(values[i], 1000);
    }
    return s;
}

std::string lower_ascii(std::string_view s) {
    std::string r(s);
    for (char& c : r) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return r;
}

/// Optimal string alignment distance (Levenshtein + adjacent transpositions).
std::size_t osa_distance(std::string_view a, std::string_view b) {
    const std::size_t n = a.size(), m = b.size();
    std::vector<std::size_t> prev2(m + 1), prev(m + 1), cur(m + 1);
    for (std::size_t j = 0; j <= m; ++j) prev[j] = j;
    for (std::size_t i = 1; i <= n; ++i) {
        cur[0] = i;
        for (std::size_t j = 1; j <= m; ++j) {
            const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
                cur[j] = std::min(cur[j], prev2[j - 2] + 1);
            }
        }
        std::swap(prev2, prev);
        std::swap(prev, cur);
    }
    return prev[m];
}

// ---------------------------------------------------------------------------
// Schema phrases
// ---------------------------------------------------------------------------

std::string range_phrase(const Schema& s) {
    std::string r;
    if (s.minimum && s.maximum) {
        r = "in ";
        r += s.exclusive_minimum ? '(' : '[';
        r += format_number(*s.minimum);
        r += ", ";
        r += format_number(*s.maximum);
        r += s.exclusive_maximum ? ')' : ']';
    } else if (s.minimum) {
        r = (s.exclusive_minimum ? "> " : ">= ") + format_number(*s.minimum);
    } else if (s.maximum) {
        r = (s.exclusive_maximum ? "< " : "<= ") + format_number(*s.maximum);
    } else {
        return {};
    }
    if (!s.unit.empty()) r += ' ' + s.unit;
    return r;
}

/// What a value of schema `s` looks like: "an integer in [1, 100000]", "one of \"a\", \"b\"", ...
std::string expected_phrase(const Schema& s) {
    switch (s.kind) {
        case Kind::Object: return "an object";
        case Kind::Array: return "an array";
        case Kind::String: return s.enum_values.empty() ? "a string" : one_of_phrase(s.enum_values);
        case Kind::Boolean: return "true or false";
        case Kind::Any: return "any value";
        case Kind::Number:
        case Kind::Integer: {
            std::string p = s.kind == Kind::Number ? "a number" : "an integer";
            if (const auto r = range_phrase(s); !r.empty()) p += ' ' + r;
            return p;
        }
    }
    return "a value";
}

std::string item_count_phrase(const Schema& s) {
    if (s.min_items && s.max_items) {
        if (*s.min_items == *s.max_items) return "exactly " + plural(*s.min_items, "item");
        return std::to_string(*s.min_items) + " to " + plural(*s.max_items, "item");
    }
    if (s.min_items) return "at least " + plural(*s.min_items, "item");
    if (s.max_items) return "at most " + plural(*s.max_items, "item");
    return "any number of items";
}

std::string suggestion_suffix(std::string_view found, const std::vector<std::string>& candidates) {
    const std::string best = did_you_mean(found, candidates);
    if (best.empty()) return {};
    return "; did you mean " + quote(best, 1000) + "?";
}

std::string enum_mismatch(const std::vector<std::string>& values, const json& found) {
    std::string m = "expected " + one_of_phrase(values) + ", found ";
    if (found.is_string()) {
        const auto& s = found.get_ref<const std::string&>();
        m += quote(s);
        m += suggestion_suffix(s, values);
    } else {
        m += describe_value(found);
    }
    return m;
}

std::string unknown_key_message(const std::string& key, const Schema& s) {
    std::string m = "unknown key " + quote(key);
    std::vector<std::string> names;
    names.reserve(s.properties.size());
    for (const auto& [name, _] : s.properties) names.push_back(name);
    if (names.empty()) return m + "; this object takes no keys";
    if (const auto best = did_you_mean(key, names); !best.empty()) {
        return m + "; did you mean " + quote(best, 1000) + "?";
    }
    m += "; expected one of: ";
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (i) m += ", ";
        m += names[i];
    }
    return m;
}

// ---------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------

class Validator {
public:
    explicit Validator(std::vector<Diagnostic>& out) : out_(out) {}

    void check(const json& v, const Schema& s, const std::string& ptr) {
        switch (s.kind) {
            case Kind::Object:
                if (!s.one_of_by_type.empty()) {
                    check_discriminated(v, s, ptr);
                } else {
                    check_object(v, s, ptr);
                }
                break;
            case Kind::Array: check_array(v, s, ptr); break;
            case Kind::String: check_string(v, s, ptr); break;
            case Kind::Number:
            case Kind::Integer: check_number(v, s, ptr); break;
            case Kind::Boolean:
                if (!v.is_boolean()) mismatch(v, s, ptr);
                break;
            case Kind::Any: break;
        }
    }

private:
    void report(const std::string& ptr, std::string message) {
        out_.push_back(Diagnostic{ptr, std::move(message)});
    }

    void mismatch(const json& v, const Schema& s, const std::string& ptr) {
        report(ptr, "expected " + expected_phrase(s) + ", found " + describe_value(v));
    }

    void check_object(const json& v, const Schema& s, const std::string& ptr) {
        if (!v.is_object()) return mismatch(v, s, ptr);
        for (const auto& name : s.required) {
            if (!v.contains(name)) report(ptr, "missing required key " + quote(name, 1000));
        }
        for (auto it = v.begin(); it != v.end(); ++it) {
            const std::string& key = it.key();
            const std::string child = append_pointer(ptr, key);
            if (const Schema* p = s.property(key)) {
                check(it.value(), *p, child);
            } else if (!s.additional_properties) {
                report(child, unknown_key_message(key, s));
            }
        }
    }

    void check_discriminated(const json& v, const Schema& s, const std::string& ptr) {
        if (!v.is_object()) return mismatch(v, s, ptr);
        const std::vector<std::string> names = s.type_names();
        const auto t = v.find("type");
        if (t == v.end()) {
            report(ptr, "missing required key \"type\"; expected " + one_of_phrase(names));
            return;
        }
        const std::string type_ptr = append_pointer(ptr, "type");
        if (!t->is_string()) {
            report(type_ptr, enum_mismatch(names, *t));
            return;
        }
        const Schema* alt = s.alternative(t->get_ref<const std::string&>());
        if (!alt) {
            report(type_ptr, enum_mismatch(names, *t));
            return;
        }
        check_object(v, *alt, ptr);
    }

    void check_array(const json& v, const Schema& s, const std::string& ptr) {
        if (!v.is_array()) return mismatch(v, s, ptr);
        const std::size_t n = v.size();
        if ((s.min_items && n < *s.min_items) || (s.max_items && n > *s.max_items)) {
            report(ptr, "expected " + item_count_phrase(s) + ", found " +
                            (n == 0 ? std::string("an empty array") : std::to_string(n)));
        }
        if (!s.items) return;
        for (std::size_t i = 0; i < n; ++i) check(v[i], *s.items, append_pointer(ptr, i));
    }

    void check_string(const json& v, const Schema& s, const std::string& ptr) {
        if (!s.enum_values.empty()) {
            const bool ok = v.is_string() &&
                            std::find(s.enum_values.begin(), s.enum_values.end(),
                                      v.get_ref<const std::string&>()) != s.enum_values.end();
            if (!ok) report(ptr, enum_mismatch(s.enum_values, v));
            return;
        }
        if (!v.is_string()) mismatch(v, s, ptr);
    }

    void check_number(const json& v, const Schema& s, const std::string& ptr) {
        if (!v.is_number()) return mismatch(v, s, ptr);
        const double x = v.get<double>();
        if (v.is_number_float() && !std::isfinite(x)) {
            report(ptr, "expected a finite number, found " + format_number(x));
            return;
        }
        // 16.0 is an acceptable integer; 2.5 is not.
        const bool integral = !v.is_number_float() || std::trunc(x) == x;
        const bool below = s.minimum && (s.exclusive_minimum ? x <= *s.minimum : x < *s.minimum);
        const bool above = s.maximum && (s.exclusive_maximum ? x >= *s.maximum : x > *s.maximum);
        if ((s.kind == Kind::Integer && !integral) || below || above) {
            report(ptr, "expected " + expected_phrase(s) + ", found " + scalar_text(v));
        }
    }

    std::vector<Diagnostic>& out_;
};

// ---------------------------------------------------------------------------
// Defaults
// ---------------------------------------------------------------------------

const Schema* type_property(const Schema& alternative) { return alternative.property("type"); }

void fill_defaults(json& v, const Schema& s) {
    switch (s.kind) {
        case Kind::Object: {
            if (!v.is_object()) return;
            if (!s.one_of_by_type.empty()) {
                const Schema* alt = nullptr;
                const auto t = v.find("type");
                if (t == v.end()) {
                    const Schema* candidate = nullptr;
                    int count = 0;
                    for (const auto& a : s.one_of_by_type) {
                        const Schema* tp = type_property(a);
                        if (tp && tp->default_value) {
                            candidate = &a;
                            ++count;
                        }
                    }
                    if (count == 1) {
                        v["type"] = *type_property(*candidate)->default_value;
                        alt = candidate;
                    }
                } else if (t->is_string()) {
                    alt = s.alternative(t->get_ref<const std::string&>());
                }
                if (alt) fill_defaults(v, *alt);
                return;
            }
            for (const auto& [name, ps] : s.properties) {
                const auto it = v.find(name);
                if (it != v.end()) {
                    fill_defaults(*it, ps);
                } else if (ps.default_value) {
                    json& slot = v[name];
                    slot = *ps.default_value;
                    fill_defaults(slot, ps);
                }
            }
            return;
        }
        case Kind::Array:
            if (v.is_array() && s.items) {
                for (auto& e : v) fill_defaults(e, *s.items);
            }
            return;
        default: return;
    }
}

// ---------------------------------------------------------------------------
// JSON Schema export
// ---------------------------------------------------------------------------

/// Integral bounds are written as JSON integers (60 rather than 60.0).
json bound(double d) {
    if (std::trunc(d) == d && std::fabs(d) < 9.0e15) return json(static_cast<std::int64_t>(d));
    return json(d);
}

json export_node(const Schema& s) {
    json j = json::object();
    std::string desc = s.description;
    if (!s.unit.empty()) {
        if (!desc.empty()) desc += ' ';
        desc += '[' + s.unit + ']';
    }
    if (!desc.empty()) j["description"] = desc;

    switch (s.kind) {
        case Kind::Object:
            j["type"] = "object";
            if (!s.one_of_by_type.empty()) {
                json alts = json::array();
                for (const auto& a : s.one_of_by_type) {
                    json aj = export_node(a);
                    json& req = aj["required"];
                    if (!req.is_array()) req = json::array();
                    if (std::find(req.begin(), req.end(), json("type")) == req.end()) {
                        req.insert(req.begin(), json("type"));
                    }
                    alts.push_back(std::move(aj));
                }
                j["oneOf"] = std::move(alts);
            } else {
                json props = json::object();
                for (const auto& [name, ps] : s.properties) props[name] = export_node(ps);
                j["properties"] = std::move(props);
                if (!s.required.empty()) j["required"] = s.required;
                j["additionalProperties"] = s.additional_properties;
            }
            break;
        case Kind::Array:
            j["type"] = "array";
            if (s.items) j["items"] = export_node(*s.items);
            if (s.min_items) j["minItems"] = *s.min_items;
            if (s.max_items) j["maxItems"] = *s.max_items;
            break;
        case Kind::String:
            j["type"] = "string";
            if (!s.enum_values.empty()) j["enum"] = s.enum_values;
            break;
        case Kind::Number:
        case Kind::Integer: {
            j["type"] = s.kind == Kind::Integer ? "integer" : "number";
            if (s.minimum) j[s.exclusive_minimum ? "exclusiveMinimum" : "minimum"] = bound(*s.minimum);
            if (s.maximum) j[s.exclusive_maximum ? "exclusiveMaximum" : "maximum"] = bound(*s.maximum);
            break;
        }
        case Kind::Boolean: j["type"] = "boolean"; break;
        case Kind::Any: break;
    }
    if (s.default_value) j["default"] = *s.default_value;
    return j;
}

// ---------------------------------------------------------------------------
// --set
// ---------------------------------------------------------------------------

[[noreturn]] void set_error(std::string pointer, std::string message) {
    throw InputError("--set", {Diagnostic{std::move(pointer), std::move(message)}});
}

constexpr std::string_view kSetExample = "for example /pods/0/racks=16";

std::vector<std::string> split_pointer(std::string_view pointer) {
    std::vector<std::string> tokens;
    std::size_t pos = 1;  // skip the leading '/'
    while (true) {
        const std::size_t next = pointer.find('/', pos);
        const std::string_view raw =
            pointer.substr(pos, next == std::string_view::npos ? std::string_view::npos : next - pos);
        std::string tok;
        for (std::size_t i = 0; i < raw.size(); ++i) {
            if (raw[i] != '~') {
                tok += raw[i];
                continue;
            }
            if (i + 1 < raw.size() && (raw[i + 1] == '0' || raw[i + 1] == '1')) {
                tok += raw[i + 1] == '0' ? '~' : '/';
                ++i;
                continue;
            }
            set_error(std::string(pointer),
                      "invalid escape " + quote(raw.substr(i, 2)) +
                          " in the JSON pointer; write ~0 for '~' and ~1 for '/'");
        }
        tokens.push_back(std::move(tok));
        if (next == std::string_view::npos) break;
        pos = next + 1;
    }
    return tokens;
}

json parse_override_value(std::string_view text) {
    try {
        return parse_json_value(text, "--set");
    } catch (const InputError&) {
        return json(std::string(text));
    }
}

std::string where(const std::string& pointer) { return pointer.empty() ? "the document root" : pointer; }

}  // namespace

// ---------------------------------------------------------------------------
// Diagnostics
// ---------------------------------------------------------------------------

std::string format_diagnostic(const std::string& file, const Diagnostic& d) {
    return file + ": " + (d.pointer.empty() ? std::string("(root)") : d.pointer) + ": " + d.message;
}

std::ostream& operator<<(std::ostream& os, const Diagnostic& d) {
    return os << (d.pointer.empty() ? std::string("(root)") : d.pointer) << ": " << d.message;
}

namespace {
// A pointer with its array indices as "*": /workloads/7/racks -> /workloads/*/racks.
std::string pointer_shape(const std::string& pointer) {
    std::string out;
    std::size_t i = 0;
    while (i < pointer.size()) {
        const std::size_t next = pointer.find('/', i + 1);
        const std::string segment = pointer.substr(i, next == std::string::npos ? std::string::npos : next - i);
        const bool index = segment.size() > 1 && segment.find_first_not_of("0123456789", 1) == std::string::npos;
        out += index ? "/*" : segment;
        if (next == std::string::npos) break;
        i = next;
    }
    return out;
}

// Every diagnostic, except that the same message at pointers differing only in array
// indices (400 generated jobs with the same mistake) is shown three times, then counted.
std::string render_all(const std::string& file, const std::vector<Diagnostic>& diagnostics) {
    if (diagnostics.empty()) return file + ": invalid input";
    constexpr int shown_per_group = 3;
    std::map<std::pair<std::string, std::string>, int> seen;
    std::vector<std::pair<std::string, std::string>> order;
    std::string out;
    for (const auto& d : diagnostics) {
        const auto key = std::make_pair(pointer_shape(d.pointer), d.message);
        const int n = ++seen[key];
        if (n == 1) order.push_back(key);
        if (n > shown_per_group) continue;
        if (!out.empty()) out += '\n';
        out += format_diagnostic(file, d);
    }
    for (const auto& key : order) {
        const int n = seen[key];
        if (n > shown_per_group)
            out += fmt::format("\n{}: {}: {} more with the same message", file, key.first, n - shown_per_group);
    }
    return out;
}
}  // namespace

InputError::InputError(std::string file, std::vector<Diagnostic> diagnostics)
    : factorysim::UsageError(render_all(file, diagnostics)),
      file_(std::move(file)),
      diagnostics_(std::move(diagnostics)) {}

// ---------------------------------------------------------------------------
// Schema members
// ---------------------------------------------------------------------------

std::string_view to_string(Kind kind) noexcept {
    switch (kind) {
        case Kind::Object: return "object";
        case Kind::Array: return "array";
        case Kind::String: return "string";
        case Kind::Number: return "number";
        case Kind::Integer: return "integer";
        case Kind::Boolean: return "boolean";
        case Kind::Any: return "any";
    }
    return "unknown";
}

Schema& Schema::with_description(std::string text) & {
    description = std::move(text);
    return *this;
}
Schema Schema::with_description(std::string text) && {
    with_description(std::move(text));
    return std::move(*this);
}
Schema& Schema::with_unit(std::string unit_name) & {
    unit = std::move(unit_name);
    return *this;
}
Schema Schema::with_unit(std::string unit_name) && {
    with_unit(std::move(unit_name));
    return std::move(*this);
}
Schema& Schema::with_default(json value) & {
    default_value = std::move(value);
    return *this;
}
Schema Schema::with_default(json value) && {
    with_default(std::move(value));
    return std::move(*this);
}
Schema& Schema::with_minimum(double value, bool exclusive) & {
    minimum = value;
    exclusive_minimum = exclusive;
    return *this;
}
Schema Schema::with_minimum(double value, bool exclusive) && {
    with_minimum(value, exclusive);
    return std::move(*this);
}
Schema& Schema::with_maximum(double value, bool exclusive) & {
    maximum = value;
    exclusive_maximum = exclusive;
    return *this;
}
Schema Schema::with_maximum(double value, bool exclusive) && {
    with_maximum(value, exclusive);
    return std::move(*this);
}
Schema& Schema::with_additional_properties(bool allowed) & {
    additional_properties = allowed;
    return *this;
}
Schema Schema::with_additional_properties(bool allowed) && {
    with_additional_properties(allowed);
    return std::move(*this);
}
Schema& Schema::with_item_count(std::optional<std::size_t> min, std::optional<std::size_t> max) & {
    min_items = min;
    max_items = max;
    return *this;
}
Schema Schema::with_item_count(std::optional<std::size_t> min, std::optional<std::size_t> max) && {
    with_item_count(min, max);
    return std::move(*this);
}

const Schema* Schema::property(std::string_view name) const {
    for (const auto& [key, schema] : properties) {
        if (key == name) return &schema;
    }
    return nullptr;
}

bool Schema::is_required(std::string_view name) const {
    return std::find(required.begin(), required.end(), name) != required.end();
}

const Schema* Schema::alternative(std::string_view type_name) const {
    for (const auto& alt : one_of_by_type) {
        const Schema* tp = alt.property("type");
        if (tp && tp->enum_values.size() == 1 && tp->enum_values.front() == type_name) return &alt;
    }
    return nullptr;
}

std::vector<std::string> Schema::type_names() const {
    std::vector<std::string> names;
    for (const auto& alt : one_of_by_type) {
        const Schema* tp = alt.property("type");
        if (tp && tp->enum_values.size() == 1) names.push_back(tp->enum_values.front());
    }
    return names;
}

// ---------------------------------------------------------------------------
// Builders
// ---------------------------------------------------------------------------

Schema object(std::string description, std::vector<std::pair<std::string, Schema>> properties,
              std::vector<std::string> required) {
    Schema s;
    s.kind = Kind::Object;
    s.description = std::move(description);
    s.properties = std::move(properties);
    s.required = std::move(required);
    return s;
}

Schema object_variant(std::string type_name, std::string description,
                      std::vector<std::pair<std::string, Schema>> properties,
                      std::vector<std::string> required) {
    std::string type_desc = "Discriminator: always \"" + type_name + "\"";
    properties.insert(properties.begin(),
                      std::pair<std::string, Schema>("type", enumeration(std::move(type_desc), {std::move(type_name)})));
    if (std::find(required.begin(), required.end(), "type") == required.end()) {
        required.insert(required.begin(), "type");
    }
    return object(std::move(description), std::move(properties), std::move(required));
}

Schema discriminated(std::string description, std::vector<Schema> alternatives) {
    std::vector<std::string> seen;
    for (const auto& alt : alternatives) {
        const Schema* tp = alt.property("type");
        if (alt.kind != Kind::Object || !tp || tp->kind != Kind::String || tp->enum_values.size() != 1) {
            throw std::invalid_argument(
                "discriminated(\"" + description +
                "\"): every alternative must be an object whose \"type\" property is an enumeration "
                "with exactly one value");
        }
        if (std::find(seen.begin(), seen.end(), tp->enum_values.front()) != seen.end()) {
            throw std::invalid_argument("discriminated(\"" + description + "\"): type \"" +
                                        tp->enum_values.front() + "\" is declared twice");
        }
        seen.push_back(tp->enum_values.front());
    }
    Schema s;
    s.kind = Kind::Object;
    s.description = std::move(description);
    s.one_of_by_type = std::move(alternatives);
    return s;
}

Schema number(std::string description, std::string unit, std::optional<double> minimum,
              std::optional<double> maximum, std::optional<double> default_value) {
    Schema s;
    s.kind = Kind::Number;
    s.description = std::move(description);
    s.unit = std::move(unit);
    s.minimum = minimum;
    s.maximum = maximum;
    if (default_value) s.default_value = json(*default_value);
    return s;
}

Schema integer(std::string description, std::string unit, std::optional<double> minimum,
               std::optional<double> maximum, std::optional<std::int64_t> default_value) {
    Schema s;
    s.kind = Kind::Integer;
    s.description = std::move(description);
    s.unit = std::move(unit);
    s.minimum = minimum;
    s.maximum = maximum;
    if (default_value) s.default_value = json(*default_value);
    return s;
}

Schema string(std::string description, std::optional<std::string> default_value) {
    Schema s;
    s.kind = Kind::String;
    s.description = std::move(description);
    if (default_value) s.default_value = json(std::move(*default_value));
    return s;
}

Schema enumeration(std::string description, std::vector<std::string> values,
                   std::optional<std::string> default_value) {
    Schema s;
    s.kind = Kind::String;
    s.description = std::move(description);
    s.enum_values = std::move(values);
    if (default_value) s.default_value = json(std::move(*default_value));
    return s;
}

Schema boolean(std::string description, std::optional<bool> default_value) {
    Schema s;
    s.kind = Kind::Boolean;
    s.description = std::move(description);
    if (default_value) s.default_value = json(*default_value);
    return s;
}

Schema array(std::string description, Schema item, std::optional<std::size_t> min_items,
             std::optional<std::size_t> max_items) {
    Schema s;
    s.kind = Kind::Array;
    s.description = std::move(description);
    s.items = std::make_shared<Schema>(std::move(item));
    s.min_items = min_items;
    s.max_items = max_items;
    return s;
}

Schema any(std::string description) {
    Schema s;
    s.kind = Kind::Any;
    s.description = std::move(description);
    return s;
}

// ---------------------------------------------------------------------------
// Operations
// ---------------------------------------------------------------------------

std::vector<Diagnostic> validate(const json& doc, const Schema& schema) {
    std::vector<Diagnostic> out;
    Validator(out).check(doc, schema, "");
    return out;
}

void validate_or_throw(const json& doc, const Schema& schema, const std::string& file) {
    auto diagnostics = validate(doc, schema);
    if (!diagnostics.empty()) throw InputError(file, std::move(diagnostics));
}

void apply_defaults(json& doc, const Schema& schema) { fill_defaults(doc, schema); }

json to_json_schema(const Schema& schema) {
    json j = export_node(schema);
    j["$schema"] = "https://json-schema.org/draft/2020-12/schema";
    return j;
}

std::string did_you_mean(std::string_view unknown, const std::vector<std::string>& candidates) {
    constexpr std::size_t kMaxLength = 128;  // nobody mistypes a 128-character key
    if (unknown.empty() || unknown.size() > kMaxLength) return {};
    const std::string u = lower_ascii(unknown);
    const std::size_t n = u.size();
    const std::size_t threshold = std::max<std::size_t>(2, n / 3);

    const std::string* best = nullptr;
    std::size_t best_distance = std::numeric_limits<std::size_t>::max();
    const std::string* best_partial = nullptr;  // unknown is a prefix / substring of the candidate
    int best_partial_rank = 3;

    for (const auto& candidate : candidates) {
        if (candidate.empty() || candidate.size() > kMaxLength) continue;
        const std::string c = lower_ascii(candidate);
        const std::size_t d = osa_distance(u, c);
        // d < n and d < |c|: never "suggest" a word that shares nothing with the input.
        if (d <= threshold && d < n && d < c.size() && d < best_distance) {
            best = &candidate;
            best_distance = d;
        }
        if (n >= 3) {
            const int rank = c.starts_with(u) ? 1 : (c.find(u) != std::string::npos ? 2 : 3);
            if (rank < best_partial_rank) {
                best_partial = &candidate;
                best_partial_rank = rank;
            }
        }
    }
    if (best) return *best;
    if (best_partial) return *best_partial;
    return {};
}

void set_by_pointer(json& doc, std::string_view assignment) {
    const std::size_t eq = assignment.find('=');
    if (eq == std::string_view::npos) {
        set_error(!assignment.empty() && assignment.front() == '/' ? std::string(assignment) : std::string(),
                  "expected POINTER=VALUE (" + std::string(kSetExample) + "), found " + quote(assignment) +
                      " with no '='");
    }
    const std::string_view pointer = assignment.substr(0, eq);
    const std::string_view value_text = assignment.substr(eq + 1);
    if (pointer.empty()) {
        set_error("", "the JSON pointer before '=' is empty; expected POINTER=VALUE (" +
                          std::string(kSetExample) + ")");
    }
    if (pointer.front() != '/') {
        set_error(std::string(pointer), "a JSON pointer must start with '/'; did you mean " +
                                            quote("/" + std::string(pointer), 1000) + "?");
    }
    const std::vector<std::string> tokens = split_pointer(pointer);
    json value = parse_override_value(value_text);

    json* cur = &doc;
    std::string walked;
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        const std::string& tok = tokens[i];
        const bool last = i + 1 == tokens.size();
        const std::string here = append_pointer(walked, tok);
        if (cur->is_null()) *cur = json::object();  // create missing members on the way

        if (cur->is_object()) {
            if (last) {
                (*cur)[tok] = std::move(value);
                return;
            }
            cur = &(*cur)[tok];
        } else if (cur->is_array()) {
            const std::size_t size = cur->size();
            if (tok == "-") {
                if (!last) set_error(here, "\"-\" (append to the array) may only be the last token of the pointer");
                cur->push_back(std::move(value));
                return;
            }
            const bool digits = !tok.empty() && std::all_of(tok.begin(), tok.end(),
                                                            [](char c) { return c >= '0' && c <= '9'; });
            if (!digits || (tok.size() > 1 && tok.front() == '0')) {
                set_error(here, quote(tok) + " is not an array index; " + where(walked) + " is an array of " +
                                    plural(size, "element"));
            }
            std::size_t index = 0;
            const auto res = std::from_chars(tok.data(), tok.data() + tok.size(), index);
            if (res.ec != std::errc() || index >= size) {
                std::string m = "array index " + tok + " is out of range; " + where(walked) + " has " +
                                plural(size, "element");
                if (size > 0) m += " (valid indices are 0 to " + std::to_string(size - 1) + ")";
                set_error(here, std::move(m));
            }
            if (last) {
                (*cur)[index] = std::move(value);
                return;
            }
            cur = &(*cur)[index];
        } else {
            set_error(here, "cannot set a member of " + where(walked) + ": it is " + describe_value(*cur) +
                                ", not an object or an array");
        }
        walked = here;
    }
}

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

std::string append_pointer(std::string_view pointer, std::string_view token) {
    std::string out(pointer);
    out.reserve(out.size() + token.size() + 1);
    out += '/';
    for (char c : token) {
        if (c == '~') {
            out += "~0";
        } else if (c == '/') {
            out += "~1";
        } else {
            out += c;
        }
    }
    return out;
}

std::string append_pointer(std::string_view pointer, std::size_t index) {
    std::string out(pointer);
    out += '/';
    out += std::to_string(index);
    return out;
}

std::string describe_value(const json& value, std::size_t max_chars) {
    switch (value.type()) {
        case json::value_t::null: return "null";
        case json::value_t::boolean: return "a boolean (" + scalar_text(value) + ")";
        case json::value_t::number_integer:
        case json::value_t::number_unsigned:
        case json::value_t::number_float: return "a number (" + scalar_text(value) + ")";
        case json::value_t::string: return "a string (" + abbreviated(value, max_chars) + ")";
        case json::value_t::array: return "an array (" + abbreviated(value, max_chars) + ")";
        case json::value_t::object: return "an object (" + abbreviated(value, max_chars) + ")";
        case json::value_t::binary: return "binary data";
        case json::value_t::discarded: return "a discarded value";
    }
    return "a value";
}

}  // namespace factorysim::scenario
