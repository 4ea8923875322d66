// The discrete-event engine: an ordinary object (no globals; many per process; confined to
// one thread) that owns simulated time and the pending events.
//
// Order: events fire by (time, priority band, insertion sequence), so simultaneous events
// are deterministic and runs are bit-for-bit reproducible.
//
// Cost model (why it is fast): a pending event is a 16-byte key in the queue, the same
// size as a bare (double, int) heap item, plus a 40-byte pooled slot holding the
// type-erased callback (inline storage, no allocation for captures up to 24 bytes). Slots
// are recycled through a free list, so steady-state scheduling allocates nothing.
// Cancellation is lazy: it frees the slot; the stale key is recognised when it surfaces
// because the slot no longer holds that key's sequence (stale keys are purged in bulk if
// they ever outnumber live ones).
//
// The insertion sequence is 32 bits so that it fits in the key. Before it would wrap, all
// pending keys are renumbered in their current order (O(n log n), once per 4.29e9
// schedules), which preserves every ordering guarantee.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "factorysim/core/error.hpp"
#include "factorysim/core/event_queue.hpp"
#include "factorysim/core/inline_callback.hpp"
#include "factorysim/core/radix_heap.hpp"
#include "factorysim/core/rng.hpp"
#include "factorysim/core/time.hpp"

namespace factorysim {

// Same-time events fire band by band. Physics state changes precede ordinary model
// logic; observers (samplers, recorders) see the settled state at the end of an instant.
enum class Priority : std::uint8_t {
    Control = 0,
    Physics = 4,
    Normal = 8,
    Settle = 10,  // models that batch the changes of one instant (flow-level fabric)
    Observe = 12,
};  // values < 16: the band occupies 4 bits of the queue key

// Refers to one scheduled event. Stays safe to use after the event fired or was
// cancelled: cancel() then returns false.
struct EventHandle {
    std::uint32_t slot = std::numeric_limits<std::uint32_t>::max();
    std::uint32_t generation = 0;
    bool valid() const { return slot != std::numeric_limits<std::uint32_t>::max(); }
};

enum class RunStatus { Drained, ReachedUntil, Stopped };

template <class Queue>
class BasicEngine {
public:
    static constexpr std::size_t callback_inline_bytes = 24;
    using Callback = detail::InlineCallback<callback_inline_bytes>;

    explicit BasicEngine(std::uint64_t seed = 0) : seed_(seed) {}
    BasicEngine(const BasicEngine&) = delete;
    BasicEngine& operator=(const BasicEngine&) = delete;

    Time now() const { return now_; }
    std::uint64_t seed() const { return seed_; }

    // A reproducible random stream derived from (seed, name); see core/rng.hpp.
    RandomStream rng(std::string_view name) const { return RandomStream(seed_, name); }

    template <class F>
    FACTORYSIM_HOT_INLINE EventHandle schedule_at(Time t, F&& f, Priority p = Priority::Normal) {
        if (t < now_) [[unlikely]]
            throw ModelError(fmt::format("event scheduled in the past: at {} while the clock is at {}",
                                         to_clock_string(t), to_clock_string(now_)));
        if (next_sequence_ == max_sequence) [[unlikely]] renumber();
        const std::uint32_t index = acquire_slot();
        Slot& s = slot(index);
        s.callback.emplace(std::forward<F>(f));
        if (s.callback.on_heap()) ++heap_callbacks_;
        s.sequence = next_sequence_++;
        queue_.push(QueueEntry{t.ns(), make_key(p, s.sequence, index)});
        ++live_;
        return EventHandle{index, s.generation};
    }

    template <class F>
    FACTORYSIM_HOT_INLINE EventHandle schedule_in(Duration d, F&& f, Priority p = Priority::Normal) {
        if (d < Duration::zero()) [[unlikely]]
            throw ModelError(fmt::format("event scheduled with a negative delay of {}", to_string(d)));
        return schedule_at(now_ + d, std::forward<F>(f), p);
    }

    // Lazy cancel. Returns true if the event was pending and will not fire; false if it
    // already fired, is firing now, or was cancelled before.
    bool cancel(EventHandle h) {
        if (!h.valid() || h.slot >= slot_count_) return false;
        Slot& s = slot(h.slot);
        if (s.generation != h.generation || !s.callback) return false;
        s.callback.reset();
        release_slot(h.slot);
        --live_;
        ++stale_;
        if (stale_ > 1024 && stale_ > 2 * live_) purge_stale();
        return true;
    }

    bool is_pending(EventHandle h) const {
        if (!h.valid() || h.slot >= slot_count_) return false;
        const Slot& s = slot(h.slot);
        return s.generation == h.generation && static_cast<bool>(s.callback);
    }

    // Runs events with time <= until, in order. On return the clock is at `until` unless
    // the run was stopped or `until` is Time::max() (then it stays at the last event).
    RunStatus run(Time until = Time::max()) {
        stop_requested_ = false;
        while (!queue_.empty()) {
            const QueueEntry e = queue_.top();
            if (e.time_ns > until.ns()) break;
            queue_.pop();
            const std::uint32_t index = entry_slot(e);
            Slot& s = slot(index);
            if (!is_live(s, e)) {
                --stale_;
                continue;
            }
            now_ = Time::from_ns(e.time_ns);
            ++s.generation;  // the running event's handle goes stale: cancelling it is a no-op
            --live_;
            ++events_processed_;
            fingerprint_ = mix(fingerprint_ ^ static_cast<std::uint64_t>(e.time_ns)) ^ (e.key >> queue_slot_bits);
            FireGuard guard{*this, index};
            s.callback();
            if (stop_requested_) return RunStatus::Stopped;
        }
        if (until != Time::max() && now_ < until) {
            now_ = until;
            return RunStatus::ReachedUntil;
        }
        return queue_.empty() ? RunStatus::Drained : RunStatus::ReachedUntil;
    }

    // Makes run() return after the event being processed.
    void stop() { stop_requested_ = true; }

    std::size_t pending_events() const { return live_; }
    std::uint64_t events_processed() const { return events_processed_; }
    std::uint64_t heap_allocated_callbacks() const { return heap_callbacks_; }
    // Hash over (time, priority, sequence) of every fired event: equal fingerprints mean the
    // same event trace (the OMNeT++ fingerprint idea).
    std::uint64_t fingerprint() const { return fingerprint_; }
    std::size_t memory_bytes() const {
        return queue_.memory_bytes() + chunks_.capacity() * sizeof(void*) + chunks_.size() * chunk_size * sizeof(Slot);
    }
    void reserve(std::size_t pending) {
        queue_.reserve(pending);
        while (static_cast<std::size_t>(chunks_.size()) * chunk_size < pending) add_chunk();
    }
    static constexpr std::size_t slot_bytes() { return sizeof(Slot); }
    // Test hook: jump the sequence counter (e.g. to just below the wrap) to exercise
    // renumbering without scheduling four billion events.
    void set_next_sequence_for_testing(std::uint32_t next) { next_sequence_ = next; }
    static constexpr const char* queue_name() { return Queue::name; }

private:
    struct Slot {
        Callback callback;             // empty while the slot is free
        std::uint32_t generation = 0;  // bumped on fire and cancel, so old handles go stale
        std::uint32_t sequence = 0;    // sequence of the pending event; next free slot when free
    };
    static constexpr std::uint32_t max_sequence = std::numeric_limits<std::uint32_t>::max();
    static constexpr std::uint32_t chunk_bits = 10;
    static constexpr std::uint32_t chunk_size = 1u << chunk_bits;
    static constexpr std::uint32_t no_slot = std::numeric_limits<std::uint32_t>::max();

    struct FireGuard {
        BasicEngine& engine;
        std::uint32_t index;
        ~FireGuard() {
                engine.slot(index).callback.reset();
            engine.release_slot(index);
        }
    };

    static std::uint64_t mix(std::uint64_t x) {
        x ^= x >> 31;
        x *= 0x7fb5d329728ea185ULL;
        x ^= x >> 27;
        return x;
    }

    static std::uint64_t make_key(Priority p, std::uint32_t sequence, std::uint32_t index) {
        return (static_cast<std::uint64_t>(p) << 60) | (static_cast<std::uint64_t>(sequence) << queue_slot_bits) | index;
    }
    static bool is_live(const Slot& s, const QueueEntry& e) {
        return static_cast<bool>(s.callback) && s.sequence == entry_sequence(e);
    }

    FACTORYSIM_HOT_INLINE Slot& slot(std::uint32_t i) { return chunks_[i >> chunk_bits][i & (chunk_size - 1)]; }
    const Slot& slot(std::uint32_t i) const { return chunks_[i >> chunk_bits][i & (chunk_size - 1)]; }

    void add_chunk() {
        if (chunks_.size() >= (1u << (queue_slot_bits - chunk_bits)))
            throw ModelError("more than 268 million pending events: the model is scheduling without bound");
        chunks_.push_back(std::make_unique<Slot[]>(chunk_size));
    }

    FACTORYSIM_HOT_INLINE std::uint32_t acquire_slot() {
        if (free_head_ != no_slot) {
            const std::uint32_t i = free_head_;
            free_head_ = slot(i).sequence;
            return i;
        }
        if (slot_count_ == chunks_.size() * chunk_size) add_chunk();
        return slot_count_++;
    }

    FACTORYSIM_HOT_INLINE void release_slot(std::uint32_t i) {
        Slot& s = slot(i);
        ++s.generation;
        s.sequence = free_head_;
        free_head_ = i;
    }

    void purge_stale() {
        queue_.remove_if([this](const QueueEntry& e) { return !is_live(slot(entry_slot(e)), e); });
        stale_ = 0;
    }

    // Reassigns sequences 0..n-1 to the live entries in their current order.
    void renumber() {
        std::vector<QueueEntry> entries = queue_.take_all();
        std::erase_if(entries, [this](const QueueEntry& e) { return !is_live(slot(entry_slot(e)), e); });
        std::sort(entries.begin(), entries.end(), entry_before);
        std::uint32_t next = 0;
        for (QueueEntry& e : entries) {
            const std::uint32_t index = entry_slot(e);
            const auto band = static_cast<Priority>(e.key >> 60);
            slot(index).sequence = next;
            e.key = make_key(band, next++, index);
            queue_.push(e);
        }
        stale_ = 0;
        next_sequence_ = next;
    }

    Time now_{};
    std::uint64_t seed_;
    std::uint32_t next_sequence_ = 0;
    std::uint64_t events_processed_ = 0;
    std::uint64_t heap_callbacks_ = 0;
    std::uint64_t fingerprint_ = 0x9e3779b97f4a7c15ULL;
    std::size_t live_ = 0;
    std::size_t stale_ = 0;
    bool stop_requested_ = false;
    Queue queue_;
    std::vector<std::unique_ptr<Slot[]>> chunks_;
    std::uint32_t slot_count_ = 0;
    std::uint32_t free_head_ = no_slot;
};

using Engine = BasicEngine<RadixHeap>;

}  // namespace factorysim
