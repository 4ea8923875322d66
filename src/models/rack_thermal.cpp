#include "factorysim/models/rack_thermal.hpp"

#include <cmath>

#include "factorysim/core/error.hpp"

namespace factorysim::models {

ThermalNode::ThermalNode(double r_c_per_w, double tau_s) : r_(r_c_per_w), tau_(tau_s) {
    if (!(r_ > 0.0) || !(tau_ > 0.0)) throw ModelError("thermal node: resistance and time constant must be positive");
}

void ThermalNode::advance(double dt_s) {
    if (dt_s <= 0.0) return;
    const double ss = steady_rise_c();
    // 1 - e^(-t/tau) through expm1: exact for the short intervals between close events.
    const double decay = -std::expm1(-dt_s / tau_);
    const double integral = ss * dt_s + (theta_ - ss) * tau_ * decay;
    heat_in_j_ += power_w_ * dt_s;
    heat_out_j_ += integral / r_;
    theta_ = ss + (theta_ - ss) * (1.0 - decay);
}

double ThermalNode::rise_after(double dt_s) const {
    if (dt_s <= 0.0) return theta_;
    const double ss = steady_rise_c();
    return ss + (theta_ - ss) * std::exp(-dt_s / tau_);
}

std::optional<double> ThermalNode::time_to_reach(double target) const {
    const double ss = steady_rise_c();
    // Rising toward ss > target from below, or falling toward ss < target from above.
    if (!((theta_ < target && target < ss) || (theta_ > target && target > ss))) return std::nullopt;
    return tau_ * std::log((ss - theta_) / (ss - target));
}

}  // namespace factorysim::models
