// Objects addressed by a stable 32-bit id, whose slots are reused once released: the
// request-level inference models keep every request in flight here and pass ids around
// (batches, queues, events), so a long run's memory follows the requests in flight, not
// the requests ever served.
#pragma once

#include <cstdint>
#include <vector>

namespace factorysim::world {

template <class T>
class SlotPool {
public:
    // A default-constructed object in a free slot (a reused one if any).
    std::uint32_t acquire() {
        if (!free_.empty()) {
            const auto id = free_.back();
            free_.pop_back();
            items_[id] = T{};
            return id;
        }
        items_.emplace_back();
        return static_cast<std::uint32_t>(items_.size() - 1);
    }
    // The slot may be handed out again; the id must not be used after this.
    void release(std::uint32_t id) { free_.push_back(id); }

    T& operator[](std::uint32_t id) { return items_[id]; }
    const T& operator[](std::uint32_t id) const { return items_[id]; }

private:
    std::vector<T> items_;
    std::vector<std::uint32_t> free_;
};

}  // namespace factorysim::world
