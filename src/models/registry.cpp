// The model registry and the built-in model types.
#include "factorysim/models/registry.hpp"

#include <stdexcept>
#include <utility>

#include <fmt/format.h>

#include "factorysim/core/error.hpp"
#include "factorysim/scenario/scenario.hpp"

namespace factorysim::models {
namespace {

using namespace scenario;
using Props = std::vector<std::pair<std::string, Schema>>;

// An alternative of a discriminated object that is chosen when "type" is omitted.
Schema default_variant(Schema alternative) {
    auto& type = alternative.properties.front().second;
    type.default_value = nlohmann::json(type.enum_values.front());
    return alternative;
}

// Per-type defaults of the cooling keys.
struct CoolingDefaults {
    double supply_c, capture, r_c_per_kw, chilled_water_c, fan_w_per_kw, carnot_fraction;
    const char* rejection;
};

Props cooling_common(const CoolingDefaults& d) {
    return {
        {"supply_temp_c", number("Coolant supply set point at the rack (liquid) or supply air (air)", "degC", 5,
                                 60, d.supply_c)},
        {"heat_capture_fraction",
         number("Share of rack heat captured by liquid; the rest goes to room air", "", 0, 1, d.capture)},
        {"heat_rejection", enumeration("How the facility rejects heat: dry cooler (free cooling only), chiller "
                                       "(always compressor), hybrid (dry cooler when ambient allows, else chiller), "
                                       "cooling_tower (evaporative, follows the wet bulb, chiller backup; uses water)",
                                       {"dry_cooler", "chiller", "hybrid", "cooling_tower"}, d.rejection)},
        {"wet_bulb_depression_c",
         number("Cooling towers: outdoor dry bulb minus wet bulb (about 5-10 C in temperate climates; estimate)",
                "degC", 0, 30, 7)},
        {"tower_approach_c", number("Cooling tower approach: water leaving minus wet bulb", "degC", 1, 15, 4)},
        {"cycles_of_concentration",
         number("Cooling tower cycles of concentration (blowdown = evaporation / (cycles - 1))", "", 1.5, 20, 4)},
        {"cdu_approach_c", number("CDU approach: secondary supply minus facility water supply", "degC", 0, 20, 3)},
        {"dry_cooler_approach_c",
         number("Dry cooler approach: water leaving minus outdoor air temperature", "degC", 1, 30, 8)},
        {"chiller_carnot_fraction",
         number("Chiller COP as a fraction of the Carnot COP between evaporator (water - 5 C) and condenser "
                "(outdoor + dry-cooler approach + 5 C); typical 0.4-0.6 (estimate)",
                "", 0.1, 0.9, d.carnot_fraction)},
        {"chilled_water_c",
         number("Chilled-water supply to the room air handlers (CRAH); legacy air-cooled halls run 7-12 C",
                "degC", 5, 30, d.chilled_water_c)},
        {"flow_l_per_min_per_kw",
         number("Liquid-loop flow per kW of rack design load (OCP rule 1.5 L/min/kW at dT <= 10 C; Vertiv GB200 "
                "reference 1.35)",
                "L/min/kW", 0.5, 5, 1.5)},
        {"variable_flow",
         boolean("Pumps follow the load (affinity laws: power ~ speed^3, 30 % minimum speed); false = fixed flow "
                 "sized at design, constant pump power",
                 false)},
        {"pump_w_per_kw",
         number("Pump power per kW of liquid heat at design flow (estimate)", "W/kW", 0, 200, 15)},
        {"fan_w_per_kw",
         number("Room air handler (CRAH) fan and chilled-water pump power per kW of air heat at design load; fans "
                "follow the cube of their speed (estimate)",
                "W/kW", 0, 300, d.fan_w_per_kw)},
        {"dry_cooler_fan_w_per_kw",
         number("Dry cooler fan power per kW of heat rejected (estimate)", "W/kW", 0, 200, 20)},
        {"gpu_thermal_resistance_c_per_kw",
         d.r_c_per_kw > 0
             ? number("GPU temperature rise above the supply air per kW of GPU power (heat sink; estimate)",
                      "degC/kW", 1, 200, d.r_c_per_kw)
             : number("GPU temperature rise above its local coolant per kW of GPU power (cold plate). Default: "
                      "derived per GPU so that at rated_supply_temp_c, full TDP and the design coolant rise the GPU "
                      "sits exactly at throttle_temp_c",
                      "degC/kW", 1, 200)},
        {"rated_supply_temp_c",
         number("Highest coolant supply at which the GPUs run at full TDP without throttling (the cold plates' "
                "design point; 45 C: Lenovo Neptune warm water, NVIDIA's 45 C liquid cooling for Blackwell/Rubin; "
                "estimate). Used only to derive gpu_thermal_resistance_c_per_kw",
                "degC", 10, 70, 45)},
        {"thermal_time_constant_s",
         number("Time constant of the GPU temperature's first-order response (die, plate and coolant film; "
                "estimate)",
                "s", 0.1, 100000, 60)},
        {"throttle_temp_c", number("GPU temperature at which clocks throttle (estimate)", "degC", 40, 120, 90)},
        {"throttle_hysteresis_c",
         number("Throttling ends when the unthrottled steady temperature is this far below the threshold", "degC",
                0, 30, 2)},
        {"ups_efficiency", number("UPS efficiency (estimate)", "", 0.5, 1, 0.97)},
        {"transformer_efficiency", number("Transformer and rectifier chain efficiency (estimate)", "", 0.5, 1, 0.98)},
    };
}

Schema builtin_cooling_variant(const std::string& type) {
    if (type == "neptune_dlc")
        return default_variant(object_variant(
            "neptune_dlc",
            "Lenovo Neptune-style warm-water direct liquid cooling: ~98 % of heat to liquid, supply up to 45 degC",
            cooling_common({40, 0.98, 0, 18, 40, 0.5, "hybrid"})));
    if (type == "liquid")
        return object_variant("liquid",
                              "Standard NVL72 direct liquid loop (cold plates on GPUs/CPUs, fans for the rest)",
                              cooling_common({25, 0.85, 0, 18, 40, 0.5, "hybrid"}));
    return object_variant(
        "air", "Air-cooled servers: all heat to room air through CRAH units on chilled water from a chiller",
        cooling_common({24, 0.0, 55, 12, 100, 0.45, "chiller"}));
}

// The built-in plant (cooling_plant.hpp) behind the CoolingModel interface.
class BuiltinCooling final : public CoolingModel {
public:
    explicit BuiltinCooling(scenario::Cooling c) : c_(std::move(c)) {}
    double supply_temp_c(double ambient_c) const override { return rack_supply_temp_c(c_, ambient_c); }
    PlantState plant(double it_w, double ambient_c, double design_it_w) const override {
        return plant_state(c_, it_w, ambient_c, design_it_w);
    }
    double coolant_rise_c(double rack_w, double rack_design_w) const override {
        return models::coolant_rise_c(c_, rack_w, rack_design_w);
    }
    double gpu_thermal_resistance_c_per_w(const catalog::RackSpec& rack) const override {
        return models::gpu_thermal_resistance_c_per_w(c_, rack);
    }
    double thermal_time_constant_s() const override { return c_.thermal_time_constant_s; }
    double throttle_temp_c() const override { return c_.throttle_temp_c; }
    double throttle_hysteresis_c() const override { return c_.throttle_hysteresis_c; }
    double heat_capture_fraction() const override { return c_.type == "air" ? 0.0 : c_.heat_capture_fraction; }
    double supply_set_point_c() const override { return c_.supply_temp_c; }

private:
    scenario::Cooling c_;
};

}  // namespace

std::unique_ptr<CoolingModel> make_builtin_cooling(const scenario::Cooling& config) {
    return std::make_unique<BuiltinCooling>(config);
}

void ModelRegistry::add_cooling(ModelType type, CoolingFactory factory) {
    if (find(type.type)) throw std::invalid_argument("model type \"" + type.type + "\" is already registered");
    cooling_factories_.emplace_back(type.type, std::move(factory));
    types_.push_back(std::move(type));
}

void ModelRegistry::add_description(ModelType type) {
    if (find(type.type) && find(type.type)->family == type.family)
        throw std::invalid_argument("model type \"" + type.type + "\" is already registered");
    types_.push_back(std::move(type));
}

const ModelType* ModelRegistry::find(std::string_view type) const {
    for (const auto& t : types_)
        if (t.type == type) return &t;
    return nullptr;
}

scenario::Schema ModelRegistry::cooling_schema() const {
    std::vector<Schema> variants;
    for (const auto& [name, factory] : cooling_factories_) variants.push_back(find(name)->parameters);
    return discriminated("Rack cooling and the plant behind it (docs/models/cooling.md)", std::move(variants));
}

std::unique_ptr<CoolingModel> ModelRegistry::make_cooling(const nlohmann::json& section) const {
    const auto type = section.at("type").get<std::string>();
    for (const auto& [name, factory] : cooling_factories_)
        if (name == type) return factory(section);
    throw ModelError(fmt::format("no cooling model \"{}\" in the registry", type));
}

void register_builtin_models(ModelRegistry& registry) {
    for (const char* type : {"neptune_dlc", "liquid", "air"}) {
        Schema variant = builtin_cooling_variant(type);
        const std::string summary = variant.description;
        registry.add_cooling({"cooling", type, summary, std::move(variant)}, [](const nlohmann::json& section) {
            return make_builtin_cooling(scenario::cooling_from_json(section));
        });
    }
    const auto described = [&](const char* family, const char* type, const char* summary) {
        registry.add_description({family, type, summary, object(summary, {})});
    };
    described("scheduler", "fifo", "In submit order; the head of the queue blocks the rest");
    described("scheduler", "first_fit", "Any queued job that fits starts");
    described("scheduler", "easy_backfill",
              "FIFO with a reservation for the head; later jobs start if they do not delay it (estimated runtimes)");
    described("scheduler", "priority",
              "By priority; a blocked job preempts lower-priority training jobs (rolled back to their checkpoint)");
    described("inference", "fluid", "Steady-state rates from the batching-iteration model (months-long runs)");
    described("inference", "request", "Every request and batching iteration as events (short windows, SLO detail)");
    described("workload", "training", "An LLM training job: step time, checkpoints, rollbacks, goodput");
    described("workload", "inference", "An LLM inference service: replicas, arrivals, TTFT/TPOT, SLO attainment");
    described("weather", "constant", "The same outdoor temperature all the time");
    described("weather", "synthetic", "Mean plus daily and seasonal cosines, hourly");
    described("weather", "csv", "Hourly outdoor temperatures from a CSV file");
}

const ModelRegistry& builtin_registry() {
    static const ModelRegistry registry = [] {
        ModelRegistry r;
        register_builtin_models(r);
        return r;
    }();
    return registry;
}

}  // namespace factorysim::models
