// A program's own cooling model, plugged in through the registry: the scenario validates
// its parameters and the world uses it end to end.
#include <catch2/catch.hpp>

#include <memory>

#include <nlohmann/json.hpp>

#include "factorysim/models/registry.hpp"
#include "factorysim/scenario/scenario.hpp"
#include "factorysim/world/world.hpp"

namespace fm = factorysim::models;
namespace sc = factorysim::scenario;
using nlohmann::json;

namespace {

// Facility power = IT x a fixed PUE; GPUs see a fixed coolant temperature.
class FixedPue final : public fm::CoolingModel {
public:
    explicit FixedPue(double pue) : pue_(pue) {}
    double supply_temp_c(double) const override { return 30.0; }
    fm::PlantState plant(double it_w, double, double) const override {
        fm::PlantState s;
        s.supply_temp_c = 30.0;
        s.cooling_w = (pue_ - 1.0) * it_w;
        s.facility_w = pue_ * it_w;
        return s;
    }
    double coolant_rise_c(double, double) const override { return 5.0; }
    double gpu_thermal_resistance_c_per_w(const factorysim::catalog::RackSpec&) const override { return 0.02; }
    double thermal_time_constant_s() const override { return 30.0; }
    double throttle_temp_c() const override { return 95.0; }
    double throttle_hysteresis_c() const override { return 2.0; }
    double heat_capture_fraction() const override { return 1.0; }
    double supply_set_point_c() const override { return 30.0; }

private:
    double pue_;
};

fm::ModelRegistry registry_with_fixed_pue() {
    fm::ModelRegistry registry = fm::builtin_registry();
    registry.add_cooling(
        {"cooling", "fixed_pue", "Facility power is IT power times a constant",
         sc::object_variant("fixed_pue", "Facility power is IT power times a constant",
                            {{"pue", sc::number("Power usage effectiveness", "", 1.0, 3.0, 1.2)}})},
        [](const json& section) { return std::make_unique<FixedPue>(section.at("pue").get<double>()); });
    return registry;
}

}  // namespace

TEST_CASE("registry: a program's own cooling model is validated and used end to end") {
    const auto registry = registry_with_fixed_pue();
    json doc = json::parse(R"({"name": "custom", "horizon_hours": 5, "failures": {"enabled": false},
        "pods": [{"name": "p", "rack": "gb300_nvl72", "racks": 2}],
        "cooling": {"type": "fixed_pue", "pue": 1.37}})");
    sc::LoadOptions load;
    load.registry = &registry;
    const auto scenario = sc::scenario_from_json(doc, "custom.json", load);
    factorysim::world::RunOptions run;
    run.registry = &registry;
    const auto report = factorysim::world::run_scenario(scenario, run);
    CHECK(report.power.pue == Approx(1.37).epsilon(1e-12));
    CHECK(report.thermal.supply_temp_c == 30.0);
    // Its parameters are checked like built-in ones, and the built-in registry does not know it.
    doc["cooling"]["pue"] = 7;
    CHECK_THROWS_WITH(sc::scenario_from_json(doc, "custom.json", load), Catch::Contains("/cooling/pue"));
    CHECK_THROWS_WITH(sc::scenario_from_json(doc, "custom.json"), Catch::Contains("/cooling/type"));
    CHECK_THROWS_AS(registry_with_fixed_pue().add_cooling({"cooling", "air", "", {}}, nullptr), std::invalid_argument);
}
