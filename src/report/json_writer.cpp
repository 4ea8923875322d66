// The JSON summary (docs/report.md documents every field).
#include <cmath>
#include <cstdio>
#include <map>
#include <ostream>
#include <sstream>

#include <fmt/format.h>

#include "factorysim/report/writers.hpp"

namespace factorysim::report {

double round_significant(double value, int digits) {
    if (!std::isfinite(value) || value == 0.0) return 0.0;
    // %.*g rounds correctly and the result parses back to the nearest double, so the
    // printed JSON is stable across libm versions that differ in the last bits.
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.*g", digits, value);
    return std::strtod(buffer, nullptr);
}

namespace {

using Json = nlohmann::ordered_json;

double r(double v) { return round_significant(v); }

Json optional_hours(const std::optional<double>& h) { return h ? Json(r(*h)) : Json(nullptr); }

Json training_json(const TrainingJobReport& t) {
    return Json{{"name", t.name},
                {"model", t.model},
                {"rack", t.rack},
                {"precision", t.precision},
                {"gpus", t.gpus},
                {"racks", t.racks},
                {"parallelism", Json{{"tp", t.tensor_parallel},
                                     {"pp", t.pipeline_parallel},
                                     {"vp", t.virtual_stages},
                                     {"cp", t.context_parallel},
                                     {"ep", t.expert_parallel},
                                     {"dp", t.data_parallel}}},
                {"step_time_s", r(t.step_time_s)},
                {"compute_time_s", r(t.compute_time_s)},
                {"exposed_communication_time_s", r(t.exposed_communication_time_s)},
                {"communication_share", r(t.communication_share)},
                {"step_breakdown_s", Json{{"compute", r(t.step_compute_s)},
                                          {"pipeline_bubble", r(t.step_bubble_s)},
                                          {"tensor_parallel", r(t.step_tensor_parallel_s)},
                                          {"data_parallel_exposed", r(t.step_data_parallel_s)},
                                          {"context_parallel_exposed", r(t.step_context_parallel_s)},
                                          {"expert_parallel_exposed", r(t.step_expert_parallel_s)}}},
                {"tokens_per_s", r(t.tokens_per_s)},
                {"mfu", r(t.mfu)},
                {"tokens_trained", r(t.tokens_trained)},
                {"tokens_target", r(t.tokens_target)},
                {"start_hours", optional_hours(t.start_hours)},
                {"completion_hours", optional_hours(t.completion_hours)},
                {"time_to_train_s", optional_hours(t.time_to_train_s)},
                {"goodput", r(t.goodput)},
                {"interruptions", t.interruptions},
                {"preemptions", t.preemptions},
                {"checkpoints", t.checkpoints},
                {"checkpoint_write_s", r(t.checkpoint_write_s)},
                {"scale_out_gb_per_step_per_gpu", r(t.scale_out_gb_per_step_per_gpu)},
                {"scale_out_share", r(t.scale_out_share)},
                {"lost_gpu_hours", r(t.lost_gpu_hours)},
                {"gpu_hours", r(t.gpu_hours)},
                {"cost_usd", r(t.cost_usd)}};
}

Json inference_fields(const InferenceServiceReport& s);

Json pool_json(const InferencePoolReport& p) {
    return Json{{"instances", p.instances},
                {"gpus_per_instance", p.gpus_per_instance},
                {"gpus", p.gpus},
                {"tp", p.tp},
                {"ep", p.ep},
                {"capacity_requests_per_s", r(p.capacity_requests_per_s)},
                {"utilization", r(p.utilization)}};
}

Json inference_json(const InferenceServiceReport& s) {
    Json out = inference_fields(s);
    // Only disaggregated services have the section, so colocated reports keep their bytes.
    if (s.disaggregation) {
        const auto& d = *s.disaggregation;
        out["disaggregation"] = Json{{"prefill", pool_json(d.prefill)},
                                     {"decode", pool_json(d.decode)},
                                     {"kv_link", d.kv_link},
                                     {"kv_bytes_per_request", r(d.kv_bytes_per_request)},
                                     {"kv_transfer_s", r(d.kv_transfer_s)},
                                     {"kv_transfer_gb_per_s", r(d.kv_transfer_gb_per_s)}};
    }
    return out;
}

Json inference_fields(const InferenceServiceReport& s) {
    return Json{{"name", s.name},
                {"model", s.model},
                {"rack", s.rack},
                {"precision", s.precision},
                {"instances", s.instances},
                {"gpus_per_instance", s.gpus_per_instance},
                {"gpus", s.gpus},
                {"offered_requests_per_s", r(s.offered_requests_per_s)},
                {"requests_completed", r(s.requests_completed)},
                {"requests_dropped", r(s.requests_dropped)},
                {"input_tokens_per_s", r(s.input_tokens_per_s)},
                {"output_tokens_per_s", r(s.output_tokens_per_s)},
                {"utilization", r(s.utilization)},
                {"batch_size_avg", r(s.batch_size_avg)},
                {"fidelity", s.fidelity},
                {"ttft_mean_s", r(s.ttft_mean_s)},
                {"ttft_p50_s", r(s.ttft_p50_s)},
                {"ttft_p99_s", r(s.ttft_p99_s)},
                {"tpot_mean_s", r(s.tpot_mean_s)},
                {"tpot_p50_s", r(s.tpot_p50_s)},
                {"tpot_p99_s", r(s.tpot_p99_s)},
                {"slo_attainment", r(s.slo_attainment)},
                {"slo_capacity_requests_per_s", r(s.slo_capacity_requests_per_s)},
                {"replicas_serving_avg", r(s.replicas_serving_avg)},
                {"slo_capacity_output_tokens_per_s_per_gpu", r(s.slo_capacity_output_tokens_per_s_per_gpu)},
                {"kv_preemptions", s.kv_preemptions},
                {"output_tokens_per_mwh", r(s.output_tokens_per_mwh)},
                {"gpu_hours", r(s.gpu_hours)},
                {"cost_usd", r(s.cost_usd)}};
}

}  // namespace

nlohmann::ordered_json to_json(const Report& rep) {
    Json out;
    const auto& run = rep.run;
    out["run"] = Json{{"scenario", run.scenario},
                      {"factorysim_version", run.factorysim_version},
                      {"seed", run.seed},
                      {"horizon_hours", r(run.horizon_hours)},
                      {"simulated_hours", r(run.simulated_hours)},
                      {"events", run.events},
                      {"partial", run.partial},
                      {"warnings", run.warnings}};
    Json training = Json::array(), inference = Json::array();
    for (const auto& t : rep.throughput.training) training.push_back(training_json(t));
    for (const auto& s : rep.throughput.inference) inference.push_back(inference_json(s));
    out["throughput"] = Json{{"total_tokens_per_s", r(rep.throughput.total_tokens_per_s)},
                             {"training", std::move(training)},
                             {"inference", std::move(inference)}};
    const auto& p = rep.power;
    out["power"] = Json{{"it_avg_mw", r(p.it_avg_mw)},
                        {"it_peak_mw", r(p.it_peak_mw)},
                        {"cooling_avg_mw", r(p.cooling_avg_mw)},
                        {"distribution_loss_avg_mw", r(p.distribution_loss_avg_mw)},
                        {"facility_avg_mw", r(p.facility_avg_mw)},
                        {"facility_peak_mw", r(p.facility_peak_mw)},
                        {"pue", r(p.pue)},
                        {"it_energy_mwh", r(p.it_energy_mwh)},
                        {"energy_mwh", r(p.energy_mwh)},
                        {"site_power_cap_mw", r(p.site_power_cap_mw)},
                        {"capped_hours", r(p.capped_hours)}};
    const auto& th = rep.thermal;
    out["thermal"] = Json{{"cooling", th.cooling},
                          {"supply_temp_c", r(th.supply_temp_c)},
                          {"ambient_avg_c", r(th.ambient_avg_c)},
                          {"ambient_max_c", r(th.ambient_max_c)},
                          {"max_gpu_temp_c", r(th.max_gpu_temp_c)},
                          {"free_cooling_fraction", r(th.free_cooling_fraction)},
                          {"throttled_gpu_hours", r(th.throttled_gpu_hours)},
                          {"heat_to_liquid_fraction", r(th.heat_to_liquid_fraction)},
                          {"water_m3", r(th.water_m3)},
                          {"water_l_per_kwh", r(th.water_l_per_kwh)},
                          {"gpu_heat_generated_mwh", r(th.gpu_heat_generated_mwh)},
                          {"gpu_heat_to_coolant_mwh", r(th.gpu_heat_to_coolant_mwh)},
                          {"gpu_heat_stored_mwh", r(th.gpu_heat_stored_mwh)}};
    const auto& rel = rep.reliability;
    Json by_component = Json::object();
    for (const auto& [k, v] : rel.failures_by_component) by_component[k] = v;
    out["reliability"] = Json{{"failures", rel.failures},
                              {"failures_by_component", std::move(by_component)},
                              {"job_interruptions", rel.job_interruptions},
                              {"gpu_hours_lost", r(rel.gpu_hours_lost)}};
    const auto& u = rep.utilization;
    Json by_rack_type = Json::object();
    for (const auto& [type, t] : u.by_rack_type)
        by_rack_type[type] = Json{{"gpus", t.gpus},
                                  {"racks", t.racks},
                                  {"allocated_gpu_hours", r(t.allocated_gpu_hours)},
                                  {"busy_gpu_hours", r(t.busy_gpu_hours)},
                                  {"allocated_fraction", r(t.allocated_fraction)},
                                  {"busy_fraction", r(t.busy_fraction)}};
    out["utilization"] = Json{{"gpus", u.gpus},
                              {"racks", u.racks},
                              {"gpu_hours", r(u.gpu_hours)},
                              {"allocated_gpu_hours", r(u.allocated_gpu_hours)},
                              {"busy_gpu_hours", r(u.busy_gpu_hours)},
                              {"allocated_fraction", r(u.allocated_fraction)},
                              {"busy_fraction", r(u.busy_fraction)},
                              {"jobs_waiting_at_end", u.jobs_waiting_at_end},
                              {"preemptions", u.preemptions},
                              {"backfilled_jobs", u.backfilled_jobs},
                              {"by_rack_type", std::move(by_rack_type)}};
    const auto& c = rep.cost;
    auto by_class = [](const std::map<std::string, double>& values) {
        Json out = Json::object();
        for (const auto& [k, v] : values) out[k] = r(v);
        return out;
    };
    out["cost"] = Json{{"capex_usd", r(c.capex_usd)},
                       {"capex_breakdown_usd", by_class(c.capex_breakdown_usd)},
                       {"network", Json{{"model", c.network.model},
                                        {"switch", c.network.switch_model},
                                        {"switches", c.network.switches},
                                        {"switches_usd", r(c.network.switches_usd)},
                                        {"transceivers", c.network.transceivers},
                                        {"transceivers_usd", r(c.network.transceivers_usd)},
                                        {"links", c.network.links},
                                        {"cables_usd", r(c.network.cables_usd)},
                                        {"bottom_up_usd", r(c.network.bottom_up_usd)}}},
                       {"interest_during_construction_usd", r(c.interest_during_construction_usd)},
                       {"initial_investment_usd", r(c.initial_investment_usd)},
                       {"depreciation_usd", r(c.depreciation_usd)},
                       {"depreciation_breakdown_usd", by_class(c.depreciation_breakdown_usd)},
                       {"energy_cost_usd", r(c.energy_cost_usd)},
                       {"energy_usd_per_kwh_avg", r(c.energy_usd_per_kwh_avg)},
                       {"maintenance_usd", r(c.maintenance_usd)},
                       {"staff_usd", r(c.staff_usd)},
                       {"colocation_usd", r(c.colocation_usd)},
                       {"opex_usd", r(c.opex_usd)},
                       {"tco_usd", r(c.tco_usd)},
                       {"tco_annualized_usd", r(c.tco_annualized_usd)},
                       {"usd_per_gpu_hour", r(c.usd_per_gpu_hour)},
                       {"usd_per_allocated_gpu_hour", r(c.usd_per_allocated_gpu_hour)},
                       {"usd_per_busy_gpu_hour", r(c.usd_per_busy_gpu_hour)},
                       {"usd_per_million_tokens", r(c.usd_per_million_tokens)},
                       {"usd_per_million_inference_tokens", r(c.usd_per_million_inference_tokens)}};
    const auto& d = rep.deployment;
    out["deployment"] = Json{{"racks", d.racks},
                             {"first_rack_in_service_hours", optional_hours(d.first_rack_in_service_hours)},
                             {"time_to_first_token_hours", optional_hours(d.time_to_first_token_hours)},
                             {"time_to_full_capacity_hours", optional_hours(d.time_to_full_capacity_hours)},
                             {"gpu_hours_lost_to_ramp", r(d.gpu_hours_lost_to_ramp)},
                             {"racks_in_service", d.racks_in_service},
                             {"full_load_it_mw", r(d.full_load_it_mw)},
                             {"rack_hours_waiting_for_site", r(d.rack_hours_waiting_for_site)},
                             {"racks_never_energised", d.racks_never_energised},
                             {"burn_in_failures", d.burn_in_failures},
                             {"burn_in_failure_rack_hours", r(d.burn_in_failure_rack_hours)}};
    const auto& f = rep.fabric;
    Json tiers = Json::array();
    for (const auto& t : f.tier)
        tiers.push_back(Json{{"name", t.name},
                             {"switches", t.switches},
                             {"links", t.links},
                             {"capacity_tbps", r(t.capacity_tbps)},
                             {"utilization", r(t.utilization)}});
    out["fabric"] = Json{{"model", f.model},
                         {"scale_out_switch", f.scale_out_switch},
                         {"tiers", f.tiers},
                         {"oversubscription", r(f.oversubscription)},
                         {"hosts", f.hosts},
                         {"switches", f.switches},
                         {"tier", std::move(tiers)}};
    return out;
}

void write_json(const Report& report, std::ostream& out) { out << to_json(report).dump(2) << '\n'; }

void write_csv(const Report& report, std::ostream& out) {
    const auto& s = report.series;
    out << "time_h";
    for (const auto& c : s.columns()) out << ',' << c;
    out << '\n';
    for (std::size_t row = 0; row < s.rows(); ++row) {
        out << fmt::format("{}", round_significant(s.time(row).hours()));
        for (std::size_t c = 0; c < s.columns().size(); ++c) out << fmt::format(",{}", round_significant(s.value(row, c)));
        out << '\n';
    }
}

std::optional<Format> parse_format(std::string_view name) {
    if (name == "table") return Format::Table;
    if (name == "json") return Format::Json;
    if (name == "csv") return Format::Csv;
    if (name == "html") return Format::Html;
    return std::nullopt;
}

void write_report(const Report& report, Format format, std::ostream& out) {
    switch (format) {
        case Format::Table: write_table(report, out); break;
        case Format::Json: write_json(report, out); break;
        case Format::Csv: write_csv(report, out); break;
        case Format::Html: write_html(report, out); break;
    }
}

std::string render_report(const Report& report, Format format) {
    std::ostringstream out;
    write_report(report, format, out);
    return out.str();
}

}  // namespace factorysim::report
