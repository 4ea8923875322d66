#include "factorysim/models/training_step.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "factorysim/catalog/llm_math.hpp"
#include "factorysim/models/gpu_performance.hpp"

namespace factorysim::models {
namespace {

// All-reduce of `bytes` among n ranks: the ring's bandwidth term 2 (n-1)/n bytes, and the
// latency of a tree, 2 ceil(log2 n) alpha (NCCL picks tree or one-shot algorithms when
// latency matters, so the ring's 2 (n-1) alpha would overstate it at scale).
double ring_all_reduce_s(double bytes, int n, double bandwidth_bytes_per_s, double latency_s) {
    if (n <= 1) return 0.0;
    const double k = static_cast<double>(n);
    return 2.0 * (k - 1.0) / k * bytes / bandwidth_bytes_per_s + 2.0 * std::ceil(std::log2(k)) * latency_s;
}

}  // namespace

StepTime training_step_time(const TrainingSetup& s, double clock_fraction) {
    if (!s.model || !s.rack) throw ModelError("training step: no model or rack");
    const int model_parallel = s.tensor * s.pipeline * s.context;
    if (s.gpus <= 0 || model_parallel <= 0 || s.expert <= 0 || s.gpus % model_parallel != 0)
        throw ModelError(fmt::format("training step: {} GPUs are not divisible by TP {} x PP {} x CP {}", s.gpus,
                                     s.tensor, s.pipeline, s.context));
    if (!(clock_fraction > 0.0 && clock_fraction <= 1.0))
        throw ModelError(fmt::format("training step: clock fraction {} outside (0, 1]", clock_fraction));
    const auto& gpu = s.rack->gpu;
    StepTime out;
    out.data_parallel = s.gpus / model_parallel;
    out.tokens_per_step = s.global_batch_tokens;
    const double sequences_per_replica = s.global_batch_tokens / s.sequence_length / out.data_parallel;
    out.microbatches = std::max(1.0, std::floor(sequences_per_replica));  // microbatch = one sequence

    // Compute.
    const double recompute = s.activation_recompute ? 4.0 / 3.0 : 1.0;
    const double flops = catalog::training_flops_per_token(*s.model, s.sequence_length) * s.global_batch_tokens *
                         recompute;
    const double peak = gpu.dense_tflops_for(s.precision) * 1e12;
    const double rate = peak * large_gemm_efficiency(gpu, s.precision) * s.compute_efficiency * clock_fraction;
    out.compute_s = flops / (s.gpus * rate);
    out.bubble_s = out.compute_s * (s.pipeline - 1) / (out.microbatches * s.virtual_stages);

    // Tensor parallelism: per layer, 2 all-reduces of the activations forward and 2
    // backward, each of (tokens in the microbatch on this CP rank) x hidden x 2 bytes,
    // inside NVLink.
    const double nvlink = gpu.nvlink_gb_per_s_per_direction.value * 1e9 * s.nvlink_efficiency;
    const double nic = gpu.scaleout_nic_gbit_per_s.value / 8.0 * 1e9 * s.collective_efficiency;
    const int gpus_per_domain = s.rack->domain_gpus();
    const double tokens_per_rank = static_cast<double>(s.sequence_length) / s.context;
    const double layers_per_stage = static_cast<double>(s.model->layers) / s.pipeline;
    if (s.tensor > 1) {
        const double activation_bytes = tokens_per_rank * s.model->hidden_size * 2.0;
        const double per_all_reduce = ring_all_reduce_s(activation_bytes, s.tensor, nvlink, s.latency_s);
        out.tensor_parallel_s = 4.0 * layers_per_stage * out.microbatches * per_all_reduce;
    }

    // Data parallelism: bf16 gradients of this rank's shard of the model, reduced over the
    // data- and context-parallel ranks that hold the same shard.
    const double gradient_bytes = catalog::parameters(*s.model) * 2.0 / (s.tensor * s.pipeline);
    const bool dp_inside_domain = s.gpus <= gpus_per_domain;
    out.data_parallel_s =
        ring_all_reduce_s(gradient_bytes, out.data_parallel * s.context, dp_inside_domain ? nvlink : nic, s.latency_s);
    out.data_parallel_exposed_s = std::max(0.0, out.data_parallel_s - s.overlap * out.compute_s);

    // Context parallelism: each rank gathers the keys and values of the other ranks' chunks.
    if (s.context > 1) {
        const double kv_bytes = static_cast<double>(s.sequence_length) * 2.0 * s.model->kv_heads *
                                s.model->head_dim * 2.0;  // K and V, bf16
        const double c = s.context;
        const bool inside = s.tensor * s.context <= gpus_per_domain;
        out.context_parallel_s = (1.0 - s.overlap) * 3.0 * layers_per_stage * out.microbatches * (c - 1.0) / c *
                                 kv_bytes / (inside ? nvlink : nic);
    }
    // Expert parallelism: every routed token goes to k experts and comes back.
    if (s.expert > 1 && s.model->experts > 0) {
        const double e = s.expert;
        const double moe_layers = static_cast<double>(catalog::moe_layers(*s.model)) / s.pipeline;
        const double bytes = tokens_per_rank / s.tensor * s.model->active_experts * s.model->hidden_size *
                             catalog::bytes_per_element(s.precision == catalog::Precision::FP4 ? catalog::Precision::FP8
                                                                                               : s.precision);
        const bool inside = s.tensor * s.expert <= gpus_per_domain;
        out.expert_parallel_s = (1.0 - s.overlap) * 4.0 * moe_layers * out.microbatches * (e - 1.0) / e * bytes /
                                (inside ? nvlink : nic);
    }

    out.step_s = out.compute_s + out.bubble_s + out.exposed_communication_s();
    out.tokens_per_s = out.tokens_per_step / out.step_s;
    out.mfu = catalog::model_flops_per_token_6nd(*s.model) * out.tokens_per_s / (s.gpus * peak);
    return out;
}

double checkpoint_bytes(const catalog::LlmSpec& model) { return catalog::parameters(model) * 14.0; }

}  // namespace factorysim::models
