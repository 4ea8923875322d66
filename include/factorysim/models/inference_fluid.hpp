// Fluid (rate-based) model of one LLM serving replica with continuous batching and chunked
// prefill (docs/models/inference.md), built on the same iteration-time model as the
// request-level simulation (world/request_level.hpp), so the two agree by construction in
// the mean (a test checks 10 % on throughput and 20 % on latency from 10 % to 90 % load).
//
//   iteration_s(P, b)  one batching iteration with P prompt tokens and b decoding sequences:
//            roofline of reading the weight shard (non-expert / tp + touched experts /
//            (tp ep)) and the b sequences' KV cache against the math of P + b tokens, plus
//            two tensor-parallel all-reduces per layer and, with expert parallelism, an
//            all-to-all dispatch + combine per MoE layer; latency per collective
//            2 ceil(log2 n) alpha (NCCL's tree / one-shot algorithms for small messages)
//   steady state at lambda requests/s: t = iteration_s(lambda I t, lambda O t)  (fixed point)
//            batch b = lambda O t (Little's law),  TPOT = t
//   capacity: the largest lambda with b <= B (max_batch and KV capacity) and lambda I t <= C
//            (chunk_tokens of prompt per iteration)
//   TTFT     = t/2 + ceil(I / C) t_p + W;  t_p: an iteration carrying a chunk of the prompt;
//              W: wait for a batch slot, Erlang C with B slots each held for h = (O + ceil(I/C)) t:
//              P(W > w) = C(B, A) exp(-(B - A) w / h),  A = lambda h
#pragma once

#include "factorysim/catalog/catalog.hpp"
#include "factorysim/models/ttft_distribution.hpp"
#include "factorysim/scenario/scenario.hpp"
#include "factorysim/core/error.hpp"

namespace factorysim::models {

// The serving compute efficiency of a model without a calibrated one (see
// InferenceInstance::compute_efficiency).
inline constexpr double kDenseServingComputeEfficiency = 0.48;

struct InferenceInstance {
    const catalog::LlmSpec* model = nullptr;
    const catalog::GpuSpec* gpu = nullptr;
    int gpus = 1;     // tensor x expert
    int tensor = 0;   // 0 = gpus / expert
    int expert = 1;   // MoE: experts sharded over `expert` groups of `tensor` GPUs; attention data-parallel across them
    catalog::Precision precision = catalog::Precision::FP8;
    double input_tokens = 1024;
    double output_tokens = 256;
    // Coefficients of variation (standard deviation / mean) of the prompt and output lengths.
    // A decode step sees each request for as many steps as it generates, so the sequences in
    // a batch are length-biased: their mean context is I + E[O^2] / (2 E[O]) =
    // I + O (1 + cv_O^2) / 2, not I + O / 2; likewise a prefill token attends on average to
    // E[I^2] / (2 E[I]) = I (1 + cv_I^2) / 2 earlier tokens (renewal theory's inspection paradox).
    double input_tokens_cv = 0.0;
    double output_tokens_cv = 0.0;
    int max_batch = 256;
    int chunk_tokens = 2048;  // prompt tokens per iteration
    // Achieved fraction of the large-GEMM rate across an iteration's math: attention kernels,
    // norms, activations, activation quantisation, GEMMs below their plateau, power-limited
    // clocks under HBM-heavy load. 0.48 reproduces NVIDIA's MLPerf v5.1 Llama 2 70B offline
    // result on GB200 (12,934 tokens/s per GPU; scenarios/validation), far below training's
    // 0.80: the lumped factor is not separated into its parts (docs/models/inference.md).
    // A model whose catalog entry carries a calibrated serving_compute_efficiency uses that
    // instead (DeepSeek-V3/R1: 0.34; instance_for).
    double compute_efficiency = kDenseServingComputeEfficiency;
    double nvlink_efficiency = 0.8;
    double latency_s = 10e-6;
    bool nvls = true;               // NVSwitch in-network reduction for TP all-reduces
    double nvls_efficiency = 0.61;
};

// Serving engines keep low-precision weights but not low-precision attention: with FP8 or
// NVFP4 weights the KV cache is stored in FP8 and attention (scores and context) runs on FP8
// tensor cores (TensorRT-LLM's FP8 KV cache and FP8 FMHA for its FP8 and NVFP4 checkpoints;
// estimate: recipes vary). BF16 services keep BF16 throughout. docs/models/inference.md.
catalog::Precision attention_precision(catalog::Precision weights);
double kv_bytes_per_token(const InferenceInstance& inst);  // all layers, whole model (not per GPU)

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
    double prefill_share = 0.0;   // share of the per-iteration prefill budget in use
    double wait_probability = 0.0;  // Erlang C: an arrival waits for a batch slot
    double tpot_s = 0.0;
    double ttft_mean_s = 0.0;
    double ttft_p50_s = 0.0;
    double ttft_p99_s = 0.0;
    // Fraction of requests whose TTFT and TPOT meet the objectives.
    double slo_attainment(double ttft_slo_s, double tpot_slo_s) const;
    double wait_scale_s = 0.0;    // O t / (B - b): the waiting-time tail scale
    double base_ttft_s = 0.0;     // t/2 + ceil(I / C) t
    // The rest of the iteration in flight at arrival, uniform on [0, spread]: t colocated;
    // 0 disaggregated, whose base carries the prefill pool's residual as its mean only.
    double residual_spread_s = 0.0;
    TtftDistribution ttft() const { return {base_ttft_s, residual_spread_s, wait_probability, wait_scale_s}; }
};

// Mean attended context of a decoding sequence, I + O (1 + cv_O^2) / 2, and of a prompt
// token, I (1 + cv_I^2) / 2 (see InferenceInstance).
double mean_decode_context(const InferenceInstance& instance);
double mean_prefill_context(const InferenceInstance& instance);

// Coefficient of variation of a scenario's length distribution: 0 constant, 1 exponential,
// the given cv for lognormal and for a trace (its sample value).
double length_cv(const scenario::TokenDistribution& lengths);

// One replica of a scenario's service on a GPU type.
InferenceInstance instance_for(const scenario::InferenceWorkload& service, const catalog::LlmSpec& model,
                               const catalog::GpuSpec& gpu, const scenario::Fabric& fabric);

// Throws ModelError (with the sizes) if the weights do not fit in the instance's HBM.
InstanceSizing size_instance(const InferenceInstance& instance, double clock_fraction = 1.0);

// The steady state at `requests_per_s` (clamped to the capacity).
OperatingPoint operating_point(const InferenceInstance& instance, const InstanceSizing& sizing,
                               double requests_per_s, double clock_fraction = 1.0);

// One decode iteration at batch b (seconds).
double decode_iteration_s(const InferenceInstance& instance, double batch, double clock_fraction = 1.0);

// One batching iteration of the request-level model: `prefill_tokens` prompt tokens (at a
// mean attended context of `prefill_context`) and `decode_batch` sequences decoding at a
// mean context of `decode_context`, as one roofline kernel on each GPU plus the
// communication of both.
double iteration_s(const InferenceInstance& instance, double prefill_tokens, double prefill_context,
                   double decode_batch, double decode_context, double clock_fraction = 1.0);

// The largest request rate the replica sustains (see above).
double capacity_requests_per_s(const InferenceInstance& instance, int batch_limit, double clock_fraction = 1.0);

// The largest request rate at which the replica still meets the service's objectives in
// steady state: p99 TTFT <= ttft_slo_s and TPOT <= tpot_slo_s (the MLPerf "server"
// question: how much load fits under the latency bounds). 0 if not even a trickle does.
// TTFT and TPOT both grow with load, so bisection on the rate finds it.
double slo_capacity_requests_per_s(const InferenceInstance& instance, const InstanceSizing& sizing,
                                   double ttft_slo_s, double tpot_slo_s, double clock_fraction = 1.0);

// Erlang C: the probability that an arrival waits, with `servers` servers offered `erlangs`
// (< servers) of load; the batch-slot wait of the fluid models.
double erlang_c(int servers, double erlangs);

// Weight bytes one GPU of the instance holds.
double weight_bytes_per_gpu(const InferenceInstance& instance);

}  // namespace factorysim::models
