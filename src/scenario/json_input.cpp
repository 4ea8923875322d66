#include "factorysim/scenario/json_input.hpp"

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <iterator>
#include <memory>
#include <system_error>
#include <utility>
#include <vector>

namespace factorysim::scenario {

using nlohmann::json;

namespace {

constexpr std::size_t kNoOffset = static_cast<std::size_t>(-1);
constexpr std::size_t kMaxDiagnostics = 100;

// ---------------------------------------------------------------------------
// Text helpers
// ---------------------------------------------------------------------------

std::string hex_byte(unsigned char b) {
    constexpr char digits[] = "0123456789ABCDEF";
    std::string s = "0x";
    s += digits[b >> 4];
    s += digits[b & 0xF];
    return s;
}

/// Length of the valid UTF-8 sequence starting at s[i], or 0 if it is not valid.
std::size_t utf8_sequence_length(std::string_view s, std::size_t i) {
    const auto b = static_cast<unsigned char>(s[i]);
    std::size_t len = 0;
    if (b < 0x80) return 1;
    if (b >= 0xC2 && b <= 0xDF) {
        len = 2;
    } else if (b >= 0xE0 && b <= 0xEF) {
        len = 3;
    } else if (b >= 0xF0 && b <= 0xF4) {
        len = 4;
    } else {
        return 0;
    }
    if (i + len > s.size()) return 0;
    for (std::size_t k = 1; k < len; ++k) {
        if ((static_cast<unsigned char>(s[i + k]) & 0xC0u) != 0x80u) return 0;
    }
    return len;
}

/// Copy of `s` safe to embed in a message: invalid UTF-8 and control bytes are
/// shown as \xHH, and the result is abbreviated to about max_chars bytes.
std::string printable(std::string_view s, std::size_t max_chars = 40) {
    std::string out;
    for (std::size_t i = 0; i < s.size();) {
        if (out.size() >= max_chars) {
            out += "...";
            break;
        }
        const auto b = static_cast<unsigned char>(s[i]);
        const std::size_t len = utf8_sequence_length(s, i);
        if (len == 0 || b < 0x20 || b == 0x7F) {
            out += "\\x";
            out += hex_byte(b).substr(2);
            ++i;
        } else {
            out.append(s.substr(i, len));
            i += len;
        }
    }
    return out;
}

bool is_word_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '+' || c == '-' || c == '.';
}

/// The run of identifier-like characters around byte `off` ("NaN", "tru", "-Infinity").
std::string_view word_at(std::string_view text, std::size_t off) {
    if (off > text.size()) off = text.size();
    std::size_t begin = off;
    while (begin > 0 && is_word_char(text[begin - 1])) --begin;
    std::size_t end = off;
    while (end < text.size() && is_word_char(text[end])) ++end;
    return text.substr(begin, end - begin);
}

bool looks_like_nan_or_infinity(std::string_view word) {
    std::string w;
    for (char c : word) {
        if (c == '+' || c == '-') continue;
        w += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    }
    return w == "nan" || w == "inf" || w == "infinity";
}

/// A byte that cannot start a value: what it is, and a hint (may be empty).
struct StrayCharacter {
    std::string what;
    std::string hint;
};

StrayCharacter describe_stray_character(std::string_view text, std::size_t off) {
    if (off >= text.size()) return {"unexpected end of input", ""};
    const auto b = static_cast<unsigned char>(text[off]);
    if (b == 0) return {"unexpected byte 0x00 (NUL)", "this does not look like JSON text; is it a binary file?"};
    if (b < 0x20 || b == 0x7F) {
        return {"unexpected control character " + hex_byte(b), "this does not look like JSON text; is it a binary file?"};
    }
    if (b < 0x80) return {std::string("unexpected character '") + static_cast<char>(b) + "'", ""};
    const std::size_t len = utf8_sequence_length(text, off);
    if (len == 0) {
        return {"unexpected byte " + hex_byte(b) + ", which is not valid UTF-8",
                "JSON files must be UTF-8 text; is this a binary file?"};
    }
    const std::string_view ch = text.substr(off, len);
    StrayCharacter r{"unexpected character '" + std::string(ch) + "'", ""};
    if (ch == "\u201C" || ch == "\u201D" || ch == "\u2018" || ch == "\u2019") {
        r.hint = "typographic quotes are not JSON; use plain double quotes \"";
    }
    return r;
}

/// JSON string literal of `s` (valid UTF-8 assumed), abbreviated to about max_chars.
std::string quote_text(std::string_view s, std::size_t max_chars = 40) {
    std::size_t keep = s.size();
    bool cut = false;
    if (keep > max_chars) {
        keep = max_chars;
        while (keep > 0 && (static_cast<unsigned char>(s[keep]) & 0xC0u) == 0x80u) --keep;
        cut = true;
    }
    std::string q = json(std::string(s.substr(0, keep))).dump(-1, ' ', false, json::error_handler_t::replace);
    if (cut) q.insert(q.size() - 1, "...");
    return q;
}

std::string human_bytes(std::uintmax_t n) {
    if (n < 1024) return std::to_string(n) + " bytes";
    const char* units[] = {"KiB", "MiB", "GiB", "TiB"};
    double v = static_cast<double>(n);
    int u = -1;
    while (v >= 1024.0 && u < 3) {
        v /= 1024.0;
        ++u;
    }
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.1f %s", v, units[u]);
    return std::string(buf) + " (" + std::to_string(n) + " bytes)";
}

std::string too_large_message(std::uintmax_t size, std::size_t limit) {
    return "the file is " + human_bytes(size) + ", more than the limit of " + human_bytes(limit);
}

bool is_json_whitespace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

bool is_blank(std::string_view text) {
    if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // UTF-8 byte order mark
    for (char c : text) {
        if (!is_json_whitespace(c)) return false;
    }
    return true;
}

// ---------------------------------------------------------------------------
// Positions
// ---------------------------------------------------------------------------

/// Converts increasing byte offsets to line/column in O(total text) overall.
class PositionTracker {
public:
    explicit PositionTracker(std::string_view text) : text_(text) {}

    TextPosition at(std::size_t offset) {
        if (offset > text_.size()) offset = text_.size();
        if (offset < offset_) *this = PositionTracker(text_);
        for (; offset_ < offset; ++offset_) {
            const auto b = static_cast<unsigned char>(text_[offset_]);
            if (b == '\n') {
                ++pos_.line;
                pos_.column = 1;
            } else if ((b & 0xC0u) != 0x80u && !(pos_.line == 1 && offset_ == 0 && bom())) {
                ++pos_.column;  // count characters, not UTF-8 continuation bytes
            }
        }
        return pos_;
    }

private:
    bool bom() const { return text_.substr(0, 3) == "\xEF\xBB\xBF"; }

    std::string_view text_;
    std::size_t offset_ = 0;
    TextPosition pos_{};
};

// ---------------------------------------------------------------------------
// Rewriting nlohmann's parse errors into sentences
// ---------------------------------------------------------------------------

std::string strip_library_prefix(std::string m) {
    if (m.rfind("[json.exception.", 0) == 0) {
        if (const auto p = m.find("] "); p != std::string::npos) m.erase(0, p + 2);
    }
    if (m.rfind("parse error", 0) == 0) {
        if (const auto p = m.find(": "); p != std::string::npos) m.erase(0, p + 2);
    }
    return m;
}

std::string context_phrase(std::string_view ctx) {
    if (ctx == "value") return "a value";
    if (ctx == "object" || ctx == "object separator") return "an object";
    if (ctx == "object key") return "an object key";
    if (ctx == "array") return "an array";
    return std::string(ctx);
}

/// nlohmann token names ("string literal", "'[', '{', or a literal") in plain words.
std::string token_phrase(std::string_view t, bool expected, bool key_context) {
    if (t == "'[', '{', or a literal") return "a JSON value";
    if (t == "string literal") {
        if (!expected) return "string";
        return key_context ? "a key in double quotes" : "a string in double quotes";
    }
    if (t == "number literal") return expected ? "a number" : "number";
    if (t == "true literal") return "true";
    if (t == "false literal") return "false";
    if (t == "null literal") return "null";
    if (t == "end of input") return expected ? "the end of the input" : "end of input";
    return std::string(t);
}

/// Previous non-whitespace character before `off`, or '\0'.
char previous_significant(std::string_view text, std::size_t off) {
    if (off > text.size()) off = text.size();
    while (off > 0) {
        const char c = text[--off];
        if (!is_json_whitespace(c)) return c;
    }
    return '\0';
}

/// Turns "syntax error while parsing value - invalid literal; last read: 'N'"
/// into "invalid literal 'NaN' while parsing a value (...)".
/// `err_off` comes in as the offending byte and is moved to the start of the
/// offending word or token where that is more useful.
std::string rewrite_syntax_error(const std::string& stripped, const std::string& last_token, std::string_view text,
                                 std::size_t& err_off) {
    std::string ctx;
    std::string detail = stripped;
    if (stripped.rfind("syntax error ", 0) == 0) {
        const std::string rest = stripped.substr(13);
        if (rest.rfind("while parsing ", 0) == 0) {
            const auto dash = rest.find(" - ");
            if (dash != std::string::npos) {
                ctx = rest.substr(14, dash - 14);
                detail = rest.substr(dash + 3);
            }
        } else if (rest.rfind("- ", 0) == 0) {
            detail = rest.substr(2);
        }
    }
    const bool key_context = ctx == "object key";
    const std::string where = ctx.empty() ? std::string() : " while parsing " + context_phrase(ctx);

    std::string expected;
    std::string msg;
    std::string hint;
    if (const auto lr = detail.find("; last read: '"); lr != std::string::npos) {
        // Lexer error: "<what>; last read: '<token>'[; expected <X>]"
        const std::string lexer_msg = detail.substr(0, lr);
        if (const auto ex = detail.rfind("; expected "); ex != std::string::npos && ex > lr) {
            expected = detail.substr(ex + 11);
        }
        const std::string_view word = word_at(text, err_off);
        if (!word.empty() && (lexer_msg == "invalid literal" || lexer_msg.rfind("invalid number", 0) == 0)) {
            err_off = static_cast<std::size_t>(word.data() - text.data());
        }
        if (lexer_msg == "invalid literal") {
            if (word.empty()) {
                StrayCharacter stray = describe_stray_character(text, err_off);
                msg = std::move(stray.what);
                hint = std::move(stray.hint);
            } else {
                msg = "invalid literal '" + printable(word) + "'";
                if (looks_like_nan_or_infinity(word)) {
                    hint = "JSON has no NaN or Infinity; write a finite number or null";
                } else if (!key_context && expected.empty()) {  // a bare word where a value belongs
                    hint = "strings must be in double quotes; the only bare words are true, false and null";
                }
            }
        } else if (lexer_msg.rfind("invalid number", 0) == 0) {
            msg = "invalid number '" + printable(word) + "'";
            if (const auto semi = lexer_msg.find("; "); semi != std::string::npos) {
                msg += " (" + lexer_msg.substr(semi + 2) + ")";
            }
            if (looks_like_nan_or_infinity(word)) hint = "JSON has no NaN or Infinity";
        } else {
            msg = lexer_msg;
            if (lexer_msg.find("UTF-8") != std::string::npos) hint = "JSON files must be UTF-8 text";
            // A broken string where a string was expected: "expected a string" would be noise.
            if (lexer_msg.rfind("invalid string", 0) == 0 && expected == "string literal") expected.clear();
        }
    } else if (detail.rfind("unexpected ", 0) == 0) {
        // Parser error: "unexpected <token>[; expected <X>]"
        std::string token = detail.substr(11);
        if (const auto ex = token.find("; expected "); ex != std::string::npos) {
            expected = token.substr(ex + 11);
            token.resize(ex);
        }
        // Point at the start of the unexpected token. Only string and number
        // tokens start the lexer's token text afresh; literals have fixed lengths;
        // for structural characters the offending byte already is the token.
        std::size_t token_length = 1;
        if (token == "string literal" || token == "number literal") {
            token_length = last_token.size();
        } else if (token == "true literal" || token == "null literal") {
            token_length = 4;
        } else if (token == "false literal") {
            token_length = 5;
        }
        if (token_length > 0 && token_length <= err_off + 1) err_off = err_off + 1 - token_length;
        std::string shown = token_phrase(token, false, key_context);
        if (token == "string literal" || token == "number literal") shown += " " + printable(last_token);
        msg = "unexpected " + shown;
        if ((token == "'}'" || token == "']'") && previous_significant(text, err_off) == ',') {
            hint = "trailing commas are not allowed in JSON";
        }
        // "01" is lexed as the numbers 0 and 1; a number can only start right after
        // a '0' in that case.
        if (token == "number literal" && err_off > 0 && text[err_off - 1] == '0' && err_off < text.size() &&
            text[err_off] >= '0' && text[err_off] <= '9') {
            hint = "numbers cannot have leading zeros";
        }
    } else {
        msg = detail;
    }

    // In strict mode nlohmann checks for trailing content with context "value".
    msg += expected == "end of input" ? std::string(" after the end of the top-level value") : where;
    if (!expected.empty()) {
        if (ctx == "object" && expected == "'}'") {
            expected = "',' or '}'";
        } else if (ctx == "array" && expected == "']'") {
            expected = "',' or ']'";
        } else {
            expected = token_phrase(expected, true, key_context);
        }
        msg += "; expected " + expected;
    }
    if (!hint.empty()) msg += " (" + hint + ")";
    return msg;
}

// ---------------------------------------------------------------------------
// SAX handler building the DOM with limits
// ---------------------------------------------------------------------------

/// Input iterator over the text that remembers how far the lexer has read.
class TrackingIterator {
public:
    using iterator_category = std::input_iterator_tag;
    using value_type = char;
    using difference_type = std::ptrdiff_t;
    using pointer = const char*;
    using reference = const char&;

    TrackingIterator() = default;
    TrackingIterator(const char* p, const char** high_water) : p_(p), high_(high_water) {}

    reference operator*() const { return *p_; }
    TrackingIterator& operator++() {
        ++p_;
        if (high_) *high_ = p_;
        return *this;
    }
    TrackingIterator operator++(int) {
        TrackingIterator old = *this;
        ++*this;
        return old;
    }
    friend bool operator==(const TrackingIterator& a, const TrackingIterator& b) { return a.p_ == b.p_; }

private:
    const char* p_ = nullptr;
    const char** high_ = nullptr;
};

class DomBuilder {
public:
    using number_integer_t = json::number_integer_t;
    using number_unsigned_t = json::number_unsigned_t;
    using number_float_t = json::number_float_t;
    using string_t = json::string_t;
    using binary_t = json::binary_t;

    DomBuilder(std::string_view text, const char* const* high_water, ParseLimits limits, bool require_object)
        : text_(text), high_(high_water), limits_(limits), require_object_(require_object), positions_(text) {}

    bool null() { return value(json(nullptr)); }
    bool boolean(bool v) { return value(json(v)); }
    bool number_integer(number_integer_t v) { return value(json(v)); }
    bool number_unsigned(number_unsigned_t v) { return value(json(v)); }
    bool number_float(number_float_t v, const string_t& /*text*/) { return value(json(v)); }
    bool string(string_t& v) { return value(json(std::move(v))); }
    bool binary(binary_t& v) { return value(json::binary(std::move(v))); }

    bool start_object(std::size_t /*elements*/) { return open(json::object()); }
    bool start_array(std::size_t /*elements*/) { return open(json::array()); }
    bool end_object() { return close(); }
    bool end_array() { return close(); }

    bool key(string_t& k) {
        Level& top = levels_.back();
        top.key = std::move(k);
        top.has_key = true;
        const bool duplicate = top.node->contains(top.key);
        slot_ = &(*top.node)[top.key];
        if (duplicate) {
            return report(pointer_here(), key_start(consumed() - 1),
                          "duplicate key " + quote_text(top.key) +
                              " (each key may appear only once in an object)");
        }
        return true;
    }

    bool parse_error(std::size_t position, const std::string& last_token, const json::exception& ex) {
        std::size_t off = position > 0 ? position - 1 : 0;
        std::string msg;
        const std::string stripped = strip_library_prefix(ex.what());
        if (ex.id == 406) {  // number overflow: point at the start of the number
            off = position >= last_token.size() ? position - last_token.size() : 0;
            msg = "the number " + printable(last_token) +
                  " is too large (it does not fit in a double-precision number)";
        } else if (ex.id == 101) {
            msg = rewrite_syntax_error(stripped, last_token, text_, off);
        } else {
            msg = stripped;
        }
        parse_error_offset_ = off;
        report(pointer_here(), off, std::move(msg));
        return false;
    }

    json& root() { return root_; }
    std::vector<Diagnostic>& diagnostics() { return diagnostics_; }
    std::size_t parse_error_offset() const { return parse_error_offset_; }

private:
    struct Level {
        json* node = nullptr;
        std::string key;
        bool has_key = false;
    };

    std::size_t consumed() const { return static_cast<std::size_t>(*high_ - text_.data()); }

    /// Offset of the opening quote of the key whose closing quote is at `close`.
    std::size_t key_start(std::size_t close) const {
        std::size_t i = close;
        while (i > 0) {
            --i;
            if (text_[i] != '"') continue;
            std::size_t backslashes = 0;
            while (i >= backslashes + 1 && text_[i - backslashes - 1] == '\\') ++backslashes;
            if (backslashes % 2 == 0) return i;
        }
        return close;
    }

    /// JSON pointer of the value the parser is at (the slot being filled).
    std::string pointer_here() const {
        std::string p;
        for (std::size_t i = 0; i < levels_.size(); ++i) {
            const Level& l = levels_[i];
            const bool last = i + 1 == levels_.size();
            if (l.node->is_array()) {
                const std::size_t n = l.node->size();
                if (last) {
                    p = append_pointer(p, n);
                } else if (n > 0) {
                    p = append_pointer(p, n - 1);
                }
            } else if (l.has_key) {
                p = append_pointer(p, l.key);
            }
        }
        return p;
    }

    bool report(std::string pointer, std::size_t offset, std::string message) {
        if (diagnostics_.size() >= kMaxDiagnostics) {
            diagnostics_.push_back(Diagnostic{"", "too many problems; stopped after " +
                                                      std::to_string(kMaxDiagnostics)});
            return false;
        }
        if (offset != kNoOffset) {
            const TextPosition pos = positions_.at(offset);
            message = "line " + std::to_string(pos.line) + ", column " + std::to_string(pos.column) + ": " + message;
        }
        diagnostics_.push_back(Diagnostic{std::move(pointer), std::move(message)});
        return true;
    }

    bool value(json&& v) {
        if (levels_.empty()) {
            if (require_object_) {
                report("", kNoOffset, "expected a JSON object at the top level, found " + describe_value(v));
                return false;
            }
            root_ = std::move(v);
            return true;
        }
        Level& top = levels_.back();
        if (top.node->is_array()) {
            top.node->push_back(std::move(v));
        } else {
            *slot_ = std::move(v);
        }
        return true;
    }

    bool open(json&& container) {
        const std::size_t at = consumed() > 0 ? consumed() - 1 : 0;  // the '{' or '['
        if (levels_.size() >= limits_.max_depth) {
            report(pointer_here(), at, "nesting deeper than " + std::to_string(limits_.max_depth) + " levels");
            return false;
        }
        json* node = nullptr;
        if (levels_.empty()) {
            if (require_object_ && !container.is_object()) {
                report("", at, "expected a JSON object at the top level, found an array");
                return false;
            }
            root_ = std::move(container);
            node = &root_;
        } else if (Level& top = levels_.back(); top.node->is_array()) {
            top.node->push_back(std::move(container));
            node = &top.node->back();
        } else {
            *slot_ = std::move(container);
            node = slot_;
        }
        levels_.push_back(Level{node, {}, false});
        return true;
    }

    bool close() {
        levels_.pop_back();
        return true;
    }

    std::string_view text_;
    const char* const* high_;
    ParseLimits limits_;
    bool require_object_;
    PositionTracker positions_;
    json root_;
    std::vector<Level> levels_;
    json* slot_ = nullptr;
    std::vector<Diagnostic> diagnostics_;
    std::size_t parse_error_offset_ = kNoOffset;
};

json parse_impl(std::string_view text, const std::string& file_name, ParseLimits limits, bool require_object) {
    if (text.size() > limits.max_bytes) {
        throw InputError(file_name, {Diagnostic{"", too_large_message(text.size(), limits.max_bytes)}});
    }
    if (is_blank(text)) {
        throw InputError(file_name, {Diagnostic{"", require_object ? "the file is empty; expected a JSON object"
                                                                   : "the text is empty; expected a JSON value"}});
    }
    // nlohmann's lexer treats a NUL byte as the end of the input, which would
    // silently ignore anything after it. NUL is never valid in JSON text, so
    // parse up to it and report it unless an earlier problem is found.
    const std::size_t nul = text.find('\0');
    const std::string_view parsed = nul == std::string_view::npos ? text : text.substr(0, nul);

    const char* high_water = parsed.data();
    DomBuilder builder(text, &high_water, limits, require_object);
    const TrackingIterator first(parsed.data(), &high_water);
    const TrackingIterator last(parsed.data() + parsed.size(), nullptr);
    const bool ok = json::sax_parse(first, last, &builder, json::input_format_t::json, /*strict=*/true,
                                    /*ignore_comments=*/false);

    auto& diagnostics = builder.diagnostics();
    if (nul != std::string_view::npos &&
        (builder.parse_error_offset() == kNoOffset || builder.parse_error_offset() >= nul)) {
        std::string pointer;
        if (!diagnostics.empty() && builder.parse_error_offset() != kNoOffset) {
            pointer = std::move(diagnostics.back().pointer);
            diagnostics.pop_back();
        }
        const TextPosition pos = position_of(text, nul);
        const StrayCharacter stray = describe_stray_character(text, nul);
        diagnostics.push_back(Diagnostic{std::move(pointer), "line " + std::to_string(pos.line) + ", column " +
                                                 std::to_string(pos.column) + ": " + stray.what + " (" +
                                                 stray.hint + ")"});
    }
    if (!diagnostics.empty()) throw InputError(file_name, std::move(diagnostics));
    if (!ok) throw InputError(file_name, {Diagnostic{"", "the text could not be parsed as JSON"}});
    return std::move(builder.root());
}

struct FileCloser {
    void operator()(std::FILE* f) const noexcept { std::fclose(f); }
};

[[noreturn]] void file_error(const std::string& path, std::string message) {
    throw InputError(path, {Diagnostic{"", std::move(message)}});
}

}  // namespace

TextPosition position_of(std::string_view text, std::size_t offset) { return PositionTracker(text).at(offset); }

json parse_json_text(std::string_view text, const std::string& file_name, ParseLimits limits) {
    return parse_impl(text, file_name, limits, /*require_object=*/true);
}

json parse_json_value(std::string_view text, const std::string& file_name, ParseLimits limits) {
    return parse_impl(text, file_name, limits, /*require_object=*/false);
}

json load_json_file(const std::string& path, ParseLimits limits) {
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::file_status st = fs::status(path, ec);
    if (st.type() == fs::file_type::not_found) file_error(path, "cannot read the file: it does not exist");
    if (ec) file_error(path, "cannot access the file: " + ec.message());
    if (st.type() == fs::file_type::directory) file_error(path, "this is a directory, not a JSON file");
    if (st.type() == fs::file_type::regular) {
        const std::uintmax_t size = fs::file_size(path, ec);
        if (ec) file_error(path, "cannot determine the size of the file: " + ec.message());
        if (size > limits.max_bytes) file_error(path, too_large_message(size, limits.max_bytes));
    }

    errno = 0;
    std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "rb"));
    if (!file) {
        const int err = errno;
        file_error(path, "cannot open the file: " + (err ? std::generic_category().message(err)
                                                         : std::string("unknown error")));
    }
    // Read at most max_bytes + 1 bytes: the file may not be regular (a pipe) or may be growing.
    std::string content;
    char buffer[1 << 16];
    while (true) {
        const std::size_t n = std::fread(buffer, 1, sizeof buffer, file.get());
        content.append(buffer, n);
        if (content.size() > limits.max_bytes) {
            file_error(path, "the file is larger than the limit of " + human_bytes(limits.max_bytes));
        }
        if (n < sizeof buffer) break;
    }
    if (std::ferror(file.get())) {
        const int err = errno;
        file_error(path, "error while reading the file: " + (err ? std::generic_category().message(err)
                                                                 : std::string("unknown error")));
    }
    return parse_json_text(content, path, limits);
}

}  // namespace factorysim::scenario
