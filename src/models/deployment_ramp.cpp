// The deployment plan: deliveries, site-power gating, burn-in failures (equations in
// include/factorysim/models/deployment_ramp.hpp).
#include "factorysim/models/deployment_ramp.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "factorysim/core/rng.hpp"

namespace factorysim::models {
namespace {

constexpr double never = std::numeric_limits<double>::infinity();

// Capacity and demand are sums of the same catalog figures; equal totals must fit.
constexpr double capacity_tolerance = 1e-9;

// Earliest time >= not_before at which the site covers demand_w; +inf if it never does.
double site_ready_hours(const scenario::Deployment& d, double demand_w, double not_before) {
    for (const auto& phase : d.site_phases)
        if (std::min(phase.power_mw, phase.cooling_mw) * 1e6 * (1.0 + capacity_tolerance) >= demand_w)
            return std::max(not_before, phase.at_hours);
    return never;
}

// Burn-in attempts from `start`, drawn from the rack's own stream; returns the join time.
double burn_in(const scenario::Deployment& d, RandomStream* rng, double start, double horizon_h,
               std::vector<BurnInFailure>& failures) {
    const double p = d.burn_in_failure_probability;
    const double b = d.burn_in_hours;
    if (!rng) return start + b;
    for (double attempt = start;;) {
        if (attempt > horizon_h) return never;  // draws the run could never see
        if (rng->uniform01() >= p) return attempt + b;
        // Constant hazard during burn-in, conditioned on failing before it ends.
        const double t = b * std::log1p(-rng->uniform01() * p) / std::log1p(-p);
        const double failed = attempt + t;
        const double repaired = failed + d.burn_in_repair_hours;
        failures.push_back({attempt, failed, repaired});
        attempt = repaired;
    }
}

}  // namespace

std::vector<double> delivery_hours(const scenario::Deployment& d, int racks) {
    std::vector<double> out(static_cast<std::size_t>(racks), never);
    if (d.racks_per_day > 0.0) {
        for (int k = 0; k < racks; ++k)
            out[static_cast<std::size_t>(k)] = d.start_hours + static_cast<double>(k) * 24.0 / d.racks_per_day;
    } else if (d.racks_per_week > 0) {
        for (int k = 0; k < racks; ++k)
            out[static_cast<std::size_t>(k)] = d.start_hours + static_cast<double>(k / d.racks_per_week) * hours_per_week;
    } else {
        std::size_t k = 0;
        for (const auto& delivery : d.deliveries)
            for (int i = 0; i < delivery.racks && k < out.size(); ++i) out[k++] = delivery.at_hours;
    }
    return out;
}

double site_capacity_w(const scenario::Deployment& d, double hours) {
    if (d.site_phases.empty()) return never;
    double w = 0.0;
    for (const auto& phase : d.site_phases)
        if (phase.at_hours <= hours) w = std::min(phase.power_mw, phase.cooling_mw) * 1e6;
    return w;
}

DeploymentPlan plan_deployment(const scenario::Deployment& d, const std::vector<double>& rack_full_load_w,
                               std::uint64_t seed, double horizon_h) {
    DeploymentPlan plan;
    const int n = static_cast<int>(rack_full_load_w.size());
    const auto delivered = delivery_hours(d, n);
    const bool gated = !d.site_phases.empty();
    double energised_w = 0.0;    // full-load power of the racks energised so far
    double previous_h = 0.0;     // when the rack before was energised (racks go in order)
    for (int k = 0; k < n; ++k) {
        const auto i = static_cast<std::size_t>(k);
        RackRamp r;
        r.delivered_h = delivered[i];
        r.installed_h = r.delivered_h + d.install_hours;
        plan.full_load_w += rack_full_load_w[i];
        if (!gated) {
            r.energised_h = r.installed_h;
        } else if (std::isfinite(previous_h) && std::isfinite(r.installed_h)) {
            energised_w += rack_full_load_w[i];
            r.energised_h = site_ready_hours(d, energised_w, std::max(r.installed_h, previous_h));
        }
        if (gated) previous_h = r.energised_h;
        if (!std::isfinite(r.energised_h)) {
            ++plan.racks_never_energised;
        } else if (d.burn_in_failure_probability > 0.0) {
            RandomStream rng(seed, fmt::format("burn-in/{}", k));
            r.joined_h = burn_in(d, &rng, r.energised_h, horizon_h, r.burn_in_failures);
        } else {
            r.joined_h = burn_in(d, nullptr, r.energised_h, horizon_h, r.burn_in_failures);
        }
        plan.racks.push_back(std::move(r));
    }
    return plan;
}

}  // namespace factorysim::models
