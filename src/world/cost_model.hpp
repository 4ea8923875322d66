// Owner economics over the simulated period (docs/models/cost.md):
//   capex        = racks + network + installation + facility + cooling plant
//   depreciation = (racks + network + installation) / L_it * years
//                + (facility + cooling) / L_facility * years      (straight line)
//   opex         = energy MWh * 1000 * tariff + maintenance * IT capex * years + staff * years
//   TCO          = depreciation + opex;   $/GPU-hour = TCO / installed GPU-hours
#pragma once

#include <set>
#include <string>
#include <vector>

#include "factorysim/report/report.hpp"
#include "factorysim/scenario/scenario.hpp"

namespace factorysim::world {

report::CostSection compute_cost(const scenario::Cost& cost, const scenario::Site& site,
                                 const std::vector<const catalog::RackSpec*>& racks, double hours,
                                 double facility_energy_mwh, const report::UtilizationSection& utilization,
                                 double tokens, std::set<std::string>& warnings);

}  // namespace factorysim::world
