// Model types, pluggable through one registry (DESIGN.md, "Models"). Each type describes
// itself: family, name, summary and its parameters as a Schema (units, ranges, defaults),
// which is how `factorysim models` and `factorysim describe <type>` print them and how the
// scenario validates them.
//
// Built-in types are added by the explicit register_builtin_models() (no static-initialiser
// magic). A program embedding factorysim copies builtin_registry(), adds its own types and
// passes the registry to load_scenario and run_scenario:
//
//   auto registry = factorysim::models::builtin_registry();
//   registry.add_cooling({"cooling", "fixed_pue", "PUE from a table", schema},
//                        [](const nlohmann::json& p) { return std::make_unique<MyCooling>(p); });
//   auto s = factorysim::scenario::load_scenario("x.json", {.registry = &registry});
//   auto report = factorysim::world::run_scenario(s, {.registry = &registry});
//
// Families with factories today: "cooling". The other families (scheduler policies,
// inference fidelities, weather) are listed and described; they plug in through the
// scenario but are not yet user-extensible.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "factorysim/catalog/catalog.hpp"
#include "factorysim/models/cooling_plant.hpp"
#include "factorysim/scenario/schema.hpp"

namespace factorysim::models {

// What the world asks of a cooling model (docs/models/cooling.md). The world integrates
// energy and GPU temperatures; the model answers algebraic questions for the current state.
class CoolingModel {
public:
    virtual ~CoolingModel() = default;
    // The coolant (or supply-air) temperature the racks get at this outdoor temperature.
    virtual double supply_temp_c(double ambient_c) const = 0;
    // Plant power and the rest at an IT load, outdoor temperature and design IT power (W).
    virtual PlantState plant(double it_w, double ambient_c, double design_it_w) const = 0;
    // Coolant temperature rise across a rack drawing rack_w, designed for rack_design_w.
    virtual double coolant_rise_c(double rack_w, double rack_design_w) const = 0;
    // GPU temperature rise above its local coolant per watt, for this rack type.
    virtual double gpu_thermal_resistance_c_per_w(const catalog::RackSpec& rack) const = 0;
    virtual double thermal_time_constant_s() const = 0;
    virtual double throttle_temp_c() const = 0;
    virtual double throttle_hysteresis_c() const = 0;
    // Share of rack heat taken by liquid (0 for air); fans of air-designed servers shrink by it.
    virtual double heat_capture_fraction() const = 0;
    // The supply set point, for the report.
    virtual double supply_set_point_c() const = 0;
};

struct ModelType {
    std::string family;   // "cooling", "scheduler", ...
    std::string type;     // the scenario's "type" (or policy) string
    std::string summary;
    scenario::Schema parameters;  // an object schema; for cooling, a variant with a "type" key
};

using CoolingFactory = std::function<std::unique_ptr<CoolingModel>(const nlohmann::json& parameters)>;

class ModelRegistry {
public:
    // Throws std::invalid_argument if the type is already registered.
    void add_cooling(ModelType type, CoolingFactory factory);
    // A described type without a factory (built-in behaviour selected by name).
    void add_description(ModelType type);

    const std::vector<ModelType>& types() const { return types_; }
    const ModelType* find(std::string_view type) const;
    // The scenario's "cooling" section: one alternative per registered cooling type.
    scenario::Schema cooling_schema() const;
    // Builds the cooling model a validated "cooling" section names.
    std::unique_ptr<CoolingModel> make_cooling(const nlohmann::json& section) const;

private:
    std::vector<ModelType> types_;
    std::vector<std::pair<std::string, CoolingFactory>> cooling_factories_;
};

// Adds factorysim's own model types.
void register_builtin_models(ModelRegistry& registry);

// A registry holding exactly the built-in types (built once, on first use).
const ModelRegistry& builtin_registry();

// The built-in cooling plant (neptune_dlc, liquid, air) on a parsed configuration.
std::unique_ptr<CoolingModel> make_builtin_cooling(const scenario::Cooling& config);

}  // namespace factorysim::models
