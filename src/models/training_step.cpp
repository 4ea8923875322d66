#include "factorysim/models/training_step.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "factorysim/catalog/llm_math.hpp"
#include "factorysim/fabric/collectives.hpp"
#include "factorysim/models/gpu_performance.hpp"

namespace factorysim::models {
namespace {

fabric::LinkLevels links_of(const TrainingSetup& s) {
    const auto& gpu = s.rack->gpu;
    fabric::LinkLevels l;
    l.nvlink_bytes_per_s = gpu.nvlink_gb_per_s_per_direction.value * 1e9;
    l.nvlink_efficiency = s.nvlink_efficiency;
    l.nvls = s.nvls && s.rack->domain_gpus() > 1;
    l.nvls_efficiency = s.nvls_efficiency;
    l.nvlink_latency_s = s.latency_s;
    l.nic_bytes_per_s = gpu.scaleout_nic_gbit_per_s.value / 8.0 * 1e9 * s.scale_out_share;
    l.nic_efficiency = s.collective_efficiency;
    l.nic_latency_s = s.latency_s;
    l.sharp = s.sharp;
    l.oversubscription = s.oversubscription;
    return l;
}

// Ranks of a group with stride `stride` (in rank order) that share one NVLink domain.
int ranks_per_domain(int ranks, int stride, int domain_gpus) {
    return std::clamp(domain_gpus / std::max(1, stride), 1, ranks);
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

    // Compute. Linear layers run at the job's precision; attention (scores and context,
    // FlashAttention) stays in BF16 in FP8 and NVFP4 training recipes (Transformer Engine
    // defaults; NVIDIA's NVFP4 pretraining recipe), so low-precision jobs run it at the
    // BF16 rate.
    const double recompute = s.activation_recompute ? 4.0 / 3.0 : 1.0;
    const double attended = catalog::causal_average_context(s.sequence_length);
    const double attention_flops = 3.0 * catalog::attention_flops_per_token(*s.model, attended) *
                                   s.global_batch_tokens * recompute;
    const double linear_flops =
        catalog::training_flops_per_token(*s.model, s.sequence_length) * s.global_batch_tokens * recompute -
        attention_flops;
    const double peak = gpu.dense_tflops_for(s.precision) * 1e12;
    const auto attention_precision =
        s.precision == catalog::Precision::FP4 || s.precision == catalog::Precision::FP8 ? catalog::Precision::BF16
                                                                                          : s.precision;
    const auto rate_at = [&](catalog::Precision p) {
        return gpu.dense_tflops_for(p) * 1e12 * large_gemm_efficiency(gpu, p) * s.compute_efficiency * clock_fraction;
    };
    // NVFP4 jobs run a share of the linear GEMM FLOPs in FP4 and the rest in FP8
    // (fp4_gemm_fraction; docs/models/training.md).
    double linear_s = 0.0;
    if (s.precision == catalog::Precision::FP4) {
        linear_s = linear_flops * s.fp4_gemm_fraction / rate_at(catalog::Precision::FP4) +
                   linear_flops * (1.0 - s.fp4_gemm_fraction) / rate_at(catalog::Precision::FP8);
    } else {
        linear_s = linear_flops / rate_at(s.precision);
    }
    out.compute_s = (linear_s + attention_flops / rate_at(attention_precision)) / s.gpus;
    out.bubble_s = out.compute_s * (s.pipeline - 1) / (out.microbatches * s.virtual_stages);

    // Tensor parallelism: per layer, 2 all-reduces of the activations forward and 2
    // backward, each of (tokens in the microbatch on this CP rank) x hidden x 2 bytes,
    // inside NVLink.
    const auto links = links_of(s);
    const int gpus_per_domain = s.rack->domain_gpus();
    const double tokens_per_rank = static_cast<double>(s.sequence_length) / s.context;
    const double layers_per_stage = static_cast<double>(s.model->layers) / s.pipeline;
    using fabric::Collective;
    if (s.tensor > 1) {
        const double activation_bytes = tokens_per_rank * s.model->hidden_size * 2.0;
        const double per_all_reduce =
            fabric::collective_time(Collective::all_reduce, activation_bytes,
                                    {s.tensor, ranks_per_domain(s.tensor, 1, gpus_per_domain)}, links)
                .seconds;
        out.tensor_parallel_s = 4.0 * layers_per_stage * out.microbatches * per_all_reduce;  // NVLink only
    }

    // Data parallelism: bf16 gradients of this rank's shard of the model, reduced over the
    // data- and context-parallel ranks that hold the same shard (stride t in rank order).
    const double gradient_bytes = catalog::parameters(*s.model) * 2.0 / (s.tensor * s.pipeline);
    const int dp_ranks = out.data_parallel * s.context;
    const int dp_per_domain = ranks_per_domain(dp_ranks, s.tensor, gpus_per_domain);
    const auto dp = fabric::collective_time(Collective::all_reduce, gradient_bytes, {dp_ranks, dp_per_domain}, links);
    out.data_parallel_s = dp.seconds;
    out.scale_out_bytes_per_gpu += dp.nic_bytes;
    out.data_parallel_domains = (dp_ranks + dp_per_domain - 1) / dp_per_domain;
    out.data_parallel_exposed_s = std::max(0.0, out.data_parallel_s - s.overlap * out.compute_s);

    // Context parallelism: each rank gathers the keys and values of the other ranks' chunks
    // (all-gather forward; all-gather + reduce-scatter backward).
    if (s.context > 1) {
        const double kv_bytes = static_cast<double>(s.sequence_length) * 2.0 * s.model->kv_heads *
                                s.model->head_dim * 2.0;  // K and V, bf16
        const auto gather = fabric::collective_time(
            Collective::all_gather, kv_bytes, {s.context, ranks_per_domain(s.context, s.tensor, gpus_per_domain)}, links);
        const double count = 3.0 * layers_per_stage * out.microbatches;
        out.context_parallel_s = (1.0 - s.overlap) * count * gather.seconds;
        out.scale_out_bytes_per_gpu += count * gather.nic_bytes;
    }
    // Expert parallelism: every routed token goes to k experts and comes back (all-to-all
    // dispatch and combine, forward and backward).
    if (s.expert > 1 && s.model->experts > 0) {
        const double moe_layers = static_cast<double>(catalog::moe_layers(*s.model)) / s.pipeline;
        const double bytes = tokens_per_rank / s.tensor * s.model->active_experts * s.model->hidden_size *
                             catalog::bytes_per_element(s.precision == catalog::Precision::FP4 ? catalog::Precision::FP8
                                                                                               : s.precision);
        const auto exchange = fabric::collective_time(
            Collective::all_to_all, bytes,
            {s.expert, ranks_per_domain(s.expert, s.tensor * s.context, gpus_per_domain)}, links);
        const double count = 4.0 * moe_layers * out.microbatches;
        out.expert_parallel_s = (1.0 - s.overlap) * count * exchange.seconds;
        out.scale_out_bytes_per_gpu += count * exchange.nic_bytes;
    }

    out.step_s = out.compute_s + out.bubble_s + out.exposed_communication_s();
    out.tokens_per_s = out.tokens_per_step / out.step_s;
    out.mfu = catalog::model_flops_per_token_6nd(*s.model) * out.tokens_per_s / (s.gpus * peak);
    return out;
}

double checkpoint_bytes(const catalog::LlmSpec& model) { return catalog::parameters(model) * 14.0; }

}  // namespace factorysim::models
