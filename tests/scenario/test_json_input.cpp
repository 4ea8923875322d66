#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include <nlohmann/json.hpp>

#include "factorysim/scenario/json_input.hpp"

using nlohmann::json;
namespace sc = factorysim::scenario;
namespace fs = std::filesystem;
using sc::InputError;

namespace {

/// Parses and returns the single diagnostic's "<pointer>|<message>"; fails if parsing succeeds.
sc::Diagnostic parse_failure(std::string_view text, sc::ParseLimits limits = {}) {
    try {
        sc::parse_json_text(text, "scenario.json", limits);
    } catch (const InputError& e) {
        CHECK(e.file() == "scenario.json");
        REQUIRE_FALSE(e.diagnostics().empty());
        const std::string what = e.what();
        CHECK(what.find("json.exception") == std::string::npos);  // no library jargon
        CHECK(what.rfind("scenario.json: ", 0) == 0);
        return e.diagnostics().front();
    }
    FAIL("expected an InputError for: " << std::string(text.substr(0, 80)));
    return {};
}

/// A fresh scratch directory, removed at the end of the test.
class ScratchDir {
public:
    ScratchDir() {
        static std::atomic<int> counter{0};
        path_ = fs::temp_directory_path() / ("factorysim-json-input-" + std::to_string(std::random_device{}()) +
                                             "-" + std::to_string(counter++));
        fs::create_directories(path_);
    }
    ~ScratchDir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    ScratchDir(const ScratchDir&) = delete;
    ScratchDir& operator=(const ScratchDir&) = delete;

    std::string write(const std::string& name, std::string_view content) const {
        const fs::path p = path_ / name;
        std::ofstream out(p, std::ios::binary);
        out.write(content.data(), static_cast<std::streamsize>(content.size()));
        return p.string();
    }
    const fs::path& path() const { return path_; }

private:
    fs::path path_;
};

}  // namespace

TEST_CASE("A scenario file's JSON text parses into an object", "[json_input]") {
    const json doc = sc::parse_json_text(R"({"name": "hall-a", "pods": [{"racks": 16}], "pue": 1.25})", "s.json");
    CHECK(doc["name"] == "hall-a");
    CHECK(doc["pods"][0]["racks"] == 16);
    CHECK(doc["pue"] == 1.25);
    // A UTF-8 byte order mark is tolerated.
    CHECK(sc::parse_json_text("\xEF\xBB\xBF{\"a\": 1}", "bom.json")["a"] == 1);
}

TEST_CASE("An empty scenario file is reported as empty", "[json_input]") {
    for (std::string_view text : {std::string_view(""), std::string_view("  \n\t\r\n")}) {
        const auto d = parse_failure(text);
        CHECK(d.pointer.empty());
        CHECK(d.message == "the file is empty; expected a JSON object");
    }
}

TEST_CASE("The top level of a scenario must be an object", "[json_input]") {
    auto d = parse_failure("[1, 2, 3]");
    CHECK(d.message == "line 1, column 1: expected a JSON object at the top level, found an array");
    d = parse_failure("  42");
    CHECK(d.message == "expected a JSON object at the top level, found a number (42)");
    d = parse_failure(R"("hall-a")");
    CHECK(d.message == R"(expected a JSON object at the top level, found a string ("hall-a"))");
    // Command-line values may be any JSON value.
    CHECK(sc::parse_json_value("[1, 2]", "--set") == json::array({1, 2}));
    CHECK(sc::parse_json_value("16", "--set") == 16);
}

TEST_CASE("Syntax errors give line and column in plain words", "[json_input]") {
    SECTION("NaN is not JSON") {
        const auto d = parse_failure(R"({"pue": NaN})");
        CHECK(d.pointer == "/pue");
        CHECK(d.message.rfind("line 1, column 9: invalid literal 'NaN'", 0) == 0);
        CHECK(d.message.find("JSON has no NaN or Infinity") != std::string::npos);
    }
    SECTION("Infinity is not JSON either") {
        const auto d = parse_failure("{\"pue\": -Infinity}");
        CHECK(d.message.find("'-Infinity'") != std::string::npos);
        CHECK(d.message.find("JSON has no NaN or Infinity") != std::string::npos);
    }
    SECTION("an error on a later line") {
        const auto d = parse_failure("{\n  \"name\": \"hall-a\",\n  \"racks\": tru\n}");
        CHECK(d.pointer == "/racks");
        CHECK(d.message.rfind("line 3, column 12: invalid literal 'tru'", 0) == 0);
    }
    SECTION("a missing comma") {
        const auto d = parse_failure("{\"a\": 1\n \"b\": 2}");
        CHECK(d.message == R"(line 2, column 2: unexpected string "b" while parsing an object; expected ',' or '}')");
    }
    SECTION("a trailing comma") {
        const auto d = parse_failure("{\"pods\": [1, 2, ]}");
        CHECK(d.message.find("line 1, column 17: unexpected ']'") == 0);
        CHECK(d.message.find("trailing commas are not allowed") != std::string::npos);
    }
    SECTION("an unquoted key") {
        const auto d = parse_failure("{racks: 1}");
        CHECK(d.message == "line 1, column 2: invalid literal 'racks' while parsing an object key; "
                           "expected a key in double quotes");
    }
    SECTION("a truncated file") {
        const auto d = parse_failure("{\"pods\": [{\"racks\": 16}");
        CHECK(d.message.find("unexpected end of input while parsing an array; expected ',' or ']'") !=
              std::string::npos);
    }
    SECTION("an unterminated string") {
        const auto d = parse_failure("{\"name\": \"hall-a}");
        CHECK(d.message.find("missing closing quote") != std::string::npos);
    }
    SECTION("two top-level values") {
        const auto d = parse_failure("{} {}");
        CHECK(d.message == "line 1, column 4: unexpected '{' after the end of the top-level value; "
                           "expected the end of the input");
    }
    SECTION("columns count characters, not bytes") {
        const auto d = parse_failure("{\"temp\u00e9rature\": x}");
        CHECK(d.message.rfind("line 1, column 17:", 0) == 0);
    }
}

TEST_CASE("Binary garbage is a clean parse error", "[json_input]") {
    SECTION("NUL then 0xFF") {
        const auto d = parse_failure(std::string("\x00\xFF", 2));
        CHECK(d.message.rfind("line 1, column 1: unexpected byte 0x00 (NUL)", 0) == 0);
        CHECK(d.message.find("binary file") != std::string::npos);
    }
    SECTION("0xFF") {
        const auto d = parse_failure("\xFF\xFE garbage");
        CHECK(d.message.rfind("line 1, column 1: unexpected byte 0xFF, which is not valid UTF-8", 0) == 0);
    }
    SECTION("a NUL after a valid document is not silently ignored") {
        const auto d = parse_failure(std::string("{\"a\": 1}\n\0trailing", 18));
        CHECK(d.message.rfind("line 2, column 1: unexpected byte 0x00 (NUL)", 0) == 0);
    }
    SECTION("a NUL inside a string") {
        const auto d = parse_failure(std::string("{\"a\": \"x\0y\"}", 12));
        CHECK(d.pointer == "/a");
        CHECK(d.message.rfind("line 1, column 9: unexpected byte 0x00 (NUL)", 0) == 0);
    }
    SECTION("every byte value, in many positions, never crashes") {
        std::string noise;
        unsigned state = 12345;
        for (int i = 0; i < 4096; ++i) {
            state = state * 1103515245u + 12345u;
            noise.push_back(static_cast<char>((state >> 16) & 0xFF));
        }
        for (std::size_t start = 0; start < 256; ++start) {
            const std::string text = "{\"k\": " + noise.substr(start * 7, 64 + start);
            CHECK_THROWS_AS(sc::parse_json_text(text, "noise.json"), InputError);
        }
    }
}

TEST_CASE("Invalid UTF-8 in strings and typographic quotes", "[json_input]") {
    auto d = parse_failure("{\"a\": \"\xC3\x28\"}");
    CHECK(d.message.find("ill-formed UTF-8") != std::string::npos);
    d = parse_failure("{\"type\": \xE2\x80\x9C" "air\xE2\x80\x9D}");
    CHECK(d.message.find("typographic quotes") != std::string::npos);
}

TEST_CASE("A rack power of 1e999 overflows a double and is reported with its position", "[json_input]") {
    const auto d = parse_failure("{\n  \"pods\": [\n    {\"power\": 1e999}]}");
    CHECK(d.pointer == "/pods/0/power");
    CHECK(d.message == "line 3, column 15: the number 1e999 is too large (it does not fit in a double-precision number)");
    // Huge integers that still fit a double are fine, tiny ones underflow to zero.
    CHECK(sc::parse_json_text("{\"a\": 1e308, \"b\": 1e-999}", "s.json")["b"] == 0.0);
}

TEST_CASE("Duplicate keys are reported instead of silently keeping the last", "[json_input]") {
    SECTION("at the top level") {
        const auto d = parse_failure("{\n  \"racks\": 8,\n  \"racks\": 16\n}");
        CHECK(d.pointer == "/racks");
        CHECK(d.message == R"(line 3, column 3: duplicate key "racks" (each key may appear only once in an object))");
    }
    SECTION("nested, several at once, with escapes") {
        try {
            sc::parse_json_text(R"({"pods": [{"model": "a", "model": "b"}], "x\"y": 1, "x\"y": 2})", "s.json");
            FAIL("expected an InputError");
        } catch (const InputError& e) {
            REQUIRE(e.diagnostics().size() == 2);
            CHECK(e.diagnostics()[0].pointer == "/pods/0/model");
            CHECK(e.diagnostics()[0].message.rfind("line 1, column 26: duplicate key \"model\"", 0) == 0);
            CHECK(e.diagnostics()[1].pointer == "/x\"y");
            CHECK(e.diagnostics()[1].message.rfind(R"(line 1, column 53: duplicate key "x\"y")", 0) == 0);
        }
    }
    SECTION("the same key in sibling objects is fine") {
        CHECK_NOTHROW(sc::parse_json_text(R"({"pods": [{"racks": 1}, {"racks": 2}], "racks": 3})", "s.json"));
    }
}

TEST_CASE("Nesting limits stop pathological documents without deep recursion", "[json_input]") {
    auto nested = [](std::size_t depth) {
        // An object holding depth-1 nested arrays: `depth` levels in total.
        return "{\"a\": " + std::string(depth - 1, '[') + std::string(depth - 1, ']') + "}";
    };
    SECTION("64 levels are allowed, 65 are not") {
        CHECK_NOTHROW(sc::parse_json_text(nested(64), "s.json"));
        const auto d = parse_failure(nested(65));
        CHECK(d.message == "line 1, column 70: nesting deeper than 64 levels");
        CHECK(d.pointer.rfind("/a/0/0/", 0) == 0);
    }
    SECTION("10,000 and 1,000,000 levels are rejected fast") {
        for (std::size_t depth : {std::size_t{10000}, std::size_t{1000000}}) {
            const std::string text = nested(depth);
            const auto t0 = std::chrono::steady_clock::now();
            const auto d = parse_failure(text);
            const auto elapsed = std::chrono::steady_clock::now() - t0;
            CHECK(d.message.find("nesting deeper than 64 levels") != std::string::npos);
            CHECK(elapsed < std::chrono::seconds(2));
        }
    }
    SECTION("a custom limit") {
        const auto d = parse_failure(R"({"a": {"b": {}}})", sc::ParseLimits{1024, 2});
        CHECK(d.pointer == "/a/b");
        CHECK(d.message == "line 1, column 13: nesting deeper than 2 levels");
    }
}

TEST_CASE("Oversized input is rejected by size before parsing", "[json_input]") {
    SECTION("a 100 MB string against the default 64 MiB limit") {
        const std::string huge(std::size_t{100} << 20, ' ');
        const auto d = parse_failure(huge);
        CHECK(d.message == "the file is 100.0 MiB (104857600 bytes), more than the limit of 64.0 MiB "
                           "(67108864 bytes)");
    }
    SECTION("a small custom limit") {
        const auto d = parse_failure(R"({"racks": 16})", sc::ParseLimits{8, 64});
        CHECK(d.message == "the file is 13 bytes, more than the limit of 8 bytes");
    }
}

TEST_CASE("Scenario files are loaded with clear errors", "[json_input][file]") {
    ScratchDir dir;

    SECTION("a good file") {
        const std::string p = dir.write("hall.json", R"({"name": "hall-a"})");
        CHECK(sc::load_json_file(p)["name"] == "hall-a");
    }
    SECTION("a missing file") {
        const std::string p = (dir.path() / "missing.json").string();
        try {
            sc::load_json_file(p);
            FAIL("expected an InputError");
        } catch (const InputError& e) {
            CHECK(e.file() == p);
            CHECK(e.diagnostics().at(0).message == "cannot read the file: it does not exist");
        }
    }
    SECTION("a directory") {
        try {
            sc::load_json_file(dir.path().string());
            FAIL("expected an InputError");
        } catch (const InputError& e) {
            CHECK(e.diagnostics().at(0).message == "this is a directory, not a JSON file");
        }
    }
    SECTION("an empty file") {
        const std::string p = dir.write("empty.json", "");
        try {
            sc::load_json_file(p);
            FAIL("expected an InputError");
        } catch (const InputError& e) {
            CHECK(std::string(e.what()) == p + ": (root): the file is empty; expected a JSON object");
        }
    }
    SECTION("a 100 MB file is rejected from its size, without reading it") {
        const fs::path p = dir.path() / "huge.json";
        { std::ofstream touch(p); }
        fs::resize_file(p, std::uintmax_t{100} << 20);  // sparse: costs no disk space
        const auto t0 = std::chrono::steady_clock::now();
        try {
            sc::load_json_file(p.string());
            FAIL("expected an InputError");
        } catch (const InputError& e) {
            CHECK(e.diagnostics().at(0).message.find("more than the limit of 64.0 MiB") != std::string::npos);
        }
        CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(1));
    }
    SECTION("a syntax error names the file and position") {
        const std::string p = dir.write("bad.json", "{\n  \"racks\": 16,\n}\n");
        try {
            sc::load_json_file(p);
            FAIL("expected an InputError");
        } catch (const InputError& e) {
            CHECK(e.file() == p);
            CHECK(std::string(e.what()).rfind(p + ": /racks: line 3, column 1: unexpected '}'", 0) == 0);
        }
    }
}

TEST_CASE("position_of converts byte offsets to line and column", "[json_input]") {
    const std::string text = "ab\ncd\u00e9f\n";
    CHECK(sc::position_of(text, 0).line == 1);
    CHECK(sc::position_of(text, 0).column == 1);
    CHECK(sc::position_of(text, 3).line == 2);
    CHECK(sc::position_of(text, 3).column == 1);
    CHECK(sc::position_of(text, 7).column == 4);  // 'f' after the two-byte 'é'
    CHECK(sc::position_of(text, 1000).line == 3);  // clamped to the end
}
