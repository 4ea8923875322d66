// End-to-end physics and contracts of a scenario run: energy balance, closed forms for
// simple cases, failure statistics, caps, throttling, reproducibility, partial runs.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <limits>
#include <cmath>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "factorysim/models/cooling_plant.hpp"
#include "factorysim/models/deployment_ramp.hpp"
#include "factorysim/models/rack_power.hpp"
#include "factorysim/models/training_step.hpp"
#include "factorysim/report/writers.hpp"
#include "factorysim/scenario/scenario.hpp"
#include "factorysim/world/world.hpp"

using nlohmann::json;
namespace sc = factorysim::scenario;
namespace fw = factorysim::world;
namespace fm = factorysim::models;

namespace {

json base(int racks = 4) {
    json doc = json::parse(R"({"name": "t", "horizon_hours": 48, "failures": {"enabled": false}})");
    doc["pods"] = json::array({{{"name", "p"}, {"rack", "gb300_nvl72"}, {"racks", racks}}});
    doc["site"] = {{"ambient", {{"type", "constant"}, {"temp_c", 20}}}};
    return doc;
}

factorysim::report::Report run(const json& doc, const fw::RunOptions& o = {}) {
    const auto s = sc::scenario_from_json(doc, "t.json");
    return fw::run_scenario(s, o);
}

json training(int racks, double tokens = 0) {
    return {{"type", "training"}, {"name", "job"}, {"model", "llama3.1-8b"}, {"racks", racks}, {"tokens", tokens},
            {"parallelism", {{"tp", 8}}}};
}

}  // namespace

TEST_CASE("world: an idle factory draws idle rack power and the plant's closed form") {
    const auto rep = run(base(4));
    const auto s = sc::scenario_from_json(base(4), "t.json");
    const auto& rack = s.catalog.rack("gb300_nvl72");
    const double it_w = 4 * fm::rack_power(rack, 0.0).total_w;
    const auto plant = fm::plant_state(s.cooling, it_w, 20.0, 4 * fm::full_load_power_kw(rack) * 1e3);
    CHECK(rep.power.it_avg_mw == Approx(it_w / 1e6).epsilon(1e-12));
    CHECK(rep.power.facility_avg_mw == Approx(plant.facility_w / 1e6).epsilon(1e-12));
    CHECK(rep.power.pue == Approx(plant.facility_w / it_w).epsilon(1e-12));
    CHECK(rep.power.it_energy_mwh == Approx(it_w * 48 / 1e6).epsilon(1e-12));
    CHECK(rep.utilization.busy_fraction == 0.0);
}

TEST_CASE("world: facility energy = IT + cooling + distribution losses, exactly") {
    auto doc = base(8);
    doc["site"]["ambient"] = {{"type", "synthetic"}, {"mean_c", 22}, {"daily_swing_c", 14}};
    doc["workloads"] = json::array({training(4), {{"type", "inference"}, {"name", "svc"}, {"model", "llama3.1-70b"},
                                                  {"replicas", 9}, {"arrival", {{"type", "diurnal"}, {"rate_per_s", 60}}}}});
    doc["failures"]["enabled"] = true;
    const auto rep = run(doc);
    const auto& p = rep.power;
    const double hours = rep.run.simulated_hours;
    CHECK(p.energy_mwh == Approx((p.it_avg_mw + p.cooling_avg_mw + p.distribution_loss_avg_mw) * hours).epsilon(1e-9));
    CHECK(p.energy_mwh == Approx(p.facility_avg_mw * hours).epsilon(1e-9));
    CHECK(p.pue > 1.0);
    CHECK(p.facility_peak_mw >= p.facility_avg_mw);
    CHECK(rep.thermal.free_cooling_fraction > 0.0);
    CHECK(rep.thermal.free_cooling_fraction < 1.0);  // the hot afternoons need the chiller
}

TEST_CASE("world: a training job finishes when the closed form says (compute + checkpoint writes)") {
    auto doc = base(4);
    const double tokens = 2e11;
    doc["workloads"] = json::array({training(2, tokens)});
    const auto rep = run(doc);
    const auto s = sc::scenario_from_json(doc, "t.json");
    const auto& job = rep.throughput.training.at(0);
    REQUIRE(job.completion_hours);
    const double run_s = tokens / job.tokens_per_s;
    const double write_s = fm::checkpoint_bytes(s.catalog.llm("llama3.1-8b")) / (0.125e9 * 144);
    const double checkpoints = std::floor(run_s / 3600.0);  // one per hour of running
    CHECK(job.checkpoints == static_cast<long>(checkpoints));
    CHECK(*job.completion_hours * 3600.0 == Approx(run_s + checkpoints * write_s).epsilon(1e-9));
    CHECK(job.tokens_trained == Approx(tokens).epsilon(1e-9));
    CHECK(job.goodput == Approx(run_s / (run_s + checkpoints * write_s)).epsilon(1e-9));
    // Released racks go idle: allocation ends at completion.
    CHECK(rep.utilization.allocated_gpu_hours == Approx(144 * *job.completion_hours).epsilon(1e-9));
}

TEST_CASE("world: failure counts follow the MTBF (Poisson, within 4 sigma)") {
    auto doc = base(8);
    doc["horizon_hours"] = 2000;
    doc["failures"] = {{"enabled", true}, {"gpu_mtbf_hours", 500}, {"node_mtbf_hours", 1e9},
                       {"network_mtbf_hours", 1e9}, {"software_mtbf_hours", 1e10}, {"repair_hours", 0}};
    doc["report"] = {{"sample_interval_minutes", 600}};
    const auto rep = run(doc);
    const double expected = 576.0 * 2000 / 500;  // 2304
    const double n = static_cast<double>(rep.reliability.failures_by_component.at("gpu"));
    CHECK(std::abs(n - expected) < 4 * std::sqrt(expected));
}

TEST_CASE("world: failures roll training back to its last checkpoint") {
    auto doc = base(4);
    doc["horizon_hours"] = 200;
    doc["failures"] = {{"enabled", true}, {"gpu_mtbf_hours", 3000}};
    doc["workloads"] = json::array({training(3)});  // one rack of spares
    const auto rep = run(doc);
    const auto& job = rep.throughput.training.at(0);
    CHECK(job.interruptions > 5);
    CHECK(rep.reliability.job_interruptions == job.interruptions);
    CHECK(job.lost_gpu_hours > 0);
    CHECK(job.goodput < 0.99);
    CHECK(job.goodput > 0.5);
    const double running_tokens = job.tokens_per_s * 200 * 3600 * job.goodput;
    CHECK(job.tokens_trained == Approx(running_tokens).epsilon(1e-6));
}

TEST_CASE("world: same seed gives identical report bytes, another seed another trace") {
    auto doc = base(8);
    doc["failures"] = {{"enabled", true}, {"gpu_mtbf_hours", 2000}};
    doc["workloads"] = json::array({training(8)});
    const auto a = factorysim::report::render_report(run(doc), factorysim::report::Format::Json);
    const auto b = factorysim::report::render_report(run(doc), factorysim::report::Format::Json);
    CHECK(a == b);
    doc["seed"] = 2;
    const auto c = factorysim::report::render_report(run(doc), factorysim::report::Format::Json);
    CHECK(a != c);
}

TEST_CASE("world: a site power cap holds and slows the work") {
    auto doc = base(8);
    doc["workloads"] = json::array({training(8)});
    const auto free = run(doc);
    doc["site"]["power_cap_mw"] = 0.8 * free.power.facility_peak_mw;
    const auto capped = run(doc);
    CHECK(capped.power.facility_peak_mw <= doc["site"]["power_cap_mw"].get<double>() * (1 + 1e-9));
    // The cap binds whenever the job computes (not during its checkpoint writes).
    CHECK(capped.power.capped_hours > 0.95 * 48.0);
    CHECK(capped.throughput.training[0].tokens_trained < free.throughput.training[0].tokens_trained);
}

TEST_CASE("world: a dry cooler on a hot day raises the coolant and throttles the GPUs") {
    auto doc = base(2);
    doc["site"]["ambient"]["temp_c"] = 45;
    doc["cooling"] = {{"type", "neptune_dlc"}, {"supply_temp_c", 45}, {"heat_rejection", "dry_cooler"},
                      {"throttle_temp_c", 70}};
    doc["workloads"] = json::array({training(2)});
    const auto rep = run(doc);
    const auto s = sc::scenario_from_json(doc, "t.json");
    CHECK(fm::rack_supply_temp_c(s.cooling, 45) == Approx(45 + 8 + 3));
    CHECK(rep.thermal.gpu_heat_generated_mwh ==
          Approx(rep.thermal.gpu_heat_to_coolant_mwh + rep.thermal.gpu_heat_stored_mwh).epsilon(1e-9));
    // 56 C coolant + 20 C/kW: above 0.7 kW a GPU would pass 70 C, so the computing GPUs throttle.
    CHECK(rep.thermal.throttled_gpu_hours > 0.9 * 144 * 48.0);
    CHECK(rep.thermal.max_gpu_temp_c <= s.cooling.throttle_temp_c + 1e-9);
    CHECK(rep.thermal.max_gpu_temp_c == Approx(s.cooling.throttle_temp_c));
    CHECK(rep.thermal.free_cooling_fraction == 1.0);  // a dry cooler has no compressor
}

TEST_CASE("world: inference serves what it can and drops the rest") {
    auto doc = base(2);
    doc["workloads"] = json::array({{{"type", "inference"}, {"name", "svc"}, {"model", "llama3.1-70b"},
                                     {"replicas", 9}, {"arrival", {{"rate_per_s", 1e6}}}}});
    const auto rep = run(doc);
    const auto& svc = rep.throughput.inference.at(0);
    CHECK(svc.utilization == Approx(1.0));
    CHECK(svc.requests_dropped > 0);
    CHECK(svc.requests_completed + svc.requests_dropped == Approx(1e6 * 48 * 3600).epsilon(1e-9));
    CHECK(svc.output_tokens_per_s == Approx(svc.requests_completed * 256 / (48 * 3600)).epsilon(1e-9));
}

TEST_CASE("world: a workload's energy is counted from its placement, not before") {
    // The same service for 6 h, once from the start and once after 6.5 h of idle racks: its
    // share of the racks' energy, and so its tokens per MWh, must be the same. (Placement
    // between two power refreshes, here half an hour after the hourly one, once charged the
    // late service the idle half hour too.)
    const auto with_start = [](double start_hours) {
        auto doc = base(1);
        doc["horizon_hours"] = start_hours + 6;
        doc["workloads"] = json::array({{{"type", "inference"}, {"name", "svc"}, {"model", "llama3.1-70b"},
                                         {"replicas", 9}, {"start_hours", start_hours},
                                         {"arrival", {{"type", "poisson"}, {"rate_per_s", 50}}}}});
        return run(doc).throughput.inference.at(0).output_tokens_per_mwh;
    };
    const double early = with_start(0), late = with_start(6.5);
    REQUIRE(early > 0);
    CHECK(late == Approx(early).epsilon(1e-6));
}

TEST_CASE("world: a stop request gives a partial report") {
    auto doc = base(2);
    doc["workloads"] = json::array({training(2)});
    std::atomic<bool> stop{false};
    fw::RunOptions o;
    o.stop_requested = &stop;
    o.progress = [&stop](double f) {
        if (f >= 0.5) stop = true;
    };
    const auto rep = run(doc, o);
    CHECK(rep.run.partial);
    CHECK(rep.run.simulated_hours == Approx(24.0).margin(0.5));
    CHECK(rep.power.it_energy_mwh > 0);
    CHECK(factorysim::report::to_json(rep)["run"]["partial"] == true);
}

TEST_CASE("world: a model too large for its instance is an input error with a pointer") {
    auto doc = base(2);
    doc["workloads"] = json::array({{{"type", "inference"}, {"name", "svc"}, {"model", "llama3.1-405b"},
                                     {"replicas", 1}, {"instance", {{"gpus", 1}}}, {"precision", "bf16"}}});
    try {
        (void)sc::scenario_from_json(doc, "t.json");  // caught by validation, before any run
        FAIL("expected an InputError");
    } catch (const sc::InputError& e) {
        CHECK(e.diagnostics().at(0).pointer == "/workloads/0/instance");
        CHECK_THAT(e.diagnostics().at(0).message, Catch::Contains("GB of weights per GPU"));
    }
}

namespace {
// A small factory at full training load for a year of temperate weather.
json annual(const std::string& cooling) {
    auto doc = base(4);
    doc["pods"][0]["rack"] = "hgx_b200";
    doc["horizon_days"] = 365;
    doc.erase("horizon_hours");
    doc["site"]["ambient"] = {{"type", "synthetic"}, {"mean_c", 12}, {"daily_swing_c", 9}, {"seasonal_swing_c", 18}};
    doc["cooling"] = {{"type", cooling}};
    doc["report"] = {{"sample_interval_minutes", 1440}};
    doc["workloads"] = json::array({{{"type", "training"}, {"name", "j"}, {"model", "llama3.1-8b"}, {"racks", 4},
                                     {"parallelism", {{"tp", 8}}}}});
    return doc;
}
}  // namespace

TEST_CASE("world: annual PUE in a temperate climate, Neptune about 1.05-1.15, air with chillers about 1.3-1.6") {
    const auto neptune = run(annual("neptune_dlc"));
    CHECK(neptune.power.pue >= 1.05);
    CHECK(neptune.power.pue <= 1.15);
    CHECK(neptune.thermal.free_cooling_fraction > 0.9);
    const auto air = run(annual("air"));
    // "About": the stated defaults (docs/models/cooling.md) land at 1.29; 0.05 of slack below 1.3.
    CHECK(air.power.pue >= 1.25);
    CHECK(air.power.pue <= 1.6);
    // The fans the cold plates make redundant also leave the IT load.
    CHECK(neptune.power.it_energy_mwh < air.power.it_energy_mwh);
    CHECK(neptune.power.energy_mwh < 0.8 * air.power.energy_mwh);
}

TEST_CASE("world: raising the supply temperature past what the cold plates bear throttles and slows training") {
    double previous_tokens = std::numeric_limits<double>::infinity();
    double previous_temp = 0.0;
    for (double supply : {35.0, 45.0, 55.0, 60.0}) {
        auto doc = base(2);
        doc["cooling"] = {{"type", "neptune_dlc"}, {"supply_temp_c", supply}, {"heat_rejection", "chiller"}};
        auto job = training(2);
        job["model"] = "llama3.1-70b";  // compute-heavy: its GPUs run near TDP
        doc["workloads"] = json::array({job});
        const auto rep = run(doc);
        INFO("supply " << supply);
        const double tokens = rep.throughput.training[0].tokens_trained;
        CHECK(tokens <= previous_tokens);
        CHECK(rep.thermal.max_gpu_temp_c >= previous_temp);
        CHECK(rep.thermal.max_gpu_temp_c <= 90.0 + 1e-9);
        // Up to the rated supply (45 C) the cold plates hold full power; well above it they cannot.
        if (supply >= 60.0) {
            CHECK(rep.thermal.throttled_gpu_hours > 0.0);
            CHECK(tokens < 0.99 * previous_tokens);
        } else if (supply <= 45.0) {
            CHECK(rep.thermal.throttled_gpu_hours == 0.0);
        }
        previous_tokens = tokens;
        previous_temp = rep.thermal.max_gpu_temp_c;
    }
}

TEST_CASE("world: a weather CSV drives the plant hour by hour") {
    const std::string path = "weather-test.csv";
    {
        std::ofstream out(path);
        out << "hour,temp_c\n";
        for (int h = 0; h < 48; ++h) out << h << ',' << (h < 24 ? 10 : 40) << '\n';
    }
    auto doc = base(2);
    doc["site"]["ambient"] = {{"type", "csv"}, {"path", path}};
    const auto rep = run(doc);
    CHECK(rep.thermal.ambient_avg_c == Approx(25.0));
    CHECK(rep.thermal.ambient_max_c == 40.0);
    CHECK(rep.thermal.free_cooling_fraction == Approx(0.5 * 1.0 + 0.5 * 0.0).margin(0.02));
    doc["site"]["ambient"]["column"] = "temperature";
    CHECK_THROWS_WITH(run(doc), Catch::Contains("no column \"temperature\" in the header (hour, temp_c)"));
    {
        std::ofstream out(path);
        out << "temp_c\n12\nwarm\n";
    }
    doc["site"]["ambient"].erase("column");
    CHECK_THROWS_WITH(run(doc), Catch::Contains("line 3, column \"temp_c\": expected a temperature in [-90, 70] degC, found \"warm\""));
    std::remove(path.c_str());
}

TEST_CASE("world: a training job's time adds up: useful + checkpoint writes + lost = allocated, exactly") {
    auto doc = base(4);
    doc["horizon_hours"] = 500;
    doc["failures"] = {{"enabled", true}, {"gpu_mtbf_hours", 2000}, {"software_mtbf_hours", 20000}};
    auto job = training(3);
    job["checkpoint"] = {{"interval_hours", 2.0}, {"write_gb_per_s_per_gpu", 0.002}};  // slow writes: ~2 min
    doc["workloads"] = json::array({job});
    const auto rep = run(doc);
    const auto& t = rep.throughput.training.at(0);
    REQUIRE(t.interruptions > 10);
    const double allocated_s = 500 * 3600.0;
    const double useful_s = t.goodput * allocated_s;
    CHECK(allocated_s == Approx(useful_s + t.checkpoints * t.checkpoint_write_s + t.lost_gpu_hours * 3600 / t.gpus)
                             .epsilon(1e-9));
    // Rolled-back work is exactly the work since the last checkpoint: tokens follow useful time.
    CHECK(t.tokens_trained == Approx(t.tokens_per_s * useful_s).epsilon(1e-9));
}

TEST_CASE("world: with no spare GPUs a job waits for the repair; allocation never exceeds the factory") {
    auto doc = base(2);
    doc["horizon_hours"] = 400;
    doc["failures"] = {{"enabled", true}, {"gpu_mtbf_hours", 5000}, {"node_mtbf_hours", 1e9}, {"network_mtbf_hours", 1e9},
                       {"software_mtbf_hours", 1e10}, {"repair_hours", 12}};
    doc["workloads"] = json::array({training(2)});  // the whole factory: nothing to swap in
    const auto rep = run(doc);
    const auto& t = rep.throughput.training.at(0);
    REQUIRE(t.interruptions > 3);
    // Each GPU failure stops the job until its repair: at least repair_hours x GPUs lost per interruption
    // (repairs of overlapping failures can overlap, hence the first interruption only).
    CHECK(t.lost_gpu_hours >= 12.0 * 144);
    for (double f : rep.series.column("gpus_allocated_fraction")) CHECK(f <= 1.0 + 1e-12);
    CHECK(rep.utilization.busy_gpu_hours <= rep.utilization.allocated_gpu_hours + 1e-6);
    CHECK(rep.utilization.allocated_gpu_hours <= rep.utilization.gpu_hours + 1e-6);
}

namespace {
json job(const std::string& name, int racks, double tokens, double start_hours = 0, int priority = 0) {
    auto j = training(racks, tokens);
    j["name"] = name;
    j["start_hours"] = start_hours;
    j["priority"] = priority;
    return j;
}
const factorysim::report::TrainingJobReport& find(const factorysim::report::Report& rep, const std::string& name) {
    for (const auto& t : rep.throughput.training)
        if (t.name == name) return t;
    throw std::runtime_error("no job " + name);
}
}  // namespace

TEST_CASE("scheduler: FIFO blocks behind the head, first-fit and EASY backfill a short job, EASY never a long one") {
    // 4 racks: A (3 racks) runs first; B wants all 4 and must wait for A; C (1 rack, short)
    // fits now and ends before A; D (1 rack, long) fits now but would delay B.
    auto doc = base(4);
    doc["horizon_hours"] = 200;
    doc["workloads"] = json::array({job("A", 3, 2e11), job("B", 4, 1e11, 0.1), job("C", 1, 1e10, 0.2),
                                    job("D", 1, 1e12, 0.3)});
    const auto fifo = run(doc);
    CHECK(*find(fifo, "C").start_hours > *find(fifo, "A").completion_hours - 1e-9);
    doc["scheduler"] = {{"policy", "first_fit"}};
    const auto first_fit = run(doc);
    CHECK(*find(first_fit, "C").start_hours == Approx(0.2));
    doc["scheduler"] = {{"policy", "easy_backfill"}};
    const auto easy = run(doc);
    CHECK(*find(easy, "C").start_hours == Approx(0.2));
    CHECK(easy.utilization.backfilled_jobs == 1);
    // B starts when A finishes: the backfilled C ended earlier and D was not allowed to delay it.
    CHECK(*find(easy, "B").start_hours == Approx(*find(easy, "A").completion_hours).margin(1e-6));
    CHECK(*find(easy, "D").start_hours >= *find(easy, "B").start_hours);
}

TEST_CASE("scheduler: priority preempts lower-priority training, which resumes from its checkpoint") {
    auto doc = base(4);
    doc["horizon_hours"] = 100;
    doc["scheduler"] = {{"policy", "priority"}};
    doc["workloads"] = json::array({job("low", 4, 0, 0, 0), job("high", 2, 5e10, 5.5, 10)});
    const auto rep = run(doc);
    const auto& low = find(rep, "low");
    const auto& high = find(rep, "high");
    CHECK(*high.start_hours == Approx(5.5));
    REQUIRE(high.completion_hours);
    CHECK(low.preemptions == 1);
    CHECK(rep.utilization.preemptions == 1);
    CHECK(low.interruptions == 0);
    // Rolled back to the 5 h checkpoint: half an hour of 288 GPUs lost.
    CHECK(low.lost_gpu_hours == Approx(0.5 * 288).epsilon(0.01));
    // It resumed when the high-priority job ended and kept training to the horizon.
    CHECK(low.goodput < 1.0);
    CHECK(low.tokens_trained > 0.9 * low.tokens_per_s * (100 - *high.completion_hours + 5.5) * 3600 * 0.99);
}

TEST_CASE("failures: an NVLink switch tray fault takes the whole rack's NVLink domain out") {
    auto doc = base(4);
    doc["horizon_hours"] = 300;
    doc["failures"] = {{"enabled", true}, {"gpu_mtbf_hours", 1e9}, {"node_mtbf_hours", 1e9}, {"network_mtbf_hours", 1e9},
                       {"software_mtbf_hours", 1e10}, {"nvlink_switch_mtbf_hours", 2000}, {"repair_hours", 10}};
    doc["workloads"] = json::array({training(2)});
    const auto rep = run(doc);
    const auto n = rep.reliability.failures_by_component.at("nvlink_switch");
    REQUIRE(n > 0);
    // Every fault costs the rack's 72 GPUs for the repair.
    CHECK(rep.reliability.gpu_hours_lost >= n * 72 * 10.0);
}

TEST_CASE("scheduler: a job-arrival stream generates reproducible jobs from the seed") {
    auto doc = base(4);
    doc["horizon_hours"] = 100;
    doc["scheduler"] = {{"policy", "first_fit"}};
    doc["job_arrivals"] = json::array({{{"name", "ft"}, {"rate_per_hour", 0.5}, {"count", 6},
                                        {"template", {{"model", "llama3.1-8b"}, {"racks", 1}, {"tokens", 5e10},
                                                      {"parallelism", {{"tp", 8}}}}}}});
    const auto a = run(doc);
    const auto b = run(doc);
    REQUIRE(a.throughput.training.size() == 6);
    CHECK(a.throughput.training[0].name == "ft-1");
    for (std::size_t i = 0; i < 6; ++i) CHECK(*a.throughput.training[i].start_hours == *b.throughput.training[i].start_hours);
    CHECK(*a.throughput.training[5].start_hours > *a.throughput.training[0].start_hours);
    doc["job_arrivals"][0]["template"]["name"] = "x";
    CHECK_THROWS_WITH(run(doc), Catch::Contains("/job_arrivals/0/template/name"));
}

TEST_CASE("deployment: racks join on the ramp's closed form; work starts when its racks are in service") {
    auto doc = base(8);
    doc["horizon_hours"] = 240;
    doc["deployment"] = {{"racks_per_day", 2}, {"install_hours", 8}, {"burn_in_hours", 24}};
    auto first = training(2);
    first["name"] = "first";
    auto second = training(6);
    second["name"] = "second";
    second["start_hours"] = 1;
    doc["workloads"] = json::array({first, second});
    const auto rep = run(doc);
    // Rack k arrives at 12k h, is installed 8 h later and burns in for 24 h.
    CHECK(*rep.deployment.first_rack_in_service_hours == Approx(32.0));
    CHECK(*rep.deployment.time_to_first_token_hours == Approx(44.0));  // the 2-rack job needs racks 0 and 1
    CHECK(*rep.deployment.time_to_full_capacity_hours == Approx(32.0 + 7 * 12.0));
    CHECK(rep.deployment.gpu_hours_lost_to_ramp == Approx(72.0 * (8 * 32.0 + 12.0 * 28)));
    CHECK(*find(rep, "second").start_hours == Approx(116.0));
    // Before the first delivery is hooked up nothing draws power.
    CHECK(rep.series.column("it_power_mw").front() == 0.0);
}

TEST_CASE("deployment: weekly batches and a delivery list join on their closed forms") {
    auto doc = base(8);
    doc["horizon_hours"] = 400;
    doc["deployment"] = {{"racks_per_week", 3}, {"start_hours", 10}, {"install_hours", 8}, {"burn_in_hours", 24}};
    auto rep = run(doc);
    // Rack k arrives at 10 + floor(k / 3) 168 h and joins 32 h later.
    CHECK(*rep.deployment.first_rack_in_service_hours == Approx(42.0));
    CHECK(*rep.deployment.time_to_full_capacity_hours == Approx(10 + 2 * 168.0 + 32));
    CHECK(rep.deployment.gpu_hours_lost_to_ramp == Approx(72.0 * (3 * 42.0 + 3 * 210.0 + 2 * 378.0)));
    CHECK(rep.deployment.racks_in_service == 8);
    CHECK(rep.deployment.rack_hours_waiting_for_site == 0.0);

    doc["deployment"] = {{"deliveries", {{{"at_hours", 0}, {"racks", 2}}, {{"at_hours", 50}, {"racks", 5}},
                                         {{"at_hours", 120}, {"racks", 1}}}},
                         {"install_hours", 4},
                         {"burn_in_hours", 12}};
    rep = run(doc);
    CHECK(*rep.deployment.first_rack_in_service_hours == Approx(16.0));
    CHECK(*rep.deployment.time_to_full_capacity_hours == Approx(136.0));
    CHECK(rep.deployment.gpu_hours_lost_to_ramp == Approx(72.0 * (2 * 16.0 + 5 * 66.0 + 136.0)));
}

TEST_CASE("deployment: racks wait for site power and cooling exactly as the closed form says") {
    auto doc = base(8);
    doc["horizon_hours"] = 200;
    const auto s = sc::scenario_from_json(doc, "t.json");
    const double mw = fm::full_load_power_kw(s.catalog.rack("gb300_nvl72")) / 1e3;
    // One rack an hour, installed in 2 h; capacity for 2 racks from 5 h, 5 from 40 h (the
    // cooling binds), all 8 from 100 h.
    doc["deployment"] = {{"racks_per_day", 24}, {"install_hours", 2}, {"burn_in_hours", 10},
                         {"site_phases", {{{"at_hours", 5}, {"power_mw", 2 * mw}, {"cooling_mw", 3 * mw}},
                                          {{"at_hours", 40}, {"power_mw", 9 * mw}, {"cooling_mw", 5 * mw}},
                                          {{"at_hours", 100}, {"power_mw", 9 * mw}, {"cooling_mw", 8 * mw}}}}};
    auto job = training(8);
    doc["workloads"] = json::array({job});
    const auto rep = run(doc);
    // Energised at 5, 5, 40, 40, 40, 100, 100, 100 h; installed at k + 2 h; burn-in 10 h.
    CHECK(rep.deployment.rack_hours_waiting_for_site == Approx(386.0));
    CHECK(*rep.deployment.first_rack_in_service_hours == Approx(15.0));
    CHECK(*rep.deployment.time_to_full_capacity_hours == Approx(110.0));
    CHECK(*rep.deployment.time_to_first_token_hours == Approx(110.0));  // the job needs all 8 racks
    CHECK(rep.deployment.gpu_hours_lost_to_ramp == Approx(72.0 * (2 * 15.0 + 3 * 50.0 + 3 * 110.0)));
    CHECK(rep.deployment.full_load_it_mw == Approx(8 * mw));
    CHECK(rep.deployment.racks_never_energised == 0);
    // Nothing draws power before the first phase; two racks burn in from 5 h to 15 h.
    const auto& it = rep.series.column("it_power_mw");
    CHECK(it.at(4 * 4) == 0.0);             // 4 h (15-minute samples)
    CHECK(it.at(10 * 4) == Approx(2 * mw));  // 10 h: two racks at full load
    CHECK(rep.power.it_peak_mw <= 8 * mw * (1 + 1e-9));

    SECTION("a site that never grows big enough: the last racks never join, and the run says so") {
        doc["deployment"]["site_phases"][2]["cooling_mw"] = 6.5 * mw;
        const auto short_site = run(doc);
        CHECK(short_site.deployment.racks_never_energised == 2);
        CHECK(short_site.deployment.racks_in_service == 6);
        CHECK_FALSE(short_site.deployment.time_to_full_capacity_hours);
        CHECK(short_site.deployment.rack_hours_waiting_for_site == Approx(3 + 2 + 36 + 35 + 34 + 93 + 2 * 200 - 8 - 9));
        std::string warnings;
        for (const auto& w : short_site.run.warnings) warnings += w + "\n";
        CHECK_THAT(warnings, Catch::Contains("so 2 racks are never energised"));
    }
}

TEST_CASE("deployment: burn-in failures delay joins as the plan says, and the same seed repeats them") {
    auto doc = base(6);
    doc["horizon_hours"] = 300;
    doc["deployment"] = {{"racks_per_day", 12}, {"install_hours", 4}, {"burn_in_hours", 24},
                         {"burn_in_failure_probability", 0.5}, {"burn_in_repair_hours", 8}};
    doc["seed"] = 3;
    const auto rep = run(doc);
    const auto s = sc::scenario_from_json(doc, "t.json");
    const std::vector<double> full_load_w(6, fm::full_load_power_kw(s.catalog.rack("gb300_nvl72")) * 1e3);
    const auto plan = fm::plan_deployment(s.deployment, full_load_w, 3, 300);
    std::int64_t failures = 0;
    double failure_hours = 0, last_join_h = 0;
    for (const auto& r : plan.racks) {
        failures += static_cast<std::int64_t>(r.burn_in_failures.size());
        for (const auto& f : r.burn_in_failures) failure_hours += f.repaired_h - f.attempt_start_h;
        last_join_h = std::max(last_join_h, r.joined_h);
    }
    REQUIRE(last_join_h < 300);
    REQUIRE(failures > 0);
    CHECK(rep.deployment.burn_in_failures == failures);
    CHECK(rep.deployment.burn_in_failure_rack_hours == Approx(failure_hours));
    CHECK(*rep.deployment.time_to_full_capacity_hours == Approx(last_join_h));
    // Same seed, same report byte for byte; another seed, other failures.
    CHECK(factorysim::report::to_json(run(doc)).dump() == factorysim::report::to_json(rep).dump());
    doc["seed"] = 4;
    CHECK(factorysim::report::to_json(run(doc))["deployment"] != factorysim::report::to_json(rep)["deployment"]);
}

TEST_CASE("failures: a rack-wide fault charges each workload only its own TP groups and replicas") {
    // Two training jobs and a service share racks; NVLink switch faults take whole racks out.
    auto doc = base(6);
    doc["horizon_hours"] = 400;
    doc["failures"] = {{"enabled", true}, {"gpu_mtbf_hours", 1e9}, {"node_mtbf_hours", 1e9}, {"network_mtbf_hours", 1e9},
                       {"software_mtbf_hours", 1e10}, {"nvlink_switch_mtbf_hours", 300}, {"repair_hours", 6}};
    auto a = training(1);
    a["name"] = "a";
    a["gpus"] = 40;
    a.erase("racks");
    auto b = a;
    b["name"] = "b";
    doc["workloads"] = json::array({a, b, {{"type", "inference"}, {"name", "svc"}, {"model", "llama3.1-8b"}, {"replicas", 18},
                                           {"instance", {{"gpus", 4}}}, {"arrival", {{"rate_per_s", 50}}}}});
    for (std::uint64_t seed : {1, 2, 3}) {
        doc["seed"] = seed;
        INFO("seed " << seed);
        const auto rep = run(doc);  // a job running on the wrong number of GPUs throws
        REQUIRE(rep.reliability.failures_by_component.at("nvlink_switch") > 0);
        // Every replica comes back after its repair: the service ends at full capacity.
        CHECK(rep.series.column("inference_output_tokens_per_s").back() == Approx(50 * 256.0));
    }
}
