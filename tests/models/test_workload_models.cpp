// Closed forms of the training step, inference fluid and cooling plant models.
#include <catch2/catch.hpp>

#include <cmath>

#include "factorysim/catalog/llm_math.hpp"
#include "factorysim/models/cooling_plant.hpp"
#include "factorysim/models/fixed_point.hpp"
#include "factorysim/models/gpu_performance.hpp"
#include "factorysim/models/inference_fluid.hpp"
#include "factorysim/models/training_memory.hpp"
#include "factorysim/models/training_step.hpp"

namespace fm = factorysim::models;
namespace cat = factorysim::catalog;
using cat::Catalog;

namespace {
fm::TrainingSetup setup(const std::string& model, const std::string& rack, int gpus) {
    fm::TrainingSetup s;
    s.model = &Catalog::builtin().llm(model);
    s.rack = &Catalog::builtin().rack(rack);
    s.gpus = gpus;
    s.tensor = 8;
    s.global_batch_tokens = 4194304;
    s.sequence_length = 8192;
    return s;
}
}  // namespace

TEST_CASE("training step: compute time is FLOPs over the achievable rate") {
    auto s = setup("llama3.1-70b", "gb300_nvl72", 72);
    const auto t = fm::training_step_time(s);
    const auto& gpu = s.rack->gpu;
    const double rate = gpu.dense_tflops_for(cat::Precision::BF16) * 1e12 *
                        fm::large_gemm_efficiency(gpu, cat::Precision::BF16) * 0.8;
    CHECK(t.compute_s == Approx(cat::training_flops_per_token(*s.model, 8192) * 4194304 / (72 * rate)).epsilon(1e-12));
    CHECK(t.tokens_per_s == Approx(4194304 / t.step_s));
    CHECK(t.step_s == Approx(t.compute_s + t.bubble_s + t.tensor_parallel_s + t.data_parallel_exposed_s));
    CHECK(t.mfu > 0.2);
    CHECK(t.mfu < 0.6);
    s.activation_recompute = true;
    CHECK(fm::training_step_time(s).compute_s == Approx(t.compute_s * 4.0 / 3.0));
    CHECK(fm::training_step_time(s, 0.5).compute_s == Approx(t.compute_s * 4.0 / 3.0 * 2.0));
}

TEST_CASE("training step: data parallelism inside one NVLink domain uses NVLS, across domains is hierarchical") {
    auto s = setup("llama3.1-8b", "gb300_nvl72", 72);
    s.overlap = 0.0;
    const auto t = fm::training_step_time(s);
    const double bytes = cat::parameters(*s.model) * 2.0 / 8;
    const double nvlink = s.rack->gpu.nvlink_gb_per_s_per_direction.value * 1e9;
    const double alpha = 10e-6;
    CHECK(t.data_parallel == 9);
    // NVLS: every GPU sends and receives the buffer once.
    CHECK(t.data_parallel_s == Approx(bytes / (nvlink * 0.61) + 2 * alpha).epsilon(1e-12));
    CHECK(t.data_parallel_exposed_s == Approx(t.data_parallel_s));
    CHECK(t.scale_out_bytes_per_gpu == 0.0);
    // Without NVLS: the ring, 2 (n-1)/n S / (B e) + 2 (n-1) alpha.
    s.nvls = false;
    CHECK(fm::training_step_time(s).data_parallel_s ==
          Approx(2.0 * 8 / 9 * bytes / (nvlink * 0.8) + 2 * 8 * alpha).epsilon(1e-12));
    // Two racks: 18 DP ranks, 9 per domain; the slower of the NVLink phase and the
    // inter-domain ring of S/9 on each rail (800 Gb/s NICs at 0.8).
    s.nvls = true;
    s.gpus = 144;
    const auto across = fm::training_step_time(s);
    const double nic = 800e9 / 8 * 0.8;
    const double inter = 2.0 * 0.5 * bytes / 9 / nic + 2 * alpha;
    CHECK(across.data_parallel_s == Approx(std::max(bytes / (nvlink * 0.61) + 2 * alpha, inter)).epsilon(1e-12));
    CHECK(across.data_parallel_domains == 2);
    CHECK(across.scale_out_bytes_per_gpu == Approx(2.0 * 0.5 * bytes / 9));
    // A flat ring over the NICs (one rank per domain) would be ~9x slower on the NIC side.
    CHECK(across.data_parallel_s < 2.0 * 0.5 * bytes / nic);
}

TEST_CASE("training step: pipeline bubble is (p-1)/(m v) of compute") {
    auto s = setup("llama3.1-70b", "gb300_nvl72", 288);
    s.pipeline = 4;
    s.virtual_stages = 2;
    const auto t = fm::training_step_time(s);
    CHECK(t.microbatches == std::floor(4194304.0 / 8192 / (288 / 32)));
    CHECK(t.bubble_s == Approx(t.compute_s * 3 / (t.microbatches * 2)));
}

TEST_CASE("inference fluid: Little's law holds at every load and capacity saturates the batch") {
    fm::InferenceInstance inst;
    inst.model = &Catalog::builtin().llm("llama3.1-70b");
    inst.gpu = &Catalog::builtin().rack("gb300_nvl72").gpu;
    inst.gpus = 8;
    const auto sizing = fm::size_instance(inst);
    CHECK(sizing.batch_limit == 256);
    double last_tpot = 0.0;
    for (double load : {0.1, 0.3, 0.5, 0.7, 0.9}) {
        const auto p = fm::operating_point(inst, sizing, load * sizing.capacity_requests_per_s);
        INFO(load);
        CHECK(p.utilization == Approx(load));
        if (p.batch > 1.0)
            CHECK(p.batch == Approx(p.requests_per_s * inst.output_tokens * p.decode_step_s).epsilon(1e-6));
        CHECK(p.tpot_s >= last_tpot);
        CHECK(p.ttft_p99_s >= p.ttft_p50_s);
        last_tpot = p.tpot_s;
    }
    const auto full = fm::operating_point(inst, sizing, 10 * sizing.capacity_requests_per_s);
    CHECK(full.requests_per_s == Approx(sizing.capacity_requests_per_s));
    CHECK(full.batch == Approx(256).epsilon(1e-6));
}

TEST_CASE("inference fluid: decode at batch 1 is the weight read from HBM") {
    fm::InferenceInstance inst;
    inst.model = &Catalog::builtin().llm("llama3.1-8b");
    inst.gpu = &Catalog::builtin().rack("hgx_h100").gpu;
    inst.gpus = 1;
    inst.precision = cat::Precision::BF16;
    const double t = fm::decode_iteration_s(inst, 1.0);
    const double weights = cat::weight_bytes(*inst.model, cat::Precision::BF16);
    const double bw = inst.gpu->hbm_bandwidth_gb_per_s.value * 1e9 * fm::hbm_efficiency(*inst.gpu);
    // + the fixed time of each of the pass's 32 x 5 + 1 kernels, + the KV cache of one sequence
    const double fixed = cat::kernels_per_forward(*inst.model) * fm::GemmCalibration{}.kernel_overhead_s;
    CHECK(cat::kernels_per_forward(*inst.model) == 161);
    CHECK(t == Approx(weights / bw + fixed).epsilon(0.02));
    CHECK(t > weights / bw + fixed);
}

TEST_CASE("inference fluid: an FP4 service keeps an FP8 KV cache, and decode is two rooflines in sequence") {
    fm::InferenceInstance inst;
    inst.model = &Catalog::builtin().llm("deepseek-r1");
    inst.gpu = &Catalog::builtin().rack("gb300_nvl72").gpu;
    inst.gpus = 8;
    inst.tensor = 1;
    inst.expert = 8;
    inst.precision = cat::Precision::FP4;
    CHECK(fm::attention_precision(cat::Precision::FP4) == cat::Precision::FP8);
    CHECK(fm::attention_precision(cat::Precision::BF16) == cat::Precision::BF16);
    // 61 layers x (512 + 64) latent x 1 B.
    CHECK(fm::kv_bytes_per_token(inst) == 61.0 * 576.0);
    CHECK(fm::size_instance(inst).kv_bytes_per_token_per_gpu == 61.0 * 576.0);
    // One GPU, a dense model: no collectives, so the iteration is exactly the linear layers'
    // roofline (FP4 weights read once, 2 N_mm FLOPs a token at the FP4 rate) plus attention's
    // (FLOPs at the FP8 rate, the FP8 KV cache read by the decode tokens), the math at the
    // service's compute efficiency.
    fm::InferenceInstance one;
    one.model = &Catalog::builtin().llm("llama3.1-8b");
    one.gpu = &Catalog::builtin().rack("gb300_nvl72").gpu;
    one.gpus = 1;
    one.precision = cat::Precision::FP4;
    const auto& gpu = *one.gpu;
    const double bw = gpu.hbm_bandwidth_gb_per_s.value * 1e9 * fm::hbm_efficiency(gpu);
    // The math runs at compute_efficiency of the large-GEMM rate; HBM traffic is not scaled.
    one.compute_efficiency = 0.7;
    const auto rate = [&](cat::Precision p) {
        return gpu.dense_tflops_for(p) * 1e12 * fm::large_gemm_efficiency(gpu, p) * 0.7;
    };
    const double b = 512, c = 3000;
    const double linear = std::max(b * 2.0 * cat::matmul_parameters_per_token(*one.model) / rate(cat::Precision::FP4),
                                   cat::weight_bytes(*one.model, cat::Precision::FP4) / bw);
    const double attention =
        std::max(b * cat::decode_attention_flops_per_token(*one.model, c) / rate(cat::Precision::FP8),
                 b * c * cat::kv_cache_bytes_per_token(*one.model, cat::Precision::FP8) / bw);
    const double fixed = cat::kernels_per_forward(*one.model) * fm::GemmCalibration{}.kernel_overhead_s;
    CHECK(fm::iteration_s(one, 0.0, 0.0, b, c, 1.0) == Approx(linear + attention + fixed).epsilon(1e-12));
}

TEST_CASE("inference fluid: a model that does not fit is a ModelError with the sizes") {
    fm::InferenceInstance inst;
    inst.model = &Catalog::builtin().llm("llama3.1-405b");
    inst.gpu = &Catalog::builtin().rack("hgx_h100").gpu;
    inst.gpus = 1;
    CHECK_THROWS_WITH(fm::size_instance(inst), Catch::Contains("GB of weights per GPU"));
}


TEST_CASE("training memory: the lower bound per GPU adds weights, gradients, sharded optimizer state and activations") {
    const auto& cat = factorysim::catalog::Catalog::builtin();
    const auto& m = cat.llm("llama3.1-405b");
    const double n = factorysim::catalog::parameters(m);
    // Llama 3 405B on 16,384 H100: tp 8, pp 16, dp 128, 8,192-token sequences (arXiv:2407.21783).
    const auto mem = factorysim::models::training_memory_per_gpu({&m, 16384, 8, 16, 1, 1, 8192});
    CHECK(mem.weights_and_gradients_bytes == Approx(4 * n / 128));
    CHECK(mem.optimizer_bytes == Approx(12 * n / 128 / 128));
    CHECK(mem.activation_bytes == Approx(2.0 * 8192 * 16384 * 126 / 8 + 34.0 * 8192 * 16384 / 8));
    CHECK(mem.total_bytes() < cat.rack("hgx_h100").gpu.hbm_usable_gb.value * 1e9);  // the run happened
    // The same model on one 8-GPU server cannot hold even its weights and gradients.
    const auto one = factorysim::models::training_memory_per_gpu({&m, 8, 8, 1, 1, 1, 8192});
    CHECK(one.weights_and_gradients_bytes > 200e9);
    // Experts are split over ep; their optimizer state over the d / ep expert-data-parallel ranks.
    const auto& moe = cat.llm("deepseek-v3");
    const double experts = factorysim::catalog::parameter_breakdown(moe).routed_experts;
    const double dense = factorysim::catalog::parameters(moe) - experts;
    const auto e = factorysim::models::training_memory_per_gpu({&moe, 2048, 1, 16, 1, 64, 4096});
    CHECK(e.weights_and_gradients_bytes == Approx(4 * (dense / 16 + experts / 16 / 64)));
    CHECK(e.optimizer_bytes == Approx(12 * (dense / 16 / 128 + experts / 16 / 64 / 2)));
    CHECK_THROWS_AS(factorysim::models::training_memory_per_gpu({&m, 100, 8, 16, 1, 1, 8192}), factorysim::ModelError);
}

TEST_CASE("serving kernels: a dense layer runs 5, an MLA + MoE layer 12, plus the output head") {
    const auto& c = Catalog::builtin();
    // Llama: fused QKV, attention, output, gate-up, down.
    CHECK(cat::kernels_per_forward(c.llm("llama3.1-70b")) == 80 * 5 + 1);
    // DeepSeek-V3: MLA (q down, q up, kv down, two absorbed up-projections, output, attention
    // = 7); 3 dense FFN layers (2) and 58 MoE layers (router, shared gate-up and down, two
    // grouped GEMMs = 5).
    CHECK(cat::kernels_per_forward(c.llm("deepseek-v3")) == 61 * 7 + 3 * 2 + 58 * 5 + 1);
}

TEST_CASE("steady state: the smallest fixed point of an iteration-time map, also next to capacity") {
    // t = a + s t: a / (1 - s). At s = 0.9999 plain iteration would need ~300,000 steps.
    for (double s : {0.0, 0.5, 0.9, 0.9999}) {
        const auto t = fm::smallest_fixed_point([&](double x) { return 0.002 + s * x; });
        REQUIRE(t);
        CHECK(*t == Approx(0.002 / (1.0 - s)).epsilon(1e-9));
    }
    // A roofline: memory-bound (flat) until the math takes over, plus a fixed time.
    const auto roofline = fm::smallest_fixed_point([](double x) { return std::max(0.005, 0.8 * x) + 0.001; });
    REQUIRE(roofline);
    CHECK(*roofline == Approx(0.006));
    // Past capacity there is none: slope 1 with an offset, or more.
    CHECK_FALSE(fm::smallest_fixed_point([](double x) { return 0.001 + x; }));
    CHECK_FALSE(fm::smallest_fixed_point([](double x) { return 0.001 + 1.5 * x; }));
    // A concave piece (a collective switching algorithm): a tangent step passes the root and
    // the bracket is bisected. Root on the second piece: t = 1 + 0.1 t + 5.
    const auto concave = fm::smallest_fixed_point([](double x) { return 1.0 + std::min(0.9 * x, 0.1 * x + 5.0); });
    REQUIRE(concave);
    CHECK(*concave == Approx(6.0 / 0.9).epsilon(1e-9));
}

TEST_CASE("inference fluid: decoding sequences are length-biased, mean context I + O (1 + cv^2) / 2") {
    fm::InferenceInstance inst;
    inst.model = &Catalog::builtin().llm("llama3.1-8b");
    inst.gpu = &Catalog::builtin().rack("gb300_nvl72").gpu;
    inst.input_tokens = 128;
    inst.output_tokens = 1024;
    CHECK(fm::mean_decode_context(inst) == Approx(128 + 512));
    inst.output_tokens_cv = 1.5;
    CHECK(fm::mean_decode_context(inst) == Approx(128 + 512 * 3.25));
    inst.input_tokens_cv = 1.0;
    CHECK(fm::mean_prefill_context(inst) == Approx(128));  // E[I^2] / (2 E[I]) = I (1 + 1) / 2
    using factorysim::scenario::TokenDistribution;
    CHECK(fm::length_cv(TokenDistribution{"constant", 10, 0.7}) == 0.0);
    CHECK(fm::length_cv(TokenDistribution{"exponential", 10, 0.7}) == 1.0);
    CHECK(fm::length_cv(TokenDistribution{"lognormal", 10, 0.7}) == 0.7);
}

TEST_CASE("first-token latency: a fixed part, a uniform residual and an exponential wait, in closed form") {
    using factorysim::models::TtftDistribution;
    // No residual: the shifted exponential, quantile base + c ln(rho / (1 - q)).
    const TtftDistribution wait_only{0.5, 0.0, 0.2, 0.1};
    CHECK(wait_only.quantile(0.5) == Approx(0.5).margin(1e-9));
    CHECK(wait_only.quantile(0.99) == Approx(0.5 + 0.1 * std::log(0.2 / 0.01)).epsilon(1e-9));
    // No wait: uniform on [base - s/2, base + s/2], quantile a + q s.
    const TtftDistribution residual_only{0.5, 0.2, 0.0, 0.0};
    CHECK(residual_only.quantile(0.5) == Approx(0.5).epsilon(1e-9));
    CHECK(residual_only.quantile(0.99) == Approx(0.4 + 0.99 * 0.2).epsilon(1e-9));
    CHECK(residual_only.exceedance(0.39) == 1.0);
    CHECK(residual_only.exceedance(0.61) == 0.0);
    // Both: the mean (the integral of the exceedance from 0) is a + s/2 + rho c, the
    // exceedance is continuous at x = a + s, and the quantile inverts it.
    const TtftDistribution both{0.5, 0.2, 0.3, 0.15};
    double integral = 0.0;
    const double dx = 1e-5;
    for (double x = dx / 2; x < 5.0; x += dx) integral += both.exceedance(x) * dx;
    CHECK(integral == Approx(both.mean_s()).epsilon(1e-6));
    CHECK(both.mean_s() == Approx(0.5 + 0.3 * 0.15).epsilon(1e-12));
    CHECK(both.exceedance(0.6 - 1e-12) == Approx(both.exceedance(0.6 + 1e-12)).epsilon(1e-9));
    for (double q : {0.1, 0.5, 0.9, 0.99, 0.999})
        CHECK(both.exceedance(both.quantile(q)) == Approx(1.0 - q).epsilon(1e-6));
    CHECK(both.quantile(0.99) > residual_only.quantile(0.99));
}
