// The scenario contract: defaults, every error with its JSON pointer, overrides.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "factorysim/scenario/scenario.hpp"

using nlohmann::json;
namespace sc = factorysim::scenario;

namespace {

json minimal() {
    return json::parse(R"({"name": "t", "pods": [{"name": "p", "rack": "gb300_nvl72", "racks": 2}]})");
}

// All diagnostics of loading `doc`, as "pointer: message" lines.
std::string problems_of(json doc, sc::LoadOptions options = {}) {
    try {
        (void)sc::scenario_from_json(std::move(doc), "s.json", options);
    } catch (const sc::InputError& e) {
        std::string out;
        for (const auto& d : e.diagnostics()) out += d.pointer + ": " + d.message + "\n";
        return out;
    }
    return "";
}

}  // namespace

TEST_CASE("scenario: a ten-line scenario gets every default") {
    const auto s = sc::scenario_from_json(minimal(), "s.json");
    CHECK(s.horizon.hours() == Approx(24.0));
    CHECK(s.seed == 1);
    CHECK(s.cooling.type == "neptune_dlc");
    CHECK(s.cooling.supply_temp_c == 40.0);
    CHECK(s.site.electricity_usd_per_kwh == Approx(0.0806));
    CHECK(s.failures.enabled);
    CHECK(s.failures.gpu_mtbf_hours == 79000.0);
    CHECK(s.report.sample_interval.seconds() == Approx(900.0));
    CHECK(s.pods.at(0).racks == 2);
}

TEST_CASE("scenario: horizon in days converts to hours; both is an error") {
    auto doc = minimal();
    doc["horizon_days"] = 2;
    CHECK(sc::scenario_from_json(doc, "s.json").horizon.hours() == Approx(48.0));
    doc["horizon_hours"] = 3;
    CHECK(problems_of(doc) == "/horizon_days: give either horizon_hours or horizon_days, not both\n");
}

TEST_CASE("scenario: unknown keys get a did-you-mean, ranges and types name the pointer") {
    auto doc = minimal();
    doc["pods"][0]["rackz"] = 1;
    doc["pods"][0]["racks"] = -3;
    doc["horizon_hours"] = "long";
    const auto p = problems_of(doc);
    CHECK_THAT(p, Catch::Contains("/pods/0/rackz"));
    CHECK_THAT(p, Catch::Contains("did you mean \"rack"));
    CHECK_THAT(p, Catch::Contains("/pods/0/racks: expected an integer in [1, 20000], found -3"));
    CHECK_THAT(p, Catch::Contains("/horizon_hours: expected"));
}

TEST_CASE("scenario: a count of 10^12 racks is a range error, not an allocation") {
    auto doc = minimal();
    doc["pods"][0]["racks"] = 1e12;
    CHECK_THAT(problems_of(doc), Catch::Contains("/pods/0/racks: expected an integer in [1, 20000]"));
}

TEST_CASE("scenario: unknown catalog names list the known ones") {
    auto doc = minimal();
    doc["pods"][0]["rack"] = "gb301_nvl72";
    doc["workloads"] = json::array({{{"type", "training"}, {"name", "j"}, {"model", "llama9"}, {"racks", 1}}});
    const auto p = problems_of(doc);
    CHECK_THAT(p, Catch::Contains("/pods/0/rack: unknown rack \"gb301_nvl72\" (did you mean \"gb300_nvl72\"?)"));
    CHECK_THAT(p, Catch::Contains("known racks: gb200_nvl72, gb300_nvl72"));
}

TEST_CASE("scenario: workload references and parallelism are checked against the hardware") {
    auto doc = minimal();
    doc["workloads"] = json::parse(R"([
        {"type": "training", "name": "a", "model": "llama3.1-8b", "racks": 3},
        {"type": "training", "name": "a", "model": "llama3.1-8b", "racks": 2, "parallelism": {"tp": 144}},
        {"type": "training", "name": "b", "model": "llama3.1-8b", "racks": 1, "pod": "nope"},
        {"type": "inference", "name": "c", "model": "llama3.1-8b", "replicas": 1, "instance": {"gpus": 128}}
    ])");
    const auto p = problems_of(doc);
    CHECK_THAT(p, Catch::Contains("/workloads/0/racks: the job needs 216 GPUs but the pods it may use have 144 at most"));
    CHECK_THAT(p, Catch::Contains("/workloads/1/name: workload name \"a\" is used twice"));
    CHECK_THAT(p, Catch::Contains("/workloads/1/parallelism/tp: tp 144 exceeds the 72-GPU NVLink domain"));
    CHECK_THAT(p, Catch::Contains("/workloads/2/pod: unknown pod \"nope\""));
    CHECK_THAT(p, Catch::Contains("/workloads/3/instance/gpus: a replica of 128 GPUs does not fit"));
}

TEST_CASE("scenario: training alternatives resolve to gpus, batch tokens and tokens") {
    auto doc = minimal();
    doc["workloads"] = json::parse(R"([
        {"type": "training", "name": "a", "model": "llama3.1-8b", "gpus": 64, "global_batch_sequences": 512,
         "sequence_length": 4096, "steps": 100, "parallelism": {"tp": 4, "pp": 2, "cp": 2, "dp": 4}},
        {"type": "training", "name": "b", "model": "llama3.1-8b", "racks": 1}
    ])");
    const auto s = sc::scenario_from_json(doc, "s.json");
    CHECK(s.training[0].gpus == 64);
    CHECK(s.training[0].global_batch_tokens == 512.0 * 4096);
    CHECK(s.training[0].tokens == 100.0 * 512 * 4096);
    CHECK(s.training[0].parallelism.context == 2);
    CHECK(s.training[1].gpus == 72);
    CHECK(s.training[1].global_batch_tokens == 4194304.0);
    CHECK(s.training[1].tokens == 0.0);
    doc["workloads"][0]["parallelism"]["dp"] = 5;
    doc["workloads"][1]["gpus"] = 72;
    doc["workloads"][1]["parallelism"] = {{"ep", 2}};
    const auto p = problems_of(doc);
    CHECK_THAT(p, Catch::Contains("/workloads/0/parallelism/dp: dp 5 does not match gpus / (tp pp cp) = 64 / 16 = 4"));
    CHECK_THAT(p, Catch::Contains("/workloads/1: give gpus or racks, not both"));
}

TEST_CASE("scenario: a workload type that does not exist lists the known types") {
    auto doc = minimal();
    doc["workloads"] = json::parse(R"([{"type": "trainig", "name": "a", "model": "llama3.1-8b", "racks": 1}])");
    CHECK_THAT(problems_of(doc), Catch::Contains("/workloads/0/type"));
}

TEST_CASE("scenario: --set overrides are validated like the file") {
    sc::LoadOptions o;
    o.overrides = {"/pods/0/racks=4", "/cooling/supply_temp_c=40"};
    const auto s = sc::scenario_from_json(minimal(), "s.json", o);
    CHECK(s.pods[0].racks == 4);
    CHECK(s.cooling.supply_temp_c == 40.0);
    o.overrides = {"/pods/0/racks=0"};
    CHECK_THAT(problems_of(minimal(), o), Catch::Contains("/pods/0/racks: expected an integer in [1, 20000], found 0"));
    o.overrides = {"/cooling/suply_temp_c=40"};
    CHECK_THAT(problems_of(minimal(), o), Catch::Contains("did you mean \"supply_temp_c\""));
}

TEST_CASE("scenario: deployment schedules, burn-in failures and site phases load with their defaults") {
    auto doc = minimal();
    doc["pods"][0]["racks"] = 5;
    doc["failures"] = {{"repair_hours", 12}};
    doc["deployment"] = json::parse(R"({"deliveries": [{"at_hours": 10, "racks": 2}, {"at_hours": 10, "racks": 3}],
        "burn_in_failure_probability": 0.05,
        "site_phases": [{"at_hours": 0, "power_mw": 0.3, "cooling_mw": 0.5}, {"at_hours": 48, "power_mw": 1, "cooling_mw": 1}]})");
    auto s = sc::scenario_from_json(doc, "s.json");
    CHECK(s.deployment.ramp());
    REQUIRE(s.deployment.deliveries.size() == 2);
    CHECK(s.deployment.deliveries[1].racks == 3);
    CHECK(s.deployment.burn_in_failure_probability == 0.05);
    CHECK(s.deployment.burn_in_repair_hours == 12.0);  // failures.repair_hours unless given
    REQUIRE(s.deployment.site_phases.size() == 2);
    CHECK(s.deployment.site_phases[0].power_mw == 0.3);
    doc["deployment"]["burn_in_repair_hours"] = 3;
    CHECK(sc::scenario_from_json(doc, "s.json").deployment.burn_in_repair_hours == 3.0);
    // Without a schedule every rack is in service at the start, as before.
    s = sc::scenario_from_json(minimal(), "s.json");
    CHECK_FALSE(s.deployment.ramp());
    CHECK(s.deployment.site_phases.empty());
    CHECK(s.deployment.burn_in_failure_probability == 0.0);
}

TEST_CASE("scenario: deployment mistakes name the pointer and what was expected") {
    auto doc = minimal();
    doc["pods"][0]["racks"] = 6;
    doc["deployment"] = json::parse(R"({"racks_per_day": 4, "deliveries": [{"at_hours": 50, "racks": 2},
        {"at_hours": 10, "racks": 3}], "start_hours": 5,
        "site_phases": [{"at_hours": 10, "power_mw": 2, "cooling_mw": 2}, {"at_hours": 5, "power_mw": 1, "cooling_mw": 3}]})");
    auto p = problems_of(doc);
    CHECK_THAT(p, Catch::Contains("/deployment/deliveries: expected one delivery schedule, found racks_per_day, "
                                  "deliveries: give racks_per_day, racks_per_week or deliveries"));
    CHECK_THAT(p, Catch::Contains("/deployment/deliveries/1/at_hours: expected deliveries in time order: 10 h is "
                                  "before delivery 0 at 50 h"));
    CHECK_THAT(p, Catch::Contains("/deployment/deliveries: expected deliveries of every rack: they bring 5 racks, "
                                  "the pods have 6"));
    CHECK_THAT(p, Catch::Contains("/deployment/start_hours: start_hours applies to racks_per_day and racks_per_week"));
    CHECK_THAT(p, Catch::Contains("/deployment/site_phases/1/at_hours: expected site phases in time order"));
    CHECK_THAT(p, Catch::Contains("/deployment/site_phases/1/power_mw: expected cumulative capacity that never "
                                  "decreases: 1 MW is below phase 0's 2 MW"));
    CHECK_THAT(p, !Catch::Contains("cooling_mw"));

    doc = minimal();
    doc["deployment"] = json::parse(R"({"burn_in_failure_probability": 0.1,
        "site_phases": [{"at_hours": 0, "power_mw": 2, "cooling_mw": 2}]})");
    p = problems_of(doc);
    CHECK_THAT(p, Catch::Contains("/deployment/site_phases: site phases gate the racks of a deployment ramp: "
                                  "expected a delivery schedule"));
    CHECK_THAT(p, Catch::Contains("/deployment/burn_in_failure_probability: burn-in failures happen on a deployment "
                                  "ramp"));
    doc["deployment"] = {{"racks_per_week", 2}, {"burn_in_hours", 0}, {"burn_in_failure_probability", 0.1}};
    CHECK(problems_of(doc) == "/deployment/burn_in_failure_probability: a rack can only fail a burn-in it runs: "
                              "expected burn_in_hours > 0\n");
    doc["deployment"] = {{"racks_per_week", 2}, {"burn_in_failure_probability", 1}};
    CHECK_THAT(problems_of(doc), Catch::Contains("/deployment/burn_in_failure_probability: expected a number in [0, 0.99]"));
    doc["deployment"] = {{"deliveries", {{{"at_hours", 0}, {"racks", 3}}}}};
    CHECK_THAT(problems_of(doc), Catch::Contains("they bring 3 racks, the pods have 2"));
}

TEST_CASE("scenario: --seed replaces the scenario's seed") {
    sc::LoadOptions o;
    o.seed = 99;
    CHECK(sc::scenario_from_json(minimal(), "s.json", o).seed == 99);
}

TEST_CASE("scenario: a catalog section adds a rack a pod can use, errors point into it") {
    auto doc = minimal();
    auto rack = json::parse(sc::scenario_from_json(minimal(), "s.json").catalog.raw("gb300_nvl72").dump());
    rack["name"] = "my_rack";
    doc["catalog"] = {{"racks", json::array({rack})}};
    doc["pods"][0]["rack"] = "my_rack";
    CHECK(sc::scenario_from_json(doc, "s.json").catalog.has_rack("my_rack"));
    doc["catalog"]["racks"][0]["gpu"]["tdp_w"]["value"] = "hot";
    CHECK_THAT(problems_of(doc), Catch::Contains("/catalog/racks/0/gpu/tdp_w"));
}

TEST_CASE("scenario: the JSON Schema and the Markdown reference cover every section") {
    const auto schema = sc::to_json_schema(sc::scenario_schema());
    for (const char* key : {"name", "seed", "horizon_hours", "site", "pods", "fabric", "cooling", "workloads",
                            "scheduler", "failures", "cost", "report", "catalog"}) {
        INFO(key);
        CHECK(schema["properties"].contains(key));
    }
    const auto md = sc::scenario_reference_markdown();
    CHECK_THAT(md, Catch::Contains("| `supply_temp_c` | number | degC |"));
    CHECK_THAT(md, Catch::Contains("### `/workloads/N` with `\"type\": \"inference\"`"));
}

TEST_CASE("scenario: rack_types must name catalog racks that the scenario's pods hold") {
    auto doc = minimal();
    doc["pods"].push_back({{"name", "hopper"}, {"rack", "hgx_h100"}, {"racks", 2}});
    doc["workloads"] = json::parse(R"([
        {"type": "training", "name": "a", "model": "llama3.1-8b", "gpus": 8, "rack_types": ["gb301_nvl72"]},
        {"type": "training", "name": "b", "model": "llama3.1-8b", "gpus": 8, "rack_types": ["vr_nvl72"]},
        {"type": "training", "name": "c", "model": "llama3.1-8b", "gpus": 8, "rack": "hgx_h100",
         "rack_types": ["hgx_h100"]},
        {"type": "training", "name": "d", "model": "llama3.1-8b", "gpus": 8,
         "rack_types": ["hgx_h100", "hgx_h100"]},
        {"type": "inference", "name": "e", "model": "llama3.1-70b", "replicas": 1, "precision": "fp4",
         "rack_types": ["gb300_nvl72", "hgx_h100"]},
        {"type": "training", "name": "g", "model": "llama3.1-8b", "gpus": 8, "pod": "hopper",
         "rack_types": ["gb300_nvl72"]}
    ])");
    const auto p = problems_of(doc);
    CHECK_THAT(p, Catch::Contains("/workloads/0/rack_types/0: unknown rack \"gb301_nvl72\" (did you mean \"gb300_nvl72\"?)"));
    CHECK_THAT(p, Catch::Contains("/workloads/1/rack_types/0: no pod of the scenario holds rack type \"vr_nvl72\"; "
                                  "its pods hold gb300_nvl72, hgx_h100"));
    CHECK_THAT(p, Catch::Contains("/workloads/2/rack_types: give rack or rack_types, not both"));
    CHECK_THAT(p, Catch::Contains("/workloads/3/rack_types/1: rack type \"hgx_h100\" is listed twice"));
    CHECK_THAT(p, Catch::Contains("/workloads/4/rack_types/1: hgx_h100 cannot run this workload: hgx_h100 (H100 SXM5 "
                                  "80GB (Hopper)) has no fp4 tensor cores"));
    CHECK_THAT(p, Catch::Contains("/workloads/5/rack_types/0: pod \"hopper\" holds hgx_h100, not a rack type the "
                                  "workload asks for"));
    doc["workloads"] = json::parse(R"([{"type": "training", "name": "f", "model": "llama3.1-8b", "gpus": 8,
                                        "rack_types": []}])");
    CHECK_THAT(problems_of(doc), Catch::Contains("/workloads/0/rack_types: expected 1 to 64 items, found an empty array"));
}

TEST_CASE("scenario: a workload no rack type of the scenario can run is an input error, never a forever-queue") {
    auto doc = minimal();
    doc["pods"] = json::parse(R"([{"name": "hopper", "rack": "hgx_h100", "racks": 4},
                                   {"name": "hopper2", "rack": "hgx_h200", "racks": 4}])");
    doc["workloads"] = json::parse(R"([
        {"type": "training", "name": "fp4", "model": "llama3.1-8b", "gpus": 8, "precision": "fp4"},
        {"type": "training", "name": "huge", "model": "llama3.1-405b", "gpus": 8, "parallelism": {"tp": 8}},
        {"type": "training", "name": "alone", "model": "llama3.1-8b", "gpus": 8, "precision": "fp4", "pod": "hopper"}
    ])");
    const auto p = problems_of(doc);
    CHECK_THAT(p, Catch::Contains("/workloads/0: no rack type of the scenario can run this workload: hgx_h100: hgx_h100 "
                                  "(H100 SXM5 80GB (Hopper)) has no fp4 tensor cores"));
    CHECK_THAT(p, Catch::Contains("hgx_h200: hgx_h200 (H200 SXM 141GB (Hopper)) has no fp4 tensor cores"));
    CHECK_THAT(p, Catch::Contains("/workloads/1: no rack type of the scenario can run this workload: hgx_h100: "
                                  "llama3.1-405b needs at least"));
    // With one candidate type the problem points at the key that rules it out.
    CHECK_THAT(p, Catch::Contains("/workloads/2/precision: hgx_h100 (H100 SXM5 80GB (Hopper)) has no fp4 tensor cores"));
}

TEST_CASE("scenario: capability narrows a workload's rack types; racks resolve against the one type left") {
    auto doc = minimal();
    doc["pods"].push_back({{"name", "hopper"}, {"rack", "hgx_h100"}, {"racks", 4}});
    doc["workloads"] = json::parse(R"([
        {"type": "training", "name": "fp4", "model": "llama3.1-8b", "racks": 1, "precision": "fp4"},
        {"type": "training", "name": "tp16", "model": "llama3.1-8b", "gpus": 144, "parallelism": {"tp": 16}},
        {"type": "training", "name": "any", "model": "llama3.1-8b", "gpus": 8},
        {"type": "inference", "name": "svc", "model": "llama3.1-8b", "replicas": 2, "rack": "hgx_h100"}
    ])");
    const auto s = sc::scenario_from_json(doc, "s.json");
    using types = std::vector<std::string>;
    CHECK(s.training[0].rack_types == types{"gb300_nvl72"});
    CHECK(s.training[0].gpus == 72);  // one rack of the only type that runs FP4
    CHECK(s.training[1].rack_types == types{"gb300_nvl72"});  // TP 16 needs the 72-GPU NVLink domain
    CHECK(s.training[2].rack_types == types{"gb300_nvl72", "hgx_h100"});
    CHECK(s.inference[0].rack_types == types{"hgx_h100"});
}
