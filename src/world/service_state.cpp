#include "world/service_state.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include <fmt/format.h>

namespace factorysim::world {

void ServiceState::place(Time now, const catalog::RackSpec& rack, int racks_touched, const scenario::Fabric& fabric,
                         Engine& engine, bool same_nvlink_domain) {
    rack_ = &rack;
    racks_touched_ = racks_touched;
    if (config_->disaggregation) {
        disagg_ = models::disaggregated_for(*config_, *model_, rack.gpu, fabric, same_nvlink_domain);
        disagg_nominal_ = models::size_disaggregated(*disagg_);
        disagg_sizing_ = disagg_nominal_;
        prefill_up_ = disagg_->prefill_replicas;
        decode_up_ = disagg_->decode_replicas;
        placed_ = true;
        last_ = now;
        if (config_->fidelity == "request")
            disagg_request_ = std::make_unique<DisaggregatedRequestService>(engine, *config_, *disagg_, disagg_nominal_);
        recompute();
        return;
    }
    instance_ = models::instance_for(*config_, *model_, rack.gpu, fabric);
    nominal_sizing_ = models::size_instance(instance_);
    sizing_ = nominal_sizing_;
    instances_up_ = config_->instances;
    placed_ = true;
    last_ = now;
    if (config_->fidelity == "request")
        request_ = std::make_unique<RequestLevelService>(engine, *config_, instance_, nominal_sizing_, config_->instances);
    recompute();
}

double ServiceState::offered_rate_at(Time t) const {
    // Offline: exactly what the replicas that are up can take.
    if (config_->arrival == "offline") {
        if (!placed_) return 0.0;
        return disagg_ ? models::disaggregated_capacity_requests_per_s(disagg_sizing_, prefill_up_, decode_up_)
                       : sizing_.capacity_requests_per_s * instances_up_;
    }
    if (config_->arrival == "trace") {
        // The trace's arrivals in this hour of the run, as a rate.
        const auto& hourly = config_->trace->hourly_requests;
        const auto hour = static_cast<std::size_t>(std::max(0.0, std::floor(t.hours())));
        return hour < hourly.size() ? hourly[hour] / 3600.0 : 0.0;
    }
    if (config_->arrival != "diurnal") return config_->rate_per_s;
    const double hour_of_day = std::fmod(std::floor(t.hours()), 24.0);
    return config_->rate_per_s *
           (1.0 + (config_->peak_to_mean - 1.0) * std::cos(2.0 * std::numbers::pi * (hour_of_day - config_->peak_hour) / 24.0));
}

double ServiceState::nominal_capacity() const {
    return disagg_ ? models::disaggregated_capacity_requests_per_s(disagg_nominal_, disagg_->prefill_replicas,
                                                                   disagg_->decode_replicas)
                   : nominal_sizing_.capacity_requests_per_s;
}

void ServiceState::recompute() {
    if (disagg_) {
        // The whole service is one serving unit while both pools have an instance up.
        disagg_point_ = models::operating_point(*disagg_, disagg_sizing_, offered_, prefill_up_, decode_up_, clock_);
        point_ = disagg_point_.service;
        serving_ = prefill_up_ > 0 && decode_up_ > 0 ? 1 : 0;
        return;
    }
    // Autoscaling (fluid): serve with the fewest replicas that keep each at or below the
    // target share of its full-clock capacity; the others idle (drawing idle power).
    serving_ = instances_up_;
    if (config_->autoscale_target > 0.0 && nominal_sizing_.capacity_requests_per_s > 0.0) {
        const double needed =
            std::ceil(offered_ / (nominal_sizing_.capacity_requests_per_s * config_->autoscale_target) - 1e-9);
        serving_ = std::clamp(static_cast<int>(needed), std::min(config_->autoscale_min_replicas, instances_up_),
                              instances_up_);
    }
    const double per_instance = serving_ > 0 ? offered_ / serving_ : 0.0;
    point_ = models::operating_point(instance_, sizing_, per_instance, clock_);
}

void ServiceState::close_interval(Time now) {
    const double dt = (now - last_).seconds();
    last_ = now;
    if (!placed_ || dt <= 0.0) return;
    const double served = point_.requests_per_s * serving_ * dt;
    offered_requests_ += offered_ * dt;
    served_requests_ += served;
    busy_instance_s_ += point_.requests_per_s / nominal_capacity() * serving_ * dt;
    if (disagg_) {
        // Each pool's instance-seconds of work at full clock, and its instance-seconds up.
        prefill_busy_s_ += served / disagg_nominal_.prefill_capacity_requests_per_s;
        decode_busy_s_ += served / disagg_nominal_.decode_capacity_requests_per_s;
        prefill_up_s_ += prefill_up_ * dt;
        decode_up_s_ += decode_up_ * dt;
    }
    batch_s_ += point_.batch * serving_ * dt;
    up_s_ += serving_ * dt;
    serving_s_ += serving_ * dt;
    slo_met_requests_ += served * point_.slo_attainment(config_->ttft_slo_s, config_->tpot_slo_s);
    ttft_sum_s_ += served * point_.ttft_mean_s;
    tpot_sum_s_ += served * point_.tpot_s;
    ttft_.add(served, point_.ttft());
    tpot_.add(served * config_->output.mean, point_.tpot_s);
}

void ServiceState::set_offered(Time now, double requests_per_s) {
    close_interval(now);
    offered_ = requests_per_s;
    recompute();
    if (request_) request_->set_rate(offered_);
    if (disagg_request_) disagg_request_->set_rate(offered_);
}

void ServiceState::set_clock(Time now, double clock_fraction) {
    // Replicas are re-sized at clock steps of 1/1000: under a binding power cap the clock
    // moves a little at every event, and re-sizing costs a capacity search; the step bounds
    // the capacity error at 0.1 %.
    const double clock = std::max(1e-3, std::round(clock_fraction * 1000.0) / 1000.0);
    if (!placed_ || clock == clock_) return;
    close_interval(now);
    clock_ = clock;
    if (disagg_)
        disagg_sizing_ = models::size_disaggregated(*disagg_, clock);
    else
        sizing_ = models::size_instance(instance_, clock);
    if (config_->arrival == "offline") offered_ = offered_rate_at(now);
    recompute();
    if (request_) {
        request_->set_clock(clock);
        request_->set_rate(offered_);
    }
    if (disagg_request_) {
        disagg_request_->set_clock(clock);
        disagg_request_->set_rate(offered_);
    }
}

void ServiceState::instance_down(Time now, int pool) {
    close_interval(now);
    if (disagg_) {
        int& up = pool == 0 ? prefill_up_ : decode_up_;
        up = std::max(0, up - 1);
        if (config_->arrival == "offline") offered_ = offered_rate_at(now);
        recompute();
        if (disagg_request_) {
            disagg_request_->replica_down(pool);
            disagg_request_->set_rate(offered_);
        }
        return;
    }
    instances_up_ = std::max(0, instances_up_ - 1);
    if (config_->arrival == "offline") offered_ = offered_rate_at(now);
    recompute();
    if (request_) {
        request_->replica_down();
        request_->set_rate(offered_);
    }
}

void ServiceState::instance_up(Time now, int pool) {
    close_interval(now);
    if (disagg_) {
        int& up = pool == 0 ? prefill_up_ : decode_up_;
        up = std::min(pool == 0 ? disagg_->prefill_replicas : disagg_->decode_replicas, up + 1);
        if (config_->arrival == "offline") offered_ = offered_rate_at(now);
        recompute();
        if (disagg_request_) {
            disagg_request_->replica_up(pool);
            disagg_request_->set_rate(offered_);
        }
        return;
    }
    instances_up_ = std::min(config_->instances, instances_up_ + 1);
    if (config_->arrival == "offline") offered_ = offered_rate_at(now);
    recompute();
    if (request_) {
        request_->replica_up();
        request_->set_rate(offered_);
    }
}

double ServiceState::gpu_utilisation() const {
    if (!placed_) return 0.0;
    if (disagg_) {
        // Each pool's GPUs are busy in proportion to its share of its full-clock capacity.
        const auto& d = *config_->disaggregation;
        const double served = point_.requests_per_s * serving_;
        const double prefill_gpus = d.prefill.replicas * d.prefill.gpus, decode_gpus = d.decode.replicas * d.decode.gpus;
        const double busy = served / disagg_nominal_.prefill_capacity_requests_per_s * d.prefill.gpus +
                            served / disagg_nominal_.decode_capacity_requests_per_s * d.decode.gpus;
        return std::min(1.0, busy / (prefill_gpus + decode_gpus));
    }
    // The instances' busy fraction relative to the unthrottled capacity, averaged over all
    // the service's GPUs (instances that are down are idle).
    return std::min(1.0, point_.requests_per_s / nominal_sizing_.capacity_requests_per_s * serving_ /
                             config_->instances);
}

double ServiceState::current_output_tokens_per_s() const {
    // (The request-level model's instantaneous rate is noisy; the time series shows the
    // fluid rate at the same load.)
    return placed_ ? point_.requests_per_s * serving_ * config_->output.mean : 0.0;
}

// A service report's counts and latency percentiles from a request-level model's tallies.
// Utilisation is served load over capacity, as for the fluid model (an instance iterates
// whenever it holds any sequence, so its busy time says little).
void ServiceState::fill_request_level(report::InferenceServiceReport& r, const RequestLevelService::Stats& st,
                                      double span, double energy_j) const {
    const double capacity_requests_per_s = nominal_capacity();
    r.requests_completed = static_cast<double>(st.completed);
    r.requests_dropped = static_cast<double>(st.dropped);
    r.input_tokens_per_s = span > 0 ? st.input_tokens / span : 0.0;
    r.output_tokens_per_s = span > 0 ? st.output_tokens / span : 0.0;
    r.utilization = up_s_ > 0 && capacity_requests_per_s > 0
                        ? static_cast<double>(st.completed) / (up_s_ * capacity_requests_per_s)
                        : 0.0;
    r.batch_size_avg = st.busy_replica_s > 0 ? st.batch_s / st.busy_replica_s : 0.0;
    r.ttft_p50_s = st.ttft_s.percentile(0.50);
    r.ttft_p99_s = st.ttft_s.percentile(0.99);
    r.tpot_p50_s = st.tpot_s.percentile(0.50);
    r.tpot_p99_s = st.tpot_s.percentile(0.99);
    r.ttft_mean_s = st.ttft_s.mean();
    r.tpot_mean_s = st.tpot_s.mean();
    r.slo_attainment = st.completed > 0 ? static_cast<double>(st.slo_met) / st.completed : 0.0;
    r.kv_preemptions = static_cast<std::int64_t>(st.preemptions);
    r.output_tokens_per_mwh = energy_j > 0 ? st.output_tokens / (energy_j / 3.6e9) : 0.0;
}

report::InferenceServiceReport ServiceState::report(Time end, double energy_j) {
    close_interval(end);
    report::InferenceServiceReport r;
    r.name = config_->name;
    r.model = model_->name;
    r.precision = catalog::to_string(config_->precision);
    r.instances = config_->instances;
    r.gpus_per_instance = config_->gpus_per_instance;
    r.gpus = config_->instances * config_->gpus_per_instance;
    if (const auto& d = config_->disaggregation) {
        r.instances = d->prefill.replicas + d->decode.replicas;
        r.gpus = d->prefill.replicas * d->prefill.gpus + d->decode.replicas * d->decode.gpus;
    }
    if (!rack_) return r;
    r.rack = rack_->name;
    const double span = end.seconds();
    r.offered_requests_per_s = span > 0 ? offered_requests_ / span : 0.0;
    r.requests_completed = served_requests_;
    r.requests_dropped = std::max(0.0, offered_requests_ - served_requests_);
    r.input_tokens_per_s = span > 0 ? served_requests_ * config_->input.mean / span : 0.0;
    r.output_tokens_per_s = span > 0 ? served_requests_ * config_->output.mean / span : 0.0;
    r.utilization = up_s_ > 0 ? busy_instance_s_ / up_s_ : 0.0;
    r.batch_size_avg = up_s_ > 0 ? batch_s_ / up_s_ : 0.0;
    r.ttft_p50_s = ttft_.quantile(0.50);
    r.ttft_p99_s = ttft_.quantile(0.99);
    r.tpot_p50_s = tpot_.quantile(0.50);
    r.tpot_p99_s = tpot_.quantile(0.99);
    r.slo_attainment = served_requests_ > 0 ? slo_met_requests_ / served_requests_ : 0.0;
    r.output_tokens_per_mwh = energy_j > 0 ? served_requests_ * config_->output.mean / (energy_j / 3.6e9) : 0.0;
    r.ttft_mean_s = served_requests_ > 0 ? ttft_sum_s_ / served_requests_ : 0.0;
    r.tpot_mean_s = served_requests_ > 0 ? tpot_sum_s_ / served_requests_ : 0.0;
    r.fidelity = config_->fidelity;
    r.replicas_serving_avg = span > 0 ? serving_s_ / span : 0.0;
    if (disagg_) {
        r.slo_capacity_requests_per_s =
            models::slo_capacity_requests_per_s(*disagg_, disagg_nominal_, config_->ttft_slo_s, config_->tpot_slo_s);
        r.slo_capacity_output_tokens_per_s_per_gpu =
            r.slo_capacity_requests_per_s * config_->output.mean / std::max(1, r.gpus);
    } else {
        const double per_replica = models::slo_capacity_requests_per_s(instance_, nominal_sizing_, config_->ttft_slo_s,
                                                                      config_->tpot_slo_s);
        r.slo_capacity_requests_per_s = per_replica * config_->instances;
        r.slo_capacity_output_tokens_per_s_per_gpu =
            per_replica * config_->output.mean / std::max(1, config_->gpus_per_instance);
    }
    // The request-level models' own counts replace the fluid integrals.
    if (request_) fill_request_level(r, request_->stats(), span, energy_j);
    if (disagg_request_) fill_request_level(r, disagg_request_->stats().requests, span, energy_j);
    if (disagg_) report_disaggregation(r, span);
    return r;
}

void ServiceState::report_disaggregation(report::InferenceServiceReport& r, double span_s) const {
    const auto& d = *config_->disaggregation;
    report::DisaggregationReport out;
    const auto pool = [](const scenario::InferencePool& p, double capacity_per_instance, double busy_s, double up_s) {
        report::InferencePoolReport pr;
        pr.instances = p.replicas;
        pr.gpus_per_instance = p.gpus;
        pr.gpus = p.replicas * p.gpus;
        pr.tp = p.tensor;
        pr.ep = p.expert;
        pr.capacity_requests_per_s = capacity_per_instance * p.replicas;
        pr.utilization = up_s > 0 ? busy_s / up_s : 0.0;
        return pr;
    };
    // Busy instance-seconds: served requests over one instance's full-clock capacity.
    double prefill_busy_s = prefill_busy_s_, decode_busy_s = decode_busy_s_;
    out.kv_bytes_per_request = disagg_nominal_.kv_bytes;
    out.kv_transfer_s = disagg_nominal_.kv_transfer_s;
    out.kv_transfer_gb_per_s = span_s > 0 ? served_requests_ * disagg_nominal_.kv_bytes / span_s / 1e9 : 0.0;
    if (disagg_request_) {
        const auto& st = disagg_request_->stats();
        const double completed = static_cast<double>(st.requests.completed);
        prefill_busy_s = completed / disagg_nominal_.prefill_capacity_requests_per_s;
        decode_busy_s = completed / disagg_nominal_.decode_capacity_requests_per_s;
        out.kv_transfer_s = st.transfers > 0 ? st.kv_transfer_s / static_cast<double>(st.transfers) : 0.0;
        out.kv_transfer_gb_per_s = span_s > 0 ? st.kv_bytes / span_s / 1e9 : 0.0;
    }
    out.prefill = pool(d.prefill, disagg_nominal_.prefill_capacity_requests_per_s, prefill_busy_s, prefill_up_s_);
    out.decode = pool(d.decode, disagg_nominal_.decode_capacity_requests_per_s, decode_busy_s, decode_up_s_);
    out.kv_link = disagg_->kv.nvlink ? "nvlink" : "scale_out";
    r.disaggregation = std::move(out);
}

}  // namespace factorysim::world
