#include <catch2/catch.hpp>

#include <cmath>

#include "factorysim/catalog/catalog.hpp"
#include "factorysim/core/error.hpp"
#include "factorysim/models/gpu_performance.hpp"

using factorysim::ModelError;
using factorysim::catalog::Catalog;
using factorysim::catalog::GpuSpec;
using factorysim::catalog::Precision;
using namespace factorysim::models;

namespace {

const GpuSpec& gpu_of(const char* rack) { return Catalog::builtin().rack(rack).gpu; }

// Achieved TFLOPS of one square GEMM as the model predicts it (through kernel_time, the
// path the simulator uses).
double predicted_gemm_tflops(const GpuSpec& gpu, Precision p, double n) {
    KernelCost cost;
    cost.flops = 2.0 * n * n * n;
    cost.bytes = 0.0;
    cost.precision = p;
    cost.shape = GemmShape{n, n, n};
    return cost.flops / kernel_time(gpu, cost).seconds / 1e12;
}

}  // namespace

// --- Peaks the rest of the model builds on -----------------------------------------------

TEST_CASE("a GB300 NVL72 rack has 1,080 PFLOPS of dense FP4 and 72 x 288 GB of HBM", "[gpu]") {
    const auto& rack = Catalog::builtin().rack("gb300_nvl72");
    REQUIRE(rack.gpus.value * rack.gpu.dense_tflops_for(Precision::FP4) / 1000.0 == Approx(1080.0));
    REQUIRE(rack.gpus.value * rack.gpu.hbm_capacity_gb.value == Approx(72 * 288.0));
}

TEST_CASE("a Rubin GPU has 50 PFLOPS of NVFP4 inference and 22 TB/s of HBM", "[gpu]") {
    const auto& gpu = gpu_of("vr_nvl72");
    REQUIRE(gpu.fp4_inference_tflops.has_value());
    REQUIRE(gpu.fp4_inference_tflops->value == Approx(50000.0));
    REQUIRE(gpu.hbm_bandwidth_gb_per_s.value == Approx(22000.0));
}

TEST_CASE("an H100 has 989 TFLOPS of dense BF16", "[gpu]") {
    REQUIRE(gpu_of("hgx_h100").dense_tflops_for(Precision::BF16) == Approx(989.0).margin(1.0));
}

// --- Calibration points (docs/models/gpu.md): reproduced by construction -----------------
// Azure cuBLASLt GEMM, random init, "github.com/Azure/AI-benchmarking-guide :
// Azure_Results/ND_GB200_v6_results.md".

TEST_CASE("calibration: a GB200 16k^3 FP8 GEMM runs at Azure's measured 2,907 TFLOPS", "[gpu][calibration]") {
    REQUIRE(predicted_gemm_tflops(gpu_of("gb200_nvl72"), Precision::FP8, 16384) == Approx(2906.9).epsilon(0.10));
}

TEST_CASE("calibration: a GB200 16k^3 FP4 GEMM runs at Azure's measured 7,628 TFLOPS", "[gpu][calibration]") {
    REQUIRE(predicted_gemm_tflops(gpu_of("gb200_nvl72"), Precision::FP4, 16384) == Approx(7627.6).epsilon(0.15));
}

TEST_CASE("calibration: a GB200 1k^3 FP4 GEMM is launch-overhead bound at Azure's 287 TFLOPS", "[gpu][calibration]") {
    REQUIRE(predicted_gemm_tflops(gpu_of("gb200_nvl72"), Precision::FP4, 1024) == Approx(287.2).epsilon(0.05));
}

// --- Validation points: not used in the fit ----------------------------------------------

TEST_CASE("validation: an H100 32k^3 FP8 GEMM is predicted within 10 % of Azure's 1,382 TFLOPS", "[gpu][validation]") {
    // "github.com/Azure/AI-benchmarking-guide : Azure Results/ND_H100_v5_results.md"
    REQUIRE(predicted_gemm_tflops(gpu_of("hgx_h100"), Precision::FP8, 32768) == Approx(1382.2).epsilon(0.10));
}

TEST_CASE("validation: an H200 16k^3 FP8 GEMM is predicted within 10 % of Azure's 1,366 TFLOPS", "[gpu][validation]") {
    // "github.com/Azure/AI-benchmarking-guide : Azure_Results/ND_H200_v5_results.md"
    REQUIRE(predicted_gemm_tflops(gpu_of("hgx_h200"), Precision::FP8, 16384) == Approx(1366.3).epsilon(0.10));
}

TEST_CASE("validation: a GB200 4k^3 FP4 GEMM is predicted within 15 % of Azure's 5,177 TFLOPS", "[gpu][validation]") {
    REQUIRE(predicted_gemm_tflops(gpu_of("gb200_nvl72"), Precision::FP4, 4096) == Approx(5177.3).epsilon(0.15));
}

TEST_CASE("validation: predicted H100 HBM bandwidth lies in Azure's measured 2.90-3.18 TB/s", "[gpu][validation]") {
    const auto& gpu = gpu_of("hgx_h100");
    const double tb_per_s = gpu.hbm_bandwidth_gb_per_s.value * hbm_efficiency(gpu) / 1000.0;
    REQUIRE(tb_per_s >= 2.90);
    REQUIRE(tb_per_s <= 3.18);
}

// --- Roofline behaviour --------------------------------------------------------------------

TEST_CASE("a Llama 3.1 70B decode step at batch 1 on one H200 is memory-bound: weights / HBM bandwidth", "[gpu]") {
    const auto& gpu = gpu_of("hgx_h200");
    const double params = 70.55e9;
    const double weight_bytes = params * 2.0;  // BF16
    const double flops = 2.0 * params;         // one token
    KernelCost step;
    step.flops = flops;
    step.bytes = weight_bytes;
    step.precision = Precision::BF16;
    const KernelTime t = kernel_time(gpu, step);
    REQUIRE(t.memory_bound);
    // 141.1 GB / (4,800 GB/s x 0.92) = 31.95 ms.
    const double expected_s = weight_bytes / (4800e9 * hbm_efficiency(gpu));
    REQUIRE(expected_s == Approx(0.03195).epsilon(0.001));
    REQUIRE(t.seconds == Approx(expected_s).epsilon(0.01));
    REQUIRE(decode_step_seconds(gpu, weight_bytes, 0.0, flops, Precision::BF16) == Approx(expected_s).epsilon(0.01));
}

TEST_CASE("a 16k^3 GEMM is compute-bound", "[gpu]") {
    const double n = 16384;
    KernelCost gemm;
    gemm.flops = 2.0 * n * n * n;
    gemm.bytes = 3.0 * n * n * 1.0;  // FP8 A and B in, C out (1 byte each; BF16 C would double one term)
    gemm.precision = Precision::FP8;
    gemm.shape = GemmShape{n, n, n};
    const KernelTime t = kernel_time(gpu_of("gb300_nvl72"), gemm);
    REQUIRE_FALSE(t.memory_bound);
    REQUIRE(t.compute_seconds > 10.0 * t.memory_seconds);
}

TEST_CASE("GEMM efficiency rises with size towards the large-GEMM efficiency", "[gpu]") {
    const auto& gpu = gpu_of("gb300_nvl72");
    for (const Precision p : {Precision::FP4, Precision::FP8, Precision::BF16}) {
        const double ceiling = large_gemm_efficiency(gpu, p);
        REQUIRE(ceiling > 0.0);
        REQUIRE(ceiling <= 1.0);
        double previous = 0.0;
        for (double n = 256; n <= 65536; n *= 2) {
            const double e = gemm_efficiency(gpu, p, GemmShape{n, n, n});
            REQUIRE(e > previous);
            REQUIRE(e < ceiling);
            previous = e;
        }
        REQUIRE(previous == Approx(ceiling).epsilon(0.01));
    }
}

TEST_CASE("the TDP limits tensor clocks on Blackwell FP8 more than on Hopper", "[gpu]") {
    // GB200 has 0.21 W of dynamic power per dense FP8 TFLOPS, H100 0.31 W.
    const double gb200 = tensor_power_clock_fraction(gpu_of("gb200_nvl72"), Precision::FP8);
    const double h100 = tensor_power_clock_fraction(gpu_of("hgx_h100"), Precision::FP8);
    REQUIRE(gb200 < h100);
    REQUIRE(h100 < 1.0);
    // GB200 FP4 is the calibration's unthrottled point.
    REQUIRE(tensor_power_clock_fraction(gpu_of("gb200_nvl72"), Precision::FP4) == 1.0);
}

TEST_CASE("throttled clocks slow compute-bound kernels in proportion and leave memory-bound ones alone", "[gpu]") {
    const auto& gpu = gpu_of("gb300_nvl72");
    KernelCost compute;
    compute.flops = 1e15;
    compute.bytes = 1e6;
    compute.precision = Precision::FP8;
    REQUIRE(kernel_time(gpu, compute, 0.8).seconds == Approx(kernel_time(gpu, compute).seconds / 0.8));

    KernelCost memory;
    memory.flops = 1e9;
    memory.bytes = 1e11;
    memory.precision = Precision::BF16;
    REQUIRE(kernel_time(gpu, memory, 0.8).seconds == Approx(kernel_time(gpu, memory).seconds));
}

TEST_CASE("a kernel with nothing to do takes no time, and a GEMM launch costs its overhead", "[gpu]") {
    const auto& gpu = gpu_of("gb300_nvl72");
    REQUIRE(kernel_time(gpu, KernelCost{}).seconds == 0.0);
    KernelCost tiny;
    tiny.flops = 2.0;
    tiny.precision = Precision::BF16;
    tiny.shape = GemmShape{1, 1, 1};
    REQUIRE(kernel_time(gpu, tiny).seconds == Approx(GemmCalibration{}.kernel_overhead_s).epsilon(1e-6));
}

TEST_CASE("invalid kernel costs and clock fractions are model errors", "[gpu]") {
    const auto& gpu = gpu_of("hgx_h100");
    KernelCost bad;
    bad.flops = -1.0;
    REQUIRE_THROWS_AS(kernel_time(gpu, bad), ModelError);
    bad.flops = std::nan("");
    REQUIRE_THROWS_AS(kernel_time(gpu, bad), ModelError);
    KernelCost ok;
    ok.flops = 1e12;
    REQUIRE_THROWS_AS(kernel_time(gpu, ok, 0.0), ModelError);
    REQUIRE_THROWS_AS(kernel_time(gpu, ok, 1.5), ModelError);
    REQUIRE_THROWS_AS(gemm_efficiency(gpu, Precision::FP8, GemmShape{0, 1, 1}), ModelError);
    // H100 has no FP4 tensor cores: the catalog has no peak to use.
    ok.precision = Precision::FP4;
    REQUIRE_THROWS_AS(kernel_time(gpu, ok), ModelError);
}
