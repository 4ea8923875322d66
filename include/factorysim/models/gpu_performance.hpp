// GPU performance: a roofline with achievable-efficiency factors (docs/models/gpu.md).
//
//   t_kernel = max(t_compute, t_memory) + t_launch
//   t_compute = F / (R_p * e_kernel * f_power(p) * c)      R_p = dense peak at precision p
//   t_memory  = B / (W_hbm * e_hbm)                          W_hbm = peak HBM bandwidth
//   t_launch  = t0 for one GEMM launch (a cost with a shape), else 0
//
// e_kernel (0.768) is what a large cuBLASLt GEMM achieves at the clock the GPU actually
// sustains. f_power(p) is that clock as a fraction of the boost clock the peak is quoted
// at: a tensor core running flat out at precision p would need P = e_p * R_p of dynamic
// power, and dynamic power scales as f^3 in the upper DVFS range (P ~ f V^2, V ~ f), so
//
//   f_power(p) = min(1, ((TDP - P_idle) / (e_p * R_p))^(1/3)).
//
// This is what separates Hopper (H100 FP8 GEMM at 70 % of peak) from Blackwell (GB200 FP8
// at 58 %): GB200 has 0.21 W of dynamic budget per dense FP8 TFLOPS, H100 0.31 W.
//
// A single GEMM's efficiency rises with size as a saturating curve in its ideal time
// x = F / (R_p * e_kernel * f_power):  e(x) = e_kernel * f_power * x / (x + t0), i.e. a
// fixed per-GEMM overhead t0 = 7.2 us (launch, prologue, tail wave) on top of x.
//
// Calibration (Azure cuBLASLt GEMM, random init; "github.com/Azure/AI-benchmarking-guide :
// Azure_Results/ND_GB200_v6_results.md"): t0 from GB200 FP4 1k^3 (287 TFLOPS), e_kernel
// from GB200 FP4 16k^3 (7,628 of 10,000, taken as not power-limited), e_fp8 from GB200 FP8
// 16k^3 (2,907 of 5,000). Validation: H100 FP8 32k^3 (1,382, "... : Azure Results/
// ND_H100_v5_results.md") predicted 1,315 (-4.9 %); GB200 FP4 4k^3 (5,177) predicted 5,477
// (+5.8 %); the full table is in docs/models/gpu.md.
#pragma once

#include <optional>

#include "factorysim/catalog/catalog.hpp"
#include "factorysim/core/error.hpp"  // ModelError, thrown on invalid arguments

namespace factorysim::models {

using catalog::GpuSpec;
using catalog::Precision;

// The calibrated constants; the defaults are the fit described above. A scenario may
// override them (e.g. a lower energy per FLOP for a newer process node).
struct GemmCalibration {
    // Fraction of the dense peak a large GEMM reaches at the sustained clock.
    double kernel_efficiency = 0.768;
    // Fixed time per GEMM launch, seconds (GB200 FP4 1k^3: 7.48 us measured - 0.28 us of math).
    double kernel_overhead_s = 7.2e-6;
    // Dynamic energy per dense FLOP at the boost clock, joules. BF16 = 2x and TF32 = 4x the
    // FP8 figure (each halving of the peak rate is the same datapath at the same power);
    // FP64 is treated as never power-limited.
    double fp8_energy_j_per_flop = 0.48e-12;
    double fp4_energy_j_per_flop = 0.105e-12;
};

// Achieved HBM bandwidth as a fraction of the peak: 0.92 for every GPU (GB200 7.35 of
// 8 TB/s; H100 2.90-3.18 of 3.35 = 0.87-0.95 and H200 4.00-4.48 of 4.8 = 0.83-0.93 bracket it).
double hbm_efficiency(const GpuSpec& gpu);

struct GemmShape {
    double m = 0.0;
    double n = 0.0;
    double k = 0.0;
    double flops() const { return 2.0 * m * n * k; }
};

// Clock fraction (of boost) a GPU sustains at its TDP with its tensor cores busy at
// precision p, 1 when the TDP covers the peak rate.
double tensor_power_clock_fraction(const GpuSpec& gpu, Precision p, const GemmCalibration& cal = {});

// Fraction of the dense peak reached by a GEMM too large for launch overhead to matter:
// kernel_efficiency * tensor_power_clock_fraction.
double large_gemm_efficiency(const GpuSpec& gpu, Precision p, const GemmCalibration& cal = {});

// Fraction of the dense peak reached by one GEMM of this shape at full clocks.
double gemm_efficiency(const GpuSpec& gpu, Precision p, GemmShape shape, const GemmCalibration& cal = {});

// One kernel (or a fused sequence treated as one): its arithmetic and its HBM traffic.
// A shape marks it as one GEMM launch and adds the per-launch overhead; without one the
// large-GEMM efficiency applies and no overhead is added (use that for aggregates of many
// kernels, e.g. a whole decode step).
struct KernelCost {
    double flops = 0.0;
    double bytes = 0.0;  // HBM bytes read + written
    Precision precision = Precision::BF16;
    std::optional<GemmShape> shape;
};

struct KernelTime {
    double seconds = 0.0;          // max(compute, memory) + launch overhead
    double compute_seconds = 0.0;  // math at the achievable rate, no overhead
    double memory_seconds = 0.0;
    bool memory_bound = false;     // memory_seconds > compute_seconds
};

// clock_fraction in (0, 1] is the SM clock relative to the one the GPU sustains unthrottled
// (from gpu_operating_point: power caps, temperature); it slows the math only, since HBM
// runs on its own clock. Throws ModelError for a negative or non-finite cost or a clock
// fraction outside (0, 1].
KernelTime kernel_time(const GpuSpec& gpu, const KernelCost& cost, double clock_fraction = 1.0,
                       const GemmCalibration& cal = {});

// One decode step on one GPU: read the (local shard of the) weights and the KV cache once,
// do `flops` of math. Memory-bound at small batch, when it is weight_bytes / (W_hbm e_hbm).
double decode_step_seconds(const GpuSpec& gpu, double weight_bytes, double kv_bytes_read, double flops,
                           Precision precision);

}  // namespace factorysim::models
