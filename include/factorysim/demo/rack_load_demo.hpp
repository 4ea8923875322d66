// A built-in demonstration run, used by `factorysim demo` until the scenario runner
// (issue 4) exists: it exercises the real engine, random streams, catalog, rack power
// model and exact energy metrics on a small, fully specified system.
//
// Model: `racks` racks of one catalog type. Jobs arrive as a Poisson process, each asks
// for a uniform 1..max_racks_per_job racks for a lognormal duration, and is placed FIFO
// (head-of-line blocking) on free racks. A busy rack's GPUs run at `busy_utilisation`;
// a free rack idles. IT power is the sum of rack powers from models::rack_power and is
// integrated exactly (piecewise constant between events).
#pragma once

#include <cstdint>
#include <string>

#include "factorysim/metrics/time_series.hpp"

namespace factorysim::demo {

struct RackLoadDemoConfig {
    std::string rack = "gb300_nvl72";
    int racks = 8;
    double horizon_hours = 24.0;
    double mean_interarrival_hours = 0.5;
    double mean_job_hours = 3.0;
    double job_hours_sigma = 0.8;  // of the underlying normal
    int max_racks_per_job = 4;
    double busy_utilisation = 0.9;
    double sample_interval_hours = 0.25;
    std::uint64_t seed = 42;
};

struct RackLoadDemoResult {
    double it_energy_mwh = 0.0;
    double it_avg_kw = 0.0;
    double it_peak_kw = 0.0;
    double it_idle_kw = 0.0;       // all racks idle
    double it_full_load_kw = 0.0;  // all racks busy
    double busy_rack_hours = 0.0;
    double rack_utilisation = 0.0;  // busy rack-hours / (racks x horizon)
    std::uint64_t jobs_arrived = 0;
    std::uint64_t jobs_completed = 0;
    std::uint64_t events = 0;
    std::uint64_t fingerprint = 0;
    metrics::TimeSeries series;  // time, it_power_kw, busy_racks, queued_jobs
};

RackLoadDemoResult run_rack_load_demo(const RackLoadDemoConfig& config);

}  // namespace factorysim::demo
