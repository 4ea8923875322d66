// The request-level model of disaggregated serving (docs/models/inference.md#disaggregated-prefill-and-decode):
// every request, KV transfer and iteration of every instance is an event on the engine.
//
// A request goes to the prefill instance with the fewest requests in it. A prefill instance
// admits waiting prompts while it has room (max_batch, KV capacity) and runs prefill-only
// iterations of up to chunk_tokens prompt tokens in admission order (iteration_s with no
// decode). When its prompt is done, the request picks the decode instance with the fewest
// requests (those on their way included) and its KV cache crosses the link in
// kv_transfer_s() of its own prompt length; the prefill instance frees the prompt's KV cache
// when the transfer ends. A decode instance admits arrived requests while the batch is below
// max_batch and its KV cache can hold the whole sequence (prompt plus output; reserved at
// admission, so it never preempts), and runs decode-only iterations; a request's first token
// comes at the end of its first decode iteration.
#pragma once

#include <cstdint>
#include <deque>
#include <vector>

#include "factorysim/core/engine.hpp"
#include "factorysim/models/inference_disaggregated.hpp"
#include "factorysim/scenario/scenario.hpp"
#include "world/request_arrivals.hpp"
#include "world/slot_pool.hpp"
#include "world/request_level.hpp"

namespace factorysim::world {

class DisaggregatedRequestService {
public:
    enum Pool { prefill_pool = 0, decode_pool = 1 };

    DisaggregatedRequestService(Engine& engine, const scenario::InferenceWorkload& config,
                                const models::DisaggregatedService& service, const models::DisaggregatedSizing& sizing);

    void set_rate(double requests_per_s) { arrivals_.set_rate(requests_per_s); }
    void set_clock(double clock_fraction) { clock_ = clock_fraction; }
    void replica_down(int pool);
    void replica_up(int pool);

    struct Stats {
        RequestLevelService::Stats requests;  // busy_replica_s and batch_s: the decode instances
        double prefill_busy_s = 0.0;          // prefill instance-seconds iterating
        std::uint64_t transfers = 0;
        double kv_bytes = 0.0;                // moved prefill -> decode
        double kv_transfer_s = 0.0;           // summed transfer times
    };
    const Stats& stats() const { return stats_; }

private:
    struct Request {
        Time arrival;
        Time first_token;
        int input = 0;
        int output = 0;
        int prefilled = 0;
        int generated = 0;
        int prefill = -1;                   // its prefill instance (until its transfer ends)
        std::uint64_t prefill_generation = 0;
        bool has_first_token = false;
    };
    struct Instance {
        std::deque<std::uint32_t> waiting;
        std::vector<std::uint32_t> running;
        int incoming = 0;                   // decode: transfers on their way to it
        double kv_tokens = 0.0;
        bool busy = false;
        bool up = true;
        std::vector<std::pair<std::uint32_t, int>> prefill;  // prefill: (request, tokens) of the iteration in flight
        Time started;
        double batch = 0.0;
        std::uint64_t generation = 0;       // bumped when it goes down: its iteration in flight is void
    };

    void arrive(int input_tokens, int output_tokens);
    void to_prefill(std::uint32_t id);
    void start_prefill(int r);
    void finish_prefill(int r, std::uint64_t generation);
    void transfer(std::uint32_t id);
    void transferred(std::uint32_t id, int d);
    void to_decode(std::uint32_t id, int d);
    void start_decode(int d);
    void finish_decode(int d, std::uint64_t generation);
    void complete(std::uint32_t id, Time now);
    // The up instance of `pool` with the fewest requests; -1 if none is up.
    int least_loaded(const std::vector<Instance>& pool) const;

    Engine& engine_;
    const scenario::InferenceWorkload& config_;
    models::DisaggregatedService service_;
    double prefill_kv_capacity_tokens_;
    double decode_kv_capacity_tokens_;
    double clock_ = 1.0;
    SlotPool<Request> requests_;
    std::vector<Instance> prefill_;
    std::vector<Instance> decode_;
    Stats stats_;
    RequestArrivals arrivals_;  // last: its callback uses the members above
};

}  // namespace factorysim::world
