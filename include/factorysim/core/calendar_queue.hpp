// Calendar queue (R. Brown, "Calendar queues: a fast O(1) priority queue implementation
// for the simulation event set problem", CACM 31(10), 1988), with integer time.
//
// Time is cut into `width`-ns days; day d lives in bucket d mod nbuckets (a year is
// nbuckets days). Each bucket is a small vector kept sorted in descending (time, order),
// so its minimum is at the back. Dequeue scans forward from the current day for an entry
// that belongs to the current year; after an empty year it falls back to a direct search.
// The calendar doubles/halves with the population, re-estimating `width` from the gaps
// between the earliest events (Brown's rule: about three mean separations per day).
//
// Kept as an alternative to QuaternaryHeap for measurement (benchmarks/phold) and tested
// by the same suite; see docs/performance.md for which one the engine uses and why.
#pragma once

#include <algorithm>
#include <bit>
#include <cstdint>
#include <vector>

#include "factorysim/core/event_queue.hpp"

namespace factorysim {

class CalendarQueue {
public:
    static constexpr const char* name = "calendar queue";

    CalendarQueue() { buckets_.resize(min_buckets); }

    bool empty() const { return size_ == 0; }
    std::size_t size() const { return size_; }
    void reserve(std::size_t) {}
    void clear() {
        for (auto& b : buckets_) b.clear();
        size_ = 0;
        cached_ = no_bucket;
    }

    std::vector<QueueEntry> take_all() {
        std::vector<QueueEntry> all;
        all.reserve(size_);
        for (auto& b : buckets_) {
            all.insert(all.end(), b.begin(), b.end());
            b.clear();
        }
        size_ = 0;
        cached_ = no_bucket;
        return all;
    }

    std::size_t memory_bytes() const {
        std::size_t bytes = buckets_.capacity() * sizeof(Bucket);
        for (const auto& b : buckets_) bytes += b.capacity() * sizeof(QueueEntry);
        return bytes;
    }

    const QueueEntry& top() const {
        locate();
        return buckets_[cached_].back();
    }

    void push(const QueueEntry& e) {
        if (e.time_ns < bucket_top_ - width_ || size_ == 0) set_current_day(e.time_ns);
        insert(e);
        ++size_;
        if (cached_ != no_bucket && entry_before(e, buckets_[cached_].back())) cached_ = bucket_of(e.time_ns);
        if (size_ > 2 * buckets_.size()) resize(buckets_.size() * 2);
    }

    void pop() {
        locate();
        buckets_[cached_].pop_back();
        --size_;
        cached_ = no_bucket;
        if (size_ < buckets_.size() / 4 && buckets_.size() > min_buckets) resize(buckets_.size() / 2);
    }

    template <class Pred>
    void remove_if(Pred stale) {
        for (auto& b : buckets_) {
            const auto end = std::remove_if(b.begin(), b.end(), stale);
            size_ -= static_cast<std::size_t>(b.end() - end);
            b.erase(end, b.end());
        }
        cached_ = no_bucket;
        resize(std::max<std::size_t>(min_buckets, std::bit_ceil(size_ / 2 + 1)));
    }

private:
    using Bucket = std::vector<QueueEntry>;
    static constexpr std::size_t min_buckets = 16;
    static constexpr std::size_t no_bucket = static_cast<std::size_t>(-1);

    std::size_t bucket_of(std::int64_t t) const { return static_cast<std::size_t>(t / width_) & (buckets_.size() - 1); }

    void set_current_day(std::int64_t t) {
        current_ = bucket_of(t);
        bucket_top_ = (t / width_ + 1) * width_;
    }

    void insert(const QueueEntry& e) {
        Bucket& b = buckets_[bucket_of(e.time_ns)];
        // Descending order: find the first element that e is not after.
        auto pos = std::upper_bound(b.begin(), b.end(), e, [](const QueueEntry& x, const QueueEntry& y) {
            return entry_before(y, x);
        });
        b.insert(pos, e);
    }

    void locate() const {
        if (cached_ != no_bucket) return;
        std::size_t i = current_;
        std::int64_t top = bucket_top_;
        const std::size_t mask = buckets_.size() - 1;
        for (std::size_t k = 0; k < buckets_.size(); ++k) {
            const Bucket& b = buckets_[i];
            if (!b.empty() && b.back().time_ns < top) {
                current_ = i;
                bucket_top_ = top;
                cached_ = i;
                return;
            }
            i = (i + 1) & mask;
            top += width_;
        }
        // A whole year without an event: jump straight to the earliest one.
        std::size_t best = no_bucket;
        for (std::size_t j = 0; j < buckets_.size(); ++j)
            if (!buckets_[j].empty() && (best == no_bucket || entry_before(buckets_[j].back(), buckets_[best].back())))
                best = j;
        const std::int64_t t = buckets_[best].back().time_ns;
        current_ = best;
        bucket_top_ = (t / width_ + 1) * width_;
        cached_ = best;
    }

    void resize(std::size_t new_buckets) {
        std::vector<QueueEntry> all;
        all.reserve(size_);
        for (auto& b : buckets_) {
            all.insert(all.end(), b.begin(), b.end());
            Bucket().swap(b);
        }
        std::sort(all.begin(), all.end(), entry_before);
        // Brown's width estimate from the earliest (up to 25) events, ignoring wide gaps.
        const std::size_t sample = std::min<std::size_t>(all.size(), 25);
        if (sample >= 2) {
            const double mean_gap =
                static_cast<double>(all[sample - 1].time_ns - all[0].time_ns) / static_cast<double>(sample - 1);
            double sum = 0;
            std::size_t n = 0;
            for (std::size_t k = 1; k < sample; ++k) {
                const auto gap = static_cast<double>(all[k].time_ns - all[k - 1].time_ns);
                if (gap <= 2.0 * mean_gap) {
                    sum += gap;
                    ++n;
                }
            }
            const double width = n > 0 ? 3.0 * sum / static_cast<double>(n) : 0.0;
            if (width >= 1.0) width_ = static_cast<std::int64_t>(width);
        }
        buckets_.assign(new_buckets, Bucket());
        // Appending in descending order keeps each bucket sorted without searching.
        for (auto it = all.rbegin(); it != all.rend(); ++it) buckets_[bucket_of(it->time_ns)].push_back(*it);
        cached_ = no_bucket;
        if (!all.empty()) set_current_day(all.front().time_ns);
    }

    std::vector<Bucket> buckets_;
    std::size_t size_ = 0;
    std::int64_t width_ = 1 << 20;
    mutable std::size_t current_ = 0;
    mutable std::int64_t bucket_top_ = 1 << 20;
    mutable std::size_t cached_ = no_bucket;
};

}  // namespace factorysim
