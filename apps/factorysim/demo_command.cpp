#include "demo_command.hpp"

#include <cstdio>
#include <memory>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "factorysim/demo/rack_load_demo.hpp"

namespace factorysim::cli {

void add_demo_command(CLI::App& app) {
    auto config = std::make_shared<demo::RackLoadDemoConfig>();
    auto format = std::make_shared<std::string>("table");
    auto* cmd = app.add_subcommand("demo", "Run the built-in rack-load demonstration on the real engine");
    cmd->add_option("--rack", config->rack, "Catalog rack type")->capture_default_str();
    cmd->add_option("--racks", config->racks, "Number of racks")->check(CLI::Range(1, 100000))->capture_default_str();
    cmd->add_option("--hours", config->horizon_hours, "Simulated hours")->check(CLI::Range(0.001, 87600.0))->capture_default_str();
    cmd->add_option("--seed", config->seed, "Random seed")->capture_default_str();
    cmd->add_option("--format", *format, "table or json")->check(CLI::IsMember({"table", "json"}))->capture_default_str();
    cmd->callback([config, format] {
        const demo::RackLoadDemoResult r = demo::run_rack_load_demo(*config);
        if (*format == "json") {
            const nlohmann::json out{
                {"run", {{"seed", config->seed}, {"simulated_hours", config->horizon_hours}, {"events", r.events},
                         {"fingerprint", fmt::format("{:016x}", r.fingerprint)}}},
                {"racks", {{"type", config->rack}, {"count", config->racks}}},
                {"power", {{"it_energy_mwh", r.it_energy_mwh}, {"it_avg_kw", r.it_avg_kw}, {"it_peak_kw", r.it_peak_kw},
                           {"it_idle_kw", r.it_idle_kw}, {"it_full_load_kw", r.it_full_load_kw}}},
                {"utilization", {{"busy_rack_hours", r.busy_rack_hours}, {"rack_utilization", r.rack_utilisation}}},
                {"jobs", {{"arrived", r.jobs_arrived}, {"completed", r.jobs_completed}}}};
            std::printf("%s\n", out.dump(2).c_str());
            return;
        }
        std::printf("factorysim demo: %d x %s for %g h (seed %llu)\n", config->racks, config->rack.c_str(),
                    config->horizon_hours, static_cast<unsigned long long>(config->seed));
        std::printf("  jobs              %llu arrived, %llu completed\n",
                    static_cast<unsigned long long>(r.jobs_arrived), static_cast<unsigned long long>(r.jobs_completed));
        std::printf("  rack utilization  %.1f %% (%.1f busy rack-hours)\n", 100.0 * r.rack_utilisation, r.busy_rack_hours);
        std::printf("  IT power          avg %.1f kW, peak %.1f kW (idle %.1f, full load %.1f)\n", r.it_avg_kw,
                    r.it_peak_kw, r.it_idle_kw, r.it_full_load_kw);
        std::printf("  IT energy         %.3f MWh\n", r.it_energy_mwh);
        std::printf("  engine            %llu events, trace fingerprint %016llx\n",
                    static_cast<unsigned long long>(r.events), static_cast<unsigned long long>(r.fingerprint));
    });
}

}  // namespace factorysim::cli
