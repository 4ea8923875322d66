// The scenario schema: every key, its unit, range and default, and why the default is
// what it is (the description says, with its source; docs/scenario.md is generated from
// this file by `factorysim schema --format markdown`).
#include <string>
#include <utility>
#include <vector>

#include "factorysim/models/registry.hpp"
#include "factorysim/scenario/scenario.hpp"

namespace factorysim::scenario {
namespace {

using Props = std::vector<std::pair<std::string, Schema>>;

// An alternative of a discriminated object that is chosen when "type" is omitted.
Schema default_variant(Schema alternative) {
    auto& type = alternative.properties.front().second;
    type.default_value = nlohmann::json(type.enum_values.front());
    return alternative;
}

Schema precision_key(std::string description, std::string default_value) {
    return enumeration(std::move(description), {"fp4", "nvfp4", "fp8", "bf16", "fp16", "tf32", "fp64"},
                       std::move(default_value));
}

// The price of facility energy over time; the energy cost is the exact integral of facility
// power x price (docs/models/cost.md#tariffs).
Schema tariff_schema() {
    Schema flat = default_variant(
        object_variant("flat", "One price at all times: site.electricity_usd_per_kwh", {}));
    Schema period = object(
        "One period: [from_hour, to_hour) of the days it applies to",
        {{"from_hour", number("Start, hour of the day", "h", 0, 24).with_maximum(24, true)},
         {"to_hour", number("End, hour of the day (exclusive); below from_hour the period runs past midnight "
                            "(22 to 6)",
                            "h", 0, 24)
                         .with_minimum(0, true)},
         {"days", enumeration("Days it applies to (weekend: Saturday and Sunday)", {"all", "weekday", "weekend"},
                              "all")},
         {"usd_per_kwh", number("Price in the period", "USD/kWh", 0, 10)}},
        {"from_hour", "to_hour", "usd_per_kwh"});
    Schema time_of_use = object_variant(
        "time_of_use",
        "Prices by hour of the day, optionally different on weekdays and weekends. The periods must cover "
        "every hour of every day exactly once. Simulated time zero is midnight at the start of start_day",
        {{"periods", array("Periods", std::move(period), 1, 96)},
         {"start_day",
          enumeration("Day of the week at simulated time zero",
                      {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}, "monday")}},
        {"periods"});
    Schema csv = object_variant(
        "csv",
        "Hourly prices from a CSV file with a header row (e.g. `hour,usd_per_kwh` from a day-ahead market): "
        "row i is the price of hour i of the run; a run longer than the file wraps around to its start. "
        "Prices in [-10, 10] USD/kWh (wholesale prices can be negative)",
        {{"path", string("CSV file; a relative path is relative to the scenario file")},
         {"column", string("Column holding the price in USD/kWh", "usd_per_kwh")}},
        {"path"});
    return discriminated("Electricity tariff: flat, time of use, or hourly prices from a file",
                         {std::move(flat), std::move(time_of_use), std::move(csv)});
}

Schema site_schema() {
    Schema constant = default_variant(object_variant(
        "constant", "The same outdoor dry-bulb temperature all the time",
        {{"temp_c", number("Outdoor temperature", "degC", -60, 60, 25)}}));
    Schema synthetic = object_variant(
        "synthetic",
        "Mean plus a daily and a seasonal cosine: T(t) = mean + daily/2 cos(2pi (hour - peak_hour)/24) + "
        "seasonal/2 cos(2pi (day - peak_day)/365); evaluated hourly (piecewise constant)",
        {{"mean_c", number("Annual mean temperature", "degC", -60, 60, 15)},
         {"daily_swing_c", number("Peak-to-trough swing over a day", "degC", 0, 40, 10)},
         {"seasonal_swing_c", number("Peak-to-trough swing over a year", "degC", 0, 60, 20)},
         {"peak_hour", number("Hour of day of the daily maximum", "h", 0, 24, 15)},
         {"peak_day_of_year", number("Day of year of the seasonal maximum", "d", 0, 365, 200)},
         {"start_day_of_year", number("Day of year at simulated time zero", "d", 0, 365, 0)}});
    Schema csv = object_variant(
        "csv",
        "Hourly outdoor temperatures from a CSV file with a header row (e.g. a typical meteorological year): "
        "row i is hour i of the run; a run longer than the file wraps around to its start",
        {{"path", string("CSV file; a relative path is relative to the scenario file")},
         {"column", string("Column holding the temperature in degC", "temp_c")}},
        {"path"});
    return object(
        "The site: weather, grid connection, electricity price",
        {{"ambient",
          discriminated("Outdoor (heat-rejection) temperature",
                        {std::move(constant), std::move(synthetic), std::move(csv)})
              .with_default(nlohmann::json::object())},
         {"power_cap_mw",
          number("Facility power limit; the GPUs are power-capped uniformly to stay under it (0 = no cap)", "MW",
                 0, 1e5, 0)},
         {"electricity_usd_per_kwh",
          number("Flat electricity tariff (used when tariff.type is flat). Default: US industrial average 2023, "
                 "8.06 c/kWh (EIA, https://www.statista.com/statistics/190680/)",
                 "USD/kWh", 0, 10, 0.0806)},
         {"tariff", tariff_schema().with_default(nlohmann::json::object())}});
}

Schema pod_schema() {
    return object("A pod: identical racks of one catalog type",
                  {{"name", string("Pod name, unique in the scenario")},
                   {"rack", string("Catalog rack type (`factorysim models` lists them), e.g. gb300_nvl72")},
                   {"racks", integer("Number of racks", "", 1, 20000)}},
                  {"name", "rack", "racks"});
}

Schema fabric_schema() {
    return object(
        "NVLink domains and the scale-out fabric (docs/models/fabric.md)",
        {{"model",
          enumeration("Fidelity: analytical alpha-beta collectives (fleet scale), or flow: the analytical model with "
                      "each job's scale-out bandwidth from max-min fair sharing of the fat tree among the jobs' "
                      "collective flows (contention studies)",
                      {"analytical", "flow"}, "analytical")},
         {"collective_efficiency",
          number("Achieved fraction of the NIC line rate in large collectives (NCCL bus bandwidth over the "
                 "scale-out fabric; estimate)",
                 "", 0.05, 1, 0.80)},
         {"nvlink_efficiency",
          number("Achieved fraction of NVLink bandwidth in large ring collectives (estimate)", "", 0.05, 1, 0.80)},
         {"nvls", boolean("NVLink SHARP: NVSwitch in-network reduction for all-reduces inside a domain", true)},
         {"nvls_efficiency",
          number("Achieved fraction of NVLink bandwidth with NVLS (calibrated: 8 H100 NVLS all-reduce, 479 GB/s "
                 "bus bandwidth, Azure ND H100 v5)",
                 "", 0.05, 1, 0.61)},
         {"sharp", boolean("In-network reduction in the scale-out switches (SHARP) for inter-domain all-reduces", false)},
         {"latency_us", number("Latency per collective step (alpha)", "us", 0, 1000, 10)},
         {"scale_out",
          object("The rail-optimised fat tree joining NVLink domains (DGX SuperPOD reference architectures)",
                 {{"switch",
                   enumeration("Switch model; auto: quantum-x800 for 800 Gb/s NICs, quantum-2 for 400 Gb/s",
                               {"auto", "quantum-x800", "quantum-2", "spectrum-x"}, "auto")},
                  {"oversubscription",
                   number("Leaf downlinks : uplinks (1 = non-blocking, the SuperPOD design)", "", 1, 16, 1)},
                  {"tiers", integer("Switch tiers: 0 = as few as reach every GPU, else 2 or 3", "", 0, 3, 0)}})
              .with_default(nlohmann::json::object())}});
}

Schema training_schema() {
    return object_variant(
        "training", "An LLM training job (docs/models/training.md). Give gpus or racks, and tokens or steps",
        {{"name", string("Job name, unique among workloads")},
         {"model", string("Catalog LLM, e.g. llama3.1-70b")},
         {"pod", string("Pod to run in (default: the first pod with enough free GPUs)", "")},
         {"rack", string("Rack type to run on (default: any the job fits; alternative to rack_types)", "")},
         {"rack_types", array("Rack types the job may run on (default: every type in the scenario whose GPUs can run "
                              "it: precision, NVLink domain, HBM; docs/models/scheduler.md)",
                              string("Catalog rack type held by a pod of the scenario"), 1, 64)},
         {"gpus", integer("GPUs the job occupies (gang-scheduled; TP groups never straddle NVLink domains)", "", 1,
                          2000000)},
         {"racks", integer("Alternative to gpus: whole racks", "", 1, 20000)},
         {"tokens", number("Tokens to train (0 and no steps: train until the horizon)", "tokens", 0, 1e16)},
         {"steps", integer("Alternative to tokens: optimizer steps", "", 1, 1e12)},
         {"global_batch_sequences",
          integer("Sequences per optimizer step (MLPerf Llama 3.1 405B: 1,280)", "", 1, 1e8)},
         {"global_batch_tokens",
          number("Alternative to global_batch_sequences: tokens per step (default 4,194,304; Llama 3 405B: 16M)",
                 "tokens", 1024, 1e10)},
         {"sequence_length", integer("Sequence length", "tokens", 128, 1048576, 8192)},
         {"precision", precision_key("Math precision of the GEMMs", "bf16")},
         {"parallelism",
          object("Model parallelism; data parallelism takes the rest of the GPUs (dp = gpus / (tp pp cp))",
                 {{"tp", integer("Tensor parallel (inside one NVLink domain)", "", 1, 1024, 8)},
                  {"pp", integer("Pipeline stages", "", 1, 1024, 1)},
                  {"vp", integer("Interleaved virtual stages per pipeline rank", "", 1, 64, 1)},
                  {"cp", integer("Context parallel (sequence split across ranks)", "", 1, 1024, 1)},
                  {"ep", integer("Expert parallel (MoE; experts spread over the data-parallel ranks)", "", 1, 1024,
                                 1)},
                  {"dp", integer("Data parallel; optional, checked against gpus / (tp pp cp)", "", 1, 2000000)}})
              .with_default(nlohmann::json::object())},
         {"compute_efficiency",
          number("Achieved fraction of the large-GEMM rate across the whole step's compute (attention, norms, "
                 "element-wise kernels, launch gaps). 0.80 reproduces Llama 3 405B's 43 % MFU on 8,192 H100 with "
                 "an assumed vp = 8 (scenarios/validation; docs/models/training.md)",
                 "", 0.05, 1, 0.80)},
         {"overlap",
          number("Share of data-parallel, context-parallel and expert all-to-all communication hidden behind "
                 "compute",
                 "", 0, 1, 0.8)},
         {"activation_recompute", boolean("Recompute activations in the backward pass (+1 forward)", false)},
         {"checkpoint",
          object("Checkpoints and restarts",
                 {{"interval_hours", number("Time between checkpoints", "h", 0.001, 1000, 1)},
                  {"write_gb_per_s_per_gpu",
                   number("Checkpoint write bandwidth per GPU (Llama 3: 2 TB/s over 16,384 GPUs = 0.125)", "GB/s",
                          0.001, 100, 0.125)},
                  {"restart_minutes",
                   number("Time to restart after an interruption (detect, reschedule, reload)", "min", 0, 10000,
                          10)}})
              .with_default(nlohmann::json::object())},
         {"start_hours", number("Submit time", "h", 0, 1e6, 0)},
         {"priority", integer("Priority (higher first with the priority scheduler)", "", -1000, 1000, 0)}},
        {"name", "model"});
}

Schema token_distribution(std::string what, double mean) {
    return object(what,
                  {{"mean", number("Mean", "tokens", 1, 1e7, mean)},
                   {"distribution", enumeration("Shape: every request the same, exponential, or lognormal",
                                                {"constant", "exponential", "lognormal"}, "constant")},
                   {"cv", number("Lognormal coefficient of variation (standard deviation / mean)", "", 0, 10, 0.5)}})
        .with_default(nlohmann::json::object());
}

// One pool of a disaggregated service (its own instance shape and replica count).
Schema pool_schema(std::string description) {
    return object(std::move(description),
                  {{"replicas", integer("Instances in the pool", "", 1, 1000000)},
                   {"gpus", integer("GPUs per instance (inside one NVLink domain)", "", 1, 576, 8)},
                   {"tp", integer("Tensor parallel (default: the instance's GPUs / ep)", "", 1, 576)},
                   {"ep", integer("Expert parallel (MoE)", "", 1, 576, 1)}},
                  {"replicas"});
}

Schema disaggregation_schema() {
    return object(
        "Disaggregated serving: prompts are prefilled on the prefill pool, each request's KV cache is sent to "
        "a decode instance, which generates every output token. Absent: prefill and decode share each replica "
        "(replicas, instance). With it, give no replicas; instance is not used (docs/models/inference.md)",
        {{"prefill", pool_schema("The prefill pool: prefill-only iterations of up to chunk_tokens prompt tokens")},
         {"decode", pool_schema("The decode pool: decode-only continuous batching, batch capped by max_batch and "
                                "the instance's KV cache")},
         {"kv_transfer",
          object("KV cache transfer prefill -> decode: latency + KV bytes / (min(tp_prefill, tp_decode) x link x "
                 "efficiency); the link is NVLink when the whole service sits in one NVLink domain, else the GPUs' "
                 "scale-out NICs",
                 {{"efficiency",
                   number("Achieved fraction of the link's bandwidth (estimate, as fabric.collective_efficiency)",
                          "", 0.05, 1, 0.8)},
                  {"latency_us", number("Fixed cost per transfer (setup, completion notice; estimate)", "us", 0,
                                        1e6, 10)}})
              .with_default(nlohmann::json::object())}},
        {"prefill", "decode"});
}

Schema inference_schema() {
    return object_variant(
        "inference", "An LLM inference service (docs/models/inference.md)",
        {{"name", string("Service name, unique among workloads")},
         {"model", string("Catalog LLM, e.g. llama3.1-70b")},
         {"pod", string("Pod to run in (default: the first pod with enough free GPUs)", "")},
         {"rack", string("Rack type to run on (default: any the service fits; alternative to rack_types)", "")},
         {"rack_types", array("Rack types the service may run on (default: every type in the scenario whose GPUs can run "
                              "it: precision, NVLink domain, HBM; docs/models/scheduler.md)",
                              string("Catalog rack type held by a pod of the scenario"), 1, 64)},
         {"replicas", integer("Model replicas (instances); required unless disaggregation gives the pools", "",
                              1, 1000000)},
         {"instance",
          object("One replica: GPUs inside one NVLink domain, split as tp x ep",
                 {{"gpus", integer("GPUs per replica", "", 1, 576, 8)},
                  {"tp", integer("Tensor parallel (default: all the replica's GPUs / ep)", "", 1, 576)},
                  {"ep", integer("Expert parallel (MoE)", "", 1, 576, 1)}})
              .with_default(nlohmann::json::object())},
         {"precision", precision_key("Weight and KV-cache precision", "fp8")},
         {"arrival",
          object("Request arrivals",
                 {{"type", enumeration("poisson: constant mean rate; diurnal: rate x (1 + (peak/mean - 1) cos(2pi "
                                       "(hour - peak_hour)/24)), evaluated hourly; offline: as many as the replicas "
                                       "can serve (saturating, MLPerf offline); trace: requests replayed from a CSV "
                                       "file (path)",
                                       {"poisson", "diurnal", "offline", "trace"}, "poisson")},
                  {"path", string("trace: CSV with a header and columns time_s (seconds from the start of the run, "
                                  "non-decreasing), input_tokens, output_tokens; relative to the scenario file. The "
                                  "request-level model replays each request; the fluid model takes the hourly "
                                  "arrival counts and the trace's mean lengths",
                                  "")},
                  {"rate_per_s", number("Mean request rate of the whole service", "1/s", 0, 1e9, 10)},
                  {"peak_to_mean", number("Diurnal peak over mean", "", 1, 2, 1.5)},
                  {"peak_hour", number("Hour of the daily peak", "h", 0, 24, 14)}})
              .with_default(nlohmann::json::object())},
         {"input_tokens", token_distribution("Prompt length", 1024)},
         {"output_tokens", token_distribution("Generated length", 256)},
         {"max_batch", integer("Most sequences decoded together per replica", "", 1, 65536, 256)},
         {"chunk_tokens",
          integer("Request-level model: prompt tokens prefilled per iteration (chunked prefill)", "tokens", 16,
                  1048576, 2048)},
         {"compute_efficiency",
          number("Achieved fraction of the large-GEMM rate across an iteration's math (attention, norms, "
                 "activation and quantisation kernels, GEMMs below plateau, launch gaps); HBM traffic is not "
                 "scaled. Absent: the model's catalog serving_compute_efficiency where one is calibrated "
                 "(deepseek-r1 and deepseek-v3: 0.34, NVIDIA's MLPerf v6.0 DeepSeek-R1 offline result on GB300), "
                 "else 0.48, which reproduces NVIDIA's MLPerf v5.1 Llama 2 70B offline result on GB200 (12,934 "
                 "tokens/s per GPU; validated on B200 and GB300; docs/models/inference.md)",
                 "", 0.05, 1)},
         {"slo",
          object("Service-level objectives (MLPerf v5.1 DeepSeek-R1 server: TTFT 2 s, 80 ms per token)",
                 {{"ttft_s", number("Time to first token", "s", 0.001, 1000, 2)},
                  {"tpot_s", number("Time per output token", "s", 0.0001, 100, 0.08)}})
              .with_default(nlohmann::json::object())},
         {"fidelity",
          enumeration("fluid: steady-state rates, updated when load or capacity changes (months-long runs); "
                      "request: every request and batching iteration as events (short windows, SLO detail)",
                      {"fluid", "request"}, "fluid")},
         {"autoscale",
          object("Fluid model: scale the replicas taking load to a target utilisation; the others idle at idle "
                 "power (they keep their GPUs). The request-level model ignores it",
                 {{"target_utilization",
                   number("Largest share of a replica's full-clock capacity it serves before another replica "
                          "takes load (0: no autoscaling)",
                          "", 0, 1, 0)},
                  {"min_replicas", integer("Replicas that always take load", "", 1, 1000000, 1)}})
              .with_default(nlohmann::json::object())},
         {"start_hours", number("Time the service starts", "h", 0, 1e6, 0)},
         {"disaggregation", disaggregation_schema()}},
        {"name", "model"});
}

Schema failures_schema() {
    return object(
        "Hardware and software failures (docs/models/reliability.md). Defaults from the Llama 3 405B run: "
        "16,384 H100 for 54 days, 419 unexpected interruptions (arXiv:2407.21783)",
        {{"enabled", boolean("Simulate failures", true)},
         {"gpu_mtbf_hours",
          number("Per GPU (GPU, HBM, SRAM, system processor, SDC, thermal): 16,384 x 1,296 h / 268", "h", 1, 1e9,
                 79000)},
         {"node_mtbf_hours",
          number("Per server or compute tray (host, NIC, PSU, CPU, memory, SSD, chassis): 2,048 x 1,296 h / 53",
                 "h", 1, 1e9, 50000)},
         {"network_mtbf_hours",
          number("Per server or compute tray, network switch or cable: 2,048 x 1,296 h / 35", "h", 1, 1e9, 75800)},
         {"nvlink_switch_mtbf_hours",
          number("Per NVLink switch tray (NVL72 racks): a failure takes down the rack's whole NVLink domain until "
                 "repaired. No published rate; estimate",
                 "h", 1, 1e9, 500000)},
         {"software_mtbf_hours",
          number("Per GPU of a training job, software and NCCL faults: 16,384 x 1,296 h / 63", "h", 1, 1e10,
                 337000)},
         {"repair_hours", number("Time a failed part is out of service (swap or repair)", "h", 0, 10000, 24)}});
}

// Racks arrive on a schedule, are installed, wait for site power and cooling, burn in
// (and may fail it), then join the pool (docs/models/deployment.md).
Schema deployment_schema() {
    Schema delivery = object("One delivery: the next racks in scenario order",
                             {{"at_hours", number("Delivery time", "h", 0, 1e6)},
                              {"racks", integer("Racks delivered", "", 1, 1e6)}},
                             {"at_hours", "racks"});
    Schema phase = object(
        "Site capacity commissioned by at_hours, cumulative (each phase's figures include the earlier ones)",
        {{"at_hours", number("Time the phase is commissioned", "h", 0, 1e6)},
         {"power_mw", number("Critical IT power available from then (UPS and PDU capacity)", "MW", 0, 1e5)},
         {"cooling_mw", number("IT heat the cooling plant can reject from then", "MW", 0, 1e5)}},
        {"at_hours", "power_mw", "cooling_mw"});
    return object(
        "Deployment ramp: racks arrive, are installed, wait for site power and cooling, burn in at full load "
        "(and may fail it), then join the pool (docs/models/deployment.md). Give at most one delivery schedule: "
        "racks_per_day, racks_per_week or deliveries; none: every rack is in service at the start",
        {{"racks_per_day", number("Delivery rate, racks in scenario order (0: not this schedule)", "1/d", 0, 1e5, 0)},
         {"racks_per_week", integer("Weekly batches: this many racks arrive together every 168 h from start_hours, "
                                    "in scenario order; the last batch may be smaller (0: not this schedule)",
                                    "1/week", 0, 1e6, 0)},
         {"deliveries",
          array("Explicit deliveries in time order, each bringing the next racks in scenario order; together they "
                "must deliver every rack of the pods (start_hours does not apply: at_hours are absolute)",
                std::move(delivery), 0, 100000)
              .with_default(nlohmann::json::array())},
         {"start_hours", number("First delivery of racks_per_day and racks_per_week", "h", 0, 1e6, 0)},
         {"install_hours", number("Installation and commissioning per rack (placed, cabled, liquid and power hooked "
                                  "up), before it can be energised",
                                  "h", 0, 1e5, 8)},
         {"burn_in_hours", number("Burn-in at full load before production", "h", 0, 1e5, 24)},
         {"burn_in_failure_probability",
          number("Probability that a rack fails one burn-in attempt (infant mortality; constant hazard during "
                 "burn-in). A failed rack is repaired unpowered and burns in again. No published rate in the "
                 "reference data: an estimate, default 0 (no burn-in failures)",
                 "", 0, 0.99, 0)},
         {"burn_in_repair_hours",
          number("Repair of a rack that failed burn-in (default: failures.repair_hours)", "h", 0, 1e5)},
         {"site_phases",
          array("Site power and cooling coming online in phases, in time order. A rack is energised (starts "
                "burn-in) only when the commissioned power and cooling both cover the full-load power of every "
                "energised rack including it; racks wait otherwise, in delivery order. Before the first phase "
                "there is no capacity. Empty: racks never wait for the site",
                std::move(phase), 0, 1000)
              .with_default(nlohmann::json::array())},
         {"site_build_months",
          number("Construction of the site (shell, power, cooling plant) before the first delivery; its "
                 "facility and cooling capex is spent evenly over it and carries interest at "
                 "cost.financing.rate_per_year until the racks serve (cost.interest_during_construction_usd; "
                 "a month is 730 h). A cost only: site_phases gate the racks in the run",
                 "months", 0, 120, 0)}});
}

// Bottom-up network capex from the sized fat tree (docs/models/cost.md#network-capex). Every
// price is an estimate with its source; keyed by the fabric.scale_out switch model.
Schema network_cost_schema() {
    return object(
        "How the scale-out network (switches, optics, cables outside the racks; NICs are in the rack price) is "
        "priced. fraction: network_fraction x rack capex. bottom_up: from the fat tree sized for the factory "
        "(fabric section of the report): switches x switch_usd + optical port ends x transceiver_usd_per_port + "
        "links x cable_usd_per_link. The report gives the bottom-up figure under either model (cost.network)",
        {{"model", enumeration("fraction (default) or bottom_up", {"fraction", "bottom_up"}, "fraction")},
         {"switch_usd",
          object("Price per switch by model (estimates)",
                 {{"quantum-x800",
                   number("Quantum-X800 Q3400 (144 x 800 Gb/s). No public price found: the QM9700's 50,000 USD scaled "
                          "by switching capacity (115.2 / 25.6 Tb/s); a 64-port 800G switch is quoted 150,000-250,000 "
                          "USD (luxoptx.com 800G cost analysis), so this may be low. Estimate",
                          "USD", 0, 1e8, 225000)},
                  {"quantum-2",
                   number("Quantum-2 QM9700 (64 x 400 Gb/s): ~50,000 USD NVIDIA, 36,000 USD FS.com variant, Aug 2024 "
                          "(docs.google.com/spreadsheets/d/1Ft3RbeZ-w43kYSiLfYc1vxO41mK5lmJpcPC9GOYHAWc, "
                          "tech-talk-cto H100 cost model). Estimate",
                          "USD", 0, 1e8, 50000)},
                  {"spectrum-x",
                   number("Spectrum-X SN5600 class (64 x 800 GbE): low end of 150,000-250,000 USD for a 64-port 800G "
                          "switch (luxoptx.com 800G cost analysis). Estimate",
                          "USD", 0, 1e8, 150000)}})
              .with_default(nlohmann::json::object())},
         {"transceiver_usd_per_port",
          object("Optics per switch-port end (the port speed of the switch model; a twin-port module serving two "
                 "ports counts as two ends). Estimates",
                 {{"quantum-x800",
                   number("800 Gb/s end: 800G OSFP DR8 1,100-1,400 USD in volume (luxoptx.com), midpoint", "USD", 0,
                          1e6, 1250)},
                  {"quantum-2",
                   number("400 Gb/s end: half an 800G twin-port OSFP (1,100-1,400 USD) or a 400G module (600-800 "
                          "USD) (luxoptx.com)",
                          "USD", 0, 1e6, 650)},
                  {"spectrum-x", number("800 Gb/s end, as quantum-x800", "USD", 0, 1e6, 1250)}})
              .with_default(nlohmann::json::object())},
         {"host_link_transceivers",
          integer("Optical ends per NIC-to-leaf link: 2 (both ends; rail-optimised leaves serve several racks, "
                  "beyond copper reach), 1 (only the switch end priced here), 0 (copper DAC inside a rack)",
                  "", 0, 2, 2)},
         {"cable_usd_per_link",
          number("Fibre (or copper cable) per link, host and switch links alike: MPO trunk 50-150 USD "
                 "(luxoptx.com). Estimate",
                 "USD", 0, 1e6, 100)}})
        .with_default(nlohmann::json::object());
}

Schema cost_schema() {
    return object(
        "Owner economics (docs/models/cost.md)",
        {{"rack_price_usd", number("Price of every rack; 0 = each rack type's catalog price", "USD", 0, 1e9, 0)},
         {"network_fraction",
          number("Network capex as a fraction of rack capex, with network.model fraction (Bernstein: networking ~13 % vs GPUs 39 % of a 35 B "
                 "USD/GW build, about 1/3; Morgan Stanley 0.30-0.40)",
                 "", 0, 2, 0.33)},
         {"network", network_cost_schema()},
         {"storage_usd_per_gpu",
          number("Storage (file and object systems outside the racks) per installed GPU. Bernstein: storage 1-1.5 "
                 "% of a 5.9 M USD all-in GB200 NVL72 rack, 1.25 % / 72 GPUs = 1,024 USD; estimate",
                 "USD", 0, 1e6, 1000)},
         {"facility_usd_per_mw",
          number("Facility (shell, power, mechanical) per MW of critical IT at full load (build.inc 2025: 10.7 M "
                 "USD/MW)",
                 "USD/MW", 0, 1e9, 10.7e6)},
         {"cooling_usd_per_mw",
          number("Extra cooling plant per MW of critical IT (0: included in the facility figure)", "USD/MW", 0, 1e9,
                 0)},
         {"installation_fraction", number("Installation and commissioning, fraction of rack capex", "", 0, 1, 0.02)},
         {"it_depreciation_years",
          number("Life of IT (racks, network, storage, installation) unless depreciation_years gives a class its "
                 "own. Amazon: servers and networking 5 years from 2025; Microsoft, Alphabet: 6",
                 "years", 1, 30, 5)},
         {"facility_depreciation_years",
          number("Life of the facility and the cooling plant unless depreciation_years gives a class its own "
                 "(estimate)",
                 "years", 1, 60, 20)},
         {"depreciation_years",
          object("Life of each asset class; a class left out takes it_depreciation_years (racks, network, "
                 "storage, installation) or facility_depreciation_years (facility, cooling)",
                 {{"racks", number("Racks (GPUs, trays, NVLink switches); default it_depreciation_years", "years",
                                   1, 60)},
                  {"network", number("Scale-out network; default it_depreciation_years", "years", 1, 60)},
                  {"storage", number("Storage; default it_depreciation_years", "years", 1, 60)},
                  {"installation",
                   number("Installation and commissioning; default it_depreciation_years", "years", 1, 60)},
                  {"facility", number("Facility; default facility_depreciation_years", "years", 1, 60)},
                  {"cooling", number("Extra cooling plant; default facility_depreciation_years", "years", 1, 60)}})
              .with_default(nlohmann::json::object())},
         {"financing",
          object("Cost of capital. 0: straight-line depreciation, capex / life per year. Above 0: each class is "
                 "paid off as an annuity, capex x r (1+r)^n / ((1+r)^n - 1) per year over its life n",
                 {{"rate_per_year", number("Interest rate or WACC, e.g. 0.08 (estimate)", "1/year", 0, 1, 0)}})
              .with_default(nlohmann::json::object())},
         {"maintenance_fraction_per_year",
          number("Maintenance per year as a fraction of IT capex (estimate)", "", 0, 1, 0.03)},
         {"staff_usd_per_year", number("Operations staff cost per year", "USD/year", 0, 1e10, 0)},
         {"colocation_usd_per_kw_month",
          number("Leased space and power capacity per kW of critical IT (full-load rack power) per month of 730 "
                 "h; 0: owner-built. CBRE: North American average asking rate 163.44 USD/kW-month in 2023. With "
                 "a lease, set facility_usd_per_mw to 0",
                 "USD/(kW month)", 0, 1e4, 0)}});
}

Schema build_scenario_schema(const models::ModelRegistry& registry) {
    Schema workload = discriminated("A workload: a training job or an inference service",
                                    {training_schema(), inference_schema()});
    Schema catalog_section = object("Catalog entries added or overridden by this scenario (same format as "
                                    "src/catalog/; see docs/models/rack.md)",
                                    {{"racks", array("Rack entries", any("A rack entry"))},
                                     {"llms", array("LLM entries", any("An LLM entry"))}});
    return object(
        "A factorysim scenario",
        {{"name", string("Scenario name (shown in reports)")},
         {"description", string("Free text", "")},
         {"seed", integer("Random seed: same scenario + seed = same report bytes", "", 0, 9007199254740991.0, 1)},
         {"horizon_hours", number("Simulated time (give this or horizon_days; default 24 h)", "h", 0.001, 87600)},
         {"horizon_days", number("Simulated time in days (alternative to horizon_hours)", "d", 0.001, 3650)},
         {"site", site_schema().with_default(nlohmann::json::object())},
         {"pods", array("Pods of racks", pod_schema(), 1, 1000)},
         {"fabric", fabric_schema().with_default(nlohmann::json::object())},
         {"cooling", registry.cooling_schema().with_default(nlohmann::json::object())},
         {"workloads", array("Training jobs and inference services", workload, 0, 10000)
                           .with_default(nlohmann::json::array())},
         {"job_arrivals",
          array("Generated training jobs: Poisson arrivals of copies of a template, appended to workloads as "
                "<name>-1, <name>-2, ... (their submit times drawn from the seed)",
                object("A stream of training jobs",
                       {{"name", string("Stream name (prefix of the job names)")},
                        {"rate_per_hour", number("Mean arrival rate", "1/h", 1e-6, 1e4)},
                        {"count", integer("Jobs to generate", "", 1, 10000)},
                        {"start_hours", number("Time of the stream's start", "h", 0, 1e6, 0)},
                        {"template", any("A training workload without \"type\", \"name\" and \"start_hours\"")}},
                       {"name", "rate_per_hour", "count", "template"}),
                0, 100)
              .with_default(nlohmann::json::array())},
         {"scheduler",
          object("Placement of workloads on racks",
                 {{"policy", enumeration("fifo: in submit order, the head blocks the queue; first_fit: any job "
                                         "that fits starts; easy_backfill: FIFO with a reservation for the head, "
                                         "later jobs start if they fit and do not delay it (estimated runtimes); "
                                         "priority: by priority then submit order, a blocked job preempts "
                                         "lower-priority training jobs (rolled back to their last checkpoint)",
                                         {"fifo", "first_fit", "easy_backfill", "priority"}, "fifo")},
                  {"placement",
                   enumeration("Which of a workload's rack types it tries first when several can run it: "
                               "least_capable_first: the types the fewest of the scenario's workloads can run on, so "
                               "racks that more work needs stay free (ties in scenario order); scenario_order: pods "
                               "in scenario order",
                               {"least_capable_first", "scenario_order"}, "least_capable_first")}})
              .with_default(nlohmann::json::object())},
         {"failures", failures_schema().with_default(nlohmann::json::object())},
         {"cost", cost_schema().with_default(nlohmann::json::object())},
         {"deployment", deployment_schema().with_default(nlohmann::json::object())},
         {"report", object("What the report samples and writes",
                           {{"sample_interval_minutes",
                             number("Time-series sampling interval (CSV and HTML charts)", "min", 1, 1e6, 15)},
                            {"outputs",
                             array("Files `factorysim run` writes besides its --format output (atomically); "
                                   "relative paths are relative to the working directory",
                                   object("One output file",
                                          {{"format", enumeration("Writer", {"table", "json", "csv", "html"})},
                                           {"path", string("File to write")}},
                                          {"format", "path"}),
                                   0, 16)
                                 .with_default(nlohmann::json::array())}})
                        .with_default(nlohmann::json::object())},
         {"catalog", std::move(catalog_section)}},
        {"name", "pods"});
}

}  // namespace

const Schema& scenario_schema() {
    static const Schema schema = build_scenario_schema(models::builtin_registry());
    return schema;
}

Schema scenario_schema(const models::ModelRegistry& registry) { return build_scenario_schema(registry); }

}  // namespace factorysim::scenario
