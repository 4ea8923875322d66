#include "factorysim/models/cooling_plant.hpp"

#include <algorithm>
#include <cmath>

#include "factorysim/models/rack_power.hpp"

namespace factorysim::models {

double chiller_cop(double carnot_fraction, double water_c, double dry_c) {
    const double evaporator_c = water_c - chiller_approach_c;
    const double condenser_c = dry_c + chiller_approach_c;
    const double lift = condenser_c - evaporator_c;
    if (lift <= 0.0) return max_chiller_cop;
    return std::min(max_chiller_cop, carnot_fraction * (evaporator_c + 273.15) / lift);
}

namespace {

bool liquid_loop(const scenario::Cooling& c) { return c.type != "air"; }

// What the heat rejection does for one stream of heat that must leave at `needed_c`.
struct Rejection {
    double leaving_c = 0.0;  // water temperature actually delivered
    double chiller_w = 0.0;
    bool free = true;
};

Rejection reject(const scenario::Cooling& c, double heat_w, double needed_c, double ambient_c) {
    // The heat-rejection sink: dry coolers follow the dry bulb, cooling towers the wet bulb.
    const double dry_c = c.heat_rejection == "cooling_tower"
                             ? ambient_c - c.wet_bulb_depression_c + c.tower_approach_c
                             : ambient_c + c.dry_cooler_approach_c;
    Rejection r;
    r.leaving_c = needed_c;
    const bool backed_by_chiller = c.heat_rejection == "hybrid" || c.heat_rejection == "cooling_tower";
    if (c.heat_rejection == "chiller" || (backed_by_chiller && dry_c > needed_c)) {
        r.free = false;
        r.chiller_w = heat_w / chiller_cop(c.chiller_carnot_fraction, needed_c, dry_c);
    } else if (dry_c > needed_c) {  // dry cooler only, and too hot outside
        r.leaving_c = dry_c;
    }
    return r;
}

// Affinity laws: a fan or pump at speed s draws s^3 of its design power.
double affinity_w(double design_w, double load_fraction) {
    const double speed = std::max(min_fan_pump_speed, std::min(1.0, load_fraction));
    return design_w * speed * speed * speed;
}

}  // namespace

double rack_supply_temp_c(const scenario::Cooling& c, double ambient_c) {
    if (!liquid_loop(c)) return c.supply_temp_c;  // CRAH supply air held by the chilled water
    const Rejection r = reject(c, 0.0, c.supply_temp_c - c.cdu_approach_c, ambient_c);
    return r.leaving_c + c.cdu_approach_c;
}

PlantState plant_state(const scenario::Cooling& c, double it_w, double ambient_c, double design_it_w) {
    PlantState s;
    const double capture = liquid_loop(c) ? c.heat_capture_fraction : 0.0;
    const double q_liquid = capture * it_w;
    const double q_air = it_w - q_liquid;
    const double design_liquid_w = capture * design_it_w;
    const double design_air_w = design_it_w - design_liquid_w;
    s.supply_temp_c = rack_supply_temp_c(c, ambient_c);
    double compressor_heat = 0.0;
    if (q_liquid > 0.0) {
        const Rejection r = reject(c, q_liquid, c.supply_temp_c - c.cdu_approach_c, ambient_c);
        s.chiller_w += r.chiller_w;
        if (!r.free) compressor_heat += q_liquid;
    }
    if (q_air > 0.0) {
        const Rejection r = reject(c, q_air, c.chilled_water_c, ambient_c);
        s.chiller_w += r.chiller_w;
        if (!r.free) compressor_heat += q_air;
    }
    s.free_heat_fraction = it_w > 0.0 ? 1.0 - compressor_heat / it_w : 1.0;
    const double pump_design_w = c.pump_w_per_kw * design_liquid_w / 1e3;
    s.pump_w = c.variable_flow && design_liquid_w > 0 ? affinity_w(pump_design_w, q_liquid / design_liquid_w)
                                                      : pump_design_w;
    s.fan_w = design_air_w > 0 ? affinity_w(c.fan_w_per_kw * design_air_w / 1e3, q_air / design_air_w) : 0.0;
    s.dry_cooler_w = c.dry_cooler_fan_w_per_kw * (it_w + s.chiller_w) / 1e3;
    if (c.heat_rejection == "cooling_tower") {
        // Evaporation carries the rejected heat (IT + compressor work) away; blowdown adds
        // 1 / (cycles - 1) of it to keep the dissolved solids in check.
        const double evaporated_kg_per_s = (it_w + s.chiller_w) / water_latent_heat_j_per_kg;
        s.water_l_per_s = evaporated_kg_per_s / water_kg_per_l * (1.0 + 1.0 / (c.cycles_of_concentration - 1.0));
    }
    s.cooling_w = s.pump_w + s.fan_w + s.chiller_w + s.dry_cooler_w;
    s.facility_w = it_w / (c.ups_efficiency * c.transformer_efficiency) + s.cooling_w / c.transformer_efficiency;
    s.distribution_loss_w = s.facility_w - it_w - s.cooling_w;
    return s;
}

double coolant_rise_c(const scenario::Cooling& c, double rack_w, double rack_design_w) {
    if (!liquid_loop(c) || rack_design_w <= 0.0) return 0.0;
    const double design_flow_kg_s = c.flow_l_per_min_per_kw * rack_design_w / 1e3 / 60.0 * water_kg_per_l;
    const double heat_w = c.heat_capture_fraction * rack_w;
    // Variable flow tracks the load (down to the pumps' minimum speed), fixed flow does not.
    const double flow = c.variable_flow
                            ? design_flow_kg_s * std::max(min_fan_pump_speed, std::min(1.0, rack_w / rack_design_w))
                            : design_flow_kg_s;
    return heat_w / (flow * water_cp_j_per_kg_k);
}

double gpu_thermal_resistance_c_per_w(const scenario::Cooling& c, const catalog::RackSpec& rack) {
    if (c.gpu_thermal_resistance_c_per_kw > 0.0) return c.gpu_thermal_resistance_c_per_kw / 1e3;
    const double full_w = full_load_power_kw(rack) * 1e3;
    const double headroom_c = c.throttle_temp_c - c.rated_supply_temp_c - coolant_rise_c(c, full_w, full_w);
    // A design point that leaves no headroom would make every GPU throttle at once; keep a
    // floor of 1 C/kW (the schema's minimum) so the model stays defined.
    return std::max(1e-3, headroom_c / rack.gpu.tdp_w.value);
}

}  // namespace factorysim::models
