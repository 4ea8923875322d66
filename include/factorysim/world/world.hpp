// Builds the world a scenario describes (racks in pods, cooling plant, workloads,
// scheduler, failure processes, cost) on an Engine, runs it to the horizon and returns
// the Report. docs/architecture.md shows where this sits; docs/models/*.md document each
// model it wires.
#pragma once

#include <atomic>
#include <functional>

#include "factorysim/report/report.hpp"
#include "factorysim/scenario/scenario.hpp"

namespace factorysim::models {
class ModelRegistry;
}

namespace factorysim::world {

struct RunOptions {
    // The model types to build from (null: the built-in ones; models/registry.hpp).
    const models::ModelRegistry* registry = nullptr;
    // Polled between slices of simulated time; when it becomes true the run stops and the
    // report is marked partial (Ctrl-C).
    const std::atomic<bool>* stop_requested = nullptr;
    // Called between slices with the fraction of the horizon simulated (progress bars).
    std::function<void(double fraction)> progress;
};

// Runs the scenario. Throws ModelError if a model reaches an impossible state, and
// scenario::InputError for inputs the schema cannot catch (e.g. a model that does not fit
// in an instance's memory), naming the JSON pointer.
report::Report run_scenario(const scenario::Scenario& scenario, const RunOptions& options = {});

}  // namespace factorysim::world
