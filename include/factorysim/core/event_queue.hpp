// Pending-event queues for the engine. Every implementation orders entries by
// (time, order), where `order` packs the priority band above the insertion sequence, and
// offers the same small interface so the engine is a template over it and one test suite
// runs against all of them (tests/core/test_engine.cpp).
//
// Entries are 24 bytes and carry no callback: the callback lives in a pooled slot that
// never moves, so the queue shuffles only small keys. `generation` lets the engine tell a
// live entry from one whose event was cancelled (lazy cancellation: the stale entry is
// skipped when it reaches the top, never searched for).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace factorysim {

struct QueueEntry {
    std::int64_t time_ns;
    std::uint64_t order;  // priority band << 56 | insertion sequence
    std::uint32_t slot;
    std::uint32_t generation;
};

inline bool entry_before(const QueueEntry& a, const QueueEntry& b) {
    return a.time_ns < b.time_ns || (a.time_ns == b.time_ns && a.order < b.order);
}

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

    void push(const QueueEntry& e) {
        heap_.push_back(e);
        sift_up(heap_.size() - 1, e);
    }

    void pop() {
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

    void sift_up(std::size_t hole, const QueueEntry& e) {
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
