#include "factorysim/fabric/flow_model.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <utility>

#include <fmt/format.h>

namespace factorysim::fabric {
namespace {

// Fair shares only grow while filling, so the links wait in a radix heap (monotone keys):
// a non-negative double's bits order like the double. Completion times use it too.
QueueEntry share_entry(double share, int link) {
    return QueueEntry{std::bit_cast<std::int64_t>(share), static_cast<std::uint64_t>(link)};
}

std::int64_t ceil_ns(double seconds) {
    const double ns = std::ceil(seconds * 1e9);
    return ns >= 9.2e18 ? std::numeric_limits<std::int64_t>::max() : static_cast<std::int64_t>(ns);
}

}  // namespace

void MaxMinProblem::add_flow(std::span<const int> links) {
    route_links.insert(route_links.end(), links.begin(), links.end());
    route_offset.push_back(static_cast<int>(route_links.size()));
}

void solve_max_min(const MaxMinProblem& p, std::vector<double>& rates, double unbounded_rate) {
    const int flows = p.flows();
    const std::size_t links = p.capacity.size();
    rates.assign(static_cast<std::size_t>(flows), 0.0);
    std::vector<double> remaining = p.capacity;
    std::vector<int> unfrozen(links, 0);
    for (const int l : p.route_links) {
        if (l < 0 || static_cast<std::size_t>(l) >= links)
            throw ModelError(fmt::format("max-min: flow on link {} of {}", l, links));
        ++unfrozen[static_cast<std::size_t>(l)];
    }
    // Flows of each link (CSR).
    std::vector<int> offset(links + 1, 0);
    for (std::size_t l = 0; l < links; ++l) offset[l + 1] = offset[l] + unfrozen[l];
    std::vector<int> fill(offset.begin(), offset.end() - 1);
    std::vector<int> on_link(p.route_links.size());
    for (int f = 0; f < flows; ++f)
        for (int i = p.route_offset[static_cast<std::size_t>(f)]; i < p.route_offset[static_cast<std::size_t>(f) + 1]; ++i)
            on_link[static_cast<std::size_t>(fill[static_cast<std::size_t>(p.route_links[static_cast<std::size_t>(i)])]++)] = f;
    std::vector<char> frozen(static_cast<std::size_t>(flows), 0);
    for (int f = 0; f < flows; ++f)
        if (p.route_offset[static_cast<std::size_t>(f)] == p.route_offset[static_cast<std::size_t>(f) + 1]) {
            rates[static_cast<std::size_t>(f)] = unbounded_rate;
            frozen[static_cast<std::size_t>(f)] = 1;
        }
    RadixHeap queue;
    for (std::size_t l = 0; l < links; ++l)
        if (unfrozen[l] > 0) queue.push(share_entry(std::max(0.0, remaining[l] / unfrozen[l]), static_cast<int>(l)));
    while (!queue.empty()) {
        const QueueEntry top = queue.top();
        queue.pop();
        const double key = std::bit_cast<double>(top.time_ns);
        const auto li = static_cast<std::size_t>(top.key);
        if (unfrozen[li] == 0) continue;
        const double share = std::max(0.0, remaining[li] / unfrozen[li]);
        if (share > key) {  // stale: shares only grow while filling
            queue.push(share_entry(share, static_cast<int>(li)));
            continue;
        }
        for (int i = offset[li]; i < offset[li + 1]; ++i) {
            const int f = on_link[static_cast<std::size_t>(i)];
            if (frozen[static_cast<std::size_t>(f)]) continue;
            frozen[static_cast<std::size_t>(f)] = 1;
            rates[static_cast<std::size_t>(f)] = share;
            for (int j = p.route_offset[static_cast<std::size_t>(f)]; j < p.route_offset[static_cast<std::size_t>(f) + 1];
                 ++j) {
                const auto l2 = static_cast<std::size_t>(p.route_links[static_cast<std::size_t>(j)]);
                remaining[l2] -= share;
                --unfrozen[l2];
            }
        }
    }
}

FlowNetwork::FlowNetwork(Engine& engine, std::vector<double> capacity, std::vector<double> latency)
    : engine_(engine), capacity_(std::move(capacity)), latency_(std::move(latency)) {
    if (latency_.empty()) latency_.assign(capacity_.size(), 0.0);
    if (latency_.size() != capacity_.size())
        throw ModelError(fmt::format("flow network: {} capacities but {} latencies", capacity_.size(), latency_.size()));
    for (std::size_t l = 0; l < capacity_.size(); ++l)
        if (!(capacity_[l] >= 0.0) || !(latency_[l] >= 0.0))
            throw ModelError(fmt::format("flow network: link {} has capacity {} B/s, latency {} s", l, capacity_[l],
                                         latency_[l]));
    const std::size_t links = capacity_.size();
    link_flows_.resize(links);
    link_used_.assign(links, 0.0);
    link_bytes_.assign(links, 0.0);
    link_anchor_s_.assign(links, engine_.now().seconds());
    link_solve_.assign(links, LinkSolve{});
}

FlowNetwork::FlowId FlowNetwork::start(std::span<const int> links, double bytes, OnFinish on_finish) {
    if (!(bytes >= 0.0) || !std::isfinite(bytes)) throw ModelError(fmt::format("flow of {} bytes", bytes));
    double latency = 0.0;
    for (const int l : links) {
        if (l < 0 || l >= this->links()) throw ModelError(fmt::format("flow on link {} of {}", l, this->links()));
        latency += latency_[static_cast<std::size_t>(l)];
    }
    const auto id = static_cast<FlowId>(hot_.size());
    Hot h;
    h.remaining = bytes;
    h.anchor_s = engine_.now().seconds();
    h.finish_s = std::numeric_limits<double>::quiet_NaN();
    h.route_begin = static_cast<int>(route_link_.size());
    route_link_.insert(route_link_.end(), links.begin(), links.end());
    route_slot_.resize(route_link_.size(), -1);
    h.route_end = static_cast<int>(route_link_.size());
    hot_.push_back(h);
    mark_.push_back(0);
    cold_.push_back({std::move(on_finish), false});
    if (latency > 0.0) {
        engine_.schedule_at(Time::from_ns(ceil_ns(engine_.now().seconds() + latency)), [this, id] { join(id); });
    } else {
        join(id);
    }
    return id;
}

void FlowNetwork::join(FlowId id) {
    const auto i = static_cast<std::size_t>(id);
    if (hot_[i].done) return;  // aborted while waiting for its latency
    const double now = engine_.now().seconds();
    cold_[i].joined = true;
    hot_[i].anchor_s = now;
    if (hot_[i].route_begin == hot_[i].route_end || hot_[i].remaining <= 0.0) {  // nothing to share: done now
        hot_[i].done = true;
        hot_[i].finish_s = now;
        hot_[i].remaining = 0.0;
        if (cold_[i].on_finish) {
            auto callback = std::move(cold_[i].on_finish);
            callback(id, hot_[i].finish_s);
        }
        return;
    }
    for (int h = hot_[i].route_begin; h < hot_[i].route_end; ++h) {
        auto& list = link_flows_[static_cast<std::size_t>(route_link_[static_cast<std::size_t>(h)])];
        route_slot_[static_cast<std::size_t>(h)] = static_cast<int>(list.size());
        list.push_back(id);
    }
    joining_.push_back(id);
    ++active_count_;
    request_resolve();
}

void FlowNetwork::request_resolve() {
    // Every start, end and capacity change of this instant shares one solve, at the end of
    // the instant (Priority::Settle runs after the Normal band).
    if (resolve_pending_) return;
    resolve_pending_ = true;
    engine_.schedule_at(engine_.now(), [this] {
        resolve_pending_ = false;
        resolve();
    }, Priority::Settle);
}

void FlowNetwork::settle_link(std::size_t l, double now) {
    link_bytes_[l] += link_used_[l] * (now - link_anchor_s_[l]);
    link_anchor_s_[l] = now;
}

// Takes an active flow off its links (its rate leaves their sums) and records how far the
// next solve must reach down.
void FlowNetwork::detach(FlowId id) {
    const auto i = static_cast<std::size_t>(id);
    const double now = engine_.now().seconds();
    const bool solved = !std::isnan(hot_[i].finish_s) || hot_[i].rate > 0.0;
    for (int h = hot_[i].route_begin; h < hot_[i].route_end; ++h) {
        const int link = route_link_[static_cast<std::size_t>(h)];
        const auto li = static_cast<std::size_t>(link);
        settle_link(li, now);
        link_used_[li] -= hot_[i].rate;
        auto& list = link_flows_[li];
        const int pos = route_slot_[static_cast<std::size_t>(h)];
        const FlowId moved = list.back();
        const int old_pos = static_cast<int>(list.size()) - 1;
        list[static_cast<std::size_t>(pos)] = moved;
        list.pop_back();
        if (moved != id) {
            const auto m = static_cast<std::size_t>(moved);
            for (int k = hot_[m].route_begin; k < hot_[m].route_end; ++k)
                if (route_link_[static_cast<std::size_t>(k)] == link && route_slot_[static_cast<std::size_t>(k)] == old_pos) {
                    route_slot_[static_cast<std::size_t>(k)] = pos;
                    break;
                }
        }
    }
    if (solved) {
        ++order_dead_;  // it stays in order_ until the next solve drops it
        restart_level_ = std::min(restart_level_, hot_[i].rate);
    } else {  // joined since the last solve: drop it from the joiners
        joining_.erase(std::remove(joining_.begin(), joining_.end(), id), joining_.end());
    }
    --active_count_;
}

// The largest level below which adding flow `id` changes no freeze (see the header).
double FlowNetwork::safe_level_for_new_flow(FlowId id) const {
    const auto i = static_cast<std::size_t>(id);
    double level = std::numeric_limits<double>::infinity();
    auto& rates = level_scratch_;
    for (int h = hot_[i].route_begin; h < hot_[i].route_end; ++h) {
        const auto l = static_cast<std::size_t>(route_link_[static_cast<std::size_t>(h)]);
        rates.clear();
        int fresh = 0;  // flows on l not solved yet (this one included)
        for (const FlowId g : link_flows_[l]) {
            if (mark_[static_cast<std::size_t>(g)] == stamp_) {
                ++fresh;
            } else {
                rates.push_back(hot_[static_cast<std::size_t>(g)].rate);
            }
        }
        std::sort(rates.begin(), rates.end());
        // F(x) = sum_g min(r_g, x) + fresh x, piecewise linear and increasing; solve F(x) = c.
        double below = 0.0;
        double x = std::numeric_limits<double>::infinity();
        const std::size_t n = rates.size();
        for (std::size_t k = 0; k <= n; ++k) {
            const double slope = static_cast<double>(n - k + static_cast<std::size_t>(fresh));
            const double candidate = (capacity_[l] - below) / slope;
            if (k == n || candidate <= rates[k]) {
                x = candidate;
                break;
            }
            below += rates[k];
        }
        level = std::min(level, std::max(0.0, x));
    }
    return level;
}

void FlowNetwork::resolve() {
    ++solves_;
    ++stamp_;
    const double now = engine_.now().seconds();
    // Which flows to re-fill: new ones, and every flow at or above the restart level.
    upper_.clear();
    for (const FlowId id : joining_) {
        mark_[static_cast<std::size_t>(id)] = stamp_;
        upper_.push_back(id);
    }
    double level = full_solve_ || solves_ % 256 == 0 ? 0.0 : restart_level_;
    for (const FlowId id : joining_) level = std::min(level, safe_level_for_new_flow(id));
    level *= 1.0 - 1e-9;  // flows at the level to rounding are re-filled too
    joining_.clear();
    // order_ is non-decreasing in rate (finished flows keep theirs until dropped here).
    const auto split = std::partition_point(order_.begin(), order_.end(),
                                            [&](FlowId id) { return hot_[static_cast<std::size_t>(id)].rate < level; });
    for (auto it = split; it != order_.end(); ++it) {
        const auto i = static_cast<std::size_t>(*it);
        if (hot_[i].done) {
            --order_dead_;
            continue;
        }
        mark_[i] = stamp_;
        upper_.push_back(*it);
    }
    // The prefix stays as it is (finished flows in it are skipped, and dropped when they
    // are half of it); the re-filled flows are appended in their new freezing order.
    order_.erase(split, order_.end());
    if (order_dead_ > order_.size() / 2 + 64) {
        std::erase_if(order_, [&](FlowId id) { return hot_[static_cast<std::size_t>(id)].done != 0; });
        order_dead_ = 0;
    }
    refilled_ += upper_.size();
    // The capacity the others leave on each link the re-filled flows use.
    touched_.clear();
    link_queue_.clear();
    for (std::size_t k = 0; k < upper_.size(); ++k) {
        // Flow records are visited in freeze order, i.e. at random: fetch ahead.
        if (k + 8 < upper_.size()) FACTORYSIM_PREFETCH(&hot_[static_cast<std::size_t>(upper_[k + 8])]);
        const auto i = static_cast<std::size_t>(upper_[k]);
        for (int h = hot_[i].route_begin; h < hot_[i].route_end; ++h) {
            const auto l = static_cast<std::size_t>(route_link_[static_cast<std::size_t>(h)]);
            LinkSolve& ls = link_solve_[l];
            if (ls.mark != stamp_) {
                ls.mark = stamp_;
                touched_.push_back(static_cast<int>(l));
                settle_link(l, now);
                ls.remaining = capacity_[l] - link_used_[l];
                ls.unfrozen = 0;
            }
            ls.remaining += hot_[i].rate;  // its old rate is in link_used_ (0 if new)
            ++ls.unfrozen;
        }
    }
    // The touched links in order of their first share (one sort), merged with a radix heap
    // of the links whose share grew since: most links are taken once, at their first share,
    // and never pass through the heap (whose redistributions were 40 % of the work).
    first_shares_.clear();
    for (const int l : touched_) {
        const auto li = static_cast<std::size_t>(l);
        first_shares_.push_back(share_entry(std::max(0.0, link_solve_[li].remaining) / link_solve_[li].unfrozen, l));
    }
    // Shares are non-negative doubles, whose bits order like their values: (bits, link)
    // compared as two words is entry_before's order without building 128-bit keys.
    std::sort(first_shares_.begin(), first_shares_.end(), [](const QueueEntry& a, const QueueEntry& b) {
        return a.time_ns != b.time_ns ? a.time_ns < b.time_ns : a.key < b.key;
    });
    std::size_t next_first = 0;
    // Progressive filling of the upper flows; mark_ == stamp_ means "not frozen yet". It
    // stops when the last one freezes: the links left in the queue (about a third of the
    // pops otherwise) have no unfrozen flows or only a share no flow reaches.
    std::size_t unfrozen_flows = upper_.size();
    while (unfrozen_flows > 0) {
        QueueEntry top;
        if (next_first < first_shares_.size() &&
            (link_queue_.empty() || entry_before(first_shares_[next_first], link_queue_.top()))) {
            top = first_shares_[next_first++];
        } else if (!link_queue_.empty()) {
            top = link_queue_.top();
            link_queue_.pop();
        } else {
            break;
        }
        const double key = std::bit_cast<double>(top.time_ns);
        const int l = static_cast<int>(top.key);
        const auto li = static_cast<std::size_t>(l);
        const LinkSolve& ls = link_solve_[li];
        if (ls.unfrozen == 0) continue;
        const double share = std::max(0.0, ls.remaining / ls.unfrozen);
        if (share > key) {
            link_queue_.push(share_entry(share, l));
            continue;
        }
        for (const FlowId id : link_flows_[li]) {
            const auto i = static_cast<std::size_t>(id);
            if (mark_[i] != stamp_) continue;
            mark_[i] = stamp_ - 1;  // frozen
            --unfrozen_flows;
            // A rate that did not change (to rounding) keeps its anchor and finish time:
            // most re-filled flows, as their bottleneck is elsewhere.
            // (rate_ still takes the new value: flows frozen together must compare equal
            // when the next solve splits the order at a level.)
            if (!(std::abs(share - hot_[i].rate) <= 1e-12 * hot_[i].rate) || std::isnan(hot_[i].finish_s)) {
                // Remaining bytes at the old rate up to now, then the new rate.
                hot_[i].remaining = std::max(0.0, hot_[i].remaining - hot_[i].rate * (now - hot_[i].anchor_s));
                hot_[i].anchor_s = now;
                hot_[i].rate = share;
                hot_[i].finish_s = share > 0.0 ? now + hot_[i].remaining / share : std::numeric_limits<double>::infinity();
                if (hot_[i].finish_s < finish_horizon_s_) finish_queue_.push(share_entry(hot_[i].finish_s, id));
            }
            hot_[i].rate = share;
            order_.push_back(id);
            for (int h = hot_[i].route_begin; h < hot_[i].route_end; ++h) {
                const auto l2 = static_cast<std::size_t>(route_link_[static_cast<std::size_t>(h)]);
                link_solve_[l2].remaining -= share;
                --link_solve_[l2].unfrozen;
            }
        }
    }
    for (const int l : touched_) {
        const auto li = static_cast<std::size_t>(l);
        link_used_[li] = capacity_[li] - link_solve_[li].remaining;
    }
    restart_level_ = std::numeric_limits<double>::infinity();
    full_solve_ = false;
    // The next completion: the earliest live entry of the finish heap, which holds every
    // flow finishing before the horizon; refilled from all flows when it runs dry (or is
    // mostly stale entries).
    if (finish_queue_.size() > 8 * finish_window + 1024) refill_finish_queue();
    for (int attempt = 0; attempt < 2; ++attempt) {
        while (!finish_queue_.empty()) {
            const QueueEntry& top = finish_queue_.top();
            const auto i = static_cast<std::size_t>(top.key);
            if (!hot_[i].done && hot_[i].finish_s == std::bit_cast<double>(top.time_ns)) break;
            finish_queue_.pop();
        }
        if (!finish_queue_.empty() || finish_horizon_s_ == std::numeric_limits<double>::infinity()) break;
        refill_finish_queue();
    }
    engine_.cancel(next_completion_);
    next_completion_ = {};
    if (!finish_queue_.empty())
        next_completion_ = engine_.schedule_at(
            Time::from_ns(std::max(engine_.now().ns(), ceil_ns(std::bit_cast<double>(finish_queue_.top().time_ns)))),
            [this] { on_completion(); });
}

// The finish heap holds exactly the flows finishing before a horizon: the earliest
// `finish_window` finish times of the active flows. Rates change for ~70 % of the re-filled
// flows at every solve (thousands on a busy fabric), and only the earliest finish matters, so
// flows finishing later are not pushed at all; when the heap runs out of live entries it is
// refilled from every active flow (docs/performance.md, flows).
void FlowNetwork::refill_finish_queue() {
    finish_queue_.clear();
    auto& times = level_scratch_;
    times.clear();
    for (const FlowId id : order_) {
        const Hot& h = hot_[static_cast<std::size_t>(id)];
        if (!h.done && h.finish_s < std::numeric_limits<double>::infinity()) times.push_back(h.finish_s);
    }
    finish_horizon_s_ = std::numeric_limits<double>::infinity();
    if (times.size() > finish_window) {
        std::nth_element(times.begin(), times.begin() + finish_window, times.end());
        finish_horizon_s_ = times[finish_window];  // the heap takes finishes before it
    }
    for (const FlowId id : order_) {
        const Hot& h = hot_[static_cast<std::size_t>(id)];
        if (!h.done && h.finish_s < finish_horizon_s_) finish_queue_.push(share_entry(h.finish_s, id));
    }
}

void FlowNetwork::on_completion() {
    next_completion_ = {};
    const std::int64_t now_ns = engine_.now().ns();
    std::vector<FlowId> done;
    while (!finish_queue_.empty()) {
        const QueueEntry top = finish_queue_.top();
        const double t = std::bit_cast<double>(top.time_ns);
        const auto id = static_cast<FlowId>(top.key);
        const auto i = static_cast<std::size_t>(id);
        const bool live = !hot_[i].done && hot_[i].finish_s == t;
        if (live && ceil_ns(t) > now_ns) break;
        finish_queue_.pop();
        if (live) done.push_back(id);
    }
    // Callbacks in a reproducible order; a flow re-solved to the same rate has two entries.
    std::sort(done.begin(), done.end());
    done.erase(std::unique(done.begin(), done.end()), done.end());
    for (const FlowId id : done) {
        const auto i = static_cast<std::size_t>(id);
        detach(id);
        hot_[i].remaining = 0.0;
        hot_[i].anchor_s = hot_[i].finish_s;
        hot_[i].done = true;
    }
    request_resolve();
    for (const FlowId id : done) {
        auto& c = cold_[static_cast<std::size_t>(id)];
        if (c.on_finish) {
            auto callback = std::move(c.on_finish);
            callback(id, hot_[static_cast<std::size_t>(id)].finish_s);
        }
    }
}

double FlowNetwork::abort(FlowId id) {
    const auto i = static_cast<std::size_t>(id);
    if (i >= cold_.size()) throw ModelError(fmt::format("flow network: no flow {}", id));
    if (hot_[i].done) return 0.0;
    const double left = remaining_bytes(id);
    if (cold_[i].joined) {
        detach(id);
        request_resolve();
    }
    hot_[i].remaining = left;
    hot_[i].anchor_s = engine_.now().seconds();
    hot_[i].done = true;
    hot_[i].finish_s = std::numeric_limits<double>::quiet_NaN();
    return left;
}

void FlowNetwork::set_capacity(int link, double capacity) {
    if (link < 0 || link >= links() || !(capacity >= 0.0))
        throw ModelError(fmt::format("flow network: capacity {} for link {}", capacity, link));
    settle_link(static_cast<std::size_t>(link), engine_.now().seconds());
    capacity_[static_cast<std::size_t>(link)] = capacity;
    full_solve_ = true;
    request_resolve();
}

double FlowNetwork::rate(FlowId id) const {
    const auto i = static_cast<std::size_t>(id);
    return hot_.at(i).done ? 0.0 : hot_[i].rate;
}

double FlowNetwork::remaining_bytes(FlowId id) const {
    const auto i = static_cast<std::size_t>(id);
    const Cold& c = cold_.at(i);
    if (hot_[i].done || !c.joined) return hot_[i].remaining;
    return std::max(0.0, hot_[i].remaining - hot_[i].rate * (engine_.now().seconds() - hot_[i].anchor_s));
}

bool FlowNetwork::finished(FlowId id) const {
    const auto i = static_cast<std::size_t>(id);
    return hot_.at(i).done && !std::isnan(hot_[i].finish_s);
}

double FlowNetwork::finish_time_s(FlowId id) const {
    return finished(id) ? hot_[static_cast<std::size_t>(id)].finish_s : std::numeric_limits<double>::quiet_NaN();
}

double FlowNetwork::link_bytes(int link) const {
    const auto l = static_cast<std::size_t>(link);
    return link_bytes_.at(l) + link_used_[l] * (engine_.now().seconds() - link_anchor_s_[l]);
}

}  // namespace factorysim::fabric
