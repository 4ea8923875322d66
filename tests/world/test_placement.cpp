// Capability-aware placement in a heterogeneous factory (docs/models/scheduler.md,
// "Capability" and "Preference"): work lands only on rack types whose GPUs can run it, and
// when several can, the least capable type is tried first.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "factorysim/catalog/llm_math.hpp"
#include "factorysim/models/training_memory.hpp"
#include "factorysim/scenario/scenario.hpp"
#include "factorysim/world/world.hpp"

using nlohmann::json;
namespace sc = factorysim::scenario;
namespace fw = factorysim::world;
namespace fm = factorysim::models;

namespace {

// An H100 pod first in scenario order, then a GB300 pod: without capability checks the first
// pod that has room would take everything.
json mixed(int h100_racks, int gb300_racks, const std::string& placement) {
    json doc = json::parse(R"({"name": "mixed", "horizon_hours": 24, "failures": {"enabled": false},
                               "scheduler": {"policy": "first_fit"}})");
    doc["scheduler"]["placement"] = placement;
    doc["pods"] = json::array({{{"name", "hopper"}, {"rack", "hgx_h100"}, {"racks", h100_racks}},
                               {{"name", "blackwell"}, {"rack", "gb300_nvl72"}, {"racks", gb300_racks}}});
    doc["site"] = {{"ambient", {{"type", "constant"}, {"temp_c", 20}}}};
    return doc;
}

json job(const std::string& name, const std::string& model, int gpus, const std::string& precision) {
    return {{"type", "training"}, {"name", name},  {"model", model}, {"gpus", gpus},
            {"precision", precision}, {"tokens", 0}, {"parallelism", {{"tp", 8}}}};
}

double allocated(const factorysim::report::Report& rep, const std::string& type) {
    return rep.utilization.by_rack_type.at(type).allocated_gpu_hours;
}

}  // namespace

TEST_CASE("placement: an FP4 job never lands on H100 racks, even when they come first and are free") {
    auto doc = mixed(4, 1, "scenario_order");
    doc["workloads"] = json::array({job("fp4", "llama3.1-8b", 32, "fp4")});
    const auto s = sc::scenario_from_json(doc, "t.json");
    CHECK(s.training[0].rack_types == std::vector<std::string>{"gb300_nvl72"});
    const auto rep = fw::run_scenario(s);
    CHECK(rep.throughput.training[0].rack == "gb300_nvl72");
    CHECK(allocated(rep, "hgx_h100") == 0.0);
    CHECK(allocated(rep, "gb300_nvl72") == Approx(32 * 24.0));
}

TEST_CASE("placement: a job whose memory fits only one rack type goes there") {
    // Llama 3.1 70B on 8 GPUs (tp 8, one replica): >= 140 GB per GPU of weights, gradients and
    // unsharded optimizer state (143 GB): more than an H100's 80 GB, less than a GB300's 279 GB.
    const auto& cat = sc::scenario_from_json(mixed(1, 1, "scenario_order"), "t.json").catalog;
    const auto mem = fm::training_memory_per_gpu({&cat.llm("llama3.1-70b"), 8, 8, 1, 1, 1, 8192});
    REQUIRE(mem.total_bytes() > cat.rack("hgx_h100").gpu.hbm_usable_gb.value * 1e9);
    REQUIRE(mem.total_bytes() < cat.rack("gb300_nvl72").gpu.hbm_usable_gb.value * 1e9);
    auto doc = mixed(2, 1, "scenario_order");
    doc["workloads"] = json::array({job("big", "llama3.1-70b", 8, "bf16"), job("small", "llama3.1-8b", 8, "bf16")});
    const auto rep = fw::run_scenario(sc::scenario_from_json(doc, "t.json"));
    CHECK(rep.throughput.training[0].rack == "gb300_nvl72");
    CHECK(rep.throughput.training[1].rack == "hgx_h100");  // fits both: the first pod in scenario order
}

TEST_CASE("placement: least capable first keeps the scarce FP4 racks for the work that needs them") {
    // One GB300 rack (72 GPUs) and nine HGX H100 servers (72 GPUs). A BF16 job that fits both
    // arrives first, then an FP4 job that only the GB300 can run; both want 72 GPUs.
    auto workloads = json::array({job("bf16", "llama3.1-8b", 72, "bf16"), job("fp4", "llama3.1-8b", 72, "fp4")});
    workloads[1]["start_hours"] = 1.0;
    auto doc = mixed(9, 1, "least_capable_first");
    std::swap(doc["pods"][0], doc["pods"][1]);  // the GB300 pod first: scenario order would pick it
    doc["workloads"] = workloads;
    const auto spare = fw::run_scenario(sc::scenario_from_json(doc, "t.json"));
    CHECK(spare.throughput.training[0].rack == "hgx_h100");
    CHECK(spare.throughput.training[1].rack == "gb300_nvl72");
    CHECK(spare.utilization.jobs_waiting_at_end == 0);
    CHECK(spare.utilization.by_rack_type.at("gb300_nvl72").allocated_fraction == Approx(23.0 / 24.0));

    doc["scheduler"]["placement"] = "scenario_order";
    const auto first = fw::run_scenario(sc::scenario_from_json(doc, "t.json"));
    CHECK(first.throughput.training[0].rack == "gb300_nvl72");
    CHECK(first.utilization.jobs_waiting_at_end == 1);  // the FP4 job waits behind a job that had a choice
    CHECK(first.utilization.allocated_fraction < spare.utilization.allocated_fraction);
}

TEST_CASE("placement: utilisation by rack type adds up to the totals") {
    auto doc = mixed(9, 2, "least_capable_first");
    doc["workloads"] = json::array({job("a", "llama3.1-8b", 72, "bf16"), job("b", "llama3.1-8b", 64, "fp8"),
                                    job("c", "llama3.1-8b", 72, "fp4")});
    const auto rep = fw::run_scenario(sc::scenario_from_json(doc, "t.json"));
    double gpus = 0, allocated_h = 0, busy_h = 0;
    for (const auto& [type, u] : rep.utilization.by_rack_type) {
        gpus += u.gpus;
        allocated_h += u.allocated_gpu_hours;
        busy_h += u.busy_gpu_hours;
        CHECK(u.allocated_fraction <= 1.0);
    }
    CHECK(gpus == rep.utilization.gpus);
    CHECK(allocated_h == Approx(rep.utilization.allocated_gpu_hours).epsilon(1e-12));
    CHECK(busy_h == Approx(rep.utilization.busy_gpu_hours).epsilon(1e-12));
}

TEST_CASE("placement: a gang never spans rack types; a job larger than any one type's pod is an input error") {
    auto doc = mixed(9, 1, "least_capable_first");
    doc["workloads"] = json::array({job("wide", "llama3.1-8b", 144, "bf16")});  // 72 H100 + 72 GB300 would hold it
    try {
        (void)sc::scenario_from_json(doc, "t.json");
        FAIL("expected an input error");
    } catch (const sc::InputError& e) {
        CHECK_THAT(e.diagnostics().front().message, Catch::Contains("the pods it may use have 72 at most"));
    }
}
