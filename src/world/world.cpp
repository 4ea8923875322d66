// The world: racks, the cooling plant, workloads, the scheduler and failure processes on
// one Engine. Power is piecewise constant between events: every state change calls
// refresh_power(), which recomputes rack power, clocks and the plant, then records the
// new levels in exact time-weighted integrals (energy, PUE, utilisation).
#include "factorysim/world/world.hpp"

#include <algorithm>
#include <cmath>
#include <deque>
#include <map>
#include <optional>
#include <limits>
#include <numbers>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "factorysim/catalog/llm_math.hpp"
#include "factorysim/core/engine.hpp"
#include "factorysim/metrics/time_weighted_average.hpp"
#include "factorysim/models/cooling_plant.hpp"
#include "factorysim/models/deployment_ramp.hpp"
#include "factorysim/models/rack_thermal.hpp"
#include "factorysim/models/registry.hpp"
#include "factorysim/models/rack_power.hpp"
#include "factorysim/version.hpp"
#include "world/cost_model.hpp"
#include "world/deployment_report.hpp"
#include "world/fabric_state.hpp"
#include "world/energy_cost_meter.hpp"
#include "world/latency_mixture.hpp"
#include "world/service_state.hpp"
#include "world/training_state.hpp"

namespace factorysim::world {
namespace {

using scenario::Scenario;

constexpr Duration one_hour = Duration::from_ns(3'600'000'000'000);

struct Rack {
    const catalog::RackSpec* spec = nullptr;
    int pod = 0;
    int type = 0;  // index into World::type_names_ (the report's utilisation by rack type)
    std::vector<int> gpu_owner;  // per GPU: index into World::claims_, -1 if free
    std::vector<std::pair<int, int>> allocations;  // (claim, GPUs) on this rack
    double utilisation = 0.0;
    double power_w = 0.0;
    double gpu_w = 0.0;  // per GPU
    double clock = 1.0;
    double energy_j = 0.0;
    double design_w = 0.0;  // full-load power: sizes the coolant flow
    // GPU temperature = base_c + node.rise_c(); base = coolant supply + coolant rise.
    models::ThermalNode node;
    double base_c = 0.0;
    bool throttled = false;  // thermal throttling active (entered at a crossing event)
    // Memo of the last power evaluations: most racks do not change at a given event, and
    // the same inputs give the same outputs, so results are bit-identical with or without.
    double memo_free_u = -1.0;
    models::RackPowerBreakdown memo_free;
    double scheduled_gpu_w = -1.0, scheduled_base_c = -1.0;  // inputs of the pending crossing
    // Deployment ramp: unpowered (not yet delivered, installed and energised, or repaired
    // after a burn-in failure), burning in (full load, not schedulable), in service.
    bool powered = true;
    bool burning_in = false;
    std::optional<Time> joined;  // when it joined the pool
    double thermal_limit_w = 0.0;  // per-GPU power limit while throttled
    EventHandle crossing;
};

// A workload waiting for GPUs (training job or inference service). It takes `gpus` GPUs
// in chunks of `chunk` (a TP group or an instance), each chunk inside one NVLink domain,
// all in one pod.
struct Claim {
    bool training = true;
    int index = 0;  // into trainings_ or services_
    std::string pod;
    std::vector<std::string> rack_types;  // empty: any
    std::vector<int> pods;                // the pods it may use, in the order it tries them
    int gpus = 0;
    int chunk = 1;
    // A disaggregated inference service: (instances, GPUs each) of its prefill pool, then of
    // its decode pool. Empty: `gpus / chunk` chunks of `chunk`.
    std::vector<std::pair<int, int>> pools;
    struct Instance {
        int rack = 0, first = 0, pool = 0;
    };
    std::vector<Instance> instances;  // where each pool instance landed (pools only)
    Time submit;
    int priority = 0;
    int order = 0;  // position in the scenario
    bool queued = false;
    bool placed = false;
    bool done = false;  // finished and released; never queued again
    std::vector<std::pair<int, int>> racks_used;  // (rack, GPUs)
    Time placed_at;
    double energy_j = 0.0;  // its share of its racks' energy, by GPUs
    metrics::TimeWeightedAverage allocated_gpus;  // GPUs held: its share of the TCO
};

class World {
public:
    World(const Scenario& s, const RunOptions& options)
        : s_(s),
          options_(options),
          engine_(s.seed),
          horizon_(Time::zero() + s.horizon),
          cooling_((options.registry ? *options.registry : models::builtin_registry()).make_cooling(s.document.at("cooling"))) {
        build_racks();
        build_workloads();
        std::vector<const catalog::RackSpec*> specs;
        for (const auto& r : racks_) specs.push_back(r.spec);
        fabric_.emplace(s_.fabric, specs, warnings_);
    }

    report::Report run() {
        start_processes();
        metrics::Sampler sampler(engine_, s_.report.sample_interval, report_.series);
        add_probes(sampler);
        sampler.start(horizon_);
        const Duration slice = std::max(Duration::from_seconds(1.0), s_.horizon / 200);
        bool partial = false;
        for (Time t = engine_.now(); t < horizon_;) {
            t = std::min(horizon_, t + slice);
            engine_.run(t);
            if (options_.progress) options_.progress(std::min(1.0, t.seconds() / horizon_.seconds()));
            if (options_.stop_requested && options_.stop_requested->load() && t < horizon_) {
                partial = true;
                break;
            }
        }
        return finish(partial);
    }

private:
    // ---------------------------------------------------------------- building
    void build_racks() {
        for (std::size_t p = 0; p < s_.pods.size(); ++p) {
            const catalog::RackSpec* spec_ptr = &s_.catalog.rack(s_.pods[p].rack);
            if (spec_ptr->cooling == "air" && cooling_->heat_capture_fraction() > 0.0 && spec_ptr->fan_w.value > 0.0) {
                // An air-designed server on direct liquid cooling: its fans only move the heat
                // the cold plates leave behind.
                catalog::RackSpec converted = *spec_ptr;
                const double removed_w = converted.fan_w.value * cooling_->heat_capture_fraction();
                converted.other_w.value -= removed_w;
                converted.fan_w.value -= removed_w;
                converted_specs_.push_back(std::move(converted));
                spec_ptr = &converted_specs_.back();
                warnings_.insert(fmt::format("pod \"{}\": {} is air-cooled by design; on {} its fans draw {:.0f} W "
                                             "less per rack",
                                             s_.pods[p].name, spec_ptr->name, s_.cooling.type, removed_w));
            }
            const auto& spec = *spec_ptr;
            for (int i = 0; i < s_.pods[p].racks; ++i) {
                Rack r;
                r.spec = &spec;
                r.pod = static_cast<int>(p);
                r.type = type_index(s_.pods[p].rack);
                r.design_w = models::full_load_power_kw(spec) * 1e3;
                r.gpu_owner.assign(static_cast<std::size_t>(spec.gpu_count()), -1);
                r.node = models::ThermalNode(cooling_->gpu_thermal_resistance_c_per_w(spec),
                                             cooling_->thermal_time_constant_s());
                if (s_.deployment.ramp()) {
                    r.powered = false;
                    r.gpu_owner.assign(r.gpu_owner.size(), not_in_service);
                } else {
                    r.joined = Time::zero();
                }
                racks_.push_back(r);
                design_it_w_ += r.design_w;
            }
            if (spec.cooling == "liquid" && cooling_->heat_capture_fraction() == 0.0)
                warnings_.insert(fmt::format("pod \"{}\": {} is liquid-cooled by design; the air cooling model is a "
                                             "counterfactual for it",
                                             s_.pods[p].name, spec.name));
        }
        if (s_.site.ambient.kind == scenario::Ambient::Kind::Hourly &&
            s_.horizon.hours() > static_cast<double>(s_.site.ambient.hourly_c.size()))
            warnings_.insert(fmt::format("the weather file {} has {} hours; the run wraps around to its start",
                                         s_.site.ambient.source, s_.site.ambient.hourly_c.size()));
        const auto& tariff = s_.site.tariff;
        if (tariff.kind == scenario::Tariff::Kind::Hourly &&
            s_.horizon.hours() > static_cast<double>(tariff.hourly_usd_per_kwh.size()))
            warnings_.insert(fmt::format("the tariff file {} has {} hours; the run wraps around to its start",
                                         tariff.source, tariff.hourly_usd_per_kwh.size()));
        total_gpus_ = 0;
        for (const auto& r : racks_) total_gpus_ += r.spec->gpu_count();
    }

    void build_workloads() {
        int order = 0;
        for (std::size_t i = 0; i < s_.training.size(); ++i) {
            const auto& w = s_.training[i];
            trainings_.emplace_back(w, s_.catalog.llm(w.model));
            Claim c;
            c.training = true;
            c.index = static_cast<int>(i);
            c.pod = w.pod;
            c.rack_types = w.rack_types;
            c.gpus = w.gpus;
            c.chunk = w.parallelism.tensor;
            c.submit = Time::from_seconds(w.start_hours * 3600.0);
            c.priority = w.priority;
            c.order = order++;
            claims_.push_back(std::move(c));
        }
        for (std::size_t i = 0; i < s_.inference.size(); ++i) {
            const auto& w = s_.inference[i];
            services_.emplace_back(w, s_.catalog.llm(w.model));
            Claim c;
            c.training = false;
            c.index = static_cast<int>(i);
            c.pod = w.pod;
            c.rack_types = w.rack_types;
            c.gpus = w.instances * w.gpus_per_instance;
            c.chunk = w.gpus_per_instance;
            if (const auto& d = w.disaggregation) {
                c.pools = {{d->prefill.replicas, d->prefill.gpus}, {d->decode.replicas, d->decode.gpus}};
                c.gpus = d->prefill.replicas * d->prefill.gpus + d->decode.replicas * d->decode.gpus;
                c.chunk = std::min(d->prefill.gpus, d->decode.gpus);
            }
            c.submit = Time::from_seconds(w.start_hours * 3600.0);
            c.order = order++;
            claims_.push_back(std::move(c));
        }
        order_pods();
    }

    int type_index(const std::string& rack_type) {
        const auto it = std::find(type_names_.begin(), type_names_.end(), rack_type);
        if (it != type_names_.end()) return static_cast<int>(it - type_names_.begin());
        type_names_.push_back(rack_type);
        type_allocated_.emplace_back();
        type_busy_.emplace_back();
        return static_cast<int>(type_names_.size() - 1);
    }

    bool eligible(const Claim& c, const scenario::Pod& p) const {
        return (c.pod.empty() || c.pod == p.name) &&
               (c.rack_types.empty() || std::find(c.rack_types.begin(), c.rack_types.end(), p.rack) != c.rack_types.end());
    }

    // Each claim's pods in the order it tries them (docs/models/scheduler.md, "Preference").
    // least_capable_first: a rack type's demand is the number of workloads that may run on
    // it; a workload tries the types in increasing demand, so the racks that more of the
    // work can use (or that some work can use only) are left for it; ties in scenario order.
    void order_pods() {
        std::map<std::string, int> demand;
        for (const auto& c : claims_) {  // a type held by several pods counts once per workload
            std::set<std::string> types;
            for (const auto& p : s_.pods)
                if (eligible(c, p)) types.insert(p.rack);
            for (const auto& t : types) ++demand[t];
        }
        const bool by_demand = s_.scheduler.placement == "least_capable_first";
        for (auto& c : claims_) {
            c.pods.clear();
            for (std::size_t p = 0; p < s_.pods.size(); ++p)
                if (eligible(c, s_.pods[p])) c.pods.push_back(static_cast<int>(p));
            if (by_demand)
                std::stable_sort(c.pods.begin(), c.pods.end(), [this, &demand](int a, int b) {
                    return demand[s_.pods[static_cast<std::size_t>(a)].rack] <
                           demand[s_.pods[static_cast<std::size_t>(b)].rack];
                });
        }
    }

    // ---------------------------------------------------------------- processes
    void start_processes() {
        for (auto& c : claims_)
            engine_.schedule_at(std::min(c.submit, horizon_), [this, &c] { submit(c); }, Priority::Normal);
        engine_.schedule_at(Time::zero(), [this] { hourly_tick(); }, Priority::Physics);
        if (!s_.deployment.ramp()) {
            if (s_.failures.enabled)
                for (std::size_t r = 0; r < racks_.size(); ++r) schedule_rack_failure(static_cast<int>(r));
            return;
        }
        start_ramp();
    }

    // The ramp's plan (models/deployment_ramp.hpp) as events: each rack is energised for
    // burn-in, switched off for every burn-in failure's repair and on again, then joins.
    void start_ramp() {
        std::vector<double> full_load_w;
        for (const auto& r : racks_) full_load_w.push_back(r.design_w);
        ramp_ = models::plan_deployment(s_.deployment, full_load_w, s_.seed, horizon_.hours());
        if (ramp_->racks_never_energised > 0) {
            double last_w = 0.0;
            for (const auto& phase : s_.deployment.site_phases)
                last_w = std::max(last_w, std::min(phase.power_mw, phase.cooling_mw) * 1e6);
            warnings_.insert(fmt::format("the site phases commission {:.1f} MW of power and cooling at most; the racks "
                                         "need {:.1f} MW at full load, so {} racks are never energised",
                                         last_w / 1e6, ramp_->full_load_w / 1e6, ramp_->racks_never_energised));
        }
        auto at = [this](double hours, auto action) {
            if (!std::isfinite(hours)) return;
            const Time t = Time::from_seconds(hours * 3600.0);
            if (t <= horizon_) engine_.schedule_at(t, std::move(action), Priority::Physics);
        };
        for (std::size_t r = 0; r < racks_.size(); ++r) {
            const auto& plan = ramp_->racks[r];
            at(plan.energised_h, [this, r] { set_burning_in(r, true); });
            for (const auto& f : plan.burn_in_failures) {
                at(f.failed_h, [this, r] { set_burning_in(r, false); });
                at(f.repaired_h, [this, r] { set_burning_in(r, true); });
            }
            at(plan.joined_h, [this, r] { join_pool(static_cast<int>(r)); });
        }
    }

    // Burn-in at full load, or off for a repair after a burn-in failure.
    void set_burning_in(std::size_t r, bool on) {
        racks_[r].powered = on;
        racks_[r].burning_in = on;
        refresh_power();
    }

    // When rack r was delivered and when it joins, from the ramp's plan (both 0 without a
    // ramp), also beyond the horizon: interest during construction is a property of the plan.
    // A rack the plan never sees join (no site capacity, burn-in failures past the horizon)
    // carries its capital to the end of the run.
    double delivered_hours(std::size_t r) const { return ramp_ ? ramp_->racks[r].delivered_h : 0.0; }
    double in_service_hours(std::size_t r, double end_h) const {
        if (!ramp_) return 0.0;
        const double joined = ramp_->racks[r].joined_h;
        return std::isfinite(joined) ? joined : std::max(end_h, delivered_hours(r));
    }

    void join_pool(int r) {
        auto& rack = racks_[static_cast<std::size_t>(r)];
        rack.powered = true;
        rack.burning_in = false;
        rack.joined = engine_.now();
        rack.gpu_owner.assign(rack.gpu_owner.size(), -1);
        if (s_.failures.enabled) schedule_rack_failure(r);
        try_schedule();
    }

    void hourly_tick() {
        for (auto& svc : services_)
            if (svc.running()) svc.set_offered(engine_.now(), svc.offered_rate_at(engine_.now()));
        refresh_power();
        if (engine_.now() + one_hour < horizon_)
            engine_.schedule_in(one_hour, [this] { hourly_tick(); }, Priority::Physics);
    }

    double ambient_at(Time t) const {
        const auto& a = s_.site.ambient;
        if (a.kind == scenario::Ambient::Kind::Constant) return a.temp_c;
        if (a.kind == scenario::Ambient::Kind::Hourly) {
            const auto hour = static_cast<std::size_t>(std::floor(t.hours()));
            return a.hourly_c[hour % a.hourly_c.size()];
        }
        // Piecewise constant per hour: the value at the start of the hour.
        const double hour = std::floor(t.hours());
        const double day = a.start_day_of_year + hour / 24.0;
        const double hour_of_day = std::fmod(hour, 24.0);
        constexpr double two_pi = 2.0 * std::numbers::pi;
        return a.mean_c + a.daily_swing_c / 2.0 * std::cos(two_pi * (hour_of_day - a.peak_hour) / 24.0) +
               a.seasonal_swing_c / 2.0 * std::cos(two_pi * (day - a.peak_day_of_year) / 365.0);
    }

    // ---------------------------------------------------------------- scheduler
    void submit(Claim& c) {
        c.queued = true;
        try_schedule();
    }

    std::vector<Claim*> queue_in_policy_order() {
        std::vector<Claim*> q;
        for (auto& c : claims_)
            if (c.queued && !c.placed && !c.done) q.push_back(&c);
        const bool by_priority = s_.scheduler.policy == "priority";
        std::stable_sort(q.begin(), q.end(), [by_priority](const Claim* a, const Claim* b) {
            if (by_priority && a->priority != b->priority) return a->priority > b->priority;
            if (a->submit != b->submit) return a->submit < b->submit;
            return a->order < b->order;
        });
        return q;
    }

    // Free chunks for the claim, first fit, all in one pod (its own, or the first of its pods
    // in its preference order that has room; so one rack type): a chunk is `chunk`
    // consecutive free GPUs starting at a multiple of `chunk` inside one NVLink domain.
    // Returns (rack, first GPU) per chunk; empty if none fits.
    std::vector<std::pair<int, int>> find_chunks(const Claim& c) const {
        if (!c.pools.empty()) return find_pool_chunks(c);
        const int needed = c.gpus / c.chunk;
        for (const int pod_index : c.pods) {
            const auto p = static_cast<std::size_t>(pod_index);
            if (!eligible(c, s_.pods[p])) continue;
            std::vector<std::pair<int, int>> chunks;
            for (std::size_t r = 0; r < racks_.size() && static_cast<int>(chunks.size()) < needed; ++r) {
                const Rack& rack = racks_[r];
                if (rack.pod != static_cast<int>(p)) continue;
                const int domain = rack.spec->domain_gpus();
                for (int d = 0; d + domain <= rack.spec->gpu_count(); d += domain)
                    for (int g = d; g + c.chunk <= d + domain && static_cast<int>(chunks.size()) < needed; g += c.chunk) {
                        bool free = true;
                        for (int k = g; k < g + c.chunk && free; ++k) free = rack.gpu_owner[static_cast<std::size_t>(k)] == -1;
                        if (free) chunks.emplace_back(static_cast<int>(r), g);
                    }
            }
            if (static_cast<int>(chunks.size()) == needed) return chunks;
        }
        return {};
    }

    // find_chunks for a claim with pools of different instance sizes: each pool's instances
    // in turn, first fit, aligned to their own size, on GPUs the earlier pools left free;
    // all in one pod. Returns (rack, first GPU) per instance, the pools in order.
    std::vector<std::pair<int, int>> find_pool_chunks(const Claim& c) const {
        for (std::size_t p = 0; p < s_.pods.size(); ++p) {
            if (!eligible(c, s_.pods[p])) continue;
            std::map<int, std::vector<bool>> taken;  // GPUs given to earlier instances in this trial
            std::vector<std::pair<int, int>> chunks;
            bool fits = true;
            for (const auto& [count, size] : c.pools) {
                int found = 0;
                for (std::size_t r = 0; r < racks_.size() && found < count; ++r) {
                    const Rack& rack = racks_[r];
                    if (rack.pod != static_cast<int>(p)) continue;
                    auto& mine = taken.try_emplace(static_cast<int>(r), rack.gpu_owner.size(), false).first->second;
                    const int domain = rack.spec->domain_gpus();
                    for (int d = 0; d + domain <= rack.spec->gpu_count(); d += domain)
                        for (int g = d; g + size <= d + domain && found < count; g += size) {
                            bool free = true;
                            for (int k = g; k < g + size && free; ++k)
                                free = rack.gpu_owner[static_cast<std::size_t>(k)] == -1 && !mine[static_cast<std::size_t>(k)];
                            if (!free) continue;
                            for (int k = g; k < g + size; ++k) mine[static_cast<std::size_t>(k)] = true;
                            chunks.emplace_back(static_cast<int>(r), g);
                            ++found;
                        }
                }
                if (found < count) {
                    fits = false;
                    break;
                }
            }
            if (fits) return chunks;
        }
        return {};
    }

    // GPUs of the i-th chunk find_chunks returned for the claim.
    static int chunk_gpus(const Claim& c, std::size_t i) {
        for (const auto& [count, size] : c.pools) {
            if (i < static_cast<std::size_t>(count)) return size;
            i -= static_cast<std::size_t>(count);
        }
        return c.chunk;
    }

    // The instance (first GPU, pool) of claim `id` holding GPU k of rack r.
    std::pair<int, int> instance_at(int id, int r, int k) const {
        const Claim& c = claims_[static_cast<std::size_t>(id)];
        for (const auto& in : c.instances)
            if (in.rack == r && k >= in.first && k < in.first + c.pools[static_cast<std::size_t>(in.pool)].second)
                return {in.first, in.pool};
        return {chunk_start(racks_[static_cast<std::size_t>(r)], k, c.chunk), 0};
    }

    void try_schedule() {
        // Running jobs waiting for spare GPUs come before new work.
        for (std::size_t j = 0; j < trainings_.size(); ++j) {
            auto& t = trainings_[j];
            if (t.waiting_for_spares && replace_lost_chunks(static_cast<int>(j))) {
                t.waiting_for_spares = false;
                enter_running(static_cast<int>(j));
            }
        }
        const auto& policy = s_.scheduler.policy;
        const auto queue = queue_in_policy_order();
        for (std::size_t i = 0; i < queue.size(); ++i) {
            Claim* c = queue[i];
            auto chunks = find_chunks(*c);
            if (chunks.empty() && policy == "priority") chunks = preempt_for(*c);
            if (!chunks.empty()) {
                place(*c, chunks);
                continue;
            }
            if (policy == "first_fit") continue;
            if (policy == "easy_backfill") backfill(*c, std::vector<Claim*>(queue.begin() + static_cast<std::ptrdiff_t>(i) + 1, queue.end()));
            break;  // fifo, priority and EASY: the head of the queue waits
        }
        refresh_power();
    }

    // Healthy GPUs nobody holds in pod p.
    int free_gpus_in_pod(int p) const {
        int n = 0;
        for (const auto& r : racks_)
            if (r.pod == p)
                for (int owner : r.gpu_owner) n += owner == -1 ? 1 : 0;
        return n;
    }

    // Estimated seconds until a claim releases its GPUs (+inf for services and open-ended jobs).
    double claim_remaining_s(const Claim& c) const {
        return c.training ? trainings_[c.index].remaining_s() : std::numeric_limits<double>::infinity();
    }

    double claim_runtime_s(const Claim& c, const catalog::RackSpec& rack) const {
        return c.training ? trainings_[c.index].estimated_runtime_s(rack, s_.fabric) : std::numeric_limits<double>::infinity();
    }

    // EASY backfill: the blocked head gets a reservation at the shadow time, when enough
    // running jobs will have finished (by their estimated runtimes); a later job may start
    // now if it fits and either ends before the shadow time or uses only GPUs the head will
    // not need. GPU counts ignore NVLink-domain alignment (docs/models/scheduler.md).
    void backfill(const Claim& head, const std::vector<Claim*>& rest) {
        for (const int pod_index : head.pods) {
            const auto p = static_cast<std::size_t>(pod_index);
            if (!eligible(head, s_.pods[p])) continue;
            const int pod = static_cast<int>(p);
            int free_now = free_gpus_in_pod(pod);
            std::vector<std::pair<double, int>> releases;  // (seconds from now, GPUs)
            for (const auto& c : claims_) {
                if (!c.placed) continue;
                int n = 0;
                for (const auto& [r, k] : c.racks_used)
                    if (racks_[static_cast<std::size_t>(r)].pod == pod) n += k;
                if (n > 0) releases.emplace_back(claim_remaining_s(c), n);
            }
            std::sort(releases.begin(), releases.end());
            double shadow_s = std::numeric_limits<double>::infinity();
            int available = free_now;
            for (const auto& [t, n] : releases) {
                if (available >= head.gpus) break;
                available += n;
                if (available >= head.gpus) shadow_s = t;
            }
            if (free_now >= head.gpus) shadow_s = 0.0;  // fits by count, blocked by alignment
            int extra = std::max(0, available - head.gpus);
            for (Claim* c : rest) {
                if (!eligible(*c, s_.pods[p])) continue;
                Claim trial = *c;
                trial.pod = s_.pods[p].name;
                const auto chunks = find_chunks(trial);
                if (chunks.empty()) continue;
                const double runtime = claim_runtime_s(*c, s_.catalog.rack(s_.pods[p].rack));
                const bool ends_in_time = runtime <= shadow_s;
                if (!ends_in_time && c->gpus > extra) continue;
                if (!ends_in_time) extra -= c->gpus;
                place(*c, chunks);
                ++backfilled_;
            }
            return;  // the head's reservation is in its first eligible pod
        }
    }

    // Priority with preemption: frees GPUs for `c` by preempting lower-priority training
    // jobs in one pod, lowest priority and most recently started first. Returns the chunks
    // for `c`, or nothing (and preempts nothing) if even that would not make room.
    std::vector<std::pair<int, int>> preempt_for(const Claim& c) {
        for (const int pod_index : c.pods) {
            const auto p = static_cast<std::size_t>(pod_index);
            if (!eligible(c, s_.pods[p])) continue;
            const int pod = static_cast<int>(p);
            std::vector<Claim*> victims;
            for (auto& v : claims_)
                if (v.placed && v.training && v.priority < c.priority && !v.racks_used.empty() &&
                    racks_[static_cast<std::size_t>(v.racks_used.front().first)].pod == pod)
                    victims.push_back(&v);
            std::stable_sort(victims.begin(), victims.end(), [](const Claim* a, const Claim* b) {
                if (a->priority != b->priority) return a->priority < b->priority;
                return a->placed_at > b->placed_at;
            });
            int available = free_gpus_in_pod(pod);
            std::size_t needed = 0;
            while (available < c.gpus && needed < victims.size()) available += victims[needed++]->gpus;
            if (available < c.gpus) continue;
            // Trial: would the chunks fit with those victims gone? Undo if not.
            std::vector<std::vector<int>> saved;
            for (std::size_t k = 0; k < needed; ++k) saved.push_back(release_gpus(*victims[k]));
            Claim trial = c;
            trial.pod = s_.pods[p].name;
            auto chunks = find_chunks(trial);
            if (chunks.empty()) {
                for (std::size_t k = needed; k-- > 0;) restore_gpus(*victims[k], saved[k]);  // newest snapshot first
                continue;
            }
            for (std::size_t k = 0; k < needed; ++k) preempt(*victims[k]);
            return chunks;
        }
        return {};
    }

    // Frees a claim's GPUs, returning the per-rack GPU owner snapshot to undo it.
    std::vector<int> release_gpus(Claim& c) {
        const int id = static_cast<int>(&c - claims_.data());
        std::vector<int> snapshot;
        for (const auto& [r, n] : c.racks_used)
            for (auto& owner : racks_[static_cast<std::size_t>(r)].gpu_owner) {
                snapshot.push_back(owner);
                if (owner == id) owner = -1;
            }
        return snapshot;
    }

    void restore_gpus(Claim& c, const std::vector<int>& snapshot) {
        std::size_t i = 0;
        for (const auto& [r, n] : c.racks_used)
            for (auto& owner : racks_[static_cast<std::size_t>(r)].gpu_owner) owner = snapshot[i++];
    }

    // The GPUs are already released (release_gpus); stop the job and requeue it.
    void preempt(Claim& c) {
        auto& job = trainings_[c.index];
        job.advance(engine_.now());
        engine_.cancel(job.checkpoint_event);
        engine_.cancel(job.completion_event);
        engine_.cancel(job.software_event);
        ++job.restart_generation;  // abandons a checkpoint write or restart in flight
        job.missing_chunks = 0;
        job.waiting_for_spares = false;
        job.preempt(engine_.now());
        for (const auto& [r, n] : c.racks_used) recount_rack(racks_[static_cast<std::size_t>(r)]);
        c.racks_used.clear();
        c.placed = false;
        ++preemptions_;
        update_fabric_shares();
    }

    void place(Claim& c, const std::vector<std::pair<int, int>>& chunks) {
        advance_racks();  // energy up to now goes to the racks' previous workloads
        if (!first_placement_) first_placement_ = engine_.now();
        c.placed = true;
        c.placed_at = engine_.now();
        const int id = static_cast<int>(&c - claims_.data());
        std::map<int, int> per_rack;
        c.instances.clear();
        for (std::size_t i = 0; i < chunks.size(); ++i) {
            const auto [r, first] = chunks[i];
            const int size = chunk_gpus(c, i);
            auto& rack = racks_[static_cast<std::size_t>(r)];
            for (int k = first; k < first + size; ++k) rack.gpu_owner[static_cast<std::size_t>(k)] = id;
            per_rack[r] += size;
            if (!c.pools.empty())
                c.instances.push_back({r, first, i < static_cast<std::size_t>(c.pools.front().first) ? 0 : 1});
        }
        c.racks_used.assign(per_rack.begin(), per_rack.end());
        for (const auto& [r, n] : c.racks_used) racks_[static_cast<std::size_t>(r)].allocations.emplace_back(id, n);
        const auto& spec = *racks_[static_cast<std::size_t>(chunks.front().first)].spec;
        const int racks_touched = static_cast<int>(c.racks_used.size());
        if (c.training) {
            trainings_[c.index].place(engine_.now(), spec, racks_touched, s_.fabric);
            enter_running(c.index);
            schedule_software_failure(c.index);
            update_fabric_shares();
        } else {
            auto& svc = services_[c.index];
            // KV transfers stay on NVLink only if every instance shares one NVLink domain.
            const auto domain_of = [&](const std::pair<int, int>& chunk) {
                return std::pair{chunk.first, chunk.second / racks_[static_cast<std::size_t>(chunk.first)].spec->domain_gpus()};
            };
            const bool one_domain = std::all_of(chunks.begin(), chunks.end(),
                                                [&](const auto& k) { return domain_of(k) == domain_of(chunks.front()); });
            svc.place(engine_.now(), spec, racks_touched, s_.fabric, engine_, one_domain);
            svc.set_offered(engine_.now(), svc.offered_rate_at(engine_.now()));
        }
    }

    // A finished workload gives its GPUs back.
    void release(Claim& c) {
        advance_racks();  // the workload's energy up to now, before its GPUs go
        const int id = static_cast<int>(&c - claims_.data());
        for (const auto& [r, n] : c.racks_used) {
            auto& rack = racks_[static_cast<std::size_t>(r)];
            for (auto& owner : rack.gpu_owner)
                if (owner == id) owner = -1;
            std::erase_if(rack.allocations, [id](const auto& a) { return a.first == id; });
        }
        c.racks_used.clear();
        c.placed = false;
        c.done = true;
        if (c.training) update_fabric_shares();
    }

    // The jobs as the fabric sees them (training only: inference stays inside a domain).
    std::vector<FabricJob> fabric_jobs(bool placed_only) const {
        std::vector<FabricJob> jobs;
        for (const auto& c : claims_) {
            if (!c.training || (placed_only && !c.placed)) continue;
            const auto& t = trainings_[static_cast<std::size_t>(c.index)];
            FabricJob j;
            j.racks = c.racks_used;
            j.gpus = t.gpus();
            j.data_parallel_domains = t.nominal_step().data_parallel_domains;
            j.scale_out_bytes = t.scale_out_bytes();
            jobs.push_back(std::move(j));
        }
        return jobs;
    }

    // Flow-level fabric: re-shares the fat tree among the placed jobs' collective flows.
    void update_fabric_shares() {
        if (!fabric_ || !fabric_->flow_model()) return;
        const auto shares = fabric_->flow_shares(fabric_jobs(true));
        std::size_t k = 0;
        for (const auto& c : claims_) {
            if (!c.training || !c.placed) continue;
            if (trainings_[static_cast<std::size_t>(c.index)].set_scale_out_share(engine_.now(), shares[k]))
                schedule_completion(c.index);
            ++k;
        }
    }

    // ---------------------------------------------------------------- training
    Claim& claim_of_training(int index) {
        for (auto& c : claims_)
            if (c.training && c.index == index) return c;
        throw ModelError("no claim for training job");
    }

    void enter_running(int j) {
        auto& job = trainings_[j];
        // Gang integrity: a job runs only on its full set of healthy GPUs (failed GPUs are
        // never owned, so this also says it never runs on one).
        const Claim& c = claim_of_training(j);
        int owned = 0;
        for (const auto& [r, n] : c.racks_used) owned += n;
        if (owned != job.config().gpus)
            throw ModelError(fmt::format("training job {} would run on {} of its {} GPUs", job.config().name, owned,
                                         job.config().gpus));
        job.start_running(engine_.now());
        job.checkpoint_event = engine_.schedule_in(job.config().checkpoint_interval, [this, j] { checkpoint(j); });
        schedule_completion(j);
        refresh_power();
    }

    void schedule_completion(int j) {
        auto& job = trainings_[j];
        engine_.cancel(job.completion_event);
        if (const auto at = job.completion_time(engine_.now()); at && *at <= horizon_)
            job.completion_event = engine_.schedule_at(*at, [this, j] { complete(j); });
    }

    void checkpoint(int j) {
        auto& job = trainings_[j];
        job.advance(engine_.now());
        engine_.cancel(job.completion_event);
        job.begin_checkpoint(engine_.now());
        const auto generation = job.restart_generation;
        engine_.schedule_in(job.checkpoint_write_time(), [this, j, generation] {
            // A failure during the write abandons it (the job is restarting from the previous one).
            if (trainings_[j].restart_generation != generation) return;
            trainings_[j].commit_checkpoint();
            enter_running(j);
        });
        refresh_power();
    }

    void complete(int j) {
        auto& job = trainings_[j];
        job.advance(engine_.now());
        engine_.cancel(job.checkpoint_event);
        engine_.cancel(job.software_event);
        job.finish(engine_.now());
        release(claim_of_training(j));
        try_schedule();
    }

    void interrupt(int j) {
        auto& job = trainings_[j];
        if (!job.interruptible()) return;
        job.advance(engine_.now());
        engine_.cancel(job.checkpoint_event);
        engine_.cancel(job.completion_event);
        job.interrupt(engine_.now());
        ++job_interruptions_;
        // Any pending checkpoint write is abandoned with the rest; restart from the last one.
        job.restart_generation++;
        const auto generation = job.restart_generation;
        engine_.schedule_in(job.config().restart_overhead, [this, j, generation] {
            auto& t = trainings_[j];
            if (t.restart_generation != generation || t.phase() != TrainingPhase::Restarting) return;
            if (replace_lost_chunks(j))
                enter_running(j);
            else
                t.waiting_for_spares = true;  // retried whenever GPUs come back (try_schedule)
        });
        refresh_power();
    }

    void schedule_software_failure(int j) {
        auto& job = trainings_[j];
        if (!s_.failures.enabled) return;
        const double rate_per_s = job.gpus() / (s_.failures.software_mtbf_hours * 3600.0);
        auto& rng = software_rng(j);
        const Duration wait = Duration::from_seconds(rng.exponential(1.0 / rate_per_s));
        if (engine_.now() + wait > horizon_) return;
        job.software_event = engine_.schedule_in(wait, [this, j] {
            if (trainings_[j].interruptible()) {
                ++failures_["software"];
                interrupt(j);
            }
            schedule_software_failure(j);
        });
    }

    RandomStream& software_rng(int j) {
        while (software_rngs_.size() <= static_cast<std::size_t>(j))
            software_rngs_.push_back(engine_.rng(fmt::format("software-failures/{}", software_rngs_.size())));
        return software_rngs_[static_cast<std::size_t>(j)];
    }

    // ---------------------------------------------------------------- hardware failures
    struct RackRates {
        double gpu = 0, node = 0, network = 0, nvlink = 0;
        double total() const { return gpu + node + network + nvlink; }
    };

    RackRates rack_rates(const Rack& r) const {
        const auto& f = s_.failures;
        const double trays = r.spec->compute_trays.value;
        return {r.spec->gpu_count() / (f.gpu_mtbf_hours * 3600.0), trays / (f.node_mtbf_hours * 3600.0),
                trays / (f.network_mtbf_hours * 3600.0),
                r.spec->nvlink_switch_trays.value / (f.nvlink_switch_mtbf_hours * 3600.0)};
    }

    void schedule_rack_failure(int r) {
        while (rack_rngs_.size() <= static_cast<std::size_t>(r))
            rack_rngs_.push_back(engine_.rng(fmt::format("rack-failures/{}", rack_rngs_.size())));
        auto& rng = rack_rngs_[static_cast<std::size_t>(r)];
        const RackRates rates = rack_rates(racks_[static_cast<std::size_t>(r)]);
        const Duration wait = Duration::from_seconds(rng.exponential(1.0 / rates.total()));
        if (engine_.now() + wait > horizon_) return;
        engine_.schedule_in(wait, [this, r] { rack_failure(r); });
    }

    static constexpr int failed_gpu = -2;
    static constexpr int not_in_service = -3;  // deployment: not yet delivered, installed or burnt in

    // First GPU of the chunk (TP group or instance) of `chunk` GPUs holding GPU k.
    static int chunk_start(const Rack& rack, int k, int chunk) {
        const int domain = rack.spec->domain_gpus();
        const int d = k / domain * domain;
        return d + (k - d) / chunk * chunk;
    }

    // Rebuilds a rack's (claim, GPUs) list from its GPU owners.
    void recount_rack(Rack& rack) {
        advance_racks();  // energy up to now by the old (claim, GPUs) list
        std::map<int, int> counts;
        for (int owner : rack.gpu_owner)
            if (owner >= 0) ++counts[owner];
        rack.allocations.assign(counts.begin(), counts.end());
    }

    void recount_claim(Claim& c) {
        const int id = static_cast<int>(&c - claims_.data());
        c.racks_used.clear();
        for (std::size_t r = 0; r < racks_.size(); ++r)
            for (const auto& [owner, n] : racks_[r].allocations)
                if (owner == id) c.racks_used.emplace_back(static_cast<int>(r), n);
    }

    void rack_failure(int r) {
        auto& rack = racks_[static_cast<std::size_t>(r)];
        auto& rng = rack_rngs_[static_cast<std::size_t>(r)];
        const RackRates rates = rack_rates(rack);
        const double pick = rng.uniform01() * rates.total();
        const std::string component = pick < rates.gpu                                   ? "gpu"
                                      : pick < rates.gpu + rates.node                    ? "node"
                                      : pick < rates.gpu + rates.node + rates.network    ? "network"
                                                                                          : "nvlink_switch";
        ++failures_[component];
        // The GPUs behind the fault: one GPU, or the compute tray of the failed host or NIC.
        const int per_tray = static_cast<int>(rack.spec->gpu_count() / rack.spec->compute_trays.value);
        int first = 0, count = 1;
        if (component == "gpu") {
            first = static_cast<int>(rng.uniform_int(static_cast<std::uint64_t>(rack.spec->gpu_count())));
        } else if (component == "nvlink_switch") {
            count = rack.spec->gpu_count();  // the NVLink domain is down: the whole rack
        } else {
            first = static_cast<int>(rng.uniform_int(static_cast<std::uint64_t>(rack.spec->compute_trays.value))) * per_tray;
            count = per_tray;
        }
        std::set<int> hit;  // claims whose GPUs are behind the fault
        std::map<int, std::set<int>> hit_chunks;  // claim -> its TP groups / replicas hit (first GPU)
        for (int k = first; k < first + count; ++k) {
            const int owner = rack.gpu_owner[static_cast<std::size_t>(k)];
            if (owner < 0) continue;
            hit.insert(owner);
            hit_chunks[owner].insert(instance_at(owner, r, k).first);
        }
        if (component == "network") {
            // A switch or cable fault stops the training jobs using the tray's links; the
            // fabric reroutes, nothing is taken out of service.
            for (int id : hit)
                if (claims_[static_cast<std::size_t>(id)].training) interrupt(claims_[static_cast<std::size_t>(id)].index);
            schedule_rack_failure(r);
            return;
        }
        // The failed GPUs leave service for the repair; a training job gives up the TP groups
        // they were in and restarts on spare GPUs (docs/models/reliability.md); an inference
        // instance is down until the repair.
        std::vector<std::pair<int, int>> restore;  // (GPU, owner after repair)
        for (int k = first; k < first + count; ++k) {
            int& owner = rack.gpu_owner[static_cast<std::size_t>(k)];
            if (owner == failed_gpu) continue;  // already out
            const bool inference = owner >= 0 && !claims_[static_cast<std::size_t>(owner)].training;
            restore.emplace_back(k, inference ? owner : -1);
            owner = failed_gpu;
        }
        // GPU-hours out of service: the GPUs newly failed, until the repair or the horizon.
        repair_gpu_hours_ += static_cast<double>(restore.size()) *
                             std::min(s_.failures.repair_hours, (horizon_ - engine_.now()).hours());
        int instances_down = 0;
        for (int id : hit) {
            Claim& c = claims_[static_cast<std::size_t>(id)];
            const std::set<int>& chunks = hit_chunks[id];  // only the groups this claim held
            if (c.training) {
                for (int start : chunks)
                    for (int k = start; k < start + c.chunk; ++k) {
                        int& owner = rack.gpu_owner[static_cast<std::size_t>(k)];
                        if (owner == id) owner = -1;  // the healthy rest of the group goes back to the pool
                    }
                trainings_[c.index].missing_chunks += static_cast<int>(chunks.size());
                interrupt(c.index);
            } else {
                for (int start : chunks) services_[c.index].instance_down(engine_.now(), instance_at(id, r, start).second);
                instances_down += static_cast<int>(chunks.size());
            }
        }
        recount_rack(rack);
        for (int id : hit) recount_claim(claims_[static_cast<std::size_t>(id)]);
        const std::vector<int> hit_list(hit.begin(), hit.end());
        engine_.schedule_in(Duration::from_seconds(s_.failures.repair_hours * 3600.0),
                            [this, r, restore = std::move(restore), hit_list] { repair(r, restore, hit_list); });
        refresh_power();
        schedule_rack_failure(r);
    }

    void repair(int r, const std::vector<std::pair<int, int>>& restore, const std::vector<int>& hit) {
        auto& rack = racks_[static_cast<std::size_t>(r)];
        std::set<int> instance_chunks;
        for (const auto& [k, owner] : restore) {
            rack.gpu_owner[static_cast<std::size_t>(k)] = owner;
            if (owner >= 0) instance_chunks.insert(owner * 65536 + instance_at(owner, r, k).first);
        }
        for (int key : instance_chunks)
            services_[claims_[static_cast<std::size_t>(key / 65536)].index].instance_up(
                engine_.now(), instance_at(key / 65536, r, key % 65536).second);
        recount_rack(rack);
        for (int id : hit) recount_claim(claims_[static_cast<std::size_t>(id)]);
        try_schedule();
    }

    // A restarting job that lost TP groups takes replacement chunks from its pod's free GPUs;
    // false if there are not enough (it waits for a repair or a release).
    bool replace_lost_chunks(int j) {
        auto& job = trainings_[j];
        if (job.missing_chunks == 0) return true;
        Claim& c = claim_of_training(j);
        Claim need = c;
        need.gpus = job.missing_chunks * c.chunk;
        need.pod = s_.pods[static_cast<std::size_t>(racks_[static_cast<std::size_t>(c.racks_used.empty() ? 0 : c.racks_used.front().first)].pod)].name;
        const auto chunks = find_chunks(need);
        if (chunks.empty()) return false;
        const int id = static_cast<int>(&c - claims_.data());
        std::set<int> touched;
        for (const auto& [r, first] : chunks) {
            for (int k = first; k < first + c.chunk; ++k) racks_[static_cast<std::size_t>(r)].gpu_owner[static_cast<std::size_t>(k)] = id;
            touched.insert(r);
        }
        for (int r : touched) recount_rack(racks_[static_cast<std::size_t>(r)]);
        recount_claim(c);
        job.missing_chunks = 0;
        update_fabric_shares();  // the job's racks changed
        return true;
    }

    // ---------------------------------------------------------------- power and cooling
    // Rack utilisations from the workloads' current states (unthrottled operating points).
    void update_utilisations() {
        auto& u = claim_utilisation_;  // reused: refresh_power runs at every event
        u.assign(claims_.size(), 0.0);
        for (std::size_t i = 0; i < claims_.size(); ++i) {
            const auto& c = claims_[i];
            if (c.placed) u[i] = c.training ? trainings_[c.index].gpu_utilisation() : services_[c.index].gpu_utilisation();
        }
        for (auto& r : racks_) {
            double busy = 0.0;
            for (const auto& [id, n] : r.allocations) busy += u[static_cast<std::size_t>(id)] * n;
            r.utilisation = r.burning_in ? 1.0 : busy / r.spec->gpu_count();  // burn-in runs flat out
        }
    }

    // Racks of one type at one utilisation with one thermal limit draw the same power: the
    // site-cap bisection evaluates each such group, not each rack (a 100,000-GPU factory has
    // a handful of groups and ~1,400 racks).
    void build_power_groups() {
        power_groups_.clear();
        rack_group_.assign(racks_.size(), -1);
        for (std::size_t i = 0; i < racks_.size(); ++i) {
            const auto& r = racks_[i];
            if (!r.powered) continue;
            const double limit = r.throttled ? r.thermal_limit_w : std::numeric_limits<double>::infinity();
            int found = -1;
            for (std::size_t g = 0; g < power_groups_.size(); ++g) {
                const auto& pg = power_groups_[g];
                if (pg.spec == r.spec && pg.u == r.utilisation && pg.limit == limit) found = static_cast<int>(g);
            }
            if (found < 0) {
                power_groups_.push_back({r.spec, r.utilisation, limit, 0, {}});
                found = static_cast<int>(power_groups_.size() - 1);
            }
            ++power_groups_[static_cast<std::size_t>(found)].racks;
            rack_group_[i] = found;
        }
    }

    // IT power (W) with every GPU limited to min(site cap, its rack's thermal limit);
    // leaves each group's breakdown in power_groups_.
    double group_power_w(double site_cap_w) {
        double it = 0.0;
        for (auto& g : power_groups_) {
            const double cap = std::max(std::min(site_cap_w, g.limit), 1.0);
            g.power = models::rack_power(*g.spec, g.u, cap);
            it += g.racks * g.power.total_w;
        }
        return it;
    }

    // Applies a site cap to every rack; returns the IT total (W).
    double apply_gpu_cap(double site_cap_w) {
        const double it = group_power_w(site_cap_w);
        for (std::size_t i = 0; i < racks_.size(); ++i) {
            auto& r = racks_[i];
            if (rack_group_[i] < 0) {  // not energised yet, or off for a burn-in repair: no power
                r.power_w = r.gpu_w = 0.0;
                r.clock = 1.0;
                continue;
            }
            const auto& p = power_groups_[static_cast<std::size_t>(rack_group_[i])].power;
            r.power_w = p.total_w;
            r.gpu_w = p.gpu_w / r.spec->gpu_count();
            r.clock = p.gpu_clock_fraction;
        }
        return it;
    }

    // Integrates rack energy and GPU temperatures from the last refresh to now.
    void advance_racks() {
        const double dt = (engine_.now() - last_energy_update_).seconds();
        if (dt <= 0.0) return;  // a second refresh at the same instant: nothing to integrate
        for (auto& r : racks_) {
            r.energy_j += r.power_w * dt;
            // Each workload is charged its racks' energy in proportion to its GPUs there.
            for (const auto& [id, n] : r.allocations)
                claims_[static_cast<std::size_t>(id)].energy_j += r.power_w * dt * n / r.spec->gpu_count();
            r.node.advance(dt);
            // Between events the temperature moves monotonically, so its maximum over the
            // interval is at an end: the end is checked here, the start was checked before.
            max_gpu_temp_seen_ = std::max(max_gpu_temp_seen_, r.base_c + r.node.rise_c());
        }
        last_energy_update_ = engine_.now();
    }

    // Throttling with hysteresis: a rack enters it at its crossing event (or at once if a
    // step of the coolant temperature puts it over), and leaves it when its unthrottled
    // steady temperature is below the threshold minus the hysteresis.
    void update_thermal_limits(double supply_c) {
        const auto& c = *cooling_;
        for (auto& r : racks_) {
            const double r_c_per_w = r.node.resistance_c_per_w();
            if (r.memo_free_u != r.utilisation) {
                r.memo_free = models::rack_power(*r.spec, r.utilisation);
                r.memo_free_u = r.utilisation;
            }
            const auto& free_running = r.memo_free;
            // The coolant rise at the unthrottled power (conservative while throttled).
            r.base_c = supply_c + c.coolant_rise_c(free_running.total_w, r.design_w);
            const double free_gpu_w = free_running.gpu_w / r.spec->gpu_count();
            const double steady_c = r.base_c + r_c_per_w * free_gpu_w;
            const double headroom_c = c.throttle_temp_c() - r.base_c;
            if (r.throttled && steady_c <= c.throttle_temp_c() - c.throttle_hysteresis_c()) r.throttled = false;
            if (!r.throttled && steady_c > c.throttle_temp_c() && r.node.rise_c() >= headroom_c) r.throttled = true;
            r.thermal_limit_w = std::max(0.0, headroom_c / r_c_per_w);
        }
    }

    void schedule_crossings() {
        const double threshold = cooling_->throttle_temp_c();
        for (std::size_t i = 0; i < racks_.size(); ++i) {
            auto& r = racks_[i];
            max_gpu_temp_seen_ = std::max(max_gpu_temp_seen_, r.base_c + r.node.rise_c());
            // Same power and base as when the pending crossing (or its absence) was decided:
            // the exponential is the same curve, so that decision stands.
            if (!r.throttled && r.gpu_w == r.scheduled_gpu_w && r.base_c == r.scheduled_base_c) continue;
            engine_.cancel(r.crossing);
            r.node.set_power(r.gpu_w);
            r.scheduled_gpu_w = r.gpu_w;
            r.scheduled_base_c = r.base_c;
            if (r.throttled) {
                r.scheduled_gpu_w = -1.0;  // decide again once throttling ends
                continue;
            }
            if (const auto t = r.node.time_to_reach(threshold - r.base_c)) {
                const Time at = engine_.now() + Duration::from_seconds(*t);
                if (at <= horizon_)
                    r.crossing = engine_.schedule_at(at, [this, i] {
                        racks_[i].throttled = true;
                        refresh_power();
                    }, Priority::Physics);
            }
        }
    }

    void refresh_power() {
        advance_racks();
        update_utilisations();
        const Time now = engine_.now();
        const double ambient = ambient_at(now);
        const double supply = cooling_->supply_temp_c(ambient);
        update_thermal_limits(supply);
        constexpr double no_cap = std::numeric_limits<double>::infinity();
        build_power_groups();
        double it = apply_gpu_cap(no_cap);
        auto plant = cooling_->plant(it, ambient, design_it_w_);
        bool site_capped = false;
        const double site_cap_w = s_.site.power_cap_mw * 1e6;
        if (site_cap_w > 0.0 && plant.facility_w > site_cap_w) {
            // Uniform per-GPU cap found by bisection: facility power is increasing in it.
            double lo = 0.0, hi = max_gpu_tdp();
            for (int i = 0; i < 60; ++i) {
                const double mid = 0.5 * (lo + hi);
                if (cooling_->plant(group_power_w(mid), ambient, design_it_w_).facility_w > site_cap_w)
                    hi = mid;
                else
                    lo = mid;
            }
            it = apply_gpu_cap(std::max(lo, 1.0));
            plant = cooling_->plant(it, ambient, design_it_w_);
            site_capped = true;
            if (plant.facility_w > site_cap_w * (1 + 1e-9))
                warnings_.insert("the site power cap is below the factory's idle power; it cannot be met");
        }
        schedule_crossings();
        double busy = 0, allocated = 0, throttled = 0;
        claim_allocated_.assign(claims_.size(), 0.0);
        type_scratch_.assign(2 * type_names_.size(), 0.0);  // (allocated, busy) per rack type
        for (const auto& r : racks_) {
            const int g = r.spec->gpu_count();
            busy += r.utilisation * g;
            type_scratch_[2 * static_cast<std::size_t>(r.type) + 1] += r.utilisation * g;  // as the total: burn-in counts
            for (const auto& [id, n] : r.allocations) {
                allocated += n;
                type_scratch_[2 * static_cast<std::size_t>(r.type)] += n;
                claim_allocated_[static_cast<std::size_t>(id)] += n;
            }
            if (r.throttled && r.clock < 1.0 - 1e-12) throttled += g;
        }
        for (std::size_t i = 0; i < claims_.size(); ++i) claims_[i].allocated_gpus.set(now, claim_allocated_[i]);
        for (std::size_t t = 0; t < type_names_.size(); ++t) {
            type_allocated_[t].set(now, type_scratch_[2 * t]);
            type_busy_[t].set(now, type_scratch_[2 * t + 1]);
        }
        if (throttled > 0)
            warnings_.insert("GPUs throttled to stay under the throttle temperature (see thermal.throttled_gpu_hours)");
        // Workloads follow the clocks of their racks.
        for (auto& c : claims_) {
            if (!c.placed) continue;
            double clock = 1.0;
            for (const auto& [r, n] : c.racks_used) clock = std::min(clock, racks_[static_cast<std::size_t>(r)].clock);
            if (c.training) {
                auto& job = trainings_[c.index];
                if (job.set_clock(now, clock)) schedule_completion(c.index);
            } else {
                services_[c.index].set_clock(now, clock);
            }
        }
        it_w_.set(now, it);
        facility_w_.set(now, plant.facility_w);
        energy_cost_.set(now, plant.facility_w);
        cooling_w_.set(now, plant.cooling_w);
        loss_w_.set(now, plant.distribution_loss_w);
        ambient_c_.set(now, ambient);
        supply_c_.set(now, supply);
        free_cooling_.set(now, plant.free_heat_fraction);
        water_l_per_s_.set(now, plant.water_l_per_s);
        capped_.set(now, site_capped ? 1.0 : 0.0);
        busy_gpus_.set(now, busy);
        allocated_gpus_.set(now, allocated);
        throttled_gpus_.set(now, throttled);
        jobs_waiting_.set(now, static_cast<double>(waiting_count()));
    }

    // The hottest GPU now, from the exact solution since the last refresh.
    double current_max_gpu_temp_c() const {
        const double dt = (engine_.now() - last_energy_update_).seconds();
        double m = -std::numeric_limits<double>::infinity();
        for (const auto& r : racks_) m = std::max(m, r.base_c + r.node.rise_after(dt));
        return m;
    }

    double max_gpu_tdp() const {
        double m = 0.0;
        for (const auto& r : racks_) m = std::max(m, r.spec->gpu.tdp_w.value);
        return m;
    }

    std::int64_t waiting_count() const {
        std::int64_t n = 0;
        for (const auto& c : claims_)
            if (c.queued && !c.placed && !c.done) ++n;
        return n;
    }

    // The cost section, and each workload's GPU-hours and its share of the TCO by them.
    void assign_costs(Time end, double training_tokens, double inference_tokens) {
        auto& rep = report_;
        CostInputs in;
        for (std::size_t r = 0; r < racks_.size(); ++r) {
            in.racks.push_back(racks_[r].spec);
            in.delivered_hours.push_back(delivered_hours(r));
            in.in_service_hours.push_back(in_service_hours(r, end.hours()));
        }
        in.first_delivery_hours = racks_.empty() ? 0.0 : delivered_hours(0);
        in.site_build_hours = s_.deployment.site_build_hours;
        in.fabric = fabric_->inventory();
        in.hours = end.hours();
        in.energy_cost_usd = energy_cost_.cost_usd(end);
        in.facility_energy_mwh = rep.power.energy_mwh;
        in.utilization = rep.utilization;
        in.tokens = training_tokens + inference_tokens;
        in.inference_tokens = inference_tokens;
        for (const auto& c : claims_)
            if (!c.training) in.inference_allocated_gpu_hours += c.allocated_gpus.integral_seconds(end) / 3600.0;
        rep.cost = compute_cost(s_.cost, in, warnings_);
        for (const auto& c : claims_) {
            const double gpu_hours = c.allocated_gpus.integral_seconds(end) / 3600.0;
            const auto i = static_cast<std::size_t>(c.index);
            if (c.training) {
                rep.throughput.training[i].gpu_hours = gpu_hours;
                rep.throughput.training[i].cost_usd = workload_cost_usd(rep.cost, gpu_hours);
            } else {
                rep.throughput.inference[i].gpu_hours = gpu_hours;
                rep.throughput.inference[i].cost_usd = workload_cost_usd(rep.cost, gpu_hours);
            }
        }
    }

    // ---------------------------------------------------------------- observation
    void add_probes(metrics::Sampler& sampler) {
        sampler.add_probe("it_power_mw", [this] { return it_w_.current() / 1e6; });
        sampler.add_probe("facility_power_mw", [this] { return facility_w_.current() / 1e6; });
        sampler.add_probe("cooling_power_mw", [this] { return cooling_w_.current() / 1e6; });
        sampler.add_probe("pue", [this] { return it_w_.current() > 0 ? facility_w_.current() / it_w_.current() : 0.0; });
        sampler.add_probe("ambient_c", [this] { return ambient_c_.current(); });
        sampler.add_probe("supply_temp_c", [this] { return supply_c_.current(); });
        sampler.add_probe("max_gpu_temp_c", [this] { return current_max_gpu_temp_c(); });
        sampler.add_probe("gpus_allocated_fraction",
                          [this] { return allocated_gpus_.current() / static_cast<double>(total_gpus_); });
        sampler.add_probe("gpus_busy_fraction", [this] { return busy_gpus_.current() / static_cast<double>(total_gpus_); });
        sampler.add_probe("training_tokens_per_s", [this] {
            double sum = 0;
            for (const auto& j : trainings_) sum += j.current_rate();
            return sum;
        });
        sampler.add_probe("inference_output_tokens_per_s", [this] {
            double sum = 0;
            for (const auto& svc : services_) sum += svc.current_output_tokens_per_s();
            return sum;
        });
        sampler.add_probe("jobs_waiting", [this] { return jobs_waiting_.current(); });
    }

    report::Report finish(bool partial) {
        const Time end = engine_.now();
        refresh_power();  // closes the rack energy integrals at `end`
        auto& rep = report_;
        const double hours = end.hours();
        rep.run.scenario = s_.name;
        rep.run.factorysim_version = version_string;
        rep.run.seed = s_.seed;
        rep.run.horizon_hours = s_.horizon.hours();
        rep.run.simulated_hours = hours;
        rep.run.events = engine_.events_processed();
        rep.run.partial = partial;

        double training_tokens = 0.0, inference_tokens = 0.0;
        for (std::size_t i = 0; i < trainings_.size(); ++i) {
            auto r = trainings_[i].report(end);
            training_tokens += r.tokens_trained;
            rep.throughput.training.push_back(std::move(r));
        }
        rep.fabric = fabric_->report(fabric_jobs(false), hours * 3600.0);
        for (std::size_t i = 0; i < services_.size(); ++i) {
            double energy_j = 0.0;
            for (const auto& c : claims_)
                if (!c.training && c.index == static_cast<int>(i)) energy_j = c.energy_j;
            auto r = services_[i].report(end, energy_j);
            inference_tokens += (r.input_tokens_per_s + r.output_tokens_per_s) * hours * 3600.0;
            rep.throughput.inference.push_back(std::move(r));
        }
        for (const auto& t : rep.throughput.training) rep.throughput.total_tokens_per_s += t.tokens_trained / std::max(1e-9, hours * 3600.0);
        for (const auto& i : rep.throughput.inference)
            rep.throughput.total_tokens_per_s += i.input_tokens_per_s + i.output_tokens_per_s;

        auto& p = rep.power;
        p.it_avg_mw = it_w_.average(end) / 1e6;
        p.it_peak_mw = it_w_.max() / 1e6;
        p.cooling_avg_mw = cooling_w_.average(end) / 1e6;
        p.distribution_loss_avg_mw = loss_w_.average(end) / 1e6;
        p.facility_avg_mw = facility_w_.average(end) / 1e6;
        p.facility_peak_mw = facility_w_.max() / 1e6;
        p.it_energy_mwh = it_w_.integral_seconds(end) / 3.6e9;
        p.energy_mwh = facility_w_.integral_seconds(end) / 3.6e9;
        p.pue = p.it_energy_mwh > 0 ? p.energy_mwh / p.it_energy_mwh : 0.0;
        p.site_power_cap_mw = s_.site.power_cap_mw;
        p.capped_hours = capped_.integral_seconds(end) / 3600.0;

        auto& th = rep.thermal;
        th.cooling = s_.cooling.type;
        th.supply_temp_c = cooling_->supply_set_point_c();
        th.ambient_avg_c = ambient_c_.average(end);
        th.ambient_max_c = ambient_c_.max();
        th.max_gpu_temp_c = max_gpu_temp_seen_;
        th.water_m3 = water_l_per_s_.integral_seconds(end) / 1e3;
        th.water_l_per_kwh = p.it_energy_mwh > 0 ? th.water_m3 * 1e3 / (p.it_energy_mwh * 1e3) : 0.0;
        for (const auto& r : racks_) {
            th.gpu_heat_generated_mwh += r.node.heat_generated_j() * r.spec->gpu_count() / 3.6e9;
            th.gpu_heat_to_coolant_mwh += r.node.heat_to_coolant_j() * r.spec->gpu_count() / 3.6e9;
            th.gpu_heat_stored_mwh += r.node.heat_stored_j() * r.spec->gpu_count() / 3.6e9;
        }
        th.free_cooling_fraction = free_cooling_.average(end);
        th.throttled_gpu_hours = throttled_gpus_.integral_seconds(end) / 3600.0;
        th.heat_to_liquid_fraction = cooling_->heat_capture_fraction();

        auto& rel = rep.reliability;
        for (const char* c : {"gpu", "node", "network", "nvlink_switch", "software"})
            rel.failures_by_component[c] = failures_[c];
        for (const auto& [c, n] : failures_) rel.failures += n;
        rel.job_interruptions = job_interruptions_;
        double lost = repair_gpu_hours_;
        for (const auto& t : rep.throughput.training) lost += t.lost_gpu_hours;
        rel.gpu_hours_lost = lost;

        auto& u = rep.utilization;
        u.gpus = total_gpus_;
        u.racks = static_cast<int>(racks_.size());
        u.gpu_hours = total_gpus_ * hours;
        u.allocated_gpu_hours = allocated_gpus_.integral_seconds(end) / 3600.0;
        u.busy_gpu_hours = busy_gpus_.integral_seconds(end) / 3600.0;
        u.allocated_fraction = u.gpu_hours > 0 ? u.allocated_gpu_hours / u.gpu_hours : 0.0;
        u.busy_fraction = u.gpu_hours > 0 ? u.busy_gpu_hours / u.gpu_hours : 0.0;
        u.jobs_waiting_at_end = waiting_count();
        u.preemptions = preemptions_;
        u.backfilled_jobs = backfilled_;
        for (std::size_t t = 0; t < type_names_.size(); ++t) {
            auto& by = u.by_rack_type[type_names_[t]];
            for (const auto& r : racks_)
                if (r.type == static_cast<int>(t)) {
                    by.gpus += r.spec->gpu_count();
                    ++by.racks;
                }
            const double gpu_hours = by.gpus * hours;
            by.allocated_gpu_hours = type_allocated_[t].integral_seconds(end) / 3600.0;
            by.busy_gpu_hours = type_busy_[t].integral_seconds(end) / 3600.0;
            by.allocated_fraction = gpu_hours > 0 ? by.allocated_gpu_hours / gpu_hours : 0.0;
            by.busy_fraction = gpu_hours > 0 ? by.busy_gpu_hours / gpu_hours : 0.0;
        }

        assign_costs(end, training_tokens, inference_tokens);
        std::vector<RampRack> ramp_racks;
        for (const auto& r : racks_) ramp_racks.push_back({r.spec->gpu_count(), r.design_w, r.joined});
        rep.deployment = deployment_report(ramp_ ? &*ramp_ : nullptr, ramp_racks, first_placement_, end);
        rep.run.warnings.assign(warnings_.begin(), warnings_.end());
        return std::move(report_);
    }

    const Scenario& s_;
    const RunOptions& options_;
    Engine engine_;
    Time horizon_;
    std::unique_ptr<models::CoolingModel> cooling_;
    std::deque<catalog::RackSpec> converted_specs_;  // stable addresses for Rack::spec
    std::vector<Rack> racks_;
    std::vector<Claim> claims_;
    std::vector<TrainingState> trainings_;
    std::optional<FabricState> fabric_;
    std::vector<ServiceState> services_;
    std::vector<RandomStream> rack_rngs_;
    std::vector<RandomStream> software_rngs_;
    int total_gpus_ = 0;
    std::map<std::string, std::int64_t> failures_;
    std::int64_t job_interruptions_ = 0;
    std::int64_t preemptions_ = 0;
    std::int64_t backfilled_ = 0;
    double repair_gpu_hours_ = 0.0;
    double design_it_w_ = 0.0;
    struct PowerGroup {
        const catalog::RackSpec* spec;
        double u, limit;
        int racks;
        models::RackPowerBreakdown power;
    };
    std::vector<PowerGroup> power_groups_;  // racks that draw the same power (build_power_groups)
    std::vector<int> rack_group_;           // per rack: its group, -1 if unpowered
    std::vector<double> claim_utilisation_;  // update_utilisations' scratch
    std::vector<double> claim_allocated_;    // refresh_power's scratch: GPUs held per claim
    std::vector<std::string> type_names_;    // the scenario's rack types, in pod order
    std::vector<metrics::TimeWeightedAverage> type_allocated_, type_busy_;  // GPUs per rack type
    std::vector<double> type_scratch_;       // refresh_power's scratch
    std::optional<Time> first_placement_;
    std::optional<models::DeploymentPlan> ramp_;  // with a deployment ramp
    double max_gpu_temp_seen_ = -std::numeric_limits<double>::infinity();
    Time last_energy_update_ = Time::zero();
    std::set<std::string> warnings_;
    metrics::TimeWeightedAverage it_w_, facility_w_, cooling_w_, loss_w_, ambient_c_, supply_c_,
        free_cooling_, water_l_per_s_, capped_, busy_gpus_, allocated_gpus_, throttled_gpus_, jobs_waiting_;
    EnergyCostMeter energy_cost_{TariffSchedule(s_.site)};  // facility power x tariff, exactly
    report::Report report_;
};

}  // namespace

report::Report run_scenario(const scenario::Scenario& scenario, const RunOptions& options) {
    World world(scenario, options);
    return world.run();
}

}  // namespace factorysim::world
