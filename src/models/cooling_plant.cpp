#include "factorysim/models/cooling_plant.hpp"

#include <algorithm>

namespace factorysim::models {

double chiller_cop(double carnot_fraction, double cold_c, double hot_c) {
    const double lift = hot_c - cold_c;
    if (lift <= 0.0) return max_chiller_cop;
    return std::min(max_chiller_cop, carnot_fraction * (cold_c + 273.15) / lift);
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
    const double dry_c = ambient_c + c.dry_cooler_approach_c;
    Rejection r;
    r.leaving_c = needed_c;
    if (c.heat_rejection == "chiller" || (c.heat_rejection == "hybrid" && dry_c > needed_c)) {
        r.free = false;
        r.chiller_w = heat_w / chiller_cop(c.chiller_carnot_fraction, needed_c, dry_c);
    } else if (dry_c > needed_c) {  // dry cooler only, and too hot outside
        r.leaving_c = dry_c;
    }
    return r;
}

}  // namespace

double rack_supply_temp_c(const scenario::Cooling& c, double ambient_c) {
    if (!liquid_loop(c)) return c.supply_temp_c;  // CRAH supply air held by the chilled water
    const Rejection r = reject(c, 0.0, c.supply_temp_c - c.cdu_approach_c, ambient_c);
    return r.leaving_c + c.cdu_approach_c;
}

PlantState plant_state(const scenario::Cooling& c, double it_w, double ambient_c) {
    PlantState s;
    const double q_liquid = liquid_loop(c) ? c.heat_capture_fraction * it_w : 0.0;
    const double q_air = it_w - q_liquid;
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
    s.pump_w = c.pump_w_per_kw * q_liquid / 1e3;
    s.fan_w = c.fan_w_per_kw * q_air / 1e3;
    s.dry_cooler_w = c.dry_cooler_fan_w_per_kw * (it_w + s.chiller_w) / 1e3;
    s.cooling_w = s.pump_w + s.fan_w + s.chiller_w + s.dry_cooler_w;
    s.facility_w = it_w / (c.ups_efficiency * c.transformer_efficiency) + s.cooling_w / c.transformer_efficiency;
    s.distribution_loss_w = s.facility_w - it_w - s.cooling_w;
    return s;
}

double gpu_temp_c(const scenario::Cooling& c, double supply_c, double gpu_w) {
    return supply_c + c.gpu_thermal_resistance_c_per_kw * gpu_w / 1e3;
}

double thermal_power_limit_w(const scenario::Cooling& c, double supply_c) {
    return std::max(0.0, (c.throttle_temp_c - supply_c) / c.gpu_thermal_resistance_c_per_kw * 1e3);
}

}  // namespace factorysim::models
