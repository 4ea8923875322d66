#include "factorysim/models/training_memory.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "factorysim/catalog/llm_math.hpp"
#include "factorysim/core/error.hpp"

namespace factorysim::models {

TrainingMemory training_memory_per_gpu(const TrainingMemoryInputs& in) {
    if (!in.model) throw ModelError("training memory: no model");
    const int model_parallel = in.tensor * in.pipeline * in.context;
    if (in.gpus <= 0 || model_parallel <= 0 || in.expert <= 0 || in.gpus % model_parallel != 0)
        throw ModelError(fmt::format("training memory: {} GPUs are not divisible by TP {} x PP {} x CP {}", in.gpus,
                                     in.tensor, in.pipeline, in.context));
    const auto& m = *in.model;
    const double t = in.tensor, p = in.pipeline, c = in.context, e = in.expert;
    const double d = static_cast<double>(in.gpus / model_parallel);
    const double experts = catalog::parameter_breakdown(m).routed_experts;
    const double dense = catalog::parameters(m) - experts;
    const double dense_per_gpu = dense / (t * p), experts_per_gpu = experts / (t * p * e);
    TrainingMemory out;
    out.weights_and_gradients_bytes = 4.0 * (dense_per_gpu + experts_per_gpu);
    out.optimizer_bytes = 12.0 * (dense_per_gpu / d + experts_per_gpu / std::max(1.0, d / e));
    const double tokens = in.sequence_length / c;
    out.activation_bytes = 2.0 * tokens * m.hidden_size * m.layers / t + 34.0 * tokens * m.hidden_size / t;
    return out;
}

}  // namespace factorysim::models
