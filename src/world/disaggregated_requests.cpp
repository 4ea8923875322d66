#include "world/disaggregated_requests.hpp"

#include <algorithm>
#include <cmath>

#include "world/batch_admission.hpp"

namespace factorysim::world {

DisaggregatedRequestService::DisaggregatedRequestService(Engine& engine, const scenario::InferenceWorkload& config,
                                                         const models::DisaggregatedService& service,
                                                         const models::DisaggregatedSizing& sizing)
    : engine_(engine),
      config_(config),
      service_(service),
      prefill_kv_capacity_tokens_(sizing.prefill.kv_capacity_tokens),
      decode_kv_capacity_tokens_(sizing.decode.kv_capacity_tokens),
      prefill_(static_cast<std::size_t>(service.prefill_replicas)),
      decode_(static_cast<std::size_t>(service.decode_replicas)),
      arrivals_(engine, config, [this](int input, int output) { arrive(input, output); }) {}

int DisaggregatedRequestService::least_loaded(const std::vector<Instance>& pool) const {
    int best = -1;
    std::size_t best_load = 0;
    for (std::size_t r = 0; r < pool.size(); ++r) {
        if (!pool[r].up) continue;
        const std::size_t load = pool[r].waiting.size() + pool[r].running.size() + static_cast<std::size_t>(pool[r].incoming);
        if (best < 0 || load < best_load) {
            best = static_cast<int>(r);
            best_load = load;
        }
    }
    return best;
}

void DisaggregatedRequestService::arrive(int input_tokens, int output_tokens) {
    const std::uint32_t id = requests_.acquire();
    Request& q = requests_[id];
    q.arrival = engine_.now();
    q.input = input_tokens;
    q.output = output_tokens;
    ++stats_.requests.arrived;
    to_prefill(id);
}

void DisaggregatedRequestService::to_prefill(std::uint32_t id) {
    const int r = least_loaded(prefill_);
    if (r < 0) {  // every prefill instance is down
        ++stats_.requests.dropped;
        requests_.release(id);
        return;
    }
    Request& q = requests_[id];
    q.prefilled = 0;
    q.generated = 0;
    q.has_first_token = false;
    prefill_[static_cast<std::size_t>(r)].waiting.push_back(id);
    if (!prefill_[static_cast<std::size_t>(r)].busy) start_prefill(r);
}

void DisaggregatedRequestService::start_prefill(int r) {
    Instance& in = prefill_[static_cast<std::size_t>(r)];
    if (!in.up) return;
    // Admission: batch room and KV space for the prompt.
    admit_waiting(in, config_.max_batch, prefill_kv_capacity_tokens_,
                  [this](std::uint32_t id) { return static_cast<double>(requests_[id].input); });
    if (in.running.empty()) {
        in.busy = false;
        return;
    }
    in.prefill.clear();
    int budget = config_.chunk_tokens;
    double tokens = 0.0, context = 0.0;
    for (std::uint32_t id : in.running) {
        if (budget <= 0) break;
        const Request& q = requests_[id];
        const int take = std::min(budget, q.input - q.prefilled);
        budget -= take;
        in.prefill.emplace_back(id, take);
        tokens += take;
        context += take * (q.prefilled + take / 2.0);
    }
    context /= tokens;
    const double seconds = models::iteration_s(service_.prefill, tokens, context, 0.0, 0.0, clock_);
    in.busy = true;
    in.started = engine_.now();
    const std::uint64_t generation = in.generation;
    engine_.schedule_in(Duration::from_seconds(std::max(seconds, 1e-9)),
                        [this, r, generation] { finish_prefill(r, generation); });
}

void DisaggregatedRequestService::finish_prefill(int r, std::uint64_t generation) {
    Instance& in = prefill_[static_cast<std::size_t>(r)];
    if (generation != in.generation) return;  // the instance went down mid-iteration
    stats_.prefill_busy_s += (engine_.now() - in.started).seconds();
    std::vector<std::uint32_t> done;
    for (const auto& [id, take] : in.prefill) {
        Request& q = requests_[id];
        q.prefilled += take;
        if (q.prefilled >= q.input) done.push_back(id);
    }
    std::erase_if(in.running, [&](std::uint32_t id) { return requests_[id].prefilled >= requests_[id].input; });
    for (std::uint32_t id : done) {
        requests_[id].prefill = r;
        requests_[id].prefill_generation = in.generation;
        transfer(id);
    }
    start_prefill(r);
}

void DisaggregatedRequestService::transfer(std::uint32_t id) {
    const int d = least_loaded(decode_);
    if (d < 0) {  // every decode instance is down: the request is lost with its KV cache
        Request& q = requests_[id];
        Instance& from = prefill_[static_cast<std::size_t>(q.prefill)];
        if (from.generation == q.prefill_generation) from.kv_tokens -= q.input;
        ++stats_.requests.dropped;
        requests_.release(id);
        return;
    }
    const Request& q = requests_[id];
    const double bytes = models::kv_transfer_bytes(service_.prefill, q.input);
    const double seconds = models::kv_transfer_s(service_.kv, bytes);
    ++stats_.transfers;
    stats_.kv_bytes += bytes;
    stats_.kv_transfer_s += seconds;
    ++decode_[static_cast<std::size_t>(d)].incoming;
    engine_.schedule_in(Duration::from_seconds(std::max(seconds, 1e-9)), [this, id, d] { transferred(id, d); });
}

void DisaggregatedRequestService::transferred(std::uint32_t id, int d) {
    Request& q = requests_[id];
    // The prefill instance frees the prompt's KV cache (unless it went down meanwhile and
    // lost it anyway).
    Instance& from = prefill_[static_cast<std::size_t>(q.prefill)];
    if (from.generation == q.prefill_generation) {
        from.kv_tokens -= q.input;
        if (from.up && !from.busy) start_prefill(q.prefill);
    }
    --decode_[static_cast<std::size_t>(d)].incoming;
    if (!decode_[static_cast<std::size_t>(d)].up) {
        // Its decode instance went down on the way: the next one takes the cache.
        d = least_loaded(decode_);
        if (d < 0) {
            ++stats_.requests.dropped;
            requests_.release(id);
            return;
        }
    }
    to_decode(id, d);
}

void DisaggregatedRequestService::to_decode(std::uint32_t id, int d) {
    decode_[static_cast<std::size_t>(d)].waiting.push_back(id);
    if (!decode_[static_cast<std::size_t>(d)].busy) start_decode(d);
}

void DisaggregatedRequestService::start_decode(int d) {
    Instance& in = decode_[static_cast<std::size_t>(d)];
    if (!in.up) return;
    // Admission reserves the whole sequence's KV cache, so decoding never overflows it.
    admit_waiting(in, config_.max_batch, decode_kv_capacity_tokens_, [this](std::uint32_t id) {
        return static_cast<double>(requests_[id].input) + requests_[id].output;
    });
    if (in.running.empty()) {
        in.busy = false;
        return;
    }
    double context = 0.0;
    for (std::uint32_t id : in.running) context += requests_[id].input + requests_[id].generated;
    const double batch = static_cast<double>(in.running.size());
    const double seconds = models::iteration_s(service_.decode, 0.0, 0.0, batch, context / batch, clock_);
    in.busy = true;
    in.started = engine_.now();
    in.batch = batch;
    const std::uint64_t generation = in.generation;
    engine_.schedule_in(Duration::from_seconds(std::max(seconds, 1e-9)),
                        [this, d, generation] { finish_decode(d, generation); });
}

void DisaggregatedRequestService::finish_decode(int d, std::uint64_t generation) {
    Instance& in = decode_[static_cast<std::size_t>(d)];
    if (generation != in.generation) return;
    const Time now = engine_.now();
    const double span = (now - in.started).seconds();
    stats_.requests.busy_replica_s += span;
    stats_.requests.batch_s += in.batch * span;
    std::vector<std::uint32_t> still;
    for (std::uint32_t id : in.running) {
        Request& q = requests_[id];
        if (!q.has_first_token) {
            q.has_first_token = true;
            q.first_token = now;
        }
        if (++q.generated >= q.output) {
            in.kv_tokens -= q.input + q.output;
            complete(id, now);
        } else {
            still.push_back(id);
        }
    }
    in.running = std::move(still);
    start_decode(d);
}

void DisaggregatedRequestService::complete(std::uint32_t id, Time now) {
    const Request& q = requests_[id];
    auto& st = stats_.requests;
    ++st.completed;
    st.input_tokens += q.input;
    st.output_tokens += q.output;
    const double ttft = (q.first_token - q.arrival).seconds();
    const double tpot = q.output > 1 ? (now - q.first_token).seconds() / (q.output - 1) : 0.0;
    st.ttft_s.record(ttft);
    if (q.output > 1) st.tpot_s.record(tpot);
    if (ttft <= config_.ttft_slo_s && tpot <= config_.tpot_slo_s) ++st.slo_met;
    requests_.release(id);
}

void DisaggregatedRequestService::replica_down(int pool) {
    auto& instances = pool == prefill_pool ? prefill_ : decode_;
    for (auto& in : instances) {
        if (!in.up) continue;
        in.up = false;
        in.busy = false;
        ++in.generation;
        // Its requests start over from their prompts (the KV cache is lost with the instance).
        for (std::uint32_t id : evict_all(in)) to_prefill(id);
        return;
    }
}

void DisaggregatedRequestService::replica_up(int pool) {
    auto& instances = pool == prefill_pool ? prefill_ : decode_;
    for (std::size_t r = 0; r < instances.size(); ++r) {
        if (instances[r].up) continue;
        instances[r].up = true;
        if (pool == prefill_pool)
            start_prefill(static_cast<int>(r));
        else
            start_decode(static_cast<int>(r));
        return;
    }
}

}  // namespace factorysim::world
