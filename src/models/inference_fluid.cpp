#include "factorysim/models/inference_fluid.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "factorysim/catalog/llm_math.hpp"
#include "factorysim/models/gpu_performance.hpp"

namespace factorysim::models {
namespace {

double mean_decode_context(const InferenceInstance& inst) { return inst.input_tokens + inst.output_tokens / 2.0; }

// Two all-reduces per layer of b tokens x hidden x 2 bytes among g GPUs over NVLink.
double tensor_parallel_s(const InferenceInstance& inst, double tokens) {
    if (inst.gpus <= 1) return 0.0;
    const double g = inst.gpus;
    const double bw = inst.gpu->nvlink_gb_per_s_per_direction.value * 1e9 * inst.nvlink_efficiency;
    const double bytes = tokens * inst.model->hidden_size * 2.0;
    const double one = 2.0 * (g - 1.0) / g * bytes / bw + 2.0 * (g - 1.0) * inst.latency_s;
    return 2.0 * inst.model->layers * one;
}

// The M/M/1-style waiting-time quantile: P(W > w) = rho exp(-w / scale).
double wait_quantile(double rho, double scale_s, double q) {
    if (rho <= 1.0 - q) return 0.0;
    return scale_s * std::log(rho / (1.0 - q));
}

}  // namespace

double decode_iteration_s(const InferenceInstance& inst, double batch, double clock_fraction) {
    const double g = inst.gpus;
    const double weights = catalog::weight_bytes(*inst.model, inst.precision) / g;
    // MoE: only the experts the batch touches are read; with b tokens choosing k of E
    // experts, the expected fraction touched is 1 - (1 - k/E)^b.
    double weight_read = weights;
    if (inst.model->experts > 0) {
        const double routed = catalog::parameter_breakdown(*inst.model).routed_experts;
        const double k_over_e = static_cast<double>(inst.model->active_experts) / inst.model->experts;
        const double touched = 1.0 - std::pow(1.0 - k_over_e, batch);
        weight_read = (catalog::parameters(*inst.model) - routed * (1.0 - touched)) *
                      catalog::bytes_per_element(inst.precision) / g;
    }
    const double kv = catalog::kv_cache_bytes_per_token(*inst.model, inst.precision) / g * batch *
                      mean_decode_context(inst);
    const double flops = catalog::forward_flops_per_token(*inst.model, mean_decode_context(inst)) * batch / g;
    KernelCost cost{flops, weight_read + kv, inst.precision, std::nullopt};
    return kernel_time(*inst.gpu, cost, clock_fraction).seconds + tensor_parallel_s(inst, batch);
}

InstanceSizing size_instance(const InferenceInstance& inst, double clock_fraction) {
    if (!inst.model || !inst.gpu) throw ModelError("inference instance: no model or GPU");
    InstanceSizing s;
    const double g = inst.gpus;
    s.weight_bytes_per_gpu = catalog::weight_bytes(*inst.model, inst.precision) / g;
    s.kv_bytes_per_token_per_gpu = catalog::kv_cache_bytes_per_token(*inst.model, inst.precision) / g;
    const double hbm = inst.gpu->hbm_usable_gb.value * 1e9;
    if (s.weight_bytes_per_gpu >= hbm)
        throw ModelError(fmt::format("{} at {} needs {:.1f} GB of weights per GPU on {} GPUs, more than the {:.0f} GB "
                                     "usable HBM of a {}",
                                     inst.model->name, catalog::to_string(inst.precision),
                                     s.weight_bytes_per_gpu / 1e9, inst.gpus, hbm / 1e9, inst.gpu->name));
    s.kv_capacity_tokens = (hbm - s.weight_bytes_per_gpu) / s.kv_bytes_per_token_per_gpu;
    const double per_sequence = inst.input_tokens + inst.output_tokens;
    s.batch_limit = static_cast<int>(std::min<double>(inst.max_batch, std::floor(s.kv_capacity_tokens / per_sequence)));
    if (s.batch_limit < 1)
        throw ModelError(fmt::format("{} on {} GPUs: the KV cache left after the weights ({:.0f} tokens) cannot hold "
                                     "one sequence of {:.0f} tokens",
                                     inst.model->name, inst.gpus, s.kv_capacity_tokens, per_sequence));
    const double prefill_flops = catalog::prefill_flops_per_token(*inst.model, inst.input_tokens) *
                                 inst.input_tokens / g;
    KernelCost prefill{prefill_flops, s.weight_bytes_per_gpu, inst.precision, std::nullopt};
    s.prefill_s = kernel_time(*inst.gpu, prefill, clock_fraction).seconds + tensor_parallel_s(inst, inst.input_tokens);
    const double b = s.batch_limit;
    s.capacity_requests_per_s = b / (inst.output_tokens * decode_iteration_s(inst, b, clock_fraction) + b * s.prefill_s);
    return s;
}

OperatingPoint operating_point(const InferenceInstance& inst, const InstanceSizing& sizing, double requests_per_s,
                               double clock_fraction) {
    OperatingPoint p;
    const double lambda = std::clamp(requests_per_s, 0.0, sizing.capacity_requests_per_s);
    p.requests_per_s = lambda;
    p.utilization = lambda / sizing.capacity_requests_per_s;
    p.prefill_share = lambda * sizing.prefill_s;
    // Fixed point b = lambda O t_d(b) / (1 - rho_p): the map is increasing and bounded by
    // the batch limit at capacity, so iterating from b = 1 converges monotonically.
    double b = 1.0;
    for (int i = 0; i < 200; ++i) {
        const double next = std::clamp(lambda * inst.output_tokens * decode_iteration_s(inst, b, clock_fraction) /
                                           (1.0 - p.prefill_share),
                                       1.0, static_cast<double>(sizing.batch_limit));
        if (std::abs(next - b) < 1e-9 * b) {
            b = next;
            break;
        }
        b = next;
    }
    p.batch = b;
    p.decode_step_s = decode_iteration_s(inst, b, clock_fraction);
    p.tpot_s = p.decode_step_s / (1.0 - p.prefill_share);
    p.base_ttft_s = sizing.prefill_s + p.decode_step_s;
    const double rho = std::min(p.prefill_share, 0.999);
    p.wait_scale_s = sizing.prefill_s / (1.0 - rho);
    p.ttft_mean_s = p.base_ttft_s + rho * p.wait_scale_s;
    p.ttft_p50_s = p.base_ttft_s + wait_quantile(rho, p.wait_scale_s, 0.50);
    p.ttft_p99_s = p.base_ttft_s + wait_quantile(rho, p.wait_scale_s, 0.99);
    return p;
}

double OperatingPoint::slo_attainment(double ttft_slo_s, double tpot_slo_s) const {
    if (tpot_s > tpot_slo_s) return 0.0;
    const double slack = ttft_slo_s - base_ttft_s;
    if (slack < 0.0) return 0.0;
    const double rho = std::min(prefill_share, 0.999);
    return 1.0 - rho * std::exp(-slack / wait_scale_s);
}

}  // namespace factorysim::models
