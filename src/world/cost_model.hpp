// Owner economics over the simulated period (docs/models/cost.md):
//   capex        = racks + network + storage + installation + facility + cooling plant
//   capital      = sum over asset classes of capex x CRF(r, life) x years   (1/life at r = 0)
//   opex         = integral of facility power x tariff + maintenance x IT capex x years
//                + staff x years + colocation x critical kW x months
//   TCO          = depreciation + opex;   $/GPU-hour = TCO / installed GPU-hours
#pragma once

#include <set>
#include <string>
#include <vector>

#include "factorysim/report/report.hpp"
#include "factorysim/scenario/scenario.hpp"

namespace factorysim::world {

// energy_cost_usd: the integral of facility power x tariff over the run (EnergyCostMeter).
report::CostSection compute_cost(const scenario::Cost& cost, const std::vector<const catalog::RackSpec*>& racks,
                                 double hours, double energy_cost_usd, double facility_energy_mwh,
                                 const report::UtilizationSection& utilization, double tokens,
                                 std::set<std::string>& warnings);

}  // namespace factorysim::world
