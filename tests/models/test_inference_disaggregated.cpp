// Closed forms of disaggregated serving: the KV cache a request sends from its prefill
// instance to its decode instance, the time it takes on each link, and the pool capacities.
#include <catch2/catch.hpp>

#include <algorithm>

#include "factorysim/catalog/catalog.hpp"
#include "factorysim/models/inference_disaggregated.hpp"

namespace fm = factorysim::models;
namespace cat = factorysim::catalog;
using cat::Catalog;

namespace {

fm::DisaggregatedService service(const std::string& rack, int prefill_tp, int decode_tp, bool nvlink) {
    const auto& gpu = Catalog::builtin().rack(rack).gpu;
    fm::DisaggregatedService s;
    for (auto* inst : {&s.prefill, &s.decode}) {
        inst->model = &Catalog::builtin().llm("llama3.1-70b");
        inst->gpu = &gpu;
        inst->precision = cat::Precision::FP8;
        inst->input_tokens = 1024;
        inst->output_tokens = 256;
        inst->max_batch = 128;
        inst->nvls = false;
    }
    s.prefill.gpus = s.prefill.tensor = prefill_tp;
    s.decode.gpus = s.decode.tensor = decode_tp;
    s.kv.nvlink = nvlink;
    s.kv.bytes_per_s = nvlink ? gpu.nvlink_gb_per_s_per_direction.value * 1e9 : gpu.scaleout_nic_gbit_per_s.value / 8 * 1e9;
    s.kv.efficiency = 0.8;
    s.kv.latency_s = 10e-6;
    s.kv.lanes = std::min(prefill_tp, decode_tp);
    return s;
}

}  // namespace

TEST_CASE("disaggregation: a request's KV cache is layers x 2 x KV heads x head dim x bytes per prompt token") {
    const auto s = service("gb300_nvl72", 8, 8, true);
    // Llama 3.1 70B in FP8: 80 layers x 2 (K and V) x 8 KV heads x 128 x 1 B = 163,840 B per token.
    CHECK(fm::kv_transfer_bytes(s.prefill, 1024) == Approx(80.0 * 2 * 8 * 128 * 1 * 1024));
    CHECK(fm::kv_transfer_bytes(s.prefill, 1024) == Approx(167'772'160.0));
    // MLA (DeepSeek-R1) keeps one latent per layer: 61 x (512 + 64) x 1 B per token.
    auto mla = s.prefill;
    mla.model = &Catalog::builtin().llm("deepseek-r1");
    CHECK(fm::kv_transfer_bytes(mla, 2048) == Approx(61.0 * (512 + 64) * 2048));
}

TEST_CASE("disaggregation: KV transfer time is latency + bytes / (lanes x link x efficiency)") {
    const double bytes = 167'772'160.0;
    const auto& gpu = Catalog::builtin().rack("gb300_nvl72").gpu;
    // Inside one NVLink domain: eight GPU pairs, each sending its 1/8 at NVLink x 0.8.
    const auto nvl = service("gb300_nvl72", 8, 8, true);
    const double nvlink_s = 10e-6 + bytes / 8 / (gpu.nvlink_gb_per_s_per_direction.value * 1e9 * 0.8);
    CHECK(fm::kv_transfer_s(nvl.kv, bytes) == Approx(nvlink_s));
    // Across domains: through the scale-out NICs (800 Gb/s on GB300), 8x+ slower than NVLink here.
    const auto nic = service("gb300_nvl72", 8, 8, false);
    const double nic_s = 10e-6 + bytes / 8 / (gpu.scaleout_nic_gbit_per_s.value / 8 * 1e9 * 0.8);
    CHECK(fm::kv_transfer_s(nic.kv, bytes) == Approx(nic_s));
    CHECK(nic_s > 8 * (nvlink_s - 10e-6));
    // The narrower pool bounds the lanes: tp 8 -> tp 2 sends over two pairs.
    const auto narrow = service("gb300_nvl72", 8, 2, false);
    CHECK(fm::kv_transfer_s(narrow.kv, bytes) == Approx(10e-6 + bytes / 2 / (gpu.scaleout_nic_gbit_per_s.value / 8 * 1e9 * 0.8)));
    CHECK(fm::kv_transfer_s(nvl.kv, 0.0) == 0.0);
}

TEST_CASE("disaggregation: service capacity is the smaller pool's") {
    auto s = service("gb300_nvl72", 8, 8, true);
    const auto sizing = fm::size_disaggregated(s);
    // A prefill instance is full when every iteration carries chunk_tokens of prompt.
    const double prefill_iteration_s = fm::iteration_s(s.prefill, s.prefill.chunk_tokens, 512, 0, 0);
    CHECK(sizing.prefill_capacity_requests_per_s == Approx(2048.0 / (1024 * prefill_iteration_s)));
    // A decode instance is full when the batch reaches its limit: b = lambda O t_d(b).
    const double b = sizing.decode.batch_limit;
    CHECK(sizing.decode_capacity_requests_per_s ==
          Approx(b / (256 * fm::decode_iteration_s(s.decode, b))).epsilon(1e-6));
    const double p = sizing.prefill_capacity_requests_per_s, d = sizing.decode_capacity_requests_per_s;
    CHECK(fm::disaggregated_capacity_requests_per_s(sizing, 1, 1) == Approx(std::min(p, d)));
    CHECK(fm::disaggregated_capacity_requests_per_s(sizing, 4, 2) == Approx(std::min(4 * p, 2 * d)));
    CHECK(fm::disaggregated_capacity_requests_per_s(sizing, 0, 2) == 0.0);
    // Served load is clamped there; TPOT is the decode iteration at the steady batch.
    const auto point = fm::operating_point(s, sizing, 1e6, 4, 2);
    CHECK(point.service.requests_per_s == Approx(std::min(4 * p, 2 * d)));
    CHECK(point.service.tpot_s == Approx(fm::decode_iteration_s(s.decode, point.service.batch)).epsilon(1e-9));
}
