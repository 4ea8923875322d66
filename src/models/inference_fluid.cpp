#include "factorysim/models/inference_fluid.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "factorysim/catalog/llm_math.hpp"
#include "factorysim/fabric/collectives.hpp"
#include "factorysim/models/fixed_point.hpp"
#include "factorysim/models/gpu_performance.hpp"

namespace factorysim::models {
namespace {

int tp_of(const InferenceInstance& inst) { return inst.tensor > 0 ? inst.tensor : std::max(1, inst.gpus / inst.expert); }

// Expert (routed) parameters and the rest.
double expert_parameters(const catalog::LlmSpec& m) {
    return m.experts > 0 ? catalog::parameter_breakdown(m).routed_experts : 0.0;
}

// Communication of one iteration carrying `tokens` tokens through the instance (inside one
// NVLink domain; fabric/collectives.hpp): two tensor-parallel all-reduces per layer of
// each expert group's share of the tokens, and an all-to-all dispatch + combine per MoE
// layer.
double communication_s(const InferenceInstance& inst, double tokens) {
    fabric::LinkLevels links;
    links.nvlink_bytes_per_s = inst.gpu->nvlink_gb_per_s_per_direction.value * 1e9;
    links.nvlink_efficiency = inst.nvlink_efficiency;
    links.nvls = inst.nvls;
    links.nvls_efficiency = inst.nvls_efficiency;
    links.nvlink_latency_s = inst.latency_s;
    const int t = tp_of(inst), e = inst.expert;
    double s = 0.0;
    if (t > 1) {
        const double bytes = tokens / e * inst.model->hidden_size * 2.0;
        s += 2.0 * inst.model->layers * fabric::collective_time(fabric::Collective::all_reduce, bytes, {t, t}, links).seconds;
    }
    if (e > 1 && inst.model->experts > 0) {
        // Each rank sends its tokens' k expert copies (fp8 activations) to the others.
        const double bytes = tokens / e * inst.model->active_experts * inst.model->hidden_size * 1.0;
        s += 2.0 * catalog::moe_layers(*inst.model) *
             fabric::collective_time(fabric::Collective::all_to_all, bytes, {e, e}, links).seconds;
    }
    return s;
}

// Weight bytes one GPU reads in an iteration over `tokens` tokens: the non-expert shard
// and the touched part of its experts.
double weight_read_per_gpu(const InferenceInstance& inst, double tokens) {
    const double bpe = catalog::bytes_per_element(inst.precision);
    const double experts = expert_parameters(*inst.model);
    const double dense = catalog::parameters(*inst.model) - experts;
    const double t = tp_of(inst), e = inst.expert;
    double touched = 1.0;
    if (inst.model->experts > 0) {
        const double k_over_e = static_cast<double>(inst.model->active_experts) / inst.model->experts;
        touched = 1.0 - std::pow(1.0 - k_over_e, std::max(1.0, tokens));
    }
    return (dense / t + experts * touched / (t * e)) * bpe;
}

}  // namespace

double mean_decode_context(const InferenceInstance& inst) {
    return inst.input_tokens + inst.output_tokens * (1.0 + inst.output_tokens_cv * inst.output_tokens_cv) / 2.0;
}

double mean_prefill_context(const InferenceInstance& inst) {
    return catalog::causal_average_context(inst.input_tokens) * (1.0 + inst.input_tokens_cv * inst.input_tokens_cv);
}

double length_cv(const scenario::TokenDistribution& lengths) {
    if (lengths.kind == "constant") return 0.0;
    if (lengths.kind == "exponential") return 1.0;
    return lengths.cv;
}

InferenceInstance instance_for(const scenario::InferenceWorkload& service, const catalog::LlmSpec& model,
                               const catalog::GpuSpec& gpu, const scenario::Fabric& fabric) {
    InferenceInstance inst;
    inst.model = &model;
    inst.gpu = &gpu;
    inst.gpus = service.gpus_per_instance;
    inst.tensor = service.tensor;
    inst.expert = service.expert;
    inst.precision = service.precision;
    inst.input_tokens = service.input.mean;
    inst.output_tokens = service.output.mean;
    inst.input_tokens_cv = length_cv(service.input);
    inst.output_tokens_cv = length_cv(service.output);
    inst.max_batch = service.max_batch;
    inst.chunk_tokens = service.chunk_tokens;
    const double calibrated = model.serving_compute_efficiency.value;
    inst.compute_efficiency =
        service.compute_efficiency.value_or(calibrated > 0.0 ? calibrated : kDenseServingComputeEfficiency);
    inst.nvlink_efficiency = fabric.nvlink_efficiency;
    // Every inference all-reduce (prefill and decode; decode's are small and latency-bound)
    // is modelled on NCCL's ring/tree, not NVLS, whatever fabric.nvls says: with NVLS the
    // fluid model's latency leaves the request model's 20 % band at 70-90 % load, an open
    // issue (docs/models/inference.md).
    inst.nvls = false;
    inst.latency_s = fabric.latency_s;
    return inst;
}

double weight_bytes_per_gpu(const InferenceInstance& inst) {
    const double experts = expert_parameters(*inst.model);
    const double dense = catalog::parameters(*inst.model) - experts;
    return (dense / tp_of(inst) + experts / (tp_of(inst) * inst.expert)) * catalog::bytes_per_element(inst.precision);
}

catalog::Precision attention_precision(catalog::Precision weights) {
    using catalog::Precision;
    return weights == Precision::FP4 || weights == Precision::FP8 ? Precision::FP8 : weights;
}

double kv_bytes_per_token(const InferenceInstance& inst) {
    return catalog::kv_cache_bytes_per_token(*inst.model, attention_precision(inst.precision));
}

// Two rooflines, one after the other in every layer: the linear layers (weights read once
// per iteration, FLOPs at the weights' precision) and attention (the KV cache read by the
// decode tokens, FLOPs at the attention precision; decode in MLA's absorbed form). A GEMM
// cannot hide behind the attention kernel's memory traffic or the other way round.
double iteration_s(const InferenceInstance& inst, double prefill_tokens, double prefill_context, double decode_batch,
                   double decode_context, double clock_fraction) {
    const double g = inst.gpus;
    const double tokens = prefill_tokens + decode_batch;
    if (tokens <= 0.0) return 0.0;
    const auto& m = *inst.model;
    const double linear_flops = tokens * 2.0 * catalog::matmul_parameters_per_token(m) / g;
    const double attention_flops = (prefill_tokens * catalog::attention_flops_per_token(m, prefill_context) +
                                    decode_batch * catalog::decode_attention_flops_per_token(m, decode_context)) / g;
    // Each expert group attends to its own share of the sequences.
    const double kv_read = decode_batch / inst.expert * decode_context * kv_bytes_per_token(inst) / tp_of(inst);
    const KernelCost linear{linear_flops, weight_read_per_gpu(inst, tokens), inst.precision, std::nullopt};
    const KernelCost attention{attention_flops, kv_read, attention_precision(inst.precision), std::nullopt};
    // The math runs at compute_efficiency of the large-GEMM rate (and at the clock); HBM
    // traffic at the achieved bandwidth.
    const double math_fraction = clock_fraction * inst.compute_efficiency;
    // Every kernel of the pass also pays the GPU model's fixed per-GEMM time t0 (launch,
    // prologue, tail wave; gpu_performance.hpp), whatever the batch: this is what makes a
    // small batch inefficient even when its math would be compute-bound.
    const double fixed_s = catalog::kernels_per_forward(m) * GemmCalibration{}.kernel_overhead_s;
    return kernel_time(*inst.gpu, linear, math_fraction).seconds +
           kernel_time(*inst.gpu, attention, math_fraction).seconds + fixed_s + communication_s(inst, tokens);
}

double decode_iteration_s(const InferenceInstance& inst, double batch, double clock_fraction) {
    return iteration_s(inst, 0.0, 0.0, batch, mean_decode_context(inst), clock_fraction);
}

InstanceSizing size_instance(const InferenceInstance& inst, double clock_fraction) {
    if (!inst.model || !inst.gpu) throw ModelError("inference instance: no model or GPU");
    if (!(inst.compute_efficiency > 0.0 && inst.compute_efficiency <= 1.0))
        throw ModelError(fmt::format("inference instance: compute_efficiency must be in (0, 1], got {}",
                                     inst.compute_efficiency));
    InstanceSizing s;
    s.weight_bytes_per_gpu = weight_bytes_per_gpu(inst);
    s.kv_bytes_per_token_per_gpu = kv_bytes_per_token(inst) / tp_of(inst);
    const double hbm = inst.gpu->hbm_usable_gb.value * 1e9;
    if (s.weight_bytes_per_gpu >= hbm)
        throw ModelError(fmt::format("{} at {} needs {:.1f} GB of weights per GPU on {} GPUs, more than the {:.0f} GB "
                                     "usable HBM of a {}",
                                     inst.model->name, catalog::to_string(inst.precision),
                                     s.weight_bytes_per_gpu / 1e9, inst.gpus, hbm / 1e9, inst.gpu->name));
    // Each of the ep groups holds the KV cache of its own sequences.
    s.kv_capacity_tokens = inst.expert * (hbm - s.weight_bytes_per_gpu) / s.kv_bytes_per_token_per_gpu;
    const double per_sequence = inst.input_tokens + inst.output_tokens;
    s.batch_limit = static_cast<int>(std::min<double>(inst.max_batch, std::floor(s.kv_capacity_tokens / per_sequence)));
    if (s.batch_limit < 1)
        throw ModelError(fmt::format("{} on {} GPUs: the KV cache left after the weights ({:.0f} tokens) cannot hold "
                                     "one sequence of {:.0f} tokens",
                                     inst.model->name, inst.gpus, s.kv_capacity_tokens, per_sequence));
    s.prefill_s = iteration_s(inst, inst.input_tokens, mean_prefill_context(inst), 0.0, 0.0, clock_fraction);
    s.capacity_requests_per_s = capacity_requests_per_s(inst, s.batch_limit, clock_fraction);
    return s;
}

namespace {

// Steady state at lambda: the iteration time t solves
//   t = iteration_s(prefill tokens lambda I t, decode batch lambda O t)
// (per unit time lambda requests arrive, each needs I prompt tokens and O decode steps).
// The map is increasing in t; iterating from the empty-batch time converges when lambda is
// below capacity. Returns nullopt when it does not (beyond capacity).
std::optional<double> steady_iteration_s(const InferenceInstance& inst, double lambda, double clock_fraction,
                                         double* batch_out = nullptr) {
    const double ctx_p = mean_prefill_context(inst);
    const double ctx_d = mean_decode_context(inst);
    const auto t = smallest_fixed_point([&](double span_s) {
        return iteration_s(inst, lambda * inst.input_tokens * span_s, ctx_p, lambda * inst.output_tokens * span_s,
                           ctx_d, clock_fraction);
    });
    if (t && batch_out) *batch_out = lambda * inst.output_tokens * *t;
    return t;
}

}  // namespace

double erlang_c(int c, double a) {
    double b = 1.0;  // Erlang B by the stable recursion
    for (int k = 1; k <= c; ++k) b = a * b / (k + a * b);
    return c * b / (c - a * (1.0 - b));
}

double capacity_requests_per_s(const InferenceInstance& inst, int batch_limit, double clock_fraction) {
    auto feasible = [&](double lambda) {
        double b = 0.0;
        const auto t = steady_iteration_s(inst, lambda, clock_fraction, &b);
        return t && b <= batch_limit && lambda * inst.input_tokens * *t <= inst.chunk_tokens;
    };
    // To 1e-7 relative: far below every other uncertainty, and ~25 steps instead of 60
    // (the world re-sizes replicas whenever their clocks change).
    return largest_feasible(batch_limit / (inst.output_tokens * decode_iteration_s(inst, batch_limit, clock_fraction)),
                            feasible, 1e-7);
}

double slo_capacity_requests_per_s(const InferenceInstance& inst, const InstanceSizing& sizing, double ttft_slo_s,
                                   double tpot_slo_s, double clock_fraction) {
    const auto meets = [&](double lambda) {
        const auto p = operating_point(inst, sizing, lambda, clock_fraction);
        return p.ttft_p99_s <= ttft_slo_s && p.tpot_s <= tpot_slo_s;
    };
    const double hi = sizing.capacity_requests_per_s;
    if (!(hi > 0.0) || !meets(1e-9 * hi)) return 0.0;
    if (meets(hi * (1.0 - 1e-9))) return hi;
    return largest_feasible(hi, meets, 1e-6);
}

OperatingPoint operating_point(const InferenceInstance& inst, const InstanceSizing& sizing, double requests_per_s,
                               double clock_fraction) {
    OperatingPoint p;
    const double lambda = std::clamp(requests_per_s, 0.0, sizing.capacity_requests_per_s);
    p.requests_per_s = lambda;
    p.utilization = sizing.capacity_requests_per_s > 0 ? lambda / sizing.capacity_requests_per_s : 0.0;
    double b = 0.0;
    const double t = steady_iteration_s(inst, lambda, clock_fraction, &b)
                         .value_or(decode_iteration_s(inst, sizing.batch_limit, clock_fraction));
    p.batch = std::min(b, static_cast<double>(sizing.batch_limit));
    p.decode_step_s = t;
    p.prefill_share = lambda * inst.input_tokens * t / inst.chunk_tokens;  // share of the prefill budget used
    p.tpot_s = t;
    // First token: the rest of the iteration in flight (t/2 on average), then the prompt's
    // prefill iterations, each carrying a chunk of this prompt on top of the steady load;
    // plus the wait for a free batch slot: Erlang C with B slots, each held for the
    // request's prefill and decode iterations.
    const double prefill_iterations = std::ceil(inst.input_tokens / inst.chunk_tokens);
    const double chunk = std::min<double>(inst.input_tokens, inst.chunk_tokens);
    const double prefill_iteration_s =
        iteration_s(inst, chunk + lambda * inst.input_tokens * t, mean_prefill_context(inst),
                    p.batch, mean_decode_context(inst), clock_fraction);
    p.base_ttft_s = t / 2.0 + prefill_iterations * prefill_iteration_s;
    p.residual_spread_s = t;
    const int c = sizing.batch_limit;
    const double hold_s = (inst.output_tokens + prefill_iterations) * t;
    const double a = std::min(lambda * hold_s, c * 0.999);
    p.wait_probability = lambda > 0 ? erlang_c(c, a) : 0.0;
    p.wait_scale_s = hold_s / (c - a);
    const auto ttft_distribution = p.ttft();
    p.ttft_mean_s = ttft_distribution.mean_s();
    p.ttft_p50_s = ttft_distribution.quantile(0.50);
    p.ttft_p99_s = ttft_distribution.quantile(0.99);
    return p;
}

double OperatingPoint::slo_attainment(double ttft_slo_s, double tpot_slo_s) const {
    if (tpot_s > tpot_slo_s) return 0.0;
    return 1.0 - ttft().exceedance(ttft_slo_s);
}

}  // namespace factorysim::models
