// The terminal table: the answers to "how much throughput, power, money" first.
#include <cmath>
#include <ostream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "factorysim/report/writers.hpp"

namespace factorysim::report {
namespace {

// Three significant figures with thousands kept readable: 1234567 -> "1.23e+06" is hard to
// read in a table, so large values print as plain integers.
std::string num(double v) {
    if (!std::isfinite(v)) return "n/a";
    const double a = std::abs(v);
    if (a == 0.0) return "0";
    if (a >= 1e4) return fmt::format("{:.0f}", v);
    if (a >= 100) return fmt::format("{:.1f}", v);
    if (a >= 1) return fmt::format("{:.3g}", v);
    return fmt::format("{:.3g}", v);
}

std::string pct(double v) { return std::isfinite(v) ? fmt::format("{:.1f} %", v * 100.0) : "n/a"; }
std::string money(double v) {
    if (!std::isfinite(v)) return "n/a";
    if (std::abs(v) >= 1e6) return fmt::format("{:.2f} M USD", v / 1e6);
    if (std::abs(v) >= 1e3) return fmt::format("{:.1f} k USD", v / 1e3);
    return fmt::format("{:.2f} USD", v);
}

void heading(std::ostream& out, const std::string& title) { out << '\n' << title << '\n' << std::string(title.size(), '-') << '\n'; }

void row(std::ostream& out, const std::string& label, const std::string& value) {
    out << fmt::format("  {:<34} {}\n", label, value);
}

// A fixed-width table with a header line.
void table(std::ostream& out, const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows) {
    std::vector<std::size_t> width(header.size());
    for (std::size_t c = 0; c < header.size(); ++c) width[c] = header[c].size();
    for (const auto& r : rows)
        for (std::size_t c = 0; c < r.size() && c < width.size(); ++c) width[c] = std::max(width[c], r[c].size());
    auto line = [&](const std::vector<std::string>& cells) {
        out << ' ';
        for (std::size_t c = 0; c < cells.size(); ++c) out << (c == 0 ? fmt::format(" {:<{}}", cells[c], width[c]) : fmt::format(" {:>{}}", cells[c], width[c]));
        out << '\n';
    };
    line(header);
    for (const auto& r : rows) line(r);
}

}  // namespace

void write_table(const Report& rep, std::ostream& out) {
    const auto& run = rep.run;
    out << fmt::format("factorysim {} | scenario \"{}\" | seed {} | {} h simulated{} | {} events\n",
                       run.factorysim_version, run.scenario, run.seed, num(run.simulated_hours),
                       run.partial ? fmt::format(" of {} (PARTIAL: stopped early)", num(run.horizon_hours)) : "",
                       run.events);
    for (const auto& w : run.warnings) out << "warning: " << w << '\n';

    heading(out, "Throughput");
    row(out, "total tokens/s", num(rep.throughput.total_tokens_per_s));
    if (!rep.throughput.training.empty()) {
        std::vector<std::vector<std::string>> rows;
        for (const auto& t : rep.throughput.training)
            rows.push_back({t.name, t.model, t.rack, std::to_string(t.gpus), num(t.step_time_s), num(t.tokens_per_s),
                            pct(t.mfu), pct(t.communication_share), pct(t.goodput),
                            t.completion_hours ? num(*t.completion_hours) : "-", num(t.gpu_hours), money(t.cost_usd)});
        out << "  training jobs:\n";
        table(out,
              {"job", "model", "rack", "GPUs", "step s", "tokens/s", "MFU", "comm", "goodput", "done h", "GPU-h", "cost"},
              rows);
    }
    if (!rep.throughput.inference.empty()) {
        std::vector<std::vector<std::string>> rows;
        for (const auto& s : rep.throughput.inference)
            rows.push_back({s.name, s.model, std::to_string(s.gpus), num(s.output_tokens_per_s), pct(s.utilization),
                            num(s.ttft_p50_s * 1e3), num(s.ttft_p99_s * 1e3), num(s.tpot_p50_s * 1e3),
                            num(s.tpot_p99_s * 1e3), pct(s.slo_attainment), num(s.gpu_hours), money(s.cost_usd)});
        out << "  inference services:\n";
        table(out,
              {"service", "model", "GPUs", "out tok/s", "util", "TTFT p50 ms", "p99", "TPOT p50 ms", "p99", "SLO", "GPU-h",
               "cost"},
              rows);
        for (const auto& s : rep.throughput.inference) {
            if (!s.disaggregation) continue;
            const auto& d = *s.disaggregation;
            out << fmt::format("  {}: prefill {} x {} GPUs (util {}), decode {} x {} GPUs (util {}); KV {} MB per "
                               "request over {}, {} ms each, {} GB/s\n",
                               s.name, d.prefill.instances, d.prefill.gpus_per_instance, pct(d.prefill.utilization),
                               d.decode.instances, d.decode.gpus_per_instance, pct(d.decode.utilization),
                               num(d.kv_bytes_per_request / 1e6), d.kv_link, num(d.kv_transfer_s * 1e3),
                               num(d.kv_transfer_gb_per_s));
        }
    }

    const auto& p = rep.power;
    heading(out, "Power");
    row(out, "IT average / peak", fmt::format("{} / {} MW", num(p.it_avg_mw), num(p.it_peak_mw)));
    row(out, "facility average / peak", fmt::format("{} / {} MW", num(p.facility_avg_mw), num(p.facility_peak_mw)));
    row(out, "cooling / distribution losses", fmt::format("{} / {} MW", num(p.cooling_avg_mw), num(p.distribution_loss_avg_mw)));
    row(out, "PUE", fmt::format("{:.3f}", p.pue));
    row(out, "energy IT / facility", fmt::format("{} / {} MWh", num(p.it_energy_mwh), num(p.energy_mwh)));
    if (p.site_power_cap_mw > 0)
        row(out, "site cap", fmt::format("{} MW, binding {} h", num(p.site_power_cap_mw), num(p.capped_hours)));

    const auto& th = rep.thermal;
    heading(out, "Thermal");
    row(out, "cooling", fmt::format("{}, supply {} C, {} of heat to liquid", th.cooling, num(th.supply_temp_c),
                                    pct(th.heat_to_liquid_fraction)));
    row(out, "ambient average / max", fmt::format("{} / {} C", num(th.ambient_avg_c), num(th.ambient_max_c)));
    row(out, "max GPU temperature", fmt::format("{} C", num(th.max_gpu_temp_c)));
    row(out, "free cooling", pct(th.free_cooling_fraction));
    row(out, "throttled GPU-hours", num(th.throttled_gpu_hours));

    const auto& rel = rep.reliability;
    heading(out, "Reliability");
    std::string by;
    for (const auto& [k, v] : rel.failures_by_component) by += fmt::format("{}{} {}", by.empty() ? "" : ", ", k, v);
    row(out, "failures", fmt::format("{} ({})", rel.failures, by));
    row(out, "job interruptions", std::to_string(rel.job_interruptions));
    row(out, "GPU-hours lost", num(rel.gpu_hours_lost));

    const auto& u = rep.utilization;
    heading(out, "Utilization");
    row(out, "GPUs / racks", fmt::format("{} / {}", u.gpus, u.racks));
    row(out, "allocated / busy", fmt::format("{} / {}", pct(u.allocated_fraction), pct(u.busy_fraction)));
    if (u.by_rack_type.size() > 1)
        for (const auto& [type, t] : u.by_rack_type)
            row(out, fmt::format("  {}", type), fmt::format("{} / {} of {} GPUs", pct(t.allocated_fraction),
                                                            pct(t.busy_fraction), t.gpus));
    row(out, "jobs waiting at end", std::to_string(u.jobs_waiting_at_end));

    const auto& d = rep.deployment;
    if (d.gpu_hours_lost_to_ramp > 0.0) {
        heading(out, "Deployment");
        auto hours = [](const std::optional<double>& h) { return h ? fmt::format("{:.1f} h", *h) : std::string("not reached"); };
        row(out, "first rack in service", hours(d.first_rack_in_service_hours));
        row(out, "time to first token", hours(d.time_to_first_token_hours));
        row(out, "time to full capacity", hours(d.time_to_full_capacity_hours));
        row(out, "GPU-hours lost to the ramp", num(d.gpu_hours_lost_to_ramp));
        row(out, "racks in service", fmt::format("{} / {}", d.racks_in_service, d.racks));
        if (d.rack_hours_waiting_for_site > 0.0 || d.racks_never_energised > 0)
            row(out, "waiting for site power/cooling",
                fmt::format("{} rack-hours ({} racks never energised; all racks need {:.1f} MW)",
                            num(d.rack_hours_waiting_for_site), d.racks_never_energised, d.full_load_it_mw));
        if (d.burn_in_failures > 0)
            row(out, "burn-in failures", fmt::format("{} (they added {} rack-hours)", d.burn_in_failures,
                                                     num(d.burn_in_failure_rack_hours)));
    }

    const auto& f = rep.fabric;
    if (f.tiers > 0) {
        heading(out, "Fabric");
        row(out, "scale-out", fmt::format("{} tiers of {}, {}:1, {} switches, {} GPU ports ({} model)", f.tiers,
                                          f.scale_out_switch, f.oversubscription, f.switches, f.hosts, f.model));
        for (const auto& t : f.tier)
            row(out, "  " + t.name, fmt::format("{} links, {:.1f} Tb/s, {} utilised", t.links, t.capacity_tbps,
                                                pct(t.utilization)));
    }

    const auto& c = rep.cost;
    heading(out, "Cost");
    row(out, "capex, charged in the period", fmt::format("{}, {}", money(c.capex_usd), money(c.depreciation_usd)));
    for (const auto& [k, v] : c.capex_breakdown_usd) {
        const auto charged = c.depreciation_breakdown_usd.find(k);
        row(out, "  " + k,
            fmt::format("{}, {}", money(v), money(charged != c.depreciation_breakdown_usd.end() ? charged->second : 0.0)));
    }
    if (c.network.switches > 0)
        row(out, "  network bottom up" + std::string(c.network.model == "bottom_up" ? "" : " (not used)"),
            fmt::format("{}: {} switches {}, {} optics {}, {} cables {}", money(c.network.bottom_up_usd),
                        c.network.switches, money(c.network.switches_usd), c.network.transceivers,
                        money(c.network.transceivers_usd), c.network.links, money(c.network.cables_usd)));
    if (c.interest_during_construction_usd > 0.0)
        row(out, "interest during construction, initial investment",
            fmt::format("{}, {}", money(c.interest_during_construction_usd), money(c.initial_investment_usd)));
    row(out, "energy (period), average price",
        fmt::format("{}, {:.4f} USD/kWh", money(c.energy_cost_usd), c.energy_usd_per_kwh_avg));
    row(out, "opex (period): colocation / other",
        fmt::format("{} / {}", money(c.colocation_usd), money(c.maintenance_usd + c.staff_usd)));
    row(out, "TCO (period) / annualized", fmt::format("{} / {}", money(c.tco_usd), money(c.tco_annualized_usd)));
    row(out, "USD per GPU-hour", fmt::format("{:.2f}", c.usd_per_gpu_hour));
    row(out, "  per allocated / busy GPU-hour",
        fmt::format("{:.2f} / {:.2f}", c.usd_per_allocated_gpu_hour, c.usd_per_busy_gpu_hour));
    row(out, "USD per million tokens", fmt::format("{:.3f}", c.usd_per_million_tokens));
    if (c.usd_per_million_inference_tokens > 0)
        row(out, "  inference only", fmt::format("{:.3f}", c.usd_per_million_inference_tokens));
}

}  // namespace factorysim::report
