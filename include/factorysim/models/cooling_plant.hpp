// Quasi-static cooling plant and power chain (docs/models/cooling.md). For a given IT
// load and outdoor temperature, the plant's power and the coolant temperature the racks
// see. The world re-evaluates it whenever the IT load or the weather changes, so between
// events everything is constant and energy integrates exactly. (Thermal mass and
// first-order dynamics are the next step, issue 6.)
//
//   Q_liq = c P_IT,  Q_air = (1 - c) P_IT                       c: heat-capture fraction
//   facility water needed  T_fw = T_supply - dT_cdu
//   dry cooler delivers    T_dry = T_amb + dT_dry
//   free cooling (liquid)  when T_dry <= T_fw (dry_cooler or hybrid)
//   chiller for a lift     COP = eta_C (T_c + 273.15) / (T_h - T_c),  T_c = T_fw (liquid) or
//                          T_chw (air), T_h = T_dry; COP capped at 20 (no compressor runs
//                          more efficiently in practice; small lifts)
//   dry_cooler only, too hot: the water leaves at T_dry, so the racks get T_dry + dT_cdu
//   P_cool = pumps w_p Q_liq + CRAH fans w_f Q_air + chillers Q/COP + dry-cooler fans w_d (Q + P_chiller)
//   P_fac  = P_IT / (eta_ups eta_tr) + P_cool / eta_tr   (cooling is not on the UPS)
//   T_gpu  = T_supply_actual + R_th P_gpu                 R_th in degC per kW
#pragma once

#include "factorysim/scenario/scenario.hpp"

namespace factorysim::models {

inline constexpr double max_chiller_cop = 20.0;

struct PlantState {
    double supply_temp_c = 0.0;  // what the racks actually get
    double free_heat_fraction = 1.0;  // share of the heat rejected without a compressor
    double pump_w = 0.0;
    double fan_w = 0.0;          // room air handlers
    double chiller_w = 0.0;
    double dry_cooler_w = 0.0;
    double cooling_w = 0.0;      // sum of the above
    double distribution_loss_w = 0.0;
    double facility_w = 0.0;
};

// Carnot-fraction COP for lifting heat from cold_c to hot_c (capped at max_chiller_cop).
double chiller_cop(double carnot_fraction, double cold_c, double hot_c);

// The coolant (liquid) or supply-air temperature the racks get at this outdoor temperature.
double rack_supply_temp_c(const scenario::Cooling& cooling, double ambient_c);

// The plant at an IT load (W) and an outdoor temperature.
PlantState plant_state(const scenario::Cooling& cooling, double it_w, double ambient_c);

// GPU temperature at a GPU power (W) with the racks' supply at supply_c.
double gpu_temp_c(const scenario::Cooling& cooling, double supply_c, double gpu_w);

// The highest GPU power (W) that keeps the GPU at or below the throttle temperature.
double thermal_power_limit_w(const scenario::Cooling& cooling, double supply_c);

}  // namespace factorysim::models
