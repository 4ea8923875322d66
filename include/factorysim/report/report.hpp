// The report of one scenario run: a plain struct, the stable contract with CI pipelines
// and other tools. Every field is documented in docs/report.md; units are in the names.
// Models never write files: the world fills a Report, the writers (report/writers.hpp)
// turn it into a table, JSON, CSV or a self-contained HTML page.
//
// Wall-clock time is deliberately absent: the same scenario and seed must give the same
// report bytes on every run.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "factorysim/metrics/time_series.hpp"

namespace factorysim::report {

struct RunSection {
    std::string scenario;          // the scenario's "name"
    std::string factorysim_version;
    std::uint64_t seed = 0;
    double horizon_hours = 0.0;    // what the scenario asked for
    double simulated_hours = 0.0;  // what was simulated (less than the horizon if partial)
    std::uint64_t events = 0;      // engine events executed
    bool partial = false;          // stopped early (Ctrl-C): figures cover simulated_hours only
    std::vector<std::string> warnings;  // model caveats met during the run (sorted, unique)
};

struct TrainingJobReport {
    std::string name;
    std::string model;        // catalog LLM
    std::string rack;         // catalog rack type it ran on
    std::string precision;
    int gpus = 0;
    int racks = 0;
    int tensor_parallel = 1, pipeline_parallel = 1, data_parallel = 1;
    int virtual_stages = 1, context_parallel = 1, expert_parallel = 1;
    double step_time_s = 0.0;          // one optimizer step, unthrottled
    double compute_time_s = 0.0;       // of which compute (incl. pipeline bubble)
    double exposed_communication_time_s = 0.0;  // communication not hidden by overlap
    double communication_share = 0.0;  // exposed communication / step time
    // The step's parts (sum = step_time_s): math, pipeline bubble, and the exposed
    // communication of each kind of parallelism.
    double step_compute_s = 0.0, step_bubble_s = 0.0, step_tensor_parallel_s = 0.0,
           step_data_parallel_s = 0.0, step_context_parallel_s = 0.0, step_expert_parallel_s = 0.0;
    std::optional<double> time_to_train_s;   // start to last step, restarts included (if it finished)
    double tokens_per_s = 0.0;         // while running (step rate x tokens per step)
    double mfu = 0.0;                  // 6 N_active tokens/s / (GPUs x dense peak at precision)
    double tokens_trained = 0.0;       // useful tokens (after rollbacks) by the end
    double tokens_target = 0.0;        // 0 if the job runs to the horizon
    std::optional<double> start_hours;       // when it was placed
    std::optional<double> completion_hours;  // when it reached its target, if it did
    double goodput = 0.0;              // useful training time / allocated time
    std::int64_t interruptions = 0;    // failures that stopped the job
    std::int64_t preemptions = 0;      // times a higher-priority job took its GPUs
    std::int64_t checkpoints = 0;
    double lost_gpu_hours = 0.0;       // rolled-back work, abandoned checkpoint writes, restarts, GPU-hours
    double checkpoint_write_s = 0.0;   // one checkpoint write
    double scale_out_gb_per_step_per_gpu = 0.0;  // through each GPU's NIC per step
    double scale_out_share = 1.0;      // NIC bandwidth granted by the flow-level fabric (1 with the analytical one)
    double gpu_hours = 0.0;            // GPU-hours it held (allocated), from placement to release
    double cost_usd = 0.0;             // its share of the TCO: usd_per_allocated_gpu_hour x its GPU-hours
};

// One pool of a disaggregated inference service.
struct InferencePoolReport {
    int instances = 0;
    int gpus_per_instance = 0;
    int gpus = 0;
    int tp = 0, ep = 0;
    double capacity_requests_per_s = 0.0;  // all instances, full clocks
    double utilization = 0.0;              // served / capacity of the instances up, time-averaged
};

// Prefill/decode disaggregation: the pools and the KV traffic between them.
struct DisaggregationReport {
    InferencePoolReport prefill, decode;
    std::string kv_link;                   // "nvlink" or "scale_out"
    double kv_bytes_per_request = 0.0;     // at the mean prompt length
    double kv_transfer_s = 0.0;            // per request: fluid at the mean prompt; request-level the mean
    double kv_transfer_gb_per_s = 0.0;     // KV bytes moved / simulated seconds (the fabric load)
};

struct InferenceServiceReport {
    std::string name;
    std::string model;
    std::string rack;
    std::string precision;
    int instances = 0;
    int gpus_per_instance = 0;
    int gpus = 0;
    double offered_requests_per_s = 0.0;   // time-average of the arrival rate
    double requests_completed = 0.0;
    double requests_dropped = 0.0;         // arrivals beyond capacity (rejected)
    double input_tokens_per_s = 0.0;
    double output_tokens_per_s = 0.0;
    double utilization = 0.0;              // time-average served load / capacity
    double batch_size_avg = 0.0;           // concurrent sequences per instance
    std::string fidelity;                  // "fluid" or "request"
    double ttft_mean_s = 0.0, ttft_p50_s = 0.0, ttft_p99_s = 0.0;
    double tpot_mean_s = 0.0, tpot_p50_s = 0.0, tpot_p99_s = 0.0;
    std::int64_t kv_preemptions = 0;       // request-level: sequences evicted when the KV cache filled
    double slo_attainment = 0.0;           // fraction of served requests meeting both SLOs
    // Largest steady load that meets the SLOs (p99 TTFT, TPOT) at full clocks, from the
    // fluid model, and the output tokens/s per GPU it carries (MLPerf "server" style).
    double slo_capacity_requests_per_s = 0.0;
    double replicas_serving_avg = 0.0;     // time-average of replicas taking load (autoscaling; else those up)
    double slo_capacity_output_tokens_per_s_per_gpu = 0.0;
    double output_tokens_per_mwh = 0.0;    // per MWh of the service's share of IT energy
    double gpu_hours = 0.0;                // GPU-hours it held (allocated; both pools when disaggregated)
    double cost_usd = 0.0;                 // its share of the TCO: usd_per_allocated_gpu_hour x its GPU-hours
    std::optional<DisaggregationReport> disaggregation;  // absent for colocated serving
};

struct ThroughputSection {
    std::vector<TrainingJobReport> training;
    std::vector<InferenceServiceReport> inference;
    double total_tokens_per_s = 0.0;  // training tokens/s + inference input and output tokens/s
};

struct PowerSection {
    double it_avg_mw = 0.0;
    double it_peak_mw = 0.0;
    double cooling_avg_mw = 0.0;
    double distribution_loss_avg_mw = 0.0;
    double facility_avg_mw = 0.0;
    double facility_peak_mw = 0.0;
    double pue = 0.0;  // facility energy / IT energy over the run
    double it_energy_mwh = 0.0;
    double energy_mwh = 0.0;  // facility energy
    double site_power_cap_mw = 0.0;  // 0 = none
    double capped_hours = 0.0;       // time the site cap bound the GPUs' power
};

struct ThermalSection {
    std::string cooling;             // the cooling type
    double supply_temp_c = 0.0;      // coolant (liquid) or supply air set point
    double ambient_avg_c = 0.0;
    double ambient_max_c = 0.0;
    double max_gpu_temp_c = 0.0;
    double free_cooling_fraction = 0.0;  // share of heat rejected without a compressor (time-average)
    double throttled_gpu_hours = 0.0;
    double heat_to_liquid_fraction = 0.0;
    double water_m3 = 0.0;           // cooling-tower water (evaporation + blowdown)
    double water_l_per_kwh = 0.0;    // WUE: water per kWh of IT energy
    // GPU thermal energy balance (all GPUs): generated = to coolant + stored at the end
    // (stored is zero at the start).
    double gpu_heat_generated_mwh = 0.0;
    double gpu_heat_to_coolant_mwh = 0.0;
    double gpu_heat_stored_mwh = 0.0;
};

struct ReliabilitySection {
    std::map<std::string, std::int64_t> failures_by_component;  // component -> count
    std::int64_t failures = 0;
    std::int64_t job_interruptions = 0;
    double gpu_hours_lost = 0.0;  // GPU-hours unavailable for repair + rolled-back work
};

// One rack type's share of the utilisation (the figures of UtilizationSection, for its racks).
struct RackTypeUtilization {
    int gpus = 0;
    int racks = 0;
    double allocated_gpu_hours = 0.0;
    double busy_gpu_hours = 0.0;       // burn-in counts as busy, as in the totals
    double allocated_fraction = 0.0;   // of the type's installed GPU-hours
    double busy_fraction = 0.0;
};

struct UtilizationSection {
    int gpus = 0;
    int racks = 0;
    double gpu_hours = 0.0;            // installed GPUs x simulated hours
    double allocated_gpu_hours = 0.0;  // held by a job or service
    double busy_gpu_hours = 0.0;       // doing useful work (utilisation-weighted)
    double allocated_fraction = 0.0;
    double busy_fraction = 0.0;
    std::int64_t jobs_waiting_at_end = 0;
    std::int64_t preemptions = 0;      // priority scheduler: jobs preempted
    std::int64_t backfilled_jobs = 0;  // EASY scheduler: jobs started ahead of the blocked head
    std::map<std::string, RackTypeUtilization> by_rack_type;  // sums to the totals above
};

// The scale-out network priced from the sized fat tree (docs/models/cost.md#network-capex),
// reported under either network model; capex_breakdown_usd["network"] is bottom_up_usd only
// with model "bottom_up".
struct NetworkCapexReport {
    std::string model;         // cost.network.model: "fraction" or "bottom_up"
    std::string switch_model;  // empty: no scale-out tree (one NVLink domain)
    long long switches = 0;
    double switches_usd = 0.0;
    long long transceivers = 0;  // optical port ends
    double transceivers_usd = 0.0;
    long long links = 0;         // cables: host links + switch-to-switch links
    double cables_usd = 0.0;
    double bottom_up_usd = 0.0;  // switches + transceivers + cables
};

struct CostSection {
    double capex_usd = 0.0;
    // racks, network, storage, installation, facility, cooling
    std::map<std::string, double> capex_breakdown_usd;
    NetworkCapexReport network;
    // Interest on the capex from spend to service at the financing rate (site construction,
    // deliveries, installation, burn-in); initial investment = capex + that. Not in the TCO.
    double interest_during_construction_usd = 0.0;
    double initial_investment_usd = 0.0;
    double depreciation_usd = 0.0;       // capital charge of the simulated period (straight line or annuity)
    std::map<std::string, double> depreciation_breakdown_usd;  // the same by asset class
    double energy_cost_usd = 0.0;        // integral of facility power x tariff
    double energy_usd_per_kwh_avg = 0.0; // energy cost / facility energy
    double maintenance_usd = 0.0;
    double staff_usd = 0.0;
    double colocation_usd = 0.0;         // leased space and power capacity
    double opex_usd = 0.0;               // energy + maintenance + staff + colocation over the simulated period
    double tco_usd = 0.0;                // depreciation + opex over the simulated period
    double tco_annualized_usd = 0.0;     // tco scaled to one year
    double usd_per_gpu_hour = 0.0;       // tco / installed GPU-hours
    double usd_per_allocated_gpu_hour = 0.0;
    double usd_per_busy_gpu_hour = 0.0;  // tco / utilisation-weighted GPU-hours
    double usd_per_million_tokens = 0.0; // tco / all tokens (training + inference), 0 if none
    double usd_per_million_inference_tokens = 0.0;  // services' TCO share / their tokens, 0 if none
};

struct DeploymentSection {
    int racks = 0;
    std::optional<double> first_rack_in_service_hours;
    std::optional<double> time_to_first_token_hours;    // first workload placed (production work)
    std::optional<double> time_to_full_capacity_hours;  // last rack in service
    double gpu_hours_lost_to_ramp = 0.0;  // GPU-hours before each rack joined the pool (to the horizon)
    int racks_in_service = 0;             // joined the pool by the end
    double full_load_it_mw = 0.0;         // all racks at full load: the site capacity that energises them all
    double rack_hours_waiting_for_site = 0.0;  // installed, waiting for site power and cooling
    int racks_never_energised = 0;        // more than the last site phase can take
    std::int64_t burn_in_failures = 0;
    double burn_in_failure_rack_hours = 0.0;  // failed attempts and their repairs: the joins' delay
};

struct FabricTierReport {
    std::string name;           // "host-leaf", "leaf-spine", "spine-core"
    int switches = 0;           // switches at the upper end of this tier's links
    int links = 0;              // cables
    double capacity_tbps = 0.0; // one direction, all links
    double utilization = 0.0;   // time-average traffic / capacity (training collectives)
};

struct FabricSection {
    std::string model;          // "analytical" or "flow"
    std::string scale_out_switch;
    int tiers = 0;              // switch tiers (0: no scale-out fabric, one NVLink domain)
    double oversubscription = 1.0;
    int hosts = 0;              // GPU NIC ports
    int switches = 0;
    std::vector<FabricTierReport> tier;
};

struct Report {
    RunSection run;
    ThroughputSection throughput;
    PowerSection power;
    ThermalSection thermal;
    ReliabilitySection reliability;
    UtilizationSection utilization;
    CostSection cost;
    DeploymentSection deployment;
    FabricSection fabric;
    metrics::TimeSeries series;  // sampled; the CSV and HTML writers use it
};

}  // namespace factorysim::report
