// The request-level inference model (docs/models/inference.md): every request and every
// batching iteration of every replica is an event on the engine.
//
// A replica runs continuous batching with chunked prefill: before each iteration it admits
// waiting requests while the batch has room (max_batch) and the KV cache can hold their
// prompts; the iteration prefills up to chunk_tokens prompt tokens and decodes one token
// for every sequence past its prompt, and lasts iteration_s() of the roofline model
// (models/inference_fluid.hpp), the same equations the fluid model uses. A request's first
// token appears at the end of the iteration that finishes its prompt. When a decode step
// would overflow the KV cache, the most recently admitted sequence is preempted: its cache
// is dropped and it waits at the head of the queue to prefill its prompt and the tokens it
// had generated again. Arrivals are Poisson at a piecewise-constant rate (redrawn when the
// rate changes, which is exact by memorylessness); a request goes to the replica with the
// fewest requests in it.
#pragma once

#include <cstdint>
#include <deque>
#include <vector>

#include "factorysim/core/engine.hpp"
#include "factorysim/metrics/histogram.hpp"
#include "factorysim/models/inference_fluid.hpp"
#include "factorysim/scenario/scenario.hpp"
#include "world/request_arrivals.hpp"
#include "world/slot_pool.hpp"

namespace factorysim::world {

class RequestLevelService {
public:
    RequestLevelService(Engine& engine, const scenario::InferenceWorkload& config,
                        const models::InferenceInstance& instance, const models::InstanceSizing& sizing,
                        int replicas);

    void set_rate(double requests_per_s);
    void set_clock(double clock_fraction) { clock_ = clock_fraction; }
    void replica_down();
    void replica_up();

    struct Stats {
        std::uint64_t arrived = 0, completed = 0, dropped = 0, slo_met = 0, preemptions = 0;
        double input_tokens = 0.0, output_tokens = 0.0;
        double busy_replica_s = 0.0;   // iterating
        double batch_s = 0.0;          // sum of batch size x iteration time
        metrics::Histogram ttft_s, tpot_s;
    };
    const Stats& stats() const { return stats_; }

private:
    struct Request {
        Time arrival;
        Time first_token;
        int input = 0;      // prompt tokens to prefill (grows by the generated tokens after a preemption)
        int output = 0;
        int original_input = 0;  // as drawn (reported), before any preemption
        int original_output = 0;
        int prefilled = 0;
        int generated = 0;
        int replica = -1;
        bool has_first_token = false;
    };
    struct Replica {
        std::deque<std::uint32_t> waiting;
        std::vector<std::uint32_t> running;
        double kv_tokens = 0.0;
        bool busy = false;
        bool up = true;
        // The iteration in flight: its prefill assignments and start.
        std::vector<std::pair<std::uint32_t, int>> prefill;
        Time started;
        double batch = 0.0;
        std::uint64_t generation = 0;  // bumped when the replica goes down: its iteration in flight is void
    };

    void arrive(int input_tokens, int output_tokens);
    void dispatch(std::uint32_t request);
    void start_iteration(int r);
    void finish_iteration(int r, std::uint64_t generation);
    void complete(std::uint32_t request, Time now);

    Engine& engine_;
    const scenario::InferenceWorkload& config_;
    models::InferenceInstance instance_;
    double kv_capacity_tokens_;
    int batch_limit_;
    double clock_ = 1.0;
    SlotPool<Request> requests_;
    std::vector<Replica> replicas_;
    Stats stats_;
    RequestArrivals arrivals_;  // last: its callback uses the members above
};

}  // namespace factorysim::world
