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
// Storage: each bucket is a stack of fixed-size blocks drawn from one shared pool; only
// the top block of a bucket may be partly filled, and a block goes back to the pool the
// moment it empties, block by block even while its bucket is being redistributed. Memory
// is the live entries plus at most one partial block per non-empty bucket (~56-60 bytes
// per pending event with the engine's slot, docs/performance.md). A vector per bucket was
// ~3-10 % faster but kept every bucket's peak capacity for ever: with doubling growth the
// buckets held about 3x the pending entries (94 bytes per pending event at 10,000).
// Entries never move while they stay in their bucket (blocks are not reallocated), so the
// cached position of the minimum survives pushes.
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

template <std::uint32_t BlockEntries = 64>
class BasicRadixHeap {
public:
    static constexpr const char* name = "radix heap";
    static constexpr std::uint32_t block_entries = BlockEntries;

    BasicRadixHeap() = default;
    BasicRadixHeap(const BasicRadixHeap&) = delete;  // buckets point into the pool
    BasicRadixHeap& operator=(const BasicRadixHeap&) = delete;
    BasicRadixHeap(BasicRadixHeap&&) noexcept = default;  // the pool's blocks stay put
    BasicRadixHeap& operator=(BasicRadixHeap&&) noexcept = default;

    bool empty() const { return size_ == 0; }
    std::size_t size() const { return size_; }
    void reserve(std::size_t) {}
    void clear() {
        for (Bucket& bucket : buckets_) {
            while (bucket.top != nullptr) release_top(bucket);
            bucket = Bucket{};
        }
        early_.clear();
        occupied_ = {0, 0, 0};
        size_ = 0;
        last_ = 0;
        cached_entry_ = nullptr;
    }
    std::size_t memory_bytes() const {
        return sizeof(*this) + early_.capacity() * sizeof(QueueEntry) + chunks_.capacity() * sizeof(void*) +
               allocated_blocks_ * sizeof(Block);
    }

    const QueueEntry& top() const {
        if (!early_.empty()) return early_[earliest_early()];
        locate();
        return *cached_entry_;
    }

    FACTORYSIM_HOT_INLINE void push(const QueueEntry& e) {
        ++size_;
        if (queue_key(e) < last_) [[unlikely]] {
            early_.push_back(e);
            return;
        }
        const unsigned b = bucket_of(queue_key(e));
        QueueEntry* placed = append(buckets_[b], e);
        occupied_[b >> 6] |= 1ULL << (b & 63);
        if (cached_entry_ != nullptr && entry_before(e, *cached_entry_)) {
            cached_bucket_ = b;
            cached_entry_ = placed;
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
        Bucket& bucket = buckets_[b];
        last_ = queue_key(*cached_entry_);
        // Fill the hole with the bucket's last entry (order inside a bucket is free).
        *cached_entry_ = bucket.top->entries[bucket.top_count - 1];
        cached_entry_ = nullptr;
        if (--bucket.top_count == 0) release_top(bucket);
        if (bucket.top == nullptr) {
            occupied_[b >> 6] &= ~(1ULL << (b & 63));
            return;
        }
        // Everything left shares more leading bits with the new `last`: it moves to strictly
        // lower buckets. Each block goes back to the pool as soon as it has been read, so the
        // move never needs more than one extra block.
        Block* block = bucket.top;
        std::uint32_t count = bucket.top_count;
        bucket.top = nullptr;
        bucket.top_count = 0;
        occupied_[b >> 6] &= ~(1ULL << (b & 63));
        while (block != nullptr) {
            FACTORYSIM_PREFETCH(block->below);  // the next block of the chain is a cache miss
            for (std::uint32_t i = 0; i < count; ++i) {
                const QueueEntry& e = block->entries[i];
                const unsigned nb = bucket_of(queue_key(e));
                append(buckets_[nb], e);
                occupied_[nb >> 6] |= 1ULL << (nb & 63);
            }
            Block* below = block->below;
            free_block(block);
            block = below;
            count = block_entries;
        }
    }

    std::vector<QueueEntry> take_all() {
        std::vector<QueueEntry> all;
        all.reserve(size_);
        for (Bucket& bucket : buckets_) {
            Block* block = bucket.top;
            std::uint32_t count = bucket.top_count;
            while (block != nullptr) {
                all.insert(all.end(), block->entries, block->entries + count);
                Block* below = block->below;
                free_block(block);
                block = below;
                count = block_entries;
            }
            bucket = Bucket{};
        }
        all.insert(all.end(), early_.begin(), early_.end());
        early_.clear();
        occupied_ = {0, 0, 0};
        size_ = 0;
        last_ = 0;  // the caller may re-push with renumbered (smaller) keys
        cached_entry_ = nullptr;
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
    struct Block {
        Block* below;  // next block down the bucket's stack, or the next free block
        QueueEntry entries[block_entries];
    };
    struct Bucket {
        Block* top = nullptr;         // the only block that may be partly filled
        std::uint32_t top_count = 0;  // entries in `top`; every block below is full
    };
    static constexpr unsigned bucket_count = 129;
    static constexpr std::size_t blocks_per_chunk = 16;

    unsigned bucket_of(queue_key_t key) const {
        const auto hi = static_cast<std::uint64_t>(key >> 64) ^ static_cast<std::uint64_t>(last_ >> 64);
        if (hi != 0) return 64 + static_cast<unsigned>(std::bit_width(hi));
        return static_cast<unsigned>(std::bit_width(static_cast<std::uint64_t>(key) ^ static_cast<std::uint64_t>(last_)));
    }

    FACTORYSIM_HOT_INLINE QueueEntry* append(Bucket& bucket, const QueueEntry& e) {
        if (bucket.top == nullptr || bucket.top_count == block_entries) [[unlikely]] {
            Block* block = allocate_block();
            block->below = bucket.top;
            bucket.top = block;
            bucket.top_count = 0;
        }
        QueueEntry* slot = &bucket.top->entries[bucket.top_count++];
        *slot = e;
        return slot;
    }

    void release_top(Bucket& bucket) {
        Block* block = bucket.top;
        bucket.top = block->below;
        bucket.top_count = bucket.top != nullptr ? block_entries : 0;
        free_block(block);
    }

    Block* allocate_block() {
        if (free_ == nullptr) {
            chunks_.push_back(std::make_unique<Block[]>(blocks_per_chunk));
            allocated_blocks_ += blocks_per_chunk;
            Block* chunk = chunks_.back().get();
            for (std::size_t i = 0; i < blocks_per_chunk; ++i) free_block(&chunk[i]);
        }
        Block* block = free_;
        free_ = block->below;
        return block;
    }
    void free_block(Block* block) {
        block->below = free_;
        free_ = block;
    }

    std::size_t earliest_early() const {
        std::size_t best = 0;
        for (std::size_t i = 1; i < early_.size(); ++i)
            if (entry_before(early_[i], early_[best])) best = i;
        return best;
    }

    void locate() const {
        if (cached_entry_ != nullptr) return;
        unsigned b;
        if (occupied_[0] != 0) b = static_cast<unsigned>(std::countr_zero(occupied_[0]));
        else if (occupied_[1] != 0) b = 64 + static_cast<unsigned>(std::countr_zero(occupied_[1]));
        else b = 128;
        const Bucket& bucket = buckets_[b];
        QueueEntry* best = &bucket.top->entries[0];
        queue_key_t best_key = queue_key(*best);
        std::uint32_t count = bucket.top_count;
        for (Block* block = bucket.top; block != nullptr; block = block->below, count = block_entries) {
            FACTORYSIM_PREFETCH(block->below);  // the next block of the chain is a cache miss
            for (std::uint32_t i = 0; i < count; ++i) {
                const queue_key_t k = queue_key(block->entries[i]);
                if (k < best_key) {
                    best_key = k;
                    best = &block->entries[i];
                }
            }
        }
        cached_bucket_ = b;
        cached_entry_ = best;
    }

    std::array<Bucket, bucket_count> buckets_{};
    std::vector<QueueEntry> early_;  // keys below last_: same-time events of an earlier band
    std::array<std::uint64_t, 3> occupied_{0, 0, 0};
    queue_key_t last_ = 0;
    std::size_t size_ = 0;
    Block* free_ = nullptr;
    std::vector<std::unique_ptr<Block[]>> chunks_;
    std::size_t allocated_blocks_ = 0;
    mutable unsigned cached_bucket_ = 0;
    mutable QueueEntry* cached_entry_ = nullptr;
};

using RadixHeap = BasicRadixHeap<64>;

}  // namespace factorysim
