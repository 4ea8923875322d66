// Embeds factorysim: its own event on an Engine, then a scenario run through the public API.
#include <cstdio>

#include <nlohmann/json.hpp>

#include <factorysim/core/engine.hpp>
#include <factorysim/report/writers.hpp>
#include <factorysim/scenario/scenario.hpp>
#include <factorysim/world/world.hpp>

int main() {
    using namespace factorysim::literals;
    factorysim::Engine engine(7);
    int fired = 0;
    engine.schedule_in(5_min, [&] { ++fired; });
    engine.run();
    const auto doc = nlohmann::json::parse(R"({"name": "embedded", "horizon_hours": 2,
        "pods": [{"name": "p", "rack": "gb300_nvl72", "racks": 1}]})");
    const auto scenario = factorysim::scenario::scenario_from_json(doc, "embedded.json");
    const auto report = factorysim::world::run_scenario(scenario);
    std::printf("fired %d, IT %.3f MW, PUE %.3f\n", fired, report.power.it_avg_mw, report.power.pue);
    return fired == 1 && report.power.it_avg_mw > 0.0 ? 0 : 1;
}
