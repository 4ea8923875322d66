// Radix heap (Ahuja, Mehlhorn, Orlin & Tarjan, "Faster algorithms for the shortest path
// problem", JACM 37(2), 1990) over the 128-bit (time, key) of queue entries.
//
// It exploits what a discrete-event queue guarantees: keys are monotone (nothing is
// scheduled before the last event taken). With `last` the key of the last entry popped,
// an entry x lives in bucket bit_width(x XOR last): entries sharing a longer prefix with
// `last` sit in lower buckets. Pop finds the lowest non-empty bucket (one count-trailing-
// zeros over a bitmap), takes its minimum, and redistributes the rest of that bucket by
// the new `last`, into strictly lower buckets. Each entry therefore moves at most 128
// times in its life, and in practice a handful: pushes and most pops are O(1) appends
// and removals, with no comparisons against far-away entries.
//
// Storage: one vector per bucket. Measured against chaining fixed 32-entry blocks from a
// shared pool (docs/performance.md), vectors are ~30 % faster but keep each bucket's peak
// capacity, so memory per pending event is ~70-95 bytes instead of ~56-64.
//
// One case breaks monotonicity: an event at the current time in a lower priority band
// than the event that schedules it (its key is below `last`). Such entries wait in a
// small side list that is always served first, which gives exactly the heap's order.
#pragma once

#include <array>
#include <bit>
#include <cstdint>
#include <memory>
#include <vector>

#include "factorysim/core/event_queue.hpp"

namespace factorysim {

class RadixHeap {
public:
    static constexpr const char* name = "radix heap";

    bool empty() const { return size_ == 0; }
    std::size_t size() const { return size_; }
    void reserve(std::size_t) {}
    void clear() { (void)take_all(); }
    std::size_t memory_bytes() const {
        std::size_t bytes = sizeof(*this) + early_.capacity() * sizeof(QueueEntry);
        for (const auto& b : buckets_) bytes += b.capacity() * sizeof(QueueEntry);
        return bytes;
    }

    const QueueEntry& top() const {
        if (!early_.empty()) return early_[earliest_early()];
        locate();
        return buckets_[cached_bucket_][cached_index_];
    }

    FACTORYSIM_HOT_INLINE void push(const QueueEntry& e) {
        ++size_;
        if (queue_key(e) < last_) [[unlikely]] {
            early_.push_back(e);
            return;
        }
        const unsigned b = bucket_of(queue_key(e));
        buckets_[b].push_back(e);
        occupied_[b >> 6] |= 1ULL << (b & 63);
        if (cached_bucket_ != no_bucket && entry_before(e, buckets_[cached_bucket_][cached_index_])) {
            cached_bucket_ = b;
            cached_index_ = buckets_[b].size() - 1;
        }
    }

    FACTORYSIM_HOT_INLINE void pop() {
        --size_;
        if (!early_.empty()) [[unlikely]] {
            const std::size_t i = earliest_early();
            early_[i] = early_.back();
            early_.pop_back();
            return;
        }
        locate();
        const unsigned b = cached_bucket_;
        cached_bucket_ = no_bucket;
        std::vector<QueueEntry>& bucket = buckets_[b];
        last_ = queue_key(bucket[cached_index_]);
        bucket[cached_index_] = bucket.back();
        bucket.pop_back();
        occupied_[b >> 6] &= ~(1ULL << (b & 63));
        if (bucket.empty()) return;
        // Everything left in this bucket shares more leading bits with the new `last`, so
        // it moves to strictly lower buckets: read in place, no scratch buffer (a swapped
        // scratch would spread the largest buffer's capacity over every bucket).
        for (const QueueEntry& e : bucket) {
            const unsigned nb = bucket_of(queue_key(e));
            buckets_[nb].push_back(e);
            occupied_[nb >> 6] |= 1ULL << (nb & 63);
        }
        bucket.clear();
        // A bucket that once held the bulk of the queue (typically the top one, filled before
        // the first pop) would keep that capacity for ever: give it back once it empties.
        if (bucket.capacity() > 4096 && bucket.capacity() > size_) std::vector<QueueEntry>().swap(bucket);
    }

    std::vector<QueueEntry> take_all() {
        std::vector<QueueEntry> all;
        all.reserve(size_);
        for (auto& b : buckets_) {
            all.insert(all.end(), b.begin(), b.end());
            b.clear();
        }
        all.insert(all.end(), early_.begin(), early_.end());
        early_.clear();
        occupied_ = {0, 0, 0};
        size_ = 0;
        last_ = 0;  // the caller may re-push with renumbered (smaller) keys
        cached_bucket_ = no_bucket;
        return all;
    }

    template <class Pred>
    void remove_if(Pred stale) {
        const queue_key_t last = last_;
        std::vector<QueueEntry> all = take_all();
        last_ = last;
        for (const QueueEntry& e : all)
            if (!stale(e)) push(e);
    }

private:
    static constexpr unsigned bucket_count = 129;
    static constexpr unsigned no_bucket = bucket_count;

    unsigned bucket_of(queue_key_t key) const {
        const auto hi = static_cast<std::uint64_t>(key >> 64) ^ static_cast<std::uint64_t>(last_ >> 64);
        if (hi != 0) return 64 + static_cast<unsigned>(std::bit_width(hi));
        return static_cast<unsigned>(std::bit_width(static_cast<std::uint64_t>(key) ^ static_cast<std::uint64_t>(last_)));
    }

    std::size_t earliest_early() const {
        std::size_t best = 0;
        for (std::size_t i = 1; i < early_.size(); ++i)
            if (entry_before(early_[i], early_[best])) best = i;
        return best;
    }

    void locate() const {
        if (cached_bucket_ != no_bucket) return;
        unsigned b;
        if (occupied_[0] != 0) b = static_cast<unsigned>(std::countr_zero(occupied_[0]));
        else if (occupied_[1] != 0) b = 64 + static_cast<unsigned>(std::countr_zero(occupied_[1]));
        else b = 128;
        const std::vector<QueueEntry>& bucket = buckets_[b];
        std::size_t best = 0;
        queue_key_t best_key = queue_key(bucket[0]);
        for (std::size_t i = 1; i < bucket.size(); ++i) {
            const queue_key_t k = queue_key(bucket[i]);
            if (k < best_key) {
                best_key = k;
                best = i;
            }
        }
        cached_bucket_ = b;
        cached_index_ = best;
    }

    std::array<std::vector<QueueEntry>, bucket_count> buckets_;
    std::vector<QueueEntry> early_;  // keys below last_: same-time events of an earlier band
    std::array<std::uint64_t, 3> occupied_{0, 0, 0};
    queue_key_t last_ = 0;
    std::size_t size_ = 0;
    mutable unsigned cached_bucket_ = no_bucket;
    mutable std::size_t cached_index_ = 0;
};

}  // namespace factorysim
