// Exact energy cost of a piecewise-constant power signal under a piecewise-constant tariff:
//     cost = integral of P(t) x price(t) dt = sum over pieces of P x price x dt
// Between two set() calls the power is constant; each such interval is split where the price
// changes (hour edges, period boundaries), so there is no sampling error. Accumulated in
// long double over integer nanoseconds, like metrics::TimeWeightedAverage.
#pragma once

#include <algorithm>
#include <utility>

#include "factorysim/core/error.hpp"
#include "factorysim/core/time.hpp"
#include "world/tariff_schedule.hpp"

namespace factorysim::world {

class EnergyCostMeter {
public:
    explicit EnergyCostMeter(TariffSchedule tariff) : tariff_(std::move(tariff)) {}

    // The power is `power_w` from t on. t must not go backwards.
    void set(Time t, double power_w) {
        if (t < last_) throw ModelError("energy cost meter updated backwards in time");
        usd_ += cost_usd_between(last_, t);
        last_ = t;
        power_w_ = power_w;
    }

    // Cost of the energy from time zero to `until`.
    double cost_usd(Time until) const {
        return static_cast<double>(usd_ + (until > last_ ? cost_usd_between(last_, until) : 0.0L));
    }

private:
    // At the current power, over [from, to).
    long double cost_usd_between(Time from, Time to) const {
        if (power_w_ == 0.0) return 0.0L;
        long double ns_usd_per_kwh = 0.0L;
        for (Time t = from; t < to;) {
            const auto step = tariff_.at(t);
            const Time end = std::min(step.end, to);
            ns_usd_per_kwh += static_cast<long double>(step.usd_per_kwh) * static_cast<long double>((end - t).ns());
            t = end;
        }
        return ns_usd_per_kwh * static_cast<long double>(power_w_) / 3.6e15L;  // 1 kWh = 3.6e15 W ns
    }

    TariffSchedule tariff_;
    Time last_ = Time::zero();
    double power_w_ = 0.0;
    long double usd_ = 0.0L;
};

}  // namespace factorysim::world
