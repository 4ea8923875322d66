// Cooling plant and power chain (docs/models/cooling.md). For a given IT load and outdoor
// temperature: the plant's power and the coolant temperature the racks get. The plant
// answers instantly (its own time constants are minutes, far below the hours between
// weather steps); the GPUs' thermal mass is modelled per rack (rack_thermal.hpp).
//
//   Q_liq = c P_IT,  Q_air = (1 - c) P_IT                       c: heat-capture fraction
//   facility water needed  T_fw = T_supply - dT_cdu
//   dry cooler delivers    T_dry = T_amb + dT_dry;  a cooling tower T_wb + dT_tower, with the wet
//                          bulb T_wb = T_amb - depression; evaporation Q / h_fg x (1 + 1/(cycles - 1))
//   free cooling           when T_dry <= T_fw (dry_cooler or hybrid)
//   chiller                COP = eta_C (T_evap + 273.15) / (T_cond - T_evap),
//                          T_evap = T_water - 5, T_cond = T_dry + 5, capped at 10
//   dry_cooler only, too hot: the water leaves at T_dry, so the racks get T_dry + dT_cdu
//   pumps (fixed flow)     P = w_p Q_liq,design;  (variable) w_p Q_liq,design max(0.3, Q/Q_design)^3
//   CRAH fans              P = w_f Q_air,design max(0.3, Q_air/Q_air,design)^3   (affinity laws)
//   dry-cooler fans        P = w_d (heat rejected incl. chiller work)
//   P_fac = P_IT / (eta_ups eta_tr) + P_cool / eta_tr   (cooling is not on the UPS)
//   coolant rise across a rack  dT = Q_liq,rack / (m_dot c_p),  m_dot = flow x rack design kW
//   T_gpu = T_supply_actual + dT + R_th P_gpu  (GPU at the loop outlet: conservative)
#pragma once

#include "factorysim/scenario/scenario.hpp"

namespace factorysim::models {

inline constexpr double max_chiller_cop = 10.0;
inline constexpr double chiller_approach_c = 5.0;  // evaporator and condenser approaches
inline constexpr double min_fan_pump_speed = 0.3;
inline constexpr double water_cp_j_per_kg_k = 4186.0;
inline constexpr double water_kg_per_l = 0.997;
inline constexpr double water_latent_heat_j_per_kg = 2.43e6;  // evaporation near 30 C

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
    double water_l_per_s = 0.0;  // cooling towers: evaporation + blowdown
};

// COP for cooling water to water_c with heat rejected through a dry cooler delivering
// dry_c (capped at max_chiller_cop).
double chiller_cop(double carnot_fraction, double water_c, double dry_c);

// The coolant (liquid) or supply-air temperature the racks get at this outdoor temperature.
double rack_supply_temp_c(const scenario::Cooling& cooling, double ambient_c);

// The plant at an IT load (W), an outdoor temperature and the design (full-load) IT power
// the pumps and fans are sized for.
PlantState plant_state(const scenario::Cooling& cooling, double it_w, double ambient_c, double design_it_w);

// Coolant temperature rise across a rack carrying rack_w (W) designed for rack_design_w.
double coolant_rise_c(const scenario::Cooling& cooling, double rack_w, double rack_design_w);

// The GPU's thermal resistance (degC per W): the scenario's, or derived so that a GPU at
// full TDP with rated_supply_temp_c and the full-load coolant rise sits at the throttle
// temperature:  R = (T_throttle - T_rated - dT_coolant(full)) / TDP.
double gpu_thermal_resistance_c_per_w(const scenario::Cooling& cooling, const catalog::RackSpec& rack);

}  // namespace factorysim::models
