// Whether a rack type's GPUs can run a workload at all (docs/models/scheduler.md,
// "Capability"): the precision on its tensor cores, the TP group or replica inside one
// NVLink domain, and the memory per GPU in its HBM. The loader keeps each workload to the
// rack types that pass; a workload no rack type of the scenario can run is an input error.
#pragma once

#include <optional>
#include <string>

#include "factorysim/catalog/catalog.hpp"
#include "factorysim/scenario/scenario.hpp"

namespace factorysim::scenario {

// Why a rack type cannot run a workload; `pointer` is relative to the workload (e.g.
// "/precision", "/parallelism/tp").
struct Misfit {
    std::string pointer;
    std::string message;
};

struct TrainingShape {
    catalog::Precision precision = catalog::Precision::BF16;
    int gpus = 0;
    int tensor = 1, pipeline = 1, context = 1, expert = 1;
    int sequence_length = 0;
};

std::optional<Misfit> training_misfit(const TrainingShape& job, const catalog::LlmSpec* model,
                                      const catalog::RackSpec& rack);

// `service.instances` and the arrival are not used: only the replica's shape and lengths.
std::optional<Misfit> inference_misfit(const InferenceWorkload& service, const catalog::LlmSpec* model,
                                       const catalog::RackSpec& rack, const Fabric& fabric);

}  // namespace factorysim::scenario
