// Admission into a continuous batch, shared by the request-level inference models
// (request_level, disaggregated_requests): waiting requests join the running batch in
// arrival order while the batch has room and the KV cache can hold what each one reserves.
// The first request always gets in, so an instance with an empty batch never stalls on a
// request larger than its free cache (the loader has checked that one sequence fits).
#pragma once

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

}  // namespace factorysim::world
