// Admission into a continuous batch, and eviction from it, shared by the request-level
// inference models (request_level, disaggregated_requests). Admission: waiting requests join the running batch in
// arrival order while the batch has room and the KV cache can hold what each one reserves.
// The first request always gets in, so an instance with an empty batch never stalls on a
// request larger than its free cache (the loader has checked that one sequence fits).
#pragma once

#include <cstdint>
#include <vector>

namespace factorysim::world {

// `slot` has `waiting` (deque of request ids), `running` (vector of ids) and `kv_tokens`;
// `kv_tokens_of(id)` is what a request reserves when it is admitted.
template <class Slot, class KvTokensOf>
void admit_waiting(Slot& slot, int batch_limit, double kv_capacity_tokens, KvTokensOf kv_tokens_of) {
    while (!slot.waiting.empty() && static_cast<int>(slot.running.size()) < batch_limit) {
        const double need = kv_tokens_of(slot.waiting.front());
        if (slot.kv_tokens + need > kv_capacity_tokens && !slot.running.empty()) break;
        slot.kv_tokens += need;
        slot.running.push_back(slot.waiting.front());
        slot.waiting.pop_front();
    }
}

// Empties an instance that went down: its running then its waiting requests, in that order,
// for the caller to send elsewhere (their KV cache is lost with the instance).
template <class Slot>
std::vector<std::uint32_t> evict_all(Slot& slot) {
    std::vector<std::uint32_t> moved(slot.running.begin(), slot.running.end());
    moved.insert(moved.end(), slot.waiting.begin(), slot.waiting.end());
    slot.running.clear();
    slot.waiting.clear();
    slot.kv_tokens = 0.0;
    return moved;
}

}  // namespace factorysim::world
