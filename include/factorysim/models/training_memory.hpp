// The least HBM a training job needs per GPU: what no memory-saving setting removes
// (docs/models/training.md, "Memory per GPU"). The scheduler uses it to keep a job off rack
// types whose GPUs cannot hold it; it is a lower bound, not a prediction of the footprint.
//
//   P_gpu     = P_dense / (t p) + P_experts / (t p e)                  weights held per GPU
//   state     = 4 P_gpu                                                bf16 weights + bf16 gradients
//             + 12 (P_dense / (t p d) + P_experts / (t p e max(1, d/e)))
//                                                                      fp32 master weights + two Adam
//                                                                      moments, sharded over the data-
//                                                                      parallel replicas (distributed
//                                                                      optimizer, ZeRO-1)
//   act       = 2 (S/c) h L / t        the input of every layer for the microbatches in flight
//                                      (full recompute; 1F1B: p microbatches x L/p layers on the first stage;
//                                      sequence parallelism splits them over t)
//             + 34 (S/c) h / t         one layer's activations while it is recomputed (Korthikanti et al.
//                                      2022, arXiv:2205.05198, with FlashAttention: no S^2 term)
//   total     = state + act
// t, p, c, e, d: tensor, pipeline, context, expert and data parallelism; S sequence length;
// h hidden size; L layers; P_experts the routed experts' weights (llm_math), P_dense the rest.
#pragma once

#include "factorysim/catalog/catalog.hpp"

namespace factorysim::models {

struct TrainingMemoryInputs {
    const catalog::LlmSpec* model = nullptr;
    int gpus = 0;
    int tensor = 1, pipeline = 1, context = 1, expert = 1;
    int sequence_length = 0;
};

struct TrainingMemory {
    double weights_and_gradients_bytes = 0.0;  // per GPU
    double optimizer_bytes = 0.0;              // per GPU, after sharding over data parallelism
    double activation_bytes = 0.0;             // per GPU, with full recompute
    double total_bytes() const { return weights_and_gradients_bytes + optimizer_bytes + activation_bytes; }
};

// Throws ModelError on a setup whose parallelism does not divide the GPUs.
TrainingMemory training_memory_per_gpu(const TrainingMemoryInputs& in);

}  // namespace factorysim::models
