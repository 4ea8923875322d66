// Fluid (rate-based) model of one LLM serving instance with continuous batching
// (docs/models/inference.md). Steady state at an offered request rate lambda:
//
//   t_p      prefill time of one prompt of I tokens: compute-bound roofline of
//            I * prefill_flops_per_token(I) / g on each of the g GPUs
//   t_d(b)   one decode iteration at batch b: roofline of reading the weight shard and
//            b sequences' KV cache (mean context I + O/2) against b tokens of math, plus two
//            tensor-parallel all-reduces per layer over NVLink
//   rho_p    = lambda t_p, the share of time spent in prefill
//   b        = lambda O t_d(b) / (1 - rho_p)   (Little's law for the decoding sequences;
//              solved by fixed-point iteration, t_d is increasing in b)
//   capacity lambda_max: the rate at which b reaches the batch limit B (max_batch or KV
//            capacity), lambda_max = B / (O t_d(B) + B t_p)
//   TPOT     = t_d(b) / (1 - rho_p)            (prefills interleave with decode steps)
//   TTFT     = W + t_p + t_d(b),  W the wait for the prefill slot, an M/M/1 queue of
//              utilisation rho_p: P(W > w) = rho_p exp(-(1 - rho_p) w / t_p)
#pragma once

#include "factorysim/catalog/catalog.hpp"
#include "factorysim/core/error.hpp"

namespace factorysim::models {

struct InferenceInstance {
    const catalog::LlmSpec* model = nullptr;
    const catalog::GpuSpec* gpu = nullptr;
    int gpus = 1;
    catalog::Precision precision = catalog::Precision::FP8;
    double input_tokens = 1024;
    double output_tokens = 256;
    int max_batch = 256;
    double nvlink_efficiency = 0.8;
    double latency_s = 10e-6;
};

struct InstanceSizing {
    double weight_bytes_per_gpu = 0.0;
    double kv_bytes_per_token_per_gpu = 0.0;
    double kv_capacity_tokens = 0.0;  // tokens of KV cache that fit next to the weights
    int batch_limit = 0;              // min(max_batch, KV capacity / (I + O))
    double prefill_s = 0.0;
    double capacity_requests_per_s = 0.0;
};

struct OperatingPoint {
    double requests_per_s = 0.0;  // served
    double utilization = 0.0;     // served / capacity
    double batch = 0.0;
    double decode_step_s = 0.0;
    double prefill_share = 0.0;   // rho_p
    double tpot_s = 0.0;
    double ttft_mean_s = 0.0;
    double ttft_p50_s = 0.0;
    double ttft_p99_s = 0.0;
    // Fraction of requests whose TTFT and TPOT meet the objectives.
    double slo_attainment(double ttft_slo_s, double tpot_slo_s) const;
    double wait_scale_s = 0.0;    // t_p / (1 - rho_p): the waiting-time tail scale
    double base_ttft_s = 0.0;     // t_p + t_d(b)
};

// Throws ModelError (with the sizes) if the weights do not fit in the instance's HBM.
InstanceSizing size_instance(const InferenceInstance& instance, double clock_fraction = 1.0);

// The steady state at `requests_per_s` (clamped to the capacity).
OperatingPoint operating_point(const InferenceInstance& instance, const InstanceSizing& sizing,
                               double requests_per_s, double clock_fraction = 1.0);

// One decode iteration at batch b (seconds).
double decode_iteration_s(const InferenceInstance& instance, double batch, double clock_fraction = 1.0);

}  // namespace factorysim::models
