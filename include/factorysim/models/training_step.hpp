// Analytical step time of a data/tensor/pipeline-parallel LLM training job
// (docs/models/training.md has the derivation and the calibration).
//
//   t_step    = t_compute + t_bubble + t_tp + t_dp_exposed + t_cp_exposed + t_ep_exposed
//   t_compute = (F_lin / R_p + F_att / R_bf16) / N             linear-layer GEMMs at the job's precision
//               (fp4: a share fp4_gemm_fraction in NVFP4, the rest FP8), attention in BF16 for
//               FP8/FP4 jobs; R = peak * e_gemm * e_c * f; x 4/3 FLOPs with recompute
//   t_bubble  = t_compute * (p - 1) / (m * v)                  m microbatches per replica, v virtual stages
//   t_tp      = 4 (L/p) m C(all_reduce, s h 2 B, t, t)         activations inside the NVLink domain
//   t_dp      = C(all_reduce, 2 P / (t p), d c, g)              bf16 gradients; g = min(d c, domain / t)
//   t_dp_exposed = max(0, t_dp - overlap * t_compute)
//   t_cp      = (1 - overlap) 3 (L/p) m C(all_gather, K, c, .)  K = KV bytes of the sequence per layer
//   t_ep      = (1 - overlap) 4 (L_moe/p) m C(all_to_all, T k h b / t, e, .)
// C(op, bytes, ranks, ranks per domain) is fabric/collectives.hpp: ring, tree or NVLS inside
// a domain, hierarchical across domains over the scale-out NICs (docs/models/fabric.md).
// e_gemm: large-GEMM efficiency of the GPU at precision p (gpu_performance.hpp); e_c: the
// step's compute efficiency relative to large GEMMs; f: clock fraction (power caps,
// throttling). Ranks are in order TP, CP, DP, PP (PP outermost). Pipeline send/receive
// between stages is not modelled.
#pragma once

#include "factorysim/catalog/catalog.hpp"
#include "factorysim/core/error.hpp"

namespace factorysim::models {

struct TrainingSetup {
    const catalog::LlmSpec* model = nullptr;
    const catalog::RackSpec* rack = nullptr;
    int gpus = 0;
    int tensor = 1;
    int pipeline = 1;
    int virtual_stages = 1;
    int context = 1;
    int expert = 1;
    double global_batch_tokens = 0.0;
    int sequence_length = 0;
    catalog::Precision precision = catalog::Precision::BF16;
    double compute_efficiency = 0.8;
    double overlap = 0.8;
    bool activation_recompute = false;
    double nvlink_efficiency = 0.8;
    double collective_efficiency = 0.8;
    double latency_s = 10e-6;
    bool nvls = true;                // NVSwitch in-network reduction where the rack has it
    double nvls_efficiency = 0.61;
    bool sharp = false;              // scale-out in-network reduction
    double oversubscription = 1.0;   // of the scale-out fabric
    // Per-GPU scale-out bandwidth as a fraction of the NIC's line rate after contention
    // with other jobs (the flow-level fabric model sets it; 1 with the analytical model).
    double scale_out_share = 1.0;
    // Share of the linear-layer GEMM FLOPs an "fp4" job runs in NVFP4 (the rest in FP8).
    // 1/3 = the forward GEMMs of fprop/dgrad/wgrad; calibrated with MLPerf Training v5.1
    // (NVFP4, 2.24 s/step on 5,120 GB200), whose throughput is 1.2x the v5.0 FP8 one.
    double fp4_gemm_fraction = 1.0 / 3.0;
};

struct StepTime {
    double step_s = 0.0;
    double compute_s = 0.0;  // math, no bubble
    double bubble_s = 0.0;
    double tensor_parallel_s = 0.0;
    double data_parallel_s = 0.0;          // total DP collective time
    double data_parallel_exposed_s = 0.0;  // not hidden by compute
    double context_parallel_s = 0.0;       // exposed
    double expert_parallel_s = 0.0;        // exposed
    int data_parallel = 1;
    double microbatches = 1.0;
    double tokens_per_step = 0.0;
    double tokens_per_s = 0.0;
    double mfu = 0.0;  // 6 N_active tokens/s / (N GPUs x dense peak)
    double scale_out_bytes_per_gpu = 0.0;  // sent through each GPU's NIC per step (all collectives)
    int data_parallel_domains = 1;         // NVLink domains one DP group spans
    double exposed_communication_s() const {
        return tensor_parallel_s + data_parallel_exposed_s + context_parallel_s + expert_parallel_s;
    }
};

// Throws ModelError on an inconsistent setup (the scenario loader reports these as input
// errors first, with JSON pointers).
StepTime training_step_time(const TrainingSetup& setup, double clock_fraction = 1.0);

// Bytes of a full checkpoint: weights (2 B, bf16) + fp32 master weights and two Adam
// moments (12 B) per parameter.
double checkpoint_bytes(const catalog::LlmSpec& model);

}  // namespace factorysim::models
