#include "factorysim/models/gpu_performance.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "factorysim/core/error.hpp"

namespace factorysim::models {

namespace {

// GB200: 7.35 TB/s achieved of 8 TB/s peak (Microsoft, "https://techcommunity.microsoft.com/
// blog/azurehighperformancecomputingblog/unpacking-nvidia-gb200-gpu-performance-on-azure-
// virtual-machines/4390442"), i.e. 92 %. H100 measures 2.90-3.18 of 3.35 TB/s (0.87-0.95,
// "github.com/Azure/AI-benchmarking-guide : Azure Results/ND_H100_v5_results.md") and H200
// 4.00-4.48 of 4.8 (0.83-0.93, "... : Azure_Results/ND_H200_v5_results.md"): one figure
// for all GPUs sits inside both measured ranges.
constexpr double hbm_efficiency_all = 0.92;

double energy_j_per_flop(Precision p, const GemmCalibration& cal) {
    switch (p) {
        case Precision::FP4: return cal.fp4_energy_j_per_flop;
        case Precision::FP8: return cal.fp8_energy_j_per_flop;
        case Precision::BF16: return 2.0 * cal.fp8_energy_j_per_flop;
        case Precision::TF32: return 4.0 * cal.fp8_energy_j_per_flop;
        case Precision::FP64: return 0.0;
    }
    return 0.0;
}

double peak_flops(const GpuSpec& gpu, Precision p) { return gpu.dense_tflops_for(p) * 1e12; }

void require_finite_non_negative(double value, const char* what) {
    if (!std::isfinite(value) || value < 0.0)
        throw ModelError(std::string("kernel cost: ") + what + " must be finite and >= 0, got " +
                         std::to_string(value));
}

}  // namespace

double hbm_efficiency(const GpuSpec& /*gpu*/) { return hbm_efficiency_all; }

double tensor_power_clock_fraction(const GpuSpec& gpu, Precision p, const GemmCalibration& cal) {
    const double needed_w = energy_j_per_flop(p, cal) * peak_flops(gpu, p);
    const double budget_w = gpu.tdp_w.value - gpu.idle_w.value;
    if (needed_w <= budget_w) return 1.0;
    if (budget_w <= 0.0)
        throw ModelError("GPU '" + gpu.name + "': TDP must exceed idle power to run tensor work");
    return std::cbrt(budget_w / needed_w);
}

double large_gemm_efficiency(const GpuSpec& gpu, Precision p, const GemmCalibration& cal) {
    return cal.kernel_efficiency * tensor_power_clock_fraction(gpu, p, cal);
}

double gemm_efficiency(const GpuSpec& gpu, Precision p, GemmShape shape, const GemmCalibration& cal) {
    if (!(shape.m > 0.0 && shape.n > 0.0 && shape.k > 0.0) || !std::isfinite(shape.flops()))
        throw ModelError("GEMM shape must have positive, finite m, n and k");
    const double eff_large = large_gemm_efficiency(gpu, p, cal);
    const double ideal_s = shape.flops() / (peak_flops(gpu, p) * eff_large);
    return eff_large * ideal_s / (ideal_s + cal.kernel_overhead_s);
}

KernelTime kernel_time(const GpuSpec& gpu, const KernelCost& cost, double clock_fraction,
                       const GemmCalibration& cal) {
    require_finite_non_negative(cost.flops, "flops");
    require_finite_non_negative(cost.bytes, "bytes");
    if (!(clock_fraction > 0.0 && clock_fraction <= 1.0))
        throw ModelError("clock fraction must be in (0, 1], got " + std::to_string(clock_fraction));
    if (cost.shape && !(cost.shape->m > 0.0 && cost.shape->n > 0.0 && cost.shape->k > 0.0))
        throw ModelError("GEMM shape must have positive m, n and k");

    KernelTime t;
    if (cost.flops > 0.0) {
        const double rate = peak_flops(gpu, cost.precision) * large_gemm_efficiency(gpu, cost.precision, cal);
        t.compute_seconds = cost.flops / (rate * clock_fraction);
    }
    if (cost.bytes > 0.0) {
        const double bandwidth = gpu.hbm_bandwidth_gb_per_s.value * 1e9 * hbm_efficiency(gpu);
        t.memory_seconds = cost.bytes / bandwidth;
    }
    t.memory_bound = t.memory_seconds > t.compute_seconds;
    t.seconds = std::max(t.compute_seconds, t.memory_seconds) + (cost.shape ? cal.kernel_overhead_s : 0.0);
    return t;
}

double decode_step_seconds(const GpuSpec& gpu, double weight_bytes, double kv_bytes_read, double flops,
                           Precision precision) {
    KernelCost cost;
    cost.flops = flops;
    cost.bytes = weight_bytes + kv_bytes_read;
    cost.precision = precision;
    return kernel_time(gpu, cost).seconds;
}

}  // namespace factorysim::models
