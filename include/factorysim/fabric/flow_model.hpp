// Flow-level model of a fabric: max-min fair sharing of link bandwidth among the flows
// that are active, recomputed whenever a flow starts or ends, with each flow's completion
// an event on the engine (docs/models/fabric.md).
//
// Max-min fairness by progressive filling: raise every unfrozen flow's rate together;
// the first link to saturate freezes its flows at its fair share c_l / n_l (remaining
// capacity over unfrozen flows); repeat. Freezing a flow at the minimum share never lowers
// another link's share, so a heap keyed by possibly-stale shares stays a lower bound and
// is corrected lazily when popped: one solve costs O(F h + L log L) for F flows of h hops
// over L links. The shares popped never decrease, so FlowNetwork keeps that queue (and the
// queue of completion times, which never decrease over a run) in radix heaps.
//
// Re-solves are partial. Filling freezes flows in order of rate, and a change cannot
// alter what froze below a level L0: removing a flow of rate r leaves every freeze below
// r as it was (none of its links saturated below r); adding a flow leaves every freeze
// below the smallest x with sum_g min(r_g, x) + m x = c_l on one of its links (m new flows
// there) as it was. So only flows with rate >= L0 (and new ones) are re-filled, on the
// capacity the others leave. A full solve every 256 solves bounds floating-point drift.
//
// A flow joins the sharing after its route's latency (the sum of its links' latencies)
// and finishes when its bytes are through; its finish time is exact (not rounded to the
// engine's nanoseconds), the engine event that ends it is at the next nanosecond. All
// changes of one instant share one solve, at the end of that instant: rates read between
// a change and that solve are the previous ones.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <span>
#include <vector>

#include "factorysim/core/engine.hpp"

namespace factorysim::fabric {

// Max-min fair rates of flows over links: flow f uses links route[offset[f] .. offset[f+1]).
// A flow with an empty route gets `unbounded_rate`. Rates are written to `rates`.
struct MaxMinProblem {
    std::vector<double> capacity;     // per link, bytes/s
    std::vector<int> route_offset{0};  // per flow + 1
    std::vector<int> route_links;
    void add_flow(std::span<const int> links);
    int flows() const { return static_cast<int>(route_offset.size()) - 1; }
};
void solve_max_min(const MaxMinProblem& problem, std::vector<double>& rates,
                   double unbounded_rate = 1e300);

class FlowNetwork {
public:
    using FlowId = int;
    using OnFinish = std::function<void(FlowId, double finish_s)>;

    FlowNetwork(Engine& engine, std::vector<double> capacity_bytes_per_s, std::vector<double> latency_s = {});

    // Starts a flow of `bytes` along `links` now; `on_finish` runs when it completes.
    FlowId start(std::span<const int> links, double bytes, OnFinish on_finish = {});
    // Removes a flow before it finishes (its job was cancelled, or its route failed);
    // returns the bytes it had left.
    double abort(FlowId id);
    // Changes a link's capacity (a failure is capacity 0 for the flows still on it: they
    // stall until aborted and restarted on a new route).
    void set_capacity(int link, double capacity_bytes_per_s);

    std::size_t active() const { return active_count_; }
    double rate(FlowId id) const;             // bytes/s now (0 if not yet started or done)
    double remaining_bytes(FlowId id) const;  // now
    bool finished(FlowId id) const;
    double finish_time_s(FlowId id) const;    // exact; NaN if not finished
    double link_bytes(int link) const;        // carried so far
    double link_capacity(int link) const { return capacity_[static_cast<std::size_t>(link)]; }
    int links() const { return static_cast<int>(capacity_.size()); }
    std::uint64_t solves() const { return solves_; }
    std::uint64_t refilled_flows() const { return refilled_; }  // summed over solves

private:
    // Hot per-flow data lives in one record per flow id (a solve touches 10^4 flows);
    // routes and their positions in the links' flow lists are in one pool. Remaining bytes and link bytes are kept lazily: a value
    // at an anchor time plus rate x elapsed time.
    struct Cold {
        OnFinish on_finish;
        bool joined = false;
    };
    void join(FlowId id);
    void detach(FlowId id);
    void settle_link(std::size_t link, double now);
    double safe_level_for_new_flow(FlowId id) const;
    void resolve();
    void request_resolve();
    void on_completion();

    Engine& engine_;
    std::vector<double> capacity_;
    std::vector<double> latency_;
    // Per link.
    std::vector<std::vector<int>> link_flows_;  // active flows on each link
    std::vector<double> link_used_;             // sum of its flows' rates
    std::vector<double> link_bytes_;            // carried up to link_anchor_s_
    std::vector<double> link_anchor_s_;
    // Per flow id: what every solve touches, in one 48-byte record (one cache line holds
    // all of a flow's hot state), and the rest.
    struct Hot {
        double remaining = 0.0;  // at anchor_s
        double anchor_s = 0.0;
        double rate = 0.0;
        double finish_s = 0.0;
        int route_begin = 0, route_end = 0;  // into route_link_ / route_slot_
        char done = 0;                       // finished or aborted
    };
    std::vector<Hot> hot_;
    // Solve stamp per flow (== stamp_: being re-filled and not frozen yet), apart from the
    // records: filling scans every flow on a link and most are not being re-filled.
    std::vector<std::uint32_t> mark_;
    std::vector<Cold> cold_;
    std::vector<int> route_link_;
    std::vector<int> route_slot_;               // position in that link's flow list
    // Active flows in the order the last solve froze them (non-decreasing rate); finished
    // ones are dropped at the next solve.
    std::vector<FlowId> order_;
    std::size_t order_dead_ = 0;                // finished flows still in order_
    std::vector<FlowId> joining_;               // joined since the last solve
    double restart_level_ = 0.0;                // rates below this are unaffected by pending changes
    bool full_solve_ = true;
    void refill_finish_queue();
    static constexpr std::size_t finish_window = 256;
    RadixHeap finish_queue_;  // (finish_s bits, id) of flows finishing before the horizon;
                              // stale entries skipped when they surface
    double finish_horizon_s_ = std::numeric_limits<double>::infinity();
    std::size_t active_count_ = 0;
    EventHandle next_completion_;
    std::uint64_t solves_ = 0;
    std::uint64_t refilled_ = 0;
    std::uint32_t stamp_ = 0;
    bool resolve_pending_ = false;
    // Scratch for solves.
    std::vector<FlowId> upper_;
    std::vector<int> touched_;
    struct LinkSolve {  // one record: filling updates both counters for every link of a route
        double remaining = 0.0;  // capacity left to the flows not frozen yet
        int unfrozen = 0;        // re-filled flows on the link not frozen yet
        std::uint32_t mark = 0;  // == stamp_: touched by this solve
    };
    std::vector<LinkSolve> link_solve_;
    std::vector<QueueEntry> first_shares_;  // touched links by first share, sorted
    RadixHeap link_queue_;                  // links whose share grew since
    mutable std::vector<double> level_scratch_;  // sorted rates (safe_level_for_new_flow), finish times (refill)
};

}  // namespace factorysim::fabric
