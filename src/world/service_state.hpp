// One inference service in the world, on the fluid model (models/inference_fluid.hpp, or
// models/inference_disaggregated.hpp for separate prefill and decode pools): between events
// the offered rate, the instances up and the clock are constant, so served requests and
// tokens integrate exactly and each interval adds its latency distribution to the run's
// mixture. A disaggregated service integrates as one unit (its served rate, its decode batch
// per decode instance) plus each pool's busy and up instance-seconds.
#pragma once

#include <string>
#include <vector>

#include "factorysim/core/time.hpp"
#include "factorysim/models/inference_disaggregated.hpp"
#include "factorysim/models/inference_fluid.hpp"
#include "factorysim/report/report.hpp"
#include "factorysim/scenario/scenario.hpp"
#include "world/latency_mixture.hpp"
#include "world/disaggregated_requests.hpp"
#include "world/request_level.hpp"

#include <memory>
#include <optional>

namespace factorysim::world {

class ServiceState {
public:
    ServiceState(const scenario::InferenceWorkload& config, const catalog::LlmSpec& model)
        : config_(&config), model_(&model) {}


    // `engine` runs the request-level model (fidelity "request"); the fluid model needs none.
    // `same_nvlink_domain`: every instance landed in one NVLink domain (a disaggregated
    // service's KV transfers then use NVLink, else the scale-out NICs).
    void place(Time now, const catalog::RackSpec& rack, int racks_touched, const scenario::Fabric& fabric,
               Engine& engine, bool same_nvlink_domain = false);
    bool running() const { return placed_; }
    double offered_rate_at(Time t) const;  // the arrival process's rate (piecewise constant per hour)
    void set_offered(Time now, double requests_per_s);
    void set_clock(Time now, double clock);
    // `pool`: 0 (prefill) or 1 (decode) of a disaggregated service; colocated ones have one.
    void instance_down(Time now, int pool = 0);
    void instance_up(Time now, int pool = 0);
    double gpu_utilisation() const;  // busy fraction of the service's GPUs (up instances)
    double current_output_tokens_per_s() const;

    report::InferenceServiceReport report(Time end, double energy_j);

private:
    void close_interval(Time now);  // integrates [last_, now) at the current operating point
    void recompute();
    double nominal_capacity() const;  // requests/s of a serving unit at full clock (a replica, or the disaggregated service)
    void fill_request_level(report::InferenceServiceReport& r, const RequestLevelService::Stats& st, double span,
                            double energy_j) const;
    void report_disaggregation(report::InferenceServiceReport& r, double span_s) const;

    const scenario::InferenceWorkload* config_;
    const catalog::LlmSpec* model_;
    const catalog::RackSpec* rack_ = nullptr;
    int racks_touched_ = 0;
    bool placed_ = false;
    models::InferenceInstance instance_;
    models::InstanceSizing nominal_sizing_;  // at full clock (utilisation reference)
    models::InstanceSizing sizing_;          // at the current clock
    models::OperatingPoint point_;
    double clock_ = 1.0;
    double offered_ = 0.0;
    int instances_up_ = 0;
    int serving_ = 0;          // up replicas that take load (all of them without autoscaling)
    double serving_s_ = 0.0;   // replica-seconds serving
    Time last_;
    // Integrals since placement.
    double offered_requests_ = 0.0, served_requests_ = 0.0, busy_instance_s_ = 0.0, batch_s_ = 0.0, up_s_ = 0.0;
    double slo_met_requests_ = 0.0;
    LatencyMixture ttft_;
    WeightedValues tpot_;
    double ttft_sum_s_ = 0.0, tpot_sum_s_ = 0.0;  // request-weighted, for the means
    std::unique_ptr<RequestLevelService> request_;  // fidelity "request"
    // Disaggregated prefill/decode (config_->disaggregation).
    std::optional<models::DisaggregatedService> disagg_;
    models::DisaggregatedSizing disagg_nominal_, disagg_sizing_;
    models::DisaggregatedPoint disagg_point_;
    int prefill_up_ = 0, decode_up_ = 0;
    double prefill_busy_s_ = 0.0, decode_busy_s_ = 0.0;  // instance-seconds at full-clock capacity
    double prefill_up_s_ = 0.0, decode_up_s_ = 0.0;      // instance-seconds up
    std::unique_ptr<DisaggregatedRequestService> disagg_request_;  // fidelity "request"
};

}  // namespace factorysim::world
