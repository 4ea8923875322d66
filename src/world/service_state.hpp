// One inference service in the world, on the fluid model (models/inference_fluid.hpp):
// between events the offered rate, the instances up and the clock are constant, so
// served requests and tokens integrate exactly and each interval adds its latency
// distribution to the run's mixture.
#pragma once

#include <string>
#include <vector>

#include "factorysim/core/time.hpp"
#include "factorysim/models/inference_fluid.hpp"
#include "factorysim/report/report.hpp"
#include "factorysim/scenario/scenario.hpp"
#include "world/latency_mixture.hpp"
#include "world/request_level.hpp"

#include <memory>

namespace factorysim::world {

class ServiceState {
public:
    ServiceState(const scenario::InferenceWorkload& config, const catalog::LlmSpec& model)
        : config_(&config), model_(&model) {}


    // `engine` runs the request-level model (fidelity "request"); the fluid model needs none.
    void place(Time now, const catalog::RackSpec& rack, int racks_touched, const scenario::Fabric& fabric,
               Engine& engine);
    bool running() const { return placed_; }
    double offered_rate_at(Time t) const;  // the arrival process's rate (piecewise constant per hour)
    void set_offered(Time now, double requests_per_s);
    void set_clock(Time now, double clock);
    void instance_down(Time now);
    void instance_up(Time now);
    double gpu_utilisation() const;  // busy fraction of the service's GPUs (up instances)
    double current_output_tokens_per_s() const;

    report::InferenceServiceReport report(Time end, double energy_j);

private:
    void close_interval(Time now);  // integrates [last_, now) at the current operating point
    void recompute();

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
};

}  // namespace factorysim::world
