// Percentiles of a latency over a run whose operating point changed over time. Each
// interval contributes its requests with the fluid model's distribution (a fixed part, the
// uniform residual of the iteration in flight, a shifted-exponential wait:
// models/ttft_distribution.hpp), so the run's distribution is the request-weighted mixture,
// inverted by bisection.
#pragma once

#include <vector>

#include "factorysim/models/ttft_distribution.hpp"

namespace factorysim::world {

class LatencyMixture {
public:
    // Adds `weight` requests with this distribution.
    void add(double weight, const models::TtftDistribution& latency);
    double total_weight() const { return total_; }
    // Exceedance probability P(L > x).
    double exceedance(double x) const;
    // The q-quantile (0 if empty).
    double quantile(double q) const;

private:
    struct Part {
        double weight;
        models::TtftDistribution latency;
    };
    std::vector<Part> parts_;
    double total_ = 0.0;
};

// Weighted quantile of point masses (TPOT is constant within an interval).
class WeightedValues {
public:
    void add(double weight, double value);
    double quantile(double q) const;

private:
    std::vector<std::pair<double, double>> items_;  // (value, weight)
};

}  // namespace factorysim::world
