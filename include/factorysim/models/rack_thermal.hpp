// First-order thermal node of a GPU on its cold plate (docs/models/cooling.md):
//
//   T_gpu = T_base + theta,    T_base = coolant supply + coolant rise (algebraic, steps at events)
//   C dtheta/dt = P - theta / R           (C = tau / R: heat capacity of die, plate, coolant film)
//
// With P constant between events the solution is exact:
//   theta(t)       = theta_ss + (theta_0 - theta_ss) e^(-t/tau),    theta_ss = R P
//   int_0^t theta  = theta_ss t + (theta_0 - theta_ss) tau (1 - e^(-t/tau))
//   heat in  = P t,  heat out = (1/R) int theta,  stored = C theta
// so  heat in = heat out + change in stored heat  holds exactly (tested to 1e-9), and the
// time at which theta reaches a threshold has a closed form, which the world schedules as
// a crossing event instead of stepping time.
#pragma once

#include <optional>

namespace factorysim::models {

class ThermalNode {
public:
    // r_c_per_w: temperature rise per watt at steady state; tau_s: time constant.
    ThermalNode(double r_c_per_w = 0.02, double tau_s = 60.0);

    double rise_c() const { return theta_; }
    double steady_rise_c() const { return r_ * power_w_; }
    double power_w() const { return power_w_; }
    double time_constant_s() const { return tau_; }
    double resistance_c_per_w() const { return r_; }

    // theta after `dt_s` more seconds at the current power (no state change).
    double rise_after(double dt_s) const;
    // Integrates `dt_s` seconds at the current power.
    void advance(double dt_s);
    // The power from now on (call advance() up to now first).
    void set_power(double power_w) { power_w_ = power_w; }

    // Seconds until theta reaches `target_rise_c` at the current power, if it ever does
    // (nullopt when theta is moving away from the target or is already at/over it).
    std::optional<double> time_to_reach(double target_rise_c) const;

    double heat_generated_j() const { return heat_in_j_; }
    double heat_to_coolant_j() const { return heat_out_j_; }
    double heat_stored_j() const { return tau_ / r_ * theta_; }

private:
    double r_;
    double tau_;
    double power_w_ = 0.0;
    double theta_ = 0.0;
    double heat_in_j_ = 0.0;
    double heat_out_j_ = 0.0;
};

}  // namespace factorysim::models
