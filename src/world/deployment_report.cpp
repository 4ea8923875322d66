// The deployment section: the ramp's milestones, the GPU-hours it cost, and the rack-hours
// lost to burn-in failures and to waiting for site power and cooling, all up to the end
// of the run. Plan times are compared as engine Times, the way the world scheduled them.
#include "world/deployment_report.hpp"

#include <algorithm>
#include <cmath>

namespace factorysim::world {
namespace {

// Hours from the run's start to min(hours, end), as the engine rounds event times.
double clipped_hours(double hours, Time end) {
    if (!std::isfinite(hours)) return end.hours();
    return std::min(Time::from_seconds(hours * 3600.0), end).hours();
}

}  // namespace

report::DeploymentSection deployment_report(const models::DeploymentPlan* plan, const std::vector<RampRack>& racks,
                                            std::optional<Time> first_placement, Time end) {
    report::DeploymentSection dep;
    dep.racks = static_cast<int>(racks.size());
    bool all_joined = true;
    double last_join_h = 0.0;
    for (const auto& r : racks) {
        dep.full_load_it_mw += r.full_load_w / 1e6;
        if (!r.joined) {
            all_joined = false;
            dep.gpu_hours_lost_to_ramp += r.gpus * end.hours();
            continue;
        }
        ++dep.racks_in_service;
        const double joined_h = r.joined->hours();
        if (!dep.first_rack_in_service_hours || joined_h < *dep.first_rack_in_service_hours)
            dep.first_rack_in_service_hours = joined_h;
        last_join_h = std::max(last_join_h, joined_h);
        dep.gpu_hours_lost_to_ramp += r.gpus * std::min(*r.joined, end).hours();
    }
    if (all_joined) dep.time_to_full_capacity_hours = last_join_h;
    if (first_placement) dep.time_to_first_token_hours = first_placement->hours();
    if (!plan) return dep;
    dep.racks_never_energised = plan->racks_never_energised;
    for (const auto& r : plan->racks) {
        // Installed and waiting for the site until energised (or the end).
        dep.rack_hours_waiting_for_site += clipped_hours(r.energised_h, end) - clipped_hours(r.installed_h, end);
        for (const auto& f : r.burn_in_failures) {
            if (Time::from_seconds(f.failed_h * 3600.0) > end) break;
            ++dep.burn_in_failures;
            // The failed attempt and its repair: the delay this failure added to the join.
            dep.burn_in_failure_rack_hours += clipped_hours(f.repaired_h, end) - clipped_hours(f.attempt_start_h, end);
        }
    }
    return dep;
}

}  // namespace factorysim::world
