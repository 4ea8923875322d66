#include "factorysim/models/rack_power.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "factorysim/core/error.hpp"

namespace factorysim::models {

namespace {

double share_at(double idle_share, double utilisation) { return idle_share + (1.0 - idle_share) * utilisation; }

}  // namespace

GpuOperatingPoint gpu_operating_point(const GpuSpec& gpu, double utilisation, double power_cap_w,
                                      double thermal_clock_fraction) {
    if (!(utilisation >= 0.0 && utilisation <= 1.0))
        throw ModelError("GPU utilisation must be in [0, 1], got " + std::to_string(utilisation));
    if (!(power_cap_w > 0.0))  // also rejects NaN; +inf means no cap
        throw ModelError("GPU power cap must be > 0 W, got " + std::to_string(power_cap_w));
    if (!(thermal_clock_fraction > 0.0 && thermal_clock_fraction <= 1.0))
        throw ModelError("thermal clock fraction must be in (0, 1], got " + std::to_string(thermal_clock_fraction));

    const double idle_w = gpu.idle_w.value;
    // Dynamic power at full clock for this utilisation.
    const double dynamic_w = (gpu.tdp_w.value - idle_w) * std::pow(utilisation, utilisation_power_exponent);

    double cap_clock = 1.0;
    if (idle_w + dynamic_w > power_cap_w) {
        cap_clock = power_cap_w > idle_w
                        ? std::pow((power_cap_w - idle_w) / dynamic_w, 1.0 / dvfs_power_exponent)
                        : 0.0;
        cap_clock = std::clamp(cap_clock, min_clock_fraction, 1.0);
    }
    GpuOperatingPoint op;
    op.clock_fraction = std::min(cap_clock, thermal_clock_fraction);
    op.power_w = idle_w + dynamic_w * std::pow(op.clock_fraction, dvfs_power_exponent);
    return op;
}

double shelf_capacity_w(const RackSpec& rack) {
    return rack.power_shelves.value * rack.power_shelf_capacity_kw.value * 1000.0;
}

RackPowerBreakdown rack_power(const RackSpec& rack, double gpu_utilisation, double power_cap_per_gpu_w,
                              double thermal_clock_fraction) {
    const double u = gpu_utilisation;
    const GpuOperatingPoint gpu = gpu_operating_point(rack.gpu, u, power_cap_per_gpu_w, thermal_clock_fraction);

    RackPowerBreakdown p;
    p.gpu_w = rack.gpus.value * gpu.power_w;
    p.cpu_w = rack.cpus.value * rack.cpu_tdp_w.value * share_at(cpu_idle_fraction, u);
    const double switch_full_w = rack.nvlink_switch_trays.value * rack.nvlink_switch_tray_w.value +
                                 rack.servers_per_rack.value * rack.nvswitch_w_per_server.value;
    p.switch_w = switch_full_w * share_at(switch_idle_share, u);
    p.nic_w = rack.nics.value * rack.nic_w.value * share_at(nic_idle_share, u);
    p.other_w = rack.other_w.value;
    p.total_w = p.gpu_w + p.cpu_w + p.switch_w + p.nic_w + p.other_w;

    p.gpu_clock_fraction = gpu.clock_fraction;

    const double supply_w = shelf_capacity_w(rack);
    if (p.total_w > supply_w) {
        p.capped_by_shelves = true;
        // The power brake slows the GPUs, the only load that can give way, but not below idle.
        const double gpu_floor_w = rack.gpus.value * rack.gpu.idle_w.value;
        const double shed_w = std::min(p.total_w - supply_w, p.gpu_w - gpu_floor_w);
        if (shed_w > 0.0) {
            const double dynamic_before_w = p.gpu_w - gpu_floor_w;
            p.gpu_w -= shed_w;
            // The shed dynamic power sets the clock: P_dyn ~ f^3.
            p.gpu_clock_fraction *= std::pow((dynamic_before_w - shed_w) / dynamic_before_w, 1.0 / dvfs_power_exponent);
            p.gpu_clock_fraction = std::max(p.gpu_clock_fraction, min_clock_fraction);
        }
        p.total_w = p.gpu_w + p.cpu_w + p.switch_w + p.nic_w + p.other_w;
        if (p.total_w > supply_w) {
            // Not even idle GPUs fit: the rack cannot run as configured. Report the supply as
            // the draw, scaled over every term, and leave the flag for the caller to act on.
            const double scale = supply_w / p.total_w;
            p.gpu_w *= scale;
            p.cpu_w *= scale;
            p.switch_w *= scale;
            p.nic_w *= scale;
            p.other_w *= scale;
            p.total_w = supply_w;
            p.gpu_clock_fraction = min_clock_fraction;
        }
    }
    return p;
}

double full_load_power_kw(const RackSpec& rack) { return rack_power(rack, 1.0).total_w / 1000.0; }

}  // namespace factorysim::models
