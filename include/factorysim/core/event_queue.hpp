// Pending-event queues for the engine. Every implementation orders entries by
// (time, order), where `order` packs the priority band above the insertion sequence, and
// offers the same small interface so the engine is a template over it and one test suite
// runs against all of them (tests/core/test_engine.cpp).
//
// Entries are 16 bytes and carry no callback: the callback lives in a pooled slot that
// never moves, so the queue shuffles only small keys. The slot remembers the sequence of
// its current event, which tells a live entry from one whose event was cancelled (lazy
// cancellation: the stale entry is skipped when it reaches the top, never searched for).
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

// The queue and engine hot paths are forced inline: with several engine instantiations
// in one program GCC's heuristics otherwise outline them and PHOLD loses ~30 %.
#if defined(__GNUC__)
#define FACTORYSIM_HOT_INLINE inline __attribute__((always_inline))
#define FACTORYSIM_PREFETCH(address) __builtin_prefetch(address)
#else
#define FACTORYSIM_HOT_INLINE inline
#define FACTORYSIM_PREFETCH(address) ((void)0)
#endif

namespace factorysim {

struct QueueEntry {
    std::int64_t time_ns;
    // priority band (4 bits) << 60 | insertion sequence (32 bits) << 28 | slot (28 bits).
    // The sequence is unique among pending entries, so comparing the whole word orders
    // same-time entries by (band, sequence); the slot bits never decide.
    std::uint64_t key;
};

inline constexpr int queue_slot_bits = 28;
inline constexpr int queue_sequence_bits = 32;
inline constexpr std::uint64_t queue_slot_mask = (1ULL << queue_slot_bits) - 1;
inline std::uint32_t entry_slot(const QueueEntry& e) { return static_cast<std::uint32_t>(e.key & queue_slot_mask); }
inline std::uint32_t entry_sequence(const QueueEntry& e) {
    return static_cast<std::uint32_t>(e.key >> queue_slot_bits);
}

// (time, key) as one unsigned 128-bit number: the sign bit of time is flipped so that
// unsigned order matches signed order.
__extension__ using queue_key_t = unsigned __int128;
inline queue_key_t queue_key(const QueueEntry& e) {
    return (static_cast<queue_key_t>(static_cast<std::uint64_t>(e.time_ns) ^ (1ULL << 63)) << 64) | e.key;
}
inline bool entry_before(const QueueEntry& a, const QueueEntry& b) { return queue_key(a) < queue_key(b); }

// Implicit 4-ary min-heap. Against a binary heap it halves the depth and keeps a node's
// four children in one or two cache lines; pop uses Floyd's bottom-up sift (walk the hole
// to a leaf along the smallest children, then sift the last entry up), which saves about
// half the comparisons because the moved entry almost always belongs near the bottom.
class QuaternaryHeap {
public:
    static constexpr const char* name = "4-ary heap";

    bool empty() const { return heap_.empty(); }
    std::size_t size() const { return heap_.size(); }
    const QueueEntry& top() const { return heap_.front(); }
    std::size_t memory_bytes() const { return heap_.capacity() * sizeof(QueueEntry); }
    void reserve(std::size_t n) { heap_.reserve(n); }
    void clear() { heap_.clear(); }

    // Moves every entry out (in no particular order), leaving the queue empty.
    std::vector<QueueEntry> take_all() { return std::exchange(heap_, {}); }

    FACTORYSIM_HOT_INLINE void push(const QueueEntry& e) {
        heap_.push_back(e);
        sift_up(heap_.size() - 1, e);
    }

    FACTORYSIM_HOT_INLINE void pop() {
        const std::size_t n = heap_.size() - 1;
        if (n == 0) {
            heap_.pop_back();
            return;
        }
        const QueueEntry last = heap_[n];
        heap_.pop_back();
        // Walk the hole from the root down along the smallest child.
        std::size_t hole = 0;
        for (;;) {
            const std::size_t first = 4 * hole + 1;
            if (first >= n) break;
            std::size_t best = first;
            const std::size_t end = first + 4 < n ? first + 4 : n;
            for (std::size_t c = first + 1; c < end; ++c)
                if (entry_before(heap_[c], heap_[best])) best = c;
            heap_[hole] = heap_[best];
            hole = best;
        }
        sift_up(hole, last);
    }

    // Drops the entries `stale` selects and restores the heap in O(n) (Floyd's heapify).
    template <class Pred>
    void remove_if(Pred stale) {
        std::size_t kept = 0;
        for (const QueueEntry& e : heap_)
            if (!stale(e)) heap_[kept++] = e;
        heap_.resize(kept);
        for (std::size_t i = kept / 4 + 1; i-- > 0;) sift_down(i);
    }

private:
    void sift_down(std::size_t hole) {
        const std::size_t n = heap_.size();
        if (hole >= n) return;
        const QueueEntry e = heap_[hole];
        for (;;) {
            const std::size_t first = 4 * hole + 1;
            if (first >= n) break;
            std::size_t best = first;
            const std::size_t end = first + 4 < n ? first + 4 : n;
            for (std::size_t c = first + 1; c < end; ++c)
                if (entry_before(heap_[c], heap_[best])) best = c;
            if (!entry_before(heap_[best], e)) break;
            heap_[hole] = heap_[best];
            hole = best;
        }
        heap_[hole] = e;
    }

    FACTORYSIM_HOT_INLINE void sift_up(std::size_t hole, const QueueEntry& e) {
        while (hole > 0) {
            const std::size_t parent = (hole - 1) / 4;
            if (!entry_before(e, heap_[parent])) break;
            heap_[hole] = heap_[parent];
            hole = parent;
        }
        heap_[hole] = e;
    }

    std::vector<QueueEntry> heap_;
};

}  // namespace factorysim
