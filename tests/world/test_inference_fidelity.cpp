// The request-level and fluid inference models against each other and against queueing
// facts: agreement from 10 % to 90 % load, Little's law, latency growing without bound past
// capacity, the KV cache capping the batch.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "factorysim/models/inference_fluid.hpp"
#include "factorysim/scenario/scenario.hpp"
#include "factorysim/world/world.hpp"

using nlohmann::json;
namespace sc = factorysim::scenario;
namespace fw = factorysim::world;

namespace {

json service_doc(double rate, const std::string& fidelity, double hours = 1.0) {
    json doc = json::parse(R"({"name": "svc", "failures": {"enabled": false},
        "pods": [{"name": "p", "rack": "gb300_nvl72", "racks": 1}],
        "workloads": [{"type": "inference", "name": "s", "model": "llama3.1-70b", "replicas": 1,
                       "instance": {"gpus": 8}, "precision": "fp8", "max_batch": 128,
                       "input_tokens": {"mean": 1024}, "output_tokens": {"mean": 256}}]})");
    doc["horizon_hours"] = hours;
    doc["workloads"][0]["arrival"] = {{"rate_per_s", rate}};
    doc["workloads"][0]["fidelity"] = fidelity;
    return doc;
}

factorysim::report::InferenceServiceReport serve(const json& doc) {
    return fw::run_scenario(sc::scenario_from_json(doc, "svc.json")).throughput.inference.at(0);
}

double capacity() {
    // Offline (saturating) fluid run: requests per second at capacity.
    auto doc = service_doc(0, "fluid");
    doc["workloads"][0]["arrival"] = {{"type", "offline"}};
    return serve(doc).requests_completed / 3600.0;
}

}  // namespace

// "Mean latency" is the mean request latency, first token plus the other 255 tokens. Time
// to first token alone agrees within 20 % up to 70 % load; at 90 % the fluid model's
// Erlang-C wait for a batch slot is too optimistic (0.043 s vs 0.117 s in the request-level
// model), which is checked as a known, bounded gap rather than hidden.
TEST_CASE("inference: request-level and fluid agree within 10 % on throughput, 20 % on mean latency, 10-90 % load") {
    const double cap = capacity();
    REQUIRE(cap > 1.0);
    for (double load : {0.1, 0.3, 0.5, 0.7, 0.9}) {
        INFO("load " << load);
        const auto fluid = serve(service_doc(load * cap, "fluid"));
        const auto request = serve(service_doc(load * cap, "request"));
        CHECK(request.output_tokens_per_s == Approx(fluid.output_tokens_per_s).epsilon(0.10));
        CHECK(request.tpot_mean_s == Approx(fluid.tpot_mean_s).epsilon(0.20));
        const double e2e_fluid = fluid.ttft_mean_s + 255 * fluid.tpot_mean_s;
        const double e2e_request = request.ttft_mean_s + 255 * request.tpot_mean_s;
        CHECK(e2e_request == Approx(e2e_fluid).epsilon(0.20));
        if (load <= 0.7)
            CHECK(request.ttft_mean_s == Approx(fluid.ttft_mean_s).epsilon(0.20));
        else
            CHECK(request.ttft_mean_s < 4.0 * fluid.ttft_mean_s);
        CHECK(request.fidelity == "request");
    }
}

TEST_CASE("inference: Little's law in the request-level model (batch = throughput x time in system)") {
    const double cap = capacity();
    const auto r = serve(service_doc(0.6 * cap, "request", 2.0));
    const double requests_per_s = r.requests_completed / 7200.0;
    // Each request spends TTFT + (O - 1) TPOT in the batch (from admission, minus the small
    // wait before admission), so the mean batch is rate x that time.
    const double in_system_s = r.ttft_mean_s + 255 * r.tpot_mean_s;
    CHECK(r.batch_size_avg == Approx(requests_per_s * in_system_s).epsilon(0.05));
}

TEST_CASE("inference: past capacity the request-level latency grows without bound") {
    const double cap = capacity();
    const auto short_run = serve(service_doc(1.3 * cap, "request", 0.25));
    const auto long_run = serve(service_doc(1.3 * cap, "request", 1.0));
    CHECK(long_run.ttft_p50_s > 2.0 * short_run.ttft_p50_s);
    CHECK(long_run.ttft_p50_s > 60.0);
    // Throughput saturates at capacity.
    CHECK(long_run.output_tokens_per_s == Approx(cap * 256).epsilon(0.10));
}

TEST_CASE("inference: the KV cache left after the weights caps the batch") {
    factorysim::models::InferenceInstance inst;
    inst.model = &factorysim::catalog::Catalog::builtin().llm("llama3.1-70b");
    inst.gpu = &factorysim::catalog::Catalog::builtin().rack("hgx_h100").gpu;
    inst.gpus = 2;
    inst.precision = factorysim::catalog::Precision::FP8;
    inst.input_tokens = 8192;
    inst.output_tokens = 1024;
    inst.max_batch = 4096;
    const auto sizing = factorysim::models::size_instance(inst);
    const double kv_tokens = 2 * (inst.gpu->hbm_usable_gb.value * 1e9 - factorysim::models::weight_bytes_per_gpu(inst)) /
                             sizing.kv_bytes_per_token_per_gpu / 2;
    CHECK(sizing.batch_limit < 4096);
    CHECK(sizing.batch_limit == static_cast<int>(std::floor(kv_tokens / (8192 + 1024))));
}

namespace {

// Writes a trace CSV of `n` requests, one every `gap_s` seconds from t = 10 s, with prompt
// lengths alternating 500 / 1500 and answers 100 / 300; returns its path.
std::string write_trace(const std::string& name, int n, double gap_s, bool out_of_order = false) {
    const auto path = (std::filesystem::temp_directory_path() / name).string();
    std::ofstream out(path);
    out << "time_s,input_tokens,output_tokens\n";
    for (int i = 0; i < n; ++i) {
        const double t = out_of_order && i == n / 2 ? 1.0 : 10.0 + i * gap_s;
        out << t << ',' << (i % 2 ? 1500 : 500) << ',' << (i % 2 ? 300 : 100) << '\n';
    }
    return path;
}

json trace_doc(const std::string& path, const std::string& fidelity) {
    auto doc = service_doc(0, fidelity);
    doc["workloads"][0]["arrival"] = {{"type", "trace"}, {"path", path}};
    return doc;
}

}  // namespace

TEST_CASE("inference: a trace is replayed request by request, and as hourly rates by the fluid model") {
    // 600 requests over 20 minutes of a 1 h run: a light load, all served.
    const auto path = write_trace("factorysim-trace-ok.csv", 600, 2.0);
    const auto request = serve(trace_doc(path, "request"));
    CHECK(request.requests_completed == 600);
    // Exactly the trace's tokens: 300 x 500 + 300 x 1500 in, 300 x 100 + 300 x 300 out.
    CHECK(request.input_tokens_per_s == Approx((300.0 * 500 + 300.0 * 1500) / 3600.0));
    CHECK(request.output_tokens_per_s == Approx((300.0 * 100 + 300.0 * 300) / 3600.0));
    // The fluid model: 600 arrivals in hour 0 at the trace's mean lengths (1000 in, 200 out).
    const auto fluid = serve(trace_doc(path, "fluid"));
    CHECK(fluid.offered_requests_per_s == Approx(600.0 / 3600.0));
    CHECK(fluid.output_tokens_per_s == Approx(600.0 * 200.0 / 3600.0).epsilon(1e-6));
}

TEST_CASE("inference: a trace out of time order, or without a path, is an input error with its pointer") {
    const auto bad = write_trace("factorysim-trace-bad.csv", 10, 1.0, true);
    try {
        sc::scenario_from_json(trace_doc(bad, "request"), "svc.json");
        FAIL("expected an input error");
    } catch (const sc::InputError& e) {
        const std::string what = e.what();
        CHECK(what.find("/workloads/0/arrival/path") != std::string::npos);
        CHECK(what.find("time order") != std::string::npos);
    }
    auto doc = service_doc(1.0, "request");
    doc["workloads"][0]["arrival"] = {{"type", "trace"}};
    CHECK_THROWS_WITH(sc::scenario_from_json(doc, "svc.json"), Catch::Contains("/workloads/0/arrival/path"));
}

TEST_CASE("inference: autoscaling serves the same load with fewer, busier replicas") {
    // 8 replicas at 25 % of the service's capacity: at a 0.8 target, 3 replicas take the load
    // (ceil(0.25 x 8 / 0.8) = 3) and 5 idle.
    const double cap = capacity();
    auto doc = service_doc(0.25 * 8 * cap, "fluid");
    doc["workloads"][0]["replicas"] = 8;
    const auto fixed_run = fw::run_scenario(sc::scenario_from_json(doc, "svc.json"));
    doc["workloads"][0]["autoscale"] = {{"target_utilization", 0.8}};
    const auto scaled_run = fw::run_scenario(sc::scenario_from_json(doc, "svc.json"));
    const auto& fixed = fixed_run.throughput.inference.at(0);
    const auto& scaled = scaled_run.throughput.inference.at(0);
    CHECK(fixed.replicas_serving_avg == Approx(8.0));
    CHECK(scaled.replicas_serving_avg == Approx(3.0));
    CHECK(scaled.requests_completed == Approx(fixed.requests_completed).epsilon(1e-9));
    CHECK(scaled.utilization == Approx(0.25 * 8 / 3).epsilon(1e-6));
    // GPU power is linear in served load and parked replicas keep idle power, so the same
    // load costs the same energy (docs/models/inference.md: what autoscaling does not save).
    CHECK(scaled_run.power.it_energy_mwh == Approx(fixed_run.power.it_energy_mwh).epsilon(1e-9));
    // Busier replicas decode larger batches: each token takes longer.
    CHECK(scaled.tpot_mean_s > fixed.tpot_mean_s);
}

// Long, widely spread answers: a decode batch holds the long requests for longer, so its
// mean context is I + O (1 + cv^2) / 2 (here 128 + 512 x 3.25 = 1,792), not I + O / 2 (640).
// With an 8B model on one GPU the KV reads are most of a step, so the fluid model only agrees
// with the request-level one when it counts that bias.
TEST_CASE("inference: with spread output lengths the fluid model's step time follows the request level's") {
    const auto doc = [](const std::string& fidelity, double rate, double cv) {
        json d = json::parse(R"({"name": "svc", "failures": {"enabled": false}, "horizon_hours": 0.25,
            "pods": [{"name": "p", "rack": "gb300_nvl72", "racks": 1}],
            "workloads": [{"type": "inference", "name": "s", "model": "llama3.1-8b", "replicas": 1,
                           "instance": {"gpus": 1}, "precision": "fp8", "max_batch": 128,
                           "input_tokens": {"mean": 128},
                           "output_tokens": {"mean": 1024, "distribution": "lognormal"}}]})");
        d["workloads"][0]["output_tokens"]["cv"] = cv;
        d["workloads"][0]["arrival"] = {{"rate_per_s", rate}};
        d["workloads"][0]["fidelity"] = fidelity;
        return d;
    };
    auto offline = doc("fluid", 0, 1.5);
    offline["workloads"][0]["arrival"] = {{"type", "offline"}};
    const double cap = serve(offline).requests_completed / 900.0;
    const double rate = 0.6 * cap;
    const auto request = serve(doc("request", rate, 1.5));
    const auto fluid = serve(doc("fluid", rate, 1.5));
    CHECK(request.tpot_mean_s == Approx(fluid.tpot_mean_s).epsilon(0.15));
    // The fluid model without the bias (cv 0: the same means) is 28 % short of the request level.
    const auto unbiased = serve(doc("fluid", rate, 0.0));
    CHECK(request.tpot_mean_s > 1.2 * unbiased.tpot_mean_s);
}

// The compute efficiency of a service: its own key, else its model's calibrated catalog figure
// (DeepSeek-V3/R1: 0.34), else the dense default (0.48); each source is seen in the offline
// (saturating) throughput, which the math's rate moves.
TEST_CASE("inference: compute efficiency comes from the service, else the model's catalog entry, else 0.48") {
    const auto offline = [](const std::string& model, std::optional<double> efficiency) {
        json doc = service_doc(0, "fluid");
        auto& w = doc["workloads"][0];
        w["model"] = model;
        w["precision"] = "fp4";
        w["instance"] = {{"gpus", 8}, {"tp", 1}, {"ep", 8}};
        w["max_batch"] = 2048;
        w["arrival"] = {{"type", "offline"}};
        if (efficiency) w["compute_efficiency"] = *efficiency;
        if (model == "llama3.1-70b") w["instance"] = {{"gpus", 8}};
        return serve(doc).output_tokens_per_s;
    };
    const auto& builtin = factorysim::catalog::Catalog::builtin();
    REQUIRE(builtin.llm("deepseek-r1").serving_compute_efficiency.value == 0.34);
    REQUIRE(builtin.llm("deepseek-v3").serving_compute_efficiency.value == 0.34);
    REQUIRE(builtin.llm("llama3.1-70b").serving_compute_efficiency.value == 0.0);  // not calibrated
    REQUIRE(factorysim::models::kDenseServingComputeEfficiency == 0.48);

    CHECK(offline("deepseek-r1", std::nullopt) == offline("deepseek-r1", 0.34));
    CHECK(offline("deepseek-r1", 0.48) > offline("deepseek-r1", std::nullopt));
    CHECK(offline("llama3.1-70b", std::nullopt) == offline("llama3.1-70b", 0.48));

    // A user catalog entry may carry its own figure; one outside [0.05, 1] is an input error
    // at its pointer, naming the file.
    json entry = builtin.raw("llama3.1-70b");
    entry["name"] = "llama-tuned";
    entry["serving_compute_efficiency"] = 0.6;
    auto s = sc::scenario_from_json(service_doc(0, "fluid"), "svc.json");
    s.catalog.add_json(entry, "tuned.json");
    REQUIRE(s.catalog.llm("llama-tuned").serving_compute_efficiency.value == 0.6);
    REQUIRE(s.catalog.llm("llama-tuned").serving_compute_efficiency.source == "tuned.json");
    entry["serving_compute_efficiency"] = 1.5;
    REQUIRE_THROWS_WITH(s.catalog.add_json(entry, "tuned.json"),
                        Catch::Contains("tuned.json") && Catch::Contains("/serving_compute_efficiency") &&
                            Catch::Contains("[0.05, 1]"));
}
