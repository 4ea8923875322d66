#include "factorysim/models/ttft_distribution.hpp"

#include <algorithm>
#include <cmath>

#include "factorysim/models/fixed_point.hpp"

namespace factorysim::models {

double TtftDistribution::exceedance(double x) const {
    const double a = base_s - spread_s / 2.0;
    const double y = x - a;
    if (y < 0.0) return 1.0;
    const bool waits = rho > 0.0 && scale_s > 0.0;
    if (!(spread_s > 0.0)) return waits ? rho * std::exp(-y / scale_s) : 0.0;
    const double tail = waits ? rho * scale_s / spread_s : 0.0;
    if (y < spread_s) return (spread_s - y) / spread_s + (waits ? tail * -std::expm1(-y / scale_s) : 0.0);
    return waits ? tail * (std::exp(-(y - spread_s) / scale_s) - std::exp(-y / scale_s)) : 0.0;
}

double TtftDistribution::quantile(double q) const {
    const double lo = base_s - spread_s / 2.0;
    const double hi = lo + spread_s + (rho > 0.0 ? scale_s * 60.0 : 0.0) + 1e-12;
    // exceedance is non-increasing: bisect to a width far below every other uncertainty.
    return smallest_satisfying(lo, hi, [&](double x) { return exceedance(x) <= 1.0 - q; },
                               1e-12 * std::max(1.0, hi));
}

}  // namespace factorysim::models
