// One suite, run against every event-queue implementation the engine can use.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "factorysim/core/calendar_queue.hpp"
#include "factorysim/core/engine.hpp"
#include "factorysim/core/radix_heap.hpp"

using namespace factorysim;
using namespace factorysim::literals;

// BasicRadixHeap<2>: two-entry blocks, so a handful of events already spans many blocks of
// a bucket (block hand-over while redistributing, partial top blocks, the free pool).
#define FACTORYSIM_QUEUES RadixHeap, BasicRadixHeap<2>, QuaternaryHeap, CalendarQueue

TEMPLATE_TEST_CASE("events fire in time order", "[engine]", FACTORYSIM_QUEUES) {
    BasicEngine<TestType> engine;
    std::vector<int> fired;
    engine.schedule_at(Time::zero() + 30_ns, [&] { fired.push_back(3); });
    engine.schedule_at(Time::zero() + 10_ns, [&] { fired.push_back(1); });
    engine.schedule_at(Time::zero() + 20_ns, [&] { fired.push_back(2); });
    REQUIRE(engine.run() == RunStatus::Drained);
    REQUIRE(fired == std::vector<int>{1, 2, 3});
    REQUIRE(engine.now() == Time::from_ns(30));
    REQUIRE(engine.events_processed() == 3);
}

TEMPLATE_TEST_CASE("same-time events fire by priority band, then insertion order", "[engine]", FACTORYSIM_QUEUES) {
    BasicEngine<TestType> engine;
    std::string order;
    const Time t = Time::zero() + 5_s;
    engine.schedule_at(t, [&] { order += "n1 "; }, Priority::Normal);
    engine.schedule_at(t, [&] { order += "o1 "; }, Priority::Observe);
    engine.schedule_at(t, [&] { order += "p1 "; }, Priority::Physics);
    engine.schedule_at(t, [&] { order += "n2 "; }, Priority::Normal);
    engine.schedule_at(t, [&] { order += "c1 "; }, Priority::Control);
    engine.schedule_at(t, [&] { order += "p2 "; }, Priority::Physics);
    engine.run();
    REQUIRE(order == "c1 p1 p2 n1 n2 o1 ");
}

TEMPLATE_TEST_CASE("an event scheduled for now from a running event fires in the same instant, after the queue's "
                   "earlier peers",
                   "[engine]", FACTORYSIM_QUEUES) {
    BasicEngine<TestType> engine;
    std::string order;
    engine.schedule_at(Time::zero() + 1_s, [&] {
        order += "a ";
        engine.schedule_in(Duration::zero(), [&] { order += "c "; });
    });
    engine.schedule_at(Time::zero() + 1_s, [&] { order += "b "; });
    engine.run();
    REQUIRE(order == "a b c ");
    REQUIRE(engine.now() == Time::zero() + 1_s);
}

TEMPLATE_TEST_CASE("an event scheduled now into an earlier band fires before the running band's peers", "[engine]",
                   FACTORYSIM_QUEUES) {
    BasicEngine<TestType> engine;
    std::string order;
    const Time t = Time::zero() + 1_s;
    engine.schedule_at(t, [&] {
        order += "n1 ";
        engine.schedule_at(t, [&] { order += "c "; }, Priority::Control);
        engine.schedule_at(t, [&] { order += "p "; }, Priority::Physics);
    });
    engine.schedule_at(t, [&] { order += "n2 "; });
    engine.schedule_at(t + 1_ns, [&] { order += "later "; }, Priority::Control);
    engine.run();
    REQUIRE(order == "n1 c p n2 later ");
}

TEMPLATE_TEST_CASE("renumbering before the 32-bit sequence wraps keeps every ordering", "[engine]", FACTORYSIM_QUEUES) {
    BasicEngine<TestType> engine;
    std::string order;
    engine.set_next_sequence_for_testing(0xFFFFFFFFu - 3);
    const Time t = Time::zero() + 1_s;
    EventHandle cancelled;
    for (char c = 'a'; c <= 'f'; ++c) {  // sequences wrap in the middle of this loop
        const EventHandle h = engine.schedule_at(t, [&order, c] { order += c; });
        if (c == 'b') cancelled = h;
    }
    REQUIRE(engine.cancel(cancelled));
    engine.schedule_at(t - 1_ns, [&] { order += '0'; });
    engine.run();
    REQUIRE(order == "0acdef");
}

TEMPLATE_TEST_CASE("cancellation is lazy, exact and idempotent", "[engine]", FACTORYSIM_QUEUES) {
    BasicEngine<TestType> engine;
    int fired = 0;
    const EventHandle a = engine.schedule_in(10_ms, [&] { fired += 1; });
    const EventHandle b = engine.schedule_in(20_ms, [&] { fired += 10; });
    REQUIRE(engine.is_pending(a));
    REQUIRE(engine.cancel(a));
    REQUIRE_FALSE(engine.is_pending(a));
    REQUIRE_FALSE(engine.cancel(a));  // double cancel
    REQUIRE(engine.pending_events() == 1);
    engine.run();
    REQUIRE(fired == 10);
    REQUIRE_FALSE(engine.cancel(b));  // already fired
    REQUIRE_FALSE(engine.cancel(EventHandle{}));
}

TEMPLATE_TEST_CASE("a running event can cancel its successors but not itself", "[engine]", FACTORYSIM_QUEUES) {
    BasicEngine<TestType> engine;
    std::vector<std::string> log;
    EventHandle self, later, much_later;
    self = engine.schedule_in(1_s, [&] {
        log.push_back("self");
        REQUIRE_FALSE(engine.cancel(self));  // firing: its handle is already stale
        REQUIRE(engine.cancel(later));
        REQUIRE(engine.cancel(much_later));
    });
    later = engine.schedule_in(2_s, [&] { log.push_back("later"); });
    much_later = engine.schedule_in(3_s, [&] { log.push_back("much later"); });
    engine.run();
    REQUIRE(log == std::vector<std::string>{"self"});
    REQUIRE(engine.events_processed() == 1);
}

TEMPLATE_TEST_CASE("a recycled slot does not resurrect a cancelled handle", "[engine]", FACTORYSIM_QUEUES) {
    BasicEngine<TestType> engine;
    int fired = 0;
    const EventHandle old = engine.schedule_in(5_s, [&] { fired += 1; });
    REQUIRE(engine.cancel(old));
    const EventHandle reuse = engine.schedule_in(1_s, [&] { fired += 100; });
    REQUIRE(reuse.slot == old.slot);  // the free list hands the slot back
    REQUIRE_FALSE(engine.cancel(old));
    REQUIRE(engine.is_pending(reuse));
    engine.run();
    REQUIRE(fired == 100);
}

TEMPLATE_TEST_CASE("run(until) includes events at the boundary and leaves later ones pending", "[engine]",
                   FACTORYSIM_QUEUES) {
    BasicEngine<TestType> engine;
    std::vector<int> fired;
    engine.schedule_at(Time::zero() + 10_s, [&] { fired.push_back(10); });
    engine.schedule_at(Time::zero() + 20_s, [&] { fired.push_back(20); });
    engine.schedule_at(Time::from_ns(20'000'000'001), [&] { fired.push_back(21); });
    REQUIRE(engine.run(Time::zero() + 20_s) == RunStatus::ReachedUntil);
    REQUIRE(fired == std::vector<int>{10, 20});
    REQUIRE(engine.now() == Time::zero() + 20_s);
    REQUIRE(engine.pending_events() == 1);
    REQUIRE(engine.run(Time::zero() + 1_h) == RunStatus::ReachedUntil);
    REQUIRE(fired == std::vector<int>{10, 20, 21});
    REQUIRE(engine.now() == Time::zero() + 1_h);  // the clock advances to the horizon
}

TEMPLATE_TEST_CASE("stop() returns after the current event; run() resumes", "[engine]", FACTORYSIM_QUEUES) {
    BasicEngine<TestType> engine;
    int fired = 0;
    for (int i = 1; i <= 5; ++i)
        engine.schedule_at(Time::zero() + whole_seconds(i), [&, i] {
            ++fired;
            if (i == 2) engine.stop();
        });
    REQUIRE(engine.run() == RunStatus::Stopped);
    REQUIRE(fired == 2);
    REQUIRE(engine.now() == Time::zero() + 2_s);
    REQUIRE(engine.run() == RunStatus::Drained);
    REQUIRE(fired == 5);
}

TEMPLATE_TEST_CASE("scheduling in the past is an error", "[engine]", FACTORYSIM_QUEUES) {
    BasicEngine<TestType> engine;
    engine.schedule_at(Time::zero() + 10_s, [&] {
        REQUIRE_THROWS_AS(engine.schedule_at(Time::zero() + 9_s, [] {}), ModelError);
        REQUIRE_THROWS_AS(engine.schedule_in(-1_ns, [] {}), ModelError);
    });
    engine.run();
    REQUIRE_THROWS_WITH(engine.schedule_at(Time::zero() + 1_s, [] {}), Catch::Contains("in the past"));
}

TEMPLATE_TEST_CASE("large captures still work (heap fallback) and are counted", "[engine]", FACTORYSIM_QUEUES) {
    BasicEngine<TestType> engine;
    std::string text(100, 'x');
    std::string out;
    engine.schedule_in(1_s, [&out, text] { out = text; });
    engine.schedule_in(2_s, [&out] { out += "!"; });
    engine.run();
    REQUIRE(out == std::string(100, 'x') + "!");
    REQUIRE(engine.heap_allocated_callbacks() == 1);
}

TEMPLATE_TEST_CASE("mass cancellation purges stale entries and keeps order", "[engine]", FACTORYSIM_QUEUES) {
    BasicEngine<TestType> engine;
    std::vector<EventHandle> handles;
    std::vector<std::int64_t> fired;
    for (int i = 0; i < 10'000; ++i)
        handles.push_back(engine.schedule_at(Time::from_ns(10'000 - i), [&fired, &engine] { fired.push_back(engine.now().ns()); }));
    for (int i = 0; i < 10'000; ++i)
        if (i % 10 != 0) REQUIRE(engine.cancel(handles[static_cast<std::size_t>(i)]));
    REQUIRE(engine.pending_events() == 1'000);
    engine.run();
    REQUIRE(fired.size() == 1'000);
    REQUIRE(std::is_sorted(fired.begin(), fired.end()));
}

namespace {
// 1,000,000 events of a PHOLD-like model; returns the engine's trace fingerprint.
template <class Queue>
std::uint64_t phold_fingerprint(std::uint64_t seed) {
    BasicEngine<Queue> engine(seed);
    RandomStream rng = engine.rng("phold");
    std::uint64_t remaining = 1'000'000;
    struct Lp {
        BasicEngine<Queue>* engine;
        RandomStream* rng;
        std::uint64_t* remaining;
        void fire() {
            if (--*remaining == 0) return engine->stop();
            Lp self = *this;
            engine->schedule_in(Duration::from_ns(1 + static_cast<std::int64_t>(rng->exponential(1000.0))),
                                [self]() mutable { self.fire(); });
        }
    };
    for (int i = 0; i < 1000; ++i) {
        Lp lp{&engine, &rng, &remaining};
        engine.schedule_in(Duration::from_ns(static_cast<std::int64_t>(rng.uniform_int(1000))), [lp]() mutable { lp.fire(); });
    }
    engine.run();
    REQUIRE(engine.events_processed() == 1'000'000);
    return engine.fingerprint() ^ static_cast<std::uint64_t>(engine.now().ns());
}
}  // namespace

TEMPLATE_TEST_CASE("one million events: same seed gives the same trace, another seed a different one", "[engine]",
                   FACTORYSIM_QUEUES) {
    const auto a = phold_fingerprint<TestType>(7);
    const auto b = phold_fingerprint<TestType>(7);
    const auto c = phold_fingerprint<TestType>(8);
    REQUIRE(a == b);
    REQUIRE(a != c);
}

TEST_CASE("every queue implementation produces the identical trace", "[engine]") {
    const auto reference = phold_fingerprint<QuaternaryHeap>(11);
    REQUIRE(phold_fingerprint<CalendarQueue>(11) == reference);
    REQUIRE(phold_fingerprint<RadixHeap>(11) == reference);
    REQUIRE(phold_fingerprint<BasicRadixHeap<2>>(11) == reference);
}

TEST_CASE("a pending event's queue key and callback slot fit in 64 bytes", "[engine][memory]") {
    REQUIRE(sizeof(QueueEntry) + Engine::slot_bytes() <= 64);
}

TEST_CASE("the default engine holds 10,000 and 200,000 pending events in at most 64 bytes each", "[engine][memory]") {
    // PHOLD at a fixed population: every event reschedules itself at now + 0.1 s + Exp(0.9 s).
    // Memory is what the engine holds (queue blocks and callback slots), at the end of a run
    // long enough for every bucket to have filled and drained many times.
    for (const std::size_t pending : {std::size_t{10'000}, std::size_t{200'000}}) {
        Engine engine(3);
        RandomStream rng = engine.rng("phold");
        std::uint64_t remaining = 20 * pending;
        struct Lp {
            Engine* engine;
            RandomStream* rng;
            std::uint64_t* remaining;
            void fire() {
                if (--*remaining == 0) return engine->stop();
                Lp self = *this;
                engine->schedule_in(Duration::from_seconds(0.1 + rng->exponential(0.9)), [self]() mutable { self.fire(); });
            }
        };
        for (std::size_t i = 0; i < pending; ++i) {
            Lp lp{&engine, &rng, &remaining};
            engine.schedule_in(Duration::from_seconds(0.1 + rng.exponential(0.9)), [lp]() mutable { lp.fire(); });
        }
        engine.run();
        REQUIRE(engine.pending_events() == pending - 1);
        const double bytes_per_pending = static_cast<double>(engine.memory_bytes()) / static_cast<double>(pending);
        INFO("pending " << pending << ": " << bytes_per_pending << " bytes per pending event");
        REQUIRE(bytes_per_pending <= 64.0);
        REQUIRE(bytes_per_pending >= static_cast<double>(sizeof(QueueEntry) + Engine::slot_bytes()));
    }
}
