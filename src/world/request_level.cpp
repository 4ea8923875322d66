#include "world/request_level.hpp"

#include <algorithm>
#include <cmath>

#include "world/batch_admission.hpp"

namespace factorysim::world {

RequestLevelService::RequestLevelService(Engine& engine, const scenario::InferenceWorkload& config,
                                         const models::InferenceInstance& instance,
                                         const models::InstanceSizing& sizing, int replicas)
    : engine_(engine),
      config_(config),
      instance_(instance),
      kv_capacity_tokens_(sizing.kv_capacity_tokens),
      batch_limit_(config.max_batch),
      replicas_(static_cast<std::size_t>(replicas)),
      arrivals_(engine, config, [this](int input, int output) { arrive(input, output); }) {}

void RequestLevelService::set_rate(double requests_per_s) { arrivals_.set_rate(requests_per_s); }

void RequestLevelService::arrive(int input_tokens, int output_tokens) {
    const std::uint32_t id = requests_.acquire();
    Request& q = requests_[id];
    q.arrival = engine_.now();
    q.input = q.original_input = input_tokens;
    q.output = q.original_output = output_tokens;
    ++stats_.arrived;
    dispatch(id);
}

void RequestLevelService::dispatch(std::uint32_t id) {
    int best = -1;
    std::size_t best_load = 0;
    for (std::size_t r = 0; r < replicas_.size(); ++r) {
        const auto& rep = replicas_[r];
        if (!rep.up) continue;
        const std::size_t load = rep.waiting.size() + rep.running.size();
        if (best < 0 || load < best_load) {
            best = static_cast<int>(r);
            best_load = load;
        }
    }
    if (best < 0) {  // every replica is down
        ++stats_.dropped;
        requests_.release(id);
        return;
    }
    requests_[id].replica = best;
    replicas_[static_cast<std::size_t>(best)].waiting.push_back(id);
    if (!replicas_[static_cast<std::size_t>(best)].busy) start_iteration(best);
}

void RequestLevelService::start_iteration(int r) {
    Replica& rep = replicas_[static_cast<std::size_t>(r)];
    if (!rep.up) return;
    // Admission: batch room and KV space for the prompt.
    admit_waiting(rep, batch_limit_, kv_capacity_tokens_,
                  [this](std::uint32_t id) { return static_cast<double>(requests_[id].input); });
    if (rep.running.empty()) {
        rep.busy = false;
        return;
    }
    // Chunked prefill in admission order, and one decode token for every sequence past its prompt.
    rep.prefill.clear();
    int budget = config_.chunk_tokens;
    double prefill_tokens = 0.0, prefill_context = 0.0, decode = 0.0, decode_context = 0.0;
    for (std::uint32_t id : rep.running) {
        const Request& q = requests_[id];
        if (q.prefilled < q.input) {
            if (budget <= 0) continue;
            const int take = std::min(budget, q.input - q.prefilled);
            budget -= take;
            rep.prefill.emplace_back(id, take);
            prefill_tokens += take;
            prefill_context += take * (q.prefilled + take / 2.0);
        } else {
            decode += 1.0;
            decode_context += q.input + q.generated;
        }
    }
    if (prefill_tokens > 0) prefill_context /= prefill_tokens;
    if (decode > 0) decode_context /= decode;
    const double seconds = models::iteration_s(instance_, prefill_tokens, prefill_context, decode, decode_context, clock_);
    rep.busy = true;
    rep.started = engine_.now();
    rep.batch = static_cast<double>(rep.running.size());
    const std::uint64_t generation = rep.generation;
    engine_.schedule_in(Duration::from_seconds(std::max(seconds, 1e-9)),
                        [this, r, generation] { finish_iteration(r, generation); });
}

void RequestLevelService::finish_iteration(int r, std::uint64_t generation) {
    Replica& rep = replicas_[static_cast<std::size_t>(r)];
    if (generation != rep.generation) return;  // the replica went down mid-iteration
    const Time now = engine_.now();
    const double span = (now - rep.started).seconds();
    stats_.busy_replica_s += span;
    stats_.batch_s += rep.batch * span;
    std::vector<std::uint32_t> prefilled_now;
    for (const auto& [id, take] : rep.prefill) {
        Request& q = requests_[id];
        q.prefilled += take;
        if (q.prefilled >= q.input) prefilled_now.push_back(id);
    }
    std::vector<std::uint32_t> still;
    for (std::uint32_t id : rep.running) {
        Request& q = requests_[id];
        const bool decoding = q.prefilled >= q.input &&
                              std::find(prefilled_now.begin(), prefilled_now.end(), id) == prefilled_now.end();
        const bool first = std::find(prefilled_now.begin(), prefilled_now.end(), id) != prefilled_now.end();
        if (first || decoding) {
            if (first && !q.has_first_token) {
                q.has_first_token = true;
                q.first_token = now;
            }
            ++q.generated;
            rep.kv_tokens += 1.0;
        }
        if (q.generated >= q.output) {
            rep.kv_tokens -= q.input + q.generated;
            complete(id, now);
        } else {
            still.push_back(id);
        }
    }
    rep.running = std::move(still);
    // KV overflow: preempt the newest sequences back to the head of the queue.
    while (rep.kv_tokens > kv_capacity_tokens_ && rep.running.size() > 1) {
        const std::uint32_t id = rep.running.back();
        rep.running.pop_back();
        Request& q = requests_[id];
        rep.kv_tokens -= q.input + q.generated;  // its reservation: the prompt and what it generated
        q.input += q.generated;  // recompute the prompt and what it had generated
        q.output -= q.generated;
        q.generated = 0;
        q.prefilled = 0;
        rep.waiting.push_front(id);
        ++stats_.preemptions;
    }
    start_iteration(r);
}

void RequestLevelService::complete(std::uint32_t id, Time now) {
    const Request& q = requests_[id];
    ++stats_.completed;
    stats_.input_tokens += q.original_input;
    stats_.output_tokens += q.original_output;
    const double ttft = (q.first_token - q.arrival).seconds();
    const double tpot = q.original_output > 1 ? (now - q.first_token).seconds() / (q.original_output - 1) : 0.0;
    stats_.ttft_s.record(ttft);
    if (q.original_output > 1) stats_.tpot_s.record(tpot);
    if (ttft <= config_.ttft_slo_s && tpot <= config_.tpot_slo_s) ++stats_.slo_met;
    requests_.release(id);
}

void RequestLevelService::replica_down() {
    for (std::size_t r = 0; r < replicas_.size(); ++r) {
        Replica& rep = replicas_[r];
        if (!rep.up) continue;
        rep.up = false;
        rep.busy = false;
        ++rep.generation;
        // Its requests start over elsewhere (their KV cache is lost with the replica).
        for (std::uint32_t id : evict_all(rep)) {
            Request& q = requests_[id];
            q.prefilled = 0;
            q.generated = 0;
            q.has_first_token = false;
            dispatch(id);
        }
        return;
    }
}

void RequestLevelService::replica_up() {
    for (std::size_t r = 0; r < replicas_.size(); ++r) {
        Replica& rep = replicas_[r];
        if (rep.up) continue;
        rep.up = true;
        if (!rep.busy) start_iteration(static_cast<int>(r));
        return;
    }
}

}  // namespace factorysim::world
