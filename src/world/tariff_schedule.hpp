// The electricity price as a periodic step function of simulated time, built from the site's
// tariff (docs/models/cost.md#tariffs): flat (one step), time of use (the steps of a day, or
// of a week when weekdays and weekends differ) or hourly prices from a file (one step per
// hour, wrapping around at the end of the file).
#pragma once

#include <cstdint>
#include <vector>

#include "factorysim/core/time.hpp"
#include "factorysim/scenario/scenario.hpp"

namespace factorysim::world {

class TariffSchedule {
public:
    explicit TariffSchedule(const scenario::Site& site);

    struct Step {
        double usd_per_kwh;
        Time end;  // the price holds from the queried time until here
    };
    // The price at t and when it next may change.
    Step at(Time t) const;

private:
    std::int64_t cycle_ns_ = 0;
    std::vector<std::int64_t> starts_ns_;  // within the cycle, ascending, the first 0
    std::vector<double> usd_per_kwh_;
};

}  // namespace factorysim::world
