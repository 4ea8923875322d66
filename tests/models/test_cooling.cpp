// The cooling plant's closed forms and the GPU thermal node's exact dynamics.
#include <catch2/catch.hpp>

#include <cmath>

#include "factorysim/models/cooling_plant.hpp"
#include "factorysim/models/rack_thermal.hpp"

namespace fm = factorysim::models;

namespace {
factorysim::scenario::Cooling neptune() {
    factorysim::scenario::Cooling c;
    c.type = "neptune_dlc";
    c.heat_rejection = "hybrid";
    c.supply_temp_c = 35;
    c.heat_capture_fraction = 1.0;
    c.cdu_approach_c = 3;
    c.dry_cooler_approach_c = 8;
    c.chiller_carnot_fraction = 0.5;
    c.chilled_water_c = 18;
    c.flow_l_per_min_per_kw = 1.5;
    c.pump_w_per_kw = 15;
    c.fan_w_per_kw = 40;
    c.dry_cooler_fan_w_per_kw = 20;
    c.ups_efficiency = 0.97;
    c.transformer_efficiency = 0.98;
    return c;
}
}  // namespace

TEST_CASE("cooling plant: Carnot COP between evaporator and condenser, capped") {
    // Water at 18 C: evaporator 13 C; dry cooler at 28 C: condenser 33 C; lift 20 K.
    CHECK(fm::chiller_cop(0.5, 18, 28) == Approx(0.5 * 286.15 / 20));
    CHECK(fm::chiller_cop(0.5, 30, 20) == fm::max_chiller_cop);
}

TEST_CASE("cooling plant: free cooling, chiller, dry-cooler drift and the power chain") {
    auto c = neptune();
    const auto cold = fm::plant_state(c, 1e6, 20, 1e6);  // 28 <= 32: free
    CHECK(cold.chiller_w == 0.0);
    CHECK(cold.free_heat_fraction == 1.0);
    CHECK(cold.cooling_w == Approx(15e3 + 20e3));
    CHECK(cold.facility_w == Approx(1e6 / (0.97 * 0.98) + 35e3 / 0.98));
    CHECK(cold.facility_w == Approx(1e6 + cold.cooling_w + cold.distribution_loss_w));
    const auto hot = fm::plant_state(c, 1e6, 30, 1e6);  // 38 > 32: the chiller lifts
    CHECK(hot.chiller_w == Approx(1e6 / fm::chiller_cop(0.5, 32, 38)));
    CHECK(hot.free_heat_fraction == 0.0);
    CHECK(hot.supply_temp_c == 35.0);
    c.heat_rejection = "dry_cooler";
    CHECK(fm::plant_state(c, 1e6, 30, 1e6).supply_temp_c == Approx(41.0));
}

TEST_CASE("cooling plant: pumps and fans follow the affinity laws") {
    auto c = neptune();
    // Fixed flow: pump power does not depend on the load.
    CHECK(fm::plant_state(c, 0.5e6, 20, 1e6).pump_w == Approx(15e3));
    c.variable_flow = true;
    CHECK(fm::plant_state(c, 0.5e6, 20, 1e6).pump_w == Approx(15e3 * 0.125));
    CHECK(fm::plant_state(c, 0.1e6, 20, 1e6).pump_w == Approx(15e3 * 0.027));  // 30 % minimum speed
    c.heat_capture_fraction = 0.0;
    c.type = "air";
    CHECK(fm::plant_state(c, 0.5e6, 20, 1e6).fan_w == Approx(40e3 * 0.125));
}

TEST_CASE("cooling plant: coolant rise from the flow rule (1.5 L/min/kW gives about 9.6 K)") {
    auto c = neptune();
    CHECK(fm::coolant_rise_c(c, 135e3, 135e3) == Approx(1e3 / (1.5 / 60 * 0.997 * 4186)));
    CHECK(fm::coolant_rise_c(c, 135e3, 135e3) == Approx(9.6).epsilon(0.01));
    CHECK(fm::coolant_rise_c(c, 67.5e3, 135e3) == Approx(fm::coolant_rise_c(c, 135e3, 135e3) / 2));
    c.variable_flow = true;
    CHECK(fm::coolant_rise_c(c, 67.5e3, 135e3) == Approx(fm::coolant_rise_c(c, 135e3, 135e3)));
}

TEST_CASE("thermal node: a power step gives the exponential response, to 1e-9") {
    fm::ThermalNode node(0.02, 60.0);
    node.set_power(1000.0);  // steady rise 20 K
    for (double t : {1.0, 30.0, 60.0, 600.0}) {
        fm::ThermalNode n = node;
        n.advance(t);
        CHECK(n.rise_c() == Approx(20.0 * (1.0 - std::exp(-t / 60.0))).epsilon(1e-9));
        CHECK(node.rise_after(t) == Approx(n.rise_c()).epsilon(1e-12));
    }
    // Many small steps end where one big step does (exact integration, no drift).
    fm::ThermalNode a = node, b = node;
    for (int i = 0; i < 1000; ++i) a.advance(0.3);
    b.advance(300.0);
    CHECK(a.rise_c() == Approx(b.rise_c()).epsilon(1e-9));
}

TEST_CASE("thermal node: heat generated = heat to coolant + stored, to 1e-9") {
    fm::ThermalNode node(0.02, 45.0);
    const double powers[] = {1400, 300, 900, 0, 1400, 700};
    const double spans[] = {10, 200, 3, 90, 1000, 0.001};
    for (int i = 0; i < 6; ++i) {
        node.set_power(powers[i]);
        node.advance(spans[i]);
    }
    CHECK(node.heat_generated_j() == Approx(node.heat_to_coolant_j() + node.heat_stored_j()).epsilon(1e-9));
    CHECK(node.heat_stored_j() == Approx(45.0 / 0.02 * node.rise_c()));
}

TEST_CASE("thermal node: the crossing time is where the exponential meets the threshold") {
    fm::ThermalNode node(0.02, 60.0);
    node.set_power(1400.0);  // steady 28 K
    const auto t = node.time_to_reach(25.0);
    REQUIRE(t);
    CHECK(*t == Approx(60.0 * std::log(28.0 / 3.0)));
    node.advance(*t);
    CHECK(node.rise_c() == Approx(25.0).epsilon(1e-12));
    CHECK_FALSE(node.time_to_reach(30.0));  // never reached
    node.set_power(0.0);
    CHECK(node.time_to_reach(10.0));  // cooling down crosses 10 K from above
}

TEST_CASE("cooling plant: a cooling tower follows the wet bulb and evaporates the heat it rejects") {
    auto c = neptune();
    c.heat_rejection = "cooling_tower";
    c.wet_bulb_depression_c = 7;
    c.tower_approach_c = 4;
    c.cycles_of_concentration = 4;
    // 35 C outside: the wet bulb is 28 C, the tower delivers 32 C = what the CDU needs: free.
    const auto s = fm::plant_state(c, 1e6, 35, 1e6);
    CHECK(s.chiller_w == 0.0);
    CHECK(s.water_l_per_s == Approx(1e6 / 2.43e6 / 0.997 * (1 + 1.0 / 3)));  // ~0.55 L/s per MW
    // A dry cooler at 35 C would need the chiller (43 C > 32 C).
    c.heat_rejection = "hybrid";
    CHECK(fm::plant_state(c, 1e6, 35, 1e6).chiller_w > 0.0);
    CHECK(fm::plant_state(c, 1e6, 35, 1e6).water_l_per_s == 0.0);
}
