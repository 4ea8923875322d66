#include <catch2/catch.hpp>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "factorysim/scenario/schema.hpp"

using nlohmann::json;
namespace sc = factorysim::scenario;
using sc::Diagnostic;
using sc::InputError;
using sc::Schema;

namespace {

// A small but realistic scenario schema: pods of racks and a cooling plant
// that is either air-cooled or Neptune direct liquid cooling.
Schema pod_schema() {
    return sc::object("A pod of identical racks",
                      {
                          {"name", sc::string("Pod name")},
                          {"model", sc::enumeration("Accelerator model", {"GB200", "H100", "MI300X"})},
                          {"racks", sc::integer("Number of racks", "", 1, 100000, 1)},
                          {"power_cap", sc::number("Power cap per rack", "kW", 0, 200)},
                      },
                      {"model"});
}

Schema cooling_schema() {
    return sc::discriminated(
        "Cooling plant",
        {
            sc::object_variant("air", "Air cooling with CRAH units",
                               {{"supply_temp", sc::number("Supply temperature", "degC", 0, 60, 25)}}),
            sc::object_variant("neptune_dlc", "Direct liquid cooling",
                               {
                                   {"inlet_temp", sc::number("Coolant inlet temperature", "degC", 15, 45, 30)},
                                   {"flow_rate", sc::number("Coolant flow rate", "l/min").with_minimum(0, true)},
                               },
                               {"flow_rate"}),
        });
}

Schema scenario_schema() {
    return sc::object("Datacenter scenario",
                      {
                          {"name", sc::string("Scenario name")},
                          {"duration", sc::number("Simulated duration", "h", 0, 8760, 24).with_minimum(0, true)},
                          {"seed", sc::integer("Random seed", "", 0, {}, 42)},
                          {"pods", sc::array("Pods", pod_schema(), 1, 64)},
                          {"cooling", cooling_schema()},
                          {"tags", sc::array("Free-form tags", sc::string("Tag"))},
                          {"trace_output", sc::boolean("Write an event trace", false)},
                          {"notes", sc::any("Free-form notes")},
                      },
                      {"name", "pods"});
}

json valid_scenario() {
    return json::parse(R"({
        "name": "gb200-hall-a",
        "duration": 48,
        "pods": [{"model": "GB200", "racks": 16, "power_cap": 132.5}],
        "cooling": {"type": "neptune_dlc", "inlet_temp": 32, "flow_rate": 1200},
        "tags": ["baseline"],
        "notes": {"anything": [1, 2, 3]}
    })");
}

std::vector<Diagnostic> check(const json& doc) { return sc::validate(doc, scenario_schema()); }

}  // namespace

TEST_CASE("A well-formed GB200 hall scenario validates cleanly", "[schema]") {
    CHECK(check(valid_scenario()).empty());
}

TEST_CASE("Wrong JSON types are reported with what was expected and what was found", "[schema]") {
    SECTION("a string where a plain number is expected") {
        const Schema s = sc::object("Rack", {{"it_load", sc::number("IT load")}});
        const auto d = sc::validate(json{{"it_load", "abc"}}, s);
        REQUIRE(d.size() == 1);
        CHECK(d[0].pointer == "/it_load");
        CHECK(d[0].message == R"(expected a number, found a string ("abc"))");
    }
    SECTION("a string where a bounded rack count is expected names the range") {
        json doc = valid_scenario();
        doc["pods"][0]["racks"] = "sixteen";
        const auto d = check(doc);
        REQUIRE(d.size() == 1);
        CHECK(d[0].pointer == "/pods/0/racks");
        CHECK(d[0].message == R"(expected an integer in [1, 100000], found a string ("sixteen"))");
    }
    SECTION("long found values are abbreviated to about 40 characters") {
        const Schema s = sc::object("Rack", {{"it_load", sc::number("IT load")}});
        const std::string long_text(200, 'x');
        const auto d = sc::validate(json{{"it_load", long_text}}, s);
        REQUIRE(d.size() == 1);
        CHECK(d[0].message.find("...") != std::string::npos);
        CHECK(d[0].message.size() < 100);
    }
    SECTION("booleans, objects, arrays and null") {
        json doc = valid_scenario();
        doc["trace_output"] = "yes";
        doc["pods"] = json::object({{"model", "H100"}});
        doc["cooling"] = json::array({1, 2, 3});
        doc["name"] = nullptr;
        const auto d = check(doc);
        REQUIRE(d.size() == 4);
        // nlohmann::json keeps object keys sorted, so members come out in key order.
        CHECK(d[0] == Diagnostic{"/cooling", "expected an object, found an array ([1, 2, 3])"});
        CHECK(d[1] == Diagnostic{"/name", "expected a string, found null"});
        CHECK(d[2] == Diagnostic{"/pods", R"(expected an array, found an object ({"model": "H100"}))"});
        CHECK(d[3] == Diagnostic{"/trace_output", R"(expected true or false, found a string ("yes"))"});
    }
}

TEST_CASE("Out-of-range temperatures and rack counts name the range and unit", "[schema]") {
    SECTION("air supply temperature above 60 degC") {
        json doc = valid_scenario();
        doc["cooling"] = {{"type", "air"}, {"supply_temp", 75}};
        const auto d = check(doc);
        REQUIRE(d.size() == 1);
        CHECK(d[0].pointer == "/cooling/supply_temp");
        CHECK(d[0].message == "expected a number in [0, 60] degC, found 75");
    }
    SECTION("negative rack count") {
        json doc = valid_scenario();
        doc["pods"][0]["racks"] = -3;
        const auto d = check(doc);
        REQUIRE(d.size() == 1);
        CHECK(d[0] == Diagnostic{"/pods/0/racks", "expected an integer in [1, 100000], found -3"});
    }
    SECTION("exclusive minimum: a zero-hour simulation") {
        json doc = valid_scenario();
        doc["duration"] = 0;
        const auto d = check(doc);
        REQUIRE(d.size() == 1);
        CHECK(d[0] == Diagnostic{"/duration", "expected a number in (0, 8760] h, found 0"});
    }
    SECTION("one-sided bounds") {
        json doc = valid_scenario();
        doc["seed"] = -1;
        doc["cooling"]["flow_rate"] = -5.5;
        const auto d = check(doc);
        REQUIRE(d.size() == 2);
        CHECK(d[0] == Diagnostic{"/cooling/flow_rate", "expected a number > 0 l/min, found -5.5"});
        CHECK(d[1] == Diagnostic{"/seed", "expected an integer >= 0, found -1"});
    }
    SECTION("values on the boundary are accepted") {
        json doc = valid_scenario();
        doc["cooling"] = {{"type", "air"}, {"supply_temp", 60}};
        doc["pods"][0]["racks"] = 100000;
        doc["pods"][0]["power_cap"] = 0;
        CHECK(check(doc).empty());
    }
}

TEST_CASE("Rack counts must be integral: 16.0 is accepted, 2.5 is not", "[schema]") {
    json doc = valid_scenario();
    doc["pods"][0]["racks"] = 16.0;
    CHECK(check(doc).empty());

    doc["pods"][0]["racks"] = 2.5;
    const auto d = check(doc);
    REQUIRE(d.size() == 1);
    CHECK(d[0] == Diagnostic{"/pods/0/racks", "expected an integer in [1, 100000], found 2.5"});

    const Schema unbounded = sc::object("Job", {{"gpus", sc::integer("GPUs per job")}});
    const auto d2 = sc::validate(json{{"gpus", 7.25}}, unbounded);
    REQUIRE(d2.size() == 1);
    CHECK(d2[0].message == "expected an integer, found 7.25");
}

TEST_CASE("A misspelled pod key gets a suggestion", "[schema]") {
    json doc = valid_scenario();
    doc["pods"][0].erase("racks");
    doc["pods"][0]["rakcs"] = 16;
    const auto d = check(doc);
    REQUIRE(d.size() == 1);
    CHECK(d[0].pointer == "/pods/0/rakcs");
    CHECK(d[0].message == R"(unknown key "rakcs"; did you mean "racks"?)");
}

TEST_CASE("An unknown key with no close match lists the allowed keys", "[schema]") {
    json doc = valid_scenario();
    doc["pods"][0]["zzzzzz"] = 1;
    const auto d = check(doc);
    REQUIRE(d.size() == 1);
    CHECK(d[0] == Diagnostic{"/pods/0/zzzzzz", R"(unknown key "zzzzzz"; expected one of: name, model, racks, power_cap)"});
}

TEST_CASE("Objects that allow additional properties accept unknown keys", "[schema]") {
    const Schema labels = sc::object("Labels", {}).with_additional_properties();
    CHECK(sc::validate(json{{"team", "infra"}, {"owner", "ops"}}, labels).empty());
    const Schema closed = sc::object("Nothing allowed", {});
    const auto d = sc::validate(json{{"team", "infra"}}, closed);
    REQUIRE(d.size() == 1);
    CHECK(d[0].message == R"(unknown key "team"; this object takes no keys)");
}

TEST_CASE("A pod without an accelerator model reports the missing key at the pod", "[schema]") {
    json doc = valid_scenario();
    doc["pods"][0].erase("model");
    const auto d = check(doc);
    REQUIRE(d.size() == 1);
    CHECK(d[0].pointer == "/pods/0");
    CHECK(d[0].message == R"(missing required key "model")");

    const auto root = check(json::object());
    REQUIRE(root.size() == 2);
    CHECK(root[0] == Diagnostic{"", R"(missing required key "name")"});
    CHECK(root[1] == Diagnostic{"", R"(missing required key "pods")"});
}

TEST_CASE("Enumerations list the allowed values and suggest the closest", "[schema]") {
    SECTION("cooling type typo") {
        json doc = valid_scenario();
        doc["cooling"]["type"] = "neptun";
        const auto d = check(doc);
        REQUIRE(d.size() == 1);
        CHECK(d[0].pointer == "/cooling/type");
        CHECK(d[0].message == R"(expected one of "air", "neptune_dlc", found "neptun"; did you mean "neptune_dlc"?)");
    }
    SECTION("accelerator model in the wrong case") {
        json doc = valid_scenario();
        doc["pods"][0]["model"] = "h100";
        const auto d = check(doc);
        REQUIRE(d.size() == 1);
        CHECK(d[0].message == R"(expected one of "GB200", "H100", "MI300X", found "h100"; did you mean "H100"?)");
    }
    SECTION("nothing close") {
        json doc = valid_scenario();
        doc["pods"][0]["model"] = "TPUv5";
        const auto d = check(doc);
        REQUIRE(d.size() == 1);
        CHECK(d[0].message == R"(expected one of "GB200", "H100", "MI300X", found "TPUv5")");
    }
    SECTION("not even a string") {
        json doc = valid_scenario();
        doc["pods"][0]["model"] = 200;
        const auto d = check(doc);
        REQUIRE(d.size() == 1);
        CHECK(d[0].message == R"(expected one of "GB200", "H100", "MI300X", found a number (200))");
    }
}

TEST_CASE("Discriminated cooling objects", "[schema]") {
    SECTION("an unknown cooling type lists the known types") {
        json doc = valid_scenario();
        doc["cooling"] = {{"type", "immersion"}};
        const auto d = check(doc);
        REQUIRE(d.size() == 1);
        CHECK(d[0] == Diagnostic{"/cooling/type", R"(expected one of "air", "neptune_dlc", found "immersion")"});
    }
    SECTION("a missing type lists the known types") {
        json doc = valid_scenario();
        doc["cooling"] = {{"supply_temp", 20}};
        const auto d = check(doc);
        REQUIRE(d.size() == 1);
        CHECK(d[0] == Diagnostic{"/cooling", R"(missing required key "type"; expected one of "air", "neptune_dlc")"});
    }
    SECTION("the matching alternative is validated, including its unknown keys") {
        json doc = valid_scenario();
        doc["cooling"] = {{"type", "air"}, {"inlet_temp", 30}};
        const auto d = check(doc);
        REQUIRE(d.size() == 1);
        CHECK(d[0].pointer == "/cooling/inlet_temp");
        CHECK(d[0].message.rfind(R"(unknown key "inlet_temp")", 0) == 0);
    }
    SECTION("required keys of the alternative") {
        json doc = valid_scenario();
        doc["cooling"].erase("flow_rate");
        const auto d = check(doc);
        REQUIRE(d.size() == 1);
        CHECK(d[0] == Diagnostic{"/cooling", R"(missing required key "flow_rate")"});
    }
    SECTION("badly declared alternatives are a programming error") {
        CHECK_THROWS_AS(sc::discriminated("broken", {sc::object("no type", {})}), std::invalid_argument);
        CHECK_THROWS_AS(sc::discriminated("twice", {sc::object_variant("air", "", {}),
                                                    sc::object_variant("air", "", {})}),
                        std::invalid_argument);
    }
}

TEST_CASE("Pod arrays that are too short or too long", "[schema]") {
    json doc = valid_scenario();
    doc["pods"] = json::array();
    auto d = check(doc);
    REQUIRE(d.size() == 1);
    CHECK(d[0] == Diagnostic{"/pods", "expected 1 to 64 items, found an empty array"});

    doc["pods"] = json::array();
    for (int i = 0; i < 65; ++i) doc["pods"].push_back({{"model", "GB200"}});
    d = check(doc);
    REQUIRE(d.size() == 1);
    CHECK(d[0] == Diagnostic{"/pods", "expected 1 to 64 items, found 65"});

    const Schema triple = sc::array("Phase currents", sc::number("Current", "A"), 3, 3);
    const auto d3 = sc::validate(json::array({1, 2}), triple);
    REQUIRE(d3.size() == 1);
    CHECK(d3[0] == Diagnostic{"", "expected exactly 3 items, found 2"});

    const Schema at_most = sc::array("Spares", sc::string("Part")).with_item_count({}, 1);
    CHECK(sc::validate(json::array({"a", "b"}), at_most)[0].message == "expected at most 1 item, found 2");
}

TEST_CASE("Every mistake in a scenario is reported at once, in document order", "[schema]") {
    json doc = valid_scenario();
    doc["cooling"]["inlet_temp"] = 90;                  // out of range
    doc["pods"][0]["rakcs"] = doc["pods"][0]["racks"];  // typo
    doc["pods"][0].erase("racks");
    doc["tags"][0] = 7;  // wrong type
    const auto d = check(doc);
    REQUIRE(d.size() == 3);
    CHECK(d[0] == Diagnostic{"/cooling/inlet_temp", "expected a number in [15, 45] degC, found 90"});
    CHECK(d[1] == Diagnostic{"/pods/0/rakcs", R"(unknown key "rakcs"; did you mean "racks"?)"});
    CHECK(d[2] == Diagnostic{"/tags/0", "expected a string, found a number (7)"});

    // A node's own problems come before its members' problems; arrays go by index.
    json pods = json::array({json::object(), {{"model", "X"}}, {{"model", "GB200"}, {"racks", 0}}});
    json doc2 = valid_scenario();
    doc2["pods"] = pods;
    const auto d2 = check(doc2);
    REQUIRE(d2.size() == 3);
    CHECK(d2[0].pointer == "/pods/0");
    CHECK(d2[1].pointer == "/pods/1/model");
    CHECK(d2[2].pointer == "/pods/2/racks");
}

TEST_CASE("validate_or_throw raises an InputError naming the file", "[schema]") {
    json doc = valid_scenario();
    doc["pods"][0]["racks"] = -3;
    doc["seed"] = "x";
    try {
        sc::validate_or_throw(doc, scenario_schema(), "hall-a.json");
        FAIL("expected an InputError");
    } catch (const InputError& e) {
        CHECK(e.file() == "hall-a.json");
        REQUIRE(e.diagnostics().size() == 2);
        CHECK(std::string(e.what()) ==
              "hall-a.json: /pods/0/racks: expected an integer in [1, 100000], found -3\n"
              "hall-a.json: /seed: expected an integer >= 0, found a string (\"x\")");
    }
    CHECK_NOTHROW(sc::validate_or_throw(valid_scenario(), scenario_schema(), "ok.json"));
}

TEST_CASE("InputError renders the root pointer as (root)", "[schema]") {
    const InputError e("scenario.json", {{"", "the file is empty; expected a JSON object"}, {"/a/b", "oops"}});
    CHECK(std::string(e.what()) ==
          "scenario.json: (root): the file is empty; expected a JSON object\nscenario.json: /a/b: oops");
    CHECK(e.diagnostics().size() == 2);
    CHECK(sc::format_diagnostic("f.json", {"/x", "y"}) == "f.json: /x: y");
}

TEST_CASE("Defaults fill in missing scenario settings", "[schema]") {
    json doc = json::parse(R"({
        "name": "hall-b",
        "pods": [{"model": "GB200"}, {"model": "H100", "racks": 8}],
        "cooling": {"type": "air"}
    })");
    sc::apply_defaults(doc, scenario_schema());
    CHECK(doc["duration"] == 24.0);
    CHECK(doc["seed"] == 42);
    CHECK(doc["trace_output"] == false);
    CHECK(doc["pods"][0]["racks"] == 1);
    CHECK(doc["pods"][1]["racks"] == 8);  // existing values are kept
    CHECK(doc["cooling"]["supply_temp"] == 25.0);
    CHECK_FALSE(doc["cooling"].contains("inlet_temp"));  // belongs to the other alternative
    CHECK_FALSE(doc.contains("tags"));                   // no default declared
    CHECK_FALSE(doc["pods"][0].contains("power_cap"));
    CHECK(sc::validate(doc, scenario_schema()).empty());

    SECTION("the liquid-cooled alternative gets its own defaults") {
        json dlc = {{"type", "neptune_dlc"}, {"flow_rate", 900}};
        sc::apply_defaults(dlc, cooling_schema());
        CHECK(dlc["inlet_temp"] == 30.0);
        CHECK_FALSE(dlc.contains("supply_temp"));
    }
    SECTION("a defaulted object is itself completed") {
        const Schema s = sc::object("Site", {{"power", sc::object("Power feed", {
                                                              {"voltage", sc::number("Voltage", "V", 0, {}, 415)},
                                                              {"pue", sc::number("PUE", "", 1, 3, 1.2)},
                                                          }).with_default(json::object())}});
        json site = json::object();
        sc::apply_defaults(site, s);
        CHECK(site == json::parse(R"({"power": {"voltage": 415.0, "pue": 1.2}})"));
    }
    SECTION("a missing discriminator takes the single defaulted type") {
        Schema air = sc::object_variant("air", "Air", {{"supply_temp", sc::number("T", "degC", 0, 60, 25)}});
        air.properties[0].second.with_default("air");
        const Schema cooling = sc::discriminated("Cooling", {air, sc::object_variant("neptune_dlc", "DLC", {})});
        json c = json::object();
        sc::apply_defaults(c, cooling);
        CHECK(c == json::parse(R"({"type": "air", "supply_temp": 25.0})"));
    }
    SECTION("values of the wrong type are left for validation to report") {
        json bad = {{"name", "x"}, {"pods", "none"}, {"cooling", 3}};
        sc::apply_defaults(bad, scenario_schema());
        CHECK(bad["pods"] == "none");
        CHECK(bad["cooling"] == 3);
    }
}

TEST_CASE("The scenario schema exports as JSON Schema draft 2020-12", "[schema]") {
    const json js = sc::to_json_schema(scenario_schema());
    CHECK(js["$schema"] == "https://json-schema.org/draft/2020-12/schema");
    CHECK(js["type"] == "object");
    CHECK(js["description"] == "Datacenter scenario");
    CHECK(js["additionalProperties"] == false);
    CHECK(js["required"] == json::array({"name", "pods"}));
    REQUIRE(js["properties"].contains("pods"));
    CHECK(js["properties"]["duration"]["description"] == "Simulated duration [h]");
    CHECK(js["properties"]["duration"]["type"] == "number");
    CHECK(js["properties"]["duration"]["exclusiveMinimum"] == 0);
    CHECK(js["properties"]["duration"]["maximum"] == 8760);
    CHECK(js["properties"]["duration"]["default"] == 24.0);
    CHECK(js["properties"]["seed"]["type"] == "integer");

    const json& pods = js["properties"]["pods"];
    CHECK(pods["type"] == "array");
    CHECK(pods["minItems"] == 1);
    CHECK(pods["maxItems"] == 64);
    CHECK(pods["items"]["additionalProperties"] == false);
    CHECK(pods["items"]["required"] == json::array({"model"}));
    CHECK(pods["items"]["properties"]["model"]["enum"] == json::array({"GB200", "H100", "MI300X"}));
    CHECK(pods["items"]["properties"]["power_cap"]["description"] == "Power cap per rack [kW]");

    const json& cooling = js["properties"]["cooling"];
    REQUIRE(cooling["oneOf"].size() == 2);
    CHECK(cooling["oneOf"][0]["properties"]["type"]["enum"] == json::array({"air"}));
    CHECK(cooling["oneOf"][0]["required"][0] == "type");
    CHECK(cooling["oneOf"][1]["additionalProperties"] == false);
    CHECK(cooling["oneOf"][1]["properties"]["inlet_temp"]["description"] == "Coolant inlet temperature [degC]");

    CHECK(js["properties"]["notes"].count("type") == 0);  // "any" has no type constraint

    // The output is valid JSON text that round-trips.
    const std::string text = js.dump(2);
    CHECK(json::parse(text) == js);
}

TEST_CASE("did_you_mean finds close scenario keys", "[schema]") {
    const std::vector<std::string> keys = {"racks", "model", "power_cap", "name"};
    CHECK(sc::did_you_mean("rakcs", keys) == "racks");    // transposition
    CHECK(sc::did_you_mean("rack", keys) == "racks");     // deletion
    CHECK(sc::did_you_mean("modle", keys) == "model");
    CHECK(sc::did_you_mean("powercap", keys) == "power_cap");
    CHECK(sc::did_you_mean("Power_Cap", keys) == "power_cap");  // case-insensitive
    CHECK(sc::did_you_mean("neptun", {"air", "neptune_dlc"}) == "neptune_dlc");  // prefix
    CHECK(sc::did_you_mean("dlc", {"air", "neptune_dlc"}) == "neptune_dlc");     // substring
    CHECK(sc::did_you_mean("zzzzzz", keys).empty());
    CHECK(sc::did_you_mean("x", {"ab"}).empty());
    CHECK(sc::did_you_mean("", keys).empty());
    CHECK(sc::did_you_mean("racks", {}).empty());
    CHECK(sc::did_you_mean(std::string(10000, 'a'), keys).empty());
}

TEST_CASE("a --set override edits a scenario by JSON pointer", "[schema][set]") {
    json doc = valid_scenario();

    SECTION("numbers, booleans, strings and arrays are parsed as JSON") {
        sc::set_by_pointer(doc, "/pods/0/racks=16");
        CHECK(doc["pods"][0]["racks"] == 16);
        sc::set_by_pointer(doc, "/trace_output=true");
        CHECK(doc["trace_output"] == true);
        sc::set_by_pointer(doc, R"(/name="hall-c")");
        CHECK(doc["name"] == "hall-c");
        sc::set_by_pointer(doc, "/tags=[1,2]");
        CHECK(doc["tags"] == json::array({1, 2}));
        sc::set_by_pointer(doc, R"(/cooling={"type": "air"})");
        CHECK(doc["cooling"] == json{{"type", "air"}});
    }
    SECTION("values that are not JSON are taken as strings") {
        sc::set_by_pointer(doc, "/name=hall c");
        CHECK(doc["name"] == "hall c");
        sc::set_by_pointer(doc, "/pods/0/model=GB200");
        CHECK(doc["pods"][0]["model"] == "GB200");
        sc::set_by_pointer(doc, "/name=");
        CHECK(doc["name"] == "");
        sc::set_by_pointer(doc, "/name=a=b");  // only the first '=' separates
        CHECK(doc["name"] == "a=b");
    }
    SECTION("missing object members are created") {
        sc::set_by_pointer(doc, "/site/power/voltage=415");
        CHECK(doc["site"]["power"]["voltage"] == 415);
        json empty;
        sc::set_by_pointer(empty, "/cooling/type=air");
        CHECK(empty == json{{"cooling", {{"type", "air"}}}});
    }
    SECTION("escaped pointer tokens and appending") {
        sc::set_by_pointer(doc, "/notes/a~1b~0c=1");
        CHECK(doc["notes"]["a/b~c"] == 1);
        sc::set_by_pointer(doc, "/tags/-=\"extra\"");
        CHECK(doc["tags"] == json::array({"baseline", "extra"}));
    }
    SECTION("an array index out of range is an error naming the array size") {
        try {
            sc::set_by_pointer(doc, "/pods/3/racks=16");
            FAIL("expected an InputError");
        } catch (const InputError& e) {
            CHECK(e.file() == "--set");
            REQUIRE(e.diagnostics().size() == 1);
            CHECK(e.diagnostics()[0].pointer == "/pods/3");
            CHECK(e.diagnostics()[0].message ==
                  "array index 3 is out of range; /pods has 1 element (valid indices are 0 to 0)");
        }
        CHECK(doc == valid_scenario());  // untouched
    }
    SECTION("malformed assignments") {
        auto message_of = [&](std::string_view assignment) {
            try {
                sc::set_by_pointer(doc, assignment);
            } catch (const InputError& e) {
                REQUIRE(e.file() == "--set");
                REQUIRE(e.diagnostics().size() == 1);
                return e.diagnostics()[0].message;
            }
            return std::string("no error");
        };
        CHECK(message_of("/pods/0/racks") ==
              R"(expected POINTER=VALUE (for example /pods/0/racks=16), found "/pods/0/racks" with no '=')");
        CHECK(message_of("pods/0/racks=16") == R"(a JSON pointer must start with '/'; did you mean "/pods/0/racks"?)");
        CHECK(message_of("=16").find("empty") != std::string::npos);
        CHECK(message_of("/pods/x/racks=1") == R"("x" is not an array index; /pods is an array of 1 element)");
        CHECK(message_of("/pods/01/racks=1").find("not an array index") != std::string::npos);
        CHECK(message_of("/duration/hours=1") ==
              "cannot set a member of /duration: it is a number (48), not an object or an array");
        CHECK(message_of("/a~2b=1").find("invalid escape") != std::string::npos);
        CHECK(message_of("/pods/-/racks=1").find("last token") != std::string::npos);
        CHECK(message_of("/pods/99999999999999999999999=1").find("out of range") != std::string::npos);
    }
}

TEST_CASE("describe_value summarises values for messages", "[schema]") {
    CHECK(sc::describe_value(json("abc")) == R"(a string ("abc"))");
    CHECK(sc::describe_value(json(3.5)) == "a number (3.5)");
    CHECK(sc::describe_value(json(-3)) == "a number (-3)");
    CHECK(sc::describe_value(json(true)) == "a boolean (true)");
    CHECK(sc::describe_value(json(nullptr)) == "null");
    CHECK(sc::describe_value(json::array({1, 2, 3})) == "an array ([1, 2, 3])");
    CHECK(sc::describe_value(json::object()) == "an object ({})");
    const std::string big = sc::describe_value(json(std::vector<int>(10000, 7)));
    CHECK(big.size() < 60);
    CHECK(big.find("...") != std::string::npos);
    CHECK(sc::append_pointer("/a", "b/c~d") == "/a/b~1c~0d");
    CHECK(sc::append_pointer("", std::size_t{3}) == "/3");
}

TEST_CASE("InputError belongs to the project's usage-error hierarchy", "[schema]") {
    try {
        throw InputError("scenario.json", {{"/pods", "bad"}});
    } catch (const factorysim::UsageError& e) {
        CHECK(std::string(e.what()) == "scenario.json: /pods: bad");
    }
    CHECK_THROWS_AS(sc::set_by_pointer(*std::make_unique<json>(), "oops"), std::runtime_error);
}
