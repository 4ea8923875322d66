// PHOLD (Fujimoto 1990): the classic synthetic benchmark of discrete-event engines.
//
// N logical processes (LPs) start with E events each. Handling an event schedules one new
// event at t + lookahead + Exp(mean), on the same LP or, with probability `remote`, on a
// uniformly chosen LP. The pending-event count stays at N*E, so the run measures the
// queue at a fixed size.
//
// The same model runs on the factorysim engine (handles, lazy cancellation, type-erased
// callbacks) and on a bare std::priority_queue<(time, lp)> loop, in this process, with the
// same random stream (and, for comparison, on the engine over the calendar queue). Each is
// run five times, alternating, and medians are printed so the
// ratio is robust to a noisy machine.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <queue>
#include <string>
#include <string_view>
#include <vector>

#include "factorysim/core/calendar_queue.hpp"
#include "factorysim/core/engine.hpp"
#include "factorysim/core/radix_heap.hpp"

namespace {

struct Options {
    std::uint64_t lps = 1000;
    std::uint64_t epl = 10;
    std::uint64_t events = 10'000'000;
    double remote = 0.25;
    double lookahead = 0.1;
    double mean = 0.9;
    std::uint64_t seed = 42;
};

[[noreturn]] void usage(const char* why) {
    std::fprintf(stderr,
                 "phold: %s\nusage: phold [--lps=N] [--epl=N] [--events=N] [--remote=F] [--lookahead=F] [--mean=F] "
                 "[--seed=N]\n",
                 why);
    std::exit(2);
}

Options parse(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        const auto eq = arg.find('=');
        if (arg.substr(0, 2) != "--" || eq == std::string_view::npos) usage("arguments are --name=value");
        const std::string key(arg.substr(2, eq - 2));
        const std::string value(arg.substr(eq + 1));
        char* end = nullptr;
        auto as_u64 = [&] {
            const auto v = std::strtoull(value.c_str(), &end, 10);
            if (end == value.c_str() || *end != '\0') usage(("--" + key + " expects an integer").c_str());
            return static_cast<std::uint64_t>(v);
        };
        auto as_double = [&] {
            const double v = std::strtod(value.c_str(), &end);
            if (end == value.c_str() || *end != '\0' || !std::isfinite(v)) usage(("--" + key + " expects a number").c_str());
            return v;
        };
        if (key == "lps") o.lps = as_u64();
        else if (key == "epl") o.epl = as_u64();
        else if (key == "events") o.events = as_u64();
        else if (key == "remote") o.remote = as_double();
        else if (key == "lookahead") o.lookahead = as_double();
        else if (key == "mean") o.mean = as_double();
        else if (key == "seed") o.seed = as_u64();
        else usage(("unknown flag --" + key).c_str());
    }
    if (o.lps == 0 || o.epl == 0) usage("--lps and --epl must be positive");
    if (o.remote < 0 || o.remote > 1) usage("--remote must be in [0, 1]");
    if (o.lookahead < 0 || o.mean <= 0) usage("--lookahead must be >= 0 and --mean > 0");
    return o;
}

using Clock = std::chrono::steady_clock;

struct Result {
    double seconds;
    double final_time;
    std::size_t memory_bytes;
};

// Model time units are mapped to seconds, i.e. 1e9 engine nanoseconds.
template <class EngineType>
struct PholdOnEngine {
    const Options& opt;
    EngineType engine;
    factorysim::RandomStream rng;
    std::vector<std::uint64_t> handled;
    std::uint64_t remaining;

    explicit PholdOnEngine(const Options& o)
        : opt(o), engine(o.seed), rng(engine.rng("phold")), handled(o.lps, 0), remaining(o.events) {}

    factorysim::Duration delay() {
        return factorysim::Duration::from_seconds(opt.lookahead + rng.exponential(opt.mean));
    }
    std::uint32_t destination(std::uint32_t self) {
        return rng.bernoulli(opt.remote) ? static_cast<std::uint32_t>(rng.uniform_int(opt.lps)) : self;
    }
    void handle(std::uint32_t lp) {
        ++handled[lp];
        if (--remaining == 0) {
            engine.stop();
            return;
        }
        const std::uint32_t to = destination(lp);
        engine.schedule_in(delay(), [this, to] { handle(to); });
    }
    Result run() {
        engine.reserve(opt.lps * opt.epl);
        for (std::uint32_t lp = 0; lp < opt.lps; ++lp)
            for (std::uint64_t e = 0; e < opt.epl; ++e) engine.schedule_in(delay(), [this, lp] { handle(lp); });
        const auto t0 = Clock::now();
        engine.run();
        const auto t1 = Clock::now();
        return {std::chrono::duration<double>(t1 - t0).count(), engine.now().seconds(), engine.memory_bytes()};
    }
};

struct PholdOnBareHeap {
    const Options& opt;
    factorysim::RandomStream rng;
    std::vector<std::uint64_t> handled;

    explicit PholdOnBareHeap(const Options& o) : opt(o), rng(o.seed, "phold"), handled(o.lps, 0) {}

    Result run() {
        using Item = std::pair<double, std::uint32_t>;
        std::vector<Item> storage;
        storage.reserve(opt.lps * opt.epl);
        std::priority_queue<Item, std::vector<Item>, std::greater<>> queue(std::greater<>{}, std::move(storage));
        for (std::uint32_t lp = 0; lp < opt.lps; ++lp)
            for (std::uint64_t e = 0; e < opt.epl; ++e) queue.emplace(opt.lookahead + rng.exponential(opt.mean), lp);
        const auto t0 = Clock::now();
        double now = 0;
        for (std::uint64_t n = 0; n < opt.events && !queue.empty(); ++n) {
            const auto [t, lp] = queue.top();
            queue.pop();
            now = t;
            ++handled[lp];
            if (n + 1 == opt.events) break;
            const std::uint32_t to =
                rng.bernoulli(opt.remote) ? static_cast<std::uint32_t>(rng.uniform_int(opt.lps)) : lp;
            queue.emplace(now + opt.lookahead + rng.exponential(opt.mean), to);
        }
        const auto t1 = Clock::now();
        return {std::chrono::duration<double>(t1 - t0).count(), now,
                opt.lps * opt.epl * sizeof(std::pair<double, std::uint32_t>)};
    }
};

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
    const Options opt = parse(argc, argv);
    constexpr int repeats = 5;
    std::vector<double> engine_rates, baseline_rates, calendar_rates, heap4_rates;
    Result engine_result{}, baseline_result{}, calendar_result{}, heap4_result{};
    for (int r = 0; r < repeats; ++r) {
        {
            PholdOnBareHeap bare(opt);
            baseline_result = bare.run();
            baseline_rates.push_back(static_cast<double>(opt.events) / baseline_result.seconds);
        }
        {
            PholdOnEngine<factorysim::Engine> model(opt);
            engine_result = model.run();
            engine_rates.push_back(static_cast<double>(model.engine.events_processed()) / engine_result.seconds);
        }
        {
            // The alternative queue, measured so the engine's choice stays justified.
            PholdOnEngine<factorysim::BasicEngine<factorysim::CalendarQueue>> model(opt);
            calendar_result = model.run();
            calendar_rates.push_back(static_cast<double>(model.engine.events_processed()) / calendar_result.seconds);
        }
        {
            PholdOnEngine<factorysim::BasicEngine<factorysim::QuaternaryHeap>> model(opt);
            heap4_result = model.run();
            heap4_rates.push_back(static_cast<double>(model.engine.events_processed()) / heap4_result.seconds);
        }
    }
    const double pending = static_cast<double>(opt.lps * opt.epl);
    const double engine_rate = median(engine_rates);
    const double baseline_rate = median(baseline_rates);
    std::printf("# PHOLD lps=%llu epl=%llu pending=%.0f events=%llu remote=%g lookahead=%g mean=%g seed=%llu\n",
                static_cast<unsigned long long>(opt.lps), static_cast<unsigned long long>(opt.epl), pending,
                static_cast<unsigned long long>(opt.events), opt.remote, opt.lookahead, opt.mean,
                static_cast<unsigned long long>(opt.seed));
    std::printf("# engine queue: %s; medians of %d alternating runs\n", factorysim::Engine::queue_name(), repeats);
    std::printf("# simulated time reached: engine %.6f, baseline %.6f\n", engine_result.final_time,
                baseline_result.final_time);
    std::printf("events_per_second=%.0f\n", engine_rate);
    std::printf("baseline_events_per_second=%.0f\n", baseline_rate);
    std::printf("ratio=%.3f\n", engine_rate / baseline_rate);
    std::printf("engine_bytes_per_pending_event=%.1f\n", static_cast<double>(engine_result.memory_bytes) / pending);
    std::printf("calendar_queue_events_per_second=%.0f\n", median(calendar_rates));
    std::printf("calendar_queue_ratio=%.3f\n", median(calendar_rates) / baseline_rate);
    std::printf("calendar_queue_bytes_per_pending_event=%.1f\n",
                static_cast<double>(calendar_result.memory_bytes) / pending);
    std::printf("quaternary_heap_events_per_second=%.0f\n", median(heap4_rates));
    std::printf("quaternary_heap_ratio=%.3f\n", median(heap4_rates) / baseline_rate);
    std::printf("quaternary_heap_bytes_per_pending_event=%.1f\n",
                static_cast<double>(heap4_result.memory_bytes) / pending);
    std::printf("baseline_bytes_per_pending_event=%.1f\n", static_cast<double>(baseline_result.memory_bytes) / pending);
    return 0;
}
