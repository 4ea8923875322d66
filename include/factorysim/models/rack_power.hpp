// Rack power: GPUs from idle to TDP by utilisation, clocks under power caps and thermal
// limits, and the rest of the rack (docs/models/rack.md, "Power model").
//
// GPU, at utilisation u in [0, 1] (fraction of time busy) and clock fraction f in (0, 1]
// (relative to the clock sustained unthrottled at that utilisation):
//
//   P_gpu(u, f) = P_idle + (TDP - P_idle) * u^gamma * f^3,    gamma = 1
//
// gamma = 1 because u is a duty cycle: the GPU alternates between busy (TDP) and idle, so
// its average power is linear in the busy fraction. f^3: dynamic power ~ f V^2 with the
// voltage tracking the clock in the upper DVFS range. A per-GPU cap P_cap binds when
// P_gpu(u, 1) > P_cap and sets
//
//   f_cap = ((P_cap - P_idle) / ((TDP - P_idle) u^gamma))^(1/3),  clamped to [0.1, 1]
//
// (0.1 ~ the lowest DVFS clock; a cap below idle cannot be met). The cooling model's
// thermal clock fraction f_th is a second ceiling on the same clock: f = min(f_cap, f_th).
// The cube is optimistic for deep caps: a GB300 capped at 500 W measured ~0.28-0.39 of its
// 1,400 W GEMM throughput where f^3 gives 0.65 (docs/models/rack.md).
//
// Rest of the rack, with traffic taken proportional to u:
//   P_cpu = N_cpu TDP_cpu (a_cpu + (1 - a_cpu) u),          a_cpu = 0.25
//   P_sw  = (N_tray P_tray + N_srv P_nvswitch) (a_sw + (1 - a_sw) u),  a_sw = 0.65
//   P_nic = N_nic P_nic (a_nic + (1 - a_nic) u),            a_nic = 0.70
//   P_other = other_w (constant)
// The total is limited to the installed supply N_shelf * C_shelf: the rack's power brake
// first sheds GPU power (lower clocks) down to the GPUs' idle floor; a supply too small
// even for that (a misconfigured rack) scales every term down to the supply and is flagged.
#pragma once

#include <limits>

#include "factorysim/catalog/catalog.hpp"
#include "factorysim/core/error.hpp"  // ModelError, thrown on invalid arguments

namespace factorysim::models {

using catalog::GpuSpec;
using catalog::RackSpec;

// Idle shares (the part that does not follow utilisation); see docs/models/rack.md.
inline constexpr double cpu_idle_fraction = 0.25;
inline constexpr double switch_idle_share = 0.65;
inline constexpr double nic_idle_share = 0.70;
inline constexpr double utilisation_power_exponent = 1.0;  // gamma
inline constexpr double dvfs_power_exponent = 3.0;
inline constexpr double min_clock_fraction = 0.1;

struct GpuOperatingPoint {
    double power_w = 0.0;
    double clock_fraction = 1.0;
};

// Power and clock of one GPU at a utilisation, under a power cap (W; +inf for none) and a
// thermal clock ceiling in (0, 1]. Throws ModelError for u outside [0, 1], a non-positive
// cap or a thermal fraction outside (0, 1].
GpuOperatingPoint gpu_operating_point(const GpuSpec& gpu, double utilisation,
                                      double power_cap_w = std::numeric_limits<double>::infinity(),
                                      double thermal_clock_fraction = 1.0);

struct RackPowerBreakdown {
    double gpu_w = 0.0;
    double cpu_w = 0.0;
    double switch_w = 0.0;  // NVL72 NVLink switch trays, or HGX NVSwitch baseboards
    double nic_w = 0.0;     // scale-out NICs with their optics
    double other_w = 0.0;
    double total_w = 0.0;
    double gpu_clock_fraction = 1.0;  // the GPUs' clock after caps, throttling and shedding
    bool capped_by_shelves = false;   // demand exceeded the power shelves (see rack_power)
};

// Throws ModelError for a utilisation outside [0, 1] (and as gpu_operating_point).
RackPowerBreakdown rack_power(const RackSpec& rack, double gpu_utilisation,
                              double power_cap_per_gpu_w = std::numeric_limits<double>::infinity(),
                              double thermal_clock_fraction = 1.0);

// Power at utilisation 1 with no cap or throttling, kW.
double full_load_power_kw(const RackSpec& rack);

// Installed supply: power_shelves * power_shelf_capacity_kw, in W.
double shelf_capacity_w(const RackSpec& rack);

}  // namespace factorysim::models
