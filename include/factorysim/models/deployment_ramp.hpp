// The deployment ramp as a plan (docs/models/deployment.md): when each rack is delivered,
// installed, energised, fails burn-in and is repaired, and joins the pool. Nothing here
// depends on the workloads, so the plan is a pure function of the scenario's deployment
// section, the racks' full-load power and the seed; the world replays it as events.
//
//   delivered_k   racks_per_day:  start + k 24 / rate
//                 racks_per_week: start + floor(k / per_week) 168        (one batch a week)
//                 deliveries:     at_hours of the entry that brings rack k (scenario order)
//   installed_k   delivered_k + install_hours
//   energised_k   without site phases: installed_k. With them, racks are energised in
//                 scenario order (= installation order: deliveries are in time order):
//                   energised_k = max(installed_k, energised_{k-1}, a_j*)
//                 j* the first phase whose min(power, cooling) covers sum_{i<=k} P_i, the
//                 full-load power of rack k and every rack energised before it; +inf if no
//                 phase does (that rack and the ones behind it never start burn-in)
//   burn-in       attempts of B = burn_in_hours at full load. An attempt fails with
//                 probability p, at a time drawn from a constant hazard lambda = -ln(1-p)/B
//                 conditioned on failing before B:  t = B ln(1 - u p) / ln(1 - p), u ~ U[0,1).
//                 The rack is repaired, unpowered, for R hours, then burns in again; its site
//                 capacity stays reserved.
//   joined_k      energised_k + sum over failed attempts (t_i + R) + B
//
// Expectations (unbounded horizon): failures per rack p / (1 - p) (geometric);
// E[t | fail] = B (1 / -ln(1-p) - (1-p) / p)  (B/2 as p -> 0).
// Random draws: stream "burn-in/<k>" of the seed (core/rng.hpp), two per attempt (fails?,
// when), only when p > 0: the plan is the same for the same seed whatever else the run does.
#pragma once

#include <cstdint>
#include <limits>
#include <vector>

#include "factorysim/scenario/scenario.hpp"

namespace factorysim::models {

inline constexpr double hours_per_week = 168.0;

struct BurnInFailure {
    double attempt_start_h = 0.0;  // the failed attempt began (rack energised at full load)
    double failed_h = 0.0;         // the rack is switched off for repair
    double repaired_h = 0.0;       // the next attempt begins
};

struct RackRamp {
    double delivered_h = 0.0;
    double installed_h = 0.0;
    double energised_h = std::numeric_limits<double>::infinity();  // +inf: the site never has room
    double joined_h = std::numeric_limits<double>::infinity();     // +inf: not within the horizon
    std::vector<BurnInFailure> burn_in_failures;  // in time order
};

struct DeploymentPlan {
    std::vector<RackRamp> racks;     // scenario order
    int racks_never_energised = 0;   // the last site phase cannot take them
    double full_load_w = 0.0;        // sum of the racks' full-load power
};

// Delivery times of `racks` racks in scenario order under the deployment's schedule
// (d.ramp() must hold); +inf for racks a short delivery list never brings.
std::vector<double> delivery_hours(const scenario::Deployment& d, int racks);

// Commissioned capacity (W) at `hours`: min(power, cooling) of the last phase started by
// then, 0 before the first; +inf without phases.
double site_capacity_w(const scenario::Deployment& d, double hours);

// The plan for racks with these full-load powers (W, scenario order). Burn-in attempts are
// drawn until one would start after horizon_h (that rack's joined_h is then +inf).
DeploymentPlan plan_deployment(const scenario::Deployment& d, const std::vector<double>& rack_full_load_w,
                               std::uint64_t seed, double horizon_h);

}  // namespace factorysim::models
