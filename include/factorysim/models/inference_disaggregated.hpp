// Disaggregated prefill/decode serving (docs/models/inference.md#disaggregated-prefill-and-decode):
// a prefill pool and a decode pool of identical instances each, on the same iteration-time
// model as colocated serving (models/inference_fluid.hpp), with one side of every iteration
// empty. Mean prompt length I, output length O, chunk budget C, clock fraction f.
//
//   KV transfer   bytes = KV_tok(p) I        (llm_math kv_cache_bytes_per_token: L x 2 x kv heads x
//                                             head dim x bytes(p); MLA: L x (kv_lora_rank + rope dim) x bytes)
//                 s_kv  = alpha_kv + bytes / (min(tp_p, tp_d) x W_link x e_kv)
//                 W_link: NVLink per direction when the whole service sits in one NVLink domain,
//                 else the GPU's scale-out NIC (fabric::collective_time, send_recv)
//   prefill       t_p = iteration_s(lambda_p I t_p, I/2, 0, 0)                    (fixed point)
//                 lambda_p,max = C / (I iteration_s(C, I/2, 0, 0))                  (budget full)
//   decode        t_d = iteration_s(0, 0, b, I + O/2),  b = lambda_d O t_d          (fixed point)
//                 lambda_d,max: the largest lambda_d with b <= B_d = min(max_batch, KV_cap,d / (I + O))
//   service       lambda_max = min(P_up lambda_p,max, D_up lambda_d,max), split evenly per pool
//   TTFT = prefill wait + prefill + s_kv + decode join + first decode iteration;  TPOT = t_d
#pragma once

#include "factorysim/models/inference_fluid.hpp"

namespace factorysim::models {

// The path a request's KV cache takes from its prefill instance to its decode instance.
struct KvLink {
    bool nvlink = false;        // both instances in one NVLink domain; else the scale-out NICs
    double bytes_per_s = 0.0;   // per GPU pair, nominal, one direction
    double efficiency = 0.8;    // achieved / nominal
    double latency_s = 10e-6;   // per transfer
    int lanes = 1;              // GPU pairs sending shards at once: min(tp_prefill, tp_decode)
};

struct DisaggregatedService {
    InferenceInstance prefill;  // same model, precision and lengths as decode; its own gpus, tp, ep
    InferenceInstance decode;
    int prefill_replicas = 1;
    int decode_replicas = 1;
    KvLink kv;
};

// Builds the two pools of a scenario's disaggregated service (service.disaggregation set).
// `same_nvlink_domain`: the placement put every instance of the service in one NVLink domain.
DisaggregatedService disaggregated_for(const scenario::InferenceWorkload& service, const catalog::LlmSpec& model,
                                       const catalog::GpuSpec& gpu, const scenario::Fabric& fabric,
                                       bool same_nvlink_domain);

// KV cache bytes of one request's prompt (all layers, all heads: what crosses the link).
double kv_transfer_bytes(const InferenceInstance& instance, double input_tokens);
// Time to move them: alpha + bytes / (lanes x link x efficiency).
double kv_transfer_s(const KvLink& link, double bytes);

struct DisaggregatedSizing {
    InstanceSizing prefill;  // weights, KV capacity (prefill_s: one prompt alone)
    InstanceSizing decode;   // batch_limit: min(max_batch, KV capacity / (I + O))
    double prefill_capacity_requests_per_s = 0.0;  // one prefill instance
    double decode_capacity_requests_per_s = 0.0;   // one decode instance
    double kv_bytes = 0.0;                         // per request of mean length
    double kv_transfer_s = 0.0;
};

// Throws ModelError (with the sizes) if a pool's weights, or one sequence, do not fit.
DisaggregatedSizing size_disaggregated(const DisaggregatedService& service, double clock_fraction = 1.0);

// Service capacity with `prefill_up` and `decode_up` instances up.
double disaggregated_capacity_requests_per_s(const DisaggregatedSizing& sizing, int prefill_up, int decode_up);

struct DisaggregatedPoint {
    // The service as a whole: requests_per_s served by all instances, batch = decode batch per
    // decode instance, tpot_s = t_d, TTFT's base and one exponential wait tail (the prefill
    // queue's and the decode slots' waits merged: same mean, probability of any wait).
    OperatingPoint service;
    double prefill_utilization = 0.0;  // served / capacity of the prefill instances up
    double decode_utilization = 0.0;
    double prefill_iteration_s = 0.0;  // t_p
    double prefill_s = 0.0;            // prefill part of TTFT: wait for the iteration in flight, own iterations, queue
    double decode_join_s = 0.0;        // wait for the decode iteration in flight, then the first one
};

// The steady state at `requests_per_s` offered to the whole service (clamped to its capacity).
DisaggregatedPoint operating_point(const DisaggregatedService& service, const DisaggregatedSizing& sizing,
                                   double requests_per_s, int prefill_up, int decode_up, double clock_fraction = 1.0);

// The largest service rate (all instances up, full clocks) whose steady p99 TTFT and TPOT
// meet the objectives; 0 if not even a trickle does.
double slo_capacity_requests_per_s(const DisaggregatedService& service, const DisaggregatedSizing& sizing,
                                   double ttft_slo_s, double tpot_slo_s);

}  // namespace factorysim::models
