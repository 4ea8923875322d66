// Owner economics over the simulated period (docs/models/cost.md):
//   capex        = racks + network + storage + installation + facility + cooling plant
//                  network: a fraction of rack capex, or bottom up from the sized fat tree
//                  (network_capex.hpp)
//   capital      = sum over asset classes of capex x CRF(r, life) x years   (1/life at r = 0)
//   opex         = integral of facility power x tariff + maintenance x IT capex x years
//                + staff x years + colocation x critical kW x months
//   TCO          = capital + opex;   $/GPU-hour = TCO / installed GPU-hours
//   IDC          = interest on capex from spend to service (construction_interest.hpp), reported
//                  with initial investment = capex + IDC; not part of the TCO
// Workloads share the TCO by the GPU-hours they held (workload_cost_usd).
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "factorysim/report/report.hpp"
#include "factorysim/scenario/scenario.hpp"
#include "world/network_capex.hpp"

namespace factorysim::world {

struct CostInputs {
    std::vector<const catalog::RackSpec*> racks;  // every installed rack, used or not
    double hours = 0.0;                           // simulated
    double energy_cost_usd = 0.0;                 // EnergyCostMeter: facility power x tariff
    double facility_energy_mwh = 0.0;
    report::UtilizationSection utilization;
    double tokens = 0.0;                          // training + inference input and output
    double inference_tokens = 0.0;                // inference input and output
    double inference_allocated_gpu_hours = 0.0;   // held by the inference services
    // Deployment ramp, per rack in the order of `racks` (hours; all 0 without a ramp).
    std::vector<double> delivered_hours, in_service_hours;
    double first_delivery_hours = 0.0;
    double site_build_hours = 0.0;                // facility construction before the first delivery
    std::optional<FabricInventory> fabric;        // the factory's fat tree; empty: one NVLink domain
};

report::CostSection compute_cost(const scenario::Cost& cost, const CostInputs& in, std::set<std::string>& warnings);

// A workload's share of the TCO: the GPU-hours it held x usd_per_allocated_gpu_hour, so
// the workloads together carry the whole TCO, idle capacity included.
double workload_cost_usd(const report::CostSection& cost, double allocated_gpu_hours);

}  // namespace factorysim::world
