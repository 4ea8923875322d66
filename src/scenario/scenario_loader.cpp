// Scenario loading: overrides, defaults, schema validation, then the checks a schema
// cannot express (names that must exist or be unique, parallelism that must divide the
// GPUs), all reported together, then conversion into plain structs with units converted.
#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "factorysim/core/rng.hpp"
#include "factorysim/fabric/scale_out.hpp"
#include "factorysim/scenario/json_input.hpp"
#include "factorysim/models/inference_disaggregated.hpp"
#include "factorysim/models/inference_fluid.hpp"
#include "factorysim/models/registry.hpp"
#include "factorysim/scenario/scenario.hpp"
#include "scenario/hourly_csv.hpp"
#include "scenario/rack_fit.hpp"
#include "scenario/tariff_reader.hpp"

namespace factorysim::scenario {
namespace {

using nlohmann::json;

std::string join(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
    return out;
}

// "unknown rack \"gb301\" (did you mean \"gb300_nvl72\"?); known racks: ..."
std::string unknown_name_message(const std::string& what, const std::string& name,
                                 const std::vector<std::string>& known) {
    std::string hint = did_you_mean(name, known);
    return fmt::format("unknown {} \"{}\"{}; known {}s: {}", what, name,
                       hint.empty() ? "" : fmt::format(" (did you mean \"{}\"?)", hint), what, join(known));
}

catalog::Precision precision_of(const json& value) {
    // The schema admits only names parse_precision knows.
    return catalog::parse_precision(value.get<std::string>()).value();
}

Duration hours(double h) { return Duration::from_seconds(h * 3600.0); }

// Applies the scenario's own "catalog" section; diagnostics point into the scenario.
void add_scenario_catalog(catalog::Catalog& cat, const json& section, const std::string& file,
                          std::vector<Diagnostic>& problems) {
    try {
        cat.add_json(section, file);
    } catch (const InputError& e) {
        for (const auto& d : e.diagnostics()) problems.push_back({"/catalog" + d.pointer, d.message});
    }
}

InferenceWorkload read_inference(const json& w);
Fabric read_fabric(const json& f);

class Resolver {
public:
    Resolver(json& doc, const catalog::Catalog& cat, std::vector<Diagnostic>& problems)
        : doc_(doc), cat_(cat), problems_(problems) {}

    void check() {
        if (doc_.contains("horizon_hours") && doc_.contains("horizon_days"))
            problem("/horizon_days", "give either horizon_hours or horizon_days, not both");
        check_pods();
        check_workloads();
        check_fabric();
        check_deployment();
    }

private:
    void problem(std::string pointer, std::string message) {
        problems_.push_back({std::move(pointer), std::move(message)});
    }

    // One delivery schedule that brings every rack; deliveries and site phases in time order,
    // site capacity cumulative; burn-in failures and site phases only with a ramp.
    void check_deployment() {
        const auto& d = doc_.at("deployment");
        std::vector<std::string> schedules;
        if (d.at("racks_per_day").get<double>() > 0.0) schedules.push_back("racks_per_day");
        if (d.at("racks_per_week").get<int>() > 0) schedules.push_back("racks_per_week");
        if (!d.at("deliveries").empty()) schedules.push_back("deliveries");
        if (schedules.size() > 1)
            problem("/deployment/" + schedules[1],
                    fmt::format("expected one delivery schedule, found {}: give racks_per_day, racks_per_week or "
                                "deliveries",
                                join(schedules)));
        const bool ramp = !schedules.empty();
        const auto& deliveries = d.at("deliveries");
        if (!deliveries.empty()) {
            if (d.at("start_hours").get<double>() != 0.0)
                problem("/deployment/start_hours",
                        "start_hours applies to racks_per_day and racks_per_week; a delivery list's at_hours are "
                        "absolute");
            long long delivered = 0, racks = 0;
            for (std::size_t i = 0; i < deliveries.size(); ++i) {
                delivered += deliveries[i].at("racks").get<long long>();
                if (i > 0 && deliveries[i].at("at_hours").get<double>() < deliveries[i - 1].at("at_hours").get<double>())
                    problem(append_pointer(append_pointer("/deployment/deliveries", i), "at_hours"),
                            fmt::format("expected deliveries in time order: {} h is before delivery {} at {} h",
                                        deliveries[i].at("at_hours").get<double>(), i - 1,
                                        deliveries[i - 1].at("at_hours").get<double>()));
            }
            for (const auto& p : doc_.at("pods")) racks += p.at("racks").get<long long>();
            if (delivered != racks)
                problem("/deployment/deliveries",
                        fmt::format("expected deliveries of every rack: they bring {} racks, the pods have {}{}",
                                    delivered, racks,
                                    delivered < racks ? " (a rack that never arrives does not belong in a pod)" : ""));
        }
        const auto& phases = d.at("site_phases");
        if (!phases.empty() && !ramp)
            problem("/deployment/site_phases",
                    "site phases gate the racks of a deployment ramp: expected a delivery schedule beside them "
                    "(racks_per_day, racks_per_week or deliveries); without one every rack is in service at the "
                    "start");
        for (std::size_t i = 1; i < phases.size(); ++i) {
            const auto at = append_pointer("/deployment/site_phases", i);
            for (const char* key : {"at_hours", "power_mw", "cooling_mw"}) {
                const double now = phases[i].at(key).get<double>(), before = phases[i - 1].at(key).get<double>();
                if (now < before)
                    problem(append_pointer(at, key),
                            std::string(key) == "at_hours"
                                ? fmt::format("expected site phases in time order: {} h is before phase {} at {} h",
                                              now, i - 1, before)
                                : fmt::format("expected cumulative capacity that never decreases: {} MW is below "
                                              "phase {}'s {} MW",
                                              now, i - 1, before));
            }
        }
        if (d.at("burn_in_failure_probability").get<double>() > 0.0) {
            if (!ramp)
                problem("/deployment/burn_in_failure_probability",
                        "burn-in failures happen on a deployment ramp: expected a delivery schedule (racks_per_day, "
                        "racks_per_week or deliveries)");
            else if (d.at("burn_in_hours").get<double>() <= 0.0)
                problem("/deployment/burn_in_failure_probability",
                        "a rack can only fail a burn-in it runs: expected burn_in_hours > 0");
        }
    }

    // The scale-out fabric must reach every GPU with the tiers asked for.
    void check_fabric() {
        const auto& so = doc_.at("fabric").at("scale_out");
        const int tiers = so.at("tiers").get<int>();
        if (tiers == 1) {
            problem("/fabric/scale_out/tiers", "expected 0 (automatic), 2 or 3 tiers, got 1");
            return;
        }
        long long gpus = 0;
        double nic = 0.0;
        for (const auto& p : doc_.at("pods")) {
            const auto name = p.at("rack").get<std::string>();
            if (!cat_.has_rack(name)) return;  // reported by check_pods
            const auto* r = &cat_.rack(name);
            gpus += static_cast<long long>(p.at("racks").get<int>()) * r->gpu_count();
            nic = std::max(nic, r->gpu.scaleout_nic_gbit_per_s.value);
        }
        const auto sw = fabric::resolve_switch(so.at("switch").get<std::string>(), nic);
        const double over = so.at("oversubscription").get<double>();
        const int reach_tiers = tiers == 0 ? 3 : tiers;
        const long long reach = fabric::max_hosts(sw, over, reach_tiers) / fabric::ports_per_nic(sw, nic);
        if (gpus > reach)
            problem(tiers == 0 ? "/fabric/scale_out/switch" : "/fabric/scale_out/tiers",
                    fmt::format("{} GPUs need more than {} tiers of {}-port {} switches (they reach {})", gpus,
                                reach_tiers, sw.radix, sw.name, reach));
    }

    void check_pods() {
        std::set<std::string> names;
        const auto& pods = doc_.at("pods");
        for (std::size_t i = 0; i < pods.size(); ++i) {
            const auto at = append_pointer("/pods", i);
            const auto name = pods[i].at("name").get<std::string>();
            if (!names.insert(name).second) problem(at + "/name", fmt::format("pod name \"{}\" is used twice", name));
            const auto rack = pods[i].at("rack").get<std::string>();
            if (!cat_.has_rack(rack)) {
                problem(at + "/rack", unknown_name_message("rack", rack, cat_.rack_names()));
                continue;
            }
            pod_racks_[name] = pods[i].at("racks").get<int>();
            pod_rack_type_[name] = rack;
        }
    }

    void check_workloads() {
        std::set<std::string> names;
        auto& workloads = doc_.at("workloads");
        for (std::size_t i = 0; i < workloads.size(); ++i) {
            auto& w = workloads[i];
            const auto at = append_pointer("/workloads", i);
            const auto name = w.at("name").get<std::string>();
            if (!names.insert(name).second)
                problem(at + "/name", fmt::format("workload name \"{}\" is used twice", name));
            const auto model = w.at("model").get<std::string>();
            if (!cat_.has_llm(model)) problem(at + "/model", unknown_name_message("LLM", model, cat_.llm_names()));
            const auto pod = w.at("pod").get<std::string>();
            if (!pod.empty() && !pod_racks_.count(pod)) {
                std::vector<std::string> known;
                for (const auto& [n, r] : pod_racks_) known.push_back(n);
                problem(at + "/pod", unknown_name_message("pod", pod, known));
                continue;
            }
            std::vector<std::pair<std::string, std::string>> wanted;  // explicit (type, pointer)
            if (!wanted_rack_types(w, at, wanted)) continue;
            // The pods the workload may use by its pod and explicit types, and their rack types.
            std::set<std::string> candidates;
            for (const auto& [pod_name, type] : pod_rack_type_) {
                if (!pod.empty() && pod_name != pod) continue;
                if (!wanted.empty() && std::none_of(wanted.begin(), wanted.end(),
                                                    [&type](const auto& t) { return t.first == type; }))
                    continue;
                candidates.insert(type);
            }
            if (candidates.empty()) {
                problem(at + (wanted.empty() ? "/pod" : wanted.front().second),
                        pod.empty() ? "no pod matches the workload's rack types"
                                    : fmt::format("pod \"{}\" holds {}, not a rack type the workload asks for", pod,
                                                  pod_rack_type_.at(pod)));
                continue;
            }
            const bool training = w.at("type") == "training";
            std::vector<std::string> eligible;
            std::vector<std::pair<std::string, Misfit>> misfits;
            for (const auto& type : candidates) {
                auto m = training ? training_misfit_of(w, type) : inference_misfit_of(w, type);
                if (m)
                    misfits.emplace_back(type, std::move(*m));
                else
                    eligible.push_back(type);
            }
            if (!report_misfits(at, candidates.size(), wanted, misfits)) continue;
            // The most GPUs in one pod the workload may use.
            int max_gpus = 0;
            for (const auto& [pod_name, count] : pod_racks_) {
                const auto& type = pod_rack_type_.at(pod_name);
                if ((pod.empty() || pod_name == pod) && std::count(eligible.begin(), eligible.end(), type))
                    max_gpus = std::max(max_gpus, count * cat_.rack(type).gpu_count());
            }
            eligible_[i] = eligible;
            std::vector<const catalog::RackSpec*> racks;
            for (const auto& t : eligible) racks.push_back(&cat_.rack(t));
            if (training)
                check_training(w, at, racks, max_gpus);
            else
                check_inference(w, at, max_gpus);
        }
    }

    // The workload's explicit constraint, "rack" or "rack_types": each a catalog rack type
    // that some pod of the scenario holds. False (and problems reported) if it is unusable.
    bool wanted_rack_types(const json& w, const std::string& at,
                           std::vector<std::pair<std::string, std::string>>& wanted) {
        const auto rack = w.at("rack").get<std::string>();
        if (!rack.empty() && w.contains("rack_types")) {
            problem(at + "/rack_types", "give rack or rack_types, not both");
            return false;
        }
        if (!rack.empty()) wanted.emplace_back(rack, at + "/rack");
        if (w.contains("rack_types"))
            for (std::size_t k = 0; k < w.at("rack_types").size(); ++k)
                wanted.emplace_back(w.at("rack_types")[k].get<std::string>(), append_pointer(at + "/rack_types", k));
        bool ok = true;
        std::set<std::string> seen, present;
        for (const auto& [p, type] : pod_rack_type_) present.insert(type);
        for (const auto& [type, pointer] : wanted) {
            if (!seen.insert(type).second) {
                problem(pointer, fmt::format("rack type \"{}\" is listed twice", type));
                ok = false;
            } else if (!cat_.has_rack(type)) {
                problem(pointer, unknown_name_message("rack", type, cat_.rack_names()));
                ok = false;
            } else if (!present.count(type)) {
                problem(pointer, fmt::format("no pod of the scenario holds rack type \"{}\"; its pods hold {}", type,
                                             join(std::vector<std::string>(present.begin(), present.end()))));
                ok = false;
            }
        }
        return ok;
    }

    // One candidate rack type: its misfit where the workload points (the old, specific
    // message). Several: an explicitly wanted type that cannot run the workload is an error
    // at its entry; otherwise the misfits only narrow the choice, unless none is left.
    bool report_misfits(const std::string& at, std::size_t candidates,
                        const std::vector<std::pair<std::string, std::string>>& wanted,
                        const std::vector<std::pair<std::string, Misfit>>& misfits) {
        if (misfits.empty()) return true;
        if (candidates == 1) {
            problem(at + misfits.front().second.pointer, misfits.front().second.message);
            return false;
        }
        if (!wanted.empty()) {
            for (const auto& [type, m] : misfits)
                for (const auto& [t, pointer] : wanted)
                    if (t == type) problem(pointer, fmt::format("{} cannot run this workload: {}", type, m.message));
            return false;
        }
        if (misfits.size() < candidates) return true;
        std::string why;
        for (const auto& [type, m] : misfits) why += fmt::format("{}{}: {}", why.empty() ? "" : "; ", type, m.message);
        problem(at, "no rack type of the scenario can run this workload: " + why);
        return false;
    }

    std::optional<Misfit> training_misfit_of(const json& w, const std::string& type) {
        const auto& rack = cat_.rack(type);
        const auto& par = w.at("parallelism");
        TrainingShape shape;
        shape.precision = precision_of(w.at("precision"));
        // Whole racks are racks of the type being tried.
        shape.gpus = w.contains("racks") ? w.at("racks").get<int>() * rack.gpu_count() : w.value("gpus", 0);
        shape.tensor = par.at("tp").get<int>();
        shape.pipeline = par.at("pp").get<int>();
        shape.context = par.at("cp").get<int>();
        shape.expert = par.at("ep").get<int>();
        shape.sequence_length = w.at("sequence_length").get<int>();
        const auto model = w.at("model").get<std::string>();
        return training_misfit(shape, cat_.has_llm(model) ? &cat_.llm(model) : nullptr, rack);
    }

    std::optional<Misfit> inference_misfit_of(const json& w, const std::string& type) {
        // Replicas and disaggregation both or neither: check_inference reports it.
        if (w.contains("replicas") == w.contains("disaggregation")) return std::nullopt;
        const auto model = w.at("model").get<std::string>();
        return inference_misfit(read_inference(w), cat_.has_llm(model) ? &cat_.llm(model) : nullptr, cat_.rack(type),
                                read_fabric(doc_.at("fabric")));
    }

    // Resolves the training job's alternatives (gpus/racks, tokens/steps, batch in
    // sequences/tokens) into gpus, global_batch_tokens and tokens, written back into the
    // document, and checks the parallelism against every rack type the job may land on.
    void check_training(json& w, const std::string& at, const std::vector<const catalog::RackSpec*>& racks,
                        int max_gpus) {
        const bool has_gpus = w.contains("gpus"), has_racks = w.contains("racks");
        if (has_gpus == has_racks) {
            problem(at, has_gpus ? "give gpus or racks, not both" : "missing \"gpus\" (or \"racks\")");
            return;
        }
        if (has_racks) {
            if (racks.size() != 1) {
                problem(at + "/racks", "racks is ambiguous when the job may land on several rack types; give gpus, "
                                       "or a pod or rack type");
                return;
            }
            w["gpus"] = w.at("racks").get<int>() * racks.front()->gpu_count();
        }
        const int gpus = w.at("gpus").get<int>();
        const std::string gpus_at = at + (has_racks ? "/racks" : "/gpus");
        if (gpus > max_gpus)
            problem(gpus_at, fmt::format("the job needs {} GPUs but the pods it may use have {} at most", gpus, max_gpus));
        const double seq = w.at("sequence_length").get<double>();
        if (w.contains("global_batch_sequences") && w.contains("global_batch_tokens"))
            problem(at + "/global_batch_tokens", "give global_batch_sequences or global_batch_tokens, not both");
        if (w.contains("global_batch_sequences"))
            w["global_batch_tokens"] = w.at("global_batch_sequences").get<double>() * seq;
        else if (!w.contains("global_batch_tokens"))
            w["global_batch_tokens"] = 4194304.0;
        const double batch = w.at("global_batch_tokens").get<double>();
        if (w.contains("steps") && w.contains("tokens")) problem(at + "/steps", "give tokens or steps, not both");
        if (w.contains("steps")) w["tokens"] = w.at("steps").get<double>() * batch;
        if (!w.contains("tokens")) w["tokens"] = 0.0;

        const auto& par = w.at("parallelism");
        const int tp = par.at("tp").get<int>(), pp = par.at("pp").get<int>(), cp = par.at("cp").get<int>();
        const int ep = par.at("ep").get<int>();
        const int model_parallel = tp * pp * cp;
        if (gpus % model_parallel != 0) {
            problem(at + "/parallelism", fmt::format("tp x pp x cp = {} does not divide the job's {} GPUs",
                                                     model_parallel, gpus));
            return;
        }
        const int dp = gpus / model_parallel;
        if (par.contains("dp") && par.at("dp").get<int>() != dp)
            problem(at + "/parallelism/dp", fmt::format("dp {} does not match gpus / (tp pp cp) = {} / {} = {}",
                                                        par.at("dp").get<int>(), gpus, model_parallel, dp));
        if (batch / seq < dp)
            problem(at + "/global_batch_tokens",
                    fmt::format("{} tokens is {} sequences of {}, fewer than the {} data-parallel replicas", batch,
                                std::floor(batch / seq), seq, dp));
        if (static_cast<int>(seq) % cp != 0)
            problem(at + "/parallelism/cp", fmt::format("cp {} does not divide the sequence length {}", cp, seq));
        const auto model = w.at("model").get<std::string>();
        if (ep > 1 && cat_.has_llm(model)) {
            const auto& llm = cat_.llm(model);
            if (llm.experts == 0)
                problem(at + "/parallelism/ep", fmt::format("{} is a dense model; expert parallelism needs a "
                                                            "mixture of experts", model));
            else if (llm.experts % ep != 0 || (dp * tp) % ep != 0)
                problem(at + "/parallelism/ep",
                        fmt::format("ep {} must divide the {} experts of {} and the dp x tp = {} ranks", ep,
                                    llm.experts, model, dp * tp));
        }
    }

    // The replica's shape against the rack types is a capability (rack_fit); the rest here.
    void check_inference(const json& w, const std::string& at, int max_gpus) {
        const auto& arrival = w.at("arrival");
        if (arrival.at("type") == "trace" && arrival.at("path").get<std::string>().empty())
            problem(at + "/arrival/path",
                    "a trace arrival needs the path of a CSV file with columns time_s, input_tokens, output_tokens");
        const bool has_replicas = w.contains("replicas"), disaggregated = w.contains("disaggregation");
        if (has_replicas == disaggregated) {
            problem(at + (has_replicas ? "/replicas" : ""),
                    has_replicas ? "give replicas (prefill and decode on each replica) or disaggregation (separate "
                                   "prefill and decode pools), not both"
                                 : "missing \"replicas\" (or \"disaggregation\")");
            return;
        }
        if (disaggregated) {
            check_disaggregation(w, at, max_gpus);
            return;
        }
        const auto& inst = w.at("instance");
        const int g = inst.at("gpus").get<int>();
        const int ep = inst.at("ep").get<int>();
        const int tp = inst.contains("tp") ? inst.at("tp").get<int>() : g / ep;
        if (tp * ep != g)
            problem(at + "/instance", fmt::format("tp x ep = {} x {} must equal the replica's {} GPUs", tp, ep, g));
        const auto model = w.at("model").get<std::string>();
        if (ep > 1 && cat_.has_llm(model) && cat_.llm(model).experts == 0)
            problem(at + "/instance/ep",
                    fmt::format("{} is a dense model; expert parallelism needs a mixture of experts", model));
    }

    // Each pool's shape, both pools together within the pods, and no autoscaling (not
    // modelled for pools). NVLink domain and HBM are capabilities of a rack type (rack_fit).
    void check_disaggregation(const json& w, const std::string& at, int max_gpus) {
        const auto d_at = at + "/disaggregation";
        const auto& d = w.at("disaggregation");
        if (w.at("autoscale").at("target_utilization").get<double>() > 0.0)
            problem(at + "/autoscale/target_utilization",
                    "autoscaling is not modelled for disaggregated pools; set it to 0 or remove disaggregation");
        const auto model = w.at("model").get<std::string>();
        long long total = 0;
        for (const char* name : {"prefill", "decode"}) {
            const auto p_at = d_at + "/" + name;
            const auto& pool = d.at(name);
            const int g = pool.at("gpus").get<int>();
            const int ep = pool.at("ep").get<int>();
            const int tp = pool.contains("tp") ? pool.at("tp").get<int>() : g / ep;
            total += static_cast<long long>(pool.at("replicas").get<int>()) * g;
            if (tp * ep != g) {
                problem(p_at, fmt::format("tp x ep = {} x {} must equal the instance's {} GPUs", tp, ep, g));
            }
            if (ep > 1 && cat_.has_llm(model) && cat_.llm(model).experts == 0) {
                problem(p_at + "/ep", fmt::format("{} is a dense model; expert parallelism needs a mixture of experts",
                                                  model));
            }
        }
        if (total > max_gpus)
            problem(d_at, fmt::format("the prefill and decode pools need {} GPUs but the pods the service may use have "
                                      "{} at most",
                                      total, max_gpus));
    }

    json& doc_;
    const catalog::Catalog& cat_;
    std::vector<Diagnostic>& problems_;
    std::map<std::string, int> pod_racks_;
    std::map<std::string, std::string> pod_rack_type_;

public:
    // Per workload index: the rack types it may run on (after check()).
    std::map<std::size_t, std::vector<std::string>> eligible_;
};

Ambient read_ambient(const json& a, const std::string& file) {
    Ambient out;
    if (a.at("type") == "csv") {
        out.kind = Ambient::Kind::Hourly;
        out.source = resolve_beside(a.at("path").get<std::string>(), file);
        out.hourly_c = read_hourly_csv(
            out.source, {"/site/ambient/path", a.at("column").get<std::string>(), -90.0, 70.0, "a temperature", "degC"},
            file);
    } else if (a.at("type") == "constant") {
        out.kind = Ambient::Kind::Constant;
        out.temp_c = a.at("temp_c").get<double>();
    } else {
        out.kind = Ambient::Kind::Synthetic;
        out.mean_c = a.at("mean_c").get<double>();
        out.daily_swing_c = a.at("daily_swing_c").get<double>();
        out.seasonal_swing_c = a.at("seasonal_swing_c").get<double>();
        out.peak_hour = a.at("peak_hour").get<double>();
        out.peak_day_of_year = a.at("peak_day_of_year").get<double>();
        out.start_day_of_year = a.at("start_day_of_year").get<double>();
    }
    return out;
}

}  // namespace

Cooling cooling_from_json(const json& c) {
    Cooling out;
    out.type = c.at("type").get<std::string>();
    out.heat_rejection = c.at("heat_rejection").get<std::string>();
    out.supply_temp_c = c.at("supply_temp_c").get<double>();
    out.heat_capture_fraction = c.at("heat_capture_fraction").get<double>();
    out.cdu_approach_c = c.at("cdu_approach_c").get<double>();
    out.dry_cooler_approach_c = c.at("dry_cooler_approach_c").get<double>();
    out.wet_bulb_depression_c = c.at("wet_bulb_depression_c").get<double>();
    out.tower_approach_c = c.at("tower_approach_c").get<double>();
    out.cycles_of_concentration = c.at("cycles_of_concentration").get<double>();
    out.chiller_carnot_fraction = c.at("chiller_carnot_fraction").get<double>();
    out.chilled_water_c = c.at("chilled_water_c").get<double>();
    out.pump_w_per_kw = c.at("pump_w_per_kw").get<double>();
    out.fan_w_per_kw = c.at("fan_w_per_kw").get<double>();
    out.dry_cooler_fan_w_per_kw = c.at("dry_cooler_fan_w_per_kw").get<double>();
    out.gpu_thermal_resistance_c_per_kw = c.value("gpu_thermal_resistance_c_per_kw", 0.0);
    out.rated_supply_temp_c = c.at("rated_supply_temp_c").get<double>();
    out.throttle_temp_c = c.at("throttle_temp_c").get<double>();
    out.throttle_hysteresis_c = c.at("throttle_hysteresis_c").get<double>();
    out.flow_l_per_min_per_kw = c.at("flow_l_per_min_per_kw").get<double>();
    out.variable_flow = c.at("variable_flow").get<bool>();
    out.thermal_time_constant_s = c.at("thermal_time_constant_s").get<double>();
    out.ups_efficiency = c.at("ups_efficiency").get<double>();
    out.transformer_efficiency = c.at("transformer_efficiency").get<double>();
    return out;
}

namespace {

TrainingWorkload read_training(const json& w) {
    TrainingWorkload t;
    t.name = w.at("name").get<std::string>();
    t.model = w.at("model").get<std::string>();
    t.pod = w.at("pod").get<std::string>();
    t.gpus = w.at("gpus").get<int>();
    t.tokens = w.at("tokens").get<double>();
    t.global_batch_tokens = w.at("global_batch_tokens").get<double>();
    t.sequence_length = w.at("sequence_length").get<int>();
    t.precision = precision_of(w.at("precision"));
    const auto& p = w.at("parallelism");
    t.parallelism.tensor = p.at("tp").get<int>();
    t.parallelism.pipeline = p.at("pp").get<int>();
    t.parallelism.virtual_stages = p.at("vp").get<int>();
    t.parallelism.context = p.at("cp").get<int>();
    t.parallelism.expert = p.at("ep").get<int>();
    t.compute_efficiency = w.at("compute_efficiency").get<double>();
    t.overlap = w.at("overlap").get<double>();
    t.activation_recompute = w.at("activation_recompute").get<bool>();
    const auto& c = w.at("checkpoint");
    t.checkpoint_interval = hours(c.at("interval_hours").get<double>());
    t.checkpoint_gb_per_s_per_gpu = c.at("write_gb_per_s_per_gpu").get<double>();
    t.restart_overhead = Duration::from_seconds(c.at("restart_minutes").get<double>() * 60.0);
    t.start_hours = w.at("start_hours").get<double>();
    t.priority = w.at("priority").get<int>();
    return t;
}

Fabric read_fabric(const json& f) {
    Fabric out;
    out.model = f.at("model").get<std::string>();
    out.collective_efficiency = f.at("collective_efficiency").get<double>();
    out.nvlink_efficiency = f.at("nvlink_efficiency").get<double>();
    out.latency_s = f.at("latency_us").get<double>() * 1e-6;
    out.nvls = f.at("nvls").get<bool>();
    out.nvls_efficiency = f.at("nvls_efficiency").get<double>();
    out.sharp = f.at("sharp").get<bool>();
    const auto& so = f.at("scale_out");
    out.scale_out_switch = so.at("switch").get<std::string>();
    out.oversubscription = so.at("oversubscription").get<double>();
    out.tiers = so.at("tiers").get<int>();
    return out;
}

TokenDistribution read_tokens(const json& t) {
    return {t.at("distribution").get<std::string>(), t.at("mean").get<double>(), t.at("cv").get<double>()};
}

// The requests of a trace CSV; errors name the scenario file and `pointer`.
std::shared_ptr<const RequestTrace> read_trace(const std::string& path, const std::string& pointer,
                                               const std::string& file) {
    const auto rows = read_csv_columns(path, pointer,
                                       {{pointer, "time_s", 0.0, 1e10, "a time", "s"},
                                        {pointer, "input_tokens", 1.0, 1e7, "a prompt length", "tokens"},
                                        {pointer, "output_tokens", 1.0, 1e7, "an answer length", "tokens"}},
                                       file);
    auto t = std::make_shared<RequestTrace>();
    t->source = path;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        if (i > 0 && rows[i][0] < rows[i - 1][0])
            throw InputError(file, {{pointer, fmt::format("{}: data row {}: time_s {} is before the previous row's {}; "
                                                          "the trace must be in time order",
                                                          path, i + 1, rows[i][0], rows[i - 1][0])}});
        t->time_s.push_back(rows[i][0]);
        t->input_tokens.push_back(static_cast<int>(std::lround(rows[i][1])));
        t->output_tokens.push_back(static_cast<int>(std::lround(rows[i][2])));
        const auto hour = static_cast<std::size_t>(rows[i][0] / 3600.0);
        if (t->hourly_requests.size() <= hour) t->hourly_requests.resize(hour + 1, 0.0);
        t->hourly_requests[hour] += 1.0;
    }
    return t;
}

InferenceWorkload read_inference(const json& w, const std::string& file, const std::string& at) {
    auto s = read_inference(w);
    if (s.arrival != "trace") return s;
    const auto pointer = at + "/arrival/path";
    s.trace = read_trace(resolve_beside(w.at("arrival").at("path").get<std::string>(), file), pointer, file);
    // The fluid model and the replica sizing use the trace's mean lengths and their
    // coefficients of variation (the length bias of a decode batch).
    const auto moments = [](const std::vector<int>& lengths) {
        double sum = 0.0, squares = 0.0;
        for (int v : lengths) {
            sum += v;
            squares += static_cast<double>(v) * v;
        }
        const auto n = static_cast<double>(lengths.size());
        const double mean = sum / n;
        const double variance = std::max(0.0, squares / n - mean * mean);
        return TokenDistribution{"trace", mean, std::sqrt(variance) / mean};
    };
    s.input = moments(s.trace->input_tokens);
    s.output = moments(s.trace->output_tokens);
    const auto n = static_cast<double>(s.trace->time_s.size());
    s.rate_per_s = n / std::max(3600.0, 3600.0 * static_cast<double>(s.trace->hourly_requests.size()));
    return s;
}

InferenceWorkload read_inference(const json& w) {
    InferenceWorkload s;
    s.name = w.at("name").get<std::string>();
    s.model = w.at("model").get<std::string>();
    s.pod = w.at("pod").get<std::string>();
    if (w.contains("disaggregation")) {
        // The pools replace the replica shape (instances and gpus_per_instance stay 0).
        const auto& d = w.at("disaggregation");
        const auto pool = [](const json& p) {
            InferencePool out;
            out.replicas = p.at("replicas").get<int>();
            out.gpus = p.at("gpus").get<int>();
            out.expert = p.at("ep").get<int>();
            out.tensor = p.contains("tp") ? p.at("tp").get<int>() : out.gpus / out.expert;
            return out;
        };
        Disaggregation dis;
        dis.prefill = pool(d.at("prefill"));
        dis.decode = pool(d.at("decode"));
        dis.kv_efficiency = d.at("kv_transfer").at("efficiency").get<double>();
        dis.kv_latency_s = d.at("kv_transfer").at("latency_us").get<double>() * 1e-6;
        s.disaggregation = dis;
    } else {
        s.instances = w.at("replicas").get<int>();
        const auto& inst = w.at("instance");
        s.gpus_per_instance = inst.at("gpus").get<int>();
        s.expert = inst.at("ep").get<int>();
        s.tensor = inst.contains("tp") ? inst.at("tp").get<int>() : s.gpus_per_instance / s.expert;
    }
    s.precision = precision_of(w.at("precision"));
    const auto& a = w.at("arrival");
    s.arrival = a.at("type").get<std::string>();
    s.rate_per_s = a.at("rate_per_s").get<double>();
    s.peak_to_mean = s.arrival == "diurnal" ? a.at("peak_to_mean").get<double>() : 1.0;
    s.peak_hour = a.at("peak_hour").get<double>();
    s.input = read_tokens(w.at("input_tokens"));
    s.output = read_tokens(w.at("output_tokens"));
    s.max_batch = w.at("max_batch").get<int>();
    s.chunk_tokens = w.at("chunk_tokens").get<int>();
    if (w.contains("compute_efficiency")) s.compute_efficiency = w.at("compute_efficiency").get<double>();
    s.ttft_slo_s = w.at("slo").at("ttft_s").get<double>();
    s.tpot_slo_s = w.at("slo").at("tpot_s").get<double>();
    s.fidelity = w.at("fidelity").get<std::string>();
    s.start_hours = w.at("start_hours").get<double>();
    s.autoscale_target = w.at("autoscale").at("target_utilization").get<double>();
    s.autoscale_min_replicas = w.at("autoscale").at("min_replicas").get<int>();
    return s;
}

Cost read_cost(const json& c) {
    Cost out;
    out.rack_price_usd = c.at("rack_price_usd").get<double>();
    out.network_fraction = c.at("network_fraction").get<double>();
    const auto& net = c.at("network");
    out.network.model = net.at("model").get<std::string>();
    out.network.switch_usd = net.at("switch_usd").get<std::map<std::string, double>>();
    out.network.transceiver_usd_per_port = net.at("transceiver_usd_per_port").get<std::map<std::string, double>>();
    out.network.host_link_transceivers = net.at("host_link_transceivers").get<int>();
    out.network.cable_usd_per_link = net.at("cable_usd_per_link").get<double>();
    out.storage_usd_per_gpu = c.at("storage_usd_per_gpu").get<double>();
    out.facility_usd_per_mw = c.at("facility_usd_per_mw").get<double>();
    out.cooling_usd_per_mw = c.at("cooling_usd_per_mw").get<double>();
    out.installation_fraction = c.at("installation_fraction").get<double>();
    out.it_depreciation_years = c.at("it_depreciation_years").get<double>();
    out.facility_depreciation_years = c.at("facility_depreciation_years").get<double>();
    // A class without its own life takes its group's: IT or facility.
    const auto& lives = c.at("depreciation_years");
    const double it = out.it_depreciation_years, facility = out.facility_depreciation_years;
    out.lives.racks_years = lives.value("racks", it);
    out.lives.network_years = lives.value("network", it);
    out.lives.storage_years = lives.value("storage", it);
    out.lives.installation_years = lives.value("installation", it);
    out.lives.facility_years = lives.value("facility", facility);
    out.lives.cooling_years = lives.value("cooling", facility);
    out.financing_rate_per_year = c.at("financing").at("rate_per_year").get<double>();
    out.maintenance_fraction_per_year = c.at("maintenance_fraction_per_year").get<double>();
    out.staff_usd_per_year = c.at("staff_usd_per_year").get<double>();
    out.colocation_usd_per_kw_month = c.at("colocation_usd_per_kw_month").get<double>();
    return out;
}

Scenario convert(json doc, const std::string& file, catalog::Catalog cat, Tariff tariff,
                 const std::map<std::size_t, std::vector<std::string>>& eligible) {
    Scenario s;
    s.file = file;
    s.name = doc.at("name").get<std::string>();
    s.description = doc.at("description").get<std::string>();
    s.seed = doc.at("seed").get<std::uint64_t>();
    s.horizon = doc.contains("horizon_days") ? hours(doc.at("horizon_days").get<double>() * 24.0)
                                             : hours(doc.value("horizon_hours", 24.0));
    const auto& site = doc.at("site");
    s.site.ambient = read_ambient(site.at("ambient"), file);
    s.site.power_cap_mw = site.at("power_cap_mw").get<double>();
    s.site.electricity_usd_per_kwh = site.at("electricity_usd_per_kwh").get<double>();
    s.site.tariff = std::move(tariff);
    for (const auto& p : doc.at("pods"))
        s.pods.push_back({p.at("name").get<std::string>(), p.at("rack").get<std::string>(), p.at("racks").get<int>()});
    const auto& f = doc.at("fabric");
    s.fabric = read_fabric(f);
    // Built-in cooling types parse into the plain struct; a registered type keeps its JSON.
    const auto& cooling = doc.at("cooling");
    if (models::builtin_registry().find(cooling.at("type").get<std::string>()))
        s.cooling = cooling_from_json(cooling);
    else
        s.cooling.type = cooling.at("type").get<std::string>();
    for (std::size_t i = 0; i < doc.at("workloads").size(); ++i) {
        const auto& w = doc.at("workloads")[i];
        if (w.at("type") == "training") {
            s.training.push_back(read_training(w));
            s.training.back().rack_types = eligible.at(i);
        } else {
            s.inference.push_back(read_inference(w, s.file, append_pointer("/workloads", i)));
            s.inference.back().rack_types = eligible.at(i);
        }
    }
    s.scheduler.policy = doc.at("scheduler").at("policy").get<std::string>();
    s.scheduler.placement = doc.at("scheduler").at("placement").get<std::string>();
    const auto& fl = doc.at("failures");
    s.failures.enabled = fl.at("enabled").get<bool>();
    s.failures.gpu_mtbf_hours = fl.at("gpu_mtbf_hours").get<double>();
    s.failures.node_mtbf_hours = fl.at("node_mtbf_hours").get<double>();
    s.failures.network_mtbf_hours = fl.at("network_mtbf_hours").get<double>();
    s.failures.software_mtbf_hours = fl.at("software_mtbf_hours").get<double>();
    s.failures.nvlink_switch_mtbf_hours = fl.at("nvlink_switch_mtbf_hours").get<double>();
    s.failures.repair_hours = fl.at("repair_hours").get<double>();
    s.cost = read_cost(doc.at("cost"));
    const auto& d = doc.at("deployment");
    s.deployment.racks_per_day = d.at("racks_per_day").get<double>();
    s.deployment.start_hours = d.at("start_hours").get<double>();
    s.deployment.install_hours = d.at("install_hours").get<double>();
    s.deployment.burn_in_hours = d.at("burn_in_hours").get<double>();
    s.deployment.site_build_hours = d.at("site_build_months").get<double>() * 730.0;
    s.deployment.racks_per_week = d.at("racks_per_week").get<int>();
    for (const auto& delivery : d.at("deliveries"))
        s.deployment.deliveries.push_back({delivery.at("at_hours").get<double>(), delivery.at("racks").get<int>()});
    s.deployment.burn_in_failure_probability = d.at("burn_in_failure_probability").get<double>();
    s.deployment.burn_in_repair_hours = d.value("burn_in_repair_hours", s.failures.repair_hours);
    for (const auto& phase : d.at("site_phases"))
        s.deployment.site_phases.push_back(
            {phase.at("at_hours").get<double>(), phase.at("power_mw").get<double>(), phase.at("cooling_mw").get<double>()});
    for (const auto& o : doc.at("report").at("outputs"))
        s.report.outputs.push_back({o.at("format").get<std::string>(), o.at("path").get<std::string>()});
    s.report.sample_interval = Duration::from_seconds(doc.at("report").at("sample_interval_minutes").get<double>() * 60);
    s.catalog = std::move(cat);
    s.document = std::move(doc);
    return s;
}

// Expands job_arrivals into training workloads: Poisson submit times from the scenario's
// seed and the stream's name, so the same scenario and seed give the same jobs.
void expand_job_arrivals(json& doc, std::vector<Diagnostic>& problems) {
    const auto& streams = doc.at("job_arrivals");
    for (std::size_t i = 0; i < streams.size(); ++i) {
        const auto& st = streams[i];
        const auto at = append_pointer("/job_arrivals", i);
        const auto& tmpl = st.at("template");
        if (!tmpl.is_object()) {
            problems.push_back({at + "/template", "expected a training workload object, found " + describe_value(tmpl)});
            continue;
        }
        for (const char* key : {"type", "name", "start_hours"})
            if (tmpl.contains(key))
                problems.push_back({append_pointer(at + "/template", key),
                                    fmt::format("\"{}\" is set by the stream; remove it from the template", key)});
        const auto name = st.at("name").get<std::string>();
        RandomStream rng(doc.at("seed").get<std::uint64_t>(), "job-arrivals/" + name);
        double t = st.at("start_hours").get<double>();
        const double mean_gap = 1.0 / st.at("rate_per_hour").get<double>();
        for (int k = 1; k <= st.at("count").get<int>(); ++k) {
            t += rng.exponential(mean_gap);
            json job = tmpl;
            job["type"] = "training";
            job["name"] = fmt::format("{}-{}", name, k);
            job["start_hours"] = t;
            doc["workloads"].push_back(std::move(job));
        }
    }
}

}  // namespace

Scenario scenario_from_json(json document, const std::string& file, const LoadOptions& options) {
    for (const auto& assignment : options.overrides) set_by_pointer(document, assignment);
    if (options.seed) document["seed"] = *options.seed;
    // Known before defaults fill it in: a flat price written beside another tariff would be ignored.
    const bool flat_price_written = document.is_object() && document.contains("site") &&
                                    document["site"].is_object() && document["site"].contains("electricity_usd_per_kwh");
    const Schema custom = options.registry ? scenario_schema(*options.registry) : Schema{};
    const Schema& schema = options.registry ? custom : scenario_schema();
    apply_defaults(document, schema);
    std::vector<Diagnostic> problems = validate(document, schema);
    if (!problems.empty()) throw InputError(file, std::move(problems));
    expand_job_arrivals(document, problems);
    if (!problems.empty()) throw InputError(file, std::move(problems));
    // The generated jobs get their defaults and checks like written ones.
    apply_defaults(document, schema);
    problems = validate(document, schema);
    if (!problems.empty()) throw InputError(file, std::move(problems));

    catalog::Catalog cat = catalog::Catalog::builtin();
    for (const auto& extra : options.catalog_files) cat.add_json(load_json_file(extra), extra);
    if (document.contains("catalog")) add_scenario_catalog(cat, document.at("catalog"), file, problems);
    const bool catalog_read = problems.empty();  // the names below resolve against it
    Tariff tariff = read_tariff(document.at("site"), file, flat_price_written, problems);
    std::map<std::size_t, std::vector<std::string>> eligible;
    if (catalog_read) {
        Resolver resolver(document, cat, problems);
        resolver.check();
        eligible = std::move(resolver.eligible_);
    }
    if (!problems.empty()) throw InputError(file, std::move(problems));
    return convert(std::move(document), file, std::move(cat), std::move(tariff), eligible);
}

Scenario load_scenario(const std::string& path, const LoadOptions& options) {
    return scenario_from_json(load_json_file(path), path, options);
}

}  // namespace factorysim::scenario
