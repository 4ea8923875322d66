#include "world/request_arrivals.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

namespace factorysim::world {

RequestArrivals::RequestArrivals(Engine& engine, const scenario::InferenceWorkload& config,
                                 std::function<void(int, int)> on_arrival)
    : engine_(engine),
      config_(config),
      on_arrival_(std::move(on_arrival)),
      arrivals_rng_(engine.rng("inference-arrivals/" + config.name)),
      lengths_rng_(engine.rng("inference-lengths/" + config.name)) {}

int RequestArrivals::draw_tokens(const scenario::TokenDistribution& d) {
    double v = d.mean;
    if (d.kind == "exponential") {
        v = lengths_rng_.exponential(d.mean);
    } else if (d.kind == "lognormal") {
        const double sigma2 = std::log1p(d.cv * d.cv);
        v = lengths_rng_.lognormal(std::log(d.mean) - sigma2 / 2.0, std::sqrt(sigma2));
    }
    return std::max(1, static_cast<int>(std::lround(v)));
}

void RequestArrivals::set_rate(double requests_per_s) {
    rate_ = requests_per_s;
    // A trace brings its own arrivals: the rate only starts the replay.
    if (config_.trace && next_arrival_.valid() && engine_.is_pending(next_arrival_)) return;
    engine_.cancel(next_arrival_);
    schedule_arrival();
}

void RequestArrivals::schedule_arrival() {
    if (config_.trace) {
        // The next request of the trace at or after now (requests before the service
        // started are skipped).
        const auto& times = config_.trace->time_s;
        while (trace_next_ < times.size() && times[trace_next_] < engine_.now().seconds() - 1e-9) ++trace_next_;
        if (trace_next_ >= times.size()) return;
        const Time at = std::max(engine_.now(), Time::from_seconds(times[trace_next_]));
        next_arrival_ = engine_.schedule_at(at, [this] { arrive(); });
        return;
    }
    if (rate_ <= 0.0) return;
    const Duration gap = Duration::from_seconds(arrivals_rng_.exponential(1.0 / rate_));
    next_arrival_ = engine_.schedule_in(gap, [this] { arrive(); });
}

void RequestArrivals::arrive() {
    int input = 0, output = 0;
    if (config_.trace) {
        input = config_.trace->input_tokens[trace_next_];
        output = config_.trace->output_tokens[trace_next_];
        ++trace_next_;
    } else {
        input = draw_tokens(config_.input);
        output = draw_tokens(config_.output);
    }
    on_arrival_(input, output);
    schedule_arrival();
}

}  // namespace factorysim::world
