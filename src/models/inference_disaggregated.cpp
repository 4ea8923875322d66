#include "factorysim/models/inference_disaggregated.hpp"

#include <algorithm>
#include <cmath>
#include <optional>

#include <fmt/format.h>

#include "factorysim/catalog/llm_math.hpp"
#include "factorysim/fabric/collectives.hpp"
#include "factorysim/models/fixed_point.hpp"

namespace factorysim::models {
namespace {

int tp_of(const InferenceInstance& inst) { return inst.tensor > 0 ? inst.tensor : std::max(1, inst.gpus / inst.expert); }

double prefill_context(const InferenceInstance& inst) { return mean_prefill_context(inst); }

// Prefill-only iteration over `tokens` prompt tokens.
double prefill_iteration_s(const InferenceInstance& inst, double tokens, double clock) {
    return iteration_s(inst, tokens, prefill_context(inst), 0.0, 0.0, clock);
}

// Prefill instance at lambda requests/s: the iteration time while it carries the steady load.
std::optional<double> steady_prefill_s(const InferenceInstance& inst, double lambda, double clock) {
    return smallest_fixed_point(
        [&](double t) { return prefill_iteration_s(inst, lambda * inst.input_tokens * t, clock); });
}

// Decode instance at lambda requests/s: every request decodes O tokens, b = lambda O t.
std::optional<double> steady_decode_s(const InferenceInstance& inst, double lambda, double clock) {
    return smallest_fixed_point(
        [&](double t) { return decode_iteration_s(inst, lambda * inst.output_tokens * t, clock); });
}

// The token budget bounds a prefill instance: at capacity every iteration prefills C tokens.
double prefill_capacity(const InferenceInstance& inst, double clock) {
    return inst.chunk_tokens / (inst.input_tokens * prefill_iteration_s(inst, inst.chunk_tokens, clock));
}

// The batch limit bounds a decode instance (bisection as capacity_requests_per_s).
double decode_capacity(const InferenceInstance& inst, int batch_limit, double clock) {
    const auto feasible = [&](double lambda) {
        const auto t = steady_decode_s(inst, lambda, clock);
        return t && lambda * inst.output_tokens * *t <= batch_limit;
    };
    return largest_feasible(batch_limit / (inst.output_tokens * decode_iteration_s(inst, batch_limit, clock)), feasible,
                            1e-7);
}

InferenceInstance pool_instance(const scenario::InferenceWorkload& service, const scenario::InferencePool& pool,
                                const catalog::LlmSpec& model, const catalog::GpuSpec& gpu,
                                const scenario::Fabric& fabric) {
    scenario::InferenceWorkload shaped = service;
    shaped.gpus_per_instance = pool.gpus;
    shaped.tensor = pool.tensor;
    shaped.expert = pool.expert;
    return instance_for(shaped, model, gpu, fabric);
}

}  // namespace

DisaggregatedService disaggregated_for(const scenario::InferenceWorkload& service, const catalog::LlmSpec& model,
                                       const catalog::GpuSpec& gpu, const scenario::Fabric& fabric,
                                       bool same_nvlink_domain) {
    if (!service.disaggregation) throw ModelError(fmt::format("service {} is not disaggregated", service.name));
    const auto& d = *service.disaggregation;
    DisaggregatedService s;
    s.prefill = pool_instance(service, d.prefill, model, gpu, fabric);
    s.decode = pool_instance(service, d.decode, model, gpu, fabric);
    s.prefill_replicas = d.prefill.replicas;
    s.decode_replicas = d.decode.replicas;
    s.kv.nvlink = same_nvlink_domain;
    s.kv.bytes_per_s = same_nvlink_domain ? gpu.nvlink_gb_per_s_per_direction.value * 1e9
                                          : gpu.scaleout_nic_gbit_per_s.value / 8.0 * 1e9;
    s.kv.efficiency = d.kv_efficiency;
    s.kv.latency_s = d.kv_latency_s;
    // Each GPU holds its tp share of the KV heads; the shards move in parallel, pairwise.
    s.kv.lanes = std::min(tp_of(s.prefill), tp_of(s.decode));
    return s;
}

double kv_transfer_bytes(const InferenceInstance& inst, double input_tokens) {
    return kv_bytes_per_token(inst) * input_tokens;
}

double kv_transfer_s(const KvLink& link, double bytes) {
    if (bytes <= 0.0) return 0.0;
    // One point-to-point transfer per lane, through the fabric model's send/recv: inside the
    // domain over NVLink, else through the NICs.
    fabric::LinkLevels levels;
    levels.nvlink_bytes_per_s = link.bytes_per_s;
    levels.nvlink_efficiency = link.efficiency;
    levels.nvlink_latency_s = link.latency_s;
    levels.nic_bytes_per_s = link.bytes_per_s;
    levels.nic_efficiency = link.efficiency;
    levels.nic_latency_s = link.latency_s;
    const fabric::Group pair{2, link.nvlink ? 2 : 1};
    return fabric::collective_time(fabric::Collective::send_recv, bytes / std::max(1, link.lanes), pair, levels).seconds;
}

DisaggregatedSizing size_disaggregated(const DisaggregatedService& service, double clock_fraction) {
    DisaggregatedSizing s;
    s.prefill = size_instance(service.prefill, clock_fraction);
    s.decode = size_instance(service.decode, clock_fraction);
    s.prefill_capacity_requests_per_s = prefill_capacity(service.prefill, clock_fraction);
    s.decode_capacity_requests_per_s = decode_capacity(service.decode, s.decode.batch_limit, clock_fraction);
    s.kv_bytes = kv_transfer_bytes(service.prefill, service.prefill.input_tokens);
    s.kv_transfer_s = kv_transfer_s(service.kv, s.kv_bytes);
    return s;
}

double disaggregated_capacity_requests_per_s(const DisaggregatedSizing& sizing, int prefill_up, int decode_up) {
    return std::min(prefill_up * sizing.prefill_capacity_requests_per_s,
                    decode_up * sizing.decode_capacity_requests_per_s);
}

DisaggregatedPoint operating_point(const DisaggregatedService& service, const DisaggregatedSizing& sizing,
                                   double requests_per_s, int prefill_up, int decode_up, double clock_fraction) {
    DisaggregatedPoint d;
    OperatingPoint& p = d.service;
    const double capacity = disaggregated_capacity_requests_per_s(sizing, prefill_up, decode_up);
    const double lambda = std::clamp(requests_per_s, 0.0, capacity);
    p.requests_per_s = lambda;
    p.utilization = capacity > 0.0 ? lambda / capacity : 0.0;
    if (capacity <= 0.0) return d;
    const auto& pre = service.prefill;
    const auto& dec = service.decode;
    const double lambda_p = lambda / prefill_up, lambda_d = lambda / decode_up;
    d.prefill_utilization = lambda_p / sizing.prefill_capacity_requests_per_s;
    d.decode_utilization = lambda_d / sizing.decode_capacity_requests_per_s;

    // Prefill: an arrival waits for the iteration in flight if the instance is busy (the
    // share of time it iterates, beta), then its ceil(I/C) iterations each carry one chunk
    // of its prompt on top of the steady load; beyond that it queues for the token budget
    // like an M/D/1 queue whose service time is one request's share of a full iteration.
    const double t_p = steady_prefill_s(pre, lambda_p, clock_fraction)
                           .value_or(prefill_iteration_s(pre, pre.chunk_tokens, clock_fraction));
    d.prefill_iteration_s = t_p;
    const double iterations = std::ceil(pre.input_tokens / pre.chunk_tokens);
    const double chunk = std::min<double>(pre.input_tokens, pre.chunk_tokens);
    const double t_own = prefill_iteration_s(pre, chunk + lambda_p * pre.input_tokens * t_p, clock_fraction);
    const double beta = std::min(1.0, lambda_p * iterations * t_own);
    const double rho_p = std::min(d.prefill_utilization, 0.999);
    const double service_s = 1.0 / sizing.prefill_capacity_requests_per_s;
    const double queue_mean_s = service_s * rho_p * rho_p / (2.0 * (1.0 - rho_p));
    d.prefill_s = beta * t_own / 2.0 + iterations * t_own + queue_mean_s;

    // Decode: the request joins at the end of the iteration in flight (if any sequence is
    // decoding: probability min(1, b)), its first token comes at the end of the next one; it
    // waits for a batch slot (Erlang C, B_d slots each held for O t_d) when all are taken.
    double t_d = steady_decode_s(dec, lambda_d, clock_fraction)
                     .value_or(decode_iteration_s(dec, sizing.decode.batch_limit, clock_fraction));
    const double batch = std::min(lambda_d * dec.output_tokens * t_d, static_cast<double>(sizing.decode.batch_limit));
    d.decode_join_s = std::min(1.0, batch) * t_d / 2.0 + t_d;
    const int slots = sizing.decode.batch_limit;
    const double hold_s = dec.output_tokens * t_d;
    const double erlangs = std::min(lambda_d * hold_s, slots * 0.999);
    const double slot_wait_p = lambda_d > 0 ? erlang_c(slots, erlangs) : 0.0;
    const double slot_wait_mean_s = slot_wait_p * hold_s / (slots - erlangs);

    p.batch = batch;
    p.decode_step_s = t_d;
    p.tpot_s = t_d;
    p.prefill_share = lambda_p * pre.input_tokens * t_p / pre.chunk_tokens;
    p.base_ttft_s = beta * t_own / 2.0 + iterations * t_own + sizing.kv_transfer_s + d.decode_join_s;
    // One tail for both waits: an arrival waits in the prefill queue (probability rho_p) or
    // for a decode slot; the tail keeps their summed mean.
    const double wait_mean_s = queue_mean_s + slot_wait_mean_s;
    p.wait_probability = std::min(0.999, 1.0 - (1.0 - rho_p) * (1.0 - slot_wait_p));
    p.wait_scale_s = p.wait_probability > 0.0 ? wait_mean_s / p.wait_probability : 0.0;
    p.ttft_mean_s = p.base_ttft_s + wait_mean_s;
    const auto quantile = [&](double q) {
        return p.wait_probability <= 1.0 - q ? 0.0 : p.wait_scale_s * std::log(p.wait_probability / (1.0 - q));
    };
    p.ttft_p50_s = p.base_ttft_s + quantile(0.50);
    p.ttft_p99_s = p.base_ttft_s + quantile(0.99);
    return d;
}

double slo_capacity_requests_per_s(const DisaggregatedService& service, const DisaggregatedSizing& sizing,
                                   double ttft_slo_s, double tpot_slo_s) {
    const int up_p = service.prefill_replicas, up_d = service.decode_replicas;
    const auto meets = [&](double lambda) {
        const auto p = operating_point(service, sizing, lambda, up_p, up_d).service;
        return p.ttft_p99_s <= ttft_slo_s && p.tpot_s <= tpot_slo_s;
    };
    double lo = 0.0, hi = disaggregated_capacity_requests_per_s(sizing, up_p, up_d);
    if (!(hi > 0.0) || !meets(1e-9 * hi)) return 0.0;
    if (meets(hi * (1.0 - 1e-9))) return hi;
    for (int i = 0; i < 60 && hi - lo > 1e-6 * hi; ++i) {
        const double mid = 0.5 * (lo + hi);
        (meets(mid) ? lo : hi) = mid;
    }
    return lo;
}

}  // namespace factorysim::models
