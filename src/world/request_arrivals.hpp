// The requests offered to an inference service at request level (docs/models/inference.md):
// Poisson arrivals at a piecewise-constant rate (redrawn when the rate changes, exact by
// memorylessness; stream "inference-arrivals/<service>") with prompt and output lengths drawn
// per request (stream "inference-lengths/<service>"), or a trace replayed request by request.
// Shared by the colocated and the disaggregated request-level models, so both see the same
// requests for the same seed.
#pragma once

#include <functional>

#include "factorysim/core/engine.hpp"
#include "factorysim/scenario/scenario.hpp"

namespace factorysim::world {

class RequestArrivals {
public:
    // `on_arrival(input_tokens, output_tokens)` runs at each arrival.
    RequestArrivals(Engine& engine, const scenario::InferenceWorkload& config,
                    std::function<void(int, int)> on_arrival);

    void set_rate(double requests_per_s);

private:
    int draw_tokens(const scenario::TokenDistribution& d);
    void schedule_arrival();
    void arrive();

    Engine& engine_;
    const scenario::InferenceWorkload& config_;
    std::function<void(int, int)> on_arrival_;
    double rate_ = 0.0;
    RandomStream arrivals_rng_;
    RandomStream lengths_rng_;
    EventHandle next_arrival_;
    std::size_t trace_next_ = 0;  // next request of a trace arrival
};

}  // namespace factorysim::world
