#include "factorysim/demo/rack_load_demo.hpp"

#include <cmath>
#include <deque>
#include <vector>

#include <fmt/format.h>

#include "factorysim/catalog/catalog.hpp"
#include "factorysim/core/engine.hpp"
#include "factorysim/core/error.hpp"
#include "factorysim/metrics/time_weighted_average.hpp"
#include "factorysim/models/rack_power.hpp"

namespace factorysim::demo {

namespace {

class RackLoadDemo {
public:
    RackLoadDemo(const RackLoadDemoConfig& c, RackLoadDemoResult& out)
        : config_(c),
          out_(out),
          rack_(catalog::Catalog::builtin().rack(c.rack)),
          engine_(c.seed),
          arrivals_(engine_.rng("demo/arrivals")),
          sizes_(engine_.rng("demo/job-sizes")),
          durations_(engine_.rng("demo/job-durations")),
          idle_rack_w_(models::rack_power(rack_, 0.0).total_w),
          busy_rack_w_(models::rack_power(rack_, c.busy_utilisation).total_w),
          it_power_w_(Time::zero(), idle_rack_w_ * c.racks),
          busy_racks_(Time::zero(), 0.0) {
        if (c.racks < 1 || c.racks > 100'000) throw UsageError("demo: racks must be in [1, 100000]");
        if (c.max_racks_per_job < 1) throw UsageError("demo: max_racks_per_job must be >= 1");
    }

    void run() {
        const Time horizon = Time::from_seconds(config_.horizon_hours * 3600.0);
        metrics::Sampler sampler(engine_, Duration::from_seconds(config_.sample_interval_hours * 3600.0), out_.series);
        sampler.add_probe("it_power_kw", [this] { return it_power_w_.current() / 1e3; });
        sampler.add_probe("busy_racks", [this] { return static_cast<double>(busy_); });
        sampler.add_probe("queued_jobs", [this] { return static_cast<double>(queue_.size()); });
        sampler.start(horizon);
        schedule_arrival();
        engine_.run(horizon);

        out_.it_energy_mwh = it_power_w_.integral_seconds(horizon) / 3.6e9;
        out_.it_avg_kw = it_power_w_.average(horizon) / 1e3;
        out_.it_peak_kw = it_power_w_.max() / 1e3;
        out_.it_idle_kw = idle_rack_w_ * config_.racks / 1e3;
        out_.it_full_load_kw = busy_rack_w_ * config_.racks / 1e3;
        out_.busy_rack_hours = busy_racks_.integral_seconds(horizon) / 3600.0;
        out_.rack_utilisation = out_.busy_rack_hours / (config_.racks * config_.horizon_hours);
        out_.events = engine_.events_processed();
        out_.fingerprint = engine_.fingerprint();
    }

private:
    void schedule_arrival() {
        engine_.schedule_in(Duration::from_seconds(arrivals_.exponential(config_.mean_interarrival_hours) * 3600.0),
                            [this] { arrive(); });
    }

    void arrive() {
        ++out_.jobs_arrived;
        const int want = 1 + static_cast<int>(sizes_.uniform_int(static_cast<std::uint64_t>(
                                 std::min(config_.max_racks_per_job, config_.racks))));
        // Lognormal with the configured mean: mu = ln(mean) - sigma^2/2.
        const double sigma = config_.job_hours_sigma;
        const double hours = durations_.lognormal(std::log(config_.mean_job_hours) - sigma * sigma / 2, sigma);
        queue_.push_back({want, hours});
        dispatch();
        schedule_arrival();
    }

    void dispatch() {
        while (!queue_.empty() && queue_.front().racks <= config_.racks - busy_) {
            const Job job = queue_.front();
            queue_.pop_front();
            set_busy(busy_ + job.racks);
            engine_.schedule_in(Duration::from_seconds(job.hours * 3600.0), [this, racks = job.racks] {
                ++out_.jobs_completed;
                set_busy(busy_ - racks);
                dispatch();
            });
        }
    }

    void set_busy(int busy) {
        busy_ = busy;
        it_power_w_.set(engine_.now(), busy_rack_w_ * busy + idle_rack_w_ * (config_.racks - busy));
        busy_racks_.set(engine_.now(), busy);
    }

    struct Job {
        int racks;
        double hours;
    };

    const RackLoadDemoConfig& config_;
    RackLoadDemoResult& out_;
    const catalog::RackSpec& rack_;
    Engine engine_;
    RandomStream arrivals_, sizes_, durations_;
    double idle_rack_w_, busy_rack_w_;
    metrics::TimeWeightedAverage it_power_w_;
    metrics::TimeWeightedAverage busy_racks_;
    std::deque<Job> queue_;
    int busy_ = 0;
};

}  // namespace

RackLoadDemoResult run_rack_load_demo(const RackLoadDemoConfig& config) {
    RackLoadDemoResult result;
    RackLoadDemo demo(config, result);
    demo.run();
    return result;
}

}  // namespace factorysim::demo
