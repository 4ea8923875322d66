// The scenario: what a capacity planner writes (docs/scenario.md documents every key,
// generated from scenario_schema()). Loading goes
//
//   file text ──parse (json_input)──► JSON ──--set overrides──► defaults ──► validate
//   (schema, all errors at once) ──► resolve catalog names ──► Scenario (plain structs)
//
// Every quantity is converted once, here, from the unit in its key name to the unit in its
// field name; models never see JSON.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "factorysim/catalog/catalog.hpp"
#include "factorysim/core/time.hpp"
#include "factorysim/scenario/schema.hpp"

namespace factorysim::models {
class ModelRegistry;
}

namespace factorysim::scenario {

struct Ambient {
    enum class Kind { Constant, Synthetic, Hourly };
    Kind kind = Kind::Constant;
    double temp_c = 25.0;           // constant
    double mean_c = 15.0;           // synthetic: mean_c + daily and seasonal cosines
    double daily_swing_c = 0.0;     // peak-to-trough over a day
    double seasonal_swing_c = 0.0;  // peak-to-trough over a year
    double peak_hour = 15.0;        // hour of day of the daily maximum
    double peak_day_of_year = 200.0;
    double start_day_of_year = 0.0;  // day of year at simulated time 0
    std::vector<double> hourly_c;     // csv: one value per hour, wrapping around
    std::string source;               // csv: the file read
};

// One time-of-use period: [from_hour, to_hour) of the days it applies to. A period whose
// to_hour is below its from_hour runs past midnight (22 -> 6).
struct TariffPeriod {
    enum class Days { All, Weekday, Weekend };
    double from_hour = 0.0;
    double to_hour = 24.0;
    Days days = Days::All;
    double usd_per_kwh = 0.0;
};

// The price of facility energy over simulated time (docs/models/cost.md#tariffs).
struct Tariff {
    enum class Kind { Flat, TimeOfUse, Hourly };
    Kind kind = Kind::Flat;                // flat: Site::electricity_usd_per_kwh
    std::vector<TariffPeriod> periods;     // time of use: cover every hour of every day once
    int start_day_of_week = 0;             // time of use: day at simulated time zero, 0 = Monday
    std::vector<double> hourly_usd_per_kwh;  // csv: hour i of the run, wrapping around
    std::string source;                    // csv: the file read
};

struct Site {
    Ambient ambient;
    double power_cap_mw = 0.0;  // 0 = no cap
    double electricity_usd_per_kwh = 0.0;
    Tariff tariff;
};

struct Pod {
    std::string name;
    std::string rack;  // catalog name
    int racks = 0;
};

struct Fabric {
    std::string model = "analytical";    // "analytical" or "flow"
    double collective_efficiency = 0.0;  // achieved / nominal NIC bandwidth in collectives
    double nvlink_efficiency = 0.0;      // achieved / nominal NVLink bandwidth
    bool nvls = true;
    double nvls_efficiency = 0.61;
    bool sharp = false;
    double latency_s = 0.0;              // per collective step (alpha)
    std::string scale_out_switch = "auto";
    double oversubscription = 1.0;
    int tiers = 0;                       // 0 = as few as needed
};

struct Cooling {
    std::string type;                  // "neptune_dlc", "liquid", "air"
    std::string heat_rejection;        // "dry_cooler", "chiller", "hybrid", "cooling_tower"
    double supply_temp_c = 0.0;        // coolant (liquid) or supply air (air) set point
    double heat_capture_fraction = 0.0;  // share of rack heat taken by the liquid loop
    double cdu_approach_c = 0.0;
    double dry_cooler_approach_c = 0.0;
    double wet_bulb_depression_c = 0.0;   // cooling towers: dry bulb minus wet bulb
    double tower_approach_c = 0.0;
    double cycles_of_concentration = 0.0;
    double chiller_carnot_fraction = 0.0;
    double chilled_water_c = 0.0;      // air: CRAH chilled-water supply
    double pump_w_per_kw = 0.0;        // secondary + facility pumps per kW of liquid heat
    double fan_w_per_kw = 0.0;         // CRAH / server fans per kW of air heat
    double dry_cooler_fan_w_per_kw = 0.0;
    double gpu_thermal_resistance_c_per_kw = 0.0;  // GPU rise above its coolant per kW; 0 = derived per GPU
    double rated_supply_temp_c = 45.0;
    double throttle_temp_c = 0.0;
    double throttle_hysteresis_c = 0.0;
    double flow_l_per_min_per_kw = 0.0;
    bool variable_flow = false;
    double thermal_time_constant_s = 0.0;
    double ups_efficiency = 0.0;
    double transformer_efficiency = 0.0;
};

struct Parallelism {
    int tensor = 1;
    int pipeline = 1;
    int virtual_stages = 1;
    int context = 1;
    int expert = 1;
};

struct TrainingWorkload {
    std::string name;
    std::string model;      // catalog LLM
    std::string pod;        // pod name ("" = any pod)
    // The rack types it may run on: its explicit constraint ("rack" or "rack_types") and its
    // pod, less the types whose GPUs cannot run it (precision, NVLink domain, HBM). Empty = any.
    std::vector<std::string> rack_types;
    int gpus = 0;
    double tokens = 0.0;  // 0 = train until the horizon
    double global_batch_tokens = 0.0;
    int sequence_length = 0;
    catalog::Precision precision = catalog::Precision::BF16;
    Parallelism parallelism;
    double compute_efficiency = 0.0;  // of the large-GEMM rate, across the step's compute
    double overlap = 0.0;             // share of DP/CP/EP communication hidden behind compute
    bool activation_recompute = false;
    Duration checkpoint_interval;
    double checkpoint_gb_per_s_per_gpu = 0.0;  // checkpoint write bandwidth per GPU
    Duration restart_overhead;
    double start_hours = 0.0;       // submit time
    int priority = 0;
};

// A token-count distribution: constant, exponential, or lognormal with a coefficient of variation.
struct TokenDistribution {
    std::string kind = "constant";
    double mean = 0.0;
    double cv = 0.0;  // lognormal: standard deviation / mean
};

// Requests replayed from a CSV file (`time_s,input_tokens,output_tokens`, times in
// seconds from the start of the run, non-decreasing).
struct RequestTrace {
    std::string source;
    std::vector<double> time_s;
    std::vector<int> input_tokens;
    std::vector<int> output_tokens;
    std::vector<double> hourly_requests;  // arrivals in each hour of the run (the fluid model's rate)
};

// One pool of a disaggregated service: `replicas` instances of `gpus` GPUs inside one NVLink
// domain, split as tp x ep (docs/models/inference.md#disaggregated-prefill-and-decode).
struct InferencePool {
    int replicas = 0;
    int gpus = 0;
    int tensor = 0;  // "tp"
    int expert = 1;  // "ep"
};

// Prefill and decode on separate pools; each request's KV cache crosses from its prefill
// instance to a decode instance.
struct Disaggregation {
    InferencePool prefill;
    InferencePool decode;
    double kv_efficiency = 0.8;   // achieved fraction of the link (NVLink or scale-out NIC)
    double kv_latency_s = 10e-6;  // per transfer
};

struct InferenceWorkload {
    std::string name;
    std::string model;
    std::string pod;
    std::vector<std::string> rack_types;  // as for training: resolved by the loader, empty = any
    int instances = 0;          // "replicas"
    int gpus_per_instance = 0;  // "instance.gpus"
    int tensor = 0;             // "instance.tp"
    int expert = 1;             // "instance.ep"
    catalog::Precision precision = catalog::Precision::FP8;
    std::string arrival;        // "poisson", "diurnal", "offline" (saturating) or "trace"
    std::shared_ptr<const RequestTrace> trace;  // arrival "trace"; its means replace input/output means
    double rate_per_s = 0.0;    // mean request rate
    double peak_to_mean = 1.0;  // diurnal: peak / mean
    double peak_hour = 14.0;
    TokenDistribution input;   // prompt length
    TokenDistribution output;  // generated length
    int max_batch = 0;
    int chunk_tokens = 0;       // request-level: prefill tokens per iteration (chunked prefill)
    // Of the large-GEMM rate, across an iteration's math; absent: the model's calibrated
    // serving_compute_efficiency, else the dense default (models/inference_fluid.hpp).
    std::optional<double> compute_efficiency;
    double ttft_slo_s = 0.0;
    double tpot_slo_s = 0.0;
    std::string fidelity;       // "fluid" or "request"
    double start_hours = 0.0;
    double autoscale_target = 0.0;  // fluid: serve at most this share of capacity per replica (0: off)
    int autoscale_min_replicas = 1;
    // Absent: prefill and decode share each replica (colocated). Present: instances and
    // gpus_per_instance are unused (0); the pools say what runs where.
    std::optional<Disaggregation> disaggregation;
};

struct Failures {
    bool enabled = true;
    double gpu_mtbf_hours = 0.0;          // per GPU (GPU + HBM + SRAM + system processor)
    double node_mtbf_hours = 0.0;         // per compute tray / server (NIC, CPU, PSU, memory, ...)
    double network_mtbf_hours = 0.0;      // per compute tray / server: switches, cables
    double software_mtbf_hours = 0.0;     // per GPU of a training job: software, NCCL
    double nvlink_switch_mtbf_hours = 0.0;  // per NVLink switch tray; blast radius: the rack
    double repair_hours = 0.0;            // time a failed rack part is out of service
};

struct Scheduler {
    std::string policy = "fifo";  // "fifo", "first_fit", "easy_backfill", "priority"
    // Which of a workload's rack types it tries first: "scenario_order" (pods in scenario
    // order) or "least_capable_first" (the types the fewest workloads can run on first).
    std::string placement = "least_capable_first";
};

// Life of each asset class, years; the loader fills the classes the scenario leaves out
// from it_depreciation_years (racks, network, storage, installation) or
// facility_depreciation_years (facility, cooling).
struct AssetLives {
    double racks_years = 0.0;
    double network_years = 0.0;
    double storage_years = 0.0;
    double installation_years = 0.0;
    double facility_years = 0.0;
    double cooling_years = 0.0;
};

// How the scale-out network is priced (docs/models/cost.md#network-capex). "fraction":
// network_fraction x rack capex; "bottom_up": the factory's sized fat tree, switches x price
// + optical port ends x price + links x cable price. Prices are keyed by fabric switch model
// ("quantum-x800", "quantum-2", "spectrum-x"); the transceiver price is per switch-port end
// (one port speed per switch model).
struct NetworkCost {
    std::string model = "fraction";
    std::map<std::string, double> switch_usd;
    std::map<std::string, double> transceiver_usd_per_port;
    int host_link_transceivers = 2;  // optical ends per NIC-to-leaf link: 2 both, 1 switch side, 0 copper
    double cable_usd_per_link = 0.0;
};

struct Cost {
    double rack_price_usd = 0.0;          // 0 = the catalog price of each rack type
    double network_fraction = 0.0;        // network capex as a fraction of rack capex (network.model "fraction")
    NetworkCost network;
    double storage_usd_per_gpu = 0.0;     // storage capex per installed GPU
    double facility_usd_per_mw = 0.0;     // per MW of critical IT (full-load rack power)
    double cooling_usd_per_mw = 0.0;      // cooling plant per MW of critical IT
    double installation_fraction = 0.0;   // of rack capex
    double it_depreciation_years = 0.0;
    double facility_depreciation_years = 0.0;
    AssetLives lives;                     // per class, resolved
    double financing_rate_per_year = 0.0;  // > 0: capital-recovery annuity instead of straight line
    double maintenance_fraction_per_year = 0.0;  // of IT capex
    double staff_usd_per_year = 0.0;
    double colocation_usd_per_kw_month = 0.0;  // space and power capacity per kW of critical IT
};

// One entry of an explicit delivery list: the next `racks` racks in scenario order.
struct Delivery {
    double at_hours = 0.0;
    int racks = 0;
};

// Site capacity commissioned by `at_hours` (cumulative, never decreasing).
struct SitePhase {
    double at_hours = 0.0;
    double power_mw = 0.0;    // critical IT power (UPS, PDUs)
    double cooling_mw = 0.0;  // IT heat the plant can reject
};

// The deployment ramp (docs/models/deployment.md). At most one delivery schedule is set:
// racks_per_day, racks_per_week or deliveries; none means every rack is in service at time 0.
struct Deployment {
    double racks_per_day = 0.0;
    int racks_per_week = 0;            // one batch a week
    std::vector<Delivery> deliveries;  // in time order, together every rack
    double start_hours = 0.0;          // first delivery of the daily and weekly schedules
    double install_hours = 0.0;
    double burn_in_hours = 0.0;
    double site_build_hours = 0.0;  // site construction before the first delivery (cost: interest only)
    double burn_in_failure_probability = 0.0;  // per burn-in attempt
    double burn_in_repair_hours = 0.0;         // resolved: failures.repair_hours unless given
    std::vector<SitePhase> site_phases;        // empty: racks never wait for the site

    bool ramp() const { return racks_per_day > 0.0 || racks_per_week > 0 || !deliveries.empty(); }
};

struct ReportOutput {
    std::string format;
    std::string path;
};

struct ReportOptions {
    Duration sample_interval;
    std::vector<ReportOutput> outputs;
};

struct Scenario {
    std::string file;  // where it came from (for messages)
    std::string name;
    std::string description;
    std::uint64_t seed = 1;
    Duration horizon;
    Site site;
    std::vector<Pod> pods;
    Fabric fabric;
    Cooling cooling;
    std::vector<TrainingWorkload> training;
    std::vector<InferenceWorkload> inference;
    Scheduler scheduler;
    Failures failures;
    Cost cost;
    Deployment deployment;
    ReportOptions report;
    catalog::Catalog catalog;  // built-in entries plus the scenario's "catalog" section
    nlohmann::json document;   // the validated document with defaults filled in
};

// The schema of scenario documents with the built-in model types; `factorysim schema`
// prints it as a JSON Schema.
const Schema& scenario_schema();
// The same with the cooling types of another registry (models/registry.hpp).
Schema scenario_schema(const models::ModelRegistry& registry);

// A built-in cooling section (validated, defaults applied) as plain values.
Cooling cooling_from_json(const nlohmann::json& section);

struct LoadOptions {
    std::vector<std::string> overrides;  // "--set" assignments "/pointer=value"
    std::vector<std::string> catalog_files;  // "--catalog" files, applied before the scenario's section
    std::optional<std::uint64_t> seed;   // "--seed"
    const models::ModelRegistry* registry = nullptr;  // null: the built-in model types
};

// Reads, validates and resolves a scenario file. Throws InputError (every problem found,
// each with the file and a JSON pointer) for anything wrong with the input.
Scenario load_scenario(const std::string& path, const LoadOptions& options = {});

// The same, from an already parsed document (`file` names it in messages).
Scenario scenario_from_json(nlohmann::json document, const std::string& file, const LoadOptions& options = {});

// Markdown reference of every key (docs/scenario.md is this text).
std::string scenario_reference_markdown();

}  // namespace factorysim::scenario
