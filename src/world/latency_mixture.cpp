#include "world/latency_mixture.hpp"

#include <algorithm>
#include <cmath>

#include "factorysim/models/fixed_point.hpp"

namespace factorysim::world {

void LatencyMixture::add(double weight, const models::TtftDistribution& latency) {
    if (weight <= 0.0) return;
    // Merge with the previous part when the operating point did not change (the usual
    // case across hourly ticks), so the mixture stays small over long runs.
    if (!parts_.empty() && parts_.back().latency == latency) {
        parts_.back().weight += weight;
        total_ += weight;
        return;
    }
    parts_.push_back({weight, latency});
    total_ += weight;
}

double LatencyMixture::exceedance(double x) const {
    if (total_ <= 0.0) return 0.0;
    double sum = 0.0;
    for (const auto& p : parts_) sum += p.weight * p.latency.exceedance(x);
    return sum / total_;
}

double LatencyMixture::quantile(double q) const {
    if (total_ <= 0.0) return 0.0;
    double hi = 0.0;
    for (const auto& p : parts_)
        hi = std::max(hi, p.latency.base_s + p.latency.spread_s + p.latency.scale_s * 60.0 + 1.0);
    // exceedance is non-increasing in x: the smallest x with P(L > x) <= 1 - q.
    return models::smallest_satisfying(0.0, hi, [&](double x) { return exceedance(x) <= 1.0 - q; }, 0.0);
}

void WeightedValues::add(double weight, double value) {
    if (weight > 0.0) items_.emplace_back(value, weight);
}

double WeightedValues::quantile(double q) const {
    if (items_.empty()) return 0.0;
    auto sorted = items_;
    std::sort(sorted.begin(), sorted.end());
    double total = 0.0;
    for (const auto& [v, w] : sorted) total += w;
    double cumulative = 0.0;
    for (const auto& [v, w] : sorted) {
        cumulative += w;
        if (cumulative >= q * total) return v;
    }
    return sorted.back().first;
}

}  // namespace factorysim::world
