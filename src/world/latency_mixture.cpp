#include "world/latency_mixture.hpp"

#include <algorithm>
#include <cmath>

namespace factorysim::world {

void LatencyMixture::add(double weight, double base_s, double rho, double scale_s) {
    if (weight <= 0.0) return;
    // Merge with the previous part when the operating point did not change (the usual
    // case across hourly ticks), so the mixture stays small over long runs.
    if (!parts_.empty()) {
        auto& last = parts_.back();
        if (last.base == base_s && last.rho == rho && last.scale == scale_s) {
            last.weight += weight;
            total_ += weight;
            return;
        }
    }
    parts_.push_back({weight, base_s, rho, scale_s});
    total_ += weight;
}

double LatencyMixture::exceedance(double x) const {
    if (total_ <= 0.0) return 0.0;
    double sum = 0.0;
    for (const auto& p : parts_) {
        if (x < p.base)
            sum += p.weight;
        else if (p.rho > 0.0 && p.scale > 0.0)
            sum += p.weight * p.rho * std::exp(-(x - p.base) / p.scale);
    }
    return sum / total_;
}

double LatencyMixture::quantile(double q) const {
    if (total_ <= 0.0) return 0.0;
    double lo = 0.0, hi = 0.0;
    for (const auto& p : parts_) hi = std::max(hi, p.base + p.scale * 60.0 + 1.0);
    // exceedance is non-increasing in x: find the smallest x with P(L > x) <= 1 - q.
    for (int i = 0; i < 100; ++i) {
        const double mid = 0.5 * (lo + hi);
        if (exceedance(mid) > 1.0 - q)
            lo = mid;
        else
            hi = mid;
    }
    return hi;
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
