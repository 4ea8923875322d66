// The report's deployment section from the ramp's plan and what the run saw of it
// (docs/report.md#deployment, docs/models/deployment.md).
#pragma once

#include <optional>
#include <vector>

#include "factorysim/core/time.hpp"
#include "factorysim/models/deployment_ramp.hpp"
#include "factorysim/report/report.hpp"

namespace factorysim::world {

struct RampRack {
    int gpus = 0;
    double full_load_w = 0.0;
    std::optional<Time> joined;  // when it joined the pool, if it did by the end
};

// `plan` is null without a ramp (every rack in service at time zero). Everything is counted
// up to `end`, the end of the run (the horizon, or earlier for a partial run).
report::DeploymentSection deployment_report(const models::DeploymentPlan* plan, const std::vector<RampRack>& racks,
                                            std::optional<Time> first_placement, Time end);

}  // namespace factorysim::world
